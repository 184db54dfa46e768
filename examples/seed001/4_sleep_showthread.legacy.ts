// Seed 001, async def 例 — legacy form (generator coroutines); see the async form's notes.
// Run: deno run examples/seed001/4_sleep_showthread.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

/** Python's threading.enumerate() as this program sees it: the main thread only. */
const threadingEnumerate = () => `[<_MainThread(MainThread, started ${Deno.pid})>]`;

const sleep = asyncio.coroutine(function* sleep(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(`sleep ${i}`);
    yield* asyncio.sleep(x);
  }
});
const showthread = asyncio.coroutine(function* showthread(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(threadingEnumerate());
    yield* asyncio.sleep(x);
  }
});
const loop = asyncio.getEventLoop();
const tasks = [sleep(3), showthread(3)];
await loop.runUntilComplete(asyncio.wait(tasks));
loop.close();
console.log(asyncio.isCoroutineFunction(sleep) ? "True" : "False");
console.log(asyncio.isCoroutine(showthread) ? "True" : "False");
