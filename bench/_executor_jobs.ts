/** Jobs that bench/executors_bench.ts runs in workers (through workerFunction). */

/** CPU-bound work: about 120 ms for n = 5 000 000 on the development machine. */
export function spin(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
  return s;
}

/** An empty job. */
export function empty(): void {}

/** This thread's reading of the library's clock. */
export { monotonic as clock } from "../mod.ts";

/** This thread's clock without the executor's correction (timeOrigin + now). */
export function rawClock(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
