// Seed 003, §3.2 — legacy form. Prints nothing.
// Run: deno run examples/seed003/3_2_run_coroutine_object.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {});

const res = func();

const loop = asyncio.getEventLoop();
await loop.runUntilComplete(res);
