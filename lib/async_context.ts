/**
 * @internal The task an async-function body belongs to, carried across its
 * awaits by the host's async context (V8's continuation-preserved data, the
 * mechanism under `AsyncLocalStorage`).
 *
 * A task's async body runs "in" its task: every promise reaction made while
 * it runs captures that, so after any `await` — of a library future or of a
 * host promise — the body's code still finds its task, and what it awaits
 * next registers with it (that is how cancelling the task reaches it).
 *
 * On Deno the task is held in the host context directly: entering costs one
 * small object per task and finding it one property read, where an
 * `AsyncLocalStorage` costs a copied dictionary (about 350 B) and a
 * `WeakMap` entry per `run()`, and a `WeakMap` lookup per `getStore()`. The
 * context stays readable by every `AsyncLocalStorage` in the program: an
 * object of theirs entered inside a task keeps the task's entry, and a task
 * entered inside one keeps theirs (checked once at start-up). Where the
 * host offers no such access, or the check fails, an `AsyncLocalStorage`
 * does the same job.
 *
 * @module
 */
import type { AsyncLocalStorage } from "node:async_hooks";
import type { Driver } from "./futures.ts";

/** Where the task sits in a context object (copied along by `AsyncLocalStorage`'s spreads). */
const SLOT: unique symbol = Symbol("asyncio.task");

/** @internal The host's context accessors, when Deno exposes them. */
export interface HostContext {
  getAsyncContext(): unknown;
  setAsyncContext(context: unknown): void;
  /** What `AsyncLocalStorage` stores its value in (Deno's own). */
  AsyncVariable?: new () => { enter(value: unknown): unknown; get(): unknown };
}

/** The context a task's body runs in when no other context was active: one slot. */
class TaskContext {
  [SLOT]: Driver;
  constructor(driver: Driver) {
    this[SLOT] = driver;
  }
}

/**
 * @internal What an async body's code needs: which task it belongs to, and
 * running a function so that its awaits belong to a task.
 */
export interface DriverStorage {
  /** The task the running async code belongs to, if any. */
  getStore(): Driver | undefined;
  /** Call `fn` with `thisArg` and `args`, the code it runs (and all it awaits) belonging to `driver`. */
  call(
    driver: Driver,
    fn: (...args: unknown[]) => unknown,
    thisArg: unknown,
    args: unknown[],
  ): unknown;
}

/** @internal Deno's async-context accessors, or null where they cannot be reached. */
export function hostContext(): HostContext | null {
  try {
    const deno = (globalThis as { Deno?: Record<symbol, unknown> & { internal?: symbol } }).Deno;
    const internal = deno?.internal;
    const core = internal === undefined
      ? undefined
      : (deno![internal] as { core?: Partial<HostContext> } | undefined)?.core;
    if (
      typeof core?.getAsyncContext === "function" && typeof core.setAsyncContext === "function"
    ) {
      return core as HostContext;
    }
  } catch {
    // not Deno, or a Deno that keeps its internals to itself
  }
  return null;
}

/**
 * @internal The context a task's body runs in, given the context current
 * when it starts: the task's own small object, or, when another
 * `AsyncLocalStorage` is active, a copy of its entries with the task beside
 * them.
 */
export function taskContext(previous: unknown, driver: Driver): object {
  return previous == null || previous instanceof TaskContext
    ? new TaskContext(driver)
    : { __proto__: null, ...(previous as object), [SLOT]: driver };
}

/** @internal The storage on the host's async context (see the module). */
export function onHost(host: HostContext): DriverStorage {
  const getContext = host.getAsyncContext;
  const setContext = host.setAsyncContext;
  return {
    getStore(): Driver | undefined {
      const context = getContext() as Record<symbol, Driver | undefined> | null | undefined;
      return context == null ? undefined : context[SLOT];
    },
    call(driver, fn, thisArg, args) {
      const previous = getContext();
      setContext(taskContext(previous, driver));
      try {
        return fn.apply(thisArg, args);
      } finally {
        setContext(previous);
      }
    },
  };
}

/** @internal The storage on an `AsyncLocalStorage` (where the host's context cannot be reached). */
export function onAsyncLocalStorage(storage: AsyncLocalStorage<Driver>): DriverStorage {
  return {
    getStore: () => storage.getStore(),
    call: (driver, fn, thisArg, args) => storage.run(driver, callWith, fn, thisArg, args),
  };
}

/**
 * @internal Whether contexts made by `enter` (by default `taskContext`) and
 * the host's `AsyncLocalStorage` machinery (its `AsyncVariable`) keep each
 * other's values, entered in either order. Checked once at start-up, so that
 * a Deno whose async context is laid out differently falls back to an
 * `AsyncLocalStorage` instead of breaking the program's own stores. It does
 * not load `node:async_hooks` (importing that module makes every promise of
 * the program slower), and it does not go through the storage's functions
 * (what they see first is what V8 optimises them for).
 */
export function keepsProgramStores(
  host: HostContext,
  enter: (previous: unknown, driver: Driver) => object = taskContext,
): boolean {
  const Variable = host.AsyncVariable;
  if (typeof Variable !== "function") return false;
  const driver = {} as Driver;
  const seen: unknown[] = [];
  const look = (theirs: { get(): unknown }) => {
    const context = host.getAsyncContext() as Record<symbol, unknown> | null | undefined;
    seen.push(context?.[SLOT] === driver, theirs.get());
  };
  // Run `fn` after `entering()` (which returns the context to go back to).
  const inside = (entering: () => unknown, fn: () => void) => {
    const previous = entering();
    try {
      fn();
    } finally {
      host.setAsyncContext(previous);
    }
  };
  try {
    const theirs = new Variable();
    const ours = () => {
      const previous = host.getAsyncContext();
      host.setAsyncContext(enter(previous, driver));
      return previous;
    };
    inside(() => theirs.enter("outer"), () =>
      inside(ours, () => {
        look(theirs);
        inside(() => theirs.enter("inner"), () => look(theirs));
        look(theirs);
      }));
    look(theirs);
  } catch {
    return false;
  }
  return seen.join() === "true,outer,true,inner,true,outer,false,";
}

/** @internal The task whose async-function body is running (see the module). */
export const driverStorage: DriverStorage = await (async () => {
  const host = hostContext();
  if (host !== null && keepsProgramStores(host)) return onHost(host);
  // Loaded only here (see keepsProgramStores).
  const { AsyncLocalStorage } = await import("node:async_hooks");
  return onAsyncLocalStorage(new AsyncLocalStorage<Driver>());
})();

function callWith(fn: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): unknown {
  return fn.apply(thisArg, args);
}
