// Seed 003, §3.3 示例1 — legacy form.
// Run: deno run examples/seed003/3_3_await_sleep.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {
  console.log(1);
  const response = yield* asyncio.sleep(2);
  console.log("2", response ?? "None");
});

if (import.meta.main) {
  await asyncio.getEventLoop().runUntilComplete(func());
}
