// Seed 000, §2.1 示例1 — legacy form (方式一: get_event_loop + run_until_complete).
// Run: deno run examples/seed000/01_run_coroutine.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {
  console.log("协程内部代码");
});
const result = func();
const loop = asyncio.getEventLoop(); // 创建一个事件循环
await loop.runUntilComplete(result); // 将协程当做任务提交到事件循环
