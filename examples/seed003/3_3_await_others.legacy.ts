// Seed 003, §3.3 示例2 — legacy form.
// Run: deno run examples/seed003/3_3_await_others.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(function* others() {
  console.log("start");
  yield* asyncio.sleep(2);
  console.log("end");
  return 1;
});

const func = asyncio.coroutine(function* func() {
  console.log("start func");
  const response1 = yield* others();
  console.log("end func, response1 = ", response1);
  const response2 = yield* others();
  console.log("end func, response2 = ", response2);
});

if (import.meta.main) {
  await asyncio.getEventLoop().runUntilComplete(func());
}
