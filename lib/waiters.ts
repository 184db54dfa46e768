/**
 * @internal Waiting on a synchronisation primitive: the loop a primitive
 * binds to (CPython's `mixins._LoopBoundMixin`), the queue of waiter futures
 * and how they are woken, and `WaiterCoro`, the base of the hand-written
 * coroutine objects that wait on such a future (`Lock.acquire()`,
 * `Event.wait()`, `Semaphore.acquire()`).
 *
 * @module
 */

import { RuntimeError } from "./errors.ts";
import { REPR } from "./format_helpers.ts";
import { _getRunningLoop } from "./events.ts";
import { type Future, iterReturn } from "./futures.ts";
import { LightCoro } from "./coroutines.ts";
import type { AbstractEventLoop } from "./events.ts";
import { Deque } from "./deque.ts";

/**
 * @internal Bind `obj` to the running loop the first time it needs one, and
 * refuse another loop afterwards (CPython's `_LoopBoundMixin._get_loop`).
 */
export function boundLoop(
  obj: { _loop: AbstractEventLoop | null; [REPR](): string },
): AbstractEventLoop {
  const loop = _getRunningLoop();
  if (obj._loop === null) obj._loop = loop;
  if (loop === null) {
    throw new RuntimeError(
      `${
        obj[REPR]()
      } needs a running event loop to wait: use it in a coroutine run by asyncio.run()`,
    );
  }
  if (loop !== obj._loop) {
    throw new RuntimeError(
      `${obj[REPR]()} is bound to a different event loop: make a new one for each loop ` +
        `(objects used in one run() cannot be used in another)`,
    );
  }
  return loop;
}

/** @internal What waits in line on a primitive: a future per waiting task. */
export interface HasWaiters<T> {
  _loop: AbstractEventLoop | null;
  _waiters: Deque<Future<T>> | null;
  [REPR](): string;
}

/**
 * @internal A new waiter future on `owner`'s loop, put at the end of its
 * line (made on first use).
 */
export function addWaiter<T>(owner: HasWaiters<T>): Future<T> {
  const fut = boundLoop(owner).createFuture<T>();
  (owner._waiters ??= new Deque()).push(fut);
  return fut;
}

/** @internal Whether every waiter (if any) was cancelled: nobody is in line. */
export function noLiveWaiter(waiters: Deque<Future<unknown>> | null): boolean {
  if (waiters === null) return true;
  for (let i = 0; i < waiters.length; i++) if (!waiters.at(i).cancelled()) return false;
  return true;
}

/**
 * @internal Wake the first `n` waiters that are not done yet, in line
 * order, completing their futures with `value`; the woken stay in line
 * until their coroutines remove themselves.
 *
 * @returns How many were woken.
 */
export function wakeUp<T>(waiters: Deque<Future<T>> | null, n: number, value: T): number {
  if (waiters === null) return 0;
  let woken = 0;
  for (let i = 0; i < waiters.length && woken < n; i++) {
    const fut = waiters.at(i);
    if (!fut.done()) {
      woken++;
      fut._setResult(value);
    }
  }
  return woken;
}

/**
 * @internal A coroutine object that waits on one future, written by hand (a
 * waiting task keeps this small object and the future, not a suspended
 * generator frame). A subclass fills in the steps of CPython's shape:
 *
 * ```python
 * async def acquire(self):
 *     if <fast path>:                  # _fastPath()
 *         return True
 *     fut = <make and register>        # _makeWaiter()
 *     try:
 *         try:
 *             await fut
 *         finally:
 *             <unregister fut>         # _unregister(fut)
 *     except BaseException as error:
 *         <on error>                   # _onError(error, fut)
 *         raise
 *     finally:
 *         <finally>                    # _finally()
 *     <on wake-up>                     # _onWoken()
 *     return fut.result()
 * ```
 *
 * The fast path allocates nothing but the object itself. Closing the
 * coroutine while it waits (`return()`) runs `_unregister` and `_finally`,
 * as `GeneratorExit` would.
 *
 * A subclass's constructor sets `this._fut = undefined` first. This class
 * has no constructor on purpose: one here (or a field initializer) made an
 * uncontended `Lock.acquire()` twice as slow to create (V8 does not fold
 * the allocation through two constructors).
 */
export abstract class WaiterCoro<T> extends LightCoro<T> {
  /** @internal The future waited on: `undefined` before the first step, `null` once done. */
  declare _fut: Future<T> | null | undefined;

  /** The result without waiting, or `undefined` to wait (the default). */
  _fastPath(): T | undefined {
    return undefined;
  }

  /** Make the future to wait on, and put it where the waker finds it. */
  abstract _makeWaiter(): Future<T>;

  /** The wait is over (woken, failed or closed): take the future out of line. */
  abstract _unregister(fut: Future<T>): void;

  /** The wait failed with `error` (a cancellation, mostly), after `_unregister`. */
  _onError(_error: unknown, _fut: Future<T>): void {}

  /** After the wait however it ended (not after the fast path). */
  _finally(): void {}

  /** Woken normally, after `_finally`, just before returning the future's result. */
  _onWoken(): void {}

  override next(): IteratorResult<unknown, T> {
    const fut = this._fut;
    if (fut === undefined) {
      this._fut = null;
      const now = this._fastPath();
      if (now !== undefined) return iterReturn(now);
      const waiter = this._makeWaiter();
      this._fut = waiter;
      return waiter.next();
    }
    if (fut === null) return iterReturn(undefined); // finished, like a generator
    this._fut = null;
    this._unregister(fut);
    let result: T;
    try {
      result = fut.result();
    } catch (error) {
      this._onError(error, fut);
      this._finally();
      throw error;
    }
    this._finally();
    this._onWoken();
    return iterReturn(result);
  }

  override throw(error: unknown): IteratorResult<unknown, T> {
    const fut = this._fut;
    this._fut = null;
    if (fut) {
      this._unregister(fut);
      this._onError(error, fut);
      this._finally();
    }
    throw error;
  }

  override return(value?: T): IteratorResult<unknown, T> {
    const fut = this._fut;
    this._fut = null;
    if (fut) {
      this._unregister(fut);
      this._finally();
    }
    return iterReturn(value);
  }
}
