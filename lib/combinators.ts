/**
 * Running awaitables together: `gather`, `wait` (CPython's `tasks.py`).
 *
 * @module
 */

import { CancelledError, ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import { getEventLoop, getRunningLoop } from "./events.ts";
import { CANCELLED, EXCEPTION, Future } from "./futures.ts";
import {
  type AwaitableOrThunk,
  type Coro,
  type Coroutine,
  coroutine,
  isGeneratorLike,
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
