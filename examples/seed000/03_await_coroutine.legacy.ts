// Seed 000, §2.2 示例2 — legacy form.
// Run: deno run examples/seed000/03_await_coroutine.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(function* others() {
  console.log("start");
  yield* asyncio.sleep(2);
  console.log("end");
  return "返回值";
});
const func = asyncio.coroutine(function* func() {
  console.log("执行协程函数内部代码");
  const response = yield* others();
  console.log("IO请求结束,结果为:", response);
});
await asyncio.getEventLoop().runUntilComplete(func());
