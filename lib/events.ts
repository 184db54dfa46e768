/**
 * Which event loop is running and which one is current (CPython's
 * `events.py`): `getRunningLoop`, `getEventLoop`, `setEventLoop`,
 * `newEventLoop`.
 *
 * This module imports no other part of the runtime, so that futures, tasks
 * and the loop can all depend on it without import cycles; `loop.ts`
 * registers the loop constructor here when it loads.
 *
 * @module
 */

import type { EventLoop, EventLoopOptions } from "./loop.ts";
import { RuntimeError } from "./errors.ts";

let runningLoop: EventLoop | null = null;
let currentLoop: EventLoop | null = null;
let loopFactory: ((options?: EventLoopOptions) => EventLoop) | null = null;

/** @internal Called once by loop.ts. */
export function _setLoopFactory(factory: (options?: EventLoopOptions) => EventLoop): void {
  loopFactory = factory;
}

/** @internal The running loop or `null`; never throws. */
export function _getRunningLoop(): EventLoop | null {
  return runningLoop;
}

/** @internal Set by `runForever()` for as long as it runs. */
export function _setRunningLoop(loop: EventLoop | null): void {
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
export function getRunningLoop(): EventLoop {
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
export function getEventLoop(): EventLoop {
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
export function setEventLoop(loop: EventLoop | null): void {
  if (loop !== null && (typeof loop !== "object" || typeof loop.runForever !== "function")) {
    throw new TypeError(`setEventLoop(): expected an EventLoop or null, got ${typeof loop}`);
  }
  currentLoop = loop;
}

/**
 * Make a new event loop; it is not made current.
 *
 * @param options `clock: "real" | "virtual"` (default real) and `debug`.
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
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  if (loopFactory === null) {
    throw new RuntimeError("the event loop module is not loaded; import from mod.ts");
  }
  return loopFactory(options);
}
