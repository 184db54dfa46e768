// Seed 004, §2 Print — legacy form (see the async form for why passing the function works).
// Run: deno run examples/seed004/2_print_coroutine_function.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const Print = asyncio.coroutine(function* Print() {
  return "hello";
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(Print);
