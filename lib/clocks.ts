/**
 * The clocks an event loop reads: the real monotonic clock, shared by the
 * main thread and every worker, and the virtual clock of test loops.
 *
 * @module
 */

/** Which clock an event loop reads: real time, or virtual time that jumps. */
export type ClockKind = "real" | "virtual";

// performance.now() counts from each thread's own time origin; adding the
// origin (a wall-clock timestamp taken when the thread started) puts every
// thread on one time line. An arbitrary epoch keeps the numbers small enough
// for microsecond resolution in a double.
const EPOCH_MS = Date.UTC(2020, 0, 1);

/**
 * @internal The global (`Symbol.for` key) with the milliseconds this thread
 * adds to its clock. Measured on Deno 2.9.6, `timeOrigin + now()` agrees
 * between threads to about a microsecond, but a wall-clock step between the
 * start of two threads would shift one origin: an executor measures its
 * worker's clock against its own when the worker starts and sets this
 * correction there before any module of the job loads.
 */
export const CLOCK_OFFSET_KEY = "@yieldfrom/asyncio.clockOffsetMs";

function threadOffsetMs(): number {
  const value = (globalThis as Record<symbol, unknown>)[Symbol.for(CLOCK_OFFSET_KEY)];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

const ORIGIN_MS = performance.timeOrigin - EPOCH_MS + threadOffsetMs();

/**
 * Seconds on a monotonic clock, comparable between the main thread and
 * every worker (Python's `time.monotonic()`); real-clock loops use it for
 * `time()`. Only differences between two readings are meaningful.
 *
 * @returns Seconds since an arbitrary fixed point.
 *
 * @example
 * ```ts
 * import { monotonic } from "@yieldfrom/asyncio";
 * const start = monotonic();
 * // ... work ...
 * console.log(`took ${(monotonic() - start).toFixed(4)} s`);
 * ```
 */
export function monotonic(): number {
  return (ORIGIN_MS + performance.now()) / 1000;
}

/** How close to its deadline a timer counts as due, per clock. */
export const CLOCK_RESOLUTION: Readonly<Record<ClockKind, number>> = {
  real: 1e-6,
  virtual: 1e-9,
};

/** The environment variable that sets the default clock of a whole program. */
export const CLOCK_ENV = "YIELDFROM_ASYNCIO_CLOCK";

/**
 * `YIELDFROM_ASYNCIO_CLOCK=virtual` runs a program's loops on the virtual
 * clock. It is read only when the permission to read it was granted
 * (`--allow-env=YIELDFROM_ASYNCIO_CLOCK`): the runtime never asks for a
 * permission itself.
 */
function clockFromEnv(): ClockKind {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  try {
    const status = deno?.permissions?.querySync?.({ name: "env", variable: CLOCK_ENV });
    if (status?.state !== "granted") return "real";
    const value = deno!.env.get(CLOCK_ENV);
    return value === "virtual" ? "virtual" : "real";
  } catch {
    return "real";
  }
}

let defaultClock: ClockKind = clockFromEnv();

/**
 * The clock that loops get when `newEventLoop()`/`run()` are not told one.
 * Tests switch it to `"virtual"` to run unchanged example programs instantly.
 */
export function getDefaultClock(): ClockKind {
  return defaultClock;
}

/** Set the clock of loops made without a `clock` option; returns the old one. */
export function setDefaultClock(kind: ClockKind): ClockKind {
  checkClockKind(kind, "setDefaultClock()");
  const old = defaultClock;
  defaultClock = kind;
  return old;
}

/** Throw a clear error unless `kind` names a clock. */
export function checkClockKind(kind: unknown, where: string): asserts kind is ClockKind {
  if (kind !== "real" && kind !== "virtual") {
    throw new TypeError(
      `${where}: clock must be "real" or "virtual", got ${JSON.stringify(kind)}`,
    );
  }
}
