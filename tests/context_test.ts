/**
 * asyncWith: replays tests/python/context.py (`async with`) with context
 * managers written in both styles (generator methods and async methods),
 * and checks `Symbol.asyncDispose` objects.
 */
import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  asyncWith,
  CancelledError,
  type Coro,
  createTask,
  run,
  sleep,
  TaskGroup,
  Timeout,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { makeClock, type Style, STYLES, virtual } from "./_structured.ts";

interface Options {
  swallow?: boolean;
  failEnter?: boolean;
  failExit?: boolean;
}

/** Python's `Resource` of context.py, with generator methods or async methods. */
function resource(t: Trace, now: () => string, style: Style, name: string, o: Options = {}) {
  if (style === "generator") {
    return {
      *aenter(): Coro<string> {
        t.print("enter", name, now());
        yield* sleep(0.1);
        if (o.failEnter) throw new ValueError("enter failed");
        return name + " value";
      },
      *aexit(error: unknown): Coro<boolean> {
        t.print("exit", name, error, now());
        yield* sleep(0.1);
        if (o.failExit) throw new TypeError("exit failed");
        return o.swallow === true;
      },
    };
  }
  return {
    async aenter(): Promise<string> {
      t.print("enter", name, now());
      await sleep(0.1);
      if (o.failEnter) throw new ValueError("enter failed");
      return name + " value";
    },
    async aexit(error: unknown): Promise<boolean> {
      t.print("exit", name, error, now());
      await sleep(0.1);
      if (o.failExit) throw new TypeError("exit failed");
      return o.swallow === true;
    },
  };
}

function both(
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
  adjust: (expected: string[]) => string[] = (e) => e,
): void {
  for (const style of STYLES) {
    Deno.test(`${section.replaceAll("_", " ")} (${style})`, async () => {
      const t = new Trace();
      await program(t, makeClock(), style);
      assertEquals(t.lines, adjust(pythonTrace("context", section)));
    });
  }
}

both("with_basic", (t, now, style) => {
  const r = resource(t, now, style, "r");
  if (style === "generator") {
    return run(function* () {
      now();
      yield* asyncWith(r, function* (v) {
        t.print("body got", v, now());
        yield* sleep(0.5);
      });
      t.print("after", now());
    }, virtual);
  }
  return run(async () => {
    now();
    await asyncWith(r, async (v) => {
      t.print("body got", v, now());
      await sleep(0.5);
    });
    t.print("after", now());
  }, virtual);
});

both("with_body_error", (t, now, style) => {
  const r = resource(t, now, style, "r");
  const body = style === "generator"
    ? function* () {
      throw new ValueError("body failed");
    }
    : async () => {
      throw new ValueError("body failed");
    };
  return run(function* () {
    now();
    try {
      yield* asyncWith(r, body);
    } catch (e) {
      t.print("propagated", e, now());
    }
  }, virtual);
});

both("with_swallow", (t, now, style) => {
  const r = resource(t, now, style, "r", { swallow: true });
  if (style === "generator") {
    return run(function* () {
      now();
      const result = yield* asyncWith(r, function* () {
        throw new ValueError("swallowed");
      });
      assertEquals(result, undefined);
      t.print("after", now());
    }, virtual);
  }
  return run(async () => {
    now();
    const result = await asyncWith(r, async () => {
      throw new ValueError("swallowed");
    });
    assertEquals(result, undefined);
    t.print("after", now());
  }, virtual);
});

both("with_enter_fails", (t, now, style) => {
  const r = resource(t, now, style, "r", { failEnter: true });
  return run(function* () {
    now();
    try {
      yield* asyncWith(r, () => t.print("body (never)"));
    } catch (e) {
      t.print("enter error", e, now());
    }
  }, virtual);
});

// JavaScript has no implicit exception context (Python's __context__): the
// error thrown by aexit replaces the body's, which is not attached to it.
both(
  "with_exit_raises",
  (t, now, style) => {
    const r = resource(t, now, style, "r", { failExit: true });
    const r2 = resource(t, now, style, "r2", { failExit: true });
    if (style === "generator") {
      return run(function* () {
        now();
        try {
          yield* asyncWith(r, function* () {
            throw new ValueError("body failed");
          });
        } catch (e) {
          assertInstanceOf(e, TypeError);
          t.print("exit error wins", e);
        }
        try {
          yield* asyncWith(r2, function* () {});
        } catch (e) {
          t.print("exit error", e);
        }
      }, virtual);
    }
    return run(async () => {
      now();
      try {
        await asyncWith(r, async () => {
          throw new ValueError("body failed");
        });
      } catch (e) {
        assertInstanceOf(e, TypeError);
        t.print("exit error wins", e);
      }
      try {
        await asyncWith(r2, async () => {});
      } catch (e) {
        t.print("exit error", e);
      }
    }, virtual);
  },
  (e) => e.map((l) => l.replace(/ context: .*$/, "")),
);

both("with_cancelled", (t, now, style) => {
  const r = resource(t, now, style, "r");
  const r2 = resource(t, now, style, "r2");
  const body = style === "generator"
    ? function* () {
      yield* asyncWith(r, function* () {
        yield* sleep(10);
      });
    }
    : async () => {
      await asyncWith(r, async () => {
        await sleep(10);
      });
    };
  const cancelledInExit = style === "generator"
    ? function* () {
      yield* asyncWith(r2, function* () {});
    }
    : async () => {
      await asyncWith(r2, async () => {});
    };
  return run(function* () {
    now();
    let task = createTask(body);
    yield* sleep(0.5);
    task.cancel("stop");
    try {
      yield* task;
    } catch (e) {
      t.print("task cancelled", e, now());
    }
    task = createTask(cancelledInExit);
    yield* sleep(0.15);
    task.cancel();
    try {
      yield* task;
    } catch (e) {
      t.print("cancelled during exit", e, now());
    }
  }, virtual);
});

// --- beyond the Python programs -------------------------------------------------

Deno.test("asyncWith: aexit is called once, even when the body and aexit are cancelled", async () => {
  for (const style of STYLES) {
    let exits = 0;
    const cm = style === "generator"
      ? {
        *aenter() {},
        *aexit() {
          exits++;
          yield* sleep(1);
        },
      }
      : {
        async aenter() {},
        async aexit() {
          exits++;
          await sleep(1);
        },
      };
    await run(function* () {
      const task = createTask(function* () {
        yield* asyncWith(cm, function* () {
          yield* sleep(10);
        });
      });
      yield* sleep(0.5);
      task.cancel(); // cancels the body
      yield* sleep(0.5);
      task.cancel(); // cancels aexit's sleep
      try {
        yield* task;
      } catch (e) {
        assertInstanceOf(e, CancelledError);
      }
    }, virtual);
    assertEquals(exits, 1, style);
  }
});

Deno.test("asyncWith: plain-value aenter/aexit, and Symbol.asyncDispose objects", async () => {
  const log: string[] = [];
  await run(async () => {
    const plain = {
      aenter: () => 7,
      aexit: (e: unknown) => {
        log.push(`plain exit ${e}`);
        return true;
      },
    };
    assertEquals(await asyncWith(plain, (v) => v * 6), 42);
    assertEquals(
      await asyncWith(plain, () => {
        throw new ValueError("x");
      }),
      undefined,
    );
    // Entered as itself; disposal never swallows, even if it returns true.
    const disposable = {
      name: "d",
      [Symbol.asyncDispose]: (async () => {
        await sleep(0.1);
        log.push("disposed");
        return true;
      }) as unknown as () => Promise<void>,
    };
    assertEquals(await asyncWith(disposable, (d) => d.name), "d");
    try {
      await asyncWith(disposable, () => {
        throw new ValueError("kept");
      });
      throw new Error("not reached");
    } catch (e) {
      assertInstanceOf(e, ValueError);
    }
  }, virtual);
  assertEquals(log, [
    "plain exit undefined",
    "plain exit ValueError: x",
    "disposed",
    "disposed",
  ]);
});

Deno.test("asyncWith: bad arguments are refused", async () => {
  await run(function* () {
    assertThrows(() => asyncWith({} as never, () => 1), TypeError, "async context manager");
    assertThrows(() => asyncWith(null as never, () => 1), TypeError, "got null");
    assertThrows(() => asyncWith({ aenter() {}, aexit() {} }, 5 as never), TypeError, "body");
    yield* sleep(0);
  });
});

Deno.test("runtime objects work with asyncWith and Symbol.asyncDispose", () => {
  for (const cm of [new TaskGroup(), new Timeout(null)]) {
    assert(typeof cm.aenter === "function" && typeof cm.aexit === "function");
    assert(typeof cm[Symbol.asyncDispose] === "function");
  }
});

Deno.test("asyncWith: a plain aenter/aexit returning an async helper's promise runs in the task, so cancelling the task reaches it", async () => {
  const seen: string[] = [];
  const helper = async (what: string) => {
    try {
      await sleep(10);
    } catch (e) {
      seen.push(`${what} ${(e as Error).name}`);
      throw e;
    }
  };
  const cm = {
    aenter: () => helper("aenter"),
    aexit: () => false,
  };
  await run(function* () {
    const t = createTask(() => asyncWith(cm, () => seen.push("body")));
    yield* sleep(1);
    t.cancel();
    try {
      yield* t;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
    }
    seen.push(`task cancelled: ${t.cancelled()}`);
  }, virtual);
  assertEquals(seen, ["aenter CancelledError", "task cancelled: true"]);
});
