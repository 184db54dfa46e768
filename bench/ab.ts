/**
 * The core workloads of core_bench.ts (and a few more), on two versions of
 * the library in one process, alternated run by run so that the machine's
 * load hits both alike: for "is this change slower?" on a noisy machine.
 *
 *   git archive BASE_COMMIT | tar -x -C /tmp/base   # the version to compare with
 *   deno run --allow-read --allow-env bench/ab.ts /tmp/base/mod.ts [ROUNDS] [FILTER]
 *
 * Prints, per workload, the median time of each version and the median of
 * the per-round ratios (this tree / the baseline), and each one's minimum.
 *
 * @module
 */
import * as B from "../mod.ts";
type M = typeof B;
if (Deno.args[0] === undefined) {
  console.error("usage: bench/ab.ts BASELINE_MOD_TS [ROUNDS] [FILTER]");
  Deno.exit(2);
}
const A = (await import(new URL(Deno.args[0], `file://${Deno.cwd()}/`).href)) as M;
const N = 10_000;
const delays = Array.from({ length: N }, (_, i) => ((i * 7919) % 1000) / 1000 * 0.02);
const work: Record<string, (m: M) => Promise<unknown>> = {
  "callSoon + run": async (m) => {
    const loop = m.newEventLoop();
    let n = 0;
    const cb = () => {
      n++;
    };
    for (let i = 0; i < N; i++) loop.callSoon(cb);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    loop.close();
  },
  "callSoon chain": async (m) => {
    const loop = m.newEventLoop();
    let n = 0;
    const cb = () => {
      if (++n < N) loop.callSoon(cb);
      else loop.stop();
    };
    loop.callSoon(cb);
    await loop.runForever();
    loop.close();
  },
  "createTask + sleep(0)": async (m) => {
    const loop = m.newEventLoop();
    function* child() {
      yield* m.sleep(0);
      return 1;
    }
    await loop.runUntilComplete(function* () {
      const tasks = new Array(N);
      for (let i = 0; i < N; i++) tasks[i] = m.createTask(child());
      for (let i = 0; i < N; i++) yield* tasks[i];
    });
    loop.close();
  },
  "future ping-pong": async (m) => {
    const loop = m.newEventLoop();
    await loop.runUntilComplete(function* () {
      const lp = m.getRunningLoop();
      let ping = lp.createFuture<number>();
      let pong = lp.createFuture<number>();
      const other = m.createTask(function* () {
        for (let i = 0; i < N; i++) {
          const v = yield* ping;
          ping = lp.createFuture<number>();
          pong.setResult(v + 1);
        }
      });
      for (let i = 0; i < N; i++) {
        ping.setResult(i);
        yield* pong;
        pong = lp.createFuture<number>();
      }
      yield* other;
    });
    loop.close();
  },
  "callLater (virtual)": async (m) => {
    const loop = m.newEventLoop({ clock: "virtual" });
    let n = 0;
    const cb = () => {
      if (++n === N) loop.stop();
    };
    for (let i = 0; i < N; i++) loop.callLater(delays[i], cb);
    await loop.runForever();
    loop.close();
  },
  "sleep gathered (virtual)": async (m) => {
    const loop = m.newEventLoop({ clock: "virtual" });
    await loop.runUntilComplete(function* () {
      yield* m.gather(delays.map((d) => m.sleep(d)));
    });
    loop.close();
  },
  "yield* depth 10": async (m) => {
    function* chain(depth: number, rounds: number): Generator<unknown, number, unknown> {
      if (depth === 0) {
        for (let i = 0; i < rounds; i++) yield;
        return rounds;
      }
      return yield* chain(depth - 1, rounds);
    }
    const loop = m.newEventLoop();
    await loop.runUntilComplete(chain(10, N));
    loop.close();
  },
  "async facade sleep(0)": async (m) => {
    const loop = m.newEventLoop();
    await loop.runUntilComplete(async () => {
      for (let i = 0; i < N; i++) await m.sleep(0);
    });
    loop.close();
  },
  "decorated async tasks gathered": async (m) => {
    const f = m.coroutine(async (i: number) => {
      await m.sleep(0);
      return i;
    });
    await m.run(async () => {
      const fs = [];
      for (let i = 0; i < 2000; i++) fs.push(f(i));
      await m.gather(...fs);
    });
  },
  "run() x200": async (m) => {
    for (let i = 0; i < 200; i++) {
      await m.run(function* () {
        yield* m.sleep(0);
      });
    }
  },
};
const ROUNDS = Number(Deno.args[1] ?? 25);
const only = Deno.args[2];
console.log(
  `workload | base median ms | new median ms | new/base (median of per-round ratios) | base min | new min`,
);
for (const [name, fn] of Object.entries(work)) {
  if (only && !name.includes(only)) continue;
  for (let i = 0; i < 3; i++) {
    await fn(A);
    await fn(B);
  }
  const ta: number[] = [], tb: number[] = [], ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const t: number[] = [0, 0];
    for (const k of order) {
      const t0 = performance.now();
      await fn(k === 0 ? A : B);
      t[k] = performance.now() - t0;
    }
    ta.push(t[0]);
    tb.push(t[1]);
    ratios.push(t[1] / t[0]);
  }
  const med = (x: number[]) => {
    const s = [...x].sort((a, b) => a - b);
    return s[s.length >> 1];
  };
  console.log(
    `${name} | ${med(ta).toFixed(2)} | ${med(tb).toFixed(2)} | ${med(ratios).toFixed(3)} | ${
      Math.min(...ta).toFixed(2)
    } | ${Math.min(...tb).toFixed(2)}`,
  );
}
