/**
 * Coroutines: `coroutine()` (Python's `@asyncio.coroutine`, and this
 * library's `async def`), `isCoroutine`, `isCoroutineFunction`, `wrap()` for
 * host promises, and the conversion of every accepted awaitable into the
 * generator a Task drives.
 *
 * A coroutine object is a generator object. Generator functions given to
 * `coroutine()` get a `then` method on their prototype, so the generators
 * they make are awaitable from async code too. Async and plain functions are
 * wrapped in a generator function that calls them at the task's first step,
 * inside the task's context.
 *
 * @module
 */

import { asError, RuntimeError } from "./errors.ts";
import { describe, isGeneratorObject, stackLocation } from "./format_helpers.ts";
import { _getRunningLoop, type AbstractEventLoop, getEventLoop } from "./events.ts";
import { driverStorage } from "./async_context.ts";
import { CANCELLED, type Driver, Future, PENDING, settleInto } from "./futures.ts";
import { coroutineStarted, debugState, trackCoroutine } from "./debug.ts";

/** A generator coroutine: `yield* coro` runs it and gives its return value. */
export type Coro<T = unknown> = Generator<unknown, T, unknown>;

/**
 * What a function decorated with {@linkcode coroutine} returns: a lazy
 * coroutine object, run with `yield*` in generator coroutines and with
 * `await` in async code.
 */
export type Coroutine<T = unknown> = Coro<T> & PromiseLike<T>;

/** Anything a task can wait for: a Future (or Task), a coroutine, or a host promise. */
export type Awaitable<T = unknown> = Future<T> | Coro<T> | PromiseLike<T>;

/**
 * An awaitable, or a zero-argument function returning one (or a plain
 * value), called at the task's first step in the task's context.
 */
export type AwaitableOrThunk<T = unknown> =
  | Awaitable<T>
  | (() => Awaitable<T> | T);

/** @internal Where a coroutine function came from, for reprs. */
export interface CoroInfo {
  name: string;
  definedAt: string | undefined;
}

/**
 * A decorated function's `CoroInfo`: where it was defined is read from the
 * stack captured by `coroutine()` only when a repr asks (formatting a stack
 * costs far more than capturing it, and most are never asked).
 */
class DefinedCoroInfo implements CoroInfo {
  name: string;
  /** The stack captured in `coroutine()`, until `definedAt` is read. */
  private _where: Error | string | undefined;

  constructor(name: string, where: Error) {
    this.name = name;
    this._where = where;
  }

  get definedAt(): string | undefined {
    const where = this._where;
    if (!(where instanceof Error)) return where;
    // Frame 1 is coroutine(), frame 2 its caller.
    return this._where = stackLocation(where, 2);
  }
}

/** @internal Stored on generator prototypes (and on thunk generators). */
export const CORO_INFO: unique symbol = Symbol.for("yieldfrom.asyncio.coroInfo");
const IS_CORO_FN = Symbol.for("yieldfrom.asyncio.isCoroutineFunction");

const toStringTag = Object.prototype.toString;

/** @internal A generator object (or anything that steps like one), but not a Future. */
export function isGeneratorLike(x: unknown): x is Coro<unknown> {
  return typeof x === "object" && x !== null && !(x instanceof Future) &&
    typeof (x as Coro<unknown>).next === "function" &&
    typeof (x as Coro<unknown>).throw === "function";
}

/** @internal A promise or other thenable (not a Future, not a coroutine object). */
export function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null &&
    typeof (x as PromiseLike<unknown>).then === "function" && !(x instanceof Future) &&
    !isGeneratorLike(x);
}

/** @internal The code that is being driven right now: a task's step, or an async body. */
export function currentDriver(): Driver | null {
  const loop = _getRunningLoop();
  if (loop !== null && loop._current !== null) return loop._current;
  return driverStorage.getStore() ?? null;
}

/** @internal The name of a coroutine object, for reprs: `main()`. */
export function coroInfo(coro: unknown): CoroInfo | undefined {
  return (coro as Record<symbol, CoroInfo | undefined>)[CORO_INFO];
}

// --- awaiting coroutine objects from async code ----------------------------

/**
 * @internal `then` of every coroutine object. Awaited inside a task's async body, the
 * coroutine runs inside that task, as Python runs `await coro()`: no new
 * Task, `currentTask()` unchanged, and cancelling the task cancels what the
 * coroutine waits on. Awaited anywhere else, it runs as a new Task on the
 * running loop.
 */
export function coroThen<T, R1 = T, R2 = never>(
  this: Coro<T>,
  onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
  onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
): Promise<R1 | R2> {
  const driver = driverStorage.getStore();
  if (driver !== undefined && driver._state === PENDING) {
    return new Promise<R1 | R2>((resolve, reject) => {
      // The coroutine runs in a nested driver that is part of this task:
      // registered as what the task waits on before it starts (so a
      // cancellation reaches it), settling the awaiting body the moment it
      // finishes, as a Python coroutine returns into its caller's frame.
      const inner = driver._spawnNested(this, () => {
        driver._removeAsyncWaiter(inner);
        settleInto(inner as Future<T>, resolve, reject, onfulfilled, onrejected);
      });
      driver._addAsyncWaiter(inner);
      // Its first step runs inline, as Python runs `await coro()` in the
      // caller's frame: not a suspension point, so a cancel request the
      // caller holds is not thrown in there. If the coroutine suspends, the
      // request goes with it; if it returns at once, it stays with the
      // caller for its next await (and uncancel() can still drop it).
      inner._step();
      if (driver._mustCancel && inner._state === PENDING) {
        driver._mustCancel = false;
        handOverCancel(inner, driver._cancelMessage);
      }
    });
  }
  const loop = _getRunningLoop();
  if (loop === null) {
    const name = coroInfo(this)?.name ?? "a coroutine";
    const err = new RuntimeError(
      `cannot await ${name}(): no event loop is running; run your program with ` +
        `asyncio.run(main) or loop.runUntilComplete(main())`,
    );
    return Promise.reject(err).then(onfulfilled, onrejected);
  }
  return loop.createTask(this).then(onfulfilled, onrejected);
}

// --- awaiting a coroutine object once ---------------------------------------

/** On the prototype of every decorated coroutine function's objects. */
const GUARDED: unique symbol = Symbol("yieldfrom.asyncio.guarded");
/** Set on a decorated coroutine object when something starts running it. */
const CLAIMED: unique symbol = Symbol("yieldfrom.asyncio.claimed");

function reuseError(coro: object): RuntimeError {
  const name = coroInfo(coro)?.name ?? "coroutine";
  return new RuntimeError(
    `cannot reuse already awaited coroutine; ${name}() ran, or runs, already: a coroutine ` +
      `object runs once: call ${name}() again for a new one, or await the Task that runs it`,
  );
}

/**
 * `yield* coro` asks the coroutine for its iterator once, at the start: a
 * decorated coroutine object answers only the first time (Python's
 * "cannot reuse already awaited coroutine").
 */
function claimIterator(this: Coro<unknown> & { [CLAIMED]?: true }): Coro<unknown> {
  if (this[CLAIMED] === true) throw reuseError(this);
  this[CLAIMED] = true;
  if (debugState.tracking) coroutineStarted(this);
  return this;
}

// deno-lint-ignore require-yield
function* throwOnStart(error: unknown): Coro<never> {
  throw error;
}

/**
 * @internal What a new Task drives for `coro`: `coro` itself, claimed, or,
 * if `coro` is a decorated coroutine object something else already runs (or
 * ran), a coroutine that fails with Python's RuntimeError. Undecorated
 * generators carry no mark and cannot be guarded.
 */
export function claimCoroutine<T>(coro: Coro<T>): Coro<T> {
  const c = coro as Coro<T> & { [GUARDED]?: true; [CLAIMED]?: true };
  if (c[GUARDED] !== true) {
    if (debugState.tracking) coroutineStarted(coro); // sleep()'s, in debug mode
    return coro;
  }
  if (c[CLAIMED] !== true) {
    c[CLAIMED] = true;
    if (debugState.tracking) coroutineStarted(coro);
    return coro;
  }
  const failing = throwOnStart(reuseError(coro));
  Object.defineProperty(failing, CORO_INFO, { value: coroInfo(coro) });
  return failing;
}

/**
 * A cancel request pending as the coroutine run by `inner` suspended for the
 * first time: Python's rule for a future yielded while a request is pending
 * (cancel the future; if it cannot be cancelled, throw at the next step).
 */
function handOverCancel(inner: Driver & Future<unknown>, msg: string | undefined): void {
  const w = inner._waiter;
  if (w !== null && w._bridge !== true && w.cancel(msg)) return;
  inner._mustCancel = true;
  inner._cancelMessage = msg;
}

function markGenerator(fn: (...args: never[]) => unknown, info: CoroInfo): void {
  const proto = fn.prototype as Record<PropertyKey, unknown>;
  Object.defineProperty(proto, "then", {
    value: coroThen,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, CORO_INFO, { value: info, configurable: true });
  Object.defineProperty(proto, GUARDED, { value: true });
  Object.defineProperty(proto, Symbol.iterator, {
    value: claimIterator,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(fn, IS_CORO_FN, { value: true });
}

// --- hand-written coroutine objects -----------------------------------------

/**
 * @internal A coroutine object written by hand: a small class whose `next`,
 * `throw` and `return` step like a generator's (return shared results with
 * `iterYield`/`iterReturn`). The hot library coroutines (`sleep`,
 * `Event.wait`, `Lock.acquire`) use it: an object of a few fields costs
 * less to make and to keep while waiting than a suspended generator frame.
 * It is awaitable (`then`), `yield*`-able, and counts as a coroutine.
 */
// The class's prototype is put on Iterator.prototype by hand below (for the
// iterator helpers a generator has): `extends Iterator` would run the
// built-in Iterator constructor for every object, doubling its cost.
export interface LightCoro<T> extends Generator<unknown, T, unknown> {}
export abstract class LightCoro<T> {
  /** The next step: yield (`iterYield`) or return (`iterReturn`). */
  abstract next(): IteratorResult<unknown, T>;

  /** An exception thrown in at the suspension point; by default it propagates. */
  throw(error: unknown): IteratorResult<unknown, T> {
    throw error;
  }

  /** Closing early. */
  return(value?: T): IteratorResult<unknown, T> {
    return { done: true, value: value as T };
  }

  /** It is its own iterator, for `yield*`. */
  [Symbol.iterator](): this {
    if (debugState.tracking) coroutineStarted(this);
    return this;
  }

  /** Disposal closes it, as a generator's does. */
  [Symbol.dispose](): void {
    this.return();
  }

  /** Awaitable from async code, like every coroutine object (see `coroutine()`). */
  declare then: <R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ) => Promise<R1 | R2>;
}
Object.setPrototypeOf(LightCoro.prototype, Iterator.prototype);
Object.defineProperty(LightCoro.prototype, Symbol.toStringTag, { value: "Generator" });

/**
 * @internal Make the objects of a LightCoro subclass coroutine objects:
 * awaitable, with a name for reprs (see also `inlineAwaitable`).
 */
export function lightCoroutine(
  cls: abstract new (...args: never[]) => LightCoro<unknown>,
  name: string,
): void {
  Object.defineProperty(cls.prototype, "then", {
    value: coroThen,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(cls.prototype, CORO_INFO, {
    value: { name, definedAt: undefined },
    configurable: true,
  });
}

// --- async bodies and host promises ---------------------------------------

/**
 * @internal Call `fn` in `driver`'s context: awaits inside it register with
 * the driver, so cancelling the task reaches them. A generator function
 * needs no context (its coroutine runs inside the task through `yield*`),
 * so it is called directly.
 */
export function callIn(
  driver: Driver | null,
  fn: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
): unknown {
  if (
    driver === null || toStringTag.call(fn) === "[object GeneratorFunction]" ||
    (fn as unknown as Record<symbol, unknown>)[IS_CORO_FN] === true || // lazy: makes an object
    driverStorage.getStore() === driver // already in its context (async code)
  ) {
    return fn.apply(thisArg, args);
  }
  return driverStorage.call(driver, fn, thisArg, args);
}

/** The future of an async body's promise (`_bridge`: see `Future._bridge`). */
class BodyFuture<T> extends Future<T> {}
Object.defineProperty(BodyFuture.prototype, "_bridge", { value: true });
Object.defineProperty(BodyFuture, "name", { value: "Future" }); // reprs: <Future pending>

/**
 * @internal A future for the promise of an async body running in `driver`'s
 * context. A task waiting on it is cancelled through the body's own awaits
 * (see `Task.cancel`), never by abandoning the body.
 */
export function bodyFuture<T>(promise: PromiseLike<T>, driver: Driver): Future<T> {
  const fut = new BodyFuture<T>(driver._loop);
  driver._bodyStarted();
  driver._loop._needMicrotasks();
  promise.then(
    (v) => bodyFinished(fut, driver, true, v),
    (e) => bodyFinished(fut, driver, false, e),
  );
  return fut;
}

/** An async body's promise settled: complete its future. */
function bodyFinished(fut: Future<unknown>, driver: Driver, ok: boolean, value: unknown): void {
  const loop = driver._loop;
  driver._bodyEnded();
  loop._needMicrotasks();
  if (loop.isClosed() || fut._state !== PENDING) return;
  // The generator waiting on this future is the driver's own frame: it
  // goes on at once, as a Python task goes on when an awaited coroutine
  // returns (no loop iteration in between).
  const direct = fut._callbacks === driver;
  if (direct) fut._callbacks = null;
  if (ok) fut._setResult(value);
  else fut._setException(value);
  if (direct) driver._step();
}

// --- decorated async functions ----------------------------------------------

/**
 * @internal The coroutine object of a decorated async function (or of an
 * async function given to a task): a small hand-written coroutine holding
 * the function and its arguments; nothing runs until something drives it.
 *
 * - Driven by a task (or `yield*`), it starts the body in that task's
 *   context and waits on the body's promise (`bodyFuture`).
 * - Awaited from a task's async code, it runs right there, as Python runs
 *   `await coro()` in the awaiting coroutine's frame: the body is called in
 *   the awaiting code's context (its awaits belong to the same task) and
 *   its promise settles the `await`. No driver, generator or future of its
 *   own.
 */
export class AsyncCoro<T> extends LightCoro<T> {
  /** @internal */ _fn: (...args: unknown[]) => unknown;
  /** @internal */ _this: unknown;
  /** @internal */ _args: unknown[];
  /** @internal Where the function came from, for reprs. */ _info: CoroInfo;
  /** @internal The body's future, once a task started it. */ _fut: Future<T> | null = null;
  /** @internal Something started running it (it runs once). */ [CLAIMED]: boolean = false;

  constructor(
    fn: (...args: unknown[]) => unknown,
    thisArg: unknown,
    args: unknown[],
    info: CoroInfo,
  ) {
    super();
    this._fn = fn;
    this._this = thisArg;
    this._args = args;
    this._info = info;
    if (debugState.tracking) trackCoroutine(this, info.name);
  }

  override next(): IteratorResult<unknown, T> {
    let fut = this._fut;
    if (fut === null) {
      const driver = currentDriver();
      const p = driver === null
        ? this._fn.apply(this._this, this._args)
        : callIn(driver, this._fn, this._this, this._args);
      fut =
        this._fut =
          (driver === null
            ? wrap(p as PromiseLike<T>)
            : bodyFuture(p as PromiseLike<T>, driver)) as Future<T>;
      this._args = EMPTY;
    }
    return fut.next();
  }

  override throw(error: unknown): IteratorResult<unknown, T> {
    throw error;
  }
}
const EMPTY: unknown[] = [];
Object.defineProperty(AsyncCoro.prototype, CORO_INFO, {
  get(this: AsyncCoro<unknown>) {
    return this._info;
  },
  configurable: true,
});
Object.defineProperty(AsyncCoro.prototype, GUARDED, { value: true });
Object.defineProperty(AsyncCoro.prototype, Symbol.iterator, {
  value: claimIterator,
  writable: true,
  configurable: true,
});
Object.defineProperty(AsyncCoro.prototype, "then", {
  value: asyncCoroThen,
  writable: true,
  configurable: true,
});

/** `then` of an AsyncCoro: see the class. */
function asyncCoroThen<T, R1 = T, R2 = never>(
  this: AsyncCoro<T>,
  onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
  onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
): Promise<R1 | R2> {
  const driver = driverStorage.getStore();
  if (driver === undefined || driver._state !== PENDING || this[CLAIMED]) {
    // Outside any task it runs as a task of its own; a reused one fails.
    return (coroThen as (this: Coro<T>, a: unknown, b: unknown) => Promise<R1 | R2>).call(
      this as unknown as Coro<T>,
      onfulfilled,
      onrejected,
    );
  }
  this[CLAIMED] = true;
  if (debugState.tracking) coroutineStarted(this);
  const loop = driver._loop;
  loop._needMicrotasks();
  let p: PromiseLike<unknown>;
  try {
    p = this._fn.apply(this._this, this._args) as PromiseLike<unknown>;
  } catch (e) {
    p = Promise.reject(e);
  }
  this._args = EMPTY;
  return Promise.resolve(p).then(
    (value) => {
      loop._needMicrotasks();
      return onfulfilled ? onfulfilled(value as T) : value as R1;
    },
    (error) => {
      loop._needMicrotasks();
      const e = asError(error);
      if (onrejected) return onrejected(e);
      throw e;
    },
  );
}

/** Options of {@linkcode wrap}. */
export interface WrapOptions {
  /**
   * Called when the future is cancelled while the promise is pending (the
   * waiting task was cancelled, or timed out): stop the host work, e.g.
   * `() => controller.abort()`.
   */
  abort?: () => void;
  /** The loop of the new future; by default the running or current loop. */
  loop?: AbstractEventLoop;
}

/**
 * Bridge a host promise (or any thenable) into a Future of the loop, so a
 * generator coroutine can wait for it with `yield* wrap(promise)`.
 *
 * Cancelling the future stops the waiting, not the promise's work: a host
 * promise cannot be interrupted, unless `abort` is given, which is called
 * then (or pass `currentSignal()` to the host API that made the promise).
 * While the promise is pending, a loop on the virtual clock does not jump
 * time unless the host is silent for its autojump threshold.
 *
 * @param promise The promise to wait for; a Future is returned as it is.
 * @param options `abort`: called if the future is cancelled first; `loop`:
 * the future's loop (a loop may also be passed itself, as the second
 * argument).
 * @returns A Future settled with the promise's outcome.
 *
 * @example
 * ```ts
 * import { run, wrap } from "@yieldfrom/asyncio";
 * const text = await run(function* () {
 *   const value = yield* wrap(Promise.resolve("from the host"));
 *   return value;
 * });
 * console.log(text); // from the host
 * ```
 *
 * @example Stopping the host work when the waiting task is cancelled
 * ```ts
 * import { run, timeout, TimeoutError, wrap } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const controller = new AbortController();
 *   const slow = new Promise((resolve, reject) => {
 *     const id = setTimeout(resolve, 10_000);
 *     controller.signal.onabort = () => {
 *       clearTimeout(id);
 *       reject(controller.signal.reason);
 *     };
 *   });
 *   try {
 *     await timeout(0.05, () => wrap(slow, { abort: () => controller.abort() }));
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError, controller.signal.aborted); // true true
 *   }
 * });
 * ```
 */
export function wrap<T>(
  promise: PromiseLike<T> | Future<T>,
  options?: WrapOptions | AbstractEventLoop,
): Future<T> {
  if (promise instanceof Future) return promise;
  if (!isThenable(promise)) {
    throw new TypeError(
      `wrap(): expected a Promise or thenable, got ${describe(promise)}` +
        (isGeneratorLike(promise) ? "; run a coroutine with yield* or createTask()" : ""),
    );
  }
  let loop: AbstractEventLoop | undefined;
  let abort: (() => void) | undefined;
  if (options !== undefined && options !== null) {
    if (typeof (options as AbstractEventLoop).runForever === "function") {
      loop = options as AbstractEventLoop;
    } else {
      ({ loop, abort } = options as WrapOptions);
      if (abort !== undefined && typeof abort !== "function") {
        throw new TypeError(`wrap(): abort must be a function, got ${describe(abort)}`);
      }
    }
  }
  const lp = loop ?? getEventLoop();
  const fut = new Future<T>(lp);
  let busy = true;
  lp._hostWorkAdd(1);
  const release = (): void => {
    if (busy) {
      busy = false;
      lp._hostWorkAdd(-1);
      // Cancelled while the host work goes on: stop it, if we were told how.
      if (abort !== undefined && fut._state === CANCELLED) abort();
    }
  };
  fut._addCallback(release);
  const settle = (ok: boolean, value: unknown): void => {
    release();
    if (lp.isClosed() || fut._state !== PENDING) return;
    if (ok) fut._setResult(value);
    else fut._setException(value);
  };
  try {
    promise.then((v) => settle(true, v), (e) => settle(false, e));
  } catch (e) {
    settle(false, e);
  }
  return fut;
}

// --- coroutine() -----------------------------------------------------------

/**
 * Make a coroutine function: Python's `@asyncio.coroutine` decorator, and
 * this library's `async def`.
 *
 * - A generator function (`function*`) is the classic form: `yield*` is
 *   Python's `yield from`. It is returned itself, with its coroutine objects
 *   made awaitable (`then`) as well.
 * - An async function runs lazily: calling the decorated function returns a
 *   coroutine object and nothing runs until a task drives it (`createTask`,
 *   `run`, `gather`, `yield*`, `await`...). Its body then runs in that task's
 *   context, so `task.cancel()` reaches the runtime awaitable it awaits
 *   (sleep, futures, locks, queues...). It cannot return a Future, Task or
 *   coroutine object as its value (a promise would wait for it).
 * - A plain function's result is returned, awaited first if it is
 *   awaitable.
 *
 * @param fn A generator function, an async function or a plain function.
 * @returns A function returning lazy coroutine objects.
 *
 * @example
 * ```ts
 * import * as asyncio from "@yieldfrom/asyncio";
 *
 * const worker = asyncio.coroutine(function* (name: string) {
 *   yield* asyncio.sleep(1);
 *   return `${name} done`;
 * });
 * const helper = asyncio.coroutine(async (name: string) => {
 *   await asyncio.sleep(1);
 *   return `${name} helped`;
 * });
 * await asyncio.run(async () => {
 *   const t = asyncio.createTask(worker("a"));
 *   console.log(await t); // a done
 *   console.log(await helper("b")); // b helped
 * }, { clock: "virtual" });
 * ```
 */
export function coroutine<A extends unknown[], T>(
  fn: (...args: A) => Generator<unknown, T, unknown>,
): (...args: A) => Coroutine<T>;
/** `coroutine(async (...) => …)`: a lazy, cancellable async coroutine function. */
export function coroutine<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
): (...args: A) => Coroutine<T>;
/** `coroutine((...) => value)`: a plain function's result, awaited if it is awaitable. */
export function coroutine<A extends unknown[], T>(
  fn: (...args: A) => T,
): (...args: A) => Coroutine<Awaited<T>>;
export function coroutine(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  if (typeof fn !== "function") {
    throw new TypeError(
      `coroutine(): expected a generator function, an async function or a plain function, got ${
        describe(fn)
      }`,
    );
  }
  if (isCoroutineFunction(fn)) return fn;
  const info: CoroInfo = new DefinedCoroInfo(fn.name || "<anonymous>", new Error());
  const kind = toStringTag.call(fn);
  if (kind === "[object GeneratorFunction]") {
    markGenerator(fn, info);
    // Debug mode (on when the function is decorated): its coroutine objects
    // are reported if collected before anything starts them.
    if (debugState.tracking) return trackingGenerator(fn, info);
    return fn;
  }
  if (kind === "[object AsyncGeneratorFunction]") {
    throw new TypeError(
      `coroutine(): ${info.name} is an async generator function; a coroutine is a ` +
        `generator function (function* with yield*) or an async function`,
    );
  }
  if (kind === "[object AsyncFunction]") {
    const decorated = function (this: unknown, ...args: unknown[]): AsyncCoro<unknown> {
      return new AsyncCoro(fn, this, args, info);
    };
    Object.defineProperty(decorated, "name", { value: info.name });
    Object.defineProperty(decorated, IS_CORO_FN, { value: true });
    return decorated;
  }
  let wrapper: (this: unknown, ...args: unknown[]) => Coro<unknown>;
  {
    wrapper = function* (this: unknown, ...args: unknown[]): Coro<unknown> {
      return yield* awaitResult(callIn(currentDriver(), fn, this, args));
    };
  }
  Object.defineProperty(wrapper, "name", { value: info.name });
  markGenerator(wrapper, info);
  return wrapper;
}

/** A decorated generator function that tracks its coroutine objects (debug mode). */
function trackingGenerator(
  fn: (...args: unknown[]) => unknown,
  info: CoroInfo,
): (...args: unknown[]) => unknown {
  const tracking = function (this: unknown, ...args: unknown[]): unknown {
    const coro = fn.apply(this, args) as object;
    trackCoroutine(coro, info.name);
    return coro;
  };
  Object.defineProperty(tracking, "name", { value: info.name });
  Object.defineProperty(tracking, IS_CORO_FN, { value: true });
  return tracking;
}

/**
 * @internal Wait for whatever a called function returned, if it is
 * awaitable (`yield* awaitResult(r)`). A coroutine object or a Future is
 * returned as it is, to be delegated to directly (a generator around it
 * would add a level of delegation to every step); stepped by hand, take
 * its `[Symbol.iterator]()` first, as `yield*` does (that claims a
 * decorated coroutine object).
 */
export function awaitResult(r: unknown): Coro<unknown> {
  if (isGeneratorLike(r) || r instanceof Future) return r as Coro<unknown>;
  return awaitValue(r);
}

/** `awaitResult` of a promise or of a plain value. */
function* awaitValue(r: unknown): Coro<unknown> {
  if (isThenable(r)) {
    const driver = currentDriver();
    return yield* (driver === null ? wrap(r) : bodyFuture(r, driver));
  }
  return r;
}

function* callThunk(fn: () => unknown): Coro<unknown> {
  return yield* awaitResult(callIn(currentDriver(), fn, undefined, []));
}

function* awaitFuture(fut: Future<unknown>): Coro<unknown> {
  return yield* fut;
}

function* awaitPromise(p: PromiseLike<unknown>): Coro<unknown> {
  return yield* wrap(p, _getRunningLoop() ?? undefined);
}

/**
 * @internal The generator a Task drives for `aw`: a coroutine object as it
 * is; a Future, a promise or a function wrapped in a small generator.
 *
 * @param where The public function that was called, for the error message.
 */
export function toCoroutine(aw: unknown, where: string): Coro<unknown> {
  if (isGeneratorLike(aw)) return aw;
  let gen: Coro<unknown>;
  let name: string;
  if (aw instanceof Future) {
    gen = awaitFuture(aw);
    name = "awaitFuture";
  } else if (typeof aw === "function") {
    const tag = toStringTag.call(aw);
    if (tag === "[object AsyncGeneratorFunction]") {
      throw new TypeError(
        `${where}: ${aw.name || "the function"} is an async generator function; pass a ` +
          `coroutine, an awaitable, or a function returning one`,
      );
    }
    name = aw.name || "<anonymous>";
    if (tag === "[object GeneratorFunction]") {
      // Calling a generator function runs none of its body (only default
      // parameter values, which a thunk called without arguments evaluates
      // either way), so the task can drive the generator itself: no wrapper
      // level for every resume to pass through.
      try {
        gen = (aw as () => Coro<unknown>)();
      } catch (e) {
        gen = throwOnStart(e);
      }
      if (coroInfo(gen) !== undefined) return gen;
    } else if (tag === "[object AsyncFunction]") {
      return new AsyncCoro(aw as () => unknown, undefined, [], { name, definedAt: undefined });
    } else if (isCoroutineFunction(aw)) {
      // A decorated function makes a lazy coroutine object: nothing runs yet.
      return (aw as () => Coro<unknown>)();
    } else {
      gen = callThunk(aw as () => unknown);
    }
  } else if (isThenable(aw)) {
    gen = awaitPromise(aw);
    name = "wrap";
  } else {
    throw new TypeError(
      `${where}: a coroutine was expected, got ${describe(aw)}; pass a coroutine object ` +
        `(call the coroutine function), a Future, a Promise, or a function returning one`,
    );
  }
  Object.defineProperty(gen, CORO_INFO, { value: { name, definedAt: undefined } });
  return gen;
}

/**
 * Whether `x` is a coroutine object: a generator object (decorated or not),
 * as Python counts generator-based coroutines.
 *
 * @param x Anything.
 * @returns `true` for generator objects.
 *
 * @example
 * ```ts
 * import { coroutine, isCoroutine } from "@yieldfrom/asyncio";
 * const f = coroutine(function* () {});
 * console.log(isCoroutine(f()), isCoroutine(f)); // true false
 * ```
 */
export function isCoroutine(x: unknown): x is Coro<unknown> {
  return isGeneratorObject(x);
}

/**
 * Whether `f` is a coroutine function: one returned by
 * {@linkcode coroutine}. (Undecorated generator functions still make
 * coroutine objects, but, as in Python, are not counted.)
 *
 * @param f Anything.
 * @returns `true` for decorated functions.
 *
 * @example
 * ```ts
 * import { coroutine, isCoroutineFunction } from "@yieldfrom/asyncio";
 * console.log(isCoroutineFunction(coroutine(async () => 1))); // true
 * console.log(isCoroutineFunction(async () => 1)); // false
 * ```
 */
export function isCoroutineFunction(f: unknown): boolean {
  return typeof f === "function" && (f as unknown as Record<symbol, unknown>)[IS_CORO_FN] === true;
}
