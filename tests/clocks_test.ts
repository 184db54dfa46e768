import { assert, assertAlmostEquals } from "@std/assert";
import { monotonic } from "../mod.ts";
import { CLOCK_OFFSET_KEY } from "../lib/clocks.ts";

/** Run `body` (self-contained source) in a module worker; resolve with what it posts. */
function inWorker(body: string): Promise<number> {
  const url = URL.createObjectURL(new Blob([body], { type: "application/javascript" }));
  const w = new Worker(url, { type: "module" });
  return new Promise<number>((resolve, reject) => {
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(e.message));
    };
  }).finally(() => {
    w.terminate();
    URL.revokeObjectURL(url);
  });
}

const clocksUrl = new URL("../lib/clocks.ts", import.meta.url).href;

Deno.test("monotonic() in a worker reads the main thread's clock", async () => {
  const before = monotonic();
  const inside = await inWorker(
    `const { monotonic } = await import(${JSON.stringify(clocksUrl)});
     postMessage(monotonic());`,
  );
  const after = monotonic();
  assert(before <= inside && inside <= after, `${before} <= ${inside} <= ${after}`);
});

Deno.test("monotonic() adds the thread's clock correction, read when clocks.ts loads", async () => {
  const main = monotonic();
  const inside = await inWorker(
    `globalThis[Symbol.for(${JSON.stringify(CLOCK_OFFSET_KEY)})] = 3600 * 1000;
     const { monotonic } = await import(${JSON.stringify(clocksUrl)});
     postMessage(monotonic());`,
  );
  assertAlmostEquals(inside - main, 3600, 60);
});
