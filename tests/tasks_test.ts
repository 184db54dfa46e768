import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  CancelledError,
  type Coro,
  coroutine,
  createTask,
  currentTask,
  eagerTaskFactory,
  type Future,
  gather,
  getRunningLoop,
  newEventLoop,
  run,
  RuntimeError,
  sleep,
  type Task,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";

const virtual = { clock: "virtual" } as const;

// --- scheduling order ---------------------------------------------------------

Deno.test("lazy start: main start, main end, 1, 1, 2, 2 (generator style)", async () => {
  const t = new Trace();
  const func = coroutine(function* func() {
    t.print(1);
    yield* sleep(2);
    t.print(2);
    return "返回值";
  });
  await run(function* () {
    t.print("main开始");
    const task1 = createTask(func());
    const task2 = createTask(func());
    t.print("main结束");
    const ret1 = yield* task1;
    const ret2 = yield* task2;
    t.print(ret1, ret2);
  }, virtual);
  assertEquals(t.lines, pythonTrace("scheduling", "lazy_start"));
});

Deno.test("lazy start: main start, main end, 1, 1, 2, 2 (async style)", async () => {
  const t = new Trace();
  const func = coroutine(async function func() {
    t.print(1);
    await sleep(2);
    t.print(2);
    return "返回值";
  });
  await run(async () => {
    t.print("main开始");
    const task1 = createTask(func());
    const task2 = createTask(func());
    t.print("main结束");
    const ret1 = await task1;
    const ret2 = await task2;
    t.print(ret1, ret2);
  }, virtual);
  assertEquals(t.lines, pythonTrace("scheduling", "lazy_start"));
});

Deno.test("a bare yield gives up exactly one loop iteration", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const tick = (i: number) => {
      t.print("iteration", i);
      if (i < 4) loop.callSoon(tick, i + 1);
    };
    function* yielder() {
      t.print("A0");
      yield;
      t.print("A1");
      yield* sleep(0); // the same thing
      t.print("A2");
    }
    loop.callSoon(tick, 0);
    yield* createTask(yielder());
    yield;
    yield;
  });
  assertEquals(t.lines, pythonTrace("scheduling", "one_yield"));
});

Deno.test("awaiting a finished future does not suspend", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const fut = getRunningLoop().createFuture<string>();
      fut.setResult("ready");
      const a = style === "generator"
        ? function* () {
          t.print("a before");
          const r = yield* fut;
          t.print("a after", r);
        }
        : async () => {
          t.print("a before");
          const r = await fut;
          t.print("a after", r);
        };
      const ta = createTask(a);
      const tb = createTask(function* () {
        t.print("b");
      });
      yield* ta;
      yield* tb;
    });
    assertEquals(t.lines, pythonTrace("scheduling", "done_future"), style);
  }
});

Deno.test("tasks interleave one step per iteration", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const worker = style === "generator"
      ? coroutine(function* (name: string, n: number) {
        for (let i = 0; i < n; i++) {
          t.print(name, i);
          yield* sleep(0);
        }
        return name;
      })
      : coroutine(async (name: string, n: number) => {
        for (let i = 0; i < n; i++) {
          t.print(name, i);
          await sleep(0);
        }
        return name;
      });
    await run(function* () {
      t.print(yield* gather(worker("x", 3), worker("y", 2), worker("z", 1)));
    });
    assertEquals(t.lines, pythonTrace("scheduling", "interleave"), style);
  }
});

Deno.test("done callbacks run through callSoon, in order, after what was scheduled before", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    for (const n of "abc") fut.addDoneCallback((f) => t.print("callback", n, f.result()));
    loop.callSoon(t.print, "scheduled before set_result");
    fut.setResult(42);
    loop.callSoon(t.print, "scheduled after set_result");
    yield* sleep(0);
    yield* sleep(0);
  });
  assertEquals(t.lines, pythonTrace("scheduling", "future_callbacks"));
});

// --- bad yields ---------------------------------------------------------------

Deno.test("a bad yield throws RuntimeError into the coroutine, which can catch it", async () => {
  const t = new Trace();
  const messages: string[] = [];
  await run(function* () {
    const badValue = function* (): Coro<string> {
      try {
        yield 42;
      } catch (e) {
        assertInstanceOf(e, RuntimeError);
        messages.push((e as Error).message);
        t.print("caught:", (e as Error).message.split(" (")[0]);
      }
      return "recovered";
    };
    t.print(yield* createTask(badValue()));
    const fut = getRunningLoop().createFuture();
    const badFuture = function* (): Coro<string> {
      try {
        yield fut; // should have been yield* fut
      } catch (e) {
        assertInstanceOf(e, RuntimeError);
        messages.push((e as Error).message);
        t.print(
          "caught:",
          (e as Error).message.split(" in task")[0].replace("yield*", "yield from"),
        );
      }
      return "recovered";
    };
    t.print(yield* createTask(badFuture()));
  });
  assertEquals(t.lines, pythonTrace("tasks", "bad_yields"));
  assertMatch(messages[0], /^Task got bad yield: 42 \(a number\); .*yield\*/);
  assertMatch(
    messages[1],
    /^yield was used instead of yield\* in task <Task .*> with <Future pending.*>: write "yield\* fut"/,
  );
});

Deno.test("bad yields of a generator, a promise and a string name what was yielded", async () => {
  const messages: string[] = [];
  await run(function* () {
    function* inner() {}
    const cases: unknown[] = [inner(), Promise.resolve(1), "text"];
    for (const value of cases) {
      yield* createTask(function* () {
        try {
          yield value;
        } catch (e) {
          messages.push((e as Error).message);
        }
      });
    }
  });
  assertMatch(
    messages[0],
    /^yield was used instead of yield\* for a generator .*"yield\* coro\(\)"/,
  );
  assertMatch(messages[1], /^Task got bad yield: a Promise; .*"yield\* wrap\(promise\)"/);
  assertMatch(messages[2], /^Task got bad yield: 'text' \(a string\)/);
});

Deno.test("after a bad yield the loop runs the next task normally", async () => {
  const out = await run(function* () {
    const bad = createTask(function* () {
      yield 1; // not caught: the task fails with RuntimeError
    });
    const good = createTask(sleep(0, "next task ran"));
    try {
      yield* bad;
    } catch (e) {
      assertInstanceOf(e, RuntimeError);
    }
    return yield* good;
  });
  assertEquals(out, "next task ran");
});

// --- deep chains --------------------------------------------------------------

Deno.test("return values and exceptions pass through deep yield* chains", async () => {
  const t = new Trace();
  function* deep(n: number): Coro<number> {
    if (n === 0) {
      yield;
      return 0;
    }
    try {
      return n + (yield* deep(n - 1));
    } finally {
      if (n % 10 === 0) t.print("finally", n);
    }
  }
  function* deepFail(n: number): Coro<number> {
    if (n === 0) {
      yield;
      throw new RangeError("from the bottom");
    }
    try {
      return yield* deepFail(n - 1);
    } finally {
      if (n % 25 === 0) t.print("unwinding", n);
    }
  }
  await run(function* () {
    t.print("sum", yield* deep(50));
    try {
      yield* deepFail(50);
    } catch (e) {
      t.print("caught", `ValueError('${(e as Error).message}')`);
    }
  });
  assertEquals(t.lines, pythonTrace("tasks", "deep_chains"));
});

Deno.test("return values and exceptions pass through deep await chains (async style)", async () => {
  const t = new Trace();
  const deep: (n: number) => PromiseLike<number> = coroutine(async (n: number): Promise<number> => {
    if (n === 0) {
      await sleep(0);
      return 0;
    }
    try {
      return n + await deep(n - 1);
    } finally {
      if (n % 10 === 0) t.print("finally", n);
    }
  });
  const deepFail: (n: number) => PromiseLike<number> = coroutine(
    async (n: number): Promise<number> => {
      if (n === 0) {
        await sleep(0);
        throw new RangeError("from the bottom");
      }
      try {
        return await deepFail(n - 1);
      } finally {
        if (n % 25 === 0) t.print("unwinding", n);
      }
    },
  );
  await run(async () => {
    t.print("sum", await deep(50));
    try {
      await deepFail(50);
    } catch (e) {
      t.print("caught", `ValueError('${(e as Error).message}')`);
    }
  });
  assertEquals(t.lines, pythonTrace("tasks", "deep_chains"));
});

// --- cancellation -------------------------------------------------------------

function cancelAtSuspension(style: "generator" | "async") {
  return async () => {
    const t = new Trace();
    const sleeper = style === "generator"
      ? coroutine(function* () {
        try {
          t.print("sleeping");
          yield* sleep(10);
        } catch (e) {
          t.print("sleeper cancelled:", e);
          throw e;
        } finally {
          t.print("sleeper finally");
        }
      })
      : coroutine(async () => {
        try {
          t.print("sleeping");
          await sleep(10);
        } catch (e) {
          t.print("sleeper cancelled:", e);
          throw e;
        } finally {
          t.print("sleeper finally");
        }
      });
    await run(function* () {
      const task = createTask(sleeper());
      yield* sleep(1);
      t.print("cancel() ->", task.cancel("stop now"), "cancelling:", task.cancelling());
      try {
        yield* task;
      } catch (e) {
        t.print("awaiting it raised:", e);
      }
      t.print("cancelled:", task.cancelled(), "cancel() again ->", task.cancel());
    }, virtual);
    assertEquals(t.lines, pythonTrace("tasks", "cancel_at_suspension"));
  };
}
Deno.test(
  "cancel(msg) throws CancelledError at the suspension point (generator)",
  cancelAtSuspension("generator"),
);
Deno.test(
  "cancel(msg) throws CancelledError at the suspension point (async)",
  cancelAtSuspension("async"),
);

Deno.test("a task cancelled before its first step never runs its body", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const body = style === "generator"
        ? coroutine(function* () {
          t.print("body ran (it should not)");
        })
        : coroutine(async () => {
          t.print("body ran (it should not)");
        });
      const task = createTask(body());
      task.cancel();
      t.print("done right after cancel:", task.done());
      yield* sleep(0);
      t.print("done after one iteration:", task.done(), "cancelled:", task.cancelled());
    });
    assertEquals(t.lines, pythonTrace("tasks", "cancel_before_start"), style);
  }
});

Deno.test("a task may catch CancelledError and go on", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const stubborn = style === "generator"
      ? coroutine(function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.print("caught the cancellation, going on");
        }
        yield* sleep(1);
        return "finished anyway";
      })
      : coroutine(async () => {
        try {
          await sleep(10);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.print("caught the cancellation, going on");
        }
        await sleep(1);
        return "finished anyway";
      });
    await run(function* () {
      const task = createTask(stubborn());
      yield* sleep(0);
      task.cancel();
      t.print(
        "result:",
        yield* task,
        "cancelled:",
        task.cancelled(),
        "cancelling:",
        task.cancelling(),
      );
      t.print("uncancel ->", task.uncancel(), "uncancel ->", task.uncancel());
    }, virtual);
    assertEquals(t.lines, pythonTrace("tasks", "refuse_cancel"), style);
  }
});

Deno.test("cancelling a task that awaits another task cancels the inner one", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const inner = style === "generator"
        ? coroutine(function* () {
          try {
            yield* sleep(10);
          } finally {
            t.print("inner finally");
          }
        })
        : coroutine(async () => {
          try {
            await sleep(10);
          } finally {
            t.print("inner finally");
          }
        });
      const outer = style === "generator"
        ? coroutine(function* (innerTask: Task<void>) {
          try {
            yield* innerTask;
          } finally {
            t.print("outer finally");
          }
        })
        : coroutine(async (innerTask: Task<void>) => {
          try {
            await innerTask;
          } finally {
            t.print("outer finally");
          }
        });
      const it = createTask(inner());
      const ot = createTask(outer(it));
      yield* sleep(0);
      ot.cancel();
      yield* sleep(0);
      t.print("inner cancelled:", it.cancelled(), "outer cancelled:", ot.cancelled());
      try {
        yield* ot;
      } catch (e) {
        assertInstanceOf(e, CancelledError);
      }
    }, virtual);
    assertEquals(t.lines, pythonTrace("tasks", "cancel_inner"), style);
  }
});

Deno.test("repeated cancellations: cancelling() counts them", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const body = style === "generator"
      ? coroutine(function* () {
        for (let i = 0; i < 3; i++) {
          try {
            yield* sleep(10);
          } catch (e) {
            t.print("caught", i, e, "cancelling:", currentTask()!.cancelling());
          }
        }
        return "done";
      })
      : coroutine(async () => {
        for (let i = 0; i < 3; i++) {
          try {
            await sleep(10);
          } catch (e) {
            t.print("caught", i, e, "cancelling:", currentTask()!.cancelling());
          }
        }
        return "done";
      });
    await run(function* () {
      const task = createTask(body());
      for (let i = 0; i < 3; i++) {
        yield* sleep(0);
        task.cancel(`msg${i}`);
      }
      t.print(yield* task);
    }, virtual);
    assertEquals(t.lines, pythonTrace("tasks", "cancel_twice"), style);
  }
});

Deno.test("currentTask(): the task, null in a callback, RuntimeError without a loop", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const main = style === "generator"
      ? function* () {
        const me = currentTask()!;
        t.print("in main:", me.getName().replace(/\d+/, "N"));
        getRunningLoop().callSoon(() => t.print("in a callback:", currentTask()));
        yield* createTask(function* () {
          t.print("in child:", currentTask()!.getName());
        }, { name: "kid" });
      }
      : async () => {
        const me = currentTask()!;
        t.print("in main:", me.getName().replace(/\d+/, "N"));
        getRunningLoop().callSoon(() => t.print("in a callback:", currentTask()));
        await createTask(async () => {
          t.print("in child:", currentTask()!.getName());
        }, { name: "kid" });
      };
    await run(main);
    const e = assertThrows(() => currentTask(), RuntimeError);
    t.print("outside:", e.message);
    assertEquals(t.lines, pythonTrace("tasks", "current_task"), style);
  }
});

Deno.test("currentTask() inside a coroutine awaited from async code is the awaiting task", async () => {
  const names: string[] = [];
  const inner = coroutine(function* () {
    names.push(currentTask()!.getName());
    yield* sleep(0);
    names.push(currentTask()!.getName());
  });
  await run(async () => {
    currentTask()!.setName("outer");
    await inner();
    names.push(currentTask()!.getName());
  });
  assertEquals(names, ["outer", "outer", "outer"]);
});

Deno.test("a task's exception is its result; awaiting it throws", async () => {
  const t = new Trace();
  await run(function* () {
    const fail = coroutine(function* () {
      throw new Error("boom");
    });
    const t1 = createTask(fail());
    yield* sleep(0);
    t.print(t1.done(), `ValueError('${(t1.exception() as Error).message}')`);
    const t2 = createTask(fail());
    try {
      yield* t2;
    } catch (e) {
      t.print("awaited:", `ValueError('${(e as Error).message}')`);
    }
  });
  assertEquals(t.lines, pythonTrace("tasks", "task_exception"));
});

Deno.test("Task exception was never retrieved: reported once, at the latest at close", async () => {
  const contexts: Record<string, unknown>[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
    createTask(function* failing() {
      throw new Error("nobody looks");
    }, { name: "lost" });
    const seen = createTask(function* () {
      throw new Error("looked at");
    });
    yield* sleep(0);
    yield* sleep(0);
    assert(seen.exception() instanceof Error);
  });
  assertEquals(contexts.length, 1);
  assertEquals(contexts[0].message, "Task exception was never retrieved");
  assertEquals((contexts[0].exception as Error).message, "nobody looks");
  assertMatch(
    String(contexts[0].future),
    /^<Task finished name='lost' coro=<failing\(\) done> exception=Error\('nobody looks'\)>$/,
  );
});

Deno.test("task names, repr, getCoro, getStack", async () => {
  await run(function* () {
    const f = coroutine(function* worker() {
      yield* sleep(1);
      return 7;
    });
    const coro = f();
    const task = createTask(coro, { name: "w1" });
    assertEquals(task.getCoro(), coro);
    assertEquals(task.getName(), "w1");
    task.setName("w2");
    assertMatch(
      String(task),
      /^<Task pending name='w2' coro=<worker\(\) running, defined at .*tasks_test\.ts:\d+>>$/,
    );
    yield* sleep(0);
    assertMatch(
      String(task),
      /^<Task pending name='w2' coro=<worker\(\) running, .*> wait_for=<Future pending cb=\[Task\.wakeup\(\)\]>>$/,
    );
    const stack = task.getStack();
    assertMatch(stack[0], /^worker\(\) defined at /);
    assertMatch(stack[1], /^waiting for <Future pending/);
    assertEquals(yield* task, 7);
    assertMatch(String(task), /^<Task finished name='w2' coro=<worker\(\) done, .*> result=7>$/);
    const unnamed = createTask(sleep(0));
    assertMatch(unnamed.getName(), /^Task-\d+$/);
    yield* unnamed;
  }, virtual);
});

Deno.test("Task.setResult/setException are refused", async () => {
  await run(function* () {
    const task = createTask(sleep(0));
    assertThrows(
      () => task.setResult(undefined),
      RuntimeError,
      "Task does not support setResult()",
    );
    assertThrows(() => task.setException(new Error()), RuntimeError, "setException()");
    yield* task;
  });
});

Deno.test("a task awaiting itself gets RuntimeError", async () => {
  await run(function* () {
    const me: Task<unknown> = createTask(function* () {
      try {
        yield* me;
      } catch (e) {
        return (e as Error).message;
      }
    });
    assertMatch(String(yield* me), /^Task cannot await on itself/);
  });
});

Deno.test("eagerTaskFactory runs the first step inside createTask", async () => {
  // Python 3.12: tests/python/eager.py
  const t = new Trace();
  await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const quick = createTask(function* () {
      t.print("quick runs");
      return "quick result";
    });
    t.print("after create quick:", quick.done());
    const slow = createTask(function* () {
      t.print("slow starts");
      yield* sleep(0);
      t.print("slow ends");
    });
    t.print("after create slow:", slow.done());
    t.print(yield* quick);
    yield* slow;
  });
  assertEquals(t.lines, pythonTrace("eager", "eager"));
});

Deno.test("a future's `yield*` protocol: the future yields itself, then returns", () => {
  const loop = newEventLoop();
  const fut = loop.createFuture<number>();
  const it = fut[Symbol.iterator]();
  const first = it.next();
  assertEquals(first.done, false);
  assertEquals(first.value, fut);
  fut.setResult(3);
  const second = it.next();
  assertEquals(second.done, true);
  assertEquals(second.value, 3);
  loop.close();
});

Deno.test("a task whose result is itself has a finite repr (reprlib.recursive_repr)", async () => {
  const [task] = await run(function* () {
    const t = currentTask()!;
    t.setName("self");
    const inner = createTask(function* () {
      return currentTask();
    });
    yield* inner;
    return [inner];
  });
  assertMatch(String(task), /^<Task finished name='Task-\d+' coro=<.*> result=\.\.\.>$/);
});

Deno.test("a promise cannot carry a Task, Future or coroutine: a clear TypeError, no hang", async () => {
  // A promise adopts thenables: run() resolving with a task would await it
  // (forever, when the task's result is itself).
  const err = await assertRejects(() =>
    run(function* () {
      return currentTask();
    }), TypeError);
  assertMatch(
    err.message,
    /^runUntilComplete\(\): the result is <Task .*>, which a promise cannot carry/,
  );
  const err2 = await assertRejects(() =>
    run(async () => {
      const fut = getRunningLoop().createFuture<unknown>();
      fut.setResult(sleep(0));
      return [await fut];
    }), TypeError);
  assertMatch(err2.message, /^await: the result is a generator object|^await: the result is/);
  // A host promise as a result is adopted, as JavaScript does.
  assertEquals(
    await run(async () => {
      const fut = getRunningLoop().createFuture<unknown>();
      fut.setResult(Promise.resolve("adopted"));
      return await fut;
    }),
    "adopted",
  );
});

Deno.test("a task from a generator function: its body starts on the first step, and a failing default parameter fails the task, not createTask()", async () => {
  const order: string[] = [];
  await run(function* () {
    const t = createTask(function* named() {
      order.push("body");
      yield* sleep(0);
      return currentTask()!.getCoro();
    });
    order.push("created");
    assertMatch(String(t), /coro=<named\(\)/);
    yield* t;
    const bad = createTask(function* (x: number = JSON.parse("{")) {
      order.push("never");
      return x;
    });
    const err = yield* (function* () {
      try {
        yield* bad;
      } catch (e) {
        return e;
      }
    })();
    assertInstanceOf(err, SyntaxError);
  });
  assertEquals(order, ["created", "body"]);
});

// --- a cancel() that arrives after the awaited future is done -------------------

function cancelAfterDone(
  t: Trace,
  outcome: "result" | "exception",
  style: "gen" | "async",
  eager: boolean,
) {
  const setUp = () => {
    const loop = getRunningLoop();
    if (eager) loop.setTaskFactory(eagerTaskFactory);
    return loop.createFuture<number>();
  };
  const settle = (f: Future<number>) => {
    if (outcome === "result") f.setResult(1);
    else f.setException(new ValueError("boom"));
  };
  const caught = (e: unknown) => {
    if (e instanceof CancelledError) t.print("body: CancelledError at the await");
    return e;
  };
  if (style === "gen") {
    return run(function* () {
      const f = setUp();
      const task = createTask(function* () {
        try {
          t.print("body got", yield* f);
        } catch (e) {
          throw caught(e);
        }
      });
      yield* sleep(0);
      settle(f);
      t.print("cancel() ->", task.cancel());
      yield* gather([task], { returnExceptions: true });
      t.print("cancelled:", task.cancelled());
    }, virtual);
  }
  return run(async () => {
    const f = setUp();
    const task = createTask(async () => {
      try {
        t.print("body got", await f);
      } catch (e) {
        throw caught(e);
      }
    });
    await sleep(0);
    settle(f);
    t.print("cancel() ->", task.cancel());
    await gather([task], { returnExceptions: true });
    t.print("cancelled:", task.cancelled());
  }, virtual);
}

for (const style of ["gen", "async"] as const) {
  for (const eager of [false, true]) {
    const how = `${style === "gen" ? "generator" : "async"} style${eager ? ", eager tasks" : ""}`;
    Deno.test(`cancel() after the awaited future is done is thrown in at the await (${how})`, async () => {
      const t = new Trace();
      await cancelAfterDone(t, "result", style, eager);
      await cancelAfterDone(t, "exception", style, eager);
      assertEquals(t.lines, pythonTrace("cancel_races", "cancel_after_result"));
    });
  }
}

// --- a cancel request made before an await that does not suspend -------------------

Deno.test("a task that cancels itself: a coroutine that never suspends is not interrupted; an awaited future is cancelled (async style)", async () => {
  const t = new Trace();
  const noop = coroutine(async () => "x");
  const body = coroutine(async (f: Future<unknown>) => {
    currentTask()!.cancel();
    t.print("await noop():", await noop());
    try {
      await f;
    } catch (e) {
      if (e instanceof CancelledError) t.print("CancelledError at await f");
      throw e;
    }
  });
  await run(async () => {
    const f = getRunningLoop().createFuture();
    const task = createTask(body(f));
    await gather([task], { returnExceptions: true });
    t.print("task cancelled:", task.cancelled(), "future cancelled:", f.cancelled());
  }, virtual);
  assertEquals(t.lines, pythonTrace("cancel_races", "early_cancel"));
});

Deno.test("a task that cancels itself: the same in generator style", async () => {
  const t = new Trace();
  const noop = coroutine(function* () {
    return "x";
  });
  const body = coroutine(function* (f: Future<unknown>) {
    currentTask()!.cancel();
    t.print("await noop():", yield* noop());
    try {
      yield* f;
    } catch (e) {
      if (e instanceof CancelledError) t.print("CancelledError at await f");
      throw e;
    }
  });
  await run(function* () {
    const f = getRunningLoop().createFuture();
    const task = createTask(body(f));
    yield* gather([task], { returnExceptions: true });
    t.print("task cancelled:", task.cancelled(), "future cancelled:", f.cancelled());
  }, virtual);
  assertEquals(t.lines, pythonTrace("cancel_races", "early_cancel"));
});

for (const inner of ["async", "generator"] as const) {
  Deno.test(`uncancel() to 0 inside an awaited ${inner} coroutine drops the request (3.13)`, async () => {
    const t = new Trace();
    const cancelThenUncancel = () => {
      currentTask()!.cancel();
      t.print("uncancel ->", currentTask()!.uncancel());
    };
    const innerCoro = inner === "async"
      ? coroutine(async () => cancelThenUncancel())
      : coroutine(function* () {
        cancelThenUncancel();
      });
    const body = coroutine(async () => {
      await innerCoro();
      await sleep(0);
      t.print("not cancelled");
    });
    await run(async () => {
      const task = createTask(body());
      await gather([task], { returnExceptions: true });
      t.print("task cancelled:", task.cancelled());
    }, virtual);
    assertEquals(t.lines, pythonTrace("cancel_races_313", "uncancel_nested"));
  });
}
