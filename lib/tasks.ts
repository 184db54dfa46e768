/**
 * `Task`, the step function that drives a coroutine, and the task-level
 * functions: `createTask`, `ensureFuture`, `currentTask`, `allTasks`,
 * `sleep`, `eagerTaskFactory` (CPython's `tasks.py`).
 *
 * @module
 */

import { driverStorage } from "./async_context.ts";
import { CancelledError, RuntimeError, ValueError } from "./errors.ts";
import { describe, formatException, REPR, shortRepr } from "./format_helpers.ts";
import { _getRunningLoop, type AbstractEventLoop, getEventLoop, getRunningLoop } from "./events.ts";
import {
  BLOCKING,
  CANCELLED,
  type Driver,
  EXCEPTION,
  Future,
  type FutureExtra,
  iterReturn,
  iterYield,
  PENDING,
  RESULT,
  STEP,
} from "./futures.ts";
import {
  type AwaitableOrThunk,
  claimCoroutine,
  type Coro,
  coroInfo,
  type Coroutine,
  isGeneratorLike,
  isThenable,
  LightCoro,
  wrap,
} from "./coroutines.ts";
import type { TimerHandle } from "./handles.ts";
import { inlineAwaitable } from "./inline_await.ts";
import { checkSeconds } from "./seconds.ts";
import { WaiterCoro } from "./waiters.ts";
import { debugState, taskDone, trackCoroutine, trackTask } from "./debug.ts";
import { captureContext, Context, EMPTY_VARS, type VarMap } from "./context_vars.ts";

let taskCounter = 0;

/** Options of `createTask` and `new Task`. */
export interface TaskOptions {
  /** The task's name; by default `Task-N`. */
  name?: string;
  /**
   * The context the task runs in (shared: what the task sets is set in
   * it); by default a copy of the current context.
   */
  context?: Context;
}

/** @internal Options of the Task constructor. */
export interface TaskInit extends TaskOptions {
  loop?: AbstractEventLoop;
  /** Run the first step now, inside the constructor (Python 3.12's eager tasks). */
  eagerStart?: boolean;
}

/** Rarely needed state of a driver, kept out of the object (see FutureExtra). */
interface DriverExtra extends FutureExtra {
  /** An error to throw into the coroutine at the next step (a bad yield). */
  pendingExc?: unknown;
  /** A Task's AbortController, made by the first `currentSignal()`. */
  abort?: AbortController;
  /** A Task's context, when not empty (see `Task._context`). */
  context?: VarMap | Context;
}

/**
 * @internal What drives a coroutine: the step function, cancellation, and
 * the async facade's bookkeeping. {@linkcode Task} is the public one; an
 * `AwaitedCoroutine` runs a coroutine that a task's async code awaits.
 */
abstract class CoroutineDriver<T> extends Future<T> implements Driver {
  /** @internal */ _coro: Coro<T>;
  /**
   * @internal Cancellation state in one number: the count of pending
   * requests times two, plus one while a cancellation must be thrown in at
   * the next step (Python's `_num_cancels_requested` and `_must_cancel`).
   */
  _cancels = 0;
  /** @internal The future the coroutine waits on (Python's `_fut_waiter`). */
  _waiter: Future<unknown> | null = null;
  /** @internal */ declare _extra: DriverExtra | null;
  // The async facade's bookkeeping, on the driver itself: an object of its
  // own (or a field of `_extra`) would cost a waiting task ~300 bytes.
  /**
   * @internal Futures awaited (`await`) by async code running in the
   * driver's context: none, one, or an array of several.
   */
  _awaited: Future<unknown> | Future<unknown>[] | null = null;
  /**
   * @internal Async-function bodies started in the driver's context and not
   * finished, times two, plus one while the driver counts in the loop's host
   * work (busy: a body runs without awaiting anything of ours).
   */
  _bodies = 0;

  constructor(coro: Coro<T>, loop: AbstractEventLoop | undefined) {
    super(loop);
    this._coro = coro;
  }

  /** @internal The task this code runs for. */
  abstract get _task(): Task<unknown>;

  /** @internal */
  override _x(): DriverExtra {
    return this._extra ??= {};
  }

  /** @internal Whether a cancellation must be thrown in at the next step. */
  get _mustCancel(): boolean {
    return (this._cancels & 1) !== 0;
  }
  set _mustCancel(v: boolean) {
    this._cancels = v ? this._cancels | 1 : this._cancels & ~1;
  }

  /** @internal How many cancellation requests are pending. */
  get _numCancelsRequested(): number {
    return this._cancels >> 1;
  }
  set _numCancelsRequested(n: number) {
    this._cancels = (n << 1) | (this._cancels & 1);
  }

  /** @internal A driver is cancelled as a task is: through what its code waits on. */
  override cancel(msg?: string): boolean {
    return this._requestCancel(msg);
  }

  /**
   * @internal No cancellation is to be thrown in any more (Python 3.13's
   * `uncancel()` reaching 0): here, and in the coroutines this driver's
   * async code is awaiting, which run as part of the same task.
   */
  _dropCancelRequest(): void {
    this._mustCancel = false;
    for (const w of this._awaitedList()) {
      if (w instanceof AwaitedCoroutine) w._dropCancelRequest();
    }
  }

  /** @internal Python's `Task.cancel`: cancel what the code waits on, or throw in at the next step. */
  _requestCancel(msg: string | undefined): boolean {
    this._retrieved();
    if (this._state !== PENDING) return false;
    this._numCancelsRequested++;
    const w = this._waiter;
    if (w !== null && w._bridge !== true) {
      if (w.cancel(msg)) return true;
    } else {
      if (this._awaited !== null) {
        let any = false;
        for (const f of this._awaitedList()) if (f.cancel(msg)) any = true;
        if (any) return true;
      }
    }
    this._mustCancel = true;
    this._cancelMessage = msg;
    return true;
  }

  /**
   * @internal What the code waits for: the future its coroutine
   * yielded (not an async body's own promise, which is bookkeeping) and the
   * futures its async code awaits.
   */
  _awaiting(): Future<unknown>[] {
    const out: Future<unknown>[] = [];
    const w = this._waiter;
    if (w !== null && w._bridge !== true) out.push(w);
    out.push(...this._awaitedList());
    return out;
  }

  /** @internal A copy of `_awaited` as an array. */
  _awaitedList(): Future<unknown>[] {
    const aw = this._awaited;
    return aw === null ? [] : Array.isArray(aw) ? aw.slice() : [aw];
  }

  // --- the step ------------------------------------------------------------

  /** @internal Run the coroutine up to its next suspension point. */
  _step(): void {
    if (this._state !== PENDING) return;
    const x = this._extra;
    let exc: unknown = undefined;
    if (x !== null && x.pendingExc !== undefined) {
      exc = x.pendingExc;
      x.pendingExc = undefined;
    }
    // Resuming after an async-function body settled is not a suspension
    // point (in Python the awaited coroutine just returned): a cancel request
    // made meanwhile waits for the next one, or for the coroutine's end.
    const waiter = this._waiter;
    if (this._mustCancel && waiter?._bridge !== true) {
      if (!(exc instanceof CancelledError)) exc = new CancelledError(this._cancelMessage);
      this._mustCancel = false;
      // Python's __wakeup reads the awaited future's outcome before __step
      // throws the cancellation in: its exception counts as retrieved.
      if (waiter !== null && waiter._state === EXCEPTION) waiter._retrieved();
    }
    this._waiter = null;
    const loop = this._loop;
    const prev = loop._current;
    loop._current = this;
    let r: IteratorResult<unknown, T>;
    try {
      r = exc === undefined ? this._coro.next() : this._coro.throw(exc);
    } catch (e) {
      loop._current = prev;
      if (e instanceof CancelledError) {
        this._x().cancelledExc = e;
        this._finish(CANCELLED, e.message === "" ? undefined : e.message);
      } else {
        this._finish(EXCEPTION, e);
      }
      return;
    }
    loop._current = prev;
    if (r.done) {
      this._returned(r.value);
      return;
    }
    const y = r.value;
    if (y === undefined) {
      // A bare yield gives up exactly one loop iteration.
      loop._schedule(STEP, this);
    } else if (y instanceof Future) {
      if (y._result !== BLOCKING) {
        this._badYield(
          `yield was used instead of yield* in task ${this[REPR]()} with ${y[REPR]()}: ` +
            `write "yield* fut" (or "await fut" in an async function)`,
        );
      } else if (y._loop !== loop) {
        y._result = undefined;
        this._badYield(
          `Task ${this[REPR]()} got Future ${y[REPR]()} attached to a different loop`,
        );
      } else if (y === this) {
        y._result = undefined;
        this._badYield(`Task cannot await on itself: ${this[REPR]()}`);
      } else {
        y._result = undefined;
        y._addCallback(this);
        this._waiter = y;
        if (this._mustCancel && y._bridge !== true && y.cancel(this._cancelMessage)) {
          this._mustCancel = false;
        }
      }
    } else if (isGeneratorLike(y)) {
      this._badYield(
        `yield was used instead of yield* for a generator in task ${this[REPR]()}: ` +
          `write "yield* coro()" to run a coroutine`,
      );
    } else if (isThenable(y)) {
      this._badYield(
        `Task got bad yield: ${describe(y)}; wait for a host promise with ` +
          `"yield* wrap(promise)"`,
      );
    } else {
      this._badYield(
        `Task got bad yield: ${describe(y)}; a coroutine can only wait with yield* on a ` +
          `Future, Task or coroutine (a bare "yield" gives up one loop iteration)`,
      );
    }
  }

  /** @internal The coroutine returned `value`. */
  abstract _returned(value: T): void;

  /** @internal Throw a RuntimeError into the coroutine at the next step. */
  _badYield(message: string): void {
    this._x().pendingExc = new RuntimeError(message);
    this._loop._schedule(STEP, this);
  }

  /** @internal Complete as the coroutine ended. */
  _finish(state: number, value: unknown): void {
    if (state === RESULT) this._setResult(value);
    else if (state === EXCEPTION) this._setException(value);
    else this._cancel(value as string | undefined);
    if (this._bodies !== 0) this._updateBusy();
  }

  // --- the async facade (Driver) ------------------------------------------

  /** @internal */
  _takeMustCancel(): CancelledError | null {
    if (!this._mustCancel) return null;
    this._mustCancel = false;
    return new CancelledError(this._cancelMessage);
  }

  /** @internal A coroutine awaited from this driver's async code runs in a driver of its own. */
  _spawnNested(coro: Coro<unknown>, onFinish: () => void): AwaitedCoroutine<unknown> {
    return new AwaitedCoroutine(coro, this, onFinish);
  }

  /** @internal */
  _addAsyncWaiter(fut: Future<unknown>): void {
    const aw = this._awaited;
    if (aw === null) this._awaited = fut;
    else if (Array.isArray(aw)) aw.push(fut);
    else this._awaited = [aw, fut];
    if (this._bodies !== 0) this._updateBusy();
  }

  /**
   * @internal Its async code awaits the pending `fut`: `fut` is what the task
   * waits on, and `waker._step()` runs when it is done. Python's
   * `Task.__step` for a future yielded while a cancel request is pending:
   * cancel the future (the await throws when its cancellation arrives); if
   * it cannot be, the request waits for the wake-up.
   */
  _awaitFrom(fut: Future<unknown>, waker: object): void {
    this._addAsyncWaiter(fut);
    fut._addCallback(waker);
    if (this._mustCancel && fut.cancel(this._cancelMessage)) this._mustCancel = false;
  }

  /**
   * @internal Its async code is woken from `fut` (`null`: a bare yield's
   * iteration came). Returns the cancellation to throw in there instead of
   * the outcome, as `Task.__step` does with a request made after the future
   * completed (its outcome then counts as retrieved); else `null`.
   */
  _wokenFrom(fut: Future<unknown> | null): CancelledError | null {
    if (fut !== null) this._removeAsyncWaiter(fut);
    const cancelled = this._state === PENDING ? this._takeMustCancel() : null;
    if (cancelled !== null && fut !== null) fut._retrieved();
    return cancelled;
  }

  /** @internal */
  _removeAsyncWaiter(fut: Future<unknown>): void {
    const aw = this._awaited;
    if (aw === fut) this._awaited = null;
    else if (Array.isArray(aw)) {
      const i = aw.lastIndexOf(fut); // mostly the last one
      if (i < 0) return;
      aw.splice(i, 1);
      if (aw.length === 0) this._awaited = null;
    } else return;
    if (this._bodies !== 0) this._updateBusy();
  }

  /** @internal */
  _bodyStarted(): void {
    this._bodies += 2;
    this._updateBusy();
  }

  /** @internal */
  _bodyEnded(): void {
    if (this._bodies >= 2) this._bodies -= 2;
    this._updateBusy();
  }

  /**
   * @internal Async code running without awaiting anything of ours waits on
   * host work; a virtual clock must not jump while it is active.
   */
  _updateBusy(): void {
    const b = this._bodies;
    const busy = this._state === PENDING && b >= 2 && this._awaited === null;
    if (busy !== ((b & 1) !== 0)) {
      this._bodies = b ^ 1;
      this._loop._hostWorkAdd(busy ? 1 : -1);
    }
  }
}

/**
 * @internal A coroutine awaited from a task's async code (`await coro()`),
 * driven inside that task as Python runs `await coro()` in the task's
 * frame: not a task of its own, and cancelled with the task. It settles the
 * awaiting code the moment it finishes.
 */
class AwaitedCoroutine<T> extends CoroutineDriver<T> {
  /** @internal */ _owner: Task<unknown>;
  /** @internal The driver whose code awaits this coroutine. */ _awaiter: CoroutineDriver<unknown>;
  /** @internal Settles the awaiting code. */ _onFinish: (() => void) | null;

  constructor(coro: Coro<T>, awaiter: CoroutineDriver<unknown>, onFinish: () => void) {
    super(claimCoroutine(coro), awaiter._loop);
    this._owner = awaiter._task;
    this._awaiter = awaiter;
    this._onFinish = onFinish;
  }

  /** @internal */
  get _task(): Task<unknown> {
    return this._owner;
  }

  /** The coroutine object it drives. */
  getCoro(): Coro<T> {
    return this._coro;
  }

  /** @internal A cancel request made as the coroutine returned goes on to the awaiting code (see _finish). */
  _returned(value: T): void {
    this._finish(RESULT, value);
  }

  /** @internal */
  override _finish(state: number, value: unknown): void {
    super._finish(state, value);
    const onFinish = this._onFinish;
    if (onFinish === null) return;
    this._onFinish = null;
    if (this._mustCancel) {
      // The coroutine asked its task to cancel and returned (or failed)
      // without suspending again: as in Python, the request stays with the
      // task, for its next await.
      this._mustCancel = false;
      const awaiter = this._awaiter;
      if (awaiter._state === PENDING) {
        awaiter._mustCancel = true;
        awaiter._cancelMessage = this._cancelMessage;
      }
    }
    onFinish();
  }

  /** @internal */
  override _reprInfo(): string[] {
    const info = super._reprInfo();
    const ci = coroInfo(this._coro);
    info.splice(1, 0, `coro=<${ci?.name ?? "<generator>"}()> in ${this._owner[REPR]()}`);
    return info;
  }
}

/**
 * A coroutine scheduled to run on an event loop (Python's `asyncio.Task`).
 * A Task is a Future: await it with `yield* task` or `await task` to get
 * the coroutine's return value. Made by `createTask()`.
 *
 * Creating a task schedules its first step with `callSoon` (the coroutine
 * starts on the next loop iteration), unless the loop's task factory is
 * `eagerTaskFactory`. `cancel()` throws `CancelledError` into the coroutine
 * where it is suspended; `finally` blocks run, and the coroutine may catch
 * the error and go on. Cancelling a task that waits on another task cancels
 * that one too.
 *
 * @typeParam T The coroutine's return type.
 *
 * @example
 * ```ts
 * import { createTask, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const task = createTask(sleep(1, "done"), { name: "sleeper" });
 *   console.log(task.getName(), yield* task); // sleeper done
 * }, { clock: "virtual" });
 * ```
 */
export class Task<T = unknown> extends CoroutineDriver<T> {
  /** @internal */ _name: string | number;
  /** @internal Links of the loop's list of pending tasks. */
  _prevTask: Task<unknown> | null = null;
  /** @internal */ _nextTask: Task<unknown> | null = null;
  /**
   * @internal The task's context: its own variables (a copy of the context
   * it was created in, made by copying one pointer), or the Context given.
   * Kept in the rarely made extra state: empty, it costs the task nothing.
   */
  get _context(): VarMap | Context {
    return this._extra?.context ?? EMPTY_VARS;
  }
  set _context(c: VarMap | Context) {
    if (c !== EMPTY_VARS || this._extra !== null) this._x().context = c;
  }

  /**
   * Wrap a coroutine in a task and schedule its first step. Prefer
   * `createTask()`, which also applies the loop's task factory.
   *
   * @param coro A coroutine object (generator).
   * @param init `loop` (by default the running or current loop), `name`,
   * `eagerStart`.
   */
  constructor(coro: Coro<T>, init?: TaskInit) {
    if (!isGeneratorLike(coro)) {
      throw new TypeError(
        `Task(): a coroutine was expected, got ${describe(coro)}; use createTask(), which ` +
          `also accepts futures, promises and functions`,
      );
    }
    super(claimCoroutine(coro), init?.loop);
    const name = init?.name;
    this._name = name === undefined || name === null ? ++taskCounter : String(name);
    const context = init?.context;
    if (context === undefined) {
      const vars = captureContext();
      if (vars !== EMPTY_VARS) this._x().context = vars;
    } else {
      if (!(context instanceof Context)) {
        throw new TypeError(
          `Task(): the context option must be a Context (from copyContext() or new ` +
            `Context()), got ${describe(context)}`,
        );
      }
      this._context = context;
    }
    const loop = this._loop;
    loop._registerTask(this);
    const x = this._extra;
    if (x !== null && x.sourceTraceback !== undefined) {
      // Debug mode (the future kept its creation stack): reported if
      // collected while pending (see debug.ts).
      x.tracked = true;
      trackTask(this, this[REPR](), x.sourceTraceback);
    }
    if (init?.eagerStart === true && loop.isRunning()) this._step();
    else loop._schedule(STEP, this);
  }

  /** @internal A task runs code for itself. */
  get _task(): Task<unknown> {
    return this;
  }

  /** The coroutine object this task drives. */
  getCoro(): Coro<T> {
    return this._coro;
  }

  /**
   * The context the task runs in (Python 3.12's `Task.get_context()`): the
   * Context given to `createTask`, or the task's own copy.
   *
   * @returns The task's Context; what the task sets shows in it.
   *
   * @example
   * ```ts
   * import { ContextVar, createTask, run } from "@yieldfrom/asyncio";
   * const user = new ContextVar<string>("user", { default: "-" });
   * await run(function* () {
   *   const t = createTask(function* () {
   *     user.set("ann");
   *   });
   *   yield* t;
   *   console.log(t.getContext().get(user), user.get()); // ann -
   * });
   * ```
   */
  getContext(): Context {
    const c = this._context;
    if (c instanceof Context) return c;
    return this._context = Context._of(c);
  }

  /** The task's name: the one given, or `Task-N`. */
  getName(): string {
    const n = this._name;
    if (typeof n === "number") return (this._name = `Task-${n}`);
    return n;
  }

  /**
   * Rename the task.
   *
   * @param value The new name (converted with `String`).
   */
  setName(value: unknown): void {
    this._name = String(value);
  }

  /** Tasks complete only through their coroutine: always throws `RuntimeError`. */
  override setResult(_result: T): void {
    throw new RuntimeError(
      "Task does not support setResult(): a task's result is its coroutine's return value",
    );
  }

  /** Tasks complete only through their coroutine: always throws `RuntimeError`. */
  override setException(_exception: unknown): void {
    throw new RuntimeError(
      "Task does not support setException(): throw from the coroutine instead",
    );
  }

  /**
   * Ask the task to cancel itself: `CancelledError(msg)` is thrown into the
   * coroutine at its current suspension point (or at its first step). The
   * coroutine may catch it; the task counts as cancelled only when the
   * error propagates out of it.
   *
   * @param msg The message of the `CancelledError`.
   * @returns `false` if the task is already done, else `true`.
   */
  override cancel(msg?: string): boolean {
    const requested = this._requestCancel(msg);
    // Host work given currentSignal() stops now, not at the next await.
    const abort = this._extra?.abort;
    if (requested && abort !== undefined && !abort.signal.aborted) {
      abort.abort(new CancelledError(msg));
    }
    return requested;
  }

  /** @internal The task's AbortSignal (see {@linkcode currentSignal}). */
  _signal(): AbortSignal {
    const x = this._x();
    let abort = x.abort;
    // A signal aborted by a request that was withdrawn (uncancel(), as
    // timeout() does) is replaced: the task goes on.
    if (abort === undefined || (abort.signal.aborted && this._numCancelsRequested === 0)) {
      x.abort = abort = new AbortController();
      if (this._state !== PENDING) abort.abort(new CancelledError("the task is done"));
      else if (this._numCancelsRequested > 0) abort.abort(new CancelledError(this._cancelMessage));
    }
    return abort.signal;
  }

  /** How many cancellation requests are pending (`cancel()` calls not undone by `uncancel()`). */
  cancelling(): number {
    return this._numCancelsRequested;
  }

  /**
   * Undo one cancellation request (for code that caught the
   * `CancelledError` it caused itself, as `timeout()` does).
   *
   * @returns The number of requests still pending.
   */
  uncancel(): number {
    if (this._numCancelsRequested > 0) {
      this._numCancelsRequested--;
      if (this._numCancelsRequested === 0) this._dropCancelRequest();
    }
    return this._numCancelsRequested;
  }

  /**
   * What the task is doing, as lines (JavaScript cannot inspect the frames
   * of a suspended generator): the coroutine and where it was defined, and
   * the future it waits on; for a failed task, the exception's stack.
   *
   * @param options `limit`: the most lines to return.
   * @returns The lines, oldest first.
   */
  getStack(options?: { limit?: number }): string[] {
    const lines: string[] = [];
    if (this._state === EXCEPTION) {
      lines.push(...formatException(this._result).split("\n"));
    } else if (this._state === PENDING) {
      const info = coroInfo(this._coro);
      const name = `${info?.name ?? "<generator>"}()`;
      lines.push(info?.definedAt ? `${name} defined at ${info.definedAt}` : name);
      for (const w of this._awaiting()) lines.push(`waiting for ${w[REPR]()}`);
    }
    const limit = options?.limit;
    return limit === undefined ? lines : lines.slice(0, Math.max(0, limit));
  }

  /**
   * Print {@linkcode getStack}'s lines under a `Stack for <Task ...>` header.
   *
   * @param options `limit`: the most lines; `file`: where to write (default `console.error`).
   */
  printStack(options?: { limit?: number; file?: (text: string) => void }): void {
    const lines = this.getStack(options);
    const kind = this._state === EXCEPTION ? "Traceback" : "Stack";
    const text = lines.length === 0
      ? `No stack for ${this[REPR]()}`
      : `${kind} for ${this[REPR]()} (most recent call last):\n` +
        lines.map((l) => "  " + l).join("\n");
    (options?.file ?? console.error)(text);
  }

  /** @internal Cancelled right as the coroutine returned: the task ends cancelled. */
  _returned(value: T): void {
    if (this._mustCancel) {
      this._mustCancel = false;
      this._finish(CANCELLED, this._cancelMessage);
    } else {
      this._finish(RESULT, value);
    }
  }

  /** @internal */
  override _finish(state: number, value: unknown): void {
    this._loop._unregisterTask(this);
    if (this._extra?.tracked === true) taskDone(this);
    super._finish(state, value);
    // Its signal's listeners go with the controller.
    if (this._extra?.abort !== undefined) this._extra.abort = undefined;
  }

  /** @internal The task's name and coroutine, for the unretrieved-exception report. */
  override _reportInfo(): { name?: string; coro?: string } {
    return { name: this.getName(), coro: coroInfo(this._coro)?.name };
  }

  // --- repr ----------------------------------------------------------------

  /** @internal */
  override _reprInfo(): string[] {
    const info = super._reprInfo();
    if (this._numCancelsRequested > 0 && this._state === PENDING) info[0] = "cancelling";
    info.splice(1, 0, `name=${shortRepr(this.getName())}`);
    const ci = coroInfo(this._coro);
    const state = this._state === PENDING ? "running" : "done";
    const where = ci?.definedAt ? `, defined at ${ci.definedAt}` : "";
    info.splice(2, 0, `coro=<${ci?.name ?? "<generator>"}() ${state}${where}>`);
    if (this._waiter !== null) info.splice(3, 0, `wait_for=${this._waiter[REPR]()}`);
    return info;
  }
}

// --- module-level functions ---------------------------------------------------

/**
 * Wrap an awaitable in a Task scheduled on the running loop and return the
 * task. Coroutine objects, Futures, Promises and zero-argument functions
 * returning one of them are accepted; a function is called at the task's
 * first step, in the task's context.
 *
 * Keep a reference to the task (or await it): its result and exception are
 * only reported through it.
 *
 * @param aw What the task runs.
 * @param options `name`: the task's name; `context`: the Context it runs
 * in (by default a copy of the current one).
 * @returns The new task.
 * @throws {RuntimeError} When no loop is running.
 *
 * @example
 * ```ts
 * import { coroutine, createTask, run, sleep } from "@yieldfrom/asyncio";
 * const func = coroutine(function* () {
 *   console.log(1);
 *   yield* sleep(2);
 *   console.log(2);
 *   return "返回值";
 * });
 * await run(function* () {
 *   console.log("main开始");
 *   const task1 = createTask(func());
 *   const task2 = createTask(func());
 *   console.log("main结束");
 *   console.log(yield* task1, yield* task2);
 * }, { clock: "virtual" });
 * // main开始, main结束, 1, 1, 2, 2, 返回值 返回值
 * ```
 */
export function createTask<T>(aw: AwaitableOrThunk<T>, options?: TaskOptions): Task<T> {
  const loop = _getRunningLoop();
  if (loop === null) {
    throw new RuntimeError(
      "createTask(): no running event loop; create tasks inside a coroutine run by " +
        "asyncio.run(), or use loop.createTask() / ensureFuture() before the loop starts",
    );
  }
  return loop.createTask(aw, options);
}

/**
 * Return a Future for `aw`: the same object for a Future or Task, a new
 * Task for a coroutine or a function, a Future bridged with `wrap()` for a
 * Promise. Without a running loop it uses `getEventLoop()`.
 *
 * @param aw A Future, coroutine, Promise, or a function returning one.
 * @param options `loop`: the loop to use.
 * @returns A Future of that loop.
 *
 * @example
 * ```ts
 * import { coroutine, ensureFuture, getEventLoop, sleep, wait } from "@yieldfrom/asyncio";
 * const func1 = coroutine(function* () {
 *   console.log(1);
 *   yield* sleep(2);
 *   console.log(2);
 * });
 * const tasks = [ensureFuture(func1()), ensureFuture(func1())];
 * await getEventLoop().runUntilComplete(wait(tasks));
 * ```
 */
export function ensureFuture<T>(
  aw: AwaitableOrThunk<T>,
  options?: { loop?: AbstractEventLoop },
): Future<T> {
  const given = options?.loop;
  if (aw instanceof Future) {
    if (given !== undefined && aw._loop !== given) {
      throw new ValueError(
        "ensureFuture(): the future belongs to a different loop than the one specified " +
          "as the loop argument",
      );
    }
    return aw;
  }
  const loop = given ?? getEventLoop();
  if (isThenable(aw)) return wrap(aw, loop) as Future<T>;
  return loop.createTask(aw as AwaitableOrThunk<T>);
}

/**
 * The task running the current code, or `null` in a plain callback.
 *
 * @param loop The loop to ask; by default the running loop.
 * @returns The current task or `null`.
 * @throws {RuntimeError} When no loop is running and none is given.
 *
 * @example
 * ```ts
 * import { currentTask, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   console.log(currentTask()?.getName()); // Task-1
 * });
 * ```
 */
export function currentTask(loop?: AbstractEventLoop): Task<unknown> | null {
  const lp = loop ?? getRunningLoop();
  const driver = lp._current ?? driverStorage.getStore();
  if (!(driver instanceof CoroutineDriver) || driver._loop !== lp) return null;
  return driver._task;
}

/**
 * An `AbortSignal` that aborts when the current task is cancelled (its
 * `reason` is the `CancelledError`), for host APIs that take one: `fetch`,
 * `Deno.Command`, streams. With it, cancelling the task (or a `timeout()`
 * around it) stops the host work at once, instead of only the waiting. The
 * signal is made on the first call in a task (tasks that never ask pay
 * nothing) and is the same for every call until the task is cancelled; if
 * the cancellation is withdrawn (`uncancel()`, as `timeout()` does when it
 * turns it into `TimeoutError`), the next call gives a fresh signal.
 *
 * @returns The current task's signal.
 * @throws {RuntimeError} Outside a task.
 *
 * @example
 * ```ts
 * import { currentSignal, run, timeout, TimeoutError, wrap } from "@yieldfrom/asyncio";
 * function slowHostWork(signal: AbortSignal): Promise<string> {
 *   return new Promise((resolve, reject) => {
 *     const id = setTimeout(() => resolve("done"), 10_000);
 *     signal.addEventListener("abort", () => {
 *       clearTimeout(id); // the host work really stops
 *       reject(signal.reason);
 *     });
 *   });
 * }
 * await run(function* () {
 *   try {
 *     yield* timeout(0.05, function* () {
 *       return yield* wrap(slowHostWork(currentSignal()));
 *     });
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError); // true, after 50 ms, not 10 s
 *   }
 * });
 * ```
 */
export function currentSignal(): AbortSignal {
  const loop = _getRunningLoop();
  const task = loop === null ? null : currentTask(loop);
  if (task === null) {
    throw new RuntimeError(
      "currentSignal(): no task is running; call it inside a coroutine run by a task " +
        "(asyncio.run(), createTask())",
    );
  }
  return task._signal();
}

/**
 * The tasks of a loop that are not done yet.
 *
 * @param loop The loop to ask; by default the running loop.
 * @returns A new Set of tasks, in creation order.
 * @throws {RuntimeError} When no loop is running and none is given.
 *
 * @example
 * ```ts
 * import { allTasks, createTask, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   createTask(sleep(1));
 *   console.log(allTasks().size); // 2 (main and the sleeper)
 * }, { clock: "virtual" });
 * ```
 */
export function allTasks(loop?: AbstractEventLoop): Set<Task<unknown>> {
  return (loop ?? getRunningLoop())._allTasks();
}

/** A function a loop uses to make its tasks (see `AbstractEventLoop.setTaskFactory`). */
export type TaskFactory = <T>(
  loop: AbstractEventLoop,
  coro: Coro<T>,
  options?: TaskOptions,
) => Task<T>;

/**
 * A task factory that runs each new task's first step at once, inside
 * `createTask()` (Python 3.12's `eager_task_factory`). A coroutine that
 * finishes without suspending never goes through the loop at all.
 *
 * @param loop The loop.
 * @param coro The coroutine.
 * @param options `name` and `context`.
 * @returns The task, possibly already done.
 *
 * @example
 * ```ts
 * import { createTask, eagerTaskFactory, getRunningLoop, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   getRunningLoop().setTaskFactory(eagerTaskFactory);
 *   const t = createTask(function* () {
 *     return 42;
 *   });
 *   console.log(t.done()); // true: it ran inside createTask()
 * });
 * ```
 */
export const eagerTaskFactory: TaskFactory = <T>(
  loop: AbstractEventLoop,
  coro: Coro<T>,
  options?: TaskOptions,
): Task<T> =>
  new Task(coro, { loop, name: options?.name, context: options?.context, eagerStart: true });

// --- sleep -------------------------------------------------------------------

function setResultUnlessCancelled<T>(fut: Future<T>, result: T): void {
  if (!fut.cancelled()) fut.setResult(result);
}

/**
 * `sleep(delay)`'s coroutine object for a delay above 0, written by hand
 * (Python's `asyncio.sleep`): it waits on a future that a timer completes,
 * and the timer is cancelled however the wait ends.
 */
class Sleep<T> extends WaiterCoro<T> {
  /** @internal */ _delay: number;
  /** @internal */ _result: T;
  /** @internal */ _handle: TimerHandle | null = null;

  constructor(delay: number, result: T) {
    super();
    this._fut = undefined;
    this._delay = delay;
    this._result = result;
  }

  /** @internal The future a timer completes. */
  override _makeWaiter(): Future<T> {
    const loop = getRunningLoop();
    const fut = loop.createFuture<T>();
    this._handle = loop.callLater(this._delay, setResultUnlessCancelled, fut, this._result);
    return fut;
  }

  /** @internal However the wait ends, the timer goes. */
  override _unregister(): void {
    this._handle?.cancel();
    this._handle = null;
  }
}
inlineAwaitable(Sleep, "sleep");

/**
 * `sleep(0)`'s coroutine object (Python's `__sleep0`): one bare yield, which
 * gives up exactly one loop iteration, then the result. The commonest
 * coroutine of all, kept to two fields.
 */
class Sleep0<T> extends LightCoro<T> {
  /** @internal */ _result: T;
  /** @internal */ _started = false;

  constructor(result: T) {
    super();
    this._result = result;
  }

  override next(): IteratorResult<unknown, T> {
    if (this._started) return iterReturn(this._result);
    this._started = true;
    return iterYield(undefined);
  }
}
inlineAwaitable(Sleep0, "sleep");

/**
 * Suspend the calling coroutine for `delay` seconds, then return `result`.
 * `sleep(0)` gives up exactly one loop iteration. Cancelling the task
 * throws `CancelledError` out of the sleep at once.
 *
 * @param delay Seconds (a float; `Infinity` sleeps until cancelled).
 * @param result The value to return.
 * @returns A coroutine: `yield* sleep(1)` or `await sleep(1)`.
 * @throws {TypeError} When `delay` is not a number.
 * @throws {ValueError} When `delay` is NaN or negative.
 *
 * @example
 * ```ts
 * import { run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const response = yield* sleep(2, "slept");
 *   console.log(response); // slept
 * }, { clock: "virtual" });
 * ```
 */
export function sleep<T = undefined>(delay: number, result?: T): Coroutine<T> {
  checkSeconds(delay, "sleep()", "delay");
  const coro = delay === 0 ? new Sleep0(result as T) : new Sleep(delay, result as T);
  // Debug mode: `sleep(1)` without yield* or await is reported when collected.
  if (debugState.tracking) trackCoroutine(coro, "sleep");
  return coro;
}
