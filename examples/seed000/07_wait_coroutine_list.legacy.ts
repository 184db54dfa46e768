// Seed 000, §2.3 示例3 — legacy form.
// Run: deno run examples/seed000/07_wait_coroutine_list.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {
  console.log("执行协程函数内部代码");
  const response = yield* asyncio.sleep(2);
  console.log("IO请求结束,结果为:", response ?? "None");
});
const coroutineList = [func(), func()];
const [_done, _pending] = await asyncio.getEventLoop().runUntilComplete(
  asyncio.wait(coroutineList),
);
