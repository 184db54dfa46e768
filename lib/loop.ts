/**
 * `EventLoop` (CPython's `base_events.py`): the loop proper. It implements
 * `AbstractEventLoop` (events.ts), the contract the rest of the runtime
 * uses, and sits above everything it schedules: nothing below imports it.
 *
 * The loop owns the order of everything it runs. Each iteration moves the
 * due timers (timer_heap.ts) to the ready queue (ready_queue.ts) and runs
 * the callbacks that were ready when the iteration began; callbacks
 * scheduled meanwhile run in the next one. Between iterations it yields to
 * the host only when it must (host.ts): to microtasks when a promise it
 * settled needs to run (the async facade), to a macrotask every few
 * milliseconds of continuous work, and, when nothing is ready, it sleeps
 * until the earliest timer or until something from outside the loop
 * schedules work. Failed futures nobody looks at are reported through
 * unretrieved.ts.
 *
 * @module
 */

import {
  type Callback,
  type CallbackOptions,
  callbackWithOptions,
  Handle,
  makeHandle,
  reportCallbackError,
  TimerHandle,
} from "./handles.ts";
import type { Context } from "./context_vars.ts";
import { _chainFuture, type Driver, EXCEPTION, Future, PENDING, promiseValue } from "./futures.ts";
import { Task, type TaskFactory, type TaskOptions } from "./tasks.ts";
import {
  type AwaitableOrThunk,
  awaitResult,
  type Coroutine,
  coroutine,
  toCoroutine,
  wrap,
} from "./coroutines.ts";
import {
  _getRunningLoop,
  _setEventLoopClass,
  _setRunningLoop,
  type AbstractEventLoop,
  type EventLoopOptions,
  type ExceptionContext,
  type ExceptionHandler,
  type Executor,
} from "./events.ts";
import {
  checkClockKind,
  CLOCK_RESOLUTION,
  type ClockKind,
  getDefaultClock,
  monotonic,
} from "./clocks.ts";
import { RuntimeError, ValueError } from "./errors.ts";
import { describe, formatException, REPR, repr } from "./format_helpers.ts";
import { ReadyQueue } from "./ready_queue.ts";
import { TimerHeap } from "./timer_heap.ts";
import { UnretrievedTracker } from "./unretrieved.ts";
import { HostBridge } from "./host.ts";
import { checkSeconds, DURATION, MOMENT } from "./seconds.ts";
import { ThreadPoolExecutor } from "./executors.ts";
import { DEBUG_FROM_ENV, debugState, formatCreation, taskDone } from "./debug.ts";
// The network methods (see the block at the end of EventLoop).
import type { BaseProtocol } from "./protocols.ts";
import type { SocketTransport } from "./transports.ts";
import {
  type ConnectionOptions,
  createConnection,
  createServer,
  createUnixConnection,
  createUnixServer,
  type ProtocolFactory,
  type Server,
  type ServerOptions,
  type UnixServerOptions,
} from "./server.ts";
import {
  createDatagramEndpoint,
  type DatagramEndpointOptions,
  type UdpTransport,
} from "./datagram.ts";
import { startTls, type StartTlsOptions, type TlsOptions } from "./tls.ts";
import {
  _closeSubprocesses,
  subprocessExec,
  type SubprocessOptions,
  subprocessShell,
  type SubprocessTransport,
} from "./subprocess.ts";
import { resolveSignal } from "./signals.ts";

export type { EventLoopOptions, ExceptionContext, ExceptionHandler, Executor };

/** Python's MAXIMUM_SELECT_TIMEOUT: never sleep longer than a day at once. */
const MAX_SLEEP_MS = 24 * 3600 * 1000;
/**
 * How long (seconds) a virtual clock waits, by default, while host work is
 * pending and nothing happens, before it jumps to the next timer anyway
 * (trio's autojump threshold). See `EventLoopOptions.autojumpThreshold`.
 */
const AUTOJUMP_THRESHOLD = 0.1;

/** `reportUnretrievedSoon`: the task's exception, if still unseen an iteration later. */
const REPORT_NOW = (t: Task<unknown>): void => (t._loop as EventLoop)._unretrieved.reportNow(t);
const REPORT_LATER = (t: Task<unknown>): void => t._loop._schedule(REPORT_NOW, t);

/** `_runBatch()`'s reasons to stop, besides microtasks (-1 or more: the callbacks left). */
const BATCH_STOP = -2;
const BATCH_IDLE = -3;
const BATCH_MACROTASK = -4;

/** What the ready queue runs for a Handle made by `callSoon` or a timer. */
const RUN_HANDLE = (h: Handle): void => h._run();

const shutdownExecutorCoro = coroutine(function* shutdownDefaultExecutor(loop: EventLoop) {
  loop._executorShutdownCalled = true;
  const executor = loop._defaultExecutor;
  if (executor === null) return;
  // As in CPython, the executor stays the default one: close() shuts it down
  // again without waiting (a no-op for an executor already shut down).
  yield* awaitResult(executor.shutdown({ wait: true }));
});

/**
 * An asyncio event loop (Python's `BaseEventLoop`). Most programs never
 * touch it: `run()` makes one, runs the main coroutine and closes it. Get
 * the running one with `getRunningLoop()`.
 *
 * Scheduling follows Python exactly: callbacks run in FIFO order; an
 * iteration runs only the callbacks that were ready when it began, after
 * moving the due timers to the ready queue; timers with equal `when` run
 * in scheduling order; a cancelled handle never runs. Only one loop runs at
 * a time.
 *
 * `runUntilComplete()` and `runForever()` return promises (JavaScript
 * cannot block): `await loop.runUntilComplete(main())`.
 *
 * @example
 * ```ts
 * import { newEventLoop } from "@yieldfrom/asyncio";
 * const loop = newEventLoop({ clock: "virtual" });
 * loop.callLater(2, () => {
 *   console.log("two seconds later:", loop.time());
 *   loop.stop();
 * });
 * loop.callSoon(() => console.log("soon"));
 * await loop.runForever(); // soon, then: two seconds later: 2
 * loop.close();
 * ```
 */
export class EventLoop implements AbstractEventLoop {
  /** @internal The callbacks ready to run. */ _ready: ReadyQueue = new ReadyQueue();
  /** @internal The timers. */ _timers: TimerHeap = new TimerHeap();
  /** @internal Waiting and yielding on the host. */ _host: HostBridge = new HostBridge();
  /** @internal Failed futures nobody looked at. */ _unretrieved: UnretrievedTracker =
    new UnretrievedTracker((context) => this.callExceptionHandler(context));

  /** @internal */ _virtual: boolean;
  /** @internal */ _vnow = 0;
  /** @internal */ _resolution: number;
  /** @internal Real milliseconds of silence before a virtual clock jumps despite host work. */
  _autojumpMs: number;

  /** @internal */ _running = false;
  /** @internal */ _stopping = false;
  /** @internal */ _closed = false;
  /** @internal */ _debug = false;
  /**
   * In debug mode, a callback running at least this long (seconds) is
   * reported with a warning.
   */
  slowCallbackDuration = 0.1;

  /** @internal */ _exceptionHandler: ExceptionHandler | null = null;
  /** @internal */ _taskFactory: TaskFactory | null = null;
  /** @internal The driver (task) whose step is running. */ _current: Driver | null = null;
  /** @internal */ _taskHead: Task<unknown> | null = null;
  /** @internal */ _taskTail: Task<unknown> | null = null;

  /** @internal Host work being waited for (see `_hostWorkAdd`). */ _hostWork = 0;
  /** @internal Jobs running in workers (see `_workerJobsAdd`). */ _workerJobs = 0;
  /** @internal A promise was settled: let microtasks run before the next callback. */
  _wantMicrotasks = false;

  /** @internal */ _defaultExecutor: Executor | null = null;
  /** @internal */ _executorShutdownCalled = false;
  /** @internal */ _signalHandlers: Map<string, () => void> = new Map();
  /** @internal See `EventLoopOptions.reportUnretrievedSoon`. */ _reportSoon: boolean;
  /** @internal The init of every unnamed task: no object per task. */
  _taskInit: { loop: EventLoop } = { loop: this };

  /**
   * Make a loop. Prefer `newEventLoop()` or `run()`.
   *
   * @param options `clock`, `debug` and `autojumpThreshold`.
   */
  constructor(options?: EventLoopOptions) {
    const clock = options?.clock ?? getDefaultClock();
    checkClockKind(clock, "EventLoop");
    this._virtual = clock === "virtual";
    this._resolution = CLOCK_RESOLUTION[clock];
    // Python's debug=None: the environment decides (read once, see debug.ts).
    if (options?.debug ?? DEBUG_FROM_ENV) this._debug = true;
    // A coroutine object does not know which loop will run it: track them all from now on.
    if (this._debug) debugState.tracking = true;
    this._reportSoon = options?.reportUnretrievedSoon === true;
    const threshold = options?.autojumpThreshold ?? AUTOJUMP_THRESHOLD;
    checkSeconds(threshold, "EventLoop", "autojumpThreshold", DURATION);
    this._autojumpMs = threshold * 1000;
  }

  // --- clock -------------------------------------------------------------

  /**
   * The loop's time in seconds: monotonic real time, or the virtual clock's
   * time (starting at 0) for a virtual loop.
   */
  time(): number {
    return this._virtual ? this._vnow : monotonic();
  }

  /** Which clock the loop reads. */
  clock(): ClockKind {
    return this._virtual ? "virtual" : "real";
  }

  // --- scheduling --------------------------------------------------------

  /** @internal Queue `fn(arg)` for the next iteration, without a Handle (see AbstractEventLoop). */
  _schedule<A>(fn: (arg: A) => void, arg: A): void {
    this._ready.push(fn as (arg: never) => void, arg);
    if (this._host.sleeping) this._host.wake();
  }

  /** @internal Let microtasks run before the next callback (see AbstractEventLoop). */
  _needMicrotasks(): void {
    this._wantMicrotasks = true;
  }

  /**
   * Schedule `callback(...args)` for the next loop iteration; callbacks run
   * in the order they were scheduled.
   *
   * @param callback The function to call; or `{ context }` (CallbackOptions), then the
   * function: Python's `context=` keyword.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   *
   * @example
   * ```ts
   * import { getRunningLoop, run, sleep } from "@yieldfrom/asyncio";
   * await run(function* () {
   *   const loop = getRunningLoop();
   *   loop.callSoon(console.log, "first");
   *   loop.callSoon(console.log, "second");
   *   yield* sleep(0);
   * });
   * ```
   */
  callSoon(callback: Callback | CallbackOptions, ..._args: unknown[]): Handle {
    if (this._closed) throw this._closedError();
    if (typeof callback !== "function") {
      // callSoon({ context }, callback, ...args)
      const c = callbackWithOptions("callSoon()", callback, restArgs(arguments, 1));
      const h = makeHandle(c.callback, c.args, this, c.context);
      this._schedule(RUN_HANDLE, h);
      return h;
    }
    // The arguments are read from `arguments`: no array at all for none.
    const h = makeHandle(callback as Callback, restArgs(arguments, 1), this);
    this._schedule(RUN_HANDLE, h);
    return h;
  }

  /**
   * Schedule `callback(...args)` to run `delay` seconds from now.
   *
   * @param delay Seconds (a float; negative means as soon as possible).
   * @param callback The function to call; or `{ context }` (CallbackOptions), then the
   * function: Python's `context=` keyword.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   *
   * @example
   * ```ts
   * import { newEventLoop } from "@yieldfrom/asyncio";
   * const loop = newEventLoop({ clock: "virtual" });
   * loop.callLater(0.5, () => loop.stop());
   * await loop.runForever();
   * console.log(loop.time()); // 0.5
   * loop.close();
   * ```
   */
  callLater(delay: number, callback: Callback | CallbackOptions, ..._args: unknown[]): TimerHandle {
    checkSeconds(delay, "callLater()", "delay", MOMENT);
    return this._timer(this.time() + delay, callback, restArgs(arguments, 2), "callLater()");
  }

  /**
   * Schedule `callback(...args)` at loop time `when` (compare `time()`).
   *
   * @param when Loop time in seconds.
   * @param callback The function to call; or `{ context }` (CallbackOptions), then the
   * function: Python's `context=` keyword.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   *
   * @example
   * ```ts
   * import { newEventLoop } from "@yieldfrom/asyncio";
   * const loop = newEventLoop({ clock: "virtual" });
   * loop.callAt(loop.time() + 3, () => loop.stop());
   * await loop.runForever();
   * console.log(loop.time()); // 3
   * loop.close();
   * ```
   */
  callAt(when: number, callback: Callback | CallbackOptions, ..._args: unknown[]): TimerHandle {
    checkSeconds(when, "callAt()", "when", MOMENT);
    return this._timer(when, callback, restArgs(arguments, 2), "callAt()");
  }

  /** @internal */
  _timer(
    when: number,
    callback: Callback | CallbackOptions,
    args: unknown[] | null,
    where: string,
  ): TimerHandle {
    if (this._closed) throw this._closedError();
    let context: Context | undefined;
    if (typeof callback !== "function") {
      // callLater(delay, { context }, callback, ...args)
      ({ callback, args, context } = callbackWithOptions(where, callback, args));
    }
    const h = new TimerHandle(when, this._timers.nextSeq(), callback, args, this, context);
    this._timers.push(h);
    if (this._host.sleeping) this._host.wake();
    return h;
  }

  /** @internal A scheduled TimerHandle was cancelled (see AbstractEventLoop). */
  _timerCancelled(h: TimerHandle): void {
    this._timers.timerCancelled(h);
  }

  /**
   * A new pending Future of this loop.
   *
   * @example
   * ```ts
   * import { newEventLoop } from "@yieldfrom/asyncio";
   * const loop = newEventLoop();
   * const fut = loop.createFuture<number>();
   * fut.setResult(1);
   * console.log(fut.result()); // 1
   * loop.close();
   * ```
   */
  createFuture<T = unknown>(): Future<T> {
    return new Future<T>(this);
  }

  /**
   * Wrap an awaitable in a Task on this loop (through the task factory, if
   * one is set). Works before the loop runs, too.
   *
   * @param aw A coroutine object, Future, Promise, or a function returning one.
   * @param options `name`; `context`: the Context the task runs in (by default a copy of the
   * current one).
   * @returns The task.
   *
   * @example
   * ```ts
   * import { newEventLoop, sleep } from "@yieldfrom/asyncio";
   * const loop = newEventLoop({ clock: "virtual" });
   * const task = loop.createTask(sleep(1, "ok"), { name: "t" });
   * console.log(await loop.runUntilComplete(task)); // ok
   * loop.close();
   * ```
   */
  createTask<T>(aw: AwaitableOrThunk<T>, options?: TaskOptions): Task<T> {
    if (this._closed) throw this._closedError();
    const coro = toCoroutine(aw, "createTask()") as Coroutine<T>;
    const factory = this._taskFactory;
    if (factory === null) {
      return new Task<T>(
        coro,
        options === undefined
          ? this._taskInit
          : { loop: this, name: options.name, context: options.context },
      );
    }
    const task = factory(this, coro, options);
    if (!(task instanceof Future)) {
      throw new TypeError(`the loop's task factory returned ${describe(task)}, not a Task`);
    }
    if (options?.name !== undefined) task.setName(options.name);
    return task;
  }

  // --- running -----------------------------------------------------------

  /**
   * Run until `aw` is done and return its result (or throw its exception).
   * A coroutine or function is wrapped in a Task first. JavaScript cannot
   * block, so this returns a promise: `await loop.runUntilComplete(...)`.
   *
   * @param aw The awaitable to complete.
   * @returns A promise of its result.
   * @throws {RuntimeError} When this loop or another one is running, or this loop is closed.
   *
   * @example
   * ```ts
   * import { coroutine, getEventLoop, sleep, wait } from "@yieldfrom/asyncio";
   * const hello = coroutine(function* () {
   *   console.log("Hello world");
   *   yield* sleep(1);
   *   console.log("hello again");
   * });
   * const loop = getEventLoop();
   * await loop.runUntilComplete(wait([hello(), hello()]));
   * loop.close();
   * ```
   */
  runUntilComplete<T>(aw: AwaitableOrThunk<T>): Promise<T> {
    this._checkClosed();
    this._checkRunning("runUntilComplete()");
    const isNew = !(aw instanceof Future);
    let fut: Future<T>;
    if (aw instanceof Future) {
      if (aw._loop !== this) {
        throw new ValueError(
          "runUntilComplete(): the future belongs to another event loop; run it on its own loop",
        );
      }
      fut = aw;
    } else {
      fut = this.createTask(aw as AwaitableOrThunk<T>);
    }
    const onDone = (f: Future<unknown>): void => {
      if (f._state === EXCEPTION) f._retrieved();
      this.stop();
    };
    fut.addDoneCallback(onDone);
    return this._runUntil(fut, onDone, isNew);
  }

  /** @internal */
  async _runUntil<T>(
    fut: Future<T>,
    onDone: (f: Future<unknown>) => void,
    isNew: boolean,
  ): Promise<T> {
    try {
      await this._run();
    } catch (e) {
      if (isNew && fut.done() && !fut.cancelled()) fut.exception();
      throw e;
    } finally {
      fut.removeDoneCallback(onDone);
    }
    if (!fut.done()) throw new RuntimeError("Event loop stopped before Future completed.");
    return promiseValue(fut.result(), "runUntilComplete()") as T;
  }

  /**
   * Run until `stop()` is called. Returns a promise that settles when the
   * loop has stopped.
   *
   * @returns A promise settled when the loop stops.
   * @throws {RuntimeError} When this loop or another one is running, or this loop is closed.
   *
   * @example
   * ```ts
   * import { newEventLoop } from "@yieldfrom/asyncio";
   * const loop = newEventLoop();
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * loop.close();
   * ```
   */
  runForever(): Promise<void> {
    this._checkClosed();
    this._checkRunning("runForever()");
    return this._run();
  }

  /** @internal The loop proper: awaits what `_runBatch()` stops for. */
  async _run(): Promise<void> {
    const host = this._host;
    this._running = true;
    _setRunningLoop(this);
    host.markYield();
    try {
      // Callbacks still to run in the current iteration; -1 between iterations.
      let n = -1;
      for (;;) {
        const r = this._runBatch(n);
        if (r >= -1) {
          // A callback settled a promise or started an async body: let it
          // run up to its next await before the next callback, as a Python
          // step runs a coroutine up to its next suspension point.
          this._wantMicrotasks = false;
          await null;
          await null;
          n = r;
          continue;
        }
        if (r === BATCH_STOP) break;
        if (r === BATCH_IDLE) await this._idle();
        else await host.macrotask();
        host.markYield();
        n = this._collectTimers();
      }
    } finally {
      this._stopping = false;
      this._running = false;
      _setRunningLoop(null);
      host.close();
    }
  }

  /**
   * @internal Run loop iterations synchronously, from `n` callbacks left in
   * the current iteration (-1: between iterations), until the loop must
   * await. Returns the callbacks left when microtasks must run first (-1 or
   * more), or why it stopped: `BATCH_STOP` (the loop stops), `BATCH_IDLE`
   * (nothing is ready) or `BATCH_MACROTASK` (the host is due a turn). Kept
   * out of the async `_run()` so that V8 optimises this hot loop.
   */
  _runBatch(n: number): number {
    const host = this._host;
    const ready = this._ready;
    for (;;) {
      if (this._wantMicrotasks) return n;
      if (n > 0) {
        n = this._runReady(n);
        continue;
      }
      if (n === 0) {
        // An iteration has ended.
        n = -1;
        if (this._stopping) return BATCH_STOP;
      }
      if (ready.size === 0 && !this._stopping) return BATCH_IDLE;
      if (host.macrotaskDue()) return BATCH_MACROTASK;
      n = this._collectTimers();
    }
  }

  /**
   * @internal Nothing is ready: wait until something may be. Returns when
   * a callback was scheduled, a real timer is due, the virtual clock jumped
   * to its next timer, or the host woke the loop for any other reason (the
   * caller checks again).
   */
  async _idle(): Promise<void> {
    const host = this._host;
    let delayMs = -1;
    const when = this._timers.nextWhen();
    if (when !== null) {
      if (this._virtual) {
        if (when !== Infinity && this._workerJobs === 0) {
          if (this._hostWork === 0 || host.timerFired) {
            // Nothing else can happen first, or the pending host work was
            // silent for the whole autojump threshold: jump.
            host.timerFired = false;
            if (when > this._vnow) this._vnow = when;
            return;
          }
          delayMs = this._autojumpMs;
        }
      } else {
        const delay = when - monotonic();
        if (delay <= this._resolution) return;
        delayMs = Math.min(Math.ceil(delay * 1000), MAX_SLEEP_MS);
      }
    }
    // Deno does not keep a process alive for signal listeners; a loop that
    // waits for a signal must, as Python's does.
    // The keep-alive timer outlives wake-ups (any one will do): a server
    // woken by every request does not arm and clear a host timer each time.
    if (delayMs < 0 && this._signalHandlers.size > 0) {
      await host.sleep(MAX_SLEEP_MS, "alive");
      return;
    }
    // A real timer's time is absolute: the host timer may serve several sleeps.
    await host.sleep(delayMs, !this._virtual && delayMs >= 0 && delayMs < MAX_SLEEP_MS);
  }

  /**
   * @internal The start of an iteration: move the due timers to the ready
   * queue. Returns how many callbacks this iteration runs.
   */
  _collectTimers(): number {
    const timers = this._timers;
    if (timers.size > 0) {
      timers.popDue(this.time() + this._resolution, (h) => this._ready.push(RUN_HANDLE, h));
    }
    const n = this._ready.size;
    // The loop is busy: the host work it waits for is not silent.
    if (n > 0) this._host.timerFired = false;
    return n;
  }

  /**
   * @internal Run up to `n` ready callbacks; stop early after one that wants
   * microtasks to run. Returns how many of the `n` are left.
   */
  _runReady(n: number): number {
    const q = this._ready;
    const debug = this._debug;
    while (n > 0) {
      n--;
      const fn = q.shift();
      const arg = q.arg;
      if (debug) {
        this._runTimed(fn, arg);
      } else {
        try {
          fn(arg);
        } catch (exc) {
          // Only a callback queued without a Handle gets here.
          reportCallbackError(this, fn, [arg], exc);
        }
      }
      if (this._wantMicrotasks) return n;
    }
    return 0;
  }

  /** @internal Run one callback, warning when it is slow (debug mode). */
  _runTimed(fn: (arg: unknown) => void, arg: unknown): void {
    const t0 = performance.now();
    try {
      fn(arg);
    } catch (exc) {
      reportCallbackError(this, fn, [arg], exc);
    }
    const dt = (performance.now() - t0) / 1000;
    if (dt >= this.slowCallbackDuration) {
      const what = arg instanceof Handle || arg instanceof Future ? arg[REPR]() : String(fn.name);
      console.warn(`Executing ${what} took ${dt.toFixed(3)} seconds`);
    }
  }

  /**
   * Stop the loop: `runForever()` returns after the current iteration (or
   * after one iteration, if called before it starts).
   */
  stop(): void {
    this._stopping = true;
    this._host.wake();
  }

  /** Whether the loop is running. */
  isRunning(): boolean {
    return this._running;
  }

  /** Whether the loop was closed. */
  isClosed(): boolean {
    return this._closed;
  }

  /**
   * Close the loop: drop every pending callback and timer, shut the default
   * executor down without waiting, remove signal handlers, and report the
   * failed futures nobody looked at ("Task exception was never retrieved")
   * and the tasks still pending. A closed loop cannot run again.
   *
   * @throws {RuntimeError} When the loop is running.
   */
  close(): void {
    if (this._running) {
      throw new RuntimeError(
        "Cannot close a running event loop; call stop() and wait for runForever() to return",
      );
    }
    if (this._closed) return;
    for (let t = this._taskHead; t !== null; t = t._nextTask) {
      const context: ExceptionContext = {
        message: "Task was destroyed but it is pending!",
        task: t,
      };
      const tb = t._extra?.sourceTraceback;
      if (tb !== undefined) context.sourceTraceback = tb;
      if (t._extra?.tracked === true) taskDone(t); // reported here, not again when collected
      this.callExceptionHandler(context);
    }
    this._unretrieved.reportAll();
    this._closed = true;
    // Its children are killed and their pipes closed first: what that
    // queues is dropped with the rest, not left holding the transports.
    _closeSubprocesses(this);
    this._ready.clear();
    this._timers.clear();
    this._taskHead = this._taskTail = null;
    this._executorShutdownCalled = true;
    const executor = this._defaultExecutor;
    if (executor !== null) {
      this._defaultExecutor = null;
      executor.shutdown({ wait: false });
    }
    for (const sig of [...this._signalHandlers.keys()]) {
      this.removeSignalHandler(sig as Deno.Signal);
    }
    this._host.close();
  }

  /** Close the loop when used with `using` / `await using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal */
  _closedError(): RuntimeError {
    return new RuntimeError(
      "Event loop is closed; make a new one with newEventLoop(), or use asyncio.run()",
    );
  }

  /** @internal */
  _checkClosed(): void {
    if (this._closed) throw this._closedError();
  }

  /** @internal */
  _checkRunning(where: string): void {
    if (this._running) {
      throw new RuntimeError(
        `${where}: this event loop is already running; inside a coroutine, wait with ` +
          `yield* or await instead`,
      );
    }
    if (_getRunningLoop() !== null) {
      throw new RuntimeError(
        `${where}: cannot run the event loop while another loop is running`,
      );
    }
  }

  // --- tasks ---------------------------------------------------------------

  /** @internal */
  _registerTask(t: Task<unknown>): void {
    const tail = this._taskTail;
    t._prevTask = tail;
    t._nextTask = null;
    if (tail === null) this._taskHead = t;
    else tail._nextTask = t;
    this._taskTail = t;
  }

  /** @internal */
  _unregisterTask(t: Task<unknown>): void {
    const prev = t._prevTask, next = t._nextTask;
    if (prev === null) {
      if (this._taskHead !== t) return; // not registered
      this._taskHead = next;
    } else {
      prev._nextTask = next;
    }
    if (next === null) this._taskTail = prev;
    else next._prevTask = prev;
    t._prevTask = t._nextTask = null;
  }

  /** @internal */
  _allTasks(): Set<Task<unknown>> {
    const s = new Set<Task<unknown>>();
    for (let t = this._taskHead; t !== null; t = t._nextTask) {
      if (t._state === PENDING) s.add(t);
    }
    return s;
  }

  /**
   * Set the function that `createTask()` uses to make tasks, or `null` for
   * the default; `eagerTaskFactory` is one.
   *
   * @param factory `(loop, coro, options) => Task`, or `null`.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== "function") {
      throw new TypeError(
        `setTaskFactory(): expected a function (loop, coro, options) => Task or null, got ${
          describe(factory)
        }`,
      );
    }
    this._taskFactory = factory;
  }

  /** The task factory, or `null` for the default. */
  getTaskFactory(): TaskFactory | null {
    return this._taskFactory;
  }

  // --- host work --------------------------------------------------------

  /** @internal Count host work being waited for (see AbstractEventLoop). */
  _hostWorkAdd(delta: number): void {
    this._hostWork += delta;
    if (this._hostWork === 0) this._host.wake();
  }

  /** @internal Count jobs running in workers (see AbstractEventLoop). */
  _workerJobsAdd(delta: number): void {
    this._workerJobs += delta;
    if (this._workerJobs === 0) this._host.wake();
  }

  // --- errors -------------------------------------------------------------

  /**
   * Set the handler called for errors nobody can catch (a failing callback,
   * a task exception never retrieved...), or `null` for the default, which
   * prints them.
   *
   * @param handler `(loop, context) => void`, or `null`.
   */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `setExceptionHandler(): expected a function (loop, context) => void or null, got ${
          describe(handler)
        }`,
      );
    }
    this._exceptionHandler = handler;
  }

  /** The exception handler, or `null` for the default. */
  getExceptionHandler(): ExceptionHandler | null {
    return this._exceptionHandler;
  }

  /**
   * Report an error: call the exception handler (or the default one). An
   * error thrown by the handler is reported by the default handler.
   *
   * @param context `message` and whatever else describes the error.
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this._exceptionHandler;
    if (handler === null) {
      try {
        this.defaultExceptionHandler(context);
      } catch (e) {
        console.error("Exception in default exception handler", e);
      }
      return;
    }
    try {
      handler(this, context);
    } catch (exc) {
      try {
        this.defaultExceptionHandler({
          message: "Unhandled error in exception handler",
          exception: exc,
          context,
        });
      } catch (e) {
        console.error("Exception in default exception handler while handling an error", e);
      }
    }
  }

  /**
   * The default exception handler: prints the message, the context (as
   * Python reprs) and the exception's stack with `console.error`.
   *
   * @param context What `callExceptionHandler` was given.
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    const lines = [context.message || "Unhandled exception in event loop"];
    for (const key of Object.keys(context).sort()) {
      if (key === "message" || key === "exception") continue;
      const value = context[key];
      if (key === "sourceTraceback" && typeof value === "string") {
        lines.push(`sourceTraceback: ${formatCreation("Object created at", value)}`);
      } else {
        lines.push(`${key}: ${typeof value === "string" ? value : repr(value)}`);
      }
    }
    if (context.exception !== undefined) lines.push(formatException(context.exception));
    console.error(lines.join("\n"));
  }

  /** @internal A future failed: report it if nobody looks at its exception. */
  _trackUnretrieved(fut: Future<unknown>): void {
    this._unretrieved.track(fut);
    // Two iterations: the tasks waiting for it wake in the next one.
    if (this._reportSoon && fut instanceof Task) this._schedule(REPORT_LATER, fut);
  }

  /** @internal Its exception was looked at. */
  _untrackUnretrieved(fut: Future<unknown>): void {
    this._unretrieved.untrack(fut);
  }

  // --- debug ---------------------------------------------------------------

  /**
   * Turn debug mode on or off: slow callbacks are reported, futures, tasks
   * and handles remember where they were created, pending tasks collected
   * with the loop and coroutine objects never awaited are reported (see
   * docs/debug.md).
   *
   * @param enabled On or off.
   */
  setDebug(enabled: boolean): void {
    this._debug = Boolean(enabled);
    if (this._debug) debugState.tracking = true;
  }

  /** Whether debug mode is on. */
  getDebug(): boolean {
    return this._debug;
  }

  // --- executors -----------------------------------------------------------

  /**
   * Run `fn(...args)` in an executor and return a Future of its result.
   * With `null`, the loop's default executor is used.
   *
   * @param executor An executor, or `null` for the default one.
   * @param fn The function to run.
   * @param args Its arguments.
   * @returns A Future of the result.
   */
  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: (...args: A) => R,
    ...args: A
  ): Future<Awaited<R>> {
    this._checkClosed();
    if (typeof fn !== "function") {
      throw new TypeError(`runInExecutor(): expected a function to run, got ${describe(fn)}`);
    }
    const ex = executor ?? this._getDefaultExecutor();
    const inner = ex._submitOn !== undefined
      ? ex._submitOn(this, fn as (...args: unknown[]) => unknown, args)
      : ex.submit(fn as (...args: unknown[]) => unknown, ...args);
    if (inner instanceof Future) {
      if (inner._loop === this) return inner as Future<Awaited<R>>;
      const fut = this.createFuture<Awaited<R>>();
      _chainFuture(inner as Future<Awaited<R>>, fut);
      return fut;
    }
    return wrap(inner as PromiseLike<Awaited<R>>, this);
  }

  /** @internal The default executor, made on first use (see AbstractEventLoop). */
  _getDefaultExecutor(): Executor {
    if (this._executorShutdownCalled) {
      throw new RuntimeError("runInExecutor(): the default executor was shut down");
    }
    return this._defaultExecutor ??= new ThreadPoolExecutor();
  }

  /**
   * Use `executor` for `runInExecutor(null, ...)`.
   *
   * @param executor An object with `submit` and `shutdown`.
   */
  setDefaultExecutor(executor: Executor): void {
    if (
      typeof executor !== "object" || executor === null || typeof executor.submit !== "function" ||
      typeof executor.shutdown !== "function"
    ) {
      throw new TypeError(
        `setDefaultExecutor(): expected an executor (with submit and shutdown), got ${
          describe(executor)
        }`,
      );
    }
    this._defaultExecutor = executor;
  }

  /**
   * Shut the default executor down and wait for its running jobs; later
   * `runInExecutor(null, ...)` calls throw. `run()` calls it before closing
   * the loop.
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  shutdownDefaultExecutor(): Coroutine<void> {
    return shutdownExecutorCoro(this);
  }

  // --- signals ---------------------------------------------------------------

  /**
   * Call `callback(...args)` as a loop callback when the process receives
   * `sig` (Python's `loop.add_signal_handler`): one handler per signal, a
   * new one replaces the old.
   *
   * @param sig A signal name such as `"SIGINT"`, or its (Linux) number.
   * @param callback The function to call.
   * @param args Its arguments.
   * @throws {RuntimeError} `sig 9 cannot be caught` for SIGKILL and SIGSTOP, as Python.
   * @throws {ValueError} For an unknown signal.
   */
  addSignalHandler(sig: Deno.Signal | number, callback: Callback, ...args: unknown[]): void {
    const [name, num] = resolveSignal(sig, "addSignalHandler()");
    this._checkClosed();
    if (typeof callback !== "function") {
      throw new TypeError(
        `addSignalHandler(): the callback must be a function, got ${describe(callback)}`,
      );
    }
    if (name === "SIGKILL" || name === "SIGSTOP") {
      throw new RuntimeError(`sig ${num} cannot be caught`);
    }
    const deno = (globalThis as { Deno?: typeof Deno }).Deno;
    if (deno?.addSignalListener === undefined) {
      throw new RuntimeError("addSignalHandler(): signals need the Deno runtime's main thread");
    }
    this.removeSignalHandler(name);
    const listener = (): void => {
      if (!this._closed) this.callSoon(callback, ...args);
    };
    try {
      deno.addSignalListener(name, listener);
    } catch (e) {
      throw new RuntimeError(`sig ${num} cannot be caught: ${(e as Error).message}`);
    }
    this._signalHandlers.set(name, listener);
  }

  /**
   * Remove the handler of `sig`.
   *
   * @param sig A signal name, or its number.
   * @returns Whether a handler was removed.
   */
  removeSignalHandler(sig: Deno.Signal | number): boolean {
    const [name] = resolveSignal(sig, "removeSignalHandler()");
    const listener = this._signalHandlers.get(name);
    if (listener === undefined) return false;
    this._signalHandlers.delete(name);
    Deno.removeSignalListener(name, listener);
    return true;
  }

  // --- repr ----------------------------------------------------------------

  /** Python's repr: `<EventLoop running=False closed=False debug=False>`. */
  [REPR](): string {
    const b = (x: boolean) => (x ? "True" : "False");
    return `<EventLoop running=${b(this._running)} closed=${b(this._closed)} debug=${
      b(this._debug)
    } clock=${this.clock()}>`;
  }

  /** The repr. */
  toString(): string {
    return this[REPR]();
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }

  // --- network (see transports.ts) ---

  /**
   * Connect to `host:port` over TCP (TLS with `ssl`) and run a protocol on
   * the connection (Python's `loop.create_connection`). The coroutine
   * returns `[transport, protocol]` once `connectionMade` has run.
   *
   * @param protocolFactory Makes the protocol.
   * @param host The host name or address (not empty).
   * @param port The port, 0–65535.
   * @param options `ssl` (`true` or TLS options), `serverHostname`.
   * @returns A coroutine of `[transport, protocol]`.
   * @throws {ValueError} At the call, for an empty host or a port out of range.
   *
   * @example
   * ```ts
   * import { getRunningLoop, Protocol, run, startServer, type Transport } from "@yieldfrom/asyncio";
   * class Hello extends Protocol {
   *   override connectionMade(t: Transport) {
   *     t.write("hello\n");
   *     t.close();
   *   }
   * }
   * await run(async () => {
   *   const server = await startServer(async (reader, writer) => {
   *     console.log(new TextDecoder().decode(await reader.readline())); // hello
   *     writer.close();
   *   }, "127.0.0.1", 0);
   *   await getRunningLoop().createConnection(() => new Hello(), "127.0.0.1", server.sockets[0].port!);
   *   server.close();
   *   await server.waitClosed();
   * });
   * ```
   */
  createConnection<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    host: string,
    port: number,
    options?: ConnectionOptions,
  ): Coroutine<[SocketTransport, P]> {
    return createConnection(this, protocolFactory, host, port, options);
  }

  /**
   * Listen on `host:port` and run a protocol from `protocolFactory` on each
   * connection (Python's `loop.create_server`). `host` `null` (or `""`)
   * means every interface; port 0 picks a free port (`server.sockets`).
   *
   * @param protocolFactory Makes a protocol per connection.
   * @param host The address, `null`, or a list of addresses.
   * @param port The port.
   * @param options `ssl` (`{ cert, key }`), `reusePort`, `startServing`.
   * @returns A coroutine of the `Server`.
   *
   * @example
   * ```ts
   * import { getRunningLoop, Protocol, run } from "@yieldfrom/asyncio";
   * await run(async () => {
   *   const server = await getRunningLoop().createServer(() => new Protocol(), "127.0.0.1", 0);
   *   console.log(server.isServing()); // true
   *   server.close();
   *   await server.waitClosed();
   * });
   * ```
   */
  createServer(
    protocolFactory: ProtocolFactory,
    host: string | string[] | null | undefined,
    port: number,
    options?: ServerOptions,
  ): Coroutine<Server> {
    return createServer(this, protocolFactory, host, port, options);
  }

  /**
   * Connect to the Unix socket at `path` (Python's `loop.create_unix_connection`).
   *
   * @param protocolFactory Makes the protocol.
   * @param path The socket's path.
   * @returns A coroutine of `[transport, protocol]`.
   */
  createUnixConnection<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    path: string,
  ): Coroutine<[SocketTransport, P]> {
    return createUnixConnection(this, protocolFactory, path);
  }

  /**
   * Listen on the Unix socket at `path` (Python's `loop.create_unix_server`).
   *
   * @param protocolFactory Makes a protocol per connection.
   * @param path The socket's path (a socket file left there is replaced).
   * @param options `startServing`.
   * @returns A coroutine of the `Server`.
   */
  createUnixServer(
    protocolFactory: ProtocolFactory,
    path: string,
    options?: UnixServerOptions,
  ): Coroutine<Server> {
    return createUnixServer(this, protocolFactory, path, options);
  }

  /**
   * A UDP endpoint (Python's `loop.create_datagram_endpoint`). Deno 2 has
   * UDP only with `--unstable-net`: without it this throws a RuntimeError
   * that says so.
   *
   * @param protocolFactory Makes the `DatagramProtocol`.
   * @param options `localAddr`, `remoteAddr` (`[host, port]` each), `reuseAddress`.
   * @returns A coroutine of `[transport, protocol]`.
   * @throws {RuntimeError} Without `--unstable-net`.
   */
  createDatagramEndpoint<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    options?: DatagramEndpointOptions,
  ): Coroutine<[UdpTransport, P]> {
    return createDatagramEndpoint(this, protocolFactory, options);
  }

  /**
   * Upgrade a client connection to TLS (Python's `loop.start_tls`): the
   * coroutine returns the new transport, which serves `protocol` (its
   * `connectionMade` is not called again).
   *
   * @param transport The connection's transport.
   * @param protocol Its protocol.
   * @param ssl `true` or TLS options (`caCerts`).
   * @param options `serverHostname`.
   * @returns A coroutine of the new transport.
   */
  startTls(
    transport: SocketTransport,
    protocol: BaseProtocol,
    ssl: boolean | TlsOptions,
    options?: StartTlsOptions,
  ): Coroutine<SocketTransport> {
    return startTls(this, transport, protocol, ssl, options);
  }

  // --- subprocesses (see subprocess.ts) ---

  /**
   * Start `program` with `args` and run a `SubprocessProtocol` on it
   * (Python's `loop.subprocess_exec`). A trailing plain object is the
   * options (`stdin`, `stdout`, `stderr`, `cwd`, `env`); the three streams
   * are pipes unless told otherwise, as in CPython. See docs/subprocess.md.
   *
   * @param protocolFactory Makes the protocol.
   * @param programArgsAndOptions The program, its arguments, then the options.
   * @returns A coroutine of `[transport, protocol]`.
   *
   * @example
   * ```ts
   * import { getRunningLoop, run, SubprocessProtocol } from "@yieldfrom/asyncio";
   * await run(async () => {
   *   const [t] = await getRunningLoop().subprocessExec(() => new SubprocessProtocol(), "true");
   *   console.log(await t._wait()); // 0
   * });
   * ```
   */
  subprocessExec<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    ...programArgsAndOptions: (string | SubprocessOptions)[]
  ): Coroutine<[SubprocessTransport, P]> {
    return subprocessExec(this, protocolFactory, ...programArgsAndOptions);
  }

  /**
   * Run `cmd` through `/bin/sh -c` with a `SubprocessProtocol` (Python's
   * `loop.subprocess_shell`); the three streams are pipes unless told otherwise.
   *
   * @param protocolFactory Makes the protocol.
   * @param cmd The command line.
   * @param options `stdin`, `stdout`, `stderr`, `cwd`, `env`.
   * @returns A coroutine of `[transport, protocol]`.
   */
  subprocessShell<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    cmd: string,
    options?: SubprocessOptions,
  ): Coroutine<[SubprocessTransport, P]> {
    return subprocessShell(this, protocolFactory, cmd, options);
  }
}

/** The arguments from `start` on, or `null` when there are none (no allocation). */
function restArgs(args: IArguments, start: number): unknown[] | null {
  const n = args.length - start;
  if (n <= 0) return null;
  if (n === 1) return [args[start]];
  return Array.prototype.slice.call(args, start);
}

_setEventLoopClass(EventLoop);
