// Seed 003, §3.2 — async form: creating a coroutine object runs nothing; run() runs it.
// Prints nothing.
// Run: deno run examples/seed003/3_2_run_coroutine_object.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(async function func() {});

const res = func();

// const loop = asyncio.getEventLoop();
// await loop.runUntilComplete(res);
await asyncio.run(res);
