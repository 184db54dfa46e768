/**
 * timeout, timeoutAt, Timeout: each test replays a program of
 * tests/python/timeouts.py, in both coroutine styles, and compares what it
 * prints with what CPython printed (3.11, 3.12 and 3.13 print the same).
 */
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  allTasks,
  asyncWith,
  CancelledError,
  type Coroutine,
  coroutine,
  createTask,
  currentTask,
  getRunningLoop,
  newEventLoop,
  run,
  RuntimeError,
  sleep,
  Timeout,
  timeout,
  timeoutAt,
  TimeoutError,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { makeClock, type Style, STYLES, virtual } from "./_structured.ts";

/** A float as Python prints it: `1.0`, `None`. */
function pyFloat(x: number | null): string {
  if (x === null) return "None";
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Runs `program` in both styles and compares with section `section` of `tests/python/<file>.out`. */
function both(
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
  file = "timeouts",
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

// The Python program uses `cm = asyncio.timeout(1)` + `async with cm`:
// here `timeout(1)` without a body and asyncWith.
both("timeout_expire", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      const cm = timeout(1);
      t.print(cm);
      try {
        yield* asyncWith(cm, function* (cm) {
          t.print(cm, pyFloat(cm.when()));
          try {
            yield* sleep(10);
          } catch (e) {
            t.print("body cancelled", e, now(), cm);
            throw e;
          }
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("TimeoutError", e, now(), "cause:", (e as Error).cause);
      }
      t.print("expired:", cm.expired(), cm, "cancelling:", cancelling());
    }, virtual);
  }
  return run(async () => {
    now();
    const cm = timeout(1);
    t.print(cm);
    try {
      await asyncWith(cm, async (cm) => {
        t.print(cm, pyFloat(cm.when()));
        try {
          await sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), cm);
          throw e;
        }
      });
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("TimeoutError", e, now(), "cause:", (e as Error).cause);
    }
    t.print("expired:", cm.expired(), cm, "cancelling:", cancelling());
  }, virtual);
}, "timeouts_3_11_7");

Deno.test("timeout(delay, body): the same trace as async with asyncio.timeout()", async () => {
  for (const style of STYLES) {
    const t = new Trace();
    const now = makeClock();
    const body = style === "generator"
      ? function* (cm: Timeout) {
        t.print(cm, pyFloat(cm.when()));
        try {
          yield* sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), cm);
          throw e;
        }
      }
      : async (cm: Timeout) => {
        t.print(cm, pyFloat(cm.when()));
        try {
          await sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), cm);
          throw e;
        }
      };
    await run(function* () {
      now();
      let seen: Timeout | null = null;
      try {
        yield* timeout(1, (cm) => {
          seen = cm;
          return body(cm);
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("TimeoutError", e, now(), "cause:", (e as Error).cause);
      }
      t.print("expired:", seen!.expired(), seen, "cancelling:", cancelling());
    }, virtual);
    // The body form has no "created" Timeout to print.
    assertEquals(t.lines, pythonTrace("timeouts_3_11_7", "timeout_expire").slice(1), style);
  }
});

both("timeout_no_expire", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      let cm = yield* timeout(1, function* (cm) {
        yield* sleep(0.5);
        t.print("body done", now());
        return cm;
      });
      t.print("expired:", cm.expired(), cm);
      cm = yield* timeout(null, function* (cm) {
        t.print(cm, pyFloat(cm.when()));
        yield* sleep(5);
        return cm;
      });
      t.print("no deadline", now(), cm.expired());
    }, virtual);
  }
  return run(async () => {
    now();
    let cm = await timeout(1, async (cm) => {
      await sleep(0.5);
      t.print("body done", now());
      return cm;
    });
    t.print("expired:", cm.expired(), cm);
    cm = await timeout(null, async (cm) => {
      t.print(cm, pyFloat(cm.when()));
      await sleep(5);
      return cm;
    });
    t.print("no deadline", now(), cm.expired());
  }, virtual);
});

both("timeout_reschedule", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      const loop = getRunningLoop();
      yield* timeout(1, function* (cm) {
        yield* sleep(0.5);
        cm.reschedule(cm.when()! + 1);
        t.print(cm);
        yield* sleep(1);
        t.print("still here", now());
      });
      let last: Timeout | null = null;
      try {
        yield* timeout(10, function* (cm) {
          last = cm;
          cm.reschedule(loop.time() + 0.2);
          yield* sleep(1);
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("earlier deadline", now(), pyFloat(last!.when()));
      }
      try {
        yield* timeout(null, function* (cm) {
          cm.reschedule(loop.time() + 0.5);
          yield* sleep(1);
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("deadline set later", now());
      }
      yield* timeout(0.5, function* (cm) {
        last = cm;
        cm.reschedule(null);
        yield* sleep(1);
      });
      t.print("deadline removed", now(), last!.expired());
    }, virtual);
  }
  return run(async () => {
    now();
    const loop = getRunningLoop();
    await timeout(1, async (cm) => {
      await sleep(0.5);
      cm.reschedule(cm.when()! + 1);
      t.print(cm);
      await sleep(1);
      t.print("still here", now());
    });
    let last: Timeout | null = null;
    try {
      await timeout(10, async (cm) => {
        last = cm;
        cm.reschedule(loop.time() + 0.2);
        await sleep(1);
      });
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("earlier deadline", now(), pyFloat(last!.when()));
    }
    try {
      await timeout(null, async (cm) => {
        cm.reschedule(loop.time() + 0.5);
        await sleep(1);
      });
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("deadline set later", now());
    }
    await timeout(0.5, async (cm) => {
      last = cm;
      cm.reschedule(null);
      await sleep(1);
    });
    t.print("deadline removed", now(), last!.expired());
  }, virtual);
});

both("timeout_past", (t, now, style) => {
  const cases: [string, (body: (cm: Timeout) => unknown) => Coroutine<unknown>][] = [
    ["timeout_at(now - 1)", (body) => timeoutAt(getRunningLoop().time() - 1, body)],
    ["timeout(0)", (body) => timeout(0, body)],
    ["timeout(-1)", (body) => timeout(-1, body)],
  ];
  if (style === "generator") {
    return run(function* () {
      now();
      for (const [name, make] of cases) {
        try {
          yield* make(function* () {
            t.print(name, "body starts");
            yield* sleep(0);
            t.print("never printed");
          });
        } catch (e) {
          assertInstanceOf(e, TimeoutError);
          t.print(name, "TimeoutError", now());
        }
      }
    }, virtual);
  }
  return run(async () => {
    now();
    for (const [name, make] of cases) {
      try {
        await make(async () => {
          t.print(name, "body starts");
          await sleep(0);
          t.print("never printed");
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print(name, "TimeoutError", now());
      }
    }
  }, virtual);
});

both("timeout_outside_cancel", (t, now, style) => {
  const body = style === "generator"
    ? coroutine(function* () {
      yield* timeout(5, function* (cm) {
        try {
          yield* sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), "expired:", cm.expired());
          throw e;
        }
      });
    })
    : coroutine(async () => {
      await timeout(5, async (cm) => {
        try {
          await sleep(10);
        } catch (e) {
          t.print("body cancelled", e, now(), "expired:", cm.expired());
          throw e;
        }
      });
    });
  return run(function* () {
    now();
    const task = createTask(body());
    yield* sleep(1);
    task.cancel("from outside");
    try {
      yield* task;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
      t.print("outside cancel stays", e, task.cancelled());
    }
  }, virtual);
});

both("timeout_same_time", (t, now, style) => {
  const body = style === "generator"
    ? coroutine(function* () {
      let cm: Timeout | null = null;
      try {
        yield* timeout(1, function* (c) {
          cm = c;
          yield* sleep(10);
        });
      } finally {
        t.print("expired:", cm!.expired(), "cancelling:", cancelling());
      }
    })
    : coroutine(async () => {
      let cm: Timeout | null = null;
      try {
        await timeout(1, async (c) => {
          cm = c;
          await sleep(10);
        });
      } finally {
        t.print("expired:", cm!.expired(), "cancelling:", cancelling());
      }
    });
  return run(function* () {
    now();
    const task = createTask(body());
    yield* sleep(1);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      if (e instanceof TimeoutError) t.print("TimeoutError (wrong)");
      else t.print("both at once: CancelledError", e, now(), task.cancelled());
    }
  }, virtual);
});

both("timeout_nested", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      yield* timeout(5, function* (outer) {
        let inner: Timeout | null = null;
        try {
          yield* timeout(1, function* (cm) {
            inner = cm;
            yield* sleep(10);
          });
        } catch (e) {
          assertInstanceOf(e, TimeoutError);
          t.print("inner TimeoutError", now(), inner!.expired(), outer.expired());
        }
        yield* sleep(0.5);
        t.print("outer body goes on", now());
      });
      let outer: Timeout | null = null;
      try {
        yield* timeout(1, function* (cm) {
          outer = cm;
          let inner: Timeout | null = null;
          try {
            yield* timeout(5, function* (cm) {
              inner = cm;
              yield* sleep(10);
            });
          } catch (e) {
            assertInstanceOf(e, CancelledError);
            t.print("inner timeout lets CancelledError through", now(), inner!.expired());
            throw e;
          }
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("outer TimeoutError", now(), outer!.expired());
      }
      t.print("cancelling:", cancelling());
    }, virtual);
  }
  return run(async () => {
    now();
    await timeout(5, async (outer) => {
      let inner: Timeout | null = null;
      try {
        await timeout(1, async (cm) => {
          inner = cm;
          await sleep(10);
        });
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        t.print("inner TimeoutError", now(), inner!.expired(), outer.expired());
      }
      await sleep(0.5);
      t.print("outer body goes on", now());
    });
    let outer: Timeout | null = null;
    try {
      await timeout(1, async (cm) => {
        outer = cm;
        let inner: Timeout | null = null;
        try {
          await timeout(5, async (cm) => {
            inner = cm;
            await sleep(10);
          });
        } catch (e) {
          assertInstanceOf(e, CancelledError);
          t.print("inner timeout lets CancelledError through", now(), inner!.expired());
          throw e;
        }
      });
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
      t.print("outer TimeoutError", now(), outer!.expired());
    }
    t.print("cancelling:", cancelling());
  }, virtual);
});

// Our messages add a hint after "; " to Python's.
const pyMessage = (e: unknown) => {
  assertInstanceOf(e, RuntimeError);
  return (e as Error).message.split(";")[0];
};

both("timeout_errors", (t, _now, style) => {
  if (style === "generator") {
    return run(function* () {
      const cm = timeout(1);
      try {
        cm.reschedule(5);
      } catch (e) {
        t.print("RuntimeError", pyMessage(e));
      }
      yield* asyncWith(cm, function* () {});
      t.print(cm);
      try {
        cm.reschedule(5);
      } catch (e) {
        t.print("RuntimeError", pyMessage(e));
      }
      try {
        yield* asyncWith(cm, function* () {});
      } catch (e) {
        t.print("RuntimeError", pyMessage(e));
      }
      let cm2: Timeout | null = null;
      try {
        yield* timeout(0.1, function* (cm) {
          cm2 = cm;
          yield* sleep(1);
        });
      } catch {
        // TimeoutError
      }
      try {
        cm2!.reschedule(5);
      } catch (e) {
        t.print("RuntimeError", pyMessage(e));
      }
    }, virtual);
  }
  return run(async () => {
    const cm = timeout(1);
    try {
      cm.reschedule(5);
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
    await asyncWith(cm, async () => {});
    t.print(cm);
    try {
      cm.reschedule(5);
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
    try {
      await asyncWith(cm, async () => {});
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
    let cm2: Timeout | null = null;
    try {
      await timeout(0.1, async (cm) => {
        cm2 = cm;
        await sleep(1);
      });
    } catch {
      // TimeoutError
    }
    try {
      cm2!.reschedule(5);
    } catch (e) {
      t.print("RuntimeError", pyMessage(e));
    }
  }, virtual);
}, "timeouts_3_11_7");

both("timeout_body_error", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      let cm: Timeout | null = null;
      try {
        yield* timeout(1, function* (c) {
          cm = c;
          yield* sleep(0.1);
          throw new ValueError("early");
        });
      } catch (e) {
        t.print("body error", e, now(), cm!.expired());
      }
      try {
        yield* timeout(1, function* (c) {
          cm = c;
          try {
            yield* sleep(10);
          } catch {
            throw new ValueError("while cancelled");
          }
        });
      } catch (e) {
        t.print("body error", e, now(), cm!.expired());
      }
      t.print("cancelling:", cancelling());
    }, virtual);
  }
  return run(async () => {
    now();
    let cm: Timeout | null = null;
    try {
      await timeout(1, async (c) => {
        cm = c;
        await sleep(0.1);
        throw new ValueError("early");
      });
    } catch (e) {
      t.print("body error", e, now(), cm!.expired());
    }
    try {
      await timeout(1, async (c) => {
        cm = c;
        try {
          await sleep(10);
        } catch {
          throw new ValueError("while cancelled");
        }
      });
    } catch (e) {
      t.print("body error", e, now(), cm!.expired());
    }
    t.print("cancelling:", cancelling());
  }, virtual);
});

both("timeout_swallow", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      let cm: Timeout | null = null;
      yield* timeout(1, function* (c) {
        cm = c;
        try {
          yield* sleep(10);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          t.print("swallowed", now());
        }
        yield* sleep(0.5);
        t.print("body goes on", now());
      });
      t.print("no error; expired:", cm!.expired(), "cancelling:", cancelling());
    }, virtual);
  }
  return run(async () => {
    now();
    let cm: Timeout | null = null;
    await timeout(1, async (c) => {
      cm = c;
      try {
        await sleep(10);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        t.print("swallowed", now());
      }
      await sleep(0.5);
      t.print("body goes on", now());
    });
    t.print("no error; expired:", cm!.expired(), "cancelling:", cancelling());
  }, virtual);
});

both("timeout_result", (t, now, style) => {
  if (style === "generator") {
    return run(function* () {
      now();
      const before = allTasks().size;
      const r = yield* timeout(1, function* () {
        return yield* sleep(0.5, "result");
      });
      t.print(r, now(), "tasks before:", before, "after:", allTasks().size);
    }, virtual);
  }
  return run(async () => {
    now();
    const before = allTasks().size;
    const r = await timeout(1, async () => await sleep(0.5, "result"));
    t.print(r, now(), "tasks before:", before, "after:", allTasks().size);
  }, virtual);
});

// --- beyond the Python programs -----------------------------------------------

Deno.test("timeout: a plain-function body's awaitable result is awaited", async () => {
  await run(function* () {
    assertEquals(yield* timeout(1, () => sleep(0.5, "plain")), "plain");
    assertEquals(yield* timeout(1, () => 42), 42);
    try {
      yield* timeout(1, () => sleep(5));
      throw new Error("not reached");
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
    }
  }, virtual);
});

Deno.test("timeout: bad arguments, and a Timeout outside a task", async () => {
  await run(function* () {
    assertThrows(() => timeout("1" as never, function* () {}), TypeError, "delay must be a number");
    assertThrows(() => timeout(NaN, function* () {}), ValueError, "NaN");
    assertThrows(() => timeout(1, 5 as never), TypeError, "the body must be a function");
    assertThrows(() => timeoutAt({} as never, function* () {}), TypeError, "when must be a number");
    yield* timeout(1, function* (cm) {
      assertThrows(() => cm.reschedule("soon" as never), TypeError, "when must be a number");
    });
    const loop = getRunningLoop();
    loop.callSoon(() => {
      const cm = timeout(1);
      assertThrows(() => cm._enter(), RuntimeError, "Timeout should be used inside a task");
    });
    yield* sleep(0);
  }, virtual);
  const loop = newEventLoop();
  assertThrows(() => timeout(1), RuntimeError, "no running event loop");
  loop.close();
});

Deno.test("await using a Timeout: an expiry comes out as a SuppressedError holding TimeoutError", async () => {
  await run(async () => {
    const cm = timeout(1);
    const err = await assertRejects(async () => {
      await using _entered = await cm.aenter();
      await sleep(10);
    });
    assertInstanceOf(err, SuppressedError);
    assertInstanceOf(err.error, TimeoutError);
    assertInstanceOf(err.suppressed, CancelledError);
    assert(cm.expired());
    assertEquals(currentTask()!.cancelling(), 0);
    // Without an expiry, disposal just stops the clock.
    const cm2 = timeout(1);
    {
      await using _entered = await cm2.aenter();
      await sleep(0.5);
    }
    assertEquals(String(cm2), "<Timeout [finished]>");
    await sleep(2); // the deadline that was dropped never fires
    assertEquals(currentTask()!.cancelling(), 0);
  }, virtual);
});

Deno.test("Timeout: aexit twice is refused", async () => {
  await run(function* () {
    const cm = new Timeout(null);
    yield* cm.aenter();
    assertEquals(yield* cm.aexit(undefined), false);
    try {
      yield* cm.aexit(undefined);
      throw new Error("not reached");
    } catch (e) {
      assertInstanceOf(e, RuntimeError);
      assert((e as Error).message.includes("finished Timeout"));
    }
  });
});
