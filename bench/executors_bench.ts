/**
 * Executors: the round trip of an empty job (one at a time, in both
 * coroutine styles, and many at once), starting a worker, and queueing.
 * The CPU-bound speed-up is measured by `bench/executors_speedup.ts`, whose
 * alternating rounds stand up better to a noisy machine.
 *
 *     deno bench --allow-read bench/executors_bench.ts
 *
 * Each benchmark runs in one event loop; the pools are warmed up first so
 * that worker start-up is not counted (it is measured on its own).
 */
import { gather, run, ThreadPoolExecutor, workerFunction } from "../mod.ts";
import type * as Jobs from "./_executor_jobs.ts";

const JOBS_URL = new URL("./_executor_jobs.ts", import.meta.url);

const JOBS = 1000;
const spinJob = workerFunction<typeof Jobs.spin>(JOBS_URL, "spin");
const emptyJob = workerFunction<typeof Jobs.empty>(JOBS_URL, "empty");
const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
const one = new ThreadPoolExecutor({ maxWorkers: 1 });
// Warm up: both workers started, this module imported in each.
await run(async () => {
  await gather(pool.submit(spinJob, 1), pool.submit(spinJob, 1), one.submit(spinJob, 1));
  await one.submit(() => 0);
});

Deno.bench({
  name: `${JOBS} empty jobs (module function), one at a time`,
  group: "round trip",
  baseline: true,
  async fn() {
    await run(async () => {
      for (let i = 0; i < JOBS; i++) await one.submit(emptyJob);
    });
  },
});

Deno.bench({
  name: `${JOBS} empty jobs (source function), one at a time`,
  group: "round trip",
  async fn() {
    await run(async () => {
      const fn = () => {};
      for (let i = 0; i < JOBS; i++) await one.submit(fn);
    });
  },
});

Deno.bench({
  name: `${JOBS} empty jobs, one at a time, generator coroutine (yield*)`,
  group: "round trip",
  async fn() {
    await run(function* () {
      for (let i = 0; i < JOBS; i++) yield* one.submit(emptyJob);
    });
  },
});

Deno.bench({
  name: `${JOBS} empty jobs submitted at once to 2 workers`,
  group: "round trip",
  async fn() {
    await run(async () => {
      await gather(Array.from({ length: JOBS }, () => pool.submit(emptyJob)));
    });
  },
});

Deno.bench({
  name: "start a pool's first worker and run one empty job",
  group: "start-up",
  async fn() {
    const fresh = new ThreadPoolExecutor({ maxWorkers: 1 });
    await run(async () => {
      await fresh.submit(() => {});
      await fresh.shutdown();
    });
  },
});

Deno.bench({
  name: "1000 submit() + cancel() while the only worker is busy",
  group: "submit",
  async fn() {
    await run(async () => {
      // The worker waits on shared memory until the jobs are queued and cancelled.
      const gate = new Int32Array(new SharedArrayBuffer(4));
      const blocker = one.submit((g: Int32Array) => Atomics.wait(g, 0, 0, 10_000), gate);
      const futs = Array.from({ length: 1000 }, () => one.submit(emptyJob));
      for (const f of futs) f.cancel();
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await blocker;
    });
  },
});
