// Seed 000, §2.3 示例1 — async form: tasks start on the next loop iteration.
// Run: deno run examples/seed000/05_create_task.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {
  console.log(1);
  await asyncio.sleep(2);
  console.log(2);
  return "返回值";
});
const main = asyncio.coroutine(async function main() {
  console.log("main开始");
  // 创建Task: scheduled now, started when main gives up control.
  const task1 = asyncio.createTask(func());
  const task2 = asyncio.createTask(func());
  console.log("main结束");
  const ret1 = await task1;
  const ret2 = await task2;
  console.log(ret1, ret2);
});
await asyncio.run(main());
