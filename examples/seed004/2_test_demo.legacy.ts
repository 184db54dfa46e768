// Seed 004, §2 test demo — legacy form.
// Run: deno run examples/seed004/2_test_demo.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const test = asyncio.coroutine(function* test() {
  console.log("io等待");
  yield* asyncio.sleep(1);
  return "hello";
});
const hello = asyncio.coroutine(function* hello() {
  console.log("Hello world");
  const _r = yield* test();
  console.log("hello again");
});
const loop = asyncio.getEventLoop();
const tasks = [hello(), hello()];
await loop.runUntilComplete(asyncio.wait(tasks));
loop.close();
