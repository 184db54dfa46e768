/**
 * Executors: `ThreadPoolExecutor` (Python's `concurrent.futures`
 * thread pool, with Web Workers as the threads), `toThread`, and
 * `blockingSleep` (Python's `time.sleep`). What crosses to a worker
 * (functions, arguments, errors) is in `executor_jobs.ts`, the worker's
 * program in `executor_worker.ts`.
 *
 * Unlike Python's threads, workers run JavaScript truly in parallel: two
 * CPU-bound jobs on two cores take the time of one.
 *
 * @module
 */

import { CLOCK_OFFSET_KEY } from "./clocks.ts";
import { type Coroutine, coroutine, wrap } from "./coroutines.ts";
import { RuntimeError, ValueError } from "./errors.ts";
import { _getRunningLoop, getEventLoop, getRunningLoop } from "./events.ts";
import { cloneError, decodeError, type FnRef, prepare } from "./executor_jobs.ts";
import {
  type FromWorker,
  type ToWorker,
  WORKER_SOURCE_URL,
  workerMain,
} from "./executor_worker.ts";
import { Deque } from "./deque.ts";
import { describe, REPR } from "./format_helpers.ts";
import { Future, PENDING } from "./futures.ts";
import type { AbstractEventLoop, Executor } from "./events.ts";

export { workerFunction } from "./executor_jobs.ts";

// --- the pool -----------------------------------------------------------------

const QUEUED = 0;
const RUNNING = 1;
const DONE = 2;

/** A submitted call. */
interface Job {
  id: number;
  pool: ThreadPoolExecutor;
  fut: ExecutorFuture<unknown>;
  fn: FnRef;
  args: unknown[];
  submitted: Error;
  state: number;
  /** It still counts as host work on its loop. */
  busy: boolean;
}

/** A Future whose cancellation takes a job that has not started out of the queue. */
class ExecutorFuture<T> extends Future<T> {
  /** @internal */ _job: Job | null = null;

  /** @internal */
  override _cancel(msg?: string): boolean {
    const cancelled = super._cancel(msg);
    const job = this._job;
    if (cancelled && job !== null) job.pool._onCancel(job);
    return cancelled;
  }
}
// Shown as Python shows the future run_in_executor returns: <Future pending>.
Object.defineProperty(ExecutorFuture, "name", { value: "Future" });

/** What the executor uses of a `node:worker_threads` Worker. */
interface NodeWorker {
  postMessage(message: ToWorker): void;
  on(event: "message", listener: (message: FromWorker) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

type NodeWorkerClass = new (code: string, options: { eval: true }) => NodeWorker;

// Deno's `node:worker_threads` Worker is a Deno worker that can be unref'd
// (a web Worker keeps the process alive as long as it exists). Loaded on the
// first worker start, so that programs without executors do not pay for it.
let workerClass: Promise<NodeWorkerClass> | null = null;
function loadWorkerClass(): Promise<NodeWorkerClass> {
  return workerClass ??= import("node:worker_threads").then((m) =>
    m.Worker as unknown as NodeWorkerClass
  );
}

const CLOCK_PINGS = 4;

/** One worker thread of a pool. */
class PoolWorker {
  w: NodeWorker | null = null;
  job: Job | null = null;
  /** The functions this worker was sent (their source or module the first time). */
  known: Set<number> = new Set();
  refd: boolean = true;
  /** Its clock check is done: it has taken, or can take, jobs. */
  ready: boolean = false;
  retiring: boolean = false;
  error: unknown = undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  pings: number = 0;
  sentAt: number = 0;
  bestRtt: number = Infinity;
  bestOffset: number = 0;
}

/** Stop the idle timer of `pw`, if it runs. */
function clearIdleTimer(pw: PoolWorker): void {
  if (pw.idleTimer !== undefined) {
    clearTimeout(pw.idleTimer);
    pw.idleTimer = undefined;
  }
}

/**
 * Finish `job` (it no longer runs or waits) and, if its future is still
 * pending on an open loop, settle it with `settle`.
 */
function finishJob(job: Job, settle: (fut: ExecutorFuture<unknown>) => void): void {
  job.state = DONE;
  job.pool._release(job);
  const fut = job.fut;
  if (fut._state === PENDING && !fut._loop.isClosed()) settle(fut);
}

/** Workers in a row that ended before their first job; more fail the queued jobs. */
const MAX_START_FAILURES = 2;

const offsetKey = Symbol.for(CLOCK_OFFSET_KEY);
/** This thread's clock in milliseconds, as a worker computes its own. */
function clockMs(): number {
  return performance.timeOrigin + performance.now() +
    (((globalThis as Record<symbol, unknown>)[offsetKey] as number | undefined) ?? 0);
}

/** Options of {@linkcode ThreadPoolExecutor}. */
export interface ThreadPoolExecutorOptions {
  /**
   * The most workers running at once. Default: Python's rule,
   * `min(32, cores + 4)`.
   */
  maxWorkers?: number;
  /**
   * Seconds a worker may stay idle before it ends (default 10; `Infinity`
   * keeps idle workers). Idle workers never keep the program alive.
   */
  idleTimeout?: number;
}

/** Options of {@linkcode ThreadPoolExecutor.shutdown}. */
export interface ShutdownOptions {
  /** Return a coroutine that waits for the running and queued jobs (default true). */
  wait?: boolean;
  /** Cancel the jobs that have not started (default false). */
  cancelFutures?: boolean;
  /**
   * Also end the workers now, busy ones included (default false): the jobs
   * that have not started are cancelled, and so are the futures of running
   * jobs, whose workers are terminated mid-job. Python's threads cannot be
   * stopped, so it has no such option; Web Workers can, and a job stuck in
   * a loop would otherwise keep the process alive.
   */
  terminate?: boolean;
}

/**
 * A pool of worker threads (Python's `concurrent.futures.ThreadPoolExecutor`):
 * `submit(fn, ...args)` runs `fn(...args)` in a worker and returns a
 * {@linkcode Future} of its result. Workers are Web Workers: they run truly
 * in parallel with the event loop and with each other.
 *
 * - Workers start when jobs need them (up to `maxWorkers`) and are reused.
 *   An idle worker never keeps the program alive, and ends after
 *   `idleTimeout` seconds; a running job does keep it alive.
 * - The function is a self-contained function, sent as source text (it must
 *   not use variables from around it; the error says so), or a
 *   {@linkcode workerFunction} that the worker imports from a module.
 * - Arguments and the result are structured-cloned. A job that returns a
 *   promise is awaited in the worker. An exception arrives as the future's
 *   exception, with its name, message and the stacks of both threads.
 * - Cancelling the future of a job that has not started takes it out of the
 *   queue. A running job cannot be interrupted (as in Python): its future is
 *   cancelled, the worker finishes it, and the result is dropped.
 * - Permissions: jobs run with the program's permissions; starting a worker
 *   needs none. A `workerFunction` in a `file:` module needs `--allow-read`
 *   (`--allow-import` for a remote module).
 *
 * @example
 * ```ts
 * import { run, sleep, ThreadPoolExecutor } from "@yieldfrom/asyncio";
 *
 * const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
 * await run(function* () {
 *   const fut = pool.submit((n: number) => {
 *     let s = 0;
 *     for (let i = 0; i < n; i++) s += i; // runs in a worker
 *     return s;
 *   }, 1000);
 *   yield* sleep(0); // the loop keeps running meanwhile
 *   console.log(yield* fut); // 499500
 *   yield* pool.shutdown();
 * });
 * ```
 */
export class ThreadPoolExecutor implements Executor {
  /** The most workers running at once. */
  readonly maxWorkers: number;
  /** @internal */ _idleTimeout: number;
  /** @internal */ _workers: Set<PoolWorker> = new Set();
  /** @internal Ready workers without a job, most recently used last. */ _idle: PoolWorker[] = [];
  /** @internal Jobs waiting for a worker, in order. */ _queue: Deque<Job> = new Deque();
  /** @internal Workers in a row that ended before they were ready. */ _startFailures = 0;
  /** @internal */ _shutdown = false;
  /** @internal */ _exited: Promise<void> | null = null;
  /** @internal */ _exitResolve: (() => void) | null = null;
  /** @internal Tests: pretend new workers' wall clocks were stepped by this much. */
  _skewMs = 0;

  /**
   * Make a pool; no worker starts before the first job.
   *
   * @param options `maxWorkers` (default `min(32, cores + 4)`) and
   *   `idleTimeout` (seconds, default 10).
   */
  constructor(options?: ThreadPoolExecutorOptions) {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(
        `ThreadPoolExecutor(): options must be an object like { maxWorkers: 4 }, got ${
          describe(options)
        }`,
      );
    }
    const max = options?.maxWorkers ?? Math.min(32, (navigator.hardwareConcurrency || 1) + 4);
    if (typeof max !== "number" || !Number.isInteger(max)) {
      throw new TypeError(
        `ThreadPoolExecutor(): maxWorkers must be a whole number, got ${describe(max)}`,
      );
    }
    if (max <= 0) {
      throw new ValueError(`ThreadPoolExecutor(): maxWorkers must be greater than 0, got ${max}`);
    }
    const idle = options?.idleTimeout ?? 10;
    if (typeof idle !== "number" || Number.isNaN(idle) || idle < 0) {
      throw new TypeError(
        `ThreadPoolExecutor(): idleTimeout must be a number of seconds (>= 0, or Infinity), ` +
          `got ${describe(idle)}`,
      );
    }
    this.maxWorkers = max;
    this._idleTimeout = idle;
  }

  /**
   * Run `fn(...args)` in a worker.
   *
   * @param fn A self-contained function (sent as source text) or a
   *   {@linkcode workerFunction}.
   * @param args Its arguments, structured-cloned now.
   * @returns A Future (of the running loop, else of `getEventLoop()`) of
   *   the result.
   * @throws {RuntimeError} After `shutdown()`.
   * @throws {TypeError} When `fn` captures variables or an argument cannot be cloned.
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    return this._submit(fn, args, "ThreadPoolExecutor.submit()", new Error());
  }

  /** @internal `loop.runInExecutor()` submits through this: a Future of that loop. */
  _submitOn(
    loop: AbstractEventLoop,
    fn: (...args: unknown[]) => unknown,
    args: unknown[],
  ): Future<unknown> {
    return this._submit(fn, args, "runInExecutor()", new Error(), loop);
  }

  /** @internal */
  _submit<R>(
    fn: unknown,
    args: unknown[],
    where: string,
    submitted: Error,
    loop: AbstractEventLoop = _getRunningLoop() ?? getEventLoop(),
  ): Future<Awaited<R>> {
    const ref = prepare(fn, where);
    if (this._shutdown) {
      throw new RuntimeError(`${where}: cannot schedule new futures after shutdown`);
    }
    const fut = new ExecutorFuture<Awaited<R>>(loop);
    const job: Job = {
      id: 0,
      pool: this,
      fut: fut as ExecutorFuture<unknown>,
      fn: ref,
      args,
      submitted,
      state: QUEUED,
      busy: false,
    };
    const pw = this._idle.pop();
    if (pw !== undefined) {
      try {
        this._send(pw, job);
      } catch (e) {
        pw.job = null;
        this._idle.push(pw);
        this._armIdleTimer(pw);
        throw cloneError(args, e, where, ref.name);
      }
    } else {
      try {
        job.args = structuredClone(args);
      } catch (e) {
        throw cloneError(args, e, where, ref.name);
      }
      this._queue.push(job);
      if (this._workers.size < this.maxWorkers) this._spawn();
    }
    fut._job = job;
    job.busy = true;
    loop._workerJobsAdd(1);
    return fut;
  }

  /**
   * Stop taking jobs. Queued jobs still run unless `cancelFutures`; idle
   * workers end now, busy ones after the queue is empty.
   *
   * @param options `wait` (default true) and `cancelFutures` (default false).
   * @returns With `wait`, a coroutine that finishes when every job is done
   *   and every worker has ended (`yield*` or `await` it); else nothing.
   */
  shutdown(options?: ShutdownOptions & { wait?: true }): Coroutine<void>;
  shutdown(options: ShutdownOptions & { wait: false }): void;
  shutdown(options?: ShutdownOptions): Coroutine<void> | void;
  shutdown(options?: ShutdownOptions): Coroutine<void> | void {
    const wait = options?.wait ?? true;
    const terminate = options?.terminate ?? false;
    const cancelFutures = options?.cancelFutures ?? terminate;
    if (
      typeof wait !== "boolean" || typeof cancelFutures !== "boolean" ||
      typeof terminate !== "boolean"
    ) {
      throw new TypeError(
        `ThreadPoolExecutor.shutdown(): wait, cancelFutures and terminate must be booleans, ` +
          `got ${describe(options)}`,
      );
    }
    this._shutdown = true;
    if (cancelFutures) {
      // A cancelled job leaves the queue (_onCancel), so take a copy first.
      for (const job of this._queue.toArray()) job.fut.cancel();
    }
    for (const pw of this._idle.splice(0)) this._retire(pw);
    if (terminate) {
      for (const pw of [...this._workers]) {
        pw.job?.fut.cancel();
        this._retire(pw);
      }
    }
    this._checkExited();
    if (wait) return shutdownCoro(this);
  }

  /** Shut down and wait, for `await using pool = new ThreadPoolExecutor()`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.shutdown({ wait: false });
    return this._whenExited();
  }

  /** @internal Settles when shut down, with no job left and every worker ended. */
  _whenExited(): Promise<void> {
    if (this._exited === null) {
      this._exited = new Promise<void>((resolve) => this._exitResolve = resolve);
      this._checkExited();
    }
    return this._exited;
  }

  /** @internal */
  _checkExited(): void {
    if (this._shutdown && this._workers.size === 0 && this._queue.length === 0) {
      const resolve = this._exitResolve;
      this._exitResolve = null;
      resolve?.();
    }
  }

  // --- workers ---------------------------------------------------------------

  /** @internal Start a worker; it takes queued jobs once its clock is checked. */
  _spawn(): void {
    const pw = new PoolWorker();
    this._workers.add(pw);
    loadWorkerClass().then((Worker) => {
      const code = `(${workerMain})(require("node:worker_threads").parentPort, ${this._skewMs});` +
        `\n//# sourceURL=${WORKER_SOURCE_URL}`;
      const w = new Worker(code, { eval: true });
      pw.w = w;
      w.on("message", (m) => this._onMessage(pw, m));
      w.on("error", (e) => pw.error = e);
      w.on("exit", (code) => this._onExit(pw, code));
      if (pw.retiring) {
        // Retired (shutdown with terminate) before it had started.
        w.terminate();
        return;
      }
      pw.sentAt = clockMs();
      w.postMessage({ k: "p" });
    }).catch((e) => {
      pw.error = e;
      this._onExit(pw, -1);
    });
  }

  /** @internal */
  _onMessage(pw: PoolWorker, m: FromWorker): void {
    if (m.k === "p") {
      // Clock check (NTP's method): the worker's reading against the middle
      // of our send and receive times; the fastest round trip is the best.
      const now = clockMs();
      const rtt = now - pw.sentAt;
      if (rtt < pw.bestRtt) {
        pw.bestRtt = rtt;
        pw.bestOffset = (pw.sentAt + now) / 2 - m.t;
      }
      if (++pw.pings < CLOCK_PINGS) {
        pw.sentAt = clockMs();
        pw.w!.postMessage({ k: "p" });
        return;
      }
      // Threads agree to about a microsecond unless the wall clock was
      // stepped between their starts; correct only a difference the round
      // trip cannot explain.
      const off = pw.bestOffset;
      pw.w!.postMessage({ k: "o", ms: Math.abs(off) > pw.bestRtt / 2 + 0.1 ? off : 0 });
      pw.ready = true;
      this._startFailures = 0;
      this._next(pw);
      return;
    }
    const job = pw.job;
    if (job === null || job.id !== m.id) return;
    pw.job = null;
    this._next(pw);
    // Not settled when cancelled while running.
    finishJob(job, (fut) => {
      if (m.k === "r") fut._setResult(m.v);
      else fut._setException(decodeError(m.e, job.fn, job.submitted));
    });
  }

  /** @internal The worker is free: give it the next job, or let it idle. */
  _next(pw: PoolWorker): void {
    for (let job; (job = this._queue.shift()) !== undefined;) {
      try {
        this._send(pw, job);
        return;
      } catch (e) {
        // Its arguments were cloned at submit(), so this should not happen.
        finishJob(job, (fut) => fut._setException(e));
      }
    }
    if (this._shutdown) {
      this._retire(pw);
      return;
    }
    if (pw.refd) {
      pw.refd = false;
      pw.w!.unref();
    }
    this._idle.push(pw);
    this._armIdleTimer(pw);
  }

  /** @internal Start the countdown of an idle worker (it is in `_idle`). */
  _armIdleTimer(pw: PoolWorker): void {
    clearIdleTimer(pw);
    if (this._idleTimeout !== Infinity) {
      const timer = setTimeout(() => {
        pw.idleTimer = undefined;
        const i = this._idle.indexOf(pw);
        if (i >= 0) {
          this._idle.splice(i, 1);
          this._retire(pw);
        }
      }, Math.min(this._idleTimeout * 1000, 2 ** 31 - 1));
      Deno.unrefTimer(timer as unknown as number);
      pw.idleTimer = timer;
    }
  }

  /** @internal */
  _send(pw: PoolWorker, job: Job): void {
    const ref = job.fn;
    const msg: ToWorker = { k: "j", id: job.id = nextJobId++, f: ref.id, a: job.args };
    const first = !pw.known.has(ref.id);
    if (first) {
      msg.name = ref.name;
      if (ref.src !== undefined) msg.src = ref.src;
      else {
        msg.url = ref.url;
        msg.name = ref.exportName;
      }
    }
    pw.w!.postMessage(msg);
    // Sent: the worker is no longer idle (if postMessage threw, it still is).
    clearIdleTimer(pw);
    if (first) pw.known.add(ref.id);
    job.state = RUNNING;
    pw.job = job;
    if (!pw.refd) {
      pw.refd = true;
      pw.w!.ref();
    }
  }

  /** @internal End a worker (it has no job). */
  _retire(pw: PoolWorker): void {
    if (pw.retiring) return;
    pw.retiring = true;
    clearIdleTimer(pw);
    pw.w?.terminate();
  }

  /** @internal A worker ended, on purpose or not. */
  _onExit(pw: PoolWorker, code: number): void {
    if (!this._workers.has(pw)) return;
    const job = pw.job;
    pw.job = null;
    if (job !== null) {
      finishJob(job, (fut) => {
        const why = pw.error !== undefined
          ? `with an uncaught error: ${(pw.error as Error)?.message ?? String(pw.error)}`
          : `(exit code ${code})`;
        fut._setException(
          new RuntimeError(
            `the worker running ${job.fn.name || "the job"} ended ${why} before the job finished`,
            pw.error !== undefined ? { cause: pw.error } : undefined,
          ),
        );
      });
    }
    this._gone(pw);
    if (!pw.retiring && !pw.ready) this._startFailures++;
    if (!pw.retiring && this._queue.length > 0 && this._workers.size < this.maxWorkers) {
      if (pw.w === null || this._startFailures >= MAX_START_FAILURES) {
        // No worker could start (at all, or several times in a row): fail the
        // queued jobs instead of retrying without end.
        this._startFailures = 0;
        this._failQueued(
          pw.error ?? new RuntimeError(`the worker ended (exit code ${code}) before it was ready`),
        );
      } else this._spawn();
    }
    this._checkExited();
  }

  /** @internal */
  _gone(pw: PoolWorker): void {
    this._workers.delete(pw);
    const i = this._idle.indexOf(pw);
    if (i >= 0) this._idle.splice(i, 1);
    clearIdleTimer(pw);
    this._checkExited();
  }

  /** @internal */
  _failQueued(cause: unknown): void {
    for (let job; (job = this._queue.shift()) !== undefined;) {
      finishJob(job, (fut) =>
        fut._setException(
          new RuntimeError(`cannot start a worker thread: ${(cause as Error)?.message ?? cause}`, {
            cause,
          }),
        ));
    }
  }

  /** @internal The future of `job` was cancelled. */
  _onCancel(job: Job): void {
    if (job.state === QUEUED) {
      job.state = DONE;
      this._queue.remove(job); // with its arguments
    }
    this._release(job);
    this._checkExited();
  }

  /** @internal The job no longer holds its loop's virtual clock. */
  _release(job: Job): void {
    if (job.busy) {
      job.busy = false;
      job.fut._loop._workerJobsAdd(-1);
    }
  }

  /** Python-style repr: `<ThreadPoolExecutor maxWorkers=4 workers=1 idle=1 queued=0>`. */
  [REPR](): string {
    return `<ThreadPoolExecutor maxWorkers=${this.maxWorkers} workers=${this._workers.size} ` +
      `idle=${this._idle.length} queued=${this._queue.length}${this._shutdown ? " shutdown" : ""}>`;
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

let nextJobId = 1;

const shutdownCoro = coroutine(function* shutdown(pool: ThreadPoolExecutor) {
  const exited = pool._whenExited();
  if (pool._workers.size === 0 && pool._queue.length === 0) return;
  yield* wrap(exited);
});

// --- toThread, blockingSleep ----------------------------------------------------

const toThreadCoro = coroutine(function* toThread(fn: unknown, args: unknown[], at: Error) {
  const loop = getRunningLoop();
  // Python's to_thread: the loop's default executor, made on first use (run()
  // shuts it down at the end).
  const pool = loop._getDefaultExecutor();
  if (pool instanceof ThreadPoolExecutor) {
    return yield* pool._submit(fn, args, "toThread()", at, loop);
  }
  return yield* loop.runInExecutor(null, fn as (...a: unknown[]) => unknown, ...args);
});

/**
 * Run `fn(...args)` in a worker of the running loop's default executor
 * (Python's `asyncio.to_thread`); a coroutine, for `yield*` or `await`.
 * `fn` follows the rules of {@linkcode ThreadPoolExecutor.submit}.
 *
 * @param fn A self-contained function or a {@linkcode workerFunction}.
 * @param args Its arguments (structured-cloned).
 * @returns A coroutine of the result.
 *
 * @example
 * ```ts
 * import { run, toThread } from "@yieldfrom/asyncio";
 *
 * const fib = (n: number): number => {
 *   let [a, b] = [0, 1];
 *   for (let i = 0; i < n; i++) [a, b] = [b, a + b];
 *   return a;
 * };
 * await run(async () => {
 *   console.log(await toThread(fib, 50)); // 12586269025
 * });
 * ```
 */
export function toThread<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...args: A
): Coroutine<Awaited<R>> {
  // The function is checked when the job is submitted, and only for a
  // ThreadPoolExecutor: another default executor may run any function.
  return toThreadCoro(fn, args, new Error()) as Coroutine<Awaited<R>>;
}

let sleepCell: Int32Array | null = null;

/**
 * Block the calling thread for `seconds` (Python's `time.sleep`): in a
 * worker it stands for slow blocking work; in the main thread it freezes
 * the event loop too, so use `sleep()` there.
 *
 * @param seconds How long, in seconds (a finite number >= 0).
 *
 * @example
 * ```ts
 * import { blockingSleep, monotonic } from "@yieldfrom/asyncio";
 * const start = monotonic();
 * blockingSleep(0.05);
 * console.log(monotonic() - start >= 0.05); // true
 * ```
 */
export function blockingSleep(seconds: number): void {
  if (typeof seconds !== "number") {
    throw new TypeError(`blockingSleep(): seconds must be a number, got ${describe(seconds)}`);
  }
  if (!(seconds >= 0) || seconds === Infinity) {
    throw new ValueError(
      `blockingSleep(): seconds must be a finite number >= 0, got ${String(seconds)}`,
    );
  }
  const cell = sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  const end = performance.now() + seconds * 1000;
  for (;;) {
    const left = end - performance.now();
    if (left <= 0) return;
    Atomics.wait(cell, 0, 0, left);
  }
}
