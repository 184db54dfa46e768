/**
 * The speed-up Python's GIL cannot give: two CPU-bound jobs run through
 * `toThread()` at once, against the same two run one after the other in the
 * main thread. Rounds alternate the two ways so that a noisy machine slows
 * both alike; the minimum and the median of each are printed, and their
 * ratios. Compare with `python3 bench/executors_compare.py`.
 *
 *     deno run --allow-read bench/executors_speedup.ts [rounds] [n]
 */
import { gather, monotonic, run, toThread, workerFunction } from "../mod.ts";
import { spin } from "./_executor_jobs.ts";
import type * as Jobs from "./_executor_jobs.ts";

const rounds = Number(Deno.args[0] ?? 10);
const n = Number(Deno.args[1] ?? 5_000_000);
const spinJob = workerFunction<typeof Jobs.spin>(
  new URL("./_executor_jobs.ts", import.meta.url),
  "spin",
);

const sequential: number[] = [];
const threads: number[] = [];
await run(async () => {
  await gather(toThread(spinJob, 1), toThread(spinJob, 1)); // two workers up
  for (let r = 0; r < rounds; r++) {
    let t0 = monotonic();
    spin(n);
    spin(n);
    sequential.push(monotonic() - t0);
    t0 = monotonic();
    await gather(toThread(spinJob, n), toThread(spinJob, n));
    threads.push(monotonic() - t0);
  }
});

const min = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x: number) => `${(x * 1000).toFixed(1)} ms`;
console.log(`cores: ${navigator.hardwareConcurrency}, rounds: ${rounds}, n: ${n}`);
console.log(`one after the other: min ${ms(min(sequential))}, median ${ms(median(sequential))}`);
console.log(`toThread, at once:   min ${ms(min(threads))}, median ${ms(median(threads))}`);
console.log(
  `speed-up: ${(min(sequential) / min(threads)).toFixed(2)}x (min), ` +
    `${(median(sequential) / median(threads)).toFixed(2)}x (median)`,
);
