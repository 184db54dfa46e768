// Seed 001, 协程 — two plain generators scheduled by hand: each yield gives
// control back to the loop below, all in one thread (the idea coroutines rest on).
// Run: deno run examples/seed001/2_generator_scheduling.ts
import { blockingSleep } from "@yieldfrom/asyncio";

function* a() {
  for (const x of [0, 1, 2]) {
    blockingSleep(0.001); // time.sleep(0.001)
    console.log("a.x", x);
    yield;
  }
}
function* b() {
  for (const x of "abc") {
    blockingSleep(0.001);
    console.log("b.x", x);
    yield;
  }
}
const m = a();
const n = b();
for (let i = 0; i < 3; i++) {
  m.next();
  n.next();
}
