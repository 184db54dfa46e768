/**
 * Effection 4.1.1 side of the side-by-side benchmark: the leading
 * generator-based structured-concurrency library for JavaScript.
 *
 * Effection's `sleep(0)` waits for a host timer (about 2 ms in Deno), so
 * "yield to the loop once" uses its cheapest yield instead,
 * `call(() => Promise.resolve())`, which interleaves tasks the same way.
 * It has no callback scheduling (W3) and no lock (W8); its queues are
 * unbounded (W2b uses two of them).
 *
 * Usage: deno run --v8-flags=--expose-gc bench/compare/effection.ts WORKLOAD SIZE...
 */
import {
  all,
  call,
  createQueue,
  type Operation,
  run,
  sleep,
  spawn,
  withResolvers,
} from "effection";
import { lcgDelays, rssAfterGc, runWorkload } from "./_common.ts";

function yieldOnce(): Operation<void> {
  return call(() => Promise.resolve());
}

function* child(): Operation<number> {
  yield* yieldOnce();
  return 1;
}

function w1(n: number) {
  return run(function* () {
    const t0 = performance.now();
    const ops = new Array<Operation<number>>(n);
    for (let i = 0; i < n; i++) ops[i] = child();
    yield* all(ops);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "tasks/s", n / dt] as const;
  });
}

function w2a(rounds: number) {
  return run(function* () {
    let ping = withResolvers<number>();
    let pong = withResolvers<number>();
    const t0 = performance.now();
    const other = yield* spawn(function* () {
      for (let i = 0; i < rounds; i++) {
        const v = yield* ping.operation;
        ping = withResolvers<number>();
        pong.resolve(v + 1);
      }
    });
    for (let i = 0; i < rounds; i++) {
      ping.resolve(i);
      yield* pong.operation;
      pong = withResolvers<number>();
    }
    yield* other;
    const dt = (performance.now() - t0) / 1000;
    return [dt, "switches/s", (2 * rounds) / dt] as const;
  });
}

function w2b(rounds: number) {
  return run(function* () {
    const q1 = createQueue<number, never>();
    const q2 = createQueue<number, never>();
    const t0 = performance.now();
    const other = yield* spawn(function* () {
      for (let i = 0; i < rounds; i++) {
        const r = yield* q1.next();
        q2.add((r.value as number) + 1);
      }
    });
    for (let i = 0; i < rounds; i++) {
      q1.add(i);
      yield* q2.next();
    }
    yield* other;
    const dt = (performance.now() - t0) / 1000;
    return [dt, "switches/s", (2 * rounds) / dt] as const;
  });
}

function w4(n: number) {
  const delays = lcgDelays(n, 0.02);
  return run(function* () {
    const t0 = performance.now();
    yield* all(delays.map((d) => sleep(d * 1000)));
    const dt = (performance.now() - t0) / 1000;
    return [dt, "s wall", dt] as const;
  });
}

function* chain(depth: number, rounds: number): Operation<number> {
  if (depth === 0) {
    for (let i = 0; i < rounds; i++) yield* yieldOnce();
    return rounds;
  }
  return yield* chain(depth - 1, rounds);
}

function w5(depth: number, rounds: number) {
  return run(function* () {
    const t0 = performance.now();
    yield* chain(depth, rounds);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "resumes/s", rounds / dt] as const;
  });
}

function w7(n: number) {
  return run(function* () {
    const ev = withResolvers<void>();
    const before = rssAfterGc();
    const t0 = performance.now();
    const tasks = [];
    for (let i = 0; i < n; i++) {
      tasks.push(
        yield* spawn(function* () {
          yield* ev.operation;
        }),
      );
    }
    yield* yieldOnce();
    yield* yieldOnce();
    const after = rssAfterGc();
    const dt = (performance.now() - t0) / 1000;
    ev.resolve();
    for (const t of tasks) yield* t;
    return [dt, "bytes/task", (after - before) / n] as const;
  });
}

await runWorkload("effection", {
  W1: w1,
  W2a: w2a,
  W2b: w2b,
  W4: w4,
  W5: w5,
  W7: w7,
});
