/**
 * gather, wait, waitFor, asCompleted, shield: each test replays a program of
 * tests/python/combinators.py, in both coroutine styles, and compares what
 * it prints with what CPython printed.
 */
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  ALL_COMPLETED,
  allTasks,
  asCompleted,
  CancelledError,
  type Coro,
  coroutine,
  createTask,
  currentTask,
  ensureFuture,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type Future,
  gather,
  getRunningLoop,
  run,
  shield,
  sleep,
  taskGroup,
  timeout,
  TimeoutError,
  ValueError,
  wait,
  waitFor,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { makeClock, type Style, STYLES, virtual, workers } from "./_structured.ts";

/** Run one program per style and compare with the Python section. */
function both(
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
  adjust: (expected: string[]) => string[] = (e) => e,
): void {
  for (const style of STYLES) {
    Deno.test(`${section.replaceAll("_", " ")} (${style})`, async () => {
      const t = new Trace();
      await program(t, makeClock(), style);
      assertEquals(t.lines, adjust(pythonTrace("combinators", section)));
    });
  }
}

// --- gather -------------------------------------------------------------------

both("gather_order", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const res: [number, number, number] = yield* gather(
        worker("a", 0.3, 1),
        worker("b", 0.1, 2),
        worker("c", 0.2, 3),
      );
      t.print(res, now());
    }, virtual);
  }
  return run(async () => {
    now();
    const res: [number, number, number] = await gather(
      worker("a", 0.3, 1),
      worker("b", 0.1, 2),
      worker("c", 0.2, 3),
    );
    t.print(res, now());
  }, virtual);
});

both("gather_first_exception", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const g = gather(worker("w", 0.2, "w"), fail("f", 0.1), fail("g", 0.3));
      try {
        yield* g;
      } catch (e) {
        t.print("gather raised", e, now());
      }
      t.print("cancel() after it failed ->", g.cancel());
      yield* sleep(1);
      t.print("the others kept running", now());
    }, virtual);
  }
  return run(async () => {
    now();
    const g = gather(worker("w", 0.2, "w"), fail("f", 0.1), fail("g", 0.3));
    try {
      await g;
    } catch (e) {
      t.print("gather raised", e, now());
    }
    t.print("cancel() after it failed ->", g.cancel());
    await sleep(1);
    t.print("the others kept running", now());
  }, virtual);
});

// CPython loses the message of a task cancelled by cancel(msg) in gather's
// results (its Task records no _cancel_message when the coroutine re-raises);
// we keep it.
both(
  "gather_return_exceptions",
  (t, now, style) => {
    const { worker, fail } = workers(t, now, style);
    if (style === "generator") {
      return run(function* () {
        now();
        const loop = getRunningLoop();
        const victim = ensureFuture(worker("victim", 1, "v"));
        loop.callLater(0.15, () => victim.cancel("by hand"));
        const res = yield* gather(worker("a", 0.2, "a"), fail("f", 0.1), victim, {
          returnExceptions: true,
        });
        t.print(res, now());
      }, virtual);
    }
    return run(async () => {
      now();
      const loop = getRunningLoop();
      const victim = ensureFuture(worker("victim", 1, "v"));
      loop.callLater(0.15, () => victim.cancel("by hand"));
      const res = await gather(worker("a", 0.2, "a"), fail("f", 0.1), victim, {
        returnExceptions: true,
      });
      t.print(res, now());
    }, virtual);
  },
  (e) => e.map((l) => l.replace("CancelledError('')]", "CancelledError('by hand')]")),
);

both("gather_cancel", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const g = gather(worker("a", 1, 1), worker("b", 2, 2));
      yield* sleep(0.1);
      t.print("cancel ->", g.cancel("stop"));
      try {
        yield* g;
      } catch (e) {
        assertInstanceOf(e, CancelledError);
        t.print("gather raised", e, now());
      }
      t.print("done:", g.done(), "cancelled:", g.cancelled());
      const g2 = gather(worker("c", 1, 1), { returnExceptions: true });
      yield* sleep(0.1);
      g2.cancel();
      try {
        yield* g2;
      } catch (e) {
        t.print("with return_exceptions too:", e, now());
      }
    }, virtual);
  }
  return run(async () => {
    now();
    const g = gather(worker("a", 1, 1), worker("b", 2, 2));
    await sleep(0.1);
    t.print("cancel ->", g.cancel("stop"));
    try {
      await g;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
      t.print("gather raised", e, now());
    }
    t.print("done:", g.done(), "cancelled:", g.cancelled());
    const g2 = gather(worker("c", 1, 1), { returnExceptions: true });
    await sleep(0.1);
    g2.cancel();
    try {
      await g2;
    } catch (e) {
      t.print("with return_exceptions too:", e, now());
    }
  }, virtual);
});

both("gather_child_cancelled", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const ta = ensureFuture(worker("a", 1, 1));
      const tb = ensureFuture(worker("b", 0.5, 2));
      const g = gather(ta, tb);
      yield* sleep(0.1);
      ta.cancel("alone");
      try {
        yield* g;
      } catch (e) {
        t.print("gather raised", e, now());
      }
      t.print("gather cancelled:", g.cancelled());
      t.print("b goes on:", yield* tb, now());
    }, virtual);
  }
  return run(async () => {
    now();
    const ta = ensureFuture(worker("a", 1, 1));
    const tb = ensureFuture(worker("b", 0.5, 2));
    const g = gather(ta, tb);
    await sleep(0.1);
    ta.cancel("alone");
    try {
      await g;
    } catch (e) {
      t.print("gather raised", e, now());
    }
    t.print("gather cancelled:", g.cancelled());
    t.print("b goes on:", await tb, now());
  }, virtual);
});

both("gather_duplicate", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const c = worker("once", 0.1, "r");
      t.print(yield* gather(c, c, worker("other", 0.1, "o"), c));
      const loop = getRunningLoop();
      const f = loop.createFuture<string>();
      loop.callLater(0.1, () => f.setResult("f"));
      t.print(yield* gather(f, f, f), now());
      t.print(yield* gather());
    }, virtual);
  }
  return run(async () => {
    now();
    const c = worker("once", 0.1, "r");
    t.print(await gather(c, c, worker("other", 0.1, "o"), c));
    const loop = getRunningLoop();
    const f = loop.createFuture<string>();
    loop.callLater(0.1, () => f.setResult("f"));
    t.print(await gather(f, f, f), now());
    t.print(await gather());
  }, virtual);
});

Deno.test("gather: results are typed as a tuple; an array argument is the list", async () => {
  await run(function* () {
    const [n, s, b] = yield* gather(sleep(0, 1), sleep(0, "two"), sleep(0, true));
    const typed: [number, string, boolean] = [n, s, b];
    assertEquals(typed, [1, "two", true]);
    const list = yield* gather([sleep(0, 1), sleep(0, 2)]);
    const nums: number[] = list;
    assertEquals(nums, [1, 2]);
    const withErrors = yield* gather([sleep(0, 1)], { returnExceptions: true });
    const mixed: (number | Error)[] = withErrors;
    assertEquals(mixed, [1]);
  });
});

Deno.test("gather of 200 000 tasks (more than a call can spread) in one array", async () => {
  const n = 200_000;
  const results = await run(function* () {
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(sleep(0, i));
    return yield* gather(tasks);
  });
  assertEquals(results.length, n);
  assertEquals(results[n - 1], n - 1);
});

// --- wait ---------------------------------------------------------------------

function labels(fs: Set<Future<unknown>>, names: Map<Future<unknown>, string>): string[] {
  return [...fs].map((f) => names.get(f)!).sort();
}

both("wait_return_when", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  const setup = () => {
    const a = ensureFuture(worker("a", 0.1, "a"));
    const b = ensureFuture(fail("b", 0.2));
    const c = ensureFuture(worker("c", 0.3, "c"));
    const names = new Map<Future<unknown>, string>([[a, "a"], [b, "b"], [c, "c"]]);
    return { a, b, c, names, fs: [a, b, c] as Future<unknown>[] };
  };
  if (style === "generator") {
    return run(function* () {
      now();
      const { b, names, fs } = setup();
      let [done, pending] = yield* wait(fs, { returnWhen: FIRST_COMPLETED });
      t.print("FIRST_COMPLETED", labels(done, names), labels(pending, names), now());
      [done, pending] = yield* wait(fs, { returnWhen: FIRST_EXCEPTION });
      t.print("FIRST_EXCEPTION", labels(done, names), labels(pending, names), now());
      [done, pending] = yield* wait(fs, { returnWhen: ALL_COMPLETED });
      t.print("ALL_COMPLETED", labels(done, names), labels(pending, names), now());
      t.print(b.exception());
    }, virtual);
  }
  return run(async () => {
    now();
    const { b, names, fs } = setup();
    let [done, pending] = await wait(fs, { returnWhen: FIRST_COMPLETED });
    t.print("FIRST_COMPLETED", labels(done, names), labels(pending, names), now());
    [done, pending] = await wait(fs, { returnWhen: FIRST_EXCEPTION });
    t.print("FIRST_EXCEPTION", labels(done, names), labels(pending, names), now());
    [done, pending] = await wait(fs, { returnWhen: ALL_COMPLETED });
    t.print("ALL_COMPLETED", labels(done, names), labels(pending, names), now());
    t.print(b.exception());
  }, virtual);
});

both("wait_timeout", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const a = ensureFuture(worker("a", 0.1, "a"));
      const b = ensureFuture(worker("b", 1, "b"));
      const names = new Map<Future<unknown>, string>([[a, "a"], [b, "b"]]);
      const [done, pending] = yield* wait([a, b], { timeout: 0.5 });
      t.print("timeout", labels(done, names), labels(pending, names), now());
      t.print("b cancelled:", b.cancelled());
      t.print(yield* b, now());
    }, virtual);
  }
  return run(async () => {
    now();
    const a = ensureFuture(worker("a", 0.1, "a"));
    const b = ensureFuture(worker("b", 1, "b"));
    const names = new Map<Future<unknown>, string>([[a, "a"], [b, "b"]]);
    const [done, pending] = await wait([a, b], { timeout: 0.5 });
    t.print("timeout", labels(done, names), labels(pending, names), now());
    t.print("b cancelled:", b.cancelled());
    t.print(await b, now());
  }, virtual);
});

// Python 3.11 refuses coroutines in wait(); ours wraps them in tasks, in the
// order given, as the Python program does by hand.
both("wait_coroutines", (t, now, style) => {
  const { worker } = workers(t, now, style);
  const sorted = (done: Set<Future<string>>) => [...done].map((f) => f.result()).sort();
  if (style === "generator") {
    return run(function* () {
      now();
      let [done, pending] = yield* wait([worker("x", 0.2, "x"), worker("y", 0.1, "y")], {
        returnWhen: FIRST_COMPLETED,
      });
      t.print(sorted(done), pending.size, now());
      [done, pending] = yield* wait(pending);
      t.print(sorted(done), pending.size, now());
    }, virtual);
  }
  return run(async () => {
    now();
    let [done, pending] = await wait([worker("x", 0.2, "x"), worker("y", 0.1, "y")], {
      returnWhen: FIRST_COMPLETED,
    });
    t.print(sorted(done), pending.size, now());
    [done, pending] = await wait(pending);
    t.print(sorted(done), pending.size, now());
  }, virtual);
});

Deno.test("wait: bad arguments are refused with a clear error", async () => {
  await run(function* () {
    const task = createTask(sleep(0));
    assertThrows(() => wait(task as never), TypeError, "pass an array: wait([task])");
    assertThrows(() => wait([]), ValueError, "empty");
    assertThrows(
      () => wait([task], { returnWhen: "SOMETIMES" as never }),
      ValueError,
      "returnWhen",
    );
    assertThrows(() => wait([task], { timeout: "1" as never }), TypeError, "timeout");
    yield* task;
  });
});

// --- waitFor ------------------------------------------------------------------

function slowCleanup(t: Trace, now: () => string, style: Style) {
  if (style === "generator") {
    return coroutine(function* slowCleanup() {
      try {
        t.print("inner started", now());
        yield* sleep(10);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        t.print("inner cancelled", now());
        yield* sleep(0.5);
        t.print("inner cleanup done", now());
        throw e;
      }
    });
  }
  return coroutine(async function slowCleanup() {
    try {
      t.print("inner started", now());
      await sleep(10);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      t.print("inner cancelled", now());
      await sleep(0.5);
      t.print("inner cleanup done", now());
      throw e;
    }
  });
}

both("wait_for_ok", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      t.print(yield* waitFor(worker("w", 0.1, "r"), 1), now());
      t.print(yield* waitFor(worker("n", 0.1, "no timeout"), null), now());
    }, virtual);
  }
  return run(async () => {
    now();
    t.print(await waitFor(worker("w", 0.1, "r"), 1), now());
    t.print(await waitFor(worker("n", 0.1, "no timeout"), null), now());
  }, virtual);
});

both("wait_for_timeout", (t, now, style) => {
  const inner = slowCleanup(t, now, style);
  const report = (e: unknown) => {
    assertInstanceOf(e, TimeoutError);
    t.print("TimeoutError", e, now(), "cause:", (e as Error).cause);
  };
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* waitFor(inner(), 1);
      } catch (e) {
        report(e);
      }
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await waitFor(inner(), 1);
    } catch (e) {
      report(e);
    }
  }, virtual);
});

both("wait_for_zero", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      for (const timeout of [0, -1]) {
        try {
          yield* waitFor(worker("never", 0.1, "x"), timeout);
        } catch (e) {
          assertInstanceOf(e, TimeoutError);
          t.print("timeout", timeout, now());
        }
      }
      const f = getRunningLoop().createFuture<string>();
      f.setResult("ready");
      t.print(yield* waitFor(f, 0));
    }, virtual);
  }
  return run(async () => {
    now();
    for (const timeout of [0, -1]) {
      try {
        await waitFor(worker("never", 0.1, "x"), timeout);
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("timeout", timeout, now());
      }
    }
    const f = getRunningLoop().createFuture<string>();
    f.setResult("ready");
    t.print(await waitFor(f, 0));
  }, virtual);
});

both("wait_for_outer_cancel", (t, now, style) => {
  const inner = slowCleanup(t, now, style);
  const outer = style === "generator"
    ? coroutine(function* outer() {
      try {
        return yield* waitFor(inner(), 5);
      } catch (e) {
        if (e instanceof CancelledError) t.print("outer got CancelledError", now());
        throw e;
      }
    })
    : coroutine(async function outer() {
      try {
        return await waitFor(inner(), 5);
      } catch (e) {
        if (e instanceof CancelledError) t.print("outer got CancelledError", now());
        throw e;
      }
    });
  return run(function* () {
    now();
    const task = createTask(outer());
    yield* sleep(0.1);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
      t.print("outer cancelled:", task.cancelled(), now());
    }
  }, virtual);
});

both("wait_for_swallow", (t, now, style) => {
  const stubborn = style === "generator"
    ? coroutine(function* stubborn() {
      try {
        yield* sleep(10);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        t.print("inner swallowed the cancellation", now());
        yield* sleep(0.2);
        return "inner value";
      }
    })
    : coroutine(async function stubborn() {
      try {
        await sleep(10);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        t.print("inner swallowed the cancellation", now());
        await sleep(0.2);
        return "inner value";
      }
    });
  if (style === "generator") {
    return run(function* () {
      now();
      t.print(yield* waitFor(stubborn(), 0.1), now());
    }, virtual);
  }
  return run(async () => {
    now();
    t.print(await waitFor(stubborn(), 0.1), now());
  }, virtual);
});

both("wait_for_error_on_cancel", (t, now, style) => {
  const grumpy = style === "generator"
    ? coroutine(function* grumpy() {
      try {
        yield* sleep(10);
      } catch {
        throw new ValueError("failed while cancelled");
      }
    })
    : coroutine(async function grumpy() {
      try {
        await sleep(10);
      } catch {
        throw new ValueError("failed while cancelled");
      }
    });
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* waitFor(grumpy(), 0.1);
      } catch (e) {
        t.print("raised", e, now());
      }
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await waitFor(grumpy(), 0.1);
    } catch (e) {
      t.print("raised", e, now());
    }
  }, virtual);
});

both("wait_for_tasks", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const before = allTasks().size;
      t.print(yield* waitFor(worker("w", 0.1, "r"), 1));
      try {
        yield* waitFor(worker("slow", 1, "x"), 0.1);
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("timeout", now());
      }
      t.print("tasks before:", before, "after:", allTasks().size);
    }, virtual);
  }
  return run(async () => {
    now();
    const before = allTasks().size;
    t.print(await waitFor(worker("w", 0.1, "r"), 1));
    try {
      await waitFor(worker("slow", 1, "x"), 0.1);
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("timeout", now());
    }
    t.print("tasks before:", before, "after:", allTasks().size);
  }, virtual);
});

Deno.test("waitFor: with a timeout a coroutine runs in a new task; with null, in the caller", async () => {
  for (const style of STYLES) {
    const seen: boolean[] = [];
    const probe = style === "generator"
      ? coroutine(function* (main: unknown) {
        yield* sleep(0);
        seen.push(currentTask() === main);
      })
      : coroutine(async (main: unknown) => {
        await sleep(0);
        seen.push(currentTask() === main);
      });
    await run(function* () {
      const main = currentTask();
      yield* waitFor(probe(main), null);
      yield* waitFor(probe(main), 10);
    }, virtual);
    assertEquals(seen, [true, false], style);
  }
});

Deno.test("waitFor: Promises and functions are awaitables too; bad arguments are refused", async () => {
  await run(async () => {
    assertEquals(await waitFor(Promise.resolve("promise"), 1), "promise");
    assertEquals(await waitFor(() => sleep(0.1, "thunk"), 1), "thunk");
    assertEquals(await waitFor(async () => "async thunk", null), "async thunk");
    assertThrows(() => waitFor(42 as never, 1), TypeError, "waitFor(): expected an awaitable");
    assertThrows(() => waitFor(sleep(0), "1" as never), TypeError, "timeout must be a number");
    assertThrows(() => waitFor(sleep(0), NaN), ValueError, "NaN");
    await assertRejects(() => waitFor(sleep(10), 0.5), TimeoutError);
  }, virtual);
});

// --- asCompleted --------------------------------------------------------------

both("as_completed_order", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const fs = [
        ensureFuture(worker("a", 0.3, "a")),
        ensureFuture(worker("b", 0.1, "b")),
        ensureFuture(fail("c", 0.2)),
      ];
      for (const f of asCompleted(fs)) {
        try {
          t.print("got", yield* f, now());
        } catch (e) {
          t.print("failed", e, now());
        }
      }
    }, virtual);
  }
  // for await: the results in completion order, a failure thrown at its
  // turn (it ends the loop, so the loop is resumed with the rest).
  return run(async () => {
    now();
    const fs = [
      ensureFuture(worker("a", 0.3, "a")),
      ensureFuture(worker("b", 0.1, "b")),
      ensureFuture(fail("c", 0.2)),
    ];
    const results = asCompleted(fs);
    for (let turn = 0; turn < 2; turn++) {
      try {
        for await (const r of results) t.print("got", r, now());
      } catch (e) {
        t.print("failed", e, now());
      }
    }
  }, virtual);
});

Deno.test("asCompleted: awaiting each awaitable in async code gives the same trace", async () => {
  const t = new Trace();
  const now = makeClock();
  const { worker, fail } = workers(t, now, "async");
  await run(async () => {
    now();
    const fs = [
      ensureFuture(worker("a", 0.3, "a")),
      ensureFuture(worker("b", 0.1, "b")),
      ensureFuture(fail("c", 0.2)),
    ];
    for (const f of asCompleted(fs)) {
      try {
        t.print("got", await f, now());
      } catch (e) {
        t.print("failed", e, now());
      }
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("combinators", "as_completed_order"));
});

both("as_completed_timeout", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const fs = [ensureFuture(worker("a", 0.1, "a")), ensureFuture(worker("b", 1, "b"))];
      let n = 0;
      try {
        for (const f of asCompleted(fs, { timeout: 0.5 })) {
          n++;
          t.print("got", yield* f, now());
        }
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("TimeoutError", now(), "after", n, "awaitables");
      }
      t.print("b cancelled:", fs[1].cancelled());
      t.print(yield* fs[1], now());
    }, virtual);
  }
  return run(async () => {
    now();
    const fs = [ensureFuture(worker("a", 0.1, "a")), ensureFuture(worker("b", 1, "b"))];
    let n = 0;
    try {
      for await (const r of asCompleted(fs, { timeout: 0.5 })) {
        n++;
        t.print("got", r, now());
      }
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      n++; // the awaitable that threw counts, as in the Python program
      t.print("TimeoutError", now(), "after", n, "awaitables");
    }
    t.print("b cancelled:", fs[1].cancelled());
    t.print(await fs[1], now());
  }, virtual);
});

both("as_completed_duplicates", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const task = ensureFuture(worker("t", 0.1, "t"));
      t.print([...asCompleted([task, task])].length);
      t.print(yield* task);
    }, virtual);
  }
  return run(async () => {
    now();
    const task = ensureFuture(worker("t", 0.1, "t"));
    t.print([...asCompleted([task, task])].length);
    t.print(await task);
  }, virtual);
});

Deno.test("asCompleted: coroutines start in the order given; leaving for-await early stops the timer", async () => {
  for (const style of STYLES) {
    const t = new Trace();
    const now = makeClock();
    const { worker } = workers(t, now, style);
    await run(async () => {
      now();
      for await (
        const r of asCompleted([worker("x", 0.2, "x"), worker("y", 0.1, "y")], {
          timeout: 5,
        })
      ) {
        t.print("first", r, now());
        break;
      }
      await sleep(1);
      t.print("later", now());
    }, virtual);
    assertEquals(t.lines, [
      "start x",
      "start y",
      "end y t=0.1",
      "first y t=0.1",
      "end x t=0.2",
      "later t=1.1",
    ], style);
  }
});

Deno.test("asCompleted: taken once; empty input; bad arguments", async () => {
  await run(function* () {
    const ac = asCompleted([sleep(0.1, 1), sleep(0.2, 2)]);
    const first = [...ac];
    assertEquals(first.length, 2);
    assertEquals([...ac].length, 0); // all handed out already
    const got: number[] = [];
    for (const f of first) got.push(yield* f);
    assertEquals(got, [1, 2]);
    assertEquals([...asCompleted([])].length, 0);
    const task = createTask(sleep(0));
    assertThrows(() => asCompleted(task as never), TypeError, "asCompleted([task])");
    assertThrows(() => asCompleted([1 as never]), TypeError, "asCompleted(): item 0");
    assertThrows(() => asCompleted([task], { timeout: NaN }), ValueError, "NaN");
    yield* task;
  }, virtual);
});

// --- shield -------------------------------------------------------------------

both("shield_outer_cancel", (t, now, style) => {
  const { worker } = workers(t, now, style);
  return run(function* () {
    now();
    const inner = ensureFuture(worker("inner", 1, "inner result"));
    const outer = style === "generator"
      ? function* () {
        try {
          return yield* shield(inner);
        } catch (e) {
          if (e instanceof CancelledError) t.print("outer cancelled", now());
          throw e;
        }
      }
      : async () => {
        try {
          return await shield(inner);
        } catch (e) {
          if (e instanceof CancelledError) t.print("outer cancelled", now());
          throw e;
        }
      };
    const o = createTask(outer);
    yield* sleep(0.1);
    o.cancel();
    try {
      yield* o;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
      t.print("outer task cancelled:", o.cancelled(), "inner done:", inner.done());
    }
    t.print(yield* inner, now());
  }, virtual);
});

both("shield_inner_cancel", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const inner = ensureFuture(worker("inner", 1, "x"));
      const s = shield(inner);
      yield* sleep(0.1);
      inner.cancel();
      try {
        yield* s;
      } catch (e) {
        t.print("shield raised", e, "cancelled:", s.cancelled(), now());
      }
      const s2 = shield(fail("f", 0.1));
      try {
        yield* s2;
      } catch (e) {
        t.print("shield raised", e);
      }
    }, virtual);
  }
  return run(async () => {
    now();
    const inner = ensureFuture(worker("inner", 1, "x"));
    const s = shield(inner);
    await sleep(0.1);
    inner.cancel();
    try {
      await s;
    } catch (e) {
      t.print("shield raised", e, "cancelled:", s.cancelled(), now());
    }
    const s2 = shield(fail("f", 0.1));
    try {
      await s2;
    } catch (e) {
      t.print("shield raised", e);
    }
  }, virtual);
});

both("shield_done", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const f = getRunningLoop().createFuture<number>();
      f.setResult(1);
      t.print(shield(f) === f);
      t.print(yield* shield(worker("coro", 0.1, "from a coroutine")));
    }, virtual);
  }
  return run(async () => {
    now();
    const f = getRunningLoop().createFuture<number>();
    f.setResult(1);
    t.print(shield(f) === f);
    t.print(await shield(worker("coro", 0.1, "from a coroutine")));
  }, virtual);
});

Deno.test("shield: the inner task's failure stays its own after the shield was cancelled", async () => {
  // As in CPython: cancelling the shield detaches it, so a later failure of
  // the inner task is reported as never retrieved unless someone awaits it.
  const reported: unknown[] = [];
  await run(function* () {
    getRunningLoop().setExceptionHandler((_loop, ctx) => reported.push(ctx.message));
    const inner = ensureFuture(function* (): Coro<never> {
      yield* sleep(1);
      throw new ValueError("late");
    });
    const s = shield(inner);
    yield* sleep(0.1);
    s.cancel();
    yield* sleep(2);
    assert(inner.done() && !inner.cancelled());
    assertThrows(() => shield(3 as never), TypeError, "shield(): expected an awaitable");
  }, virtual);
  assertEquals(reported, ["Task exception was never retrieved"]);
});

Deno.test("on the real clock, waitFor, timeout, asCompleted and taskGroup leave no timer behind", async () => {
  // Deno's sanitizers fail this test if a host timer or promise outlives it.
  const out = await run(function* () {
    const r: unknown[] = [];
    try {
      yield* waitFor(sleep(0.2), 0.01);
    } catch (e) {
      r.push((e as Error).name);
    }
    r.push(yield* waitFor(sleep(0.01, "in time"), 5));
    try {
      yield* timeout(0.01, function* () {
        yield* sleep(0.2);
      });
    } catch (e) {
      r.push((e as Error).name);
    }
    for (const f of asCompleted([sleep(0.01, "first")], { timeout: 5 })) r.push(yield* f);
    r.push(
      yield* taskGroup(function* (tg) {
        tg.createTask(sleep(0.01));
        return "group";
      }),
    );
    return r;
  });
  assertEquals(out, ["TimeoutError", "in time", "TimeoutError", "first", "group"]);
});

// --- a task cancelled after its gather's children failed -----------------------------

for (const style of ["generator", "async"] as const) {
  Deno.test(`a cancelled gather waiter retrieves the gather's exception (${style} style)`, async () => {
    const t = new Trace();
    const report = (_loop: unknown, ctx: { message?: string; exception?: unknown }) =>
      t.print("report:", ctx.message, ctx.exception);
    const fail = coroutine(function* (what: string): Coro<never> {
      throw new ValueError(what);
    });
    const waiterGen = function* (c1: Future<unknown>, c2: Future<unknown>) {
      yield* gather(c1, c2);
    };
    const waiterAsync = async (c1: Future<unknown>, c2: Future<unknown>) => {
      await gather(c1, c2);
    };
    await run(async () => {
      getRunningLoop().setExceptionHandler(report);
      const c1 = createTask(fail("first"));
      const c2 = createTask(fail("second"));
      const w = createTask(style === "generator" ? waiterGen(c1, c2) : () => waiterAsync(c1, c2));
      await sleep(0);
      t.print("cancel() ->", w.cancel());
      try {
        await w;
      } catch (e) {
        if (e instanceof CancelledError) t.print("waiter cancelled");
      }
      t.print("c1:", c1.exception(), "c2:", c2.exception());
    }, virtual);
    t.print("closed");
    assertEquals(t.lines, pythonTrace("cancel_races", "gather_cancel_after_children"));
  });
}

for (const style of ["generator", "async"] as const) {
  Deno.test(`wait(FIRST_EXCEPTION) retrieves the failure it stops for (${style} style)`, async () => {
    const t = new Trace();
    const fail = coroutine(function* (): Coro<never> {
      throw new ValueError("only wait() saw me");
    });
    const report = (_loop: unknown, ctx: { message?: string; exception?: unknown }) =>
      t.print("report:", ctx.message, ctx.exception);
    const main = style === "generator"
      ? function* () {
        getRunningLoop().setExceptionHandler(report);
        const slow = createTask(sleep(1));
        const [done, pending] = yield* wait([createTask(fail()), slow], {
          returnWhen: FIRST_EXCEPTION,
        });
        t.print(done.size, pending.size);
        yield* slow;
      }
      : async () => {
        getRunningLoop().setExceptionHandler(report);
        const slow = createTask(sleep(1));
        const [done, pending] = await wait([createTask(fail()), slow], {
          returnWhen: FIRST_EXCEPTION,
        });
        t.print(done.size, pending.size);
        await slow;
      };
    await run(main, virtual);
    t.print("closed");
    assertEquals(t.lines, pythonTrace("cancel_races", "wait_retrieves"));
  });
}
