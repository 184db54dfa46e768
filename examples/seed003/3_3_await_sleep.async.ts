// Seed 003, §3.3 示例1 — async form.
// Run: deno run examples/seed003/3_3_await_sleep.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {
  console.log(1);
  const response = await asyncio.sleep(2);
  console.log("2", response ?? "None");
});

if (import.meta.main) {
  await asyncio.run(func());
}
