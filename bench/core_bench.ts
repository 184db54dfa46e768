/**
 * Microbenchmarks of the core's hot paths: `deno task bench` (or
 * `deno bench bench/core_bench.ts`). Each bench runs a batch of N operations
 * on a fresh loop; divide the time per iteration by N for the cost of one.
 */
import { type Coro, createTask, gather, getRunningLoop, newEventLoop, sleep } from "../mod.ts";
import { lcgDelays } from "./compare/_common.ts";

const N = 10_000;

Deno.bench(`callSoon + run: ${N} callbacks`, { group: "callSoon", baseline: true }, async () => {
  const loop = newEventLoop();
  let n = 0;
  const cb = () => {
    n++;
  };
  for (let i = 0; i < N; i++) loop.callSoon(cb);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  loop.close();
  if (n !== N) throw new Error("lost callbacks");
});

Deno.bench(`callSoon chain: ${N} callbacks, one per iteration`, { group: "callSoon" }, async () => {
  const loop = newEventLoop();
  let n = 0;
  const cb = () => {
    if (++n < N) loop.callSoon(cb);
    else loop.stop();
  };
  loop.callSoon(cb);
  await loop.runForever();
  loop.close();
});

function* child(): Coro<number> {
  yield* sleep(0);
  return 1;
}

Deno.bench(`createTask + sleep(0) + complete: ${N} tasks`, { group: "tasks" }, async () => {
  const loop = newEventLoop();
  await loop.runUntilComplete(function* () {
    const tasks = new Array(N);
    for (let i = 0; i < N; i++) tasks[i] = createTask(child());
    let sum = 0;
    for (let i = 0; i < N; i++) sum += yield* tasks[i];
    if (sum !== N) throw new Error("bad sum");
  });
  loop.close();
});

Deno.bench(`future ping-pong: ${N} round trips`, { group: "futures" }, async () => {
  const loop = newEventLoop();
  await loop.runUntilComplete(function* () {
    const lp = getRunningLoop();
    let ping = lp.createFuture<number>();
    let pong = lp.createFuture<number>();
    const other = createTask(function* () {
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
});

// Timers run on the virtual clock: the bench measures the heap and the loop,
// not the 0-20 ms of waiting.
const delays = lcgDelays(N, 0.02);

Deno.bench(`callLater: ${N} timers at random delays (virtual clock)`, {
  group: "timers",
  baseline: true,
}, async () => {
  const loop = newEventLoop({ clock: "virtual" });
  let n = 0;
  const cb = () => {
    if (++n === N) loop.stop();
  };
  for (let i = 0; i < N; i++) loop.callLater(delays[i], cb);
  await loop.runForever();
  loop.close();
});

Deno.bench(`callLater + cancel: ${N} timers, every other one cancelled (virtual clock)`, {
  group: "timers",
}, async () => {
  const loop = newEventLoop({ clock: "virtual" });
  for (let i = 0; i < N; i++) {
    const h = loop.callLater(delays[i], () => {});
    if (i % 2 === 0) h.cancel();
  }
  loop.callLater(1, () => loop.stop());
  await loop.runForever();
  loop.close();
});

Deno.bench(`sleep: ${N} tasks sleeping random delays, gathered (virtual clock)`, {
  group: "timers",
}, async () => {
  const loop = newEventLoop({ clock: "virtual" });
  await loop.runUntilComplete(function* () {
    yield* gather(delays.map((d) => sleep(d)));
  });
  loop.close();
});

function* chain(depth: number, rounds: number): Coro<number> {
  if (depth === 0) {
    for (let i = 0; i < rounds; i++) yield;
    return rounds;
  }
  return yield* chain(depth - 1, rounds);
}

for (const depth of [0, 10, 50]) {
  Deno.bench(`yield* resume at depth ${depth}: ${N} resumes`, { group: "yield*" }, async () => {
    const loop = newEventLoop();
    await loop.runUntilComplete(chain(depth, N));
    loop.close();
  });
}

Deno.bench(`async facade: ${N} awaits of sleep(0) in one decorated async task`, {
  group: "async",
}, async () => {
  const loop = newEventLoop();
  await loop.runUntilComplete(async () => {
    for (let i = 0; i < N; i++) await sleep(0);
  });
  loop.close();
});
