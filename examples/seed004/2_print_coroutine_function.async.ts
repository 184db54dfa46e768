// Seed 004, §2 Print — async form. The seed passes the coroutine *function* to
// run_until_complete, which CPython rejects with TypeError ("An asyncio.Future, a coroutine
// or an awaitable is required"). Here a zero-argument function is accepted wherever an
// awaitable is (it is called at the task's first step), so the program runs and, as the
// seed shows, prints nothing.
// Run: deno run examples/seed004/2_print_coroutine_function.async.ts
import * as asyncio from "@yieldfrom/asyncio";

const Print = asyncio.coroutine(async function Print() {
  return "hello";
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(Print);
