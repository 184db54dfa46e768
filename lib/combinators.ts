/**
 * Running awaitables together: `gather`, `wait`, `waitFor`, `asCompleted`,
 * `shield` (CPython 3.11's `tasks.py`).
 *
 * @module
 */

import { CancelledError, TimeoutError, ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import { getEventLoop, getRunningLoop } from "./events.ts";
import { CANCELLED, EXCEPTION, Future, PENDING } from "./futures.ts";
import {
  type AwaitableOrThunk,
  awaitResult,
  callIn,
  type Coro,
  type Coroutine,
  coroutine,
  currentDriver,
  isGeneratorLike,
  isThenable,
  wrap,
} from "./coroutines.ts";
import { ensureFuture } from "./tasks.ts";
import type { EventLoop } from "./loop.ts";
import type { TimerHandle } from "./handles.ts";

/** `wait()` returns when any future finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/** `wait()` returns when any future fails (or all finish). */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/** `wait()` returns when all futures finish (the default). */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When `wait()` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of `gather()`. */
export interface GatherOptions {
  /** Put exceptions (and `CancelledError`s) in the results instead of throwing the first one. */
  returnExceptions?: boolean;
}

/** The results of `gather()` for a tuple of awaitables. */
export type GatherResults<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: Awaited<T[K]>;
};

/** A tuple of awaitables whose results have the types of `T`. */
export type AwaitablesOf<T extends readonly unknown[]> = { [K in keyof T]: AwaitableOrThunk<T[K]> };

/**
 * The Future that `gather()` returns. Cancelling it cancels every child
 * that is not done yet.
 *
 * @typeParam T The results array.
 */
export class GatheringFuture<T> extends Future<T> {
  /** @internal */ _children: Future<unknown>[];
  /** @internal */ _cancelRequested = false;

  /**
   * Made by `gather()`.
   *
   * @param children The child futures.
   * @param loop Their loop.
   */
  constructor(children: Future<unknown>[], loop: EventLoop) {
    super(loop);
    this._children = children;
  }

  /**
   * Cancel every child that is not done. The gather then fails with
   * `CancelledError`, whatever `returnExceptions` says.
   *
   * @param msg The cancellation message.
   * @returns Whether any child was cancelled.
   */
  override cancel(msg?: string): boolean {
    if (this.done()) return false;
    let ret = false;
    for (const child of this._children) {
      if (child.cancel(msg)) ret = true;
    }
    if (ret) this._cancelRequested = true;
    return ret;
  }
}

function isOptions(x: unknown): x is GatherOptions {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Future) &&
    !isGeneratorLike(x) && typeof (x as { then?: unknown }).then !== "function" &&
    Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * Run awaitables concurrently and gather their results, in argument order.
 * Coroutines (and functions) are wrapped in tasks, which start at once; the
 * same awaitable given twice runs once.
 *
 * Without `returnExceptions`, the first exception (or cancellation) of a
 * child is thrown to whoever awaits the gather; the other children keep
 * running. With it, exceptions appear in the results. Cancelling the
 * returned future cancels every unfinished child; a child cancelled on its
 * own makes the gather throw `CancelledError` (or appears as one in the
 * results). A single array argument is taken as the list of awaitables.
 *
 * @param args The awaitables, or one array of them; optionally followed by
 * `{ returnExceptions: true }`.
 * @returns A Future of the results array.
 *
 * @example
 * ```ts
 * import { gather, run, sleep } from "@yieldfrom/asyncio";
 * const [a, b] = await run(() => gather(sleep(2, "a"), sleep(1, "b")), { clock: "virtual" });
 * console.log(a, b); // a b
 * ```
 */
export function gather<T extends readonly unknown[]>(
  ...aws: AwaitablesOf<T>
): GatheringFuture<GatherResults<T>>;
/** `gather(a, b, { returnExceptions: false })`: the first failure is thrown. */
export function gather<T extends readonly unknown[]>(
  ...args: [...AwaitablesOf<T>, GatherOptions & { returnExceptions?: false }]
): GatheringFuture<GatherResults<T>>;
/** `gather(a, b, { returnExceptions: true })`: failures appear among the results. */
export function gather<T extends readonly unknown[]>(
  ...args: [...AwaitablesOf<T>, GatherOptions & { returnExceptions: true }]
): GatheringFuture<{ -readonly [K in keyof T]: Awaited<T[K]> | Error }>;
/** `gather(list)`: one array of awaitables (any length). */
export function gather<T>(
  aws: readonly AwaitableOrThunk<T>[],
  options?: GatherOptions & { returnExceptions?: false },
): GatheringFuture<Awaited<T>[]>;
/** `gather(list, { returnExceptions: true })`: failures appear among the results. */
export function gather<T>(
  aws: readonly AwaitableOrThunk<T>[],
  options: GatherOptions & { returnExceptions: true },
): GatheringFuture<(Awaited<T> | Error)[]>;
export function gather(...args: unknown[]): GatheringFuture<unknown[]> {
  let returnExceptions = false;
  if (args.length > 0 && isOptions(args[args.length - 1])) {
    returnExceptions = (args.pop() as GatherOptions).returnExceptions === true;
  }
  const aws: readonly unknown[] = args.length === 1 && Array.isArray(args[0])
    ? args[0] as unknown[]
    : args;
  if (aws.length === 0) {
    const outer = new GatheringFuture<unknown[]>([], getEventLoop());
    outer._setResult([]);
    return outer;
  }
  // Checked before any task starts: none is left running when one is wrong.
  for (let i = 0; i < aws.length; i++) {
    const arg = aws[i];
    if (
      !(arg instanceof Future) && !isGeneratorLike(arg) && !isThenable(arg) &&
      typeof arg !== "function"
    ) {
      throw new TypeError(
        `gather(): ${aws === args ? `argument ${i + 1}` : `element ${i} of the array`} is ` +
          `${describe(arg)}, which cannot be awaited; pass coroutine objects (call the ` +
          `coroutine function), Futures, Tasks, promises, or functions returning one`,
      );
    }
  }
  const argToFut = new Map<unknown, Future<unknown>>();
  const children: Future<unknown>[] = new Array(aws.length);
  let loop: EventLoop | undefined;
  let nfuts = 0;
  let nfinished = 0;
  let outer: GatheringFuture<unknown[]> | null = null;

  const onChildDone = (fut: Future<unknown>): void => {
    nfinished++;
    if (outer === null || outer.done()) {
      if (fut._state === EXCEPTION) fut._retrieved();
      return;
    }
    if (!returnExceptions) {
      if (fut._state === CANCELLED) {
        outer._setException(fut._makeCancelledError());
        return;
      }
      if (fut._state === EXCEPTION) {
        outer._setException(fut.exception());
        return;
      }
    }
    if (nfinished === nfuts) {
      const results = new Array(children.length);
      for (let i = 0; i < children.length; i++) {
        const child = children[i];
        if (child._state === CANCELLED) {
          results[i] = new CancelledError(child._cancelMessage);
        } else if (child._state === EXCEPTION) {
          results[i] = child.exception();
        } else {
          results[i] = child._result;
        }
      }
      if (outer._cancelRequested) outer._setException(fut._makeCancelledError());
      else outer._setResult(results);
    }
  };

  for (let i = 0; i < aws.length; i++) {
    const arg = aws[i];
    let fut = argToFut.get(arg);
    if (fut === undefined) {
      fut = ensureFuture(
        arg as AwaitableOrThunk<unknown>,
        loop === undefined ? undefined : { loop },
      );
      loop ??= fut._loop;
      nfuts++;
      argToFut.set(arg, fut);
      fut.addDoneCallback(onChildDone);
    }
    children[i] = fut;
  }
  outer = new GatheringFuture<unknown[]>(children, loop!);
  return outer;
}

/** Options of `wait()`. */
export interface WaitOptions {
  /** Seconds to wait at most; `null`/absent waits as long as needed. A timeout cancels nothing. */
  timeout?: number | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (default). */
  returnWhen?: ReturnWhen;
}

function releaseWaiter(waiter: Future<unknown>): void {
  if (!waiter.done()) waiter._setResult(undefined);
}

const waitCoro = coroutine(function* wait<T>(
  aws: readonly AwaitableOrThunk<T>[],
  timeout: number | null,
  returnWhen: ReturnWhen,
): Coro<[Set<Future<T>>, Set<Future<T>>]> {
  const loop = getRunningLoop();
  const fs = new Set<Future<T>>();
  for (const aw of new Set(aws)) fs.add(ensureFuture(aw, { loop }));
  const waiter = loop.createFuture<void>();
  let timeoutHandle: TimerHandle | null = null;
  if (timeout !== null) timeoutHandle = loop.callLater(timeout, releaseWaiter, waiter);
  let counter = fs.size;
  const onCompletion = (f: Future<T>): void => {
    counter--;
    if (
      counter <= 0 || returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && f._state === EXCEPTION)
    ) {
      timeoutHandle?.cancel();
      if (!waiter.done()) waiter._setResult(undefined);
    }
  };
  for (const f of fs) f.addDoneCallback(onCompletion);
  try {
    yield* waiter;
  } finally {
    timeoutHandle?.cancel();
    for (const f of fs) f.removeDoneCallback(onCompletion);
  }
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const f of fs) (f.done() ? done : pending).add(f);
  return [done, pending];
});

/**
 * Wait for futures and tasks to complete and return `[done, pending]`, two
 * Sets. Coroutines (and functions) are wrapped in tasks first (as Python up
 * to 3.10 did), in the order given; duplicates count once. A timeout cancels
 * nothing: what did not finish is in `pending`.
 *
 * @param aws A non-empty array (or iterable) of awaitables.
 * @param options `timeout` in seconds and `returnWhen`.
 * @returns A coroutine of `[done, pending]`.
 * @throws {TypeError} When given a single future or coroutine instead of a list.
 * @throws {ValueError} When the list is empty or `returnWhen` is unknown.
 *
 * @example
 * ```ts
 * import { createTask, FIRST_COMPLETED, run, sleep, wait } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const fast = createTask(sleep(1, "fast"));
 *   const slow = createTask(sleep(5, "slow"));
 *   const [done, pending] = yield* wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 *   console.log(done.has(fast), pending.has(slow)); // true true
 *   slow.cancel();
 * }, { clock: "virtual" });
 * ```
 */
export function wait<T>(
  aws: Iterable<AwaitableOrThunk<T>>,
  options?: WaitOptions,
): Coroutine<[Set<Future<T>>, Set<Future<T>>]> {
  if (aws instanceof Future || isGeneratorLike(aws)) {
    throw new TypeError(
      `wait(): expected a list of futures, not ${describe(aws)}; pass an array: wait([task])`,
    );
  }
  if (
    typeof aws !== "object" || aws === null ||
    typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`wait(): expected an array of awaitables, got ${describe(aws)}`);
  }
  const list = [...aws];
  if (list.length === 0) {
    throw new ValueError("wait(): the set of tasks/futures is empty; pass at least one");
  }
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (
    returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED
  ) {
    throw new ValueError(
      `wait(): invalid returnWhen value ${JSON.stringify(returnWhen)}; use FIRST_COMPLETED, ` +
        `FIRST_EXCEPTION or ALL_COMPLETED`,
    );
  }
  const timeout = options?.timeout ?? null;
  if (timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(
      `wait(): timeout must be a number of seconds or null, got ${describe(timeout)}`,
    );
  }
  return waitCoro(list, timeout, returnWhen);
}

// --- shared checks --------------------------------------------------------------

/** @internal Throw a TypeError unless `aw` is something a task can wait for. */
export function checkAwaitable(aw: unknown, where: string): void {
  if (
    aw instanceof Future || isGeneratorLike(aw) || isThenable(aw) || typeof aw === "function"
  ) return;
  throw new TypeError(
    `${where}: expected an awaitable (a coroutine, Future, Task or Promise, or a function ` +
      `returning one), got ${describe(aw)}`,
  );
}

/** @internal Check a number of seconds that may be `null` (no limit); `undefined` counts as `null`. */
export function checkSeconds(value: unknown, where: string, what: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number") {
    throw new TypeError(
      `${where}: ${what} must be a number of seconds or null, got ${describe(value)}`,
    );
  }
  if (Number.isNaN(value)) {
    throw new ValueError(`${where}: ${what} is NaN; check the arithmetic that produced it`);
  }
  return value;
}

/** Wait for `aw` inside the current task (Python's plain `await aw`). */
function* awaitHere(aw: unknown, loop: EventLoop): Coro<unknown> {
  if (isGeneratorLike(aw)) return yield* aw;
  if (aw instanceof Future) return yield* aw;
  if (typeof aw === "function") {
    return yield* awaitResult(callIn(currentDriver(), aw as () => unknown, undefined, []));
  }
  return yield* wrap(aw as PromiseLike<unknown>, loop);
}

// --- waitFor --------------------------------------------------------------------

/** Python's `_cancel_and_wait`: cancel `fut` and wait until it is really done. */
function* cancelAndWait(fut: Future<unknown>, loop: EventLoop): Coro<void> {
  const waiter = loop.createFuture<void>();
  const cb = (): void => releaseWaiter(waiter);
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    // Not `yield* fut`: waiting on a waiter keeps this coroutine cancellable on its own.
    yield* waiter;
  } finally {
    fut.removeDoneCallback(cb);
  }
}

function resultOrTimeout<T>(fut: Future<T>): T {
  try {
    return fut.result();
  } catch (exc) {
    if (exc instanceof CancelledError) throw new TimeoutError(undefined, { cause: exc });
    throw exc;
  }
}

const waitForCoro = coroutine(function* waitFor<T>(
  aw: AwaitableOrThunk<T>,
  timeout: number | null,
): Coro<T> {
  const loop = getRunningLoop();
  if (timeout === null) return (yield* awaitHere(aw, loop)) as T;

  if (timeout <= 0) {
    const fut = ensureFuture(aw, { loop });
    if (fut.done()) return fut.result();
    yield* cancelAndWait(fut, loop);
    return resultOrTimeout(fut);
  }

  const waiter = loop.createFuture<void>();
  const timeoutHandle = loop.callLater(timeout, releaseWaiter, waiter);
  const cb = (): void => releaseWaiter(waiter);
  const fut = ensureFuture(aw, { loop });
  fut.addDoneCallback(cb);
  try {
    try {
      yield* waiter; // until the future completes or the timeout
    } catch (e) {
      if (e instanceof CancelledError) {
        if (fut.done()) return fut.result();
        fut.removeDoneCallback(cb);
        // The inner task must not be running any more when waitFor returns.
        yield* cancelAndWait(fut, loop);
      }
      throw e;
    }
    if (fut.done()) return fut.result();
    fut.removeDoneCallback(cb);
    yield* cancelAndWait(fut, loop);
    // The task may have refused the cancellation (returned a value) or failed
    // while cancelled: that outcome wins over the timeout.
    return resultOrTimeout(fut);
  } finally {
    timeoutHandle.cancel();
  }
});

/**
 * Wait for one awaitable, at most `timeout` seconds (Python 3.11's
 * `asyncio.wait_for`). A coroutine (or function) is wrapped in a new task.
 *
 * On timeout the inner task is cancelled, `waitFor` waits until it has
 * really finished (its `finally` blocks included), then throws
 * `TimeoutError` whose `cause` is the inner `CancelledError`. If the inner
 * task swallows the cancellation and returns a value, that value is returned
 * (3.11 behaviour); if it fails while cancelled, its error is thrown. A
 * timeout of 0 or less cancels at once, so a coroutine never starts.
 * Cancelling the task that awaits `waitFor` cancels the inner task too, and
 * waits for it. With `timeout` `null` the awaitable is awaited in the
 * calling task, with no new task. To keep the inner task alive on timeout,
 * wrap it in `shield()`.
 *
 * Python 3.12 reimplemented `wait_for` with `timeout()`: there a coroutine
 * runs inside the calling task (no new task) even with a timeout.
 *
 * @param aw A coroutine, Future, Task, Promise, or a function returning one.
 * @param timeout Seconds, or `null` to wait as long as it takes.
 * @returns A coroutine of the awaitable's result.
 * @throws {TypeError} When `aw` is not awaitable or `timeout` is not a number.
 * @throws {ValueError} When `timeout` is NaN.
 *
 * @example
 * ```ts
 * import { run, sleep, TimeoutError, waitFor } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   console.log(yield* waitFor(sleep(1, "in time"), 5)); // in time
 *   try {
 *     yield* waitFor(sleep(10), 1);
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError); // true (the sleep was cancelled)
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export function waitFor<T>(aw: AwaitableOrThunk<T>, timeout: number | null): Coroutine<T> {
  checkAwaitable(aw, "waitFor()");
  const t = checkSeconds(timeout, "waitFor()", "timeout");
  return waitForCoro(aw, t);
}

// --- asCompleted ----------------------------------------------------------------

/** Options of `asCompleted()`. */
export interface AsCompletedOptions {
  /** Seconds; when they pass, every awaitable not yet handed a result throws `TimeoutError`. */
  timeout?: number | null;
}

const waitForOneCoro = coroutine(function* waitForOne<T>(ac: AsCompleted<T>): Coro<T> {
  const f = yield* ac._get();
  if (f === null) throw new TimeoutError(); // a dummy from the timeout
  return f.result();
});

/**
 * What `asCompleted()` returns: iterable (each value is an awaitable of the
 * next result to complete: `yield*` or `await` it) and async iterable
 * (`for await` gives the results themselves, in completion order). The
 * awaitables can be taken only once in all: as many as there were distinct
 * inputs.
 *
 * @typeParam T The type of the results.
 */
export class AsCompleted<T> implements Iterable<Coroutine<T>>, AsyncIterable<T> {
  /** @internal Futures not completed yet. */ _todo: Set<Future<T>>;
  /** @internal Completed futures (`null`: the timeout passed), in order. */
  _done: (Future<T> | null)[] = [];
  /** @internal */ _doneHead = 0;
  /** @internal Futures of coroutines waiting for `_done` to fill. */
  _getters: Future<void>[] = [];
  /** @internal */ _total: number;
  /** @internal How many awaitables were handed out. */ _taken = 0;
  /** @internal */ _timeoutHandle: TimerHandle | null = null;
  /** @internal */ _onCompletion: (f: Future<T>) => void;

  /**
   * Made by `asCompleted()`.
   *
   * @param aws The awaitables (duplicates count once).
   * @param timeout Seconds, or `null`.
   */
  constructor(aws: readonly AwaitableOrThunk<T>[], timeout: number | null) {
    const loop = getEventLoop();
    const todo = new Set<Future<T>>();
    for (const aw of new Set(aws)) todo.add(ensureFuture(aw, { loop }));
    this._todo = todo;
    this._total = todo.size;
    this._onCompletion = (f: Future<T>): void => {
      if (this._todo.size === 0) return; // the timeout was here first
      this._todo.delete(f);
      this._put(f);
      if (this._todo.size === 0) this._timeoutHandle?.cancel();
    };
    for (const f of todo) f.addDoneCallback(this._onCompletion);
    if (todo.size > 0 && timeout !== null) {
      this._timeoutHandle = loop.callLater(timeout, () => this._onTimeout());
    }
  }

  /** @internal */
  _onTimeout(): void {
    for (const f of this._todo) {
      f.removeDoneCallback(this._onCompletion);
      this._put(null);
    }
    this._todo.clear();
  }

  /** @internal Python's `Queue.put_nowait`. */
  _put(f: Future<T> | null): void {
    this._done.push(f);
    this._wakeupNext();
  }

  /** @internal Wake the first getter still waiting. */
  _wakeupNext(): void {
    const getters = this._getters;
    while (getters.length > 0) {
      const g = getters.shift()!;
      if (!g.done()) {
        g._setResult(undefined);
        break;
      }
    }
  }

  /** @internal Python's `Queue.get`. */
  *_get(): Coro<Future<T> | null> {
    while (this._doneHead === this._done.length) {
      const getter = getEventLoop().createFuture<void>();
      this._getters.push(getter);
      try {
        yield* getter;
      } catch (e) {
        getter.cancel();
        const i = this._getters.indexOf(getter);
        if (i >= 0) this._getters.splice(i, 1);
        if (this._doneHead < this._done.length && !getter.cancelled()) this._wakeupNext();
        throw e;
      }
    }
    const f = this._done[this._doneHead];
    this._done[this._doneHead++] = undefined!;
    if (this._doneHead === this._done.length) {
      this._done.length = 0;
      this._doneHead = 0;
    }
    return f;
  }

  /** The awaitables, one per distinct input: the first gives the first result to complete. */
  *[Symbol.iterator](): Iterator<Coroutine<T>> {
    while (this._taken < this._total) {
      this._taken++;
      yield waitForOneCoro(this);
    }
  }

  /** The results in completion order; a failure throws at its turn. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (this._taken >= this._total) {
          return Promise.resolve({ done: true, value: undefined });
        }
        this._taken++;
        // The coroutine's `then` runs it inside the awaiting task: a Promise.
        return waitForOneCoro(this).then((value) => ({ done: false, value })) as Promise<
          IteratorResult<T>
        >;
      },
      return: (): Promise<IteratorResult<T>> => {
        // The loop was left early: hand out nothing more, drop the timer.
        this._taken = this._total;
        this._timeoutHandle?.cancel();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}

/**
 * Run awaitables concurrently and take their results in the order they
 * complete (Python's `asyncio.as_completed`). Coroutines (and functions)
 * are wrapped in tasks at once, in the order given; duplicates count once.
 *
 * Iterate it for awaitables (`for (const f of asCompleted(xs)) { const r =
 * yield* f; }` or `await f`): each gives the next result to complete, or
 * throws that future's error. Or iterate it with `for await` to get the
 * results directly; a failure throws at its turn. When `timeout` seconds
 * pass, every awaitable not yet resolved throws `TimeoutError`; the timeout
 * cancels nothing. Cancelling the task that awaits one of them cancels only
 * that wait, not the inputs.
 *
 * Python 3.13's `async for` over `as_completed` gives the input tasks
 * themselves; ours gives their results.
 *
 * @param aws An array (or iterable) of awaitables.
 * @param options `timeout` in seconds, or `null` (the default) for none.
 * @returns An iterable and async iterable of the results in completion order.
 * @throws {TypeError} When given a single future or coroutine instead of a list.
 *
 * @example
 * ```ts
 * import { asCompleted, run, sleep } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   for await (const r of asCompleted([sleep(3, "slow"), sleep(1, "fast")])) {
 *     console.log(r); // fast, then slow
 *   }
 * }, { clock: "virtual" });
 * ```
 *
 * @example Generator style
 * ```ts
 * import { asCompleted, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   for (const next of asCompleted([sleep(3, "slow"), sleep(1, "fast")], { timeout: 2 })) {
 *     try {
 *       console.log(yield* next); // fast
 *     } catch (e) {
 *       console.log((e as Error).name); // TimeoutError
 *     }
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export function asCompleted<T>(
  aws: Iterable<AwaitableOrThunk<T>>,
  options?: AsCompletedOptions,
): AsCompleted<T> {
  if (aws instanceof Future || isGeneratorLike(aws)) {
    throw new TypeError(
      `asCompleted(): expected a list of awaitables, not ${describe(aws)}; pass an array: ` +
        `asCompleted([task])`,
    );
  }
  if (
    typeof aws !== "object" || aws === null ||
    typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`asCompleted(): expected an array of awaitables, got ${describe(aws)}`);
  }
  const list = [...aws];
  for (let i = 0; i < list.length; i++) checkAwaitable(list[i], `asCompleted(): item ${i}`);
  const timeout = checkSeconds(options?.timeout, "asCompleted()", "timeout");
  return new AsCompleted(list, timeout);
}

// --- shield ---------------------------------------------------------------------

/**
 * Protect an awaitable from cancellation (Python's `asyncio.shield`). It
 * returns a new Future that follows `aw`'s outcome; a coroutine (or
 * function) is wrapped in a task at once.
 *
 * Cancelling the task that awaits the shield (or the returned future)
 * throws `CancelledError` in that task only: the inner task goes on, and
 * its outcome is marked as looked at. A cancellation of the inner task
 * itself still shows through: the shield is cancelled too. Keep a reference
 * to the inner task if you want its result later. For an awaitable that is
 * already done, the awaitable itself is returned.
 *
 * @param aw A coroutine, Future, Task, Promise, or a function returning one.
 * @returns A Future of `aw`'s result.
 * @throws {TypeError} When `aw` is not awaitable.
 *
 * @example
 * ```ts
 * import { CancelledError, createTask, run, shield, sleep, waitFor } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const save = createTask(sleep(2, "saved"));
 *   try {
 *     yield* waitFor(shield(save), 1); // the timeout cancels the shield, not save
 *   } catch (e) {
 *     console.log((e as Error).name); // TimeoutError
 *   }
 *   console.log(yield* save); // saved
 * }, { clock: "virtual" });
 * ```
 */
export function shield<T>(aw: AwaitableOrThunk<T>): Future<T> {
  checkAwaitable(aw, "shield()");
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const outer = inner._loop.createFuture<T>();
  const innerDone = (inner: Future<T>): void => {
    if (outer._state !== PENDING) {
      if (!inner.cancelled()) inner._retrieved(); // its outcome counts as looked at
      return;
    }
    if (inner._state === CANCELLED) outer.cancel();
    else if (inner._state === EXCEPTION) outer._setException(inner.exception());
    else outer._setResult(inner._result);
  };
  const outerDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(innerDone);
  };
  inner.addDoneCallback(innerDone);
  outer.addDoneCallback(outerDone);
  return outer;
}
