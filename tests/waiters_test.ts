/**
 * The waiter base of the synchronisation primitives: the order in which a
 * `WaiterCoro`'s steps run on each way its wait can end, and `wakeUp`.
 */
import { assertEquals, assertInstanceOf } from "@std/assert";
import { CancelledError, createTask, type Future, run, sleep } from "../mod.ts";
import { lightCoroutine } from "../lib/coroutines.ts";
import { Deque } from "../lib/deque.ts";
import { REPR } from "../lib/format_helpers.ts";
import type { EventLoop } from "../lib/loop.ts";
import { boundLoop, noLiveWaiter, WaiterCoro, wakeUp } from "../lib/waiters.ts";

/** A toy primitive: waiting on it logs every step of the waiter. */
class Gate {
  _loop: EventLoop | null = null;
  _waiters: Deque<Future<string>> = new Deque();
  open = false;
  log: string[] = [];
  [REPR](): string {
    return "<Gate>";
  }
  pass(): GatePass {
    return new GatePass(this);
  }
}

class GatePass extends WaiterCoro<string> {
  _gate: Gate;
  constructor(gate: Gate) {
    super();
    this._fut = undefined;
    this._gate = gate;
  }
  override _fastPath(): string | undefined {
    this._gate.log.push("fast path");
    return this._gate.open ? "at once" : undefined;
  }
  override _makeWaiter(): Future<string> {
    this._gate.log.push("make waiter");
    const fut = boundLoop(this._gate).createFuture<string>();
    this._gate._waiters.push(fut);
    return fut;
  }
  override _unregister(fut: Future<string>): void {
    this._gate.log.push("unregister");
    this._gate._waiters.remove(fut);
  }
  override _onError(error: unknown): void {
    this._gate.log.push(`on error ${(error as Error).name}`);
  }
  override _finally(): void {
    this._gate.log.push("finally");
  }
  override _onWoken(): void {
    this._gate.log.push("on wake-up");
  }
}
lightCoroutine(GatePass, "pass");

Deno.test("WaiterCoro: the fast path returns at once and makes no future", async () => {
  const gate = new Gate();
  gate.open = true;
  await run(function* () {
    assertEquals(yield* gate.pass(), "at once");
  });
  await run(async () => {
    assertEquals(await gate.pass(), "at once");
  });
  assertEquals(gate.log, ["fast path", "fast path"]);
  assertEquals(gate._waiters.length, 0);
});

for (const style of ["generator", "async"] as const) {
  Deno.test(`WaiterCoro: woken, it unregisters, runs finally and on-wake-up, and returns the future's result (${style})`, async () => {
    const gate = new Gate();
    const result = await run(function* () {
      const t = createTask(
        style === "generator"
          ? gate.pass()
          : (async () => await gate.pass()) as () => Promise<string>,
      );
      yield* sleep(0);
      gate.log.push("wake");
      assertEquals(wakeUp(gate._waiters, 1, "woken"), 1);
      return yield* t;
    });
    assertEquals(result, "woken");
    assertEquals(gate.log, [
      "fast path",
      "make waiter",
      "wake",
      "unregister",
      "finally",
      "on wake-up",
    ]);
    assertEquals(gate._waiters.length, 0);
  });
}

Deno.test("WaiterCoro: cancelled while waiting, or after being woken, it unregisters, then on-error, then finally", async () => {
  for (const wokenFirst of [false, true]) {
    const gate = new Gate();
    await run(function* () {
      const t = createTask(gate.pass());
      yield* sleep(0);
      if (wokenFirst) wakeUp(gate._waiters, 1, "woken"); // then cancelled before it runs
      t.cancel();
      try {
        yield* t;
      } catch (e) {
        assertInstanceOf(e, CancelledError);
      }
    });
    assertEquals(gate.log, [
      "fast path",
      "make waiter",
      "unregister",
      "on error CancelledError",
      "finally",
    ]);
    assertEquals(gate._waiters.length, 0);
  }
});

Deno.test("WaiterCoro: closed while waiting, it unregisters and runs finally (no on-error); then it is done", async () => {
  const gate = new Gate();
  await run(function* () {
    const coro = gate.pass();
    const step = coro.next();
    assertEquals(step.done, false);
    assertEquals(gate._waiters.length, 1);
    assertEquals(coro.return("closed"), { done: true, value: "closed" });
    assertEquals(coro.next(), { done: true, value: undefined });
  });
  assertEquals(gate.log, ["fast path", "make waiter", "unregister", "finally"]);
  assertEquals(gate._waiters.length, 0);
});

Deno.test("WaiterCoro: an error thrown in before the first step closes it without running a step", () => {
  const gate = new Gate();
  const coro = gate.pass();
  const boom = new Error("boom");
  let caught: unknown;
  try {
    coro.throw(boom);
  } catch (e) {
    caught = e;
  }
  assertEquals(caught, boom);
  assertEquals(coro.next(), { done: true, value: undefined });
  assertEquals(gate.log, []);
});

Deno.test("wakeUp wakes the first n waiters not done yet, in line order; noLiveWaiter", async () => {
  await run(function* () {
    const gate = new Gate();
    const futs = Array.from({ length: 5 }, () => boundLoop(gate).createFuture<string>());
    for (const f of futs) gate._waiters.push(f);
    futs[0].cancel();
    assertEquals(noLiveWaiter(gate._waiters), false);
    assertEquals(wakeUp(gate._waiters, 2, "a"), 2);
    assertEquals(futs.map((f) => f.done() && !f.cancelled() ? f.result() : null), [
      null,
      "a",
      "a",
      null,
      null,
    ]);
    assertEquals(wakeUp(gate._waiters, Infinity, "b"), 2);
    assertEquals(wakeUp(gate._waiters, 1, "c"), 0);
    assertEquals(gate._waiters.length, 5, "the woken stay in line until they remove themselves");
    for (let i = 1; i < 5; i++) gate._waiters.remove(futs[i]);
    assertEquals(noLiveWaiter(gate._waiters), true); // only the cancelled one is left
    assertEquals(noLiveWaiter(null), true);
    assertEquals(wakeUp(null, 1, "d"), 0);
  });
});
