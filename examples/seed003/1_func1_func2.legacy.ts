// Seed 003, §1.1 — the @asyncio.coroutine / yield from original (Python 3.4).
// Run: deno run examples/seed003/1_func1_func2.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func1 = asyncio.coroutine(function* func1() {
  console.log(1);
  yield* asyncio.sleep(2); // 遇到IO操作耗时，自动切换到tasks中的其他任务
  console.log(2);
});

const func2 = asyncio.coroutine(function* func2() {
  console.log(3);
  yield* asyncio.sleep(2); // 遇到IO操作耗时，自动切换到tasks中的其他任务
  console.log(4);
});

const tasks = [asyncio.ensureFuture(func1()), asyncio.ensureFuture(func2())];

if (import.meta.main) {
  const loop = asyncio.getEventLoop();
  await loop.runUntilComplete(asyncio.wait(tasks));
}
