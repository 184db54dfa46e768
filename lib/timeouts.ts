/**
 * `timeout`, `timeoutAt` and `Timeout`: a deadline for a block of code
 * (CPython 3.11's `timeouts.py`, with the 3.12 fix that makes every
 * `CancelledError` subclass count).
 *
 * @module
 */

import { CancelledError, RuntimeError, TimeoutError } from "./errors.ts";
import { describe, inspectable, REPR } from "./format_helpers.ts";
import { getRunningLoop } from "./events.ts";
import type { Handle } from "./handles.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { withStatement } from "./context.ts";
import { currentTask, type Task } from "./tasks.ts";
import { checkSeconds, LIMIT } from "./seconds.ts";

/** A float as Python prints it: `2.0`, `1.5`. */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

type TimeoutState = "created" | "active" | "expiring" | "expired" | "finished";

/**
 * The body of `timeout()`/`timeoutAt()`: a generator function, an async
 * function or a plain function, given the `Timeout`.
 *
 * @example
 * ```ts
 * import { run, sleep, timeout, type TimeoutBody } from "@yieldfrom/asyncio";
 * const body: TimeoutBody<string> = function* (cm) {
 *   yield* sleep(1);
 *   return cm.expired() ? "late" : "in time";
 * };
 * await run(function* () {
 *   console.log(yield* timeout(5, body)); // in time
 * }, { clock: "virtual" });
 * ```
 */
export type TimeoutBody<R> = (cm: Timeout) => Generator<unknown, R, unknown> | PromiseLike<R> | R;

/**
 * A deadline for the code it is entered around (Python's
 * `asyncio.Timeout`): when the loop's clock reaches `when()`, the task that
 * entered it is cancelled, and on the way out the `CancelledError` this
 * caused becomes a `TimeoutError`. Made by `timeout()` and `timeoutAt()`,
 * which also enter it; `asyncWith(timeout(5), body)` and `await using`
 * work too.
 *
 * A `CancelledError` from elsewhere (the task was cancelled from outside,
 * even at the same moment) stays a `CancelledError`: the task's cancel
 * count (`cancelling()`) decides, as in Python.
 *
 * With `await using`, disposal cannot see the error thrown by the block:
 * after an expiry it throws the `TimeoutError`, which JavaScript then
 * reports as a `SuppressedError` whose `error` is the `TimeoutError` and
 * whose `suppressed` is the `CancelledError`. Prefer `timeout(delay, body)`.
 *
 * @example
 * ```ts
 * import { asyncWith, run, sleep, timeout, TimeoutError } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const cm = timeout(1); // Python: async with asyncio.timeout(1) as cm:
 *   try {
 *     yield* asyncWith(cm, function* () {
 *       yield* sleep(10);
 *     });
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError, cm.expired()); // true true
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export class Timeout {
  /** @internal */ _state: TimeoutState = "created";
  /** @internal */ _handle: Handle | null = null;
  /** @internal */ _task: Task<unknown> | null = null;
  /** @internal */ _when: number | null;
  /** @internal The task's cancel count when entered. */ _cancelling = 0;

  /**
   * A timeout at loop time `when` (`null`: none yet). Prefer `timeout()` or
   * `timeoutAt()`. If `when` is already past when it is entered, it expires
   * at the next loop iteration.
   *
   * @param when Loop time (`loop.time()` seconds), or `null`.
   */
  constructor(when: number | null) {
    this._when = checkSeconds(when, "new Timeout()", "when", LIMIT);
  }

  /** The deadline, in loop time (`loop.time()`), or `null` for none. */
  when(): number | null {
    return this._when;
  }

  /**
   * Move the deadline (or remove it with `null`). Only while entered.
   *
   * @param when Loop time (`loop.time()` seconds), or `null`.
   * @throws {RuntimeError} When it has not been entered, or has expired or finished.
   */
  reschedule(when: number | null): void {
    if (this._state !== "active") {
      if (this._state === "created") {
        throw new RuntimeError(
          "Timeout has not been entered; reschedule() works inside timeout()'s body",
        );
      }
      throw new RuntimeError(
        `Cannot change state of ${this._state} Timeout; reschedule() works only before it expires and while its body runs`,
      );
    }
    const w = checkSeconds(when, "Timeout.reschedule()", "when", LIMIT);
    this._when = w;
    this._handle?.cancel();
    if (w === null) {
      this._handle = null;
    } else {
      const loop = this._task!._loop;
      this._handle = w <= loop.time()
        ? loop.callSoon(this._onTimeout)
        : loop.callAt(w, this._onTimeout);
    }
  }

  /** Whether the deadline passed while the body ran (it was cancelled by this timeout). */
  expired(): boolean {
    return this._state === "expiring" || this._state === "expired";
  }

  /** Python's repr: `<Timeout [active] when=12.5>`. */
  [REPR](): string {
    let info = "";
    if (this._state === "active") {
      info = ` when=${
        this._when === null ? "None" : pyFloat(Math.round(this._when * 1000) / 1000)
      }`;
    }
    return `<Timeout [${this._state}]${info}>`;
  }

  /** Enter: start the clock for the current task (Python's `__aenter__`). */
  aenter(): Coroutine<Timeout> {
    return enterCoro(this);
  }

  /**
   * Exit (Python's `__aexit__`): stop the clock; if this timeout cancelled
   * the task and `error` is that cancellation, throw `TimeoutError` instead.
   *
   * @param error What the body threw, or `undefined`.
   * @returns A coroutine of `false` (a timeout never swallows an error).
   */
  aexit(error: unknown): Coroutine<boolean> {
    return exitCoro(this, error);
  }

  /** `await using`: exit without knowing the block's error (see the class notes). */
  [Symbol.asyncDispose](): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      try {
        this._exit(this._state === "expiring" ? new CancelledError() : undefined);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  }

  /** @internal */
  _enter(): void {
    if (this._state !== "created") {
      throw new RuntimeError("Timeout has already been entered; make a new one for each block");
    }
    const task = currentTask();
    if (task === null) {
      throw new RuntimeError(
        "Timeout should be used inside a task; run the code with asyncio.run() or createTask()",
      );
    }
    this._state = "active";
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
  }

  /**
   * @internal Throws the TimeoutError when the error is the cancellation
   * this caused; returns `false` (no error is swallowed).
   */
  _exit(error: unknown): false {
    if (this._state !== "active" && this._state !== "expiring") {
      throw new RuntimeError(
        `Timeout.aexit() called on a ${this._state} Timeout; exit once, after aenter()`,
      );
    }
    if (this._handle !== null) {
      this._handle.cancel();
      this._handle = null;
    }
    if (this._state === "expiring") {
      this._state = "expired";
      // No new cancel requests since we entered: this cancellation is ours.
      if (this._task!.uncancel() <= this._cancelling && error instanceof CancelledError) {
        throw new TimeoutError(undefined, { cause: error });
      }
    } else {
      this._state = "finished";
    }
    return false;
  }

  /** @internal */
  _onTimeout = (): void => {
    this._task!.cancel();
    this._state = "expiring";
    this._handle = null;
  };
}
inspectable(Timeout);

const enterCoro = coroutine(function* aenter(cm: Timeout): Coro<Timeout> {
  cm._enter();
  return cm;
});

const exitCoro = coroutine(function* aexit(cm: Timeout, error: unknown): Coro<boolean> {
  return cm._exit(error);
});

// Python's `async with timeout(delay) as cm:`. A delay counts from when the
// body starts (`undefined`: the deadline is `cm`'s already).
const timeoutCoro = coroutine(withStatement("timeout", {
  enter(cm: Timeout, delay: number | null | undefined): Timeout {
    if (delay !== undefined) cm._when = delay === null ? null : getRunningLoop().time() + delay;
    cm._enter();
    return cm;
  },
  awaitEnter: false,
  exit: (cm: Timeout, error: unknown): false => cm._exit(error),
}));

function checkBody(body: unknown, where: string): void {
  if (typeof body !== "function") {
    throw new TypeError(
      `${where}: the body must be a function taking the Timeout, got ${describe(body)}`,
    );
  }
}

/**
 * Run `body` with a deadline `delay` seconds from when it starts (Python's
 * `async with asyncio.timeout(delay) as cm:`). `body` (a generator
 * function, an async function or a plain function) gets the `Timeout` and
 * runs in the calling task.
 *
 * When the deadline passes, the task is cancelled: the body sees
 * `CancelledError` at its current `yield*`/`await`, and once that error
 * comes out of the body it becomes a `TimeoutError` (`cause`: the
 * `CancelledError`). A cancellation from outside stays a `CancelledError`,
 * even when the deadline passes at the same moment. Nested timeouts work:
 * the one that expired converts. `null` means no deadline (set one later
 * with `cm.reschedule()`).
 *
 * Without `body`, returns the `Timeout` itself, its deadline counted from
 * now, for `asyncWith()` or `await using`.
 *
 * @param delay Seconds from the start of the body, or `null`.
 * @param body What to run, called with the `Timeout`.
 * @returns A coroutine of the body's result.
 * @throws {TypeError} When `delay` is not a number or `body` not a function.
 * @throws {ValueError} When `delay` is NaN.
 *
 * @example
 * ```ts
 * import { run, sleep, timeout, TimeoutError } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   try {
 *     yield* timeout(1, function* () {
 *       yield* sleep(10);
 *     });
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError); // true
 *   }
 *   const r = yield* timeout(5, function* (cm) {
 *     cm.reschedule(cm.when()! + 5); // more time
 *     return yield* sleep(7, "done");
 *   });
 *   console.log(r); // done
 * }, { clock: "virtual" });
 * ```
 */
export function timeout<R>(delay: number | null, body: TimeoutBody<R>): Coroutine<R>;
/** `timeout(delay)`: the `Timeout` context manager (deadline counted from now). */
export function timeout(delay: number | null): Timeout;
export function timeout<R>(delay: number | null, body?: TimeoutBody<R>): Coroutine<R> | Timeout {
  const d = checkSeconds(delay, "timeout()", "delay", LIMIT);
  if (body === undefined) {
    return new Timeout(d === null ? null : getRunningLoop().time() + d);
  }
  checkBody(body, "timeout()");
  return timeoutCoro(new Timeout(null), d, body as (value: unknown) => unknown) as Coroutine<R>;
}

/**
 * Run `body` with a deadline at loop time `when` (Python's `async with
 * asyncio.timeout_at(when) as cm:`); `when` is on the `loop.time()` clock.
 * Otherwise the same as {@linkcode timeout}: the cancellation the deadline
 * causes becomes `TimeoutError`, others stay `CancelledError`.
 *
 * @param when Loop time, or `null` for no deadline.
 * @param body What to run, called with the `Timeout`.
 * @returns A coroutine of the body's result.
 * @throws {TypeError} When `when` is not a number or `body` not a function.
 * @throws {ValueError} When `when` is NaN.
 *
 * @example
 * ```ts
 * import { getRunningLoop, run, sleep, timeoutAt } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   const r = await timeoutAt(loop.time() + 2, async (cm) => {
 *     await sleep(1);
 *     return cm.expired();
 *   });
 *   console.log(r); // false
 * }, { clock: "virtual" });
 * ```
 */
export function timeoutAt<R>(when: number | null, body: TimeoutBody<R>): Coroutine<R>;
/** `timeoutAt(when)`: the `Timeout` context manager. */
export function timeoutAt(when: number | null): Timeout;
export function timeoutAt<R>(when: number | null, body?: TimeoutBody<R>): Coroutine<R> | Timeout {
  const w = checkSeconds(when, "timeoutAt()", "when", LIMIT);
  if (body === undefined) return new Timeout(w);
  checkBody(body, "timeoutAt()");
  return timeoutCoro(new Timeout(w), undefined, body as (value: unknown) => unknown) as Coroutine<
    R
  >;
}
