// Seed 003, §3.3 示例2 — async form: await waits for the return value before going on.
// Run: deno run examples/seed003/3_3_await_others.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(async function others() {
  console.log("start");
  await asyncio.sleep(2);
  console.log("end");
  return 1;
});

const func = asyncio.coroutine(async function func() {
  console.log("start func");
  const response1 = await others();
  console.log("end func, response1 = ", response1);
  const response2 = await others();
  console.log("end func, response2 = ", response2);
});

if (import.meta.main) {
  await asyncio.run(func());
}
