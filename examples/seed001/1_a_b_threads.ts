// Seed 001, 例 (first program) — a() and b() run at the same time in two workers (the
// seed uses two processes; Web Workers run truly in parallel too). The OS decides the
// interleaving, so the lines of a and b mix differently from run to run ("输出会乱");
// each function's own lines stay in order.
// The workers import this module to run a and b (workerFunction), hence --allow-read.
// Run: deno run --allow-read examples/seed001/1_a_b_threads.ts
import { blockingSleep, ThreadPoolExecutor, workerFunction } from "@yieldfrom/asyncio";

export function a() {
  for (const x of [0, 1, 2]) {
    blockingSleep(0.001); // time.sleep(0.001)
    console.log("a.x", x);
  }
}
export function b() {
  for (const x of "abc") {
    blockingSleep(0.001);
    console.log("b.x", x);
  }
}

if (import.meta.main) {
  // a(); b(); would run them one after the other (串行).
  const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
  const jobs = [
    pool.submit(workerFunction(import.meta.url, "a")),
    pool.submit(workerFunction(import.meta.url, "b")),
  ];
  await Promise.all(jobs);
  pool.shutdown({ wait: false }); // both jobs are done: release the workers
}
