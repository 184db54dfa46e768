/**
 * `Future`: a result that will be set later, awaitable with `yield*` and
 * with `await`.
 *
 * A Future is its own iterator: `yield* fut` calls `fut.next()`, which
 * yields the future itself while it is pending (the task then sleeps until
 * it is done) and returns its result, or throws its exception, once it is
 * done. The iterator results are two shared objects, so `yield* fut`
 * allocates nothing.
 *
 * @module
 */

import { driverStorage } from "./async_context.ts";
import { asError, CancelledError, InvalidStateError, RuntimeError } from "./errors.ts";
import { describe, isGeneratorObject, REPR, shortRepr } from "./format_helpers.ts";
import { type AbstractEventLoop, getEventLoop } from "./events.ts";
import { createdAt } from "./debug.ts";
import {
  beginCallback,
  callbackName,
  captureContext,
  Context,
  contextState,
  endCallback,
  type VarMap,
  WRAPPED,
} from "./context_vars.ts";

/** @internal Future states. */
export const PENDING = 0, RESULT = 1, EXCEPTION = 2, CANCELLED = 3;
const STATE_NAMES = ["pending", "finished", "finished", "cancelled"];

/**
 * @internal What drives coroutine code: a Task. While an async-function body
 * runs, the task driving it is the store of `driverStorage` (async_context.ts), so
 * that a Future awaited with `await` can register with it and be cancelled
 * when the task is.
 */
export interface Driver {
  _loop: AbstractEventLoop;
  _state: number;
  _mustCancel: boolean;
  _cancelMessage: string | undefined;
  /** The future its coroutine waits on, if any. */
  _waiter: Future<unknown> | null;
  _step(): void;
  _takeMustCancel(): CancelledError | null;
  _addAsyncWaiter(fut: Future<unknown>): void;
  _removeAsyncWaiter(fut: Future<unknown>): void;
  /** Its async code awaits the pending `fut`; `waker._step()` runs when `fut` is done. */
  _awaitFrom(fut: Future<unknown>, waker: object): void;
  /** Its async code is woken from `fut` (`null`: a bare yield): the cancellation to throw in, if any. */
  _wokenFrom(fut: Future<unknown> | null): CancelledError | null;
  _spawnNested(
    coro: Generator<unknown, unknown, unknown>,
    onFinish: () => void,
  ): Driver & Future<unknown>;
  _bodyStarted(): void;
  _bodyEnded(): void;
}

/** Futures whose repr is being computed (see `Future[REPR]`). */
const inRepr = new Set<Future<unknown>>();

/** @internal Marks a `then` callback that may settle without the loop. */
const DIRECT: unique symbol = Symbol("direct");

/** @internal Schedules a waiting task's step. */
export const STEP = (driver: Driver): void => driver._step();

// The two iterator results every Future returns. `yield*` reads `done` and
// `value` at once, before any other future can overwrite them.
const PENDING_ITER = { done: false, value: undefined as unknown };

/**
 * @internal What `_result` holds while a pending future is being waited on
 * through `yield*` (Python's `_asyncio_future_blocking`): `next()` sets it,
 * the task that receives the future clears it. A yielded future without it
 * was yielded with a bare `yield`. (`_result` is unused while pending.)
 */
export const BLOCKING: unique symbol = Symbol("blocking");
const DONE_ITER = { done: true, value: undefined as unknown };

/**
 * @internal A shared `{ done: false, value }`: what a hand-written coroutine
 * object's `next()` returns to yield (its caller reads it at once).
 */
// deno-lint-ignore no-explicit-any
export function iterYield(value: unknown): IteratorResult<any, any> {
  PENDING_ITER.value = value;
  return PENDING_ITER as IteratorResult<unknown, unknown>;
}

/** @internal A shared `{ done: true, value }`: a hand-written coroutine object returns. */
// deno-lint-ignore no-explicit-any
export function iterReturn(value: unknown): IteratorResult<any, any> {
  DONE_ITER.value = value;
  return DONE_ITER as IteratorResult<unknown, unknown>;
}

/** Extra state most futures never need, kept out of the object. */
export interface FutureExtra {
  /** An exception nobody has looked at yet. */
  logTraceback?: boolean;
  cancelMessage?: string;
  /** The CancelledError to throw for a task cancelled by one (Python's `_cancelled_exc`). */
  cancelledExc?: CancelledError;
  sourceTraceback?: string;
  /** The unretrieved-exception tracker's record. */
  unretrieved?: object;
  /** Debug mode: a pending task reported if it is collected (see debug.ts). */
  tracked?: boolean;
}

/** `callback` running in a context of its own (see `addDoneCallback`). */
function inContext<T>(callback: DoneCallback<T>, vars: VarMap | Context): DoneCallback<T> {
  const wrapper = (fut: Future<T>): unknown => {
    const prev = beginCallback(vars);
    try {
      return callback(fut);
    } finally {
      endCallback(prev);
    }
  };
  (wrapper as { [WRAPPED]?: unknown })[WRAPPED] = callback;
  return wrapper;
}

/** A function called with a future once it is done. */
// deno-lint-ignore no-explicit-any
export type DoneCallback<T> = (fut: Future<T>) => any;

/**
 * A result that is not ready yet (Python's `asyncio.Future`). Someone sets
 * it with `setResult()`/`setException()` or cancels it with `cancel()`;
 * tasks wait for it with `yield* fut` or `await fut`. Made by
 * `loop.createFuture()`.
 *
 * Done callbacks run through `loop.callSoon()`, one loop iteration after the
 * future completes, in the order they were added.
 *
 * @typeParam T The type of the result.
 *
 * @example
 * ```ts
 * import { createTask, getRunningLoop, run, sleep, type Future } from "@yieldfrom/asyncio";
 *
 * function* setAfter(fut: Future<string>) {
 *   yield* sleep(0.1);
 *   fut.setResult("2");
 * }
 * await run(function* () {
 *   const fut = getRunningLoop().createFuture<string>();
 *   createTask(setAfter(fut));
 *   console.log(yield* fut); // 2
 * });
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T>, Iterator<Future<T>, T, unknown> {
  /** @internal */ _state = PENDING;
  /** @internal The result, or the exception when `_state` is EXCEPTION. */ _result: unknown =
    undefined;
  /** @internal */ _loop: AbstractEventLoop;
  /**
   * @internal The done callbacks: `null`, one callback (a function, or a
   * Driver to wake), or an array of them.
   */
  _callbacks: unknown = null;
  /**
   * @internal Whether this is an async-function body's future (on the
   * prototype: `false` here): a task waiting on it is cancelled through the
   * body's own awaits, never by cancelling it.
   */
  declare _bridge: boolean;
  /** @internal Rarely needed state (see FutureExtra), made on first use. */
  _extra: FutureExtra | null = null;

  /**
   * Make a pending future. Prefer `loop.createFuture()`.
   *
   * @param loop The loop it belongs to; by default `getEventLoop()`.
   */
  constructor(loop?: AbstractEventLoop) {
    this._loop = loop ?? getEventLoop();
    if (this._loop.getDebug()) this._x().sourceTraceback = new Error().stack;
  }

  /** @internal */
  _x(): FutureExtra {
    return this._extra ??= {};
  }

  /** @internal An exception nobody has looked at yet. */
  get _logTraceback(): boolean {
    return this._extra?.logTraceback === true;
  }
  set _logTraceback(v: boolean) {
    if (v || this._extra !== null) this._x().logTraceback = v;
  }

  /** @internal The message given to `cancel(msg)`. */
  get _cancelMessage(): string | undefined {
    return this._extra?.cancelMessage;
  }
  set _cancelMessage(msg: string | undefined) {
    if (msg !== undefined || this._extra !== null) this._x().cancelMessage = msg;
  }

  /** The loop this future belongs to. */
  getLoop(): AbstractEventLoop {
    return this._loop;
  }

  /** Whether it is done: it has a result or an exception, or was cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /** Whether it was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * The result. Throws the future's exception if it has one,
   * `CancelledError` if it was cancelled, and `InvalidStateError` while it
   * is pending.
   */
  result(): T {
    switch (this._state) {
      case RESULT:
        return this._result as T;
      case EXCEPTION:
        this._retrieved();
        throw this._result;
      case CANCELLED:
        throw this._makeCancelledError();
    }
    throw new InvalidStateError(
      `Result is not ready: ${this[REPR]()} is pending; wait for it (yield* or await) first`,
    );
  }

  /**
   * The exception, or `undefined` when it finished with a result. Throws
   * `CancelledError` if it was cancelled and `InvalidStateError` while
   * pending.
   */
  exception(): unknown {
    switch (this._state) {
      case RESULT:
        return undefined;
      case EXCEPTION:
        this._retrieved();
        return this._result;
      case CANCELLED:
        throw this._makeCancelledError();
    }
    throw new InvalidStateError(
      `Exception is not set: ${this[REPR]()} is pending; wait for it (yield* or await) first`,
    );
  }

  /**
   * Set the result and schedule the done callbacks.
   *
   * @param result The value.
   * @throws {InvalidStateError} When the future is already done.
   */
  setResult(result: T): void {
    if (this._state !== PENDING) throw this._doneError("setResult");
    this._setResult(result);
  }

  /**
   * Set an exception and schedule the done callbacks.
   *
   * @param exception The error that awaiting the future will throw.
   * @throws {InvalidStateError} When the future is already done.
   */
  setException(exception: unknown): void {
    if (this._state !== PENDING) throw this._doneError("setException");
    if (exception === undefined) {
      throw new TypeError("setException(): expected an error, got undefined");
    }
    this._setException(exception);
  }

  /**
   * Cancel the future: it becomes done and awaiting it throws
   * `CancelledError(msg)`.
   *
   * @param msg The message of the `CancelledError`.
   * @returns `false` if it was already done, else `true`.
   */
  cancel(msg?: string): boolean {
    return this._cancel(msg);
  }

  /**
   * Call `callback(future)` once the future is done, through
   * `loop.callSoon()` (at once if it is already done).
   *
   * @param callback Called with the future.
   * @param options `context`: the Context the callback runs in; by default
   * a copy of the current one.
   */
  addDoneCallback(callback: DoneCallback<T>, options?: { context?: Context }): void {
    if (typeof callback !== "function") {
      throw new TypeError(`addDoneCallback(): expected a function, got ${describe(callback)}`);
    }
    const context = options?.context;
    if (context !== undefined && !(context instanceof Context)) {
      throw new TypeError(
        `addDoneCallback(): the context option must be a Context, got ${describe(context)}`,
      );
    }
    if (this._state !== PENDING) {
      // The handle runs it in its context, as Python's call_soon(cb, fut, context=...).
      if (context !== undefined) this._loop.callSoon({ context }, callback, this);
      else this._loop.callSoon(callback, this);
      return;
    }
    // A callback runs in a copy of the current context; while no variable
    // was ever set there is nothing to copy and it is queued as it is.
    if (context !== undefined || contextState.used) {
      callback = inContext(callback, context ?? captureContext());
    }
    this._addCallback(callback);
  }

  /**
   * Remove every registration of `callback`.
   *
   * @param callback A function given to `addDoneCallback`.
   * @returns How many were removed.
   */
  removeDoneCallback(callback: DoneCallback<T>): number {
    return this._removeCallback(callback);
  }

  /** @internal Add a callback: a function, or a Driver whose step to schedule. */
  _addCallback(cb: unknown): void {
    const cbs = this._callbacks;
    if (cbs === null) this._callbacks = cb;
    else if (Array.isArray(cbs)) cbs.push(cb);
    else this._callbacks = [cbs, cb];
  }

  /** @internal The done callbacks as an array (a new one). */
  _callbackList(): unknown[] {
    const cbs = this._callbacks;
    return cbs === null ? [] : Array.isArray(cbs) ? cbs.slice() : [cbs];
  }

  /** @internal */
  _removeCallback(cb: unknown): number {
    const all = this._callbackList();
    const kept = all.filter((c) => c !== cb && (c as { [WRAPPED]?: unknown })[WRAPPED] !== cb);
    const removed = all.length - kept.length;
    if (removed > 0) {
      this._callbacks = kept.length === 0 ? null : kept.length === 1 ? kept[0] : kept;
    }
    return removed;
  }

  /** @internal Complete with a result (no state check). */
  _setResult(result: unknown): void {
    this._result = result;
    this._state = RESULT;
    this._scheduleCallbacks();
  }

  /**
   * @internal Complete with an exception (no state check). A thrown value
   * that is not an Error is wrapped (see ThrownValueError).
   */
  _setException(exception: unknown): void {
    this._result = asError(exception);
    this._state = EXCEPTION;
    this._logTraceback = true;
    this._loop._trackUnretrieved(this);
    this._scheduleCallbacks();
  }

  /** @internal Python's `Future.cancel`. */
  _cancel(msg?: string): boolean {
    this._retrieved();
    if (this._state !== PENDING) return false;
    this._state = CANCELLED;
    this._cancelMessage = msg;
    this._scheduleCallbacks();
    return true;
  }

  /** @internal The exception was looked at: do not report it as never retrieved. */
  _retrieved(): void {
    if (this._logTraceback) {
      this._logTraceback = false;
      this._loop._untrackUnretrieved(this);
    }
  }

  /** @internal What the unretrieved-exception report names besides the class (see Task). */
  _reportInfo(): { name?: string; coro?: string } {
    return {};
  }

  /** @internal */
  _makeCancelledError(): CancelledError {
    const saved = this._extra?.cancelledExc;
    if (saved !== undefined) return saved;
    return new CancelledError(this._cancelMessage);
  }

  /** @internal */
  _doneError(method: string): InvalidStateError {
    return new InvalidStateError(
      `${method}() called on a future that is already done (${
        this[REPR]()
      }); a future completes once — check done() first`,
    );
  }

  /**
   * @internal Schedule every done callback with the loop, in order: a
   * waiting task's step, or `callback(future)` queued directly (no Handle;
   * the loop reports a callback that throws).
   */
  _scheduleCallbacks(): void {
    const cbs = this._callbacks;
    if (cbs === null) return;
    const loop = this._loop;
    this._callbacks = null;
    if (!loop.isRunning()) {
      this._scheduleIdle(Array.isArray(cbs) ? cbs : [cbs]);
      return;
    }
    if (!Array.isArray(cbs)) {
      if (typeof cbs === "function") loop._schedule(cbs as (f: Future<T>) => void, this);
      else loop._schedule(STEP, cbs as Driver);
      return;
    }
    for (let i = 0; i < cbs.length; i++) {
      const cb = cbs[i];
      if (typeof cb === "function") loop._schedule(cb as (f: Future<T>) => void, this);
      else loop._schedule(STEP, cb as Driver);
    }
  }

  /**
   * @internal Callbacks of a future completed while its loop is not running:
   * a `then` made outside any task settles at once (nothing else would run
   * it); the rest wait in the loop's queue for it to run, as in Python
   * (completing a future of a closed loop throws RuntimeError).
   */
  _scheduleIdle(cbs: unknown[]): void {
    const loop = this._loop;
    const queued = cbs.filter((cb) => !(cb as { [DIRECT]?: boolean })[DIRECT]);
    if (queued.length > 0 && loop.isClosed()) throw loop._closedError();
    for (const cb of cbs) {
      if ((cb as { [DIRECT]?: boolean })[DIRECT]) queueMicrotask(() => (cb as Driver)._step());
      else if (typeof cb === "function") loop._schedule(cb as (f: Future<T>) => void, this);
      else loop._schedule(STEP, cb as Driver);
    }
  }

  // --- yield* protocol ---------------------------------------------------

  /** The future is its own iterator, so `yield* fut` works. */
  [Symbol.iterator](): Iterator<Future<T>, T, unknown> {
    return this;
  }

  /**
   * The `yield*` step: yields the future itself while it is pending, then
   * returns its result (or throws its exception).
   */
  next(): IteratorResult<Future<T>, T> {
    if (this._state === PENDING) {
      this._result = BLOCKING;
      PENDING_ITER.value = this;
      return PENDING_ITER as IteratorResult<Future<T>, T>;
    }
    DONE_ITER.value = this.result();
    return DONE_ITER as IteratorResult<Future<T>, T>;
  }

  /** Rethrows `error`, so an exception thrown into `yield* fut` reaches the caller. */
  throw(error?: unknown): IteratorResult<Future<T>, T> {
    throw error;
  }

  /** Ends a `yield*` early (when the generator is closed). */
  return(value?: T): IteratorResult<Future<T>, T> {
    return { done: true, value: value as T };
  }

  // --- await protocol ----------------------------------------------------

  /**
   * Awaiting a future from async code: settles with its result or
   * exception. Inside a task's async body the future becomes what the task
   * waits on, so cancelling the task cancels the future.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const driver = driverStorage.getStore();
    const loop = this._loop;
    loop._needMicrotasks();
    const pending = this._state === PENDING;
    const promise = new Promise<R1 | R2>(capture);
    const w = new FutureAwait<T, R1, R2>(
      this,
      pending ? driver : undefined,
      capturedResolve as (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
      capturedReject,
      onfulfilled,
      onrejected,
    );
    if (driver !== undefined && driver._state === PENDING) {
      if (driver._loop !== loop) {
        const err = new RuntimeError(
          `a task of one event loop awaited ${this[REPR]()}, which belongs to another loop`,
        );
        w._rejectWith(err);
        return promise;
      }
      if (pending) {
        driver._awaitFrom(this, w);
        return promise;
      }
    }
    // A done future does not suspend the awaiting code: its outcome comes
    // at once, and a pending cancel request waits for a real suspension.
    if (!pending) queueMicrotask(() => w._step());
    else {
      // Code outside any task can wait on a future of a loop that is not
      // running (a job submitted before run()): it settles without the loop.
      if (driver === undefined) w[DIRECT] = true;
      this._addCallback(w);
    }
    return promise;
  }

  // --- repr --------------------------------------------------------------

  /** @internal */
  _reprInfo(): string[] {
    const info = [STATE_NAMES[this._state]];
    if (this._state === RESULT) info.push(`result=${shortRepr(this._result)}`);
    else if (this._state === EXCEPTION) info.push(`exception=${shortRepr(this._result)}`);
    const cbs = this._callbackList();
    if (cbs.length > 0) {
      const fmt = (cb: unknown) =>
        typeof cb === "function" ? `${callbackName(cb)}()` : "Task.wakeup()";
      const shown = cbs.length <= 2
        ? cbs.map(fmt).join(", ")
        : `${fmt(cbs[0])}, <${cbs.length - 2} more>, ${fmt(cbs[cbs.length - 1])}`;
      info.push(`cb=[${shown}]`);
    }
    const where = createdAt(this._extra?.sourceTraceback);
    if (where !== undefined) info.push(`created at ${where}`);
    return info;
  }

  /**
   * Python's repr: `<Future pending>`, `<Future finished result=1>`... A
   * future found again inside its own repr (a task whose result is itself)
   * prints as `...`, as `reprlib.recursive_repr` does.
   */
  [REPR](): string {
    if (inRepr.has(this)) return "...";
    inRepr.add(this);
    try {
      return `<${this.constructor.name} ${this._reprInfo().join(" ")}>`;
    } finally {
      inRepr.delete(this);
    }
  }

  /** The repr. */
  toString(): string {
    return this[REPR]();
  }

  /** @internal Deno's console shows the repr. */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

Object.defineProperty(Future.prototype, "_bridge", { value: false });

// The executor of the promises `Future.then` makes: it hands out the
// resolving functions without a closure per promise.
let capturedResolve: (v: unknown) => void = () => {};
let capturedReject: (e: unknown) => void = () => {};
function capture(resolve: (v: never) => void, reject: (e: unknown) => void): void {
  capturedResolve = resolve as (v: unknown) => void;
  capturedReject = reject;
}

/**
 * @internal The promise a `then` call made, with the callbacks it was
 * given: what one `await` settles. `FutureAwait` and the in-place awaiting
 * of the small library coroutines (inline_await.ts) are this plus what they
 * wait on.
 */
export class ThenTarget<T, R1, R2> {
  /** @internal */ _resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void;
  /** @internal */ _reject: (e: unknown) => void;
  /** @internal */ _onfulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined;
  /** @internal */ _onrejected: ((reason: unknown) => R2 | PromiseLike<R2>) | null | undefined;

  constructor(
    resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
    reject: (e: unknown) => void,
    onfulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined,
    onrejected: ((reason: unknown) => R2 | PromiseLike<R2>) | null | undefined,
  ) {
    this._resolve = resolve;
    this._reject = reject;
    this._onfulfilled = onfulfilled;
    this._onrejected = onrejected;
  }

  /** @internal Settle the promise with `value`, through `onfulfilled`. */
  _fulfillWith(value: T): void {
    fulfillInto(value, this._resolve, this._reject, this._onfulfilled, this._onrejected);
  }

  /** @internal Settle the promise with the error `e`, through `onrejected`. */
  _rejectWith(e: unknown): void {
    rejectInto(e, this._resolve, this._reject, this._onrejected);
  }
}

/**
 * One `await fut` (a `then` call): the future's done callback (a future
 * calls `_step()` of a callback that is not a function), settling the
 * promise `then` returned. Awaited by a task's async code (`_driver`), the
 * future is what the task waits on until then.
 */
class FutureAwait<T, R1, R2> extends ThenTarget<T, R1, R2> {
  /** @internal */ _fut: Future<T>;
  /** @internal The task whose async code waits, while the future is pending. */
  _driver: Driver | undefined;
  /** @internal Settles without the loop (see `Future.then`). */
  [DIRECT]?: boolean;

  constructor(
    fut: Future<T>,
    driver: Driver | undefined,
    resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
    reject: (e: unknown) => void,
    onfulfilled: ((value: T) => R1 | PromiseLike<R1>) | null | undefined,
    onrejected: ((reason: unknown) => R2 | PromiseLike<R2>) | null | undefined,
  ) {
    super(resolve, reject, onfulfilled, onrejected);
    this._fut = fut;
    this._driver = driver;
  }

  /** The future is done: settle the promise. */
  _step(): void {
    const fut = this._fut;
    const driver = this._driver;
    const cancelled = driver === undefined ? null : driver._wokenFrom(fut);
    if (cancelled !== null) {
      fut._loop._needMicrotasks();
      this._rejectWith(cancelled);
    } else {
      settleInto(fut, this._resolve, this._reject, this._onfulfilled, this._onrejected);
    }
  }
}

/**
 * @internal Settle a promise (made by a `then` call) with the outcome of the
 * done future `fut`, through the `then` callbacks, and mark the loop as
 * wanting its microtasks run.
 */
export function settleInto<T, R1, R2>(
  fut: Future<T>,
  resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
  reject: (e: unknown) => void,
  onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
  onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
): void {
  fut._loop._needMicrotasks();
  if (fut._state === RESULT) {
    fulfillInto(fut._result as T, resolve, reject, onfulfilled, onrejected);
    return;
  }
  let error: unknown;
  try {
    fut.result();
  } catch (e) {
    error = e;
  }
  rejectInto(error, resolve, reject, onrejected);
}

/**
 * @internal Settle a promise (made by a `then` call) with `value`, through
 * the `then` callbacks.
 */
function fulfillInto<T, R1, R2>(
  value: T,
  resolve: (v: R1 | R2 | PromiseLike<R1 | R2>) => void,
  reject: (e: unknown) => void,
  onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
  onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
): void {
  let v: unknown;
  try {
    v = promiseValue(value, "await");
  } catch (e) {
    // The value cannot be delivered: the awaiting code gets the error
    // (through onrejected: an `await` ignores the promise `then` returns).
    rejectInto(e, resolve, reject, onrejected);
    return;
  }
  try {
    resolve(onfulfilled ? onfulfilled(v as T) : v as R1);
  } catch (e) {
    reject(e);
  }
}

/**
 * @internal A value about to settle a promise. A promise adopts any thenable
 * it is given, so a Future, Task or coroutine object as the value would be
 * awaited in its place (a coroutine run as a new task, a task whose result
 * is itself awaited forever): refuse it with an error that says what to do.
 * A host promise is adopted, as JavaScript users expect.
 */
export function promiseValue(value: unknown, where: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (
    (value instanceof Future || isGeneratorObject(value)) &&
    typeof (value as PromiseLike<unknown>).then === "function"
  ) {
    throw new TypeError(
      `${where}: the result is ${describe(value)}, which a promise cannot carry (it would ` +
        `await it instead); wait for it with yield* in a generator coroutine, or return it ` +
        `inside an object or array`,
    );
  }
  return value;
}

/** @internal Reject through `onrejected` if there is one. */
function rejectInto<R>(
  error: unknown,
  resolve: (v: R | PromiseLike<R>) => void,
  reject: (e: unknown) => void,
  onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
): void {
  if (!onrejected) {
    reject(error);
    return;
  }
  try {
    resolve(onrejected(error));
  } catch (e) {
    reject(e);
  }
}

/**
 * Whether `x` is a Future (or a Task, which is one).
 *
 * @param x Anything.
 * @returns `true` for Futures and Tasks.
 *
 * @example
 * ```ts
 * import { isFuture, newEventLoop } from "@yieldfrom/asyncio";
 * const loop = newEventLoop();
 * console.log(isFuture(loop.createFuture()), isFuture(Promise.resolve())); // true false
 * loop.close();
 * ```
 */
export function isFuture(x: unknown): x is Future<unknown> {
  return x instanceof Future;
}

/**
 * @internal Python's `_chain_future`: copy the outcome of `source` to
 * `dest` when it completes, and cancel `source` when `dest` is cancelled.
 */
export function _chainFuture<T>(source: Future<T>, dest: Future<T>): void {
  source.addDoneCallback(() => {
    if (dest.done()) return;
    if (source.cancelled()) dest.cancel(source._cancelMessage);
    else if (source._state === EXCEPTION) dest._setException(source.exception());
    else dest._setResult(source.result());
  });
  dest.addDoneCallback(() => {
    if (dest.cancelled() && !source.done()) source.cancel(dest._cancelMessage);
  });
}
