/**
 * The memory invariant: many run() calls in one process, each a small
 * torture, must not make the heap grow (every loop, task and primitive of a
 * finished run can be collected).
 */
import { torture } from "./torture.ts";

/** The heap after a warm-up and at the end, after a full garbage collection each time. */
export interface HeapGrowth {
  warmup: number;
  firstMb: number;
  lastMb: number;
  /** (last - first) / runs after the warm-up. */
  perRunBytes: number;
}

const collect = (globalThis as { gc?: () => void }).gc;

/**
 * The heap after full collections. FinalizationRegistry callbacks (the
 * runtime reports never-retrieved exceptions through one) run only between
 * macrotasks, and until they run their held values stay alive: give the
 * host a few turns, or a run() loop that never yields one seems to leak.
 */
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  collect!();
  return Deno.memoryUsage().heapUsed;
}

/**
 * Run a 10-worker torture `runs` times (seeds 0 to 3, both styles in turn;
 * their violations are other checks' business) and measure the heap; null
 * without `--v8-flags=--expose-gc`.
 */
export async function heapGrowth(runs: number, workers = 10): Promise<HeapGrowth | null> {
  if (collect === undefined || runs < 10) return null;
  const warmup = Math.floor(runs / 10);
  let first = 0;
  for (let i = 0; i < runs; i++) {
    if (i === warmup) first = await heapAfterGc();
    // Four seeds over and over: their code is compiled once, in the warm-up.
    const style = Math.floor(i / 10) % 2 === 0 ? "generator" : "async";
    await torture({ seed: i % 4, workers, style });
  }
  const last = await heapAfterGc();
  return {
    warmup,
    firstMb: first / 2 ** 20,
    lastMb: last / 2 ** 20,
    perRunBytes: (last - first) / (runs - warmup),
  };
}
