// Seed 000, §2.2 await — async form.
// Run: deno run examples/seed000/02_await_sleep.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {
  console.log("执行协程函数内部代码");
  // 遇到IO操作挂起当前协程(任务); the loop can run other tasks meanwhile.
  const response = await asyncio.sleep(2);
  console.log("IO请求结束,结果为:", response ?? "None");
});
const result = func();
await asyncio.run(result);
