// Seed 003, §3.5 Future — async form: a task sets the result of a future main awaits.
// Run: deno run examples/seed003/3_5_future.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const setAfter = asyncio.coroutine(async function setAfter(fut: asyncio.Future<string>) {
  await asyncio.sleep(2);
  fut.setResult("2");
});

const main = asyncio.coroutine(async function main() {
  // 获取当前事件循环
  const loop = asyncio.getRunningLoop();
  // 创建一个Future对象
  const fut = loop.createFuture<string>();
  // 创建一个任务对象，其中的函数会给Future赋值
  await loop.createTask(setAfter(fut));
  // 等待Future对象最终结果
  const data = await fut;
  console.log(data);
});

if (import.meta.main) {
  await asyncio.run(main());
}
