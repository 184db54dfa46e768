// Seed 000, §2.2 示例3 — legacy form.
// Run: deno run examples/seed000/04_await_twice.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(function* others() {
  console.log("start");
  yield* asyncio.sleep(2);
  console.log("end");
  return "返回值";
});
const func = asyncio.coroutine(function* func() {
  console.log("执行协程函数内部代码");
  const response1 = yield* others();
  console.log("IO请求结束,结果为:", response1);
  const response2 = yield* others();
  console.log("IO请求结束,结果为:", response2);
});
await asyncio.getEventLoop().runUntilComplete(func());
