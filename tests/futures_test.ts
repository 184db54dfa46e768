import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  coroutine,
  type Future,
  getRunningLoop,
  InvalidStateError,
  isFuture,
  newEventLoop,
  run,
  sleep,
} from "../mod.ts";
import { Future as FutureClass } from "../lib/futures.ts";
import { pythonTrace, Trace } from "./_trace.ts";

/** Python's print of KeyError('k') etc.: our errors print as Name('message'). */
class KeyError extends Error {}
KeyError.prototype.name = "KeyError";

Deno.test("future states: pending, finished, failed, cancelled", () => {
  const t = new Trace();
  const loop = newEventLoop();
  const f = loop.createFuture<number>();
  t.print(f, f.done(), f.cancelled());
  assertThrows(() => f.result(), InvalidStateError);
  t.print("result() while pending: InvalidStateError");
  assertThrows(() => f.exception(), InvalidStateError);
  t.print("exception() while pending: InvalidStateError");
  f.setResult(1);
  t.print(f, f.done(), f.result(), f.exception());
  assertThrows(() => f.setResult(2), InvalidStateError);
  t.print("set_result twice: InvalidStateError");
  assertThrows(() => f.setException(new Error()), InvalidStateError);
  t.print("set_exception after: InvalidStateError");
  t.print("cancel done:", f.cancel());
  const g = loop.createFuture();
  g.setException(new ValueErrorLike("bad"));
  t.print(g);
  t.print(g.exception());
  try {
    g.result();
  } catch (e) {
    t.print("result raises", e);
  }
  const h = loop.createFuture();
  t.print("cancel:", h.cancel("why"), "again:", h.cancel(), h.cancelled(), h.done());
  t.print(h);
  try {
    h.result();
  } catch (e) {
    t.print("result raises", e);
  }
  try {
    h.exception();
  } catch (e) {
    t.print("exception raises", e);
  }
  loop.close();
  assertEquals(t.lines, pythonTrace("futures", "states"));
});

class ValueErrorLike extends Error {}
ValueErrorLike.prototype.name = "ValueError";

Deno.test("done callbacks: order, removal, added after done", async () => {
  const t = new Trace();
  await run(function* () {
    const f = getRunningLoop().createFuture<string>();
    const a = (fut: Future<string>) => t.print("a", fut.result());
    const b = (fut: Future<string>) => t.print("b", fut.result());
    f.addDoneCallback(a);
    f.addDoneCallback(b);
    f.addDoneCallback(a);
    t.print(f);
    t.print("removed:", f.removeDoneCallback(a));
    t.print(f);
    f.setResult("x");
    t.print("set_result returned");
    yield* sleep(0);
    f.addDoneCallback(a);
    t.print("added after done");
    yield* sleep(0);
  });
  assertEquals(t.lines, pythonTrace("futures", "callbacks"));
});

Deno.test("a failing done callback goes to the exception handler; the next one runs", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_l, ctx) => t.print("handler:", ctx.message, ctx.exception));
    const f = loop.createFuture<string>();
    f.addDoneCallback(function bad() {
      throw new ValueErrorLike("in callback");
    });
    f.addDoneCallback(() => t.print("next callback runs"));
    f.setResult("x");
    yield* sleep(0);
  });
  assertEquals(t.lines, pythonTrace("futures", "failing_callback"));
});

for (const style of ["generator", "async"] as const) {
  Deno.test(`awaiting a future gives its result, exception or cancellation (${style})`, async () => {
    const t = new Trace();
    const body = style === "generator"
      ? function* () {
        const loop = getRunningLoop();
        const f = loop.createFuture<string>();
        loop.callLater(1, () => f.setResult("later"));
        t.print("awaited:", yield* f);
        const g = loop.createFuture();
        loop.callLater(1, () => g.setException(new KeyError("k")));
        try {
          yield* g;
        } catch (e) {
          t.print("raised:", e);
        }
        const h = loop.createFuture();
        loop.callLater(1, () => h.cancel("bye"));
        try {
          yield* h;
        } catch (e) {
          t.print("cancelled:", e);
        }
      }
      : async () => {
        const loop = getRunningLoop();
        const f = loop.createFuture<string>();
        loop.callLater(1, () => f.setResult("later"));
        t.print("awaited:", await f);
        const g = loop.createFuture();
        loop.callLater(1, () => g.setException(new KeyError("k")));
        try {
          await g;
        } catch (e) {
          t.print("raised:", e);
        }
        const h = loop.createFuture();
        loop.callLater(1, () => h.cancel("bye"));
        try {
          await h;
        } catch (e) {
          t.print("cancelled:", e);
        }
      };
    await run(body, { clock: "virtual" });
    assertEquals(t.lines, pythonTrace("futures", "await_future"));
  });
}

Deno.test("Future exception was never retrieved (a plain future)", async () => {
  const contexts: Record<string, unknown>[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
    loop.createFuture().setException(new Error("lost"));
    const seen = loop.createFuture();
    seen.setException(new Error("seen"));
    seen.exception();
    const cancelled = loop.createFuture();
    cancelled.setException(new Error("cancel() after the failure marks it seen"));
    cancelled.cancel();
    yield* sleep(0);
  });
  assertEquals(contexts.map((c) => [c.message, (c.exception as Error).message]), [
    ["Future exception was never retrieved", "lost"],
  ]);
});

Deno.test("then() outside any task: the promise settles with the outcome", async () => {
  const loop = newEventLoop({ clock: "virtual" });
  const f = loop.createFuture<number>();
  loop.callLater(1, () => f.setResult(7));
  const p = f.then((v) => v * 2);
  await loop.runUntilComplete(sleep(2));
  assertEquals(await p, 14);
  const g = loop.createFuture();
  g.setException(new TypeError("nope"));
  const caught = await g.then(() => "not this", (e) => (e as Error).message);
  assertEquals(caught, "nope");
  loop.close();
});

Deno.test("new Future() uses the current loop; isFuture", () => {
  const f = new FutureClass();
  assertEquals(isFuture(f), true);
  assertEquals(isFuture(Promise.resolve()), false);
  assertEquals(isFuture({ then() {} }), false);
  f.getLoop().close();
});

Deno.test("setException() needs an error; addDoneCallback() a function", () => {
  const loop = newEventLoop();
  const f = loop.createFuture();
  assertThrows(() => f.setException(undefined), TypeError, "expected an error");
  assertThrows(() => f.addDoneCallback(42 as never), TypeError, "expected a function, got 42");
  loop.close();
});

Deno.test("a future awaited by two tasks wakes both, in order", async () => {
  const order: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    const f = loop.createFuture<string>();
    const waiter = coroutine(function* (name: string) {
      order.push(`${name} got ${yield* f}`);
    });
    const a = loop.createTask(waiter("a"));
    const b = loop.createTask(waiter("b"));
    yield* sleep(0);
    f.setResult("x");
    yield* a;
    yield* b;
  });
  assertEquals(order, ["a got x", "b got x"]);
});

Deno.test("result() of a cancelled future is a CancelledError with the message", () => {
  const loop = newEventLoop();
  const f = loop.createFuture();
  f.cancel("reason");
  const e = assertThrows(() => f.result(), CancelledError);
  assertInstanceOf(e, CancelledError);
  assertEquals(e.message, "reason");
  loop.close();
});

Deno.test("awaiting a future of a loop that is not running settles when it completes", async () => {
  // A job submitted before any loop runs, awaited at a script's top level.
  const loop = newEventLoop();
  const fut = loop.createFuture<string>();
  setTimeout(() => fut.setResult("completed from outside"), 1);
  assertEquals(await fut, "completed from outside");
  const failed = loop.createFuture<string>();
  setTimeout(() => failed.setException(new TypeError("from outside")), 1);
  let caught: unknown;
  try {
    await failed;
  } catch (e) {
    caught = e;
  }
  assertInstanceOf(caught, TypeError);
  loop.close();
});
