/**
 * Structured concurrency hot paths: gather of many tasks, waitFor of a
 * finished coroutine, timeout, taskGroup, asCompleted, shield. Each bench
 * runs one program on a fresh loop; compare the numbers as ratios (the
 * machine is shared and noisy). Run: `deno task bench` or
 * `deno bench bench/combinators_bench.ts`.
 */
import {
  asCompleted,
  coroutine,
  createTask,
  gather,
  run,
  shield,
  taskGroup,
  timeout,
  waitFor,
} from "../mod.ts";

const quick = coroutine(function* quick(i: number) {
  return i;
});
const quickAsync = coroutine(async function quickAsync(i: number) {
  return i;
});

const N = 100_000;
const M = 10_000;

Deno.bench({
  name: `gather ${N} generator tasks`,
  group: "gather",
  baseline: true,
  async fn() {
    await run(function* () {
      const coros = new Array(N);
      for (let i = 0; i < N; i++) coros[i] = quick(i);
      const r = yield* gather(coros);
      if (r.length !== N) throw new Error("bad gather");
    });
  },
});

Deno.bench({
  name: `gather ${N} async tasks`,
  group: "gather",
  async fn() {
    await run(async () => {
      const coros = new Array(N);
      for (let i = 0; i < N; i++) coros[i] = quickAsync(i);
      const r = await gather(coros);
      if (r.length !== N) throw new Error("bad gather");
    });
  },
});

Deno.bench({
  name: `createTask + yield* task, ${M} times (reference)`,
  group: "one at a time",
  baseline: true,
  async fn() {
    await run(function* () {
      for (let i = 0; i < M; i++) yield* createTask(quick(i));
    });
  },
});

Deno.bench({
  name: `waitFor(finished coroutine, 10), ${M} times`,
  group: "one at a time",
  async fn() {
    await run(function* () {
      for (let i = 0; i < M; i++) yield* waitFor(quick(i), 10);
    });
  },
});

Deno.bench({
  name: `waitFor(finished coroutine, null), ${M} times`,
  group: "one at a time",
  async fn() {
    await run(function* () {
      for (let i = 0; i < M; i++) yield* waitFor(quick(i), null);
    });
  },
});

Deno.bench({
  name: `timeout(10, quick body), ${M} times`,
  group: "one at a time",
  async fn() {
    await run(function* () {
      for (let i = 0; i < M; i++) yield* timeout(10, () => quick(i));
    });
  },
});

Deno.bench({
  name: `shield(task), ${M} times`,
  group: "one at a time",
  async fn() {
    await run(function* () {
      for (let i = 0; i < M; i++) yield* shield(quick(i));
    });
  },
});

Deno.bench({
  name: `taskGroup with ${M} tasks`,
  group: "many at once",
  baseline: true,
  async fn() {
    await run(function* () {
      yield* taskGroup(function* (tg) {
        for (let i = 0; i < M; i++) tg.createTask(quick(i));
      });
    });
  },
});

Deno.bench({
  name: `gather ${M} tasks`,
  group: "many at once",
  async fn() {
    await run(function* () {
      const coros = new Array(M);
      for (let i = 0; i < M; i++) coros[i] = quick(i);
      yield* gather(coros);
    });
  },
});

Deno.bench({
  name: `asCompleted over ${M} tasks`,
  group: "many at once",
  async fn() {
    await run(function* () {
      const coros = new Array(M);
      for (let i = 0; i < M; i++) coros[i] = quick(i);
      for (const next of asCompleted(coros)) yield* next;
    });
  },
});
