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
} from "./coroutines.ts";

/**
 * An asynchronous context manager: Python's `__aenter__`/`__aexit__`.
 * Either method may return a plain value, a coroutine or any awaitable.
 */
export interface AsyncContextManager {
  /** Enter: returns (or resolves to) the value the body receives. */
  aenter(): unknown;
  /**
   * Exit: `error` is what the body threw, or `undefined` after a clean
   * exit. Returning (or resolving to) `true` swallows the error.
   */
  aexit(error: unknown): unknown;
}

/** The body of `asyncWith`: a generator function, an async function or a plain function. */
export type WithBody<T, R> = (value: T) => Generator<unknown, R, unknown> | PromiseLike<R> | R;

/**
 * The value a context manager of type `C` enters with: what its `aenter()`
 * returns (a generator's return value, a promise's value), or the object
 * itself for an `AsyncDisposable`.
 */
export type Entered<C> = C extends { aenter(): infer R }
  ? R extends Generator<unknown, infer T, unknown> ? T : Awaited<R>
  : C;

// aenter/aexit run in the calling task's context, as Python runs __aenter__
// and __aexit__ in the task: an async aenter's awaits belong to the task.
function enter(cm: unknown): unknown {
  const m = cm as Partial<AsyncContextManager> & Partial<AsyncDisposable>;
  if (typeof m.aenter === "function") return callIn(currentDriver(), m.aenter, cm, []);
  return cm; // an AsyncDisposable enters as itself
}

function exit(cm: unknown, error: unknown): unknown {
  const m = cm as Partial<AsyncContextManager> & Partial<AsyncDisposable>;
  if (typeof m.aexit === "function") return callIn(currentDriver(), m.aexit, cm, [error]);
  return callIn(currentDriver(), m[Symbol.asyncDispose]!, cm, []);
}

const asyncWithCoro = coroutine(function* asyncWith(
  cm: unknown,
  body: (value: unknown) => unknown,
): Coro<unknown> {
  const value = yield* awaitResult(enter(cm));
  let result: unknown;
  try {
    result = yield* awaitResult(callIn(currentDriver(), body, undefined, [value]));
  } catch (error) {
    const swallow = yield* awaitResult(exit(cm, error));
    if (swallow === true) return undefined;
    throw error;
  }
  yield* awaitResult(exit(cm, undefined));
  return result;
});

/**
 * Python's `async with cm as value: body`: enter `cm` (`aenter()`), run
 * `body(value)`, and exit (`aexit(error)`) whatever happens, exactly once
 * after a successful enter. `aexit` receives the body's error (or
 * `undefined`) and swallows it by returning `true`. Objects with only
 * `Symbol.asyncDispose` work too (entered as themselves).
 *
 * The body runs in the calling task's context: an async body is cancelled
 * with the task, like a decorated coroutine.
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
  return asyncWithCoro(cm, body as (value: unknown) => unknown) as Coroutine<R>;
}
