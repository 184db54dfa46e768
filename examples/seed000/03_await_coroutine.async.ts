// Seed 000, §2.2 示例2 — async form: awaiting a coroutine runs it inside the same task.
// Run: deno run examples/seed000/03_await_coroutine.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(async function others() {
  console.log("start");
  await asyncio.sleep(2);
  console.log("end");
  return "返回值";
});
const func = asyncio.coroutine(async function func() {
  console.log("执行协程函数内部代码");
  const response = await others();
  console.log("IO请求结束,结果为:", response);
});
await asyncio.run(func());
