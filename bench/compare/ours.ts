/**
 * @yieldfrom/asyncio side of the side-by-side benchmark (bench/compare/compare.ts).
 *
 * Usage: deno run --v8-flags=--expose-gc bench/compare/ours.ts WORKLOAD SIZE... [--async]
 * `--async` runs the async-facade version (decorated async functions and await).
 */
import {
  asyncWith,
  type Coro,
  coroutine,
  createTask,
  Event,
  gather,
  getRunningLoop,
  Lock,
  newEventLoop,
  Queue,
  run,
  sleep,
} from "../../mod.ts";
import { lcgDelays, rssAfterGc, runWorkload } from "./_common.ts";
import { serveEcho, w6a, w6b } from "./_echo_ours.ts";

const asyncStyle = Deno.args.includes("--async");
const system = asyncStyle ? "ours-async" : "ours";

function* childGen(): Coro<number> {
  yield* sleep(0);
  return 1;
}
const childAsync = coroutine(async () => {
  await sleep(0);
  return 1;
});

async function w1(n: number) {
  return await run(function* () {
    const t0 = performance.now();
    const children = new Array(n);
    for (let i = 0; i < n; i++) children[i] = asyncStyle ? childAsync() : childGen();
    const results = yield* gather(children);
    const dt = (performance.now() - t0) / 1000;
    if (results.length !== n) throw new Error("lost results");
    return [dt, "tasks/s", n / dt] as const;
  });
}

async function w2a(rounds: number) {
  return await run(function* () {
    const loop = getRunningLoop();
    let ping = loop.createFuture<number>();
    let pong = loop.createFuture<number>();
    const t0 = performance.now();
    if (asyncStyle) {
      const other = createTask(async () => {
        for (let i = 0; i < rounds; i++) {
          const v = await ping;
          ping = loop.createFuture<number>();
          pong.setResult(v + 1);
        }
      });
      yield* createTask(async () => {
        for (let i = 0; i < rounds; i++) {
          ping.setResult(i);
          await pong;
          pong = loop.createFuture<number>();
        }
      });
      yield* other;
    } else {
      const other = createTask(function* () {
        for (let i = 0; i < rounds; i++) {
          const v = yield* ping;
          ping = loop.createFuture<number>();
          pong.setResult(v + 1);
        }
      });
      for (let i = 0; i < rounds; i++) {
        ping.setResult(i);
        yield* pong;
        pong = loop.createFuture<number>();
      }
      yield* other;
    }
    const dt = (performance.now() - t0) / 1000;
    return [dt, "switches/s", (2 * rounds) / dt] as const;
  });
}

async function w2b(rounds: number) {
  return await run(function* () {
    const q1 = new Queue<number>(1);
    const q2 = new Queue<number>(1);
    const t0 = performance.now();
    if (asyncStyle) {
      const other = createTask(async () => {
        for (let i = 0; i < rounds; i++) await q2.put((await q1.get()) + 1);
      });
      yield* createTask(async () => {
        for (let i = 0; i < rounds; i++) {
          await q1.put(i);
          await q2.get();
        }
      });
      yield* other;
    } else {
      const other = createTask(function* () {
        for (let i = 0; i < rounds; i++) yield* q2.put((yield* q1.get()) + 1);
      });
      for (let i = 0; i < rounds; i++) {
        yield* q1.put(i);
        yield* q2.get();
      }
      yield* other;
    }
    const dt = (performance.now() - t0) / 1000;
    return [dt, "switches/s", (2 * rounds) / dt] as const;
  });
}

async function w3(m: number) {
  const loop = newEventLoop();
  let count = 0;
  const cb = () => {
    count++;
  };
  const t0 = performance.now();
  for (let i = 0; i < m; i++) loop.callSoon(cb);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  const dt = (performance.now() - t0) / 1000;
  loop.close();
  if (count !== m) throw new Error("lost callbacks");
  return [dt, "callbacks/s", m / dt] as const;
}

async function w4(n: number) {
  const delays = lcgDelays(n, 0.02);
  return await run(function* () {
    const t0 = performance.now();
    yield* gather(delays.map((d) => sleep(d)));
    const dt = (performance.now() - t0) / 1000;
    return [dt, "s wall", dt] as const;
  });
}

function* chainGen(depth: number, rounds: number): Coro<number> {
  if (depth === 0) {
    for (let i = 0; i < rounds; i++) yield* sleep(0);
    return rounds;
  }
  return yield* chainGen(depth - 1, rounds);
}
const chainAsync: (depth: number, rounds: number) => PromiseLike<number> = coroutine(
  async (depth: number, rounds: number): Promise<number> => {
    if (depth === 0) {
      for (let i = 0; i < rounds; i++) await sleep(0);
      return rounds;
    }
    return await chainAsync(depth - 1, rounds);
  },
);

async function w5(depth: number, rounds: number) {
  return await run(function* () {
    const t0 = performance.now();
    if (asyncStyle) yield* createTask(() => chainAsync(depth, rounds));
    else yield* chainGen(depth, rounds);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "resumes/s", rounds / dt] as const;
  });
}

async function w7(n: number) {
  return await run(function* () {
    const ev = new Event();
    const waiterGen = function* () {
      yield* ev.wait();
    };
    const waiterAsync = async () => {
      await ev.wait();
    };
    const before = rssAfterGc();
    const t0 = performance.now();
    const tasks = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = createTask(asyncStyle ? waiterAsync : waiterGen());
    yield* sleep(0);
    yield* sleep(0);
    const after = rssAfterGc();
    const dt = (performance.now() - t0) / 1000;
    ev.set();
    yield* gather(tasks);
    return [dt, "bytes/task", (after - before) / n] as const;
  });
}

async function w8(tasks: number, rounds: number) {
  return await run(function* () {
    const lock = new Lock();
    const workerGen = function* () {
      for (let i = 0; i < rounds; i++) {
        yield* lock.acquire();
        try {
          yield* sleep(0);
        } finally {
          lock.release();
        }
      }
    };
    const workerAsync = coroutine(async () => {
      for (let i = 0; i < rounds; i++) {
        await lock.acquire();
        try {
          await sleep(0);
        } finally {
          lock.release();
        }
      }
    });
    const t0 = performance.now();
    const ws = new Array(tasks);
    for (let i = 0; i < tasks; i++) ws[i] = asyncStyle ? workerAsync() : workerGen();
    yield* gather(ws);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "acquisitions/s", (tasks * rounds) / dt] as const;
  });
}

/** W8 written with `asyncWith(lock, body)`: Python's `async with lock:`. */
async function w8With(tasks: number, rounds: number) {
  return await run(function* () {
    const lock = new Lock();
    const workerGen = function* () {
      for (let i = 0; i < rounds; i++) {
        yield* asyncWith(lock, function* () {
          yield* sleep(0);
        });
      }
    };
    const workerAsync = coroutine(async () => {
      for (let i = 0; i < rounds; i++) {
        await asyncWith(lock, async () => {
          await sleep(0);
        });
      }
    });
    const t0 = performance.now();
    const ws = new Array(tasks);
    for (let i = 0; i < tasks; i++) ws[i] = asyncStyle ? workerAsync() : workerGen();
    yield* gather(ws);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "acquisitions/s", (tasks * rounds) / dt] as const;
  });
}

/** W8 written with `using`: `yield* lock.acquire(); using _ = lock;` (released at the block's end). */
async function w8Using(tasks: number, rounds: number) {
  return await run(function* () {
    const lock = new Lock();
    const workerGen = function* () {
      for (let i = 0; i < rounds; i++) {
        yield* lock.acquire();
        using _held = lock;
        yield* sleep(0);
      }
    };
    const workerAsync = coroutine(async () => {
      for (let i = 0; i < rounds; i++) {
        await lock.acquire();
        using _held = lock;
        await sleep(0);
      }
    });
    const t0 = performance.now();
    const ws = new Array(tasks);
    for (let i = 0; i < tasks; i++) ws[i] = asyncStyle ? workerAsync() : workerGen();
    yield* gather(ws);
    const dt = (performance.now() - t0) / 1000;
    return [dt, "acquisitions/s", (tasks * rounds) / dt] as const;
  });
}

if (Deno.args[0] === "W6serve") await serveEcho(Deno.args[1], asyncStyle);
else {
  await runWorkload(system, {
    W1: w1,
    W2a: w2a,
    W2b: w2b,
    W3: w3,
    W4: w4,
    W5: w5,
    W7: w7,
    W8: w8,
    W8w: w8With,
    W8u: w8Using,
    W6a: (c: number, r: number, s: number) => w6a(asyncStyle, c, r, s),
    // Protocols have one style: the async-facade run reports it as unsupported.
    ...(asyncStyle ? {} : { W6b: w6b }),
  });
}
