// Seed 000, §2.1 示例1 — async form. Prints: 协程内部代码
// Run: deno run examples/seed000/01_run_coroutine.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {
  console.log("协程内部代码");
});
// 调用协程函数,返回一个协程对象 (calling it runs nothing yet).
const result = func();
// 方式二: asyncio.run makes the loop and runs the coroutine to completion.
await asyncio.run(result);
