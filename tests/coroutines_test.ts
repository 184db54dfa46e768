import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  allTasks,
  CancelledError,
  type Coro,
  coroutine,
  createTask,
  currentTask,
  gather,
  getRunningLoop,
  isCoroutine,
  isCoroutineFunction,
  run,
  RuntimeError,
  sleep,
  wrap,
} from "../mod.ts";

import { pythonTrace, Trace } from "./_trace.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("coroutine(function*) keeps the function and makes its coroutines awaitable", async () => {
  function* gen(x: number): Coro<number> {
    yield* sleep(0);
    return x + 1;
  }
  const decorated = coroutine(gen);
  assertEquals(decorated as unknown, gen);
  assert(isCoroutineFunction(decorated));
  const c = decorated(1);
  assert(isCoroutine(c));
  assertEquals(typeof c.then, "function");
  assertEquals(await run(async () => await decorated(41)), 42);
  assertEquals(
    await run(function* () {
      return yield* decorated(1);
    }),
    2,
  );
});

Deno.test("a decorated async function is lazy: nothing runs until a task drives it", async () => {
  const ran: string[] = [];
  const f = coroutine(async (x: string) => {
    ran.push(x);
    return x;
  });
  const c = f("a");
  assert(isCoroutine(c));
  assertEquals(ran, []);
  assertEquals(await run(c), "a");
  assertEquals(ran, ["a"]);
});

Deno.test("a decorated plain function: its result, awaited if awaitable", async () => {
  const plain = coroutine((x: number) => x * 2);
  const returnsCoro = coroutine(() => sleep(1, "slept"));
  const returnsPromise = coroutine(() => Promise.resolve("resolved"));
  assertEquals(await run(plain(21)), 42);
  assertEquals(await run(returnsCoro(), virtual), "slept");
  assertEquals(await run(returnsPromise()), "resolved");
});

Deno.test("coroutine() refuses what is not a function, and async generator functions", () => {
  assertThrows(() => coroutine(42 as never), TypeError, "expected a generator function");
  assertThrows(() => coroutine(async function* agen() {} as never), TypeError, "async generator");
});

Deno.test("a thunk runs at the task's first step, inside the task", async () => {
  const seen: unknown[] = [];
  await run(function* () {
    const task = createTask(() => {
      seen.push(currentTask());
      return sleep(0, "thunk result");
    });
    seen.push("created");
    assertEquals(yield* task, "thunk result");
    seen.push(task);
  });
  assertEquals(seen[0], "created"); // the thunk runs at the first step, not in createTask()
  assertEquals(seen[1], seen[2]); // and currentTask() there is the task
});

Deno.test("yield* of a decorated async coroutine runs its body inside the task", async () => {
  const helper = coroutine(async (name: string) => {
    const me = currentTask();
    await sleep(1);
    return `${name} in ${me?.getName()}`;
  });
  const out = await run(function* () {
    currentTask()!.setName("main");
    return yield* helper("b");
  }, virtual);
  assertEquals(out, "b in main");
});

Deno.test("cancelling a generator task reaches the await inside a yield*-ed async body", async () => {
  const log: string[] = [];
  const helper = coroutine(async () => {
    try {
      await sleep(10);
    } catch (e) {
      log.push(`helper got ${(e as Error).name}: ${(e as Error).message}`);
      throw e;
    }
  });
  await run(function* () {
    const task = createTask(function* () {
      yield* helper();
    });
    yield* sleep(1);
    task.cancel("stop");
    try {
      yield* task;
    } catch (e) {
      log.push(`task ${task.cancelled() ? "cancelled" : "not cancelled"}`);
      assertInstanceOf(e, CancelledError);
    }
  }, virtual);
  assertEquals(log, ["helper got CancelledError: stop", "task cancelled"]);
});

Deno.test("two coroutines awaited at once from one async body: cancel reaches both", async () => {
  const log: string[] = [];
  const sleeper = coroutine(function* (name: string, d: number) {
    try {
      yield* sleep(d);
    } finally {
      log.push(`${name} finally`);
    }
  });
  await run(async () => {
    const task = createTask(async () => {
      await Promise.all([sleeper("a", 5), sleeper("b", 6)]);
    });
    await sleep(1);
    task.cancel();
    await assertRejects(() => Promise.resolve(task), CancelledError);
  }, virtual);
  assertEquals(log.sort(), ["a finally", "b finally"]);
});

Deno.test("an undecorated async call can be wrapped and awaited, but not interrupted", async () => {
  const log: string[] = [];
  async function undecorated() {
    await new Promise((r) => setTimeout(r, 20));
    log.push("body went on");
    return "done";
  }
  await run(function* () {
    const task = createTask(undecorated()); // the body is already running
    yield* sleep(0);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
      log.push("stopped waiting");
    }
    yield* wrap(new Promise((r) => setTimeout(r, 40)));
  });
  assertEquals(log, ["stopped waiting", "body went on"]);
});

Deno.test("a decorated body awaiting a host promise gets the cancellation at its next runtime await", async () => {
  const log: string[] = [];
  const body = coroutine(async () => {
    await new Promise((r) => setTimeout(r, 10)); // host work: cannot be interrupted
    log.push("host work finished");
    try {
      await sleep(100);
    } catch (e) {
      log.push(`then ${(e as Error).name}`);
      throw e;
    }
  });
  await run(function* () {
    const task = createTask(body());
    yield* sleep(0);
    task.cancel();
    try {
      yield* task;
    } catch {
      log.push(`cancelled: ${task.cancelled()}`);
    }
  }, virtual);
  assertEquals(log, ["host work finished", "then CancelledError", "cancelled: true"]);
});

Deno.test("awaiting a coroutine with no running loop says how to run it", async () => {
  const f = coroutine(function* named() {
    return 1;
  });
  const err = await assertRejects(async () => await f(), RuntimeError);
  assertEquals(
    err.message,
    "cannot await named(): no event loop is running; run your program with asyncio.run(main) " +
      "or loop.runUntilComplete(main())",
  );
});

Deno.test("a coroutine awaited by async code outside any task runs as a new Task", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const p = new Promise<string>((resolve) => {
      loop.callSoon(async () => {
        // A plain callback's async function: no task drives it, so awaiting
        // (then) the coroutine makes a task for it.
        const pending = sleep(1, "slept").then((v) => v);
        const during = allTasks().size;
        resolve(`${await pending}, tasks during: ${during}`);
      });
    });
    return yield* wrap(p);
  }, virtual);
  assertEquals(out, "slept, tasks during: 2");
});

Deno.test("wrap(): resolves, rejects, and refuses what is not a promise", async () => {
  await run(function* () {
    assertEquals(yield* wrap(Promise.resolve(5)), 5);
    try {
      yield* wrap(Promise.reject(new SyntaxError("host failure")));
    } catch (e) {
      assertInstanceOf(e, SyntaxError);
    }
    const fut = getRunningLoop().createFuture();
    assertEquals(wrap(fut), fut);
    assertThrows(() => wrap(42 as never), TypeError, "expected a Promise or thenable, got 42");
    assertThrows(
      () => wrap(sleep(0) as never),
      TypeError,
      "run a coroutine with yield* or createTask()",
    );
  });
});

Deno.test("isCoroutine / isCoroutineFunction", () => {
  const g = coroutine(function* () {});
  const a = coroutine(async () => {});
  function* plain() {}
  assert(isCoroutine(g()) && isCoroutine(a()) && isCoroutine(plain()));
  assert(!isCoroutine(Promise.resolve()) && !isCoroutine(g) && !isCoroutine(null));
  assert(isCoroutineFunction(g) && isCoroutineFunction(a));
  assert(!isCoroutineFunction(plain) && !isCoroutineFunction(async () => {}));
});

Deno.test("async code awaiting a task's own future from another loop fails clearly", async () => {
  const other = (await import("../mod.ts")).newEventLoop();
  const foreign = other.createFuture();
  const err = await run(async () => {
    try {
      await foreign;
    } catch (e) {
      return e;
    }
  });
  assertInstanceOf(err, RuntimeError);
  assert((err as Error).message.includes("belongs to another loop"));
  other.close();
});

// --- a coroutine object runs once ------------------------------------------------------

for (const kind of ["generator", "async"] as const) {
  Deno.test(`a decorated coroutine object awaited twice: RuntimeError (${kind} function)`, async () => {
    const t = new Trace();
    const worker = kind === "generator"
      ? coroutine(function* worker() {
        yield* sleep(0.01);
        return 1;
      })
      : coroutine(async function worker() {
        await sleep(0.01);
        return 1;
      });
    const short = (rs: unknown[]) =>
      rs.map((r) => r instanceof RuntimeError ? new RuntimeError(r.message.split(";")[0]) : r);
    await run(async () => {
      const x = worker();
      t.print(await x);
      try {
        await x;
      } catch (e) {
        t.print("RuntimeError:", (e as Error).message.split(";")[0]);
      }
      const y = worker();
      const t1 = createTask(y), t2 = createTask(y);
      t.print(short(await gather([t1, t2], { returnExceptions: true })));
      const z = worker();
      const u1 = createTask(z);
      await sleep(0);
      const u2 = createTask(z);
      t.print(short(await gather([u1, u2], { returnExceptions: true })));
    }, virtual);
    assertEquals(t.lines, pythonTrace("cancel_races", "reuse"));
    // yield* twice, in a generator coroutine.
    await run(function* () {
      const x = worker();
      assertEquals(yield* x, 1);
      const e = assertThrows(() => {
        for (const _ of x) break;
      }, RuntimeError);
      assertEquals(e.message.split(";")[0], "cannot reuse already awaited coroutine");
      try {
        yield* x;
        throw new Error("not reached");
      } catch (e) {
        assertInstanceOf(e, RuntimeError);
      }
      // The loop goes on: the next coroutine runs.
      assertEquals(yield* worker(), 1);
    }, virtual);
  });
}

Deno.test("an undecorated generator object is not guarded (documented)", async () => {
  function* plain() {
    yield* sleep(0);
    return 1;
  }
  await run(function* () {
    const x = plain();
    assertEquals(yield* x, 1);
    assertEquals(yield* x, undefined);
  }, virtual);
});
