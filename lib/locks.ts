/**
 * Synchronisation primitives (CPython's `locks.py`): `Lock`, `Event`,
 * `Condition`, `Semaphore`, `BoundedSemaphore`, `Barrier`.
 *
 * The rules are Python 3.13's: FIFO fairness everywhere, and a waiter that
 * is cancelled, even after it was woken, leaves no trace (it is removed and
 * the next waiter is served). A waiting task waits on one Future and holds
 * no host timer. The coroutine methods (`acquire`, `wait`, `waitFor`) are
 * lazy coroutines, used with `yield*` in generator coroutines and with
 * `await` in async code.
 *
 * @module
 */

import { BrokenBarrierError, CancelledError, RuntimeError, ValueError } from "./errors.ts";
import { describe, inspectable, REPR } from "./format_helpers.ts";
import { _getRunningLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { inlineAwaitable } from "./inline_await.ts";
import type { AbstractEventLoop } from "./events.ts";
import { Deque } from "./deque.ts";
import { ACQUIRE_RELEASE } from "./context.ts";
import { addWaiter, boundLoop, noLiveWaiter, WaiterCoro, wakeUp } from "./waiters.ts";

/** @internal `[locked, waiters:2]`: the bracketed part of a primitive's repr. */
function withWaiters(extra: string, waiters: Deque<unknown> | null): string {
  return waiters !== null && waiters.length > 0 ? `${extra}, waiters:${waiters.length}` : extra;
}

/** @internal After an `await using` disposal, let the body go on before the loop's next callback. */
function disposed(): Promise<void> {
  const loop = _getRunningLoop();
  if (loop !== null) loop._needMicrotasks();
  return Promise.resolve();
}

/** @internal Check an integer argument. */
function checkCount(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number") {
    throw new TypeError(`${where}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${where}: ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
  return value;
}

// --- Lock ---------------------------------------------------------------------

/** `Lock.acquire()`'s coroutine object: CPython 3.13's `Lock.acquire`. */
class LockAcquire extends WaiterCoro<true> {
  /** @internal */ _lock: Lock;

  constructor(lock: Lock) {
    super();
    this._fut = undefined;
    this._lock = lock;
  }

  override _fastPath(): true | undefined {
    const lock = this._lock;
    // Fair scheduling: jump the queue only when every waiter was cancelled.
    if (lock._locked || !noLiveWaiter(lock._waiters)) return undefined;
    lock._locked = true;
    return true;
  }

  override _makeWaiter(): Future<true> {
    return addWaiter(this._lock);
  }

  override _unregister(fut: Future<true>): void {
    this._lock._waiters!.remove(fut);
  }

  override _onError(error: unknown): void {
    // Woken and then cancelled before taking the lock: pass the turn on, so
    // the next waiter runs (no lost wake-up).
    if (error instanceof CancelledError && !this._lock._locked) this._lock._wakeUpFirst();
  }

  override _onWoken(): void {
    this._lock._locked = true;
  }
}
inlineAwaitable(LockAcquire, "acquire");

const lockEnter = coroutine(
  function* aenter(lock: { acquire(): Coroutine<unknown> }): Coro<undefined> {
    yield* lock.acquire();
    return undefined;
  },
);

/**
 * `async with` for what is acquired and released (CPython's
 * `_ContextManagerMixin`), shared by Lock, Condition, Semaphore and
 * BoundedSemaphore: `aenter` acquires, `aexit` and `Symbol.asyncDispose`
 * release. A class with `acquire()` and `release()` can extend it too.
 *
 * @example
 * ```ts
 * import { asyncWith, ContextManagerMixin, type Coroutine, Lock, run } from "@yieldfrom/asyncio";
 *
 * class Door extends ContextManagerMixin {
 *   lock = new Lock();
 *   acquire(): Coroutine<true> {
 *     console.log("open");
 *     return this.lock.acquire();
 *   }
 *   release(): void {
 *     console.log("close");
 *     this.lock.release();
 *   }
 * }
 * await run(function* () {
 *   yield* asyncWith(new Door(), () => console.log("inside")); // open, inside, close
 * });
 * ```
 */
export abstract class ContextManagerMixin {
  /** Acquire (a coroutine). */
  abstract acquire(): Coroutine<unknown>;

  /** Release. */
  abstract release(): void;

  /** `async with`: acquire. */
  aenter(): Coroutine<undefined> {
    return lockEnter(this);
  }

  /**
   * `async with`: release.
   *
   * @param _error What the body threw, if anything (not swallowed).
   */
  aexit(_error?: unknown): void {
    this.release();
  }

  /** `await using`: release what was acquired just before. */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return disposed();
  }

  /**
   * `using`: release what was acquired just before. Generator coroutines
   * cannot `await using`; `yield* lock.acquire(); using _held = lock;` is
   * their `async with lock:` with no body function at all.
   *
   * @example
   * ```ts
   * import { Lock, run, sleep } from "@yieldfrom/asyncio";
   * const lock = new Lock();
   * await run(function* () {
   *   {
   *     yield* lock.acquire();
   *     using _held = lock;
   *     yield* sleep(0);
   *     console.log(lock.locked()); // true
   *   }
   *   console.log(lock.locked()); // false: released at the end of the block
   * });
   * ```
   */
  [Symbol.dispose](): void {
    this.release();
  }
}
// asyncWith(primitive, body) runs as acquire(); try { body } finally { release() }.
for (const m of [ContextManagerMixin.prototype.aenter, ContextManagerMixin.prototype.aexit]) {
  Object.defineProperty(m, ACQUIRE_RELEASE, { value: true });
}

/**
 * A mutual-exclusion lock (Python's `asyncio.Lock`), not owned by a task:
 * any task may release it.
 *
 * `acquire()` takes the lock at once when it is free and nobody is waiting;
 * otherwise the task waits its turn, strictly first come, first served. A
 * waiter cancelled at any point, even after `release()` chose it, passes
 * its turn to the next waiter. Use it with `asyncWith(lock, body)` or
 * `await using` rather than pairing `acquire`/`release` by hand.
 *
 * @example
 * ```ts
 * import { asyncWith, gather, Lock, run, sleep } from "@yieldfrom/asyncio";
 *
 * const lock = new Lock();
 * function* worker(name: string) {
 *   yield* asyncWith(lock, function* () {
 *     console.log(name, "has the lock");
 *     yield* sleep(0.1);
 *   });
 * }
 * await run(function* () {
 *   yield* gather(worker("a"), worker("b")); // a has the lock, then b
 * }, { clock: "virtual" });
 *
 * // In async code, `await using` releases it at the end of the block:
 * await run(async () => {
 *   await lock.acquire();
 *   await using _held = lock;
 *   console.log(lock.locked()); // true
 * });
 * ```
 */
export class Lock extends ContextManagerMixin {
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _waiters: Deque<Future<true>> | null = null;
  /** @internal */ _locked = false;
  /** @internal Phantom: `asyncWith` gives the body `undefined`. */
  declare readonly __aenterType?: undefined;

  /** Whether the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Take the lock, waiting (FIFO) while someone else holds it.
   *
   * @returns A coroutine of `true`: `yield* lock.acquire()` or `await lock.acquire()`.
   */
  acquire(): Coroutine<true> {
    return new LockAcquire(this);
  }

  /**
   * Release the lock and wake the first waiter, if any.
   *
   * @throws {RuntimeError} When the lock is not held.
   */
  release(): void {
    if (!this._locked) {
      throw new RuntimeError(
        "Lock is not acquired: release() was called on an unlocked lock; release it once per " +
          "acquire() (asyncWith(lock, body) pairs them for you)",
      );
    }
    this._locked = false;
    this._wakeUpFirst();
  }

  /** @internal Make sure the first waiter will wake up. */
  _wakeUpFirst(): void {
    const w = this._waiters;
    if (w === null || w.length === 0) return;
    const fut = w.at(0);
    // A done future is already set to wake its task.
    if (!fut.done()) fut._setResult(true);
  }

  /** Python's repr: `<Lock [locked, waiters:1]>`. */
  [REPR](): string {
    return `<Lock [${withWaiters(this._locked ? "locked" : "unlocked", this._waiters)}]>`;
  }
}
inspectable(Lock);

// --- Event --------------------------------------------------------------------

/** `Event.wait()`'s coroutine object: CPython's `Event.wait`. */
class EventWait extends WaiterCoro<true> {
  /** @internal */ _event: Event;

  constructor(event: Event) {
    super();
    this._fut = undefined;
    this._event = event;
  }

  override _fastPath(): true | undefined {
    return this._event._value ? true : undefined;
  }

  override _makeWaiter(): Future<true> {
    return addWaiter(this._event);
  }

  override _unregister(fut: Future<true>): void {
    this._event._waiters!.remove(fut);
  }
}
inlineAwaitable(EventWait, "wait");

/**
 * A flag tasks can wait for (Python's `asyncio.Event`): `wait()` blocks until
 * `set()` is called, and returns at once while the flag is set; `clear()`
 * resets it.
 *
 * A waiting task costs one Future and no host timer, so any number of tasks
 * can wait on one event.
 *
 * @example
 * ```ts
 * import { createTask, Event, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const ready = new Event();
 *   const waiter = createTask(function* () {
 *     yield* ready.wait();
 *     console.log("go");
 *   });
 *   yield* sleep(1);
 *   ready.set();
 *   yield* waiter; // go
 * }, { clock: "virtual" });
 * ```
 */
export class Event {
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _waiters: Deque<Future<true>> | null = null;
  /** @internal */ _value = false;

  /** Whether the flag is set. */
  isSet(): boolean {
    return this._value;
  }

  /** Set the flag and wake every waiting task (in the order they started waiting). */
  set(): void {
    if (this._value) return;
    this._value = true;
    wakeUp(this._waiters, Infinity, true);
  }

  /** Reset the flag: later `wait()` calls block until the next `set()`. */
  clear(): void {
    this._value = false;
  }

  /**
   * Wait until the flag is set.
   *
   * @returns A coroutine of `true`.
   */
  wait(): Coroutine<true> {
    return new EventWait(this);
  }

  /** Python's repr: `<Event [unset, waiters:2]>`. */
  [REPR](): string {
    return `<Event [${withWaiters(this._value ? "set" : "unset", this._waiters)}]>`;
  }
}
inspectable(Event);

// --- Condition ----------------------------------------------------------------

const conditionWait = coroutine(function* wait(cond: Condition): Coro<true> {
  if (!cond._lock.locked()) {
    throw new RuntimeError(
      "cannot wait on un-acquired lock: acquire the condition (asyncWith(cond, body) or " +
        "cond.acquire()) before wait()",
    );
  }
  const fut = boundLoop(cond).createFuture<boolean>();
  cond.release();
  try {
    try {
      cond._waiters.push(fut);
      try {
        yield* fut;
        return true;
      } finally {
        cond._waiters.remove(fut);
      }
    } finally {
      // Take the lock back even when cancelled; re-throw the last cancellation.
      let err: CancelledError | null = null;
      for (;;) {
        try {
          yield* cond._lock.acquire();
          break;
        } catch (e) {
          // deno-lint-ignore no-unsafe-finally -- Python's semantics: other errors win
          if (!(e instanceof CancelledError)) throw e;
          err = e;
        }
      }
      // deno-lint-ignore no-unsafe-finally -- as Python: the cancellation replaces the result
      if (err !== null) throw err;
    }
  } catch (e) {
    // We may have been notified before the error: notify someone else
    // instead (a spurious wake-up, which the protocol allows).
    cond._notify(1);
    throw e;
  }
});

const conditionWaitFor = coroutine(function* waitFor<T>(
  cond: Condition,
  predicate: () => T,
): Coro<T> {
  let result = predicate();
  while (!result) {
    yield* cond.wait();
    result = predicate();
  }
  return result;
});

/**
 * A condition variable (Python's `asyncio.Condition`): tasks holding its
 * lock `wait()` until another task holding it calls `notify()` or
 * `notifyAll()`.
 *
 * `wait()` releases the lock while waiting and takes it back before
 * returning, even when cancelled. It may return spuriously, so check the
 * state again, or use `waitFor(predicate)`. Several conditions can share
 * one `Lock`.
 *
 * @example
 * ```ts
 * import { asyncWith, Condition, createTask, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const cond = new Condition();
 *   const items: number[] = [];
 *   const consumer = createTask(function* () {
 *     yield* asyncWith(cond, function* () {
 *       yield* cond.waitFor(() => items.length > 0);
 *       console.log("got", items.pop()); // got 1
 *     });
 *   });
 *   yield* asyncWith(cond, () => {
 *     items.push(1);
 *     cond.notify();
 *   });
 *   yield* consumer;
 * });
 * ```
 */
export class Condition extends ContextManagerMixin {
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _lock: Lock;
  /** @internal */ _waiters: Deque<Future<boolean>> = new Deque();
  /** @internal Phantom: `asyncWith` gives the body `undefined`. */
  declare readonly __aenterType?: undefined;

  /**
   * Make a condition.
   *
   * @param lock The lock to use (several conditions may share one); by default a new `Lock`.
   */
  constructor(lock?: Lock | null) {
    super();
    if (lock === undefined || lock === null) lock = new Lock();
    else if (!(lock instanceof Lock)) {
      throw new TypeError(
        `Condition(): lock must be an asyncio Lock, got ${describe(lock)}`,
      );
    }
    this._lock = lock;
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /**
   * Take the underlying lock.
   *
   * @returns A coroutine of `true`.
   */
  acquire(): Coroutine<true> {
    return this._lock.acquire();
  }

  /**
   * Release the underlying lock.
   *
   * @throws {RuntimeError} When it is not held.
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Release the lock, wait to be notified, take the lock back.
   *
   * @returns A coroutine of `true`.
   * @throws {RuntimeError} (from the coroutine) When the lock is not held.
   */
  wait(): Coroutine<true> {
    return conditionWait(this);
  }

  /**
   * Wait until `predicate()` is truthy (JavaScript truthiness), calling
   * `wait()` between checks. The lock must be held.
   *
   * @param predicate Checked first, and again after each wake-up.
   * @returns A coroutine of the predicate's last (truthy) value.
   */
  waitFor<T>(predicate: () => T): Coroutine<T> {
    if (typeof predicate !== "function") {
      throw new TypeError(
        `Condition.waitFor(): predicate must be a function, got ${describe(predicate)}`,
      );
    }
    return conditionWaitFor(this, predicate) as Coroutine<T>;
  }

  /**
   * Wake up to `n` waiting tasks. Each takes the lock back before its
   * `wait()` returns, so release the lock after notifying.
   *
   * @param n How many to wake (default 1).
   * @throws {RuntimeError} When the lock is not held.
   */
  notify(n = 1): void {
    if (typeof n !== "number" || Number.isNaN(n)) {
      throw new TypeError(`Condition.notify(): n must be a number, got ${describe(n)}`);
    }
    if (!this._lock.locked()) {
      throw new RuntimeError(
        "cannot notify on un-acquired lock: acquire the condition before notify()",
      );
    }
    this._notify(n);
  }

  /** @internal */
  _notify(n: number): void {
    wakeUp(this._waiters, n, false);
  }

  /**
   * Wake every waiting task.
   *
   * @throws {RuntimeError} When the lock is not held.
   */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  /** Python's repr: `<Condition [locked, waiters:1]>`. */
  [REPR](): string {
    return `<Condition [${
      withWaiters(this._lock.locked() ? "locked" : "unlocked", this._waiters)
    }]>`;
  }
}
inspectable(Condition);

// --- Semaphore ----------------------------------------------------------------

/** `Semaphore.acquire()`'s coroutine object: CPython 3.13's `Semaphore.acquire`. */
class SemaphoreAcquire extends WaiterCoro<true> {
  /** @internal */ _sem: Semaphore;

  constructor(sem: Semaphore) {
    super();
    this._fut = undefined;
    this._sem = sem;
  }

  override _fastPath(): true | undefined {
    const sem = this._sem;
    // FIFO: take it at once only when nobody is waiting.
    if (sem.locked()) return undefined;
    sem._value--;
    return true;
  }

  override _makeWaiter(): Future<true> {
    return addWaiter(this._sem);
  }

  override _unregister(fut: Future<true>): void {
    this._sem._waiters!.remove(fut);
  }

  override _onError(error: unknown, fut: Future<true>): void {
    // Woken by release() but cancelled before returning: give the unit back.
    if (error instanceof CancelledError && fut.done() && !fut.cancelled()) this._sem._value++;
  }

  override _finally(): void {
    // Waiters that arrived meanwhile had to queue: wake as many as allowed.
    const sem = this._sem;
    while (sem._value > 0) {
      if (!sem._wakeUpNext()) break;
    }
  }
}
inlineAwaitable(SemaphoreAcquire, "acquire");

/**
 * A semaphore (Python's `asyncio.Semaphore`): a counter that `acquire()`
 * decrements, waiting (FIFO) while it is 0, and `release()` increments.
 * Use it to bound how many tasks do something at once.
 *
 * @example
 * ```ts
 * import { asyncWith, gather, run, Semaphore, sleep } from "@yieldfrom/asyncio";
 * const sem = new Semaphore(2);
 * let running = 0;
 * function* job() {
 *   yield* asyncWith(sem, function* () {
 *     running++;
 *     console.log("running:", running); // never more than 2
 *     yield* sleep(1);
 *     running--;
 *   });
 * }
 * await run(function* () {
 *   yield* gather(job(), job(), job(), job());
 * }, { clock: "virtual" });
 * ```
 */
export class Semaphore extends ContextManagerMixin {
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _waiters: Deque<Future<true>> | null = null;
  /** @internal */ _value: number;
  /** @internal Phantom: `asyncWith` gives the body `undefined`. */
  declare readonly __aenterType?: undefined;

  /**
   * Make a semaphore.
   *
   * @param value The initial counter, an integer >= 0 (default 1).
   * @throws {ValueError} When `value` is negative (or not an integer).
   */
  constructor(value = 1) {
    super();
    this._value = checkCount(`${new.target.name}()`, "the initial value", value, 0);
  }

  /**
   * Whether `acquire()` would wait: the counter is 0, or tasks are waiting
   * (they go first).
   */
  locked(): boolean {
    return this._value === 0 || !noLiveWaiter(this._waiters);
  }

  /**
   * Decrement the counter, waiting (FIFO) while it is 0.
   *
   * @returns A coroutine of `true`.
   */
  acquire(): Coroutine<true> {
    return new SemaphoreAcquire(this);
  }

  /** Increment the counter and wake the first waiter, if any. */
  release(): void {
    this._value++;
    this._wakeUpNext();
  }

  /** @internal Wake the first waiter that is not done. */
  _wakeUpNext(): boolean {
    if (wakeUp(this._waiters, 1, true) === 0) return false;
    this._value--;
    return true;
  }

  /** Python's repr: `<Semaphore [unlocked, value:2]>`. */
  [REPR](): string {
    const extra = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${withWaiters(extra, this._waiters)}]>`;
  }
}
inspectable(Semaphore);

/**
 * A semaphore that refuses to be released more often than acquired
 * (Python's `asyncio.BoundedSemaphore`): `release()` above the initial value
 * throws `ValueError`, which catches a release without an acquire.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore, ValueError } from "@yieldfrom/asyncio";
 * const sem = new BoundedSemaphore(1);
 * try {
 *   sem.release();
 * } catch (e) {
 *   console.log(e instanceof ValueError); // true
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal */ _boundValue: number;

  /**
   * Make a bounded semaphore.
   *
   * @param value The initial and largest counter, an integer >= 0 (default 1).
   * @throws {ValueError} When `value` is negative (or not an integer).
   */
  constructor(value = 1) {
    super(value);
    this._boundValue = value;
  }

  /**
   * Increment the counter and wake the first waiter.
   *
   * @throws {ValueError} When the counter would exceed its initial value.
   */
  override release(): void {
    if (this._value >= this._boundValue) {
      throw new ValueError(
        `BoundedSemaphore released too many times: the value would exceed ${this._boundValue}; ` +
          `release once per acquire()`,
      );
    }
    super.release();
  }
}

// --- Barrier ------------------------------------------------------------------

const FILLING = "filling", DRAINING = "draining", RESETTING = "resetting", BROKEN = "broken";
type BarrierState = typeof FILLING | typeof DRAINING | typeof RESETTING | typeof BROKEN;

function* barrierBlock(b: Barrier): Coro<void> {
  // Wait while the barrier drains or resets; fail if it is broken.
  yield* b._cond.waitFor(() => b._state !== DRAINING && b._state !== RESETTING);
  if (b._state === BROKEN) throw new BrokenBarrierError("Barrier aborted");
}

function* barrierWaitReleased(b: Barrier): Coro<void> {
  yield* b._cond.waitFor(() => b._state !== FILLING);
  if (b._state === BROKEN || b._state === RESETTING) {
    throw new BrokenBarrierError("Abort or reset of barrier");
  }
}

const barrierWait = coroutine(function* wait(b: Barrier): Coro<number> {
  yield* b._cond.acquire();
  try {
    yield* barrierBlock(b);
    const index = b._count++;
    try {
      if (index + 1 === b._parties) {
        // The last to arrive releases the others and does not wait.
        b._state = DRAINING;
        b._cond.notifyAll();
      } else {
        yield* barrierWaitReleased(b);
      }
      return index;
    } finally {
      b._count--;
      // The last to leave lets the tasks blocked by the draining in.
      if (b._count === 0) {
        if (b._state === RESETTING || b._state === DRAINING) b._state = FILLING;
        b._cond.notifyAll();
      }
    }
  } finally {
    b._cond.release();
  }
});

/** `async with b._cond:` move to the state `next()` gives, and tell every waiter. */
function* barrierChange(b: Barrier, next: () => BarrierState): Coro<void> {
  yield* b._cond.acquire();
  try {
    b._state = next();
    b._cond.notifyAll();
  } finally {
    b._cond.release();
  }
}

const barrierReset = coroutine(function* reset(b: Barrier): Coro<void> {
  // Waiters of the current round throw; with none, the barrier just fills again.
  yield* barrierChange(b, () => (b._count > 0 ? RESETTING : FILLING));
});

const barrierAbort = coroutine(function* abort(b: Barrier): Coro<void> {
  yield* barrierChange(b, () => BROKEN);
});

/**
 * A barrier for a fixed number of tasks (Python's `asyncio.Barrier`): each
 * `wait()` blocks until `parties` tasks are waiting, then all go on
 * together. `wait()` returns the arrival index, 0 to `parties - 1`; the last
 * to arrive does not block. The barrier then fills again for the next round.
 *
 * `abort()` breaks it: waiting and later `wait()` calls throw
 * `BrokenBarrierError`. `reset()` makes the current waiters throw
 * `BrokenBarrierError` and starts a fresh round.
 *
 * @example
 * ```ts
 * import { Barrier, gather, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const barrier = new Barrier(3);
 *   function* party(name: string) {
 *     const index = yield* barrier.wait();
 *     console.log(name, "passed as", index);
 *   }
 *   yield* gather(party("a"), party("b"), party("c")); // c passed as 2, a as 0, b as 1
 * });
 * ```
 */
export class Barrier {
  /** @internal */ _cond: Condition = new Condition();
  /** @internal */ _parties: number;
  /** @internal */ _state: BarrierState = FILLING;
  /** @internal */ _count = 0;
  /** @internal Phantom: `asyncWith` gives the body the arrival index. */
  declare readonly __aenterType?: number;

  /**
   * Make a barrier.
   *
   * @param parties How many tasks must wait before they all go on (an integer >= 1).
   * @throws {ValueError} When `parties` is less than 1 (or not an integer).
   */
  constructor(parties: number) {
    this._parties = checkCount("Barrier()", "parties", parties, 1);
  }

  /**
   * Wait until `parties` tasks wait.
   *
   * @returns A coroutine of this task's arrival index (0 to `parties - 1`).
   * @throws {BrokenBarrierError} (from the coroutine) When the barrier is
   * broken or reset while waiting.
   */
  wait(): Coroutine<number> {
    return barrierWait(this);
  }

  /**
   * Start over: the tasks waiting now throw `BrokenBarrierError`, and the
   * barrier fills again (a broken barrier is repaired).
   *
   * @returns A coroutine (Python's `reset()` is a coroutine too).
   */
  reset(): Coroutine<void> {
    return barrierReset(this);
  }

  /**
   * Break the barrier: waiting tasks and every later `wait()` throw
   * `BrokenBarrierError` (until `reset()`).
   *
   * @returns A coroutine (Python's `abort()` is a coroutine too).
   */
  abort(): Coroutine<void> {
    return barrierAbort(this);
  }

  /** How many tasks must wait for the barrier to open. */
  get parties(): number {
    return this._parties;
  }

  /** How many tasks wait now (0 while the barrier drains, resets or is broken). */
  get nWaiting(): number {
    return this._state === FILLING ? this._count : 0;
  }

  /** Whether the barrier is broken (aborted). */
  get broken(): boolean {
    return this._state === BROKEN;
  }

  /** `async with barrier as index`: `wait()`. */
  aenter(): Coroutine<number> {
    return barrierWait(this);
  }

  /**
   * `async with barrier`: nothing.
   *
   * @param _error What the body threw, if anything (not swallowed).
   */
  aexit(_error?: unknown): void {}

  /** `await using`: nothing to undo (Python's `__aexit__` does nothing either). */
  [Symbol.asyncDispose](): Promise<void> {
    return disposed();
  }

  /** Python's repr: `<Barrier [filling, waiters:1/3]>`. */
  [REPR](): string {
    let extra: string = this._state;
    if (this._state !== BROKEN) extra += `, waiters:${this.nWaiting}/${this._parties}`;
    return `<Barrier [${extra}]>`;
  }
}
inspectable(Barrier);
