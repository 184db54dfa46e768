// Seed 000, §2.3 示例3 — async form: wait() wraps each coroutine in a task (as Python
// up to 3.10 did). createTask() here, before any loop runs, would throw: no running loop.
// Run: deno run examples/seed000/07_wait_coroutine_list.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {
  console.log("执行协程函数内部代码");
  const response = await asyncio.sleep(2);
  console.log("IO请求结束,结果为:", response ?? "None");
});
const coroutineList = [func(), func()];
const [_done, _pending] = await asyncio.run(asyncio.wait(coroutineList));
