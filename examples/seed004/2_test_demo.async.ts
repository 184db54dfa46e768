// Seed 004, §2 test demo — async form.
// Run: deno run examples/seed004/2_test_demo.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const test = asyncio.coroutine(async function test() {
  console.log("io等待");
  await asyncio.sleep(1);
  return "hello";
});
const hello = asyncio.coroutine(async function hello() {
  console.log("Hello world");
  const _r = await test();
  console.log("hello again");
});
const loop = asyncio.getEventLoop();
const tasks = [hello(), hello()];
await loop.runUntilComplete(asyncio.wait(tasks));
loop.close();
