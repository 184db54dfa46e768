// Seed 004, §2 display — async form: ten coroutine objects run by wait(). Prints nothing.
// Run: deno run examples/seed004/2_display_tasks.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const display = asyncio.coroutine(async function display(_num: number) {});
const tasks = [];
for (let num = 0; num < 10; num++) {
  tasks.push(display(num)); // 生成任务列表
}
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(asyncio.wait(tasks));
