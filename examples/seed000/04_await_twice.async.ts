// Seed 000, §2.2 示例3 — async form: the second await starts after the first returns.
// Run: deno run examples/seed000/04_await_twice.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const others = asyncio.coroutine(async function others() {
  console.log("start");
  await asyncio.sleep(2);
  console.log("end");
  return "返回值";
});
const func = asyncio.coroutine(async function func() {
  console.log("执行协程函数内部代码");
  const response1 = await others();
  console.log("IO请求结束,结果为:", response1);
  const response2 = await others();
  console.log("IO请求结束,结果为:", response2);
});
await asyncio.run(func());
