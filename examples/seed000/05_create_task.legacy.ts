// Seed 000, §2.3 示例1 — legacy form.
// Run: deno run examples/seed000/05_create_task.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {
  console.log(1);
  yield* asyncio.sleep(2);
  console.log(2);
  return "返回值";
});
const main = asyncio.coroutine(function* main() {
  console.log("main开始");
  const task1 = asyncio.createTask(func());
  const task2 = asyncio.createTask(func());
  console.log("main结束");
  const ret1 = yield* task1;
  const ret2 = yield* task2;
  console.log(ret1, ret2);
});
await asyncio.getEventLoop().runUntilComplete(main());
