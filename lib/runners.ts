/**
 * `run()` and `Runner`: make a loop, run the main coroutine, clean up in
 * Python's order (CPython's `runners.py`).
 *
 * @module
 */

import { CancelledError, KeyboardInterrupt, RuntimeError, ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import { _getRunningLoop, newEventLoop, setEventLoop } from "./events.ts";
import type { AbstractEventLoop, EventLoopOptions } from "./events.ts";
import { allTasks, type Task } from "./tasks.ts";
import { type AwaitableOrThunk, isGeneratorLike, isThenable } from "./coroutines.ts";
import { Future } from "./futures.ts";
import { gather } from "./combinators.ts";

/** Options of `run()` and `new Runner()`. */
export type RunOptions = EventLoopOptions;

/** @internal Python's `_cancel_all_tasks`. */
async function cancelAllTasks(loop: AbstractEventLoop): Promise<void> {
  const toCancel = allTasks(loop);
  if (toCancel.size === 0) return;
  for (const task of toCancel) task.cancel();
  await loop.runUntilComplete(gather([...toCancel], { returnExceptions: true }));
  for (const task of toCancel) {
    if (task.cancelled()) continue;
    const exc = task.exception();
    if (exc !== undefined) {
      loop.callExceptionHandler({
        message: "unhandled exception during asyncio.run() shutdown",
        exception: exc,
        task,
      });
    }
  }
}

/**
 * Why `main` cannot run now, or `null`: not awaitable, or a loop is running
 * already. `run()` and `Runner.run()` return promises, so they reject with
 * this error rather than throw it.
 */
function refusal(
  main: unknown,
  where: string,
  name = where,
): RuntimeError | ValueError | null {
  if (_getRunningLoop() !== null) {
    return new RuntimeError(
      `${name} cannot be called from a running event loop; inside a coroutine, use yield* ` +
        `or await; from host code (a timer, a listener, Promise.all), wait for the running ` +
        `run() to finish first, or run the work on the running loop: ` +
        `getRunningLoop().createTask(main)`,
    );
  }
  if (
    !(main instanceof Future) && !isGeneratorLike(main) && !isThenable(main) &&
    typeof main !== "function"
  ) {
    return new ValueError(
      `${where}: a coroutine was expected, got ${describe(main)}; pass a coroutine object, ` +
        `a Promise, or a function returning one`,
    );
  }
  return null;
}

/**
 * Runs several coroutines on one event loop, one after the other, and
 * cleans up when closed (Python 3.11's `asyncio.Runner`). `run()` is a
 * Runner used once.
 *
 * @example
 * ```ts
 * import { Runner, sleep } from "@yieldfrom/asyncio";
 * const runner = new Runner({ clock: "virtual" });
 * console.log(await runner.run(sleep(1, "first")));
 * console.log(await runner.run(sleep(1, "second")), runner.getLoop().time()); // second 2
 * await runner.close();
 * ```
 */
export class Runner {
  /** @internal */ _state: "created" | "initialized" | "closing" | "closed" = "created";
  /** @internal The promise of the close in progress. */ _closing: Promise<void> | null = null;
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _options: RunOptions | undefined;

  /**
   * Make a runner; its loop is made on first use.
   *
   * @param options `clock` and `debug` for the loop the runner makes.
   */
  constructor(options?: RunOptions) {
    this._options = options;
  }

  /** @internal */
  _lazyInit(): AbstractEventLoop {
    if (this._state === "closed") throw new RuntimeError("Runner is closed");
    if (this._loop === null) {
      this._loop = newEventLoop(this._options);
      setEventLoop(this._loop);
      this._state = "initialized";
    }
    return this._loop;
  }

  /** The runner's loop (made on first use). */
  getLoop(): AbstractEventLoop {
    return this._lazyInit();
  }

  /**
   * Run `main` on the runner's loop and return its result. The first
   * Ctrl-C (SIGINT) cancels the main task, which then ends with
   * `KeyboardInterrupt`; a second one ends the process.
   *
   * @param main A coroutine, a Promise, or a function returning either.
   * @returns A promise of `main`'s result.
   * @throws {ValueError} When `main` is not awaitable.
   * @throws {RuntimeError} When a loop is already running.
   */
  run<T>(main: AwaitableOrThunk<T>): Promise<T> {
    const refused = refusal(main, "Runner.run()");
    if (refused !== null) return Promise.reject(refused);
    if (this._state === "closing") {
      return Promise.reject(
        new RuntimeError(
          "Runner.run(): the runner is closing; await runner.close() before running more, " +
            "or make a new Runner",
        ),
      );
    }
    let loop: AbstractEventLoop;
    try {
      loop = this._lazyInit();
    } catch (e) {
      return Promise.reject(e);
    }
    const task = loop.createTask(main);
    return this._runMain(loop, task);
  }

  /** @internal */
  async _runMain<T>(loop: AbstractEventLoop, task: Task<T>): Promise<T> {
    let interrupts = 0;
    const onSigint = (): void => {
      // A SIGINT handler of the loop's own replaces this one, as Python's
      // loop.add_signal_handler replaces the Runner's signal.signal handler.
      const own = (loop as { _signalHandlers?: Map<string, unknown> })._signalHandlers;
      if (own !== undefined && own.has("SIGINT")) return;
      interrupts++;
      if (interrupts === 1 && !task.done()) {
        task.cancel();
        return;
      }
      removeSigint();
      Deno.exit(130);
    };
    const removeSigint = installSigint(onSigint);
    try {
      return await loop.runUntilComplete(task);
    } catch (e) {
      if (e instanceof CancelledError && interrupts > 0 && task.uncancel() === 0) {
        throw new KeyboardInterrupt("interrupted by Ctrl-C (SIGINT)", { cause: e });
      }
      throw e;
    } finally {
      removeSigint();
    }
  }

  /**
   * Cancel the tasks still running and wait for them, shut the default
   * executor down, and close the loop. Python's `close()` blocks; this one
   * runs the loop to do it, so it returns a promise: await it. From the
   * call on the runner is closing: `run()` rejects, and a second `close()`
   * returns the same promise.
   *
   * @returns A promise settled once the loop is closed.
   */
  close(): Promise<void> {
    if (this._closing !== null) return this._closing;
    if (this._state !== "initialized") {
      this._state = "closed";
      return Promise.resolve();
    }
    const loop = this._loop!;
    if (loop.isRunning()) {
      return Promise.reject(
        new RuntimeError(
          "Runner.close(): a run() of this runner is still running; await it (or cancel " +
            "its task) before closing the runner",
        ),
      );
    }
    this._state = "closing";
    return this._closing = this._close(loop);
  }

  /** @internal */
  async _close(loop: AbstractEventLoop): Promise<void> {
    try {
      await cancelAllTasks(loop);
      await loop.runUntilComplete(loop.shutdownDefaultExecutor());
    } finally {
      setEventLoop(null);
      loop.close();
      this._loop = null;
      this._state = "closed";
    }
  }

  /** `await using runner = new Runner()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function installSigint(listener: () => void): () => void {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  // Only the main thread handles signals (workers cannot).
  if (deno?.addSignalListener === undefined || "WorkerGlobalScope" in globalThis) {
    return () => {};
  }
  try {
    deno.addSignalListener("SIGINT", listener);
  } catch {
    return () => {};
  }
  let installed = true;
  return () => {
    if (installed) {
      installed = false;
      deno.removeSignalListener("SIGINT", listener);
    }
  };
}

/**
 * Run `main` on a new event loop and return its result (Python's
 * `asyncio.run`). When `main` finishes, the tasks still running are
 * cancelled and waited for (their `finally` blocks run), the default
 * executor is shut down, and the loop is closed.
 *
 * `main` is a coroutine object, a Promise, or a function returning either
 * (called at the main task's first step, so an async function passed
 * itself runs as a cancellable task body).
 *
 * @param main What to run.
 * @param options `clock: "virtual"` runs timers without waiting; `debug`.
 * @returns A promise of `main`'s result.
 * @throws {ValueError} When `main` is not awaitable.
 * @throws {RuntimeError} When called while a loop is running.
 *
 * @example
 * ```ts
 * import * as asyncio from "@yieldfrom/asyncio";
 * const main = asyncio.coroutine(async function main() {
 *   console.log("hello");
 *   await asyncio.sleep(1);
 *   console.log("world");
 * });
 * await asyncio.run(main());
 * ```
 */
export function run<T>(main: AwaitableOrThunk<T>, options?: RunOptions): Promise<T> {
  const refused = refusal(main, "run()", "asyncio.run()");
  if (refused !== null) return Promise.reject(refused);
  const runner = new Runner(options);
  return runAndClose(runner, main);
}

async function runAndClose<T>(runner: Runner, main: AwaitableOrThunk<T>): Promise<T> {
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
  }
}
