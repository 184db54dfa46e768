/**
 * TaskGroup and taskGroup: each test replays a program of
 * tests/python/task_groups.py (3.11–3.13 agree) or task_groups_313.py (the
 * rules 3.13 fixed, which we follow), in both coroutine styles.
 */
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  allTasks,
  asyncWith,
  CancelledError,
  coroutine,
  createTask,
  currentTask,
  eagerTaskFactory,
  ExceptionGroup,
  getRunningLoop,
  run,
  RuntimeError,
  sleep,
  type Task,
  TaskGroup,
  taskGroup,
  timeout,
  TimeoutError,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { makeClock, type Style, STYLES, virtual, workers } from "./_structured.ts";

function both(
  file: string,
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
): void {
  for (const style of STYLES) {
    Deno.test(`${section.replaceAll("_", " ")} (${style})`, async () => {
      const t = new Trace();
      await program(t, makeClock(), style);
      assertEquals(t.lines, pythonTrace(file, section));
    });
  }
}

const cancelling = () => currentTask()!.cancelling();

function report(t: Trace, now: () => string, eg: unknown): void {
  assertInstanceOf(eg, ExceptionGroup);
  t.print(
    "ExceptionGroup:",
    (eg as ExceptionGroup).message,
    (eg as ExceptionGroup).exceptions,
    now(),
  );
}

/** Our messages add a hint after "; " to Python's. */
function pyMessage(e: unknown): string {
  assertInstanceOf(e, RuntimeError);
  return (e as Error).message.split(";")[0];
}

// --- task_groups.py -------------------------------------------------------------

both("task_groups", "tg_basic", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const tg = new TaskGroup();
      const [t1, t2] = yield* asyncWith(tg, function* (tg) {
        const t1 = tg.createTask(worker("a", 0.2, "A"));
        const t2 = tg.createTask(worker("b", 0.1, "B"), { name: "bee" });
        t.print("body done", now(), tg);
        return [t1, t2];
      });
      t.print("group done", now(), t1.result(), t2.result(), t2.getName(), tg);
    }, virtual);
  }
  return run(async () => {
    now();
    const tg = new TaskGroup();
    const [t1, t2] = await asyncWith(tg, async (tg) => {
      const t1 = tg.createTask(worker("a", 0.2, "A"));
      const t2 = tg.createTask(worker("b", 0.1, "B"), { name: "bee" });
      t.print("body done", now(), tg);
      return [t1, t2];
    });
    t.print("group done", now(), t1.result(), t2.result(), t2.getName(), tg);
  }, virtual);
});

Deno.test("taskGroup(body) gives the same trace and returns the body's result", async () => {
  for (const style of STYLES) {
    const t = new Trace();
    const now = makeClock();
    const { worker } = workers(t, now, style);
    let group: TaskGroup | null = null;
    const body = style === "generator"
      ? function* (tg: TaskGroup) {
        group = tg;
        const t1 = tg.createTask(worker("a", 0.2, "A"));
        const t2 = tg.createTask(worker("b", 0.1, "B"), { name: "bee" });
        t.print("body done", now(), tg);
        return [t1, t2] as const;
      }
      : async (tg: TaskGroup) => {
        group = tg;
        const t1 = tg.createTask(worker("a", 0.2, "A"));
        const t2 = tg.createTask(worker("b", 0.1, "B"), { name: "bee" });
        t.print("body done", now(), tg);
        return [t1, t2] as const;
      };
    await run(function* () {
      now();
      const [t1, t2] = yield* taskGroup(body);
      t.print("group done", now(), t1.result(), t2.result(), t2.getName(), group);
    }, virtual);
    assertEquals(t.lines, pythonTrace("task_groups", "tg_basic"), style);
  }
});

both("task_groups", "tg_failure", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(worker("sibling", 1, "s"));
          tg.createTask(fail("f", 0.1));
          try {
            yield* sleep(10);
          } catch (e) {
            t.print("body cancelled", e, now(), tg);
            throw e;
          }
        });
      } catch (eg) {
        report(t, now, eg);
      }
      t.print("cancelling:", cancelling());
      yield* sleep(0.1);
      t.print("the parent goes on", now());
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await taskGroup(async (tg) => {
        tg.createTask(worker("sibling", 1, "s"));
        tg.createTask(fail("f", 0.1));
        try {
          await sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), tg);
          throw e;
        }
      });
    } catch (eg) {
      report(t, now, eg);
    }
    t.print("cancelling:", cancelling());
    await sleep(0.1);
    t.print("the parent goes on", now());
  }, virtual);
});

both("task_groups", "tg_multiple_failures", (t, now, style) => {
  const { fail } = workers(t, now, style);
  const grumpy = style === "generator"
    ? coroutine(function* grumpy() {
      try {
        yield* sleep(1);
      } catch {
        t.print("grumpy fails while cancelled");
        throw new TypeError("grumpy");
      }
    })
    : coroutine(async function grumpy() {
      try {
        await sleep(1);
      } catch {
        t.print("grumpy fails while cancelled");
        throw new TypeError("grumpy");
      }
    });
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(fail("f1", 0.1));
          tg.createTask(fail("f2", 0.1));
          tg.createTask(grumpy());
        });
      } catch (eg) {
        report(t, now, eg);
      }
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await taskGroup(async (tg) => {
        tg.createTask(fail("f1", 0.1));
        tg.createTask(fail("f2", 0.1));
        tg.createTask(grumpy());
      });
    } catch (eg) {
      report(t, now, eg);
    }
  }, virtual);
});

both("task_groups", "tg_body_error", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(worker("child", 1, "c"));
          yield* sleep(0.05);
          throw new ValueError("body");
        });
      } catch (eg) {
        report(t, now, eg);
      }
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(fail("f", 0.1));
          try {
            yield* sleep(1);
          } catch {
            throw new TypeError("body failed while cancelled");
          }
        });
      } catch (eg) {
        report(t, now, eg);
      }
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await taskGroup(async (tg) => {
        tg.createTask(worker("child", 1, "c"));
        await sleep(0.05);
        throw new ValueError("body");
      });
    } catch (eg) {
      report(t, now, eg);
    }
    try {
      await taskGroup(async (tg) => {
        tg.createTask(fail("f", 0.1));
        try {
          await sleep(1);
        } catch {
          throw new TypeError("body failed while cancelled");
        }
      });
    } catch (eg) {
      report(t, now, eg);
    }
  }, virtual);
});

both("task_groups", "tg_outside_cancel", (t, now, style) => {
  const { worker } = workers(t, now, style);
  const runner = style === "generator"
    ? coroutine(function* runner(bodyWaits: boolean) {
      yield* taskGroup(function* (tg) {
        tg.createTask(worker("a", 1, "a"));
        tg.createTask(sleep(2));
        if (bodyWaits) {
          try {
            yield* sleep(10);
          } catch (e) {
            t.print("body cancelled", e, now());
            throw e;
          }
        }
      });
    })
    : coroutine(async function runner(bodyWaits: boolean) {
      await taskGroup(async (tg) => {
        tg.createTask(worker("a", 1, "a"));
        tg.createTask(sleep(2));
        if (bodyWaits) {
          try {
            await sleep(10);
          } catch (e) {
            t.print("body cancelled", e, now());
            throw e;
          }
        }
      });
    });
  return run(function* () {
    now();
    for (const bodyWaits of [true, false]) {
      const task = createTask(runner(bodyWaits));
      yield* sleep(0.1);
      task.cancel("outside");
      try {
        yield* task;
      } catch (e) {
        assertInstanceOf(e, CancelledError);
        t.print("runner raised", e, task.cancelled(), now());
      }
    }
  }, virtual);
});

both("task_groups", "tg_nested", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    const innerGroup = coroutine(function* innerGroup() {
      yield* taskGroup(function* (inner) {
        inner.createTask(fail("deep", 0.1));
      });
    });
    return run(function* () {
      now();
      try {
        yield* taskGroup(function* (outer) {
          outer.createTask(worker("outer child", 1, "o"));
          yield* taskGroup(function* (inner) {
            inner.createTask(fail("inner fail", 0.1));
            inner.createTask(worker("inner child", 1, "i"));
          });
          t.print("not reached");
        });
      } catch (eg) {
        t.print(eg, now());
      }
      try {
        yield* taskGroup(function* (outer) {
          outer.createTask(innerGroup());
          outer.createTask(worker("sibling", 1, "s"));
        });
      } catch (eg) {
        t.print(eg, now());
      }
    }, virtual);
  }
  const innerGroup = coroutine(async function innerGroup() {
    await taskGroup(async (inner) => {
      inner.createTask(fail("deep", 0.1));
    });
  });
  return run(async () => {
    now();
    try {
      await taskGroup(async (outer) => {
        outer.createTask(worker("outer child", 1, "o"));
        await taskGroup(async (inner) => {
          inner.createTask(fail("inner fail", 0.1));
          inner.createTask(worker("inner child", 1, "i"));
        });
        t.print("not reached");
      });
    } catch (eg) {
      t.print(eg, now());
    }
    try {
      await taskGroup(async (outer) => {
        outer.createTask(innerGroup());
        outer.createTask(worker("sibling", 1, "s"));
      });
    } catch (eg) {
      t.print(eg, now());
    }
  }, virtual);
});

both("task_groups_3_11_7", "tg_errors", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  const tryCreate = (tg: TaskGroup) => {
    try {
      tg.createTask(worker("never", 0.1, "x"));
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
  };
  if (style === "generator") {
    return run(function* () {
      now();
      const tg = new TaskGroup();
      yield* asyncWith(tg, function* () {});
      tryCreate(tg);
      tryCreate(new TaskGroup());
      try {
        yield* asyncWith(tg, function* () {});
      } catch (e) {
        t.print("RuntimeError", pyMessage(e));
      }
      try {
        yield* taskGroup(function* (tg3) {
          tg3.createTask(fail("f", 0.1));
          try {
            yield* sleep(1);
          } catch (e) {
            tryCreate(tg3);
            throw e;
          }
        });
      } catch (eg) {
        report(t, now, eg);
      }
    }, virtual);
  }
  return run(async () => {
    now();
    const tg = new TaskGroup();
    await asyncWith(tg, async () => {});
    tryCreate(tg);
    tryCreate(new TaskGroup());
    try {
      await asyncWith(tg, async () => {});
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
    try {
      await taskGroup(async (tg3) => {
        tg3.createTask(fail("f", 0.1));
        try {
          await sleep(1);
        } catch (e) {
          tryCreate(tg3);
          throw e;
        }
      });
    } catch (eg) {
      report(t, now, eg);
    }
  }, virtual);
});

both("task_groups", "tg_child_cancelled", (t, now, style) => {
  const { worker } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      const [t1, t2] = yield* taskGroup(function* (tg) {
        const t1 = tg.createTask(worker("victim", 1, "v"));
        const t2 = tg.createTask(worker("other", 0.5, "o"));
        yield* sleep(0.1);
        t1.cancel("alone");
        return [t1, t2];
      });
      t.print("no error", now(), t1.cancelled(), t2.result());
    }, virtual);
  }
  return run(async () => {
    now();
    const [t1, t2] = await taskGroup(async (tg) => {
      const t1 = tg.createTask(worker("victim", 1, "v"));
      const t2 = tg.createTask(worker("other", 0.5, "o"));
      await sleep(0.1);
      t1.cancel("alone");
      return [t1, t2];
    });
    t.print("no error", now(), t1.cancelled(), t2.result());
  }, virtual);
});

both("task_groups", "tg_in_timeout", (t, now, style) => {
  const { worker, fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* timeout(0.5, function* () {
          yield* taskGroup(function* (tg) {
            tg.createTask(worker("a", 1, "a"));
            tg.createTask(sleep(2));
          });
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("TimeoutError", now(), "cancelling:", cancelling());
      }
      try {
        yield* timeout(0.5, function* () {
          yield* taskGroup(function* (tg) {
            tg.createTask(fail("f", 0.1));
            yield* sleep(1);
          });
        });
      } catch (e) {
        if (e instanceof TimeoutError) t.print("TimeoutError (wrong)");
        else report(t, now, e);
      }
      t.print("cancelling:", cancelling());
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await timeout(0.5, async () => {
        await taskGroup(async (tg) => {
          tg.createTask(worker("a", 1, "a"));
          tg.createTask(sleep(2));
        });
      });
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("TimeoutError", now(), "cancelling:", cancelling());
    }
    try {
      await timeout(0.5, async () => {
        await taskGroup(async (tg) => {
          tg.createTask(fail("f", 0.1));
          await sleep(1);
        });
      });
    } catch (e) {
      if (e instanceof TimeoutError) t.print("TimeoutError (wrong)");
      else report(t, now, e);
    }
    t.print("cancelling:", cancelling());
  }, virtual);
});

both("task_groups", "tg_tasks", (t, _now, style) => {
  if (style === "generator") {
    return run(function* () {
      const before = allTasks().size;
      yield* taskGroup(function* (tg) {
        for (let i = 0; i < 3; i++) tg.createTask(sleep(0.1 * i));
        t.print("during:", allTasks().size);
      });
      t.print("before:", before, "after:", allTasks().size);
    }, virtual);
  }
  return run(async () => {
    const before = allTasks().size;
    await taskGroup(async (tg) => {
      for (let i = 0; i < 3; i++) tg.createTask(sleep(0.1 * i));
      t.print("during:", allTasks().size);
    });
    t.print("before:", before, "after:", allTasks().size);
  }, virtual);
});

// --- task_groups_313.py ---------------------------------------------------------

both("task_groups_313", "tg_failure_during_exit", (t, now, style) => {
  const { fail } = workers(t, now, style);
  if (style === "generator") {
    return run(function* () {
      now();
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(fail("f", 0.1));
          tg.createTask(sleep(1));
        });
      } catch (eg) {
        t.print("ExceptionGroup:", (eg as ExceptionGroup).exceptions, now());
      }
      t.print("cancelling:", cancelling());
      yield* sleep(0.1);
      t.print("the parent goes on", now());
    }, virtual);
  }
  return run(async () => {
    now();
    try {
      await taskGroup(async (tg) => {
        tg.createTask(fail("f", 0.1));
        tg.createTask(sleep(1));
      });
    } catch (eg) {
      t.print("ExceptionGroup:", (eg as ExceptionGroup).exceptions, now());
    }
    t.print("cancelling:", cancelling());
    await sleep(0.1);
    t.print("the parent goes on", now());
  }, virtual);
});

both("task_groups_313", "tg_outside_cancel_with_errors", (t, now, style) => {
  const grumpy = style === "generator"
    ? coroutine(function* grumpy() {
      try {
        yield* sleep(1);
      } catch {
        throw new ValueError("failed while cancelled");
      }
    })
    : coroutine(async function grumpy() {
      try {
        await sleep(1);
      } catch {
        throw new ValueError("failed while cancelled");
      }
    });
  const runner = style === "generator"
    ? coroutine(function* runner() {
      try {
        yield* taskGroup(function* (tg) {
          tg.createTask(grumpy());
          yield* sleep(10);
        });
      } catch (eg) {
        t.print(
          "ExceptionGroup:",
          (eg as ExceptionGroup).exceptions,
          now(),
          "cancelling:",
          cancelling(),
        );
      }
      try {
        yield* sleep(1);
        t.print("the outside cancellation was lost");
      } catch (e) {
        t.print("the outside cancellation arrives", e, now());
        throw e;
      }
    })
    : coroutine(async function runner() {
      try {
        await taskGroup(async (tg) => {
          tg.createTask(grumpy());
          await sleep(10);
        });
      } catch (eg) {
        t.print(
          "ExceptionGroup:",
          (eg as ExceptionGroup).exceptions,
          now(),
          "cancelling:",
          cancelling(),
        );
      }
      try {
        await sleep(1);
        t.print("the outside cancellation was lost");
      } catch (e) {
        t.print("the outside cancellation arrives", e, now());
        throw e;
      }
    });
  return run(function* () {
    now();
    const task = createTask(runner());
    yield* sleep(0.1);
    task.cancel("outside");
    try {
      yield* task;
    } catch {
      t.print("runner cancelled:", task.cancelled());
    }
  }, virtual);
});

// Generator style only: an async function always settles through a promise,
// so an async-style coroutine never finishes inside createTask(), even with
// eagerTaskFactory. The async-style test below shows what happens instead.
Deno.test("tg eager (generator)", async () => {
  const t = new Trace();
  const now = makeClock();
  const quick = coroutine(function* quick() {
    t.print("quick runs inside create_task");
    return "q";
  });
  const quickFail = coroutine(function* quickFail(): Generator<unknown, never> {
    t.print("quick_fail runs inside create_task");
    throw new ValueError("eager");
  });
  await run(function* () {
    now();
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const task = yield* taskGroup(function* (tg) {
      const task = tg.createTask(quick());
      t.print(tg, task.done());
      return task;
    });
    t.print(task.result());
    try {
      yield* taskGroup(function* (tg) {
        tg.createTask(quickFail());
        t.print(tg, "cancelling:", cancelling());
        yield* sleep(1);
        t.print("not reached");
      });
    } catch (eg) {
      t.print(
        "ExceptionGroup:",
        (eg as ExceptionGroup).exceptions,
        now(),
        "cancelling:",
        cancelling(),
      );
    }
  }, virtual);
  assertEquals(t.lines, pythonTrace("task_groups_313", "tg_eager"));
});

Deno.test("tg eager (async): an async body starts eagerly but finishes through the loop", async () => {
  const t = new Trace();
  const now = makeClock();
  const quick = coroutine(async function quick() {
    t.print("quick runs inside create_task");
    return "q";
  });
  const quickFail = coroutine(async function quickFail(): Promise<never> {
    t.print("quick_fail runs inside create_task");
    throw new ValueError("eager");
  });
  await run(async () => {
    now();
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const [task] = await taskGroup(async (tg) => {
      const task = tg.createTask(quick());
      t.print(tg, task.done());
      return [task];
    });
    t.print(task.result());
    try {
      await taskGroup(async (tg) => {
        tg.createTask(quickFail());
        t.print(tg, "cancelling:", cancelling());
        await sleep(1);
        t.print("not reached");
      });
    } catch (eg) {
      t.print(
        "ExceptionGroup:",
        (eg as ExceptionGroup).exceptions,
        now(),
        "cancelling:",
        cancelling(),
      );
    }
  }, virtual);
  const expected = pythonTrace("task_groups_313", "tg_eager");
  expected[1] = "<TaskGroup tasks=1 entered> False";
  expected[4] = "<TaskGroup tasks=1 entered> cancelling: 0";
  assertEquals(t.lines, expected);
});

// --- beyond the Python programs -------------------------------------------------

Deno.test("taskGroup: createTask accepts functions and promises; bad arguments", async () => {
  await run(async () => {
    const [a, b, c] = await taskGroup(async (tg) => {
      const a = tg.createTask(() => sleep(0.1, "thunk"));
      const b = tg.createTask(Promise.resolve("promise"));
      const c = tg.createTask(async () => {
        await sleep(0.2);
        return "async fn";
      });
      return [a, b, c];
    });
    assertEquals([a.result(), b.result(), c.result()], ["thunk", "promise", "async fn"]);
    assertThrows(
      () => taskGroup(5 as never),
      TypeError,
      "taskGroup(): the body must be a function",
    );
    await assertRejects(
      () =>
        taskGroup((tg) => {
          tg.createTask(42 as never);
        }),
      ExceptionGroup,
    );
  }, virtual);
});

Deno.test("TaskGroup: entering outside a task is refused; aexit twice is refused", async () => {
  await run(function* () {
    getRunningLoop().callSoon(() => {
      assertThrows(
        () => new TaskGroup()._enter(),
        RuntimeError,
        "cannot determine the parent task",
      );
    });
    yield* sleep(0);
    const tg = new TaskGroup();
    yield* tg.aenter();
    assertEquals(yield* tg.aexit(undefined), false);
    try {
      yield* tg.aexit(undefined);
      throw new Error("not reached");
    } catch (e) {
      assertInstanceOf(e, RuntimeError);
    }
  });
});

Deno.test("await using a TaskGroup: waits for the children; failures and outside cancels", async () => {
  const t = new Trace();
  const now = makeClock();
  const { worker, fail } = workers(t, now, "async");
  await run(async () => {
    now();
    {
      await using tg = await new TaskGroup().aenter();
      tg.createTask(worker("a", 0.2, "a"));
      tg.createTask(worker("b", 0.1, "b"));
    }
    t.print("block left", now());
    // A child failure cancels the block; the group's error surfaces as a
    // SuppressedError around the block's CancelledError.
    const err = await assertRejects(async () => {
      await using tg = await new TaskGroup().aenter();
      tg.createTask(fail("f", 0.1));
      await sleep(10);
    });
    assertInstanceOf(err, SuppressedError);
    assertInstanceOf(err.error, ExceptionGroup);
    assertInstanceOf(err.suppressed, CancelledError);
    t.print(
      "failure",
      (err.error as ExceptionGroup).exceptions,
      now(),
      "cancelling:",
      cancelling(),
    );
    // An outside cancellation of the task stops the children and stays a CancelledError.
    const runner = createTask(async () => {
      await using tg = await new TaskGroup().aenter();
      tg.createTask(worker("c", 5, "c"));
      await sleep(10);
    });
    await sleep(0.1);
    runner.cancel();
    await assertRejects(() => runner as unknown as Promise<void>, CancelledError);
    t.print("outside cancel", runner.cancelled(), now());
  }, virtual);
  assertEquals(t.lines, [
    "start a",
    "start b",
    "end b t=0.1",
    "end a t=0.2",
    "block left t=0.2",
    "start f",
    "raise f t=0.3",
    "failure [ValueError('f')] t=0.3 cancelling: 0",
    "start c",
    "cancelled c CancelledError() t=0.4",
    "outside cancel True t=0.4",
  ]);
});

Deno.test("TaskGroup: a child failing after its parent finished goes to the exception handler", async () => {
  // Python's "has errored out but its parent task is already completed":
  // reachable when the parent task is done while the group still holds a
  // child, which only a misuse (aexit never called) allows.
  const messages: string[] = [];
  await run(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => messages.push(String(ctx.message)));
    let tg: TaskGroup | null = null;
    const parent: Task<unknown> = createTask(function* () {
      tg = yield* new TaskGroup().aenter();
      tg.createTask(function* () {
        yield* sleep(1);
        throw new ValueError("orphan");
      });
    });
    yield* parent;
    yield* sleep(2);
    assert(tg !== null);
  }, virtual);
  assertEquals(messages.length, 1);
  assert(messages[0].includes("has errored out but its parent task"), messages[0]);
});
