/**
 * Running awaitables together: `gather`, `wait`, `waitFor`, `asCompleted`,
 * `shield` (CPython 3.11's `tasks.py`).
 *
 * @module
 */

import { CancelledError, TimeoutError, ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import { checkSeconds, LIMIT } from "./seconds.ts";
import { getEventLoop, getRunningLoop } from "./events.ts";
import { CANCELLED, EXCEPTION, Future, PENDING } from "./futures.ts";
import {
  type AwaitableOrThunk,
  type Coro,
  type Coroutine,
  coroutine,
  isGeneratorLike,
  isThenable,
  toCoroutine,
} from "./coroutines.ts";
import { ensureFuture } from "./tasks.ts";
import type { AbstractEventLoop } from "./events.ts";
import type { TimerHandle } from "./handles.ts";
import { Queue } from "./queues.ts";

/**
 * `wait()` returns when any future finishes or is cancelled.
 *
 * @example
 * ```ts
 * import { createTask, FIRST_COMPLETED, run, sleep, wait } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const fast = createTask(sleep(1)), slow = createTask(sleep(2));
 *   const [done, pending] = yield* wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 *   console.log(done.has(fast), pending.has(slow)); // true true
 *   slow.cancel();
 * }, { clock: "virtual" });
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";

/**
 * `wait()` returns when any future fails (or all finish).
 *
 * @example
 * ```ts
 * import { createTask, FIRST_EXCEPTION, run, sleep, wait } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const failing = createTask(function* () {
 *     yield* sleep(1);
 *     throw new Error("boom");
 *   });
 *   const slow = createTask(sleep(5));
 *   const [done, pending] = yield* wait([failing, slow], { returnWhen: FIRST_EXCEPTION });
 *   console.log(done.has(failing), pending.has(slow), (failing.exception() as Error).message);
 *   // true true boom
 *   slow.cancel();
 * }, { clock: "virtual" });
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";

/**
 * `wait()` returns when all futures finish (the default).
 *
 * @example
 * ```ts
 * import { ALL_COMPLETED, createTask, run, sleep, wait } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const tasks = [createTask(sleep(1)), createTask(sleep(2))];
 *   const [done, pending] = yield* wait(tasks, { returnWhen: ALL_COMPLETED });
 *   console.log(done.size, pending.size); // 2 0
 * }, { clock: "virtual" });
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/**
 * When `wait()` returns.
 *
 * @example
 * ```ts
 * import { createTask, FIRST_COMPLETED, type ReturnWhen, run, sleep, wait } from "@yieldfrom/asyncio";
 * function* firstOf(returnWhen: ReturnWhen) {
 *   const tasks = [createTask(sleep(1, "a")), createTask(sleep(2, "b"))];
 *   const [done] = yield* wait(tasks, { returnWhen });
 *   for (const t of tasks) t.cancel();
 *   return [...done].map((t) => t.result());
 * }
 * await run(function* () {
 *   console.log(yield* firstOf(FIRST_COMPLETED)); // [ "a" ]
 * }, { clock: "virtual" });
 * ```
 */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/**
 * Options of `gather()`.
 *
 * @example
 * ```ts
 * import { createTask, gather, type GatherOptions, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const options: GatherOptions = { returnExceptions: true };
 *   const failing = createTask(function* () {
 *     throw new Error("boom");
 *   });
 *   const [result] = yield* gather([failing], options);
 *   console.log((result as Error).message); // boom
 * });
 * ```
 */
export interface GatherOptions {
  /** Put exceptions (and `CancelledError`s) in the results instead of throwing the first one. */
  returnExceptions?: boolean;
}

/**
 * The results of `gather()` for a tuple of awaitables.
 *
 * @example
 * ```ts
 * import { gather, type GatherResults, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const results: GatherResults<[number, string]> = yield* gather(sleep(1, 1), sleep(1, "a"));
 *   console.log(results); // [ 1, "a" ]
 * }, { clock: "virtual" });
 * ```
 */
export type GatherResults<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: Awaited<T[K]>;
};

/**
 * A tuple of awaitables whose results have the types of `T`.
 *
 * @example
 * ```ts
 * import { type AwaitablesOf, gather, run, sleep } from "@yieldfrom/asyncio";
 * const inputs: AwaitablesOf<[number, string]> = [sleep(1, 1), () => sleep(1, "a")];
 * await run(function* () {
 *   const [n, s] = yield* gather(...inputs);
 *   console.log(n + 1, s.toUpperCase()); // 2 A
 * }, { clock: "virtual" });
 * ```
 */
export type AwaitablesOf<T extends readonly unknown[]> = { [K in keyof T]: AwaitableOrThunk<T[K]> };

/**
 * The Future that `gather()` returns. Cancelling it cancels every child
 * that is not done yet.
 *
 * @typeParam T The results array.
 *
 * @example
 * ```ts
 * import { CancelledError, gather, GatheringFuture, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const all: GatheringFuture<[undefined, undefined]> = gather(sleep(1), sleep(2));
 *   yield* sleep(0.5);
 *   console.log(all.cancel()); // true: both sleeps are cancelled
 *   try {
 *     yield* all;
 *   } catch (e) {
 *     console.log(e instanceof CancelledError); // true
 *   }
 * }, { clock: "virtual" });
 * ```
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
  constructor(children: Future<unknown>[], loop: AbstractEventLoop) {
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
/** `gather(a, b, { returnExceptions: flag })` with a flag known only at run time. */
export function gather<T extends readonly unknown[]>(
  ...args: [...AwaitablesOf<T>, GatherOptions]
): GatheringFuture<{ -readonly [K in keyof T]: Awaited<T[K]> | Error }>;
/** `gather(list, { returnExceptions: flag })` with a flag known only at run time. */
export function gather<T>(
  aws: readonly AwaitableOrThunk<T>[],
  options: GatherOptions,
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
  let loop: AbstractEventLoop | undefined;
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

/**
 * Options of `wait()`.
 *
 * @example
 * ```ts
 * import { createTask, run, sleep, wait, type WaitOptions } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const options: WaitOptions = { timeout: 1 };
 *   const slow = createTask(sleep(5));
 *   const [done, pending] = yield* wait([slow], options);
 *   console.log(done.size, pending.has(slow)); // 0 true (a timeout cancels nothing)
 *   slow.cancel();
 * }, { clock: "virtual" });
 * ```
 */
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
      // exception() as in CPython: a failure wait() stops for counts as retrieved.
      (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== undefined)
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
 * @throws {TypeError} When given a single future or coroutine instead of a list, or a
 * `timeout` that is not a number.
 * @throws {ValueError} When the list is empty, `returnWhen` is unknown or `timeout` is NaN.
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
  const list = listOf(aws, "wait", "futures");
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
  const timeout = checkSeconds(options?.timeout, "wait()", "timeout", LIMIT);
  return waitCoro(list, timeout, returnWhen);
}

// --- shared checks --------------------------------------------------------------

/**
 * The awaitables of `wait(aws)`/`asCompleted(aws)` as an array: a single
 * future or coroutine, or anything not iterable, is a TypeError.
 */
function listOf<T>(aws: Iterable<T>, fn: string, items: string): T[] {
  if (aws instanceof Future || isGeneratorLike(aws)) {
    throw new TypeError(
      `${fn}(): expected a list of ${items}, not ${describe(aws)}; pass an array: ${fn}([task])`,
    );
  }
  if (
    typeof aws !== "object" || aws === null ||
    typeof (aws as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`${fn}(): expected an array of awaitables, got ${describe(aws)}`);
  }
  return [...aws];
}

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

// --- waitFor --------------------------------------------------------------------

/** Python's `_cancel_and_wait`: cancel `fut` and wait until it is really done. */
function* cancelAndWait(fut: Future<unknown>, loop: AbstractEventLoop): Coro<void> {
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
  // Python's plain `await aw`, in this task.
  if (timeout === null) return (yield* toCoroutine(aw, "waitFor()")) as T;

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
  const t = checkSeconds(timeout, "waitFor()", "timeout", LIMIT);
  return waitForCoro(aw, t);
}

// --- asCompleted ----------------------------------------------------------------

/**
 * Options of `asCompleted()`.
 *
 * @example
 * ```ts
 * import { asCompleted, type AsCompletedOptions, run, sleep, TimeoutError } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const options: AsCompletedOptions = { timeout: 2 };
 *   try {
 *     for await (const r of asCompleted([sleep(1, "fast"), sleep(5, "slow")], options)) {
 *       console.log(r); // fast
 *     }
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError); // true: slow missed the deadline
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export interface AsCompletedOptions {
  /** Seconds; when they pass, every awaitable not yet handed a result throws `TimeoutError`. */
  timeout?: number | null;
}

const waitForOneCoro = coroutine(function* waitForOne<T>(ac: AsCompleted<T>): Coro<T> {
  const f = yield* ac._done.get();
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
 *
 * @example
 * ```ts
 * import { asCompleted, type AsCompleted, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const results: AsCompleted<string> = asCompleted([sleep(2, "b"), sleep(1, "a")]);
 *   const [first, second] = results; // two distinct inputs: two awaitables
 *   console.log(yield* first, yield* second); // a b
 * }, { clock: "virtual" });
 * ```
 */
export class AsCompleted<T> implements Iterable<Coroutine<T>>, AsyncIterable<T> {
  /** @internal Futures not completed yet. */ _todo: Set<Future<T>>;
  /** @internal Completed futures in order, `null` for each one the timeout passed. */
  _done: Queue<Future<T> | null> = new Queue();
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
      if (todo.size === 0) return; // the timeout was here first
      todo.delete(f);
      this._done.putNowait(f);
      if (todo.size === 0) this._timeoutHandle?.cancel();
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
      this._done.putNowait(null);
    }
    this._todo.clear();
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
 * @throws {TypeError} When given a single future or coroutine instead of a list, or a
 * `timeout` that is not a number.
 * @throws {ValueError} When `timeout` is NaN.
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
  const list = listOf(aws, "asCompleted", "awaitables");
  for (let i = 0; i < list.length; i++) checkAwaitable(list[i], `asCompleted(): item ${i}`);
  const timeout = checkSeconds(options?.timeout, "asCompleted()", "timeout", LIMIT);
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
