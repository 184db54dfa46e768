/**
 * `Handle` and `TimerHandle`: callbacks scheduled with `callSoon`,
 * `callLater` and `callAt`, which can be cancelled before they run.
 *
 * @module
 */

import { _getRunningLoop, type AbstractEventLoop } from "./events.ts";
import { describe as describeValue, REPR, shortRepr } from "./format_helpers.ts";
import { createdAt } from "./debug.ts";
import {
  beginCallback,
  callbackName,
  captureContext,
  Context,
  contextState,
  endCallback,
  type VarMap,
} from "./context_vars.ts";

/** A function scheduled on the loop: called with the arguments given when it was scheduled. */
// deno-lint-ignore no-explicit-any
export type Callback = (...args: any[]) => unknown;

/**
 * Options of `callSoon`, `callLater` and `callAt`, given in place of the
 * callback, before it (Python's `context=` keyword):
 * `loop.callSoon({ context }, callback, ...args)`.
 *
 * @example
 * ```ts
 * import { ContextVar, copyContext, getRunningLoop, run, sleep } from "@yieldfrom/asyncio";
 * const v = new ContextVar<string>("v", { default: "main" });
 * await run(function* () {
 *   const ctx = copyContext();
 *   ctx.run(() => v.set("in ctx"));
 *   getRunningLoop().callSoon({ context: ctx }, () => console.log(v.get())); // in ctx
 *   yield* sleep(0);
 * });
 * ```
 */
export interface CallbackOptions {
  /** The context the callback runs in; by default a copy of the current one. */
  context?: Context;
}

/**
 * @internal `callSoon(options, callback, ...args)`: the options given in
 * place of the callback, checked, and the callback and arguments after them.
 *
 * @param where The method, for error messages.
 * @param options What was given in place of the callback.
 * @param rest What came after it.
 */
export function callbackWithOptions(
  where: string,
  options: unknown,
  rest: unknown[] | null,
): { callback: Callback; args: unknown[] | null; context: Context | undefined } {
  const isOptions = typeof options === "object" && options !== null && !Array.isArray(options) &&
    Object.getPrototypeOf(options) === Object.prototype;
  const callback = rest?.[0];
  if (!isOptions || typeof callback !== "function") {
    const what = isOptions ? callback : options;
    throw new TypeError(
      `${where}: the callback must be a function, got ${describeValue(what)}` +
        (isOptions ? " after the options" : ""),
    );
  }
  const context = (options as CallbackOptions).context;
  if (context !== undefined && !(context instanceof Context)) {
    throw new TypeError(
      `${where}: the context option must be a Context (from copyContext() or new Context()), ` +
        `got ${describeValue(context)}`,
    );
  }
  return {
    callback: callback as Callback,
    args: rest!.length > 1 ? rest!.slice(1) : null,
    context,
  };
}

/**
 * Run `h`'s callback in `vars` (a copy of the context it was scheduled in,
 * or the Context given): see context_vars.ts.
 */
function runIn(h: Handle, vars: VarMap | Context): void {
  const prev = beginCallback(vars);
  try {
    Handle.prototype._run.call(h);
  } finally {
    endCallback(prev);
  }
}

/** Python's `_format_callback`: `name(arg, ...)`. */
export function formatCallback(cb: Callback, args: readonly unknown[] | null): string {
  const name = callbackName(cb);
  return `${name}(${args ? args.map((a) => shortRepr(a)).join(", ") : ""})`;
}

/**
 * A callback scheduled on an event loop by `callSoon()`. `cancel()` keeps it
 * from running; a cancelled handle never runs.
 *
 * @example
 * ```ts
 * import { run, getRunningLoop, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const h = getRunningLoop().callSoon(() => console.log("never"));
 *   h.cancel();
 *   console.log(h.cancelled()); // true
 *   yield* sleep(0);
 * });
 * ```
 */
export class Handle {
  /** @internal The callback; `null` once cancelled. */
  _callback: Callback | null;
  /** @internal The arguments, or `null` for none. */ _args: unknown[] | null;

  /**
   * Handles are made by the loop's `callSoon`/`callLater`/`callAt`; you do
   * not construct them yourself.
   *
   * @param callback The function to call.
   * @param args Its arguments, or `null` for none.
   * @param loop The loop it belongs to (in debug mode it remembers where
   * the handle was made).
   */
  constructor(callback: Callback, args: unknown[] | null, loop: AbstractEventLoop) {
    // Two fields only: a loop may hold a million of these at once.
    this._callback = callback;
    this._args = args;
    if (loop.getDebug()) debugInfo.set(this, { tb: new Error().stack ?? "", cb: null, args: null });
  }

  /** @internal Whether `cancel()` was called. */
  get _cancelled(): boolean {
    return this._callback === null;
  }

  /** Keep the callback from running; it is a no-op when it already ran. */
  cancel(): void {
    if (this._callback !== null) {
      // Debug mode keeps the callback for the repr; otherwise it goes now.
      const info = debugInfo.get(this);
      if (info !== undefined) {
        info.cb = this._callback;
        info.args = this._args;
      }
      this._callback = null;
      this._args = null;
    }
  }

  /** Whether `cancel()` was called. */
  cancelled(): boolean {
    return this._callback === null;
  }

  /** @internal Run the callback; an exception goes to the running loop's exception handler. */
  _run(): void {
    const cb = this._callback;
    if (cb === null) return;
    const args = this._args;
    try {
      if (args === null) cb();
      else if (args.length === 1) cb(args[0]);
      else cb(...args);
    } catch (exc) {
      const loop = _getRunningLoop();
      if (loop === null) throw exc;
      reportCallbackError(loop, cb, args, exc, this);
    }
  }

  /** @internal */
  _reprInfo(): string[] {
    const info: string[] = [];
    const cb = this._callback ?? debugInfo.get(this)?.cb ?? null;
    const args = this._callback !== null ? this._args : debugInfo.get(this)?.args ?? null;
    if (this._callback === null) info.push("cancelled");
    if (cb !== null) info.push(formatCallback(cb, args));
    const where = createdAt(debugInfo.get(this)?.tb);
    if (where !== undefined) info.push(`created at ${where}`);
    return info;
  }

  /** Python's repr: `<Handle name(args)>`. */
  [REPR](): string {
    return `<${this.constructor.name} ${this._reprInfo().join(" ")}>`;
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

/**
 * Debug mode only: where each handle was made, and the callback of a
 * cancelled one (for its repr), kept out of the handle itself.
 */
const debugInfo = new WeakMap<
  Handle,
  { tb: string; cb: Callback | null; args: unknown[] | null }
>();

/**
 * @internal Report a callback that threw: Python's "Exception in callback
 * name(args)" with the handle (made for the report when the callback ran
 * without one, as done callbacks do).
 */
export function reportCallbackError(
  loop: AbstractEventLoop,
  cb: Callback,
  args: unknown[] | null,
  exc: unknown,
  handle?: Handle,
): void {
  const h = handle ?? new Handle(cb, args, loop);
  const context: Record<string, unknown> = {
    message: `Exception in callback ${formatCallback(cb, args)}`,
    exception: exc,
    handle: h,
  };
  const tb = debugInfo.get(h)?.tb;
  if (tb !== undefined) context.sourceTraceback = tb;
  loop.callExceptionHandler(context);
}

/** A handle whose callback runs in a context of its own (see {@linkcode makeHandle}). */
class ContextHandle extends Handle {
  /** @internal */ _vars: VarMap | Context;

  constructor(
    callback: Callback,
    args: unknown[] | null,
    loop: AbstractEventLoop,
    vars: VarMap | Context,
  ) {
    super(callback, args, loop);
    this._vars = vars;
  }

  /** @internal */
  override _run(): void {
    runIn(this, this._vars);
  }
}

Object.defineProperty(ContextHandle, "name", { value: "Handle" }); // reprs: <Handle cb()>

/**
 * @internal The handle of `callSoon`: a plain two-field Handle while the
 * program has never set a context variable (every context is empty, so a
 * callback needs none), else one that runs in a copy of the current context
 * (or in the Context given).
 */
export function makeHandle(
  callback: Callback,
  args: unknown[] | null,
  loop: AbstractEventLoop,
  context?: Context,
): Handle {
  if (context === undefined && !contextState.used) return new Handle(callback, args, loop);
  return new ContextHandle(callback, args, loop, context ?? captureContext());
}

/**
 * A callback scheduled for a time by `callLater()` or `callAt()`.
 *
 * @example
 * ```ts
 * import { newEventLoop } from "@yieldfrom/asyncio";
 * const loop = newEventLoop({ clock: "virtual" });
 * const h = loop.callLater(5, () => {});
 * console.log(h.when() - loop.time()); // 5
 * h.cancel();
 * loop.close();
 * ```
 */
export class TimerHandle extends Handle {
  /** @internal */ _when: number;
  /** @internal Tie-breaker: equal-time timers run in scheduling order. */ _seq: number;
  /** @internal Whether it sits in the loop's timer heap. */ _scheduled = false;
  /** @internal The loop whose heap holds it. */ _loop: AbstractEventLoop;
  /** @internal The context it runs in; `null`: none needed (see {@linkcode makeHandle}). */
  _vars: VarMap | Context | null;

  /**
   * Made by the loop's `callLater`/`callAt`.
   *
   * @param when The loop time at which to run.
   * @param seq Its place in scheduling order.
   * @param callback The function to call.
   * @param args Its arguments, or `null` for none.
   * @param loop The loop it belongs to.
   * @param context The context to run in; by default a copy of the current one.
   */
  constructor(
    when: number,
    seq: number,
    callback: Callback,
    args: unknown[] | null,
    loop: AbstractEventLoop,
    context?: Context,
  ) {
    super(callback, args, loop);
    this._when = when;
    this._seq = seq;
    this._loop = loop;
    this._vars = context !== undefined ? context : contextState.used ? captureContext() : null;
  }

  /** @internal */
  override _run(): void {
    if (this._vars === null) super._run();
    else runIn(this, this._vars);
  }

  /** The loop time (seconds) at which the callback is scheduled to run. */
  when(): number {
    return this._when;
  }

  /** Keep the callback from running; the loop drops it from its timer heap. */
  override cancel(): void {
    if (this._callback !== null) this._loop._timerCancelled(this);
    super.cancel();
  }

  /** @internal */
  override _reprInfo(): string[] {
    const info = super._reprInfo();
    info.splice(this._cancelled ? 1 : 0, 0, `when=${this._when}`);
    return info;
  }
}
