/**
 * Context variables: replays tests/python/context_vars.py (task inheritance,
 * isolation between tasks, callbacks, gather and TaskGroup children, the
 * Context API, tokens) in both coroutine styles, and checks what only this
 * library has (the async facade after host awaits, `using`, bad input).
 */
import { assertEquals, assertThrows } from "@std/assert";
import {
  Context,
  ContextVar,
  copyContext,
  coroutine,
  createTask,
  eagerTaskFactory,
  gather,
  getRunningLoop,
  LookupError,
  run,
  RuntimeError,
  sleep,
  type Task,
  taskGroup,
  Token,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { repr } from "../lib/format_helpers.ts";
import { makeClock, type Style, STYLES, virtual } from "./_structured.ts";

const v = new ContextVar<string>("v", { default: "unset" });
const w = new ContextVar<number>("w");

/** Python's `msg(e)`: type and message. */
function msg(e: unknown): string {
  const err = e as Error;
  return `${err.name}: ${err.message}`;
}

function both(
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
): void {
  for (const style of STYLES) {
    Deno.test(`contextvars: ${section.replaceAll("_", " ")} (${style})`, async () => {
      const t = new Trace();
      await program(t, makeClock(), style);
      assertEquals(t.lines, pythonTrace("context_vars", section));
    });
  }
}

both("inheritance", (t, now, style) => {
  const child = style === "generator"
    ? coroutine(function* (name: string) {
      t.print(name, "starts with", v.get());
      v.set(name);
      yield* sleep(0.1);
      t.print(name, "after sleep", v.get(), now());
      return v.get();
    })
    : coroutine(async (name: string) => {
      t.print(name, "starts with", v.get());
      v.set(name);
      await sleep(0.1);
      t.print(name, "after sleep", v.get(), now());
      return v.get();
    });
  return run(function* () {
    now();
    v.set("main");
    const t1 = createTask(child("a"));
    v.set("main2");
    const t2 = createTask(child("b"));
    const r1 = yield* t1;
    t.print("results", r1, yield* t2);
    t.print("main still", v.get());
  }, virtual);
});

both("isolation", (t, now, style) => {
  const setter = style === "generator"
    ? coroutine(function* (name: string, delay: number) {
      for (let i = 0; i < 3; i++) {
        v.set(`${name}${i}`);
        yield* sleep(delay);
        t.print(name, "sees", v.get(), now());
      }
    })
    : coroutine(async (name: string, delay: number) => {
      for (let i = 0; i < 3; i++) {
        v.set(`${name}${i}`);
        await sleep(delay);
        t.print(name, "sees", v.get(), now());
      }
    });
  return run(async () => {
    now();
    await gather(setter("x", 0.1), setter("y", 0.15));
    t.print("main sees", v.get());
  }, virtual);
});

both("callbacks", (t, now, style) => {
  const cb = (tag: string) => {
    t.print("callback", tag, v.get());
    v.set("set in callback");
  };
  function schedule() {
    const loop = getRunningLoop();
    v.set("scheduled");
    const done = loop.createFuture();
    loop.callSoon(cb, "soon");
    loop.callLater(0.1, cb, "later");
    loop.callAt(loop.time() + 0.2, cb, "at");
    v.set("changed after scheduling");
    const ctx = copyContext();
    ctx.run(v.set.bind(v), "in ctx");
    loop.callSoon({ context: ctx }, cb, "with context");
    loop.callLater(0.3, () => done.setResult(undefined));
    return { done, ctx };
  }
  function doneCallback() {
    const fut = getRunningLoop().createFuture<number>();
    v.set("when added");
    fut.addDoneCallback(() => t.print("done callback", v.get()));
    v.set("when completed");
    fut.setResult(1);
  }
  if (style === "generator") {
    return run(function* () {
      now();
      const { done, ctx } = schedule();
      yield* done;
      t.print("main", v.get(), "ctx", ctx.get(v));
      doneCallback();
      yield* sleep(0);
    }, virtual);
  }
  return run(async () => {
    now();
    const { done, ctx } = schedule();
    await done;
    t.print("main", v.get(), "ctx", ctx.get(v));
    doneCallback();
    await sleep(0);
  }, virtual);
});

both("children", (_t, now, style) => {
  const t = _t;
  const child = style === "generator"
    ? coroutine(function* (name: string) {
      const before = v.get();
      v.set(name);
      yield* sleep(0.1);
      return `${name}: ${before} -> ${v.get()}`;
    })
    : coroutine(async (name: string) => {
      const before = v.get();
      v.set(name);
      await sleep(0.1);
      return `${name}: ${before} -> ${v.get()}`;
    });
  return run(function* () {
    now();
    v.set("parent");
    t.print(yield* gather(child("g1"), child("g2")));
    let t1!: Task<string>, t2!: Task<string>;
    yield* taskGroup(function* (tg) {
      t1 = tg.createTask(child("tg1"));
      v.set("parent2");
      t2 = tg.createTask(child("tg2"));
    });
    t.print(t1.result(), "|", t2.result());
    const ctx = copyContext();
    ctx.run(() => v.set("given"));
    const t3 = createTask(child("explicit"), { context: ctx });
    t.print(yield* t3, "| ctx now", ctx.get(v), "| parent", v.get());
  }, virtual);
});

both("context_api", (t, _now, style) => {
  function api() {
    const ctx = new Context();
    t.print("empty", ctx.size, [...ctx], ctx.has(v), ctx.get(v) ?? null, ctx.get(v, "dflt"));
    ctx.run(() => v.set("one"));
    ctx.run(() => w.set(2));
    t.print(
      "after run",
      ctx.size,
      [...ctx].map((k) => k.name).sort(),
      ctx.get(v),
      ctx.get(w),
    );
    const items = [...ctx.entries()].map(([k, val]) => `(${repr(k.name)}, ${repr(val)})`).sort();
    t.print("items", `[${items.join(", ")}]`);
    t.print("values", [...ctx.values()].map(String).sort());
    const cp = ctx.copy();
    cp.run(() => v.set("two"));
    t.print("copy", cp.get(v), "original", ctx.get(v));
    t.print("outside", v.get(), w.get("no w" as unknown as number));
    try {
      w.get();
    } catch (e) {
      t.print("lookup", msg(e));
    }
    try {
      ctx.run(() => ctx.run(() => {}));
    } catch (e) {
      t.print("reenter", msg(e));
    }
    t.print("run returns", ctx.run((a: number, b: number) => a + b, 1, 2));
  }
  if (style === "generator") {
    return run(function* () {
      api();
      yield* sleep(0);
    });
  }
  return run(async () => {
    await sleep(0);
    api();
  });
});

both("tokens", (t, _now, style) => {
  function* generatorChild(t4: Token<string>) {
    yield* sleep(0);
    try {
      v.reset(t4);
    } catch (e) {
      t.print("in a task", msg(e));
    }
  }
  async function asyncChild(t4: Token<string>) {
    await sleep(0);
    try {
      v.reset(t4);
    } catch (e) {
      t.print("in a task", msg(e));
    }
  }
  const body = function* () {
    const tok = v.set("first");
    t.print("old", tok.oldValue === Token.MISSING, tok.var === v, v.get());
    const t2 = v.set("second");
    t.print("old2", t2.oldValue, v.get());
    v.reset(t2);
    t.print("after reset", v.get());
    try {
      v.reset(t2);
    } catch (e) {
      t.print("twice", msg(e));
    }
    const t3 = w.set(1);
    try {
      v.reset(t3 as unknown as Token<string>);
    } catch (e) {
      t.print("other var", msg(e));
    }
    const t4 = v.set("third");
    const ctx = copyContext();
    try {
      ctx.run(() => v.reset(t4));
    } catch (e) {
      t.print("other context", msg(e));
    }
    yield* createTask(style === "generator" ? generatorChild(t4) : () => asyncChild(t4));
    v.reset(tok);
    t.print("back to", v.get());
  };
  return run(body);
});

// --- beyond the Python programs ----------------------------------------------

Deno.test("contextvars: an async task body sees its own values after awaiting host promises, timers and other tasks", async () => {
  const seen: string[] = [];
  const body = async (name: string) => {
    v.set(name);
    await Promise.resolve();
    seen.push(`${name} after a promise: ${v.get()}`);
    await new Promise((r) => setTimeout(r, 1));
    seen.push(`${name} after a host timer: ${v.get()}`);
    await createTask(async () => {
      v.set(`${name}'s child`);
      await sleep(0);
    });
    seen.push(`${name} after a child task: ${v.get()}`);
    await sleep(0.01);
    return v.get();
  };
  const results = await run(async () => {
    v.set("main");
    const r = await gather(() => body("a"), () => body("b"));
    seen.push(`main: ${v.get()}`);
    return r;
  });
  assertEquals(results, ["a", "b"]);
  assertEquals(seen.sort(), [
    "a after a child task: a",
    "a after a host timer: a",
    "a after a promise: a",
    "b after a child task: b",
    "b after a host timer: b",
    "b after a promise: b",
    "main: main",
  ]);
  assertEquals(v.get(), "unset");
});

Deno.test("contextvars: a coroutine awaited from async code runs in the awaiting task's context", async () => {
  const inner = coroutine(function* () {
    const before = v.get();
    v.set("set by inner");
    yield* sleep(0);
    return before;
  });
  const r = await run(async () => {
    v.set("outer");
    const before = await inner();
    return [before, v.get()];
  });
  // As in Python: `await coro()` runs in the caller's task and context.
  assertEquals(r, ["outer", "set by inner"]);
});

Deno.test("contextvars: an eager task copies the context, and its first step runs in its copy", async () => {
  const r = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    v.set("parent");
    const seen: string[] = [];
    const task = createTask(function* () {
      seen.push(v.get());
      v.set("child");
      yield* sleep(0);
      seen.push(v.get());
    });
    seen.push(`parent after the first step: ${v.get()}`);
    yield* task;
    return seen;
  });
  assertEquals(r, ["parent", "parent after the first step: parent", "child"]);
});

Deno.test("contextvars: task.getContext() is the task's own context", async () => {
  await run(function* () {
    const task = createTask(function* () {
      const tok = v.set("in task");
      const ctx = task.getContext();
      assertEquals(ctx.get(v), "in task");
      v.reset(tok); // a token made before getContext() still resets
      assertEquals(ctx.has(v), false);
      yield* sleep(0);
      assertEquals(task.getContext() === ctx, true); // the same object every time
    });
    yield* task;
    const given = new Context();
    const t2 = createTask(sleep(0), { context: given });
    assertEquals(t2.getContext(), given);
    yield* t2;
  });
});

Deno.test("contextvars: a handle run by hand inside a task's step runs in its own context, then the task's is back", async () => {
  // tests/python/context_vars_by_hand.py: "cb sees main", then "task sees task".
  const seen: string[] = [];
  await run(async () => {
    v.set("task");
    const loop = getRunningLoop();
    const h = loop.callSoon(
      { context: new Context() },
      () => seen.push(`cb sees ${v.get("main")}`),
    );
    (h as unknown as { _run(): void })._run();
    h.cancel();
    seen.push(`task sees ${v.get("main")}`);
  });
  assertEquals(seen, ["cb sees main", "task sees task"]);
});

Deno.test("contextvars: Context.run refuses the context a task runs in", async () => {
  await run(function* () {
    const ctx = new Context();
    const task = createTask(function* () {
      yield* sleep(0);
      assertThrows(
        () => ctx.run(() => {}),
        RuntimeError,
        "cannot enter context: <_contextvars.Context object> is already entered",
      );
    }, { context: ctx });
    yield* task;
  });
});

Deno.test("contextvars: using resets the value at the end of the block", () => {
  const ctx = new Context();
  ctx.run(() => {
    {
      using _ = v.set("inside");
      assertEquals(v.get(), "inside");
    }
    assertEquals(v.get(), "unset");
    assertEquals(ctx.has(v), false);
  });
});

Deno.test("contextvars: reprs and LookupError", () => {
  assertEquals(String(v), "<ContextVar name='v' default='unset'>");
  assertEquals(String(w), "<ContextVar name='w'>");
  assertEquals(String(Token.MISSING), "<Token.MISSING>");
  const ctx = new Context();
  assertEquals(String(ctx.run(() => w.set(1))), "<Token var=<ContextVar name='w'>>");
  const err = assertThrows(() => w.get(), LookupError);
  assertEquals(err.message, "<ContextVar name='w'>");
  assertEquals(w.get(7), 7);
  assertEquals(new ContextVar<number | undefined>("u", { default: undefined }).get(), undefined);
});

Deno.test("contextvars: bad input", async () => {
  assertThrows(
    () => new ContextVar(1 as unknown as string),
    TypeError,
    "ContextVar(): the name must be a string",
  );
  assertThrows(
    () => v.reset(1 as unknown as Token<string>),
    TypeError,
    "expected an instance of Token, got 1",
  );
  assertThrows(
    () => new Context().run(1 as unknown as () => void),
    TypeError,
    "Context.run(): expected a function",
  );
  await run(function* () {
    const loop = getRunningLoop();
    assertThrows(
      () => loop.callSoon({ context: {} as Context }, () => {}),
      TypeError,
      "callSoon(): the context option must be a Context",
    );
    assertThrows(
      () => loop.callLater(1, { context: copyContext() }, 42 as unknown as () => void),
      TypeError,
      "callLater(): the callback must be a function, got 42 (a number) after the options",
    );
    assertThrows(
      () => createTask(sleep(0), { context: {} as Context }),
      TypeError,
      "Task(): the context option must be a Context",
    );
    assertThrows(
      () => loop.createFuture().addDoneCallback(() => {}, { context: 1 as unknown as Context }),
      TypeError,
      "addDoneCallback(): the context option must be a Context",
    );
    yield* sleep(0);
  });
});

Deno.test("contextvars: a token is reset only in the context that made it", () => {
  const tok = v.set("main");
  assertThrows(
    () => new Context().run(() => v.reset(tok)),
    ValueError,
    "was created in a different Context",
  );
  v.reset(tok);
  assertEquals(v.get(), "unset");
});

both("callback_tokens", (t, _now, style) => {
  const tokens: Token<string>[] = [];
  function schedule() {
    const loop = getRunningLoop();
    loop.callSoon(() => {
      tokens.push(v.set("first callback"));
      t.print("first sees", v.get());
    });
    loop.callSoon(() => {
      t.print("second sees", v.get());
      try {
        v.reset(tokens[0]);
      } catch (e) {
        t.print("reset in another callback", msg(e));
      }
    });
  }
  if (style === "generator") {
    return run(function* () {
      schedule();
      yield* sleep(0);
      t.print("main sees", v.get());
    });
  }
  return run(async () => {
    schedule();
    await sleep(0);
    t.print("main sees", v.get());
  });
});

Deno.test("contextvars: a task stepped inside Context.run runs in its own context, and the entered one is current again after", async () => {
  const seen = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    v.set("task");
    const ctx = copyContext();
    ctx.run(() => v.set("ctx"));
    const out: string[] = [];
    ctx.run(() => {
      out.push(`in run: ${v.get()}`);
      createTask(function* () {
        out.push(`eager step: ${v.get()}`); // a copy of ctx, taken at creation
        v.set("eager");
        yield* sleep(0);
      });
      out.push(`in run after: ${v.get()}`);
    });
    out.push(`task: ${v.get()}`);
    yield* sleep(0);
    return out;
  });
  assertEquals(seen, ["in run: ctx", "eager step: ctx", "in run after: ctx", "task: task"]);
});

Deno.test("once a variable is set, handles and done callbacks still show the callback itself (name in reprs and reports) and run in the context they were made in", async () => {
  const v = new ContextVar<string>("cbName", { default: "unset" });
  await run(function* () {
    v.set("task");
    const loop = getRunningLoop();
    const seen: string[] = [];
    function tick() {
      seen.push(v.get());
    }
    const h = loop.callSoon(tick);
    assertEquals(repr(h), "<Handle tick()>");
    const t = loop.callLater(1, tick);
    assertEquals(repr(t).includes("tick()"), true);
    t.cancel();
    const f = loop.createFuture<number>();
    f.addDoneCallback(function onDone() {
      seen.push(`done ${v.get()}`);
    });
    assertEquals(repr(f), "<Future pending cb=[onDone()]>");
    f.setResult(1);
    // Already done: the callback goes through a handle, in the context given.
    const ctx = new Context();
    f.addDoneCallback(() => seen.push(`ctx ${v.get()}`), { context: ctx });
    yield* sleep(0);
    yield* sleep(0);
    assertEquals(seen, ["task", "done task", "ctx unset"]);
  });
});
