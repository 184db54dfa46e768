/**
 * `asyncWith`: Python's `async with` statement.
 *
 * @module
 */

import { describe } from "./format_helpers.ts";
import {
  awaitResult,
  callIn,
  type Coro,
  type Coroutine,
  coroutine,
  currentDriver,
  LightCoro,
  lightCoroutine,
} from "./coroutines.ts";
import { iterReturn } from "./futures.ts";

/**
 * An asynchronous context manager: Python's `__aenter__`/`__aexit__`.
 * Either method may return a plain value, a coroutine or any awaitable.
 *
 * @example
 * ```ts
 * import { asyncWith, type AsyncContextManager, run } from "@yieldfrom/asyncio";
 * class Resource implements AsyncContextManager<string> {
 *   aenter(): string {
 *     console.log("open");
 *     return "handle";
 *   }
 *   aexit(error: unknown): boolean {
 *     console.log("close", error === undefined); // close true
 *     return false; // an error is not swallowed
 *   }
 * }
 * await run(function* () {
 *   console.log(yield* asyncWith(new Resource(), (handle) => handle.toUpperCase())); // HANDLE
 * });
 * ```
 */
export interface AsyncContextManager<T = unknown> {
  /** Enter: returns (or resolves to) the value the body receives. */
  aenter(): unknown;
  /**
   * Exit: `error` is what the body threw, or `undefined` after a clean
   * exit. Returning (or resolving to) `true` swallows the error.
   */
  aexit(error: unknown): unknown;
  /** @internal Phantom field carrying the entered value's type. */
  readonly __aenterType?: T;
}

/**
 * The body of `asyncWith`: a generator function, an async function or a plain function.
 *
 * @example
 * ```ts
 * import { asyncWith, Lock, run, type WithBody } from "@yieldfrom/asyncio";
 * const body: WithBody<undefined, number> = function* () {
 *   return 42;
 * };
 * await run(function* () {
 *   console.log(yield* asyncWith(new Lock(), body)); // 42
 * });
 * ```
 */
export type WithBody<T, R> = (value: T) => Generator<unknown, R, unknown> | PromiseLike<R> | R;

/**
 * What `aenter()` returning `R` gives: a coroutine's return value, a promise's value, or `R`.
 *
 * @example
 * ```ts
 * import type { Coroutine, EnteredValue } from "@yieldfrom/asyncio";
 * const fromCoroutine: EnteredValue<Coroutine<number>> = 1;
 * const fromPromise: EnteredValue<Promise<string>> = "a";
 * const plain: EnteredValue<boolean> = true;
 * console.log(fromCoroutine, fromPromise, plain); // 1 a true
 * ```
 */
export type EnteredValue<R> = R extends Generator<unknown, infer T, unknown> ? T : Awaited<R>;

/**
 * The value a context manager of type `C` enters with: its declared
 * `AsyncContextManager<T>` type, else what its `aenter()` returns; an
 * `AsyncDisposable` enters as itself.
 *
 * @example
 * ```ts
 * import { asyncWith, type Entered, Lock, run } from "@yieldfrom/asyncio";
 * const cm = { aenter: async () => 7, aexit: () => false };
 * const fromAenter: Entered<typeof cm> = 7; // what aenter() resolves to
 * const fromLock: Entered<Lock> = undefined; // declared by Lock
 * await run(async () => {
 *   console.log(await asyncWith(cm, (n) => n * fromAenter), fromLock); // 49 undefined
 * });
 * ```
 */
export type Entered<C> = C extends { readonly __aenterType?: infer T }
  ? (unknown extends T ? EnteredByAenter<C> : T)
  : EnteredByAenter<C>;

/**
 * `Entered<C>` read from `aenter()`'s return type.
 *
 * @example
 * ```ts
 * import type { EnteredByAenter } from "@yieldfrom/asyncio";
 * const value: EnteredByAenter<{ aenter(): Promise<string>; aexit(): void }> = "entered";
 * console.log(value); // entered
 * ```
 */
export type EnteredByAenter<C> = C extends { aenter(): infer R } ? EnteredValue<R> : C;

// aenter/aexit run in the calling task's context, like the body: an async
// method is cancelled with the task.
function callMethod(cm: unknown, method: unknown, args: unknown[]): unknown {
  return callIn(currentDriver(), method as (...a: unknown[]) => unknown, cm, args);
}

function enter(cm: unknown): unknown {
  const m = cm as Partial<AsyncContextManager> & Partial<AsyncDisposable>;
  if (typeof m.aenter === "function") return callMethod(cm, m.aenter, []);
  return cm; // an AsyncDisposable enters as itself
}

/** Exit `cm`; whether it swallows the error (only `aexit` returning `true` does). */
function* exit(cm: unknown, error: unknown): Coro<boolean> {
  const m = cm as Partial<AsyncContextManager> & Partial<AsyncDisposable>;
  if (typeof m.aexit === "function") {
    return (yield* awaitResult(callMethod(cm, m.aexit, [error]))) === true;
  }
  yield* awaitResult(callMethod(cm, m[Symbol.asyncDispose], []));
  return false;
}

/**
 * @internal How one kind of `async with` enters and exits its context
 * manager `C` (Python's `__aenter__`/`__aexit__`), for {@linkcode withStatement}.
 * `A` is an argument the statement passes to `enter`.
 */
export interface WithHooks<C, A> {
  /** Enter: the value the body receives (with `awaitEnter`, an awaitable of it). */
  enter(cm: C, arg: A): unknown;
  /** Whether `enter` returns something to wait for. */
  readonly awaitEnter: boolean;
  /**
   * Exit, given the body's error or `undefined`: whether to swallow the
   * error, as a coroutine or at once. An error it throws replaces the body's.
   */
  exit(cm: C, error: unknown): boolean | Coro<boolean>;
}

/**
 * @internal The `async with` statement, as a generator function named
 * `name` (decorate it with `coroutine()`): enter `cm`, run `body(value)` in
 * the calling task's context (an async body is cancelled with the task),
 * then exit exactly once, whatever happens; a failed enter skips both. An
 * error the exit swallows makes the statement return `undefined`.
 * `asyncWith`, `timeout`/`timeoutAt` and `taskGroup` are this statement with
 * their own hooks.
 *
 * @param name The coroutine's name, for reprs.
 * @param hooks How to enter and exit.
 * @returns `(cm, arg, body) => coroutine of the body's result`.
 */
export function withStatement<C, A>(
  name: string,
  hooks: WithHooks<C, A>,
): (cm: C, arg: A, body: (value: unknown) => unknown) => Coro<unknown> {
  const { enter, awaitEnter, exit } = hooks;
  const statement = function* (cm: C, arg: A, body: (value: unknown) => unknown): Coro<unknown> {
    let value = enter(cm, arg);
    if (awaitEnter) value = yield* awaitResult(value);
    let result: unknown;
    try {
      result = yield* awaitResult(callIn(currentDriver(), body, undefined, [value]));
    } catch (error) {
      const swallow = exit(cm, error);
      if (swallow === true || (swallow !== false && (yield* swallow))) return undefined;
      throw error;
    }
    const clean = exit(cm, undefined);
    if (typeof clean !== "boolean") yield* clean;
    return result;
  };
  Object.defineProperty(statement, "name", { value: name });
  return statement;
}

const asyncWithCoro = coroutine(withStatement("asyncWith", {
  enter,
  awaitEnter: true,
  exit,
}));

// --- `async with lock:` ------------------------------------------------------

/**
 * @internal Marks an `aenter`/`aexit` pair that is exactly `acquire()` /
 * `release()` with nothing entered (CPython's `_ContextManagerMixin`, behind
 * Lock, Semaphore, BoundedSemaphore and Condition). `asyncWith` runs such a
 * statement as the explicit form, `acquire(); try { body } finally {
 * release() }`, with no machinery in between. A subclass that overrides
 * either method gets the general statement.
 */
export const ACQUIRE_RELEASE: unique symbol = Symbol("yieldfrom.asyncio.acquireRelease");

interface AcquireRelease {
  acquire(): Coroutine<unknown>;
  release(): void;
}

const toStringTag = Object.prototype.toString;

const NEW = 0, ACQUIRING = 1, IN_BODY = 2, DONE = 3;

/**
 * `asyncWith(lock, body)`'s coroutine object: `acquire(); try { body }
 * finally { release() }` as a hand-written coroutine, delegating each step
 * to the acquire coroutine, then to the body's, with no generator of its
 * own (awaited from async code, it runs inside the awaiting task as every
 * coroutine object does).
 */
class AcquiredWith extends LightCoro<unknown> {
  /** @internal */ _cm: AcquireRelease;
  /** @internal */ _body: (value: unknown) => unknown;
  /** @internal */ _state = NEW;
  /** @internal The coroutine stepped now: the acquire, then the body. */
  _inner: Coro<unknown> | null = null;

  constructor(cm: AcquireRelease, body: (value: unknown) => unknown) {
    super();
    this._cm = cm;
    this._body = body;
  }

  override next(): IteratorResult<unknown, unknown> {
    if (this._state !== IN_BODY) return this._resume(false, undefined);
    // The common step: resuming the body.
    let r: IteratorResult<unknown, unknown>;
    try {
      r = this._inner!.next();
    } catch (e) {
      this._state = DONE;
      this._cm.release();
      throw e;
    }
    if (!r.done) return r;
    this._state = DONE;
    const value = r.value;
    this._cm.release();
    return iterReturn(value);
  }

  override throw(error: unknown): IteratorResult<unknown, unknown> {
    return this._resume(true, error);
  }

  override return(value?: unknown): IteratorResult<unknown, unknown> {
    const state = this._state;
    this._state = DONE;
    if (state === IN_BODY) {
      try {
        this._inner!.return(undefined);
      } finally {
        this._cm.release();
      }
    } else if (state === ACQUIRING) {
      this._inner!.return(undefined);
    }
    return iterReturn(value);
  }

  /** @internal One step: into the acquire or the body, moving on when one finishes. */
  _resume(isThrow: boolean, error: unknown): IteratorResult<unknown, unknown> {
    if (this._state === NEW) {
      this._state = ACQUIRING;
      this._inner = this._cm.acquire();
    }
    for (;;) {
      const inner = this._inner!;
      let r: IteratorResult<unknown, unknown>;
      try {
        r = isThrow ? inner.throw(error) : inner.next();
      } catch (e) {
        // A failed acquire enters nothing; a failed body still releases (an
        // error from release() replaces the body's, as a finally's does).
        const state = this._state;
        this._state = DONE;
        if (state === IN_BODY) this._cm.release();
        throw e;
      }
      if (!r.done) return r;
      if (this._state === IN_BODY) {
        this._state = DONE;
        const value = r.value;
        this._cm.release();
        return iterReturn(value);
      }
      // Acquired: start the body (a generator body runs without a wrapper).
      this._state = IN_BODY;
      const body = this._body;
      try {
        this._inner = toStringTag.call(body) === "[object GeneratorFunction]"
          ? (body as (value: unknown) => Coro<unknown>)(undefined)
          : awaitResult(callIn(currentDriver(), body, undefined, [undefined]))[Symbol.iterator]();
      } catch (e) {
        this._state = DONE;
        this._cm.release();
        throw e;
      }
      isThrow = false;
    }
  }
}
lightCoroutine(AcquiredWith, "asyncWith");

/**
 * Python's `async with cm as value: body`: enter `cm` (`aenter()`), run
 * `body(value)`, and exit (`aexit(error)`) whatever happens, exactly once
 * after a successful enter; a failed `aenter` skips both. `aexit` receives
 * the body's error (or `undefined`; a cancellation arrives as the
 * `CancelledError`) and swallows it by returning `true`; an error thrown by
 * `aexit` replaces the body's. Objects with only `Symbol.asyncDispose` work
 * too (entered as themselves; disposal never swallows).
 *
 * The body, `aenter` and `aexit` run in the calling task's context: async
 * ones are cancelled with the task, like a decorated coroutine.
 *
 * @param cm An async context manager (`aenter`/`aexit`) or an `AsyncDisposable`.
 * @param body What to run with the entered value.
 * @returns A coroutine of the body's result (`undefined` if an error was swallowed).
 *
 * @example
 * ```ts
 * import { asyncWith, coroutine, run, sleep } from "@yieldfrom/asyncio";
 *
 * class Connection {
 *   *aenter() {
 *     yield* sleep(1); // connect
 *     return this;
 *   }
 *   *aexit(_error: unknown) {
 *     yield* sleep(1); // disconnect
 *   }
 *   query() {
 *     return 1;
 *   }
 * }
 * await run(function* () {
 *   const res = yield* asyncWith(new Connection(), (conn) => conn.query());
 *   console.log(res); // 1
 * }, { clock: "virtual" });
 * ```
 */
export function asyncWith<C, R>(
  cm: C & (AsyncContextManager | AsyncDisposable),
  body: WithBody<Entered<C>, R>,
): Coroutine<R> {
  const m = cm as Partial<AsyncContextManager> & Partial<AsyncDisposable>;
  const ok = typeof cm === "object" && cm !== null &&
    ((typeof m.aenter === "function" && typeof m.aexit === "function") ||
      typeof m[Symbol.asyncDispose] === "function");
  if (!ok) {
    throw new TypeError(
      `asyncWith(): expected an async context manager (with aenter() and aexit()) or an ` +
        `AsyncDisposable, got ${describe(cm)}`,
    );
  }
  if (typeof body !== "function") {
    throw new TypeError(`asyncWith(): the body must be a function, got ${describe(body)}`);
  }
  const enterFn = m.aenter as { [ACQUIRE_RELEASE]?: true } | undefined;
  const exitFn = m.aexit as { [ACQUIRE_RELEASE]?: true } | undefined;
  if (enterFn?.[ACQUIRE_RELEASE] === true && exitFn?.[ACQUIRE_RELEASE] === true) {
    return new AcquiredWith(
      cm as unknown as AcquireRelease,
      body as (value: unknown) => unknown,
    ) as unknown as Coroutine<R>;
  }
  return asyncWithCoro(cm, undefined, body as (value: unknown) => unknown) as Coroutine<R>;
}
