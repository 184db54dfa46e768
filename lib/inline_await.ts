/**
 * @internal The small hand-written coroutines (`sleep()`, `Lock.acquire()`,
 * `Semaphore.acquire()`, `Event.wait()`) awaited from a task's async code:
 * stepped in place, with no driver, task or future of their own.
 *
 * @module
 */

import { driverStorage } from "./async_context.ts";
import { RuntimeError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import { BLOCKING, type Driver, Future, PENDING, STEP, ThenTarget } from "./futures.ts";
import { type Coro, coroInfo, coroThen, type LightCoro, lightCoroutine } from "./coroutines.ts";
import { coroutineStarted, debugState } from "./debug.ts";

/**
 * @internal Make the objects of a LightCoro subclass coroutine objects
 * that awaiting from a task's async code steps in place (see
 * `inlineThen`); only for a coroutine whose every yield is a bare `yield`
 * or a pending Future's `next()`.
 */
export function inlineAwaitable(
  cls: abstract new (...args: never[]) => LightCoro<unknown>,
  name: string,
): void {
  lightCoroutine(cls, name);
  Object.defineProperty(cls.prototype, "then", {
    value: inlineThen,
    writable: true,
    configurable: true,
  });
}

/**
 * `then` of the small hand-written coroutines (`sleep()`, `Lock.acquire()`,
 * `Event.wait()`, `Semaphore.acquire()`): awaited inside a task's async
 * code, the coroutine is stepped in place, as Python runs `await coro()` in
 * the awaiting frame: the future it waits on is registered with the task
 * (so cancelling the task cancels it) and no driver, task or future of its
 * own is made. Anywhere else it runs as `coroThen` runs it.
 */
function inlineThen<T, R1 = T, R2 = never>(
  this: LightCoro<T>,
  onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
  onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
): Promise<R1 | R2> {
  const driver = driverStorage.getStore();
  if (driver === undefined || driver._state !== PENDING) {
    return (coroThen as (this: Coro<T>, a: unknown, b: unknown) => Promise<R1 | R2>).call(
      this,
      onfulfilled,
      onrejected,
    );
  }
  if (debugState.tracking) coroutineStarted(this);
  return new Promise<R1 | R2>((resolve, reject) => {
    new InlineAwait<T, R1, R2>(this, driver, resolve, reject, onfulfilled, onrejected)._run(
      undefined,
      false,
    );
  });
}

/**
 * The state of one `await` of a hand-written coroutine stepped in place (see
 * `inlineThen`). It is the done callback of the future the coroutine waits
 * on (a future calls `_step()` of a callback that is not a function), and
 * what a bare `yield` schedules for the next loop iteration.
 */
class InlineAwait<T, R1, R2> extends ThenTarget<T, R1, R2> {
  /** @internal */ _coro: LightCoro<T>;
  /** @internal */ _driver: Driver;
  /** @internal The future the coroutine waits on, registered with the driver. */
  _fut: Future<unknown> | null = null;

  constructor(
    coro: LightCoro<T>,
    driver: Driver,
    resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
    reject: (e: unknown) => void,
    onfulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined,
    onrejected: ((reason: unknown) => R2 | PromiseLike<R2>) | null | undefined,
  ) {
    super(resolve, reject, onfulfilled, onrejected);
    this._coro = coro;
    this._driver = driver;
  }

  /**
   * Step the coroutine (or throw `exc` in) up to its next suspension, as the
   * task's step would, with the task as the current one.
   */
  _run(exc: unknown, throwIn: boolean): void {
    const driver = this._driver;
    const loop = driver._loop;
    const prev = loop._current;
    loop._current = driver;
    let r: IteratorResult<unknown, T>;
    try {
      r = throwIn ? this._coro.throw(exc) : this._coro.next();
    } catch (e) {
      loop._current = prev;
      loop._needMicrotasks();
      this._rejectWith(e);
      return;
    }
    loop._current = prev;
    if (r.done) {
      loop._needMicrotasks();
      this._fulfillWith(r.value);
      return;
    }
    const y = r.value;
    if (y === undefined) {
      // A bare yield: one loop iteration; a cancel request made meanwhile
      // is thrown in when it ends.
      loop._schedule(STEP, this as unknown as Driver);
      return;
    }
    const fut = y as Future<unknown>;
    if (!(fut instanceof Future) || fut._result !== BLOCKING) {
      throw new RuntimeError(`internal: ${describe(y)} yielded by an inline-awaited coroutine`);
    }
    fut._result = undefined;
    this._fut = fut;
    driver._awaitFrom(fut, this);
  }

  /**
   * Woken: the future is done, or the bare yield's iteration came. A cancel
   * request the task got meanwhile (that could not cancel the future) is
   * thrown in instead of the future's outcome, which counts as retrieved.
   */
  _step(): void {
    const fut = this._fut;
    this._fut = null;
    const cancelled = this._driver._wokenFrom(fut);
    if (cancelled !== null) this._run(cancelled, true);
    else this._run(undefined, false);
  }
}

/**
 * @internal The name of the hand-written coroutine waiting on `fut` in place
 * (`sleep`, `wait`, `acquire`), if one is: for listings of what a task
 * waits on.
 */
export function inlineAwaitName(fut: Future<unknown>): string | undefined {
  const cbs = fut._callbacks;
  const list = Array.isArray(cbs) ? cbs : [cbs];
  for (const cb of list) if (cb instanceof InlineAwait) return coroInfo(cb._coro)?.name;
  return undefined;
}
