// Seed 001, @asyncio.coroutine 例 — legacy form (Python 3.4): a generator coroutine that
// sleeps three times for 10 seconds (30 s in all; instant on the virtual clock).
// Run: deno run examples/seed001/3_coroutine_sleep.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const sleep = asyncio.coroutine(function* sleep(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(`sleep ${i}`);
    yield* asyncio.sleep(x); // asyncio.sleep(x), another coroutine
  }
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(sleep(10)); // sleep(10) with its parentheses: a coroutine object
loop.close();
