/**
 * Lock and Semaphore hot paths. Each bench runs one whole program on a fresh
 * loop; divide by the operation count in its name for the cost of one.
 *
 *   deno bench bench/locks_bench.ts
 */
import { asyncWith, coroutine, createTask, gather, Lock, run, Semaphore } from "../mod.ts";

const N = 10_000;

Deno.bench(
  `Lock uncontended: ${N} acquire/release (yield*)`,
  { group: "uncontended" },
  async () => {
    await run(function* () {
      const lock = new Lock();
      for (let i = 0; i < N; i++) {
        yield* lock.acquire();
        lock.release();
      }
    });
  },
);

Deno.bench(
  `Lock uncontended: ${N} asyncWith(lock) (yield*)`,
  { group: "uncontended" },
  async () => {
    await run(function* () {
      const lock = new Lock();
      const body = () => undefined;
      for (let i = 0; i < N; i++) yield* asyncWith(lock, body);
    });
  },
);

Deno.bench(`Lock uncontended: ${N} acquire/release (await)`, { group: "uncontended" }, async () => {
  await run(async () => {
    const lock = new Lock();
    for (let i = 0; i < N; i++) {
      await lock.acquire();
      lock.release();
    }
  });
});

const TASKS = 10;
const ROUNDS = 1_000;

Deno.bench(
  `Lock contended: ${TASKS} tasks x ${ROUNDS} hand-overs (yield*)`,
  { group: "contended" },
  async () => {
    await run(function* () {
      const lock = new Lock();
      function* worker() {
        for (let i = 0; i < ROUNDS; i++) {
          yield* lock.acquire();
          yield; // hold it across a loop iteration: the others queue up
          lock.release();
        }
      }
      yield* gather(Array.from({ length: TASKS }, () => createTask(worker())));
    });
  },
);

Deno.bench(
  `Lock contended: ${TASKS} tasks x ${ROUNDS} hand-overs (await)`,
  { group: "contended" },
  async () => {
    await run(async () => {
      const lock = new Lock();
      const worker = coroutine(async () => {
        for (let i = 0; i < ROUNDS; i++) {
          await lock.acquire();
          await null;
          lock.release();
        }
      });
      await gather(Array.from({ length: TASKS }, () => createTask(worker())));
    });
  },
);

const JOBS = 10_000;
const LIMIT = 100;

Deno.bench(
  `Semaphore(${LIMIT}) pool: ${JOBS} jobs (yield*)`,
  { group: "semaphore pool" },
  async () => {
    await run(function* () {
      const sem = new Semaphore(LIMIT);
      let running = 0, peak = 0;
      function* job() {
        yield* sem.acquire();
        try {
          if (++running > peak) peak = running;
          yield;
        } finally {
          running--;
          sem.release();
        }
      }
      yield* gather(Array.from({ length: JOBS }, () => createTask(job())));
      if (peak !== LIMIT) throw new Error(`peak ${peak}`);
    });
  },
);

Deno.bench(
  `Semaphore(${LIMIT}) pool: ${JOBS} jobs (await, asyncWith)`,
  { group: "semaphore pool" },
  async () => {
    await run(async () => {
      const sem = new Semaphore(LIMIT);
      const job = coroutine(async () => {
        await asyncWith(sem, async () => {
          await null;
        });
      });
      await gather(Array.from({ length: JOBS }, () => createTask(job())));
    });
  },
);
