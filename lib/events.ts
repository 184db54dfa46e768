/**
 * The event loop's contract and which loop is running (CPython's
 * `events.py`): `AbstractEventLoop`, `getRunningLoop`, `getEventLoop`,
 * `setEventLoop`, `newEventLoop`.
 *
 * Futures, tasks, coroutines and handles know the loop only through
 * {@linkcode AbstractEventLoop}: its public methods and a few internal ones,
 * all declared here. None of them imports `loop.ts`, which implements the
 * interface (`EventLoop`), so the runtime's import graph has one direction:
 * `loop.ts` sits above everything it schedules.
 *
 * One edge goes the other way at run time: `newEventLoop()` (and
 * `getEventLoop()`, which makes a loop on first use) must construct the
 * class that `loop.ts` defines. `loop.ts` hands it over once, when it loads,
 * through {@linkcode _setEventLoopClass}; `mod.ts` imports `loop.ts`, so
 * every program that imports the package has it.
 *
 * @module
 */

import { RuntimeError } from "./errors.ts";
import type { ClockKind } from "./clocks.ts";
import type { Callback, CallbackOptions, Handle, TimerHandle } from "./handles.ts";
import type { Driver, Future } from "./futures.ts";
import type { Task, TaskFactory, TaskOptions } from "./tasks.ts";
import type { AwaitableOrThunk, Coroutine } from "./coroutines.ts";
import type { BaseProtocol } from "./protocols.ts";
import type { SocketTransport } from "./transports.ts";
import type {
  ConnectionOptions,
  ProtocolFactory,
  Server,
  ServerOptions,
  UnixServerOptions,
} from "./server.ts";
import type { DatagramEndpointOptions, UdpTransport } from "./datagram.ts";
import type { StartTlsOptions, TlsOptions } from "./tls.ts";
import type { SubprocessOptions, SubprocessTransport } from "./subprocess.ts";

/** Options of `newEventLoop()`, `run()` and `Runner`. */
export interface EventLoopOptions {
  /** `"real"` (default) or `"virtual"`: a virtual clock jumps to the next timer instead of waiting. */
  clock?: ClockKind;
  /**
   * Debug mode: never-awaited coroutines, destroyed pending tasks,
   * slow-callback warnings and creation stacks in reports (docs/debug.md).
   * By default the environment variable `YIELDFROM_ASYNCIO_DEBUG` decides.
   */
  debug?: boolean;
  /**
   * Virtual clock only: how many real seconds the loop waits, while host
   * work is pending (a wrapped promise, an async body awaiting the host,
   * socket I/O) and nothing at all happens, before it jumps to the next
   * timer anyway; any activity restarts the wait (trio's
   * `autojump_threshold`). Default 0.1. Jobs in worker threads are waited
   * for however long they take. Nothing can hang on a virtual clock.
   */
  autojumpThreshold?: number;
  /**
   * Report a Task whose exception nobody retrieved two loop iterations after
   * it failed right then, instead of when it is garbage-collected (CPython
   * reports it as soon as the last reference goes, which its reference
   * counting makes immediate for a task nobody keeps). The REPL uses it, so
   * a background task's failure shows above the prompt. Default false.
   */
  reportUnretrievedSoon?: boolean;
}

/**
 * What the exception handler receives. `message` is always there; the
 * other keys depend on what failed (`exception`, `future`, `task`,
 * `handle`, `sourceTraceback`...).
 */
export interface ExceptionContext {
  /** What happened. */
  message?: string;
  /** The error, if there is one. */
  exception?: unknown;
  /** The future or task concerned. */
  future?: unknown;
  /** The task concerned. */
  task?: unknown;
  /** The handle whose callback failed. */
  handle?: unknown;
  /** Further details. */
  [key: string]: unknown;
}

/** A function called with the loop and a context when something fails unobserved. */
export type ExceptionHandler = (loop: AbstractEventLoop, context: ExceptionContext) => void;

/**
 * What `runInExecutor` needs from an executor: `submit(fn, ...args)`
 * returning a Future or promise of the result, and `shutdown()`.
 */
export interface Executor {
  /** Start `fn(...args)` somewhere else; return a Future or promise of its result. */
  // deno-lint-ignore no-explicit-any
  submit(fn: (...args: any[]) => unknown, ...args: unknown[]): PromiseLike<unknown> | Future<any>;
  /** Stop taking work; with `wait`, the returned awaitable settles when running jobs end. */
  shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): unknown;
  /**
   * @internal Optional: submit and return a Future of `loop` itself.
   * `runInExecutor` prefers it, so that its future never depends on another
   * loop running (`submit` uses the running or current loop).
   */
  _submitOn?(
    loop: AbstractEventLoop,
    // deno-lint-ignore no-explicit-any
    fn: (...args: any[]) => unknown,
    args: unknown[],
    // deno-lint-ignore no-explicit-any
  ): Future<any>;
}

/**
 * An asyncio event loop, as the rest of the runtime sees it (CPython's
 * `AbstractEventLoop`). `EventLoop` is the implementation; see it for what
 * each method does. The members whose names start with `_` are the
 * runtime's internal contract: what futures, tasks, coroutines and handles
 * need from their loop and nothing else.
 */
export interface AbstractEventLoop {
  /** Seconds of warning threshold for slow callbacks in debug mode. */
  slowCallbackDuration: number;

  /** The loop's time in seconds. */
  time(): number;
  /** Which clock the loop reads. */
  clock(): ClockKind;
  /**
   * Schedule `callback(...args)` for the next iteration (options, if any,
   * come first: `callSoon({ context }, callback, ...args)`).
   */
  callSoon(callback: Callback | CallbackOptions, ...args: unknown[]): Handle;
  /** Schedule `callback(...args)` `delay` seconds from now. */
  callLater(delay: number, callback: Callback | CallbackOptions, ...args: unknown[]): TimerHandle;
  /** Schedule `callback(...args)` at loop time `when`. */
  callAt(when: number, callback: Callback | CallbackOptions, ...args: unknown[]): TimerHandle;
  /** A new pending Future of this loop. */
  createFuture<T = unknown>(): Future<T>;
  /** Wrap an awaitable in a Task on this loop. */
  createTask<T>(aw: AwaitableOrThunk<T>, options?: TaskOptions): Task<T>;
  /** Run until `aw` is done; a promise of its result. */
  runUntilComplete<T>(aw: AwaitableOrThunk<T>): Promise<T>;
  /** Run until `stop()` is called. */
  runForever(): Promise<void>;
  /** Stop after the current iteration. */
  stop(): void;
  /** Whether the loop is running. */
  isRunning(): boolean;
  /** Whether the loop was closed. */
  isClosed(): boolean;
  /** Close the loop. */
  close(): void;
  /** Set the task factory, or `null` for the default. */
  setTaskFactory(factory: TaskFactory | null): void;
  /** The task factory, or `null`. */
  getTaskFactory(): TaskFactory | null;
  /** Set the exception handler, or `null` for the default. */
  setExceptionHandler(handler: ExceptionHandler | null): void;
  /** The exception handler, or `null`. */
  getExceptionHandler(): ExceptionHandler | null;
  /** Report an error through the exception handler. */
  callExceptionHandler(context: ExceptionContext): void;
  /** The default exception handler. */
  defaultExceptionHandler(context: ExceptionContext): void;
  /** Turn debug mode on or off. */
  setDebug(enabled: boolean): void;
  /** Whether debug mode is on. */
  getDebug(): boolean;
  /** Run `fn(...args)` in an executor; a Future of the result. */
  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: (...args: A) => R,
    ...args: A
  ): Future<Awaited<R>>;
  /** Use `executor` for `runInExecutor(null, ...)`. */
  setDefaultExecutor(executor: Executor): void;
  /** Shut the default executor down and wait for it. */
  shutdownDefaultExecutor(): Coroutine<void>;
  /** Call `callback(...args)` on the loop when the process receives `sig`. */
  addSignalHandler(sig: Deno.Signal | number, callback: Callback, ...args: unknown[]): void;
  /** Remove the handler of `sig`. */
  removeSignalHandler(sig: Deno.Signal | number): boolean;
  /** Connect over TCP (or TLS) and run a protocol on the connection. */
  createConnection<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    host: string,
    port: number,
    options?: ConnectionOptions,
  ): Coroutine<[SocketTransport, P]>;
  /** Listen on `host:port`, running a protocol on each connection. */
  createServer(
    protocolFactory: ProtocolFactory,
    host: string | string[] | null | undefined,
    port: number,
    options?: ServerOptions,
  ): Coroutine<Server>;
  /** Connect to a Unix socket. */
  createUnixConnection<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    path: string,
  ): Coroutine<[SocketTransport, P]>;
  /** Listen on a Unix socket. */
  createUnixServer(
    protocolFactory: ProtocolFactory,
    path: string,
    options?: UnixServerOptions,
  ): Coroutine<Server>;
  /** A UDP endpoint (needs `--unstable-net`). */
  createDatagramEndpoint<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    options?: DatagramEndpointOptions,
  ): Coroutine<[UdpTransport, P]>;
  /** Upgrade a client connection to TLS. */
  startTls(
    transport: SocketTransport,
    protocol: BaseProtocol,
    ssl: boolean | TlsOptions,
    options?: StartTlsOptions,
  ): Coroutine<SocketTransport>;
  /** Start a program and run a `SubprocessProtocol` on it. */
  subprocessExec<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    ...programArgsAndOptions: (string | SubprocessOptions)[]
  ): Coroutine<[SubprocessTransport, P]>;
  /** Run a shell command line and a `SubprocessProtocol` on it. */
  subprocessShell<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    cmd: string,
    options?: SubprocessOptions,
  ): Coroutine<[SubprocessTransport, P]>;

  // --- the runtime's internal contract -----------------------------------

  /**
   * @internal The driver (a task, or a coroutine awaited from a task's
   * async body) whose step is running now, or `null`. Set by the step
   * function around each step.
   */
  _current: Driver | null;
  /**
   * @internal Queue `fn(arg)` for the next iteration without a Handle: a
   * task's step, a done callback. A callback that throws is reported
   * through the exception handler.
   */
  _schedule<A>(fn: (arg: A) => void, arg: A): void;
  /**
   * @internal A promise was settled or an async body started: let
   * microtasks run before the next callback, as a Python step runs a
   * coroutine up to its next suspension point.
   */
  _needMicrotasks(): void;
  /** @internal Add a new task to the loop's list of pending tasks. */
  _registerTask(task: Task<unknown>): void;
  /** @internal Remove a finished task from that list. */
  _unregisterTask(task: Task<unknown>): void;
  /** @internal The pending tasks, in creation order. */
  _allTasks(): Set<Task<unknown>>;
  /** @internal A future failed: report it if nobody looks at its exception. */
  _trackUnretrieved(fut: Future<unknown>): void;
  /** @internal Its exception was looked at. */
  _untrackUnretrieved(fut: Future<unknown>): void;
  /**
   * @internal Count host work the loop is waiting for (a wrapped promise,
   * an async body awaiting the host, I/O): a virtual clock does not jump
   * while it is active (see `autojumpThreshold`).
   */
  _hostWorkAdd(delta: number): void;
  /**
   * @internal Count jobs running in worker threads: a virtual clock waits
   * for them, however long they take.
   */
  _workerJobsAdd(delta: number): void;
  /** @internal A scheduled TimerHandle was cancelled. */
  _timerCancelled(handle: TimerHandle): void;
  /** @internal The default executor, made on first use (RuntimeError once shut down). */
  _getDefaultExecutor(): Executor;
  /** @internal The error for using a closed loop. */
  _closedError(): RuntimeError;
}

let runningLoop: AbstractEventLoop | null = null;
let currentLoop: AbstractEventLoop | null = null;
let LoopClass: (new (options?: EventLoopOptions) => AbstractEventLoop) | null = null;

/**
 * @internal The one registration of the runtime: `loop.ts` hands over its
 * `EventLoop` class when it loads, so that `newEventLoop()` can make loops
 * without this module importing `loop.ts`.
 */
export function _setEventLoopClass(cls: new (options?: EventLoopOptions) => AbstractEventLoop) {
  LoopClass = cls;
}

/** @internal The running loop or `null`; never throws. */
export function _getRunningLoop(): AbstractEventLoop | null {
  return runningLoop;
}

/** @internal Set by `runForever()` for as long as it runs. */
export function _setRunningLoop(loop: AbstractEventLoop | null): void {
  runningLoop = loop;
}

/**
 * The event loop that is running now.
 *
 * @returns The running loop.
 * @throws {RuntimeError} `no running event loop` when called outside one,
 * for instance at a script's top level before `run()`.
 *
 * @example
 * ```ts
 * import { getRunningLoop, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   console.log(getRunningLoop().isRunning()); // true
 * });
 * ```
 */
export function getRunningLoop(): AbstractEventLoop {
  if (runningLoop === null) throw new RuntimeError("no running event loop");
  return runningLoop;
}

/**
 * The running loop, else the current loop of this thread, which is created
 * on first use (as Python 3.4–3.11 did in the main thread). Legacy programs
 * use it with `runUntilComplete()`; new code uses `run()`.
 *
 * @returns The running or current event loop.
 *
 * @example
 * ```ts
 * import { coroutine, getEventLoop, sleep } from "@yieldfrom/asyncio";
 * const hello = coroutine(function* () {
 *   yield* sleep(0.01);
 *   return "hello";
 * });
 * const loop = getEventLoop();
 * console.log(await loop.runUntilComplete(hello())); // hello
 * loop.close();
 * ```
 */
export function getEventLoop(): AbstractEventLoop {
  if (runningLoop !== null) return runningLoop;
  if (currentLoop === null || currentLoop.isClosed()) {
    // Python keeps returning a closed current loop; making a fresh one lets a
    // second legacy program in the same process (tests, the REPL) just work.
    currentLoop = newEventLoop();
  }
  return currentLoop;
}

/**
 * Make `loop` the current loop (what `getEventLoop()` returns when no loop
 * is running); `null` forgets the current loop.
 *
 * @param loop The new current loop, or `null`.
 *
 * @example
 * ```ts
 * import { getEventLoop, newEventLoop, setEventLoop } from "@yieldfrom/asyncio";
 * const loop = newEventLoop({ clock: "virtual" });
 * setEventLoop(loop);
 * console.log(getEventLoop() === loop); // true
 * setEventLoop(null);
 * loop.close();
 * ```
 */
export function setEventLoop(loop: AbstractEventLoop | null): void {
  if (loop !== null && (typeof loop !== "object" || typeof loop.runForever !== "function")) {
    throw new TypeError(`setEventLoop(): expected an EventLoop or null, got ${typeof loop}`);
  }
  currentLoop = loop;
}

/**
 * Make a new event loop; it is not made current.
 *
 * @param options `clock: "real" | "virtual"` (default real), `debug`, and
 * `autojumpThreshold` for a virtual clock.
 * @returns The new loop.
 *
 * @example
 * ```ts
 * import { newEventLoop, sleep } from "@yieldfrom/asyncio";
 * const loop = newEventLoop({ clock: "virtual" });
 * await loop.runUntilComplete(sleep(3600)); // returns at once: virtual time
 * console.log(loop.time()); // 3600
 * loop.close();
 * ```
 */
export function newEventLoop(options?: EventLoopOptions): AbstractEventLoop {
  if (LoopClass === null) {
    throw new RuntimeError("the event loop module is not loaded; import from mod.ts");
  }
  return new LoopClass(options);
}
