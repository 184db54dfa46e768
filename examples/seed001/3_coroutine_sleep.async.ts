// Seed 001, async def 例 (first half) — async form of the same coroutine.
// Run: deno run examples/seed001/3_coroutine_sleep.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const sleep = asyncio.coroutine(async function sleep(x: number) {
  for (let i = 0; i < 3; i++) {
    console.log(`sleep ${i}`);
    await asyncio.sleep(x);
  }
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(sleep(10));
loop.close();
