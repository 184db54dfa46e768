// Seed 001, async def 例 — async form: two coroutines take turns, and both run in the
// main thread (showthread prints the threads, like threading.enumerate(): only the main
// one, named by the process id).
//
// wait() starts its coroutines in the order given: sleep first. CPython 3.10 turns the
// list into a set first, so its order depends on hashing; this machine's CPython also
// starts sleep first, the seed's author got showthread first.
// Run: deno run examples/seed001/4_sleep_showthread.async.ts
import * as asyncio from "@yieldfrom/asyncio";

/** Python's threading.enumerate() as this program sees it: the main thread only. */
const threadingEnumerate = () => `[<_MainThread(MainThread, started ${Deno.pid})>]`;

const sleep = asyncio.coroutine(async function sleep(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(`sleep ${i}`);
    await asyncio.sleep(x);
  }
});
const showthread = asyncio.coroutine(async function showthread(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(threadingEnumerate());
    await asyncio.sleep(x);
  }
});
const loop = asyncio.getEventLoop();
const tasks = [sleep(3), showthread(3)]; // 放协程对象
await loop.runUntilComplete(asyncio.wait(tasks));
loop.close();
console.log(asyncio.isCoroutineFunction(sleep) ? "True" : "False");
console.log(asyncio.isCoroutine(showthread) ? "True" : "False");
