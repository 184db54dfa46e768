/**
 * Context variables (Python's `contextvars`, PEP 567): `ContextVar`,
 * `Token`, `Context` and `copyContext()`, and the bookkeeping that makes
 * tasks and loop callbacks run in their own contexts.
 *
 * A context's variables are an immutable map, copied when a variable is
 * set: copying a context (every new task does) copies one pointer.
 *
 * Where code runs decides its context:
 * - a task's steps run in the task's context: a copy of the context current
 *   when the task was created, or the `context` given to `createTask`;
 * - a loop callback (`callSoon`, `callLater`, `callAt`) runs in a copy of
 *   the context current when it was scheduled, or the `context` given;
 * - `ctx.run(fn)` runs `fn` in `ctx`;
 * - async code of a task, after an `await`, runs in the task's context
 *   (found through the task's async-code storage);
 * - anything else runs in the program's main context.
 *
 * Tasks and handles are the "owners" of their context: they hold the
 * variables themselves until someone asks for a `Context` object, so a task
 * that never touches a ContextVar pays one pointer for it. A task step
 * costs nothing more: the loop already knows which task's step runs
 * (`loop._current`), and that is where `get()` and `set()` look. Until the
 * program makes its first ContextVar, every context is empty: new tasks and
 * handles copy nothing and callbacks run as they would without contexts.
 *
 * @module
 */

import { driverStorage } from "./async_context.ts";
import { _getRunningLoop } from "./events.ts";
import { LookupError, RuntimeError, ValueError } from "./errors.ts";
import { describe, inspectable, REPR, repr } from "./format_helpers.ts";

/** @internal The variables of a context: never changed once made (copied on write). */
export type VarMap = ReadonlyMap<ContextVar<unknown>, unknown>;

/** @internal The variables of a context nobody set anything in. */
export const EMPTY_VARS: VarMap = new Map();

/**
 * @internal Something code runs for, with a context of its own: a Task, or
 * the scratch owner of the running callback. `_context` is its variables,
 * or the Context it was given.
 */
export interface ContextOwner {
  _context: VarMap | Context;
}

/**
 * @internal What decides the current context, besides the task whose step
 * runs (`loop._current`):
 * - `cur`: the Context entered by `Context.run`, or the owner of a running
 *   callback; `null` elsewhere;
 * - `curDriver`: the step that was running when `cur` was set: a task step
 *   started inside (an eager task) runs in its own context, and `cur` is
 *   current again when it returns;
 * - `used`: whether the program ever set a context variable: until then
 *   every context is empty, and tasks and callbacks run with no bookkeeping
 *   at all (a variable that is made but never set costs nothing);
 * - `scratch`: the owner of the running callback (one object for all: a
 *   callback's context lives as long as the callback runs), and `gen`, which
 *   tells one callback's context from the next one's.
 *
 * Elsewhere, a task's async code finds its task through the async-code
 * storage, and anything else runs in the main context.
 */
export const contextState: {
  cur: ContextOwner | Context | null;
  curDriver: unknown;
  used: boolean;
  scratch: ContextOwner & { _gen: number };
} = { cur: null, curDriver: null, used: false, scratch: { _context: new Map(), _gen: 0 } };

/** The value of `Token.oldValue` when the variable had no value before `set()`. */
export interface Missing {
  /** Python's repr, `<Token.MISSING>`. */
  toString(): string;
}

const MISSING: Missing = Object.freeze({
  toString: () => "<Token.MISSING>",
  [REPR]: () => "<Token.MISSING>",
  [Symbol.for("Deno.customInspect")]: () => "<Token.MISSING>",
});

const NO_DEFAULT: unique symbol = Symbol("no default");

/** The owner (or Context) whose context is current. */
function currentOwner(): Context | ContextOwner {
  const state = contextState;
  const loop = _getRunningLoop();
  const driver = loop === null ? null : loop._current as unknown as { _task: ContextOwner } | null;
  const cur = state.cur;
  if (cur !== null && state.curDriver === driver) return cur;
  if (driver !== null) return driver._task;
  if (cur !== null) return cur;
  const d = driverStorage.getStore() as unknown as { _task: ContextOwner } | undefined;
  return d === undefined ? mainContext : d._task;
}

/** The Context or owner whose variables `get()`/`set()` use now. */
function currentTarget(): Context | ContextOwner {
  const h = currentOwner();
  if (h instanceof Context) return h;
  const c = h._context;
  return c instanceof Context ? c : h;
}

/**
 * @internal The current context's variables, for a new task or callback
 * (its copy of the current context): nothing to look up while the program
 * has no context variable.
 */
export function captureContext(): VarMap {
  if (!contextState.used) return EMPTY_VARS;
  return currentTarget()._context as VarMap;
}

/** @internal Enter `owner`'s context; returns what to give {@linkcode leaveContext}. */
function enterContext(
  owner: ContextOwner | Context,
): [ContextOwner | Context | null, unknown] {
  const state = contextState;
  const saved: [ContextOwner | Context | null, unknown] = [state.cur, state.curDriver];
  const loop = _getRunningLoop();
  state.cur = owner;
  state.curDriver = loop === null ? null : loop._current;
  return saved;
}

/** @internal Leave the context entered by {@linkcode enterContext}. */
function leaveContext(saved: [ContextOwner | Context | null, unknown]): void {
  contextState.cur = saved[0];
  contextState.curDriver = saved[1];
}

/**
 * @internal Make the context of the callback about to run (a copy of
 * `vars`, or the Context given) current, through the scratch owner: the
 * loop runs callbacks outside any step and any `Context.run`. Returns what
 * to give {@linkcode endCallback}. Storing only long-lived objects, it
 * costs a few stores and no allocation.
 */
export function beginCallback(
  vars: VarMap | Context,
): ContextOwner | Context | SavedCallbackState | null {
  const state = contextState;
  const prev = state.cur;
  const loop = _getRunningLoop();
  const driver = loop === null ? null : loop._current;
  if (driver !== null) {
    // Run by hand inside a task's step: the callback's context, not the
    // task's, is current until it returns (see `currentOwner`).
    const saved = new SavedCallbackState(prev, state.curDriver);
    state.cur = { _context: vars };
    state.curDriver = driver;
    return saved;
  }
  const scratch = state.scratch;
  if (prev === scratch) {
    // A callback run inside another one (by hand): an owner of its own.
    state.cur = { _context: vars };
  } else {
    scratch._context = vars;
    scratch._gen++;
    state.cur = scratch;
  }
  return prev;
}

/** What a callback run inside a task's step replaced (see {@linkcode beginCallback}). */
class SavedCallbackState {
  constructor(readonly cur: ContextOwner | Context | null, readonly curDriver: unknown) {}
}

/**
 * @internal On a callback wrapped to run in a context: the function it
 * wraps (whose name reports and reprs show).
 */
export const WRAPPED: unique symbol = Symbol("yieldfrom.asyncio.wrappedCallback");

/** @internal The name of a callback, seen through a context wrapper. */
export function callbackName(cb: { name: string; [WRAPPED]?: { name: string } }): string {
  return (cb[WRAPPED] ?? cb).name || "<anonymous>";
}

/** @internal The callback is over (see {@linkcode beginCallback}). */
export function endCallback(prev: ContextOwner | Context | SavedCallbackState | null): void {
  if (prev instanceof SavedCallbackState) {
    contextState.cur = prev.cur;
    contextState.curDriver = prev.curDriver;
  } else {
    contextState.cur = prev;
  }
}

/**
 * A context variable (Python's `contextvars.ContextVar`): a value per
 * context. Each task runs in its own copy of the context that was current
 * when it was created, so a value set inside a task is seen by that task
 * (and the tasks and callbacks it starts afterwards), never by its parent
 * or its siblings. Create context variables once, at module level.
 *
 * @typeParam T The type of the value.
 *
 * @example
 * ```ts
 * import { ContextVar, createTask, gather, run, sleep } from "@yieldfrom/asyncio";
 * const requestId = new ContextVar<string>("requestId", { default: "-" });
 * function* handle(id: string) {
 *   requestId.set(id);
 *   yield* sleep(0.1);
 *   return `${id} sees ${requestId.get()}`;
 * }
 * await run(function* () {
 *   const results = yield* gather(createTask(handle("a")), createTask(handle("b")));
 *   console.log(results, requestId.get()); // [ "a sees a", "b sees b" ] -
 * }, { clock: "virtual" });
 * ```
 */
export class ContextVar<T> {
  /** The variable's name. */
  readonly name: string;
  /** @internal */ _default: T | typeof NO_DEFAULT;

  /**
   * Make a context variable.
   *
   * @param name Its name (for reprs).
   * @param options `default`: the value `get()` returns when the variable
   * has no value in the current context.
   */
  constructor(name: string, options?: { default?: T }) {
    if (typeof name !== "string") {
      throw new TypeError(
        `ContextVar(): the name must be a string (context variable name must be a str), ` +
          `got ${describe(name)}`,
      );
    }
    this.name = name;
    this._default = options !== undefined && options !== null && "default" in options
      ? options.default as T
      : NO_DEFAULT;
  }

  /**
   * The variable's value in the current context; else `defaultValue` if
   * given; else the variable's default.
   *
   * @param defaultValue What to return when the variable has no value.
   * @returns The value.
   * @throws {LookupError} When there is no value and no default.
   */
  get(defaultValue?: T): T {
    const vars = currentTarget()._context as VarMap;
    if (vars.size !== 0) {
      const v = vars.get(this as ContextVar<unknown>);
      if (v !== undefined || vars.has(this as ContextVar<unknown>)) return v as T;
    }
    if (arguments.length > 0) return defaultValue as T;
    if (this._default !== NO_DEFAULT) return this._default;
    throw new LookupError(this[REPR]());
  }

  /**
   * Set the variable's value in the current context.
   *
   * @param value The new value.
   * @returns A token that `reset()` takes to restore the previous value.
   */
  set(value: T): Token<T> {
    // From now on a context may hold values: tasks and callbacks copy it.
    contextState.used = true;
    const target = currentTarget();
    const vars = target._context as VarMap;
    const self = this as ContextVar<unknown>;
    const old = vars.has(self) ? vars.get(self) as T : MISSING;
    const next = new Map(vars);
    next.set(self, value);
    target._context = next;
    return new Token(target, this, old);
  }

  /**
   * Restore the value the variable had before the `set()` that made
   * `token`, in the context that `set()` ran in.
   *
   * @param token What `set()` returned.
   * @throws {RuntimeError} When the token was used already.
   * @throws {ValueError} When it was made by another variable, or in another context.
   */
  reset(token: Token<T>): void {
    if (!(token instanceof Token)) {
      throw new TypeError(`expected an instance of Token, got ${describe(token)}`);
    }
    if (token._used) throw new RuntimeError(`${token[REPR]()} has already been used once`);
    if (token.var !== this) {
      throw new ValueError(`${token[REPR]()} was created by a different ContextVar`);
    }
    const target = currentTarget();
    const made = token._target;
    // (A task's own variables became a Context when it was asked for one;
    // the callbacks' owner is another context in each callback.)
    if (
      (made !== target && (made instanceof Context || made._context !== target)) ||
      (made === contextState.scratch && token._gen !== contextState.scratch._gen)
    ) {
      throw new ValueError(`${token[REPR]()} was created in a different Context`);
    }
    token._used = true;
    const next = new Map(target._context as VarMap);
    if (token.oldValue === MISSING) next.delete(this as ContextVar<unknown>);
    else next.set(this as ContextVar<unknown>, token.oldValue);
    target._context = next;
  }

  /** Python's repr: `<ContextVar name='x' default=1>`. */
  [REPR](): string {
    const d = this._default === NO_DEFAULT ? "" : ` default=${repr(this._default)}`;
    return `<ContextVar name=${repr(this.name)}${d}>`;
  }
}
inspectable(ContextVar);

/**
 * What `ContextVar.set()` returns: `reset(token)` restores the previous
 * value. A token works once, in the context it was made in. With `using`,
 * the value is restored at the end of the block (Python 3.14's `with
 * var.set(value):`).
 *
 * @typeParam T The variable's type.
 *
 * @example
 * ```ts
 * import { ContextVar, Token } from "@yieldfrom/asyncio";
 * const level = new ContextVar<number>("level", { default: 0 });
 * const token = level.set(1);
 * console.log(token.oldValue === Token.MISSING, level.get()); // true 1
 * level.reset(token);
 * console.log(level.get()); // 0
 * {
 *   using _ = level.set(2);
 *   console.log(level.get()); // 2
 * }
 * console.log(level.get()); // 0
 * ```
 */
export class Token<T> {
  /** `oldValue` when the variable had no value. */
  static readonly MISSING: Missing = MISSING;
  /** The variable that made the token. */
  readonly var: ContextVar<T>;
  /** The value before `set()`, or `Token.MISSING`. */
  readonly oldValue: T | Missing;
  /** @internal The context (or owner) `set()` ran in. */ _target: Context | ContextOwner;
  /** @internal */ _used = false;
  /** @internal Which callback's context, when made in a callback. */ _gen: number;

  /** @internal Tokens are made by `ContextVar.set()`. */
  constructor(target: Context | ContextOwner, v: ContextVar<T>, oldValue: T | Missing) {
    this._target = target;
    this._gen = contextState.scratch._gen;
    this.var = v;
    this.oldValue = oldValue;
  }

  /** Reset the variable (`using token = v.set(x)`). */
  [Symbol.dispose](): void {
    this.var.reset(this);
  }

  /** Python's repr: `<Token var=<ContextVar name='x'>>`. */
  [REPR](): string {
    return `<Token${this._used ? " used" : ""} var=${this.var[REPR]()}>`;
  }
}
inspectable(Token);

/**
 * A context (Python's `contextvars.Context`): a read-only mapping from
 * context variables to values, in which code can run with `run()`. Get a
 * copy of the current one with {@linkcode copyContext}; `new Context()` is
 * an empty one. Copies are cheap: a context's variables are shared until
 * one of them is set.
 *
 * @example
 * ```ts
 * import { ContextVar, copyContext } from "@yieldfrom/asyncio";
 * const user = new ContextVar<string>("user", { default: "nobody" });
 * const ctx = copyContext();
 * ctx.run(() => user.set("ann"));
 * console.log(user.get(), ctx.get(user), ctx.size); // nobody ann 1
 * console.log(ctx.run(() => user.get())); // ann
 * ```
 */
export class Context implements Iterable<ContextVar<unknown>> {
  /** @internal Its variables. */ _context: VarMap;
  /** @internal Whether `run()` is running it. */ _entered = false;

  /** An empty context. */
  constructor() {
    this._context = EMPTY_VARS;
  }

  /** @internal A context holding `vars`. */
  static _of(vars: VarMap): Context {
    const c = new Context();
    c._context = vars;
    return c;
  }

  /**
   * Call `fn(...args)` in this context: the variables it sets are set in
   * this context, and are seen by the next `run()`. Code after an `await`
   * inside `fn` no longer runs in it (see docs/contextvars.md).
   *
   * @param fn The function.
   * @param args Its arguments.
   * @returns What `fn` returns.
   * @throws {RuntimeError} When this context is already entered (by a
   * `run()` that has not returned, or as the current task's context).
   */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (this._entered || currentTarget() === this) {
      throw new RuntimeError(`cannot enter context: ${this[REPR]()} is already entered`);
    }
    if (typeof fn !== "function") {
      throw new TypeError(`Context.run(): expected a function, got ${describe(fn)}`);
    }
    const saved = enterContext(this);
    this._entered = true;
    try {
      return fn(...args);
    } finally {
      this._entered = false;
      leaveContext(saved);
    }
  }

  /** A copy of this context (cheap: the variables are shared until set). */
  copy(): Context {
    return Context._of(this._context);
  }

  /**
   * The value of `v` in this context, else `defaultValue`.
   *
   * @param v A context variable.
   * @param defaultValue What to return when `v` has no value here.
   * @returns The value.
   */
  get<T>(v: ContextVar<T>, defaultValue?: T): T | undefined {
    const vars = this._context;
    return vars.has(v as ContextVar<unknown>)
      ? vars.get(v as ContextVar<unknown>) as T
      : defaultValue;
  }

  /**
   * Whether `v` has a value in this context.
   *
   * @param v A context variable.
   * @returns `true` when it has one.
   */
  has(v: ContextVar<unknown>): boolean {
    return this._context.has(v);
  }

  /** The variables that have a value in this context. */
  keys(): IterableIterator<ContextVar<unknown>> {
    return this._context.keys() as IterableIterator<ContextVar<unknown>>;
  }

  /** Their values. */
  values(): IterableIterator<unknown> {
    return this._context.values() as IterableIterator<unknown>;
  }

  /** `[variable, value]` pairs. */
  entries(): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._context.entries() as IterableIterator<[ContextVar<unknown>, unknown]>;
  }

  /** How many variables have a value. */
  get size(): number {
    return this._context.size;
  }

  /** Iterates over the variables, as a Python mapping does. */
  [Symbol.iterator](): IterableIterator<ContextVar<unknown>> {
    return this.keys();
  }

  /** Python's repr (without the address). */
  [REPR](): string {
    return "<_contextvars.Context object>";
  }
}
inspectable(Context);

/** The program's main context: what code outside any task, callback or `run()` uses. */
const mainContext = new Context();

/**
 * A copy of the current context (Python's `contextvars.copy_context()`).
 *
 * @returns A new Context with the current values.
 *
 * @example
 * ```ts
 * import { ContextVar, copyContext, run } from "@yieldfrom/asyncio";
 * const v = new ContextVar<number>("v", { default: 0 });
 * await run(function* () {
 *   v.set(1);
 *   const ctx = copyContext();
 *   v.set(2);
 *   console.log(ctx.get(v), v.get()); // 1 2
 * });
 * ```
 */
export function copyContext(): Context {
  return Context._of(captureContext());
}
