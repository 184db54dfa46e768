import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  blockingSleep,
  CancelledError,
  type Coro,
  coroutine,
  createTask,
  ExceptionGroup,
  Future,
  gather,
  getEventLoop,
  getRunningLoop,
  monotonic,
  newEventLoop,
  run,
  RuntimeError,
  sleep,
  ThreadPoolExecutor,
  ThrownValueError,
  toThread,
  ValueError,
  workerFunction,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import type * as Jobs from "./_executor_jobs.ts";

const JOBS = new URL("./_executor_jobs.ts", import.meta.url);
const double = workerFunction<typeof Jobs.double>(JOBS, "double");
const mark = workerFunction<typeof Jobs.mark>(JOBS, "mark");
const hold = workerFunction<typeof Jobs.hold>(JOBS, "hold");
const fail = workerFunction<typeof Jobs.fail>(JOBS, "fail");
const now = workerFunction<typeof Jobs.now>(JOBS, "now");
const meet = workerFunction<typeof Jobs.meet>(JOBS, "meet");

const virtual = { clock: "virtual" } as const;
const real = { clock: "real" } as const;

/** Flags shared with the workers (Python's tests share a list with the threads). */
function shared(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

/** Let the jobs `hold` keeps running finish. */
function openGate(gate: Int32Array): void {
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}

function* waitStarted(ran: Int32Array, i: number): Coro<void> {
  while (!Atomics.load(ran, 2 * i)) yield* sleep(0.005);
}

async function waitStartedAsync(ran: Int32Array, i: number): Promise<void> {
  while (!Atomics.load(ran, 2 * i)) await sleep(0.005);
}

const typeName = (r: unknown): unknown => (r instanceof Error ? r.name : r);

// --- Python's rules, against the recorded CPython traces ---------------------------

Deno.test("runInExecutor: a Future of the loop; results in order (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const fut = loop.runInExecutor(ex, double, 21);
    t.print(fut.constructor.name, fut.done());
    t.print(yield* fut);
    t.print(yield* gather([0, 1, 2, 3].map((i) => loop.runInExecutor(ex, double, i))));
    yield* ex.shutdown();
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "run_in_executor"));
});

Deno.test("runInExecutor: a Future of the loop; results in order (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const fut = loop.runInExecutor(ex, double, 21);
    t.print(fut.constructor.name, fut.done());
    t.print(await fut);
    t.print(await gather([0, 1, 2, 3].map((i) => loop.runInExecutor(ex, double, i))));
    await ex.shutdown();
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "run_in_executor"));
});

Deno.test("the loop runs while a job blocks its worker (generator style)", async () => {
  const t = new Trace();
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  const ticker = coroutine(function* ticker() {
    for (let i = 0; i < 3; i++) {
      t.print("tick", i);
      yield* sleep(0.02);
    }
    return "ticks";
  });
  await run(function* () {
    const loop = getRunningLoop();
    t.print(yield* gather(ticker(), loop.runInExecutor(ex, double, 5, 0.3)));
    yield* ex.shutdown();
  }, real);
  assertEquals(t.lines, pythonTrace("executors", "loop_runs_meanwhile"));
});

Deno.test("the loop runs while a job blocks its worker (async style)", async () => {
  const t = new Trace();
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  const ticker = coroutine(async function ticker() {
    for (let i = 0; i < 3; i++) {
      t.print("tick", i);
      await sleep(0.02);
    }
    return "ticks";
  });
  await run(async () => {
    const loop = getRunningLoop();
    t.print(await gather(ticker(), loop.runInExecutor(ex, double, 5, 0.3)));
    await ex.shutdown();
  }, real);
  assertEquals(t.lines, pythonTrace("executors", "loop_runs_meanwhile"));
});

Deno.test("cancelling a queued job takes it out of the queue (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(4);
    const a = loop.runInExecutor(ex, mark, ran, 0, 0.1);
    const b = loop.runInExecutor(ex, mark, ran, 1, 0);
    t.print(b.cancel(), b.cancelled());
    t.print(yield* a);
    yield* ex.shutdown();
    t.print(Array.from(ran));
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "cancel_queued"));
});

Deno.test("cancelling a queued job takes it out of the queue (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(4);
    const a = loop.runInExecutor(ex, mark, ran, 0, 0.1);
    const b = loop.runInExecutor(ex, mark, ran, 1, 0);
    t.print(b.cancel(), b.cancelled());
    t.print(await a);
    await ex.shutdown();
    t.print(Array.from(ran));
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "cancel_queued"));
});

Deno.test("a running job cannot be interrupted; shutdown waits for it (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(2);
    const gate = shared(1);
    const fut = loop.runInExecutor(ex, hold, ran, gate, 0);
    yield* waitStarted(ran, 0);
    t.print(fut.cancel(), fut.cancelled(), Array.from(ran));
    try {
      yield* fut;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      t.print("CancelledError");
    }
    openGate(gate);
    yield* ex.shutdown();
    t.print(Array.from(ran));
  }, real);
  assertEquals(t.lines, pythonTrace("executors", "cancel_running"));
});

Deno.test("a running job cannot be interrupted; shutdown waits for it (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(2);
    const gate = shared(1);
    const fut = loop.runInExecutor(ex, hold, ran, gate, 0);
    await waitStartedAsync(ran, 0);
    t.print(fut.cancel(), fut.cancelled(), Array.from(ran));
    try {
      await fut;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      t.print("CancelledError");
    }
    openGate(gate);
    await ex.shutdown();
    t.print(Array.from(ran));
  }, real);
  assertEquals(t.lines, pythonTrace("executors", "cancel_running"));
});

Deno.test("shutdown({ cancelFutures }) cancels the jobs not started (generator style)", async () => {
  const t = new Trace();
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(function* () {
    const loop = getRunningLoop();
    const ran = shared(6);
    const gate = shared(1);
    const futs = [0, 1, 2].map((i) => loop.runInExecutor(ex, hold, ran, gate, i));
    yield* waitStarted(ran, 0);
    assertEquals(ex.shutdown({ wait: false, cancelFutures: true }), undefined);
    openGate(gate);
    const results = yield* gather(futs, { returnExceptions: true });
    t.print(results.map(typeName));
    t.print(Array.from(ran));
  }, real);
  await ex[Symbol.asyncDispose]();
  assertEquals(t.lines, pythonTrace("executors", "shutdown_cancel_futures"));
});

Deno.test("shutdown({ cancelFutures }) cancels the jobs not started (async style)", async () => {
  const t = new Trace();
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const loop = getRunningLoop();
    const ran = shared(6);
    const gate = shared(1);
    const futs = [0, 1, 2].map((i) => loop.runInExecutor(ex, hold, ran, gate, i));
    await waitStartedAsync(ran, 0);
    ex.shutdown({ wait: false, cancelFutures: true });
    openGate(gate);
    const results = await gather(futs, { returnExceptions: true });
    t.print(results.map(typeName));
    t.print(Array.from(ran));
  }, real);
  await ex[Symbol.asyncDispose]();
  assertEquals(t.lines, pythonTrace("executors", "shutdown_cancel_futures"));
});

Deno.test("shutdown() runs the queued jobs, then refuses new ones (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(6);
    const futs = [0, 1, 2].map((i) => loop.runInExecutor(ex, mark, ran, i, 0.01));
    yield* ex.shutdown();
    t.print(Array.from(ran));
    t.print(yield* gather(futs));
    try {
      ex.submit(double, 1);
    } catch (e) {
      t.print(typeName(e));
      assertMatch((e as Error).message, /cannot schedule new futures after shutdown/);
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "shutdown_runs_queued_jobs"));
});

Deno.test("shutdown() runs the queued jobs, then refuses new ones (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const ran = shared(6);
    const futs = [0, 1, 2].map((i) => loop.runInExecutor(ex, mark, ran, i, 0.01));
    await ex.shutdown();
    t.print(Array.from(ran));
    t.print(await gather(futs));
    try {
      ex.submit(double, 1);
    } catch (e) {
      t.print(typeName(e));
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "shutdown_runs_queued_jobs"));
});

Deno.test("a job's exception arrives as the future's exception (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    try {
      yield* loop.runInExecutor(null, fail, "m");
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      t.print(e);
    }
    try {
      yield* toThread(fail, "n");
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      t.print(e);
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "exception"));
});

Deno.test("a job's exception arrives as the future's exception (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    try {
      await loop.runInExecutor(null, fail, "m");
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      t.print(e);
    }
    try {
      await toThread(fail, "n");
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      t.print(e);
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "exception"));
});

Deno.test("toThread() runs in the default executor (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    t.print(yield* toThread(double, 5));
    t.print(yield* gather(toThread(double, 1), toThread(double, 2)));
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "to_thread"));
});

Deno.test("toThread() runs in the default executor (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    t.print(await toThread(double, 5));
    t.print(await gather(toThread(double, 1), toThread(double, 2)));
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "to_thread"));
});

Deno.test("toThread() with a custom default executor hands it any function, even a capturing one", async () => {
  await run(async () => {
    const limit = 3;
    const calls: string[] = [];
    getRunningLoop().setDefaultExecutor({
      submit: (fn: (...a: unknown[]) => unknown, ...args: unknown[]) => {
        calls.push(fn.name);
        return Promise.resolve(fn(...args));
      },
      shutdown: () => {},
    });
    const addLimit = (x: number) => x + limit; // not sendable to a worker
    assertEquals(await toThread(addLimit, 1), 4);
    assertEquals(calls, ["addLimit"]);
  }, real);
});

Deno.test("after shutdownDefaultExecutor(), runInExecutor(null) throws (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    t.print(yield* loop.runInExecutor(null, double, 3));
    yield* loop.shutdownDefaultExecutor();
    try {
      loop.runInExecutor(null, double, 1);
    } catch (e) {
      t.print(typeName(e));
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "default_executor_shut_down"));
});

Deno.test("after shutdownDefaultExecutor(), runInExecutor(null) throws (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    t.print(await loop.runInExecutor(null, double, 3));
    await loop.shutdownDefaultExecutor();
    try {
      loop.runInExecutor(null, double, 1);
    } catch (e) {
      t.print(typeName(e));
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("executors", "default_executor_shut_down"));
});

Deno.test("maxWorkers must be a whole number > 0", () => {
  const t = new Trace();
  for (const n of [0, -1]) {
    const e = assertThrows(() => new ThreadPoolExecutor({ maxWorkers: n }), ValueError);
    t.print(e.name);
    assertStringIncludes(e.message, "maxWorkers must be greater than 0");
  }
  assertEquals(t.lines, pythonTrace("executors", "bad_max_workers"));
  assertThrows(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }), TypeError, "whole number");
  assertThrows(
    () => new ThreadPoolExecutor({ maxWorkers: "2" as unknown as number }),
    TypeError,
    "maxWorkers",
  );
  assertThrows(() => new ThreadPoolExecutor({ idleTimeout: -1 }), TypeError, "idleTimeout");
  assertEquals(
    new ThreadPoolExecutor().maxWorkers,
    Math.min(32, navigator.hardwareConcurrency + 4),
  );
});

// --- workers: lazy, reused, parallel, never keeping the program alive -------------------

Deno.test("workers start lazily, one per job up to maxWorkers, and are reused", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 3 });
  assertEquals(ex._workers.size, 0);
  await run(async () => {
    const threadId = () => {
      const g = globalThis as { __threadId?: number };
      return g.__threadId ??= Math.random();
    };
    // One after the other: the same worker each time.
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await ex.submit(threadId));
    assertEquals(new Set(ids).size, 1);
    assertEquals(ex._workers.size, 1);
    // Two at once that wait for each other: two workers, running together.
    const counter = shared(1);
    const met = await gather(ex.submit(meet, counter, 2, 10), ex.submit(meet, counter, 2, 10));
    assertEquals(met, [true, true]);
    assert(ex._workers.size <= 3);
    await ex.shutdown();
  }, virtual);
  assertEquals(ex._workers.size, 0);
});

Deno.test("a function written inline in a loop is compiled once per worker", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    for (let i = 0; i < 3; i++) {
      // A new function object each time, with the same source text.
      assertEquals(await ex.submit((x: number) => x * 2, i), i * 2);
    }
    assertEquals([...ex._workers][0].known.size, 1);
    await ex.shutdown();
  }, virtual);
});

Deno.test("at most maxWorkers jobs run at once; the others wait in the queue", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
  await run(async () => {
    const running = shared(2); // [running now, most at once]
    const job = (cells: Int32Array) => {
      const n = Atomics.add(cells, 0, 1) + 1;
      let max = Atomics.load(cells, 1);
      while (n > max && Atomics.compareExchange(cells, 1, max, n) !== max) {
        max = Atomics.load(cells, 1);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      Atomics.sub(cells, 0, 1);
      return n;
    };
    await gather(Array.from({ length: 6 }, () => ex.submit(job, running)));
    assert(Atomics.load(running, 1) <= 2, `at most 2 at once, saw ${Atomics.load(running, 1)}`);
    assertEquals(ex._workers.size <= 2, true);
    await ex.shutdown();
  }, virtual);
});

Deno.test("idle workers end after idleTimeout; the pool starts new ones when needed", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: 0.01 });
  await run(async () => {
    assertEquals(await ex.submit((x: number) => x + 1, 1), 2);
    assertEquals(ex._workers.size, 1);
    for (let i = 0; i < 500 && ex._workers.size > 0; i++) await sleep(0.01);
    assertEquals(ex._workers.size, 0);
    assertEquals(await ex.submit((x: number) => x + 1, 2), 3);
    await ex.shutdown();
  }, real);
});

Deno.test("an idle worker keeps its idle timeout when a submit's arguments cannot be cloned", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1, idleTimeout: 0.05 });
  await run(async () => {
    assertEquals(await ex.submit((x: number) => x + 1, 1), 2);
    assertEquals(ex._idle.length, 1);
    // The idle worker is picked, then handed back when postMessage refuses the arguments.
    assertThrows(() => ex.submit((f: unknown) => f, () => 0), TypeError, "structured-clone");
    assertEquals(ex._idle.length, 1);
    assertNotEquals(ex._idle[0].idleTimer, undefined);
    for (let i = 0; i < 300 && ex._workers.size > 0; i++) await sleep(0.01);
    assertEquals(ex._workers.size, 0);
    await ex.shutdown();
  }, real);
});

Deno.test("a cancelled queued job leaves the queue at once, with its arguments", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const ran = shared(2);
    const gate = shared(1);
    const first = ex.submit(hold, ran, gate, 0);
    await waitStartedAsync(ran, 0);
    const big = new Uint8Array(1 << 16);
    const futs = Array.from({ length: 100 }, () => ex.submit((b: Uint8Array) => b.length, big));
    assertEquals(ex._queue.length, 100);
    for (const fut of futs) fut.cancel();
    assertEquals(ex._queue.length, 0);
    openGate(gate);
    assertEquals(await first, 0);
    await ex.shutdown();
  }, real);
});

Deno.test("under steady load the queue holds only the jobs that wait", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    // One job runs and three wait; each time one finishes, another is submitted,
    // so the queue is never empty.
    const futs = [0, 1, 2, 3].map((i) => ex.submit(double, i, 0.01));
    let most = 0;
    for (let i = 4; i < 60; i++) {
      await futs[i - 4];
      futs.push(ex.submit(double, i, 0.01));
      most = Math.max(most, ex._queue.length);
    }
    assertEquals(await gather(futs), Array.from({ length: 60 }, (_, i) => 2 * i));
    assert(most <= 4, `the queue held ${most} entries for at most 4 waiting jobs`);
    await ex.shutdown();
  }, real);
});

Deno.test("workers that die before they are ready fail the queued jobs; no endless respawn", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  // The worker's program embeds _skewMs as code: each new worker exits at once.
  ex._skewMs = "(process.exit(7), 0)" as unknown as number;
  let spawns = 0;
  const spawn = ex._spawn.bind(ex);
  ex._spawn = () => {
    spawns++;
    spawn();
  };
  await run(async () => {
    const fut = ex.submit(double, 1);
    try {
      for (let i = 0; i < 300 && !fut.done(); i++) await sleep(0.01);
      assert(fut.done(), `still pending after ${spawns} workers were started`);
    } finally {
      if (!fut.done()) fut.cancel(); // stop the respawning
    }
    const e = await assertRejects(() => fut, RuntimeError, "cannot start a worker thread");
    assertStringIncludes(e.message, "exit code 7");
    assertEquals(spawns, 2);
    // Workers that can start are used again.
    ex._skewMs = 0;
    assertEquals(await ex.submit(double, 21), 42);
    await ex.shutdown();
  }, real);
});

async function deno(args: string[], cwd?: string): Promise<{ code: number; out: string }> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const child = cmd.spawn();
  // Not a timing assertion: a program that never exits would hang the suite.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const res = await child.output();
  clearTimeout(guard);
  const dec = new TextDecoder();
  return { code: res.code, out: dec.decode(res.stdout) + dec.decode(res.stderr) };
}

const FIXTURE = new URL("./_executor_program.ts", import.meta.url).pathname;

Deno.test("a program whose pool is never shut down exits by itself when its jobs are done", async () => {
  const { code, out } = await deno(["run", "--allow-read", FIXTURE, "no-shutdown"]);
  assertEquals(out, "result 42\nidle workers: 1\n");
  assertEquals(code, 0);
});

Deno.test("jobs submitted without a running loop still run before the program exits", async () => {
  const { code, out } = await deno(["run", "--allow-read", FIXTURE, "no-loop"]);
  assertEquals(out, "<Future pending>\n<Future pending>\nran 0\nran 1\n");
  assertEquals(code, 0);
});

Deno.test("a source-text job needs no permission; a workerFunction says which flag is missing", async () => {
  const ok = await deno(["run", FIXTURE, "source-job"]);
  assertEquals(ok.out, "result 42\n");
  const denied = await deno(["run", FIXTURE, "module-job"]);
  assertStringIncludes(denied.out, "--allow-read");
  assertStringIncludes(denied.out, "workerFunction(");
  assertStringIncludes(denied.out, "could not import the module");
  assertEquals(denied.code, 0);
});

Deno.test("the guard `if (import.meta.main)` keeps a module's main code out of workers", async () => {
  await run(async () => {
    const loads = workerFunction<typeof Jobs.loads>(JOBS, "loads");
    // Imported once per worker, however many jobs use it; its main code did not run.
    assertEquals(await toThread(loads), 1);
    assertEquals(await toThread(loads), 1);
  }, virtual);
});

// --- what can be sent -----------------------------------------------------------------

Deno.test("a function that captures a variable is refused, with a pointer to workerFunction", async () => {
  const limit = 3;
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  const capturing = (x: number) => x + limit;
  const e = assertThrows(() => ex.submit(capturing, 1), TypeError);
  assertStringIncludes(e.message, "`limit`");
  assertStringIncludes(e.message, "captures a variable");
  assertStringIncludes(e.message, "workerFunction(import.meta.url");
  assertStringIncludes(e.message, "if (import.meta.main)");
  assertThrows(() => ex.submit(Math.max, 1), TypeError, "native or bound");
  assertThrows(() => ex.submit("x" as unknown as () => void), TypeError, "expected a function");
  assertEquals(ex._workers.size, 0);
  await run(async () => {
    // toThread() checks the function when the default executor (a
    // ThreadPoolExecutor) gets it.
    await assertRejects(
      () => toThread(capturing, 1),
      TypeError,
      "toThread(): capturing uses `limit`",
    );
    // The pool still works.
    assertEquals(await ex.submit((x: number) => x + 1, 1), 2);
    await ex.shutdown();
  }, virtual);
});

Deno.test("an argument that cannot be cloned is named; nothing is queued", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const id = (...a: unknown[]) => a.length;
    // Queued (no idle worker yet) and sent at once (idle worker): the same error.
    for (let round = 0; round < 2; round++) {
      const e = assertThrows(() => ex.submit(id, 1, 2, () => 3), TypeError);
      assertStringIncludes(e.message, "argument 3 of id (the function <anonymous>)");
      assertStringIncludes(e.message, "structured-clone");
      assertEquals(ex._queue.length, 0);
      assertEquals(await ex.submit(id, 1, 2, 3), 3);
    }
    await ex.shutdown();
  }, virtual);
});

Deno.test("arguments are copied when submitted; results arrive structured-cloned", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const data = { list: [1, 2], when: new Date(0), map: new Map([["k", 1]]) };
    const fut = ex.submit((d: typeof data) => {
      d.list.push(3);
      return { ...d, size: d.map.size, big: 2n ** 64n, bytes: new Uint8Array([1, 2]) };
    }, data);
    data.list.push(99); // after submit: the worker does not see it
    const r = await fut;
    assertEquals(r.list, [1, 2, 3]);
    assertEquals(data.list, [1, 2, 99]);
    assertInstanceOf(r.when, Date);
    assertEquals(r.size, 1);
    assertEquals(r.big, 2n ** 64n);
    assertEquals(r.bytes, new Uint8Array([1, 2]));
    const e = await assertRejects(() => ex.submit(() => () => 1), TypeError);
    assertStringIncludes(
      e.message,
      "the result of the job (a function) cannot be structured-cloned",
    );
    assertEquals(await ex.submit(async (x: number) => await Promise.resolve(x * 3), 5), 15);
    await ex.shutdown();
  }, virtual);
});

Deno.test("a job's error keeps its class, name, message, cause, properties and both stacks", async () => {
  await run(async () => {
    const e1 = await assertRejects(() => toThread(fail, "bad"), ValueError, "bad");
    const [head, submitted] = e1.stack!.split("--- in a worker; the job was submitted at ---");
    assertMatch(head, /^ValueError: bad\n/);
    assertMatch(head, /at fail \(file:\/\/.*_executor_jobs\.ts:\d+:\d+\)/);
    assertMatch(submitted, /executors_test\.ts:\d+:\d+/);

    const outer = workerFunction<typeof Jobs.failWithCause>(JOBS, "failWithCause");
    const e2 = await assertRejects(() => toThread(outer), RangeError, "outer");
    assertInstanceOf(e2.cause, TypeError);
    assertEquals((e2.cause as Error).message, "inner");
    assertEquals((e2 as RangeError & { code: string }).code, "E_OUTER");

    const group = workerFunction<typeof Jobs.failGroup>(JOBS, "failGroup");
    const e3 = await assertRejects(() => toThread(group), ExceptionGroup);
    assertEquals(e3.exceptions.map((x: unknown) => (x as Error).name), ["ValueError", "TypeError"]);
    assertEquals(e3.message, "two (2 sub-exceptions)");

    const custom = workerFunction<typeof Jobs.failCustom>(JOBS, "failCustom");
    const e4 = await assertRejects(() => toThread(custom), Error, "custom");
    assertEquals(e4.name, "JobError");

    // A thrown value that is not an Error arrives wrapped, as every failure does.
    const e5 = await assertRejects(() =>
      toThread(() => {
        throw { code: 7 };
      }), ThrownValueError);
    assertEquals(e5.value, { code: 7 });
    const e5u = await assertRejects(() =>
      toThread(() => {
        throw undefined;
      }), ThrownValueError);
    assertEquals(e5u.value, undefined);

    // A name the scan could not see (built at run time) still gets an explanation.
    const e6 = await assertRejects(
      () => toThread(() => (0, eval)("notDefinedAnywhere")),
      ReferenceError,
    );
    assertStringIncludes(e6.message, "sent to the worker as source text");
  }, virtual);
});

Deno.test("workerFunction: validation, a direct call, a missing export", async () => {
  assertThrows(() => workerFunction("./jobs.ts", "f"), ValueError, "absolute URL");
  assertThrows(() => workerFunction(42 as unknown as string, "f"), TypeError, "moduleUrl");
  assertThrows(() => workerFunction(JOBS, ""), TypeError, "exportName");
  assertEquals(workerFunction(JOBS, "double"), double); // one function per export
  assertThrows(() => (double as (x: number) => number)(1), RuntimeError, "runs in a worker");
  await run(async () => {
    const missing = workerFunction(JOBS, "nope");
    const e = await assertRejects(() => toThread(missing), TypeError);
    assertStringIncludes(e.message, 'no exported function named "nope"');
    assertStringIncludes(e.message, "its exported functions: double, fail, failCustom");
    const notFn = workerFunction(JOBS, "JobError");
    assertEquals(await toThread(double, 4), 8); // the worker still runs jobs
    await assertRejects(() => toThread(notFn), TypeError, '"JobError" (it is a class)');
  }, virtual);
});

// --- the loop's side ---------------------------------------------------------------------

Deno.test("a virtual clock waits for a running job instead of jumping (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const job = coroutine(function* () {
      t.print("job", yield* toThread(double, 1, 0.05), loop.time());
    });
    const timer = coroutine(function* () {
      yield* sleep(5);
      t.print("timer", loop.time());
    });
    yield* gather(timer(), job());
  }, virtual);
  assertEquals(t.lines, ["job 2 0", "timer 5"]);
});

Deno.test("a virtual clock waits for a running job instead of jumping (async style)", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const job = coroutine(async () => {
      t.print("job", await toThread(double, 1, 0.05), loop.time());
    });
    const timer = coroutine(async () => {
      await sleep(5);
      t.print("timer", loop.time());
    });
    await gather(timer(), job());
  }, virtual);
  assertEquals(t.lines, ["job 2 0", "timer 5"]);
});

Deno.test("cancelling the waiting task cancels the job's future (generator style)", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(function* () {
    const loop = getRunningLoop();
    const ran = shared(4);
    const gate = shared(1);
    const running = loop.runInExecutor(ex, hold, ran, gate, 0);
    const queued = loop.runInExecutor(ex, hold, ran, gate, 1);
    const task = createTask(function* () {
      yield* gather(running, queued);
    });
    yield* waitStarted(ran, 0);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
    }
    assert(running.cancelled() && queued.cancelled());
    openGate(gate);
    yield* ex.shutdown();
    assertEquals(Array.from(ran), [1, 1, 0, 0]);
  }, real);
});

Deno.test("cancelling the waiting task cancels the job's future (async style)", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const loop = getRunningLoop();
    const ran = shared(4);
    const gate = shared(1);
    const running = loop.runInExecutor(ex, hold, ran, gate, 0);
    const queued = loop.runInExecutor(ex, hold, ran, gate, 1);
    const task = createTask(async () => {
      await gather(running, queued);
    });
    await waitStartedAsync(ran, 0);
    task.cancel();
    await assertRejects(() => task, CancelledError);
    assert(running.cancelled() && queued.cancelled());
    openGate(gate);
    await ex.shutdown();
    assertEquals(Array.from(ran), [1, 1, 0, 0]);
  }, real);
});

Deno.test("submit() returns a Future of the running loop, else of getEventLoop()", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  const idle = newEventLoop(virtual);
  await run(async () => {
    const fut = ex.submit(double, 1);
    assertInstanceOf(fut, Future);
    assertEquals(fut.getLoop(), getRunningLoop());
    assertEquals(await fut, 2);
  }, virtual);
  const { setEventLoop } = await import("../mod.ts");
  setEventLoop(idle);
  const fut = ex.submit(double, 2);
  assertEquals(fut.getLoop(), getEventLoop());
  assertEquals(await idle.runUntilComplete(fut), 4);
  await idle.runUntilComplete(ex.shutdown());
  idle.close();
  setEventLoop(null);
});

Deno.test("run() shuts the default executor down, waiting for its jobs", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  const ran = shared(2);
  await run(function* () {
    getRunningLoop().setDefaultExecutor(ex);
    const fut = getRunningLoop().runInExecutor(null, mark, ran, 0, 0.05);
    fut.cancel(); // not started: dropped
    getRunningLoop().runInExecutor(null, mark, ran, 0, 0.05); // left running at the end
  }, real);
  assertEquals(Array.from(ran), [1, 1]);
  assertEquals(ex._workers.size, 0);
  assert(ex._shutdown);
});

Deno.test("await using shuts a pool down", async () => {
  let pool: ThreadPoolExecutor;
  await run(async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    pool = ex;
    assertEquals(await ex.submit((x: number) => -x, 1), -1);
  }, virtual);
  assertEquals(pool!._workers.size, 0);
});

Deno.test("a worker that exits fails its job; the pool replaces it", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    const quit = () =>
      (globalThis as unknown as { process: { exit(c: number): void } }).process.exit(3);
    await assertRejects(() => ex.submit(quit), RuntimeError, "ended (exit code 3)");
    assertEquals(await ex.submit(double, 21), 42);
    await ex.shutdown();
  }, virtual);
});

Deno.test("a worker killed by an uncaught error fails its job with that error", async () => {
  // In a subprocess: Deno prints the worker's uncaught error on stderr.
  const { code, out } = await deno(["run", FIXTURE, "crash"]);
  assertStringIncludes(out, "RuntimeError: the worker running crash ended with an uncaught error");
  assertStringIncludes(out, "late failure");
  assertStringIncludes(out, "then 42");
  assertEquals(code, 0);
});

// --- clocks and blocking ----------------------------------------------------------------

Deno.test("monotonic() in a job reads the main thread's clock", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  await run(async () => {
    await ex.submit(double, 0); // the worker is up
    for (let i = 0; i < 5; i++) {
      const before = monotonic();
      const inside = await ex.submit(now);
      const after = monotonic();
      assert(before <= inside && inside <= after, `${before} <= ${inside} <= ${after}`);
    }
    await ex.shutdown();
  }, virtual);
});

Deno.test("a worker whose wall clock was stepped is corrected when it starts", async () => {
  const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
  ex._skewMs = 30_000; // as if the wall clock jumped 30 s before the worker started
  await run(async () => {
    const before = monotonic();
    const inside = await ex.submit(now);
    const after = monotonic();
    assert(before <= inside && inside <= after, `${before} <= ${inside} <= ${after}`);
    const raw = await ex.submit(() => (performance.timeOrigin + performance.now()) / 1000);
    assertNotEquals(Math.round(raw - inside), 0); // without the correction it would be 30 s off
    await ex.shutdown();
  }, virtual);
});

Deno.test("blockingSleep() blocks the calling thread; bad durations are refused", () => {
  const start = monotonic();
  blockingSleep(0.02);
  assert(monotonic() - start >= 0.02);
  blockingSleep(0);
  assertThrows(() => blockingSleep(-1), ValueError, ">= 0");
  assertThrows(() => blockingSleep(NaN), ValueError);
  assertThrows(() => blockingSleep(Infinity), ValueError);
  assertThrows(() => blockingSleep("1" as unknown as number), TypeError, "number");
});

Deno.test("two CPU-bound jobs run in parallel on two workers", async () => {
  // Not a timing assertion: the jobs meet (each waits until both run), which
  // only threads running at the same time can do.
  const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
  await run(async () => {
    const counter = shared(1);
    assertEquals(
      await gather(ex.submit(meet, counter, 2, 30), ex.submit(meet, counter, 2, 30)),
      [true, true],
    );
    await ex.shutdown();
  }, virtual);
});

// --- runInExecutor() on a loop that is not the running or current one ---------------------

Deno.test("runInExecutor() asks an executor with _submitOn for a Future of its own loop", async () => {
  const loop = newEventLoop(virtual);
  const calls: unknown[] = [];
  const executor = {
    submit: () => Promise.resolve("submit() was used"),
    shutdown: () => {},
    _submitOn(on: typeof loop, fn: (...a: unknown[]) => unknown, args: unknown[]) {
      calls.push(on === loop, fn(...args));
      const fut = on.createFuture<unknown>();
      fut.setResult("from _submitOn");
      return fut;
    },
  };
  const fut = loop.runInExecutor(executor, (x: number) => x + 1, 1);
  assertEquals(fut.getLoop(), loop);
  assertEquals(await loop.runUntilComplete(fut), "from _submitOn");
  assertEquals(calls, [true, 2]);
  loop.close();
});

Deno.test("loop.runInExecutor() on a loop that is not running gives a Future of that loop", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const loop = newEventLoop(virtual); // not the current loop, and not running
  const fut = loop.runInExecutor(pool, double, 21);
  assertEquals(fut.getLoop(), loop);
  assertEquals(await loop.runUntilComplete(fut), 42);
  await loop.runUntilComplete(pool.shutdown());
  loop.close();
});

Deno.test("shutdown({ terminate: true }) ends a job stuck in a loop; its future is cancelled", async () => {
  const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
  const ran = new Int32Array(new SharedArrayBuffer(8));
  await run(async () => {
    const stuck = pool.submit((flag: Int32Array) => {
      Atomics.store(flag, 0, 1);
      for (;;) { /* never returns */ }
    }, ran);
    const queued = pool.submit((x: number) => x, 1);
    while (Atomics.load(ran, 0) === 0) await sleep(0.01);
    pool.shutdown({ wait: false, terminate: true });
    for (const fut of [stuck, queued]) {
      await assertRejects(() => fut as unknown as Promise<unknown>, CancelledError);
    }
    await pool[Symbol.asyncDispose](); // every worker has ended
  });
  assertThrows(() => pool.shutdown({ terminate: "yes" as never }), TypeError, "terminate");
});

Deno.test("toThread(boundFunction) names the function to export and how to pass arguments", async () => {
  function triple(x: number) {
    return x * 3;
  }
  await run(async () => {
    const e = await assertRejects(() => toThread(triple.bind(null, 1)), TypeError);
    assertStringIncludes(e.message, 'workerFunction(import.meta.url, "triple")');
    assertStringIncludes(e.message, "pass them after the function: toThread(fn, ...args)");
  });
});
