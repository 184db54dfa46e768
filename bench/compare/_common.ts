/** Shared by the TypeScript runners of the side-by-side benchmark. */

/** One result line, as the orchestrator reads it. */
export interface Result {
  system: string;
  workload: string;
  seconds: number;
  unit: string;
  value: number;
}

/** The same pseudo-random delays as asyncio_bench.py (fixed seed), in seconds. */
export function lcgDelays(n: number, maxSeconds: number): number[] {
  let seed = 42;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = (seed / 2147483648) * maxSeconds;
  }
  return out;
}

/** Resident set size after a full garbage collection (needs --v8-flags=--expose-gc). */
export function rssAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  gc();
  gc();
  return Deno.memoryUsage().rss;
}

/** Print the result line. */
export function report(r: Result): void {
  console.log(JSON.stringify(r));
}

/** `WORKLOAD SIZE...` from the command line. */
export function args(): [string, number[]] {
  const [workload, ...sizes] = Deno.args;
  return [workload, sizes.map(Number)];
}

/** The same workload at a tenth of its size, for the untimed warm-up run. */
export function warmupSizes(workload: string, sizes: number[]): number[] {
  if (workload === "W5") return [sizes[0], Math.max(1, Math.floor(sizes[1] / 10))];
  if (workload === "W8") return [Math.max(1, Math.floor(sizes[0] / 10)), sizes[1]];
  return sizes.map((n) => Math.max(1, Math.floor(n / 10)));
}

/** A workload: its sizes in, `[seconds, unit, value]` out. */
export type Workload = (...sizes: number[]) => Promise<readonly [number, string, number]>;

/**
 * Run the workload named on the command line and print its result line: one
 * untimed run at a tenth of the size first, which warms the JIT up (every
 * system does the same, CPython included), so that neither compilation time
 * nor compiled code is counted as the workload's; a workload the system
 * cannot express is reported as unsupported.
 */
export async function runWorkload(system: string, fns: Record<string, Workload>): Promise<void> {
  const [workload, sizes] = args();
  const fn = fns[workload];
  if (fn === undefined) {
    console.log(JSON.stringify({ system, workload, unsupported: true }));
    return;
  }
  await fn(...warmupSizes(workload, sizes));
  const [seconds, unit, value] = await fn(...sizes);
  report({ system, workload, seconds, unit, value });
}
