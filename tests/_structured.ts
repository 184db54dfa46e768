/**
 * Shared pieces of the structured-concurrency tests: the two coroutine
 * styles of the small workers the Python reference programs use, and the
 * `t=0.3` clock they print.
 */

import {
  CancelledError,
  type Coroutine,
  coroutine,
  getRunningLoop,
  sleep,
  ValueError,
} from "../mod.ts";
import type { Trace } from "./_trace.ts";

/** The two ways to write a coroutine. */
export type Style = "generator" | "async";
/** Both, for `for (const style of STYLES)`. */
export const STYLES: readonly Style[] = ["generator", "async"];
/** Run options of every test: the virtual clock. */
export const virtual = { clock: "virtual" } as const;

/**
 * Seconds since the program started (its first call), printed as the Python
 * programs print `now()`: `t=0.3`.
 */
export function makeClock(): () => string {
  let t0: number | null = null;
  return () => {
    const t = getRunningLoop().time();
    t0 ??= t;
    return `t=${Math.round((t - t0) * 1000) / 1000}`;
  };
}

/** The workers of the Python programs, in one style. */
export interface Workers {
  /** Prints start, sleeps, prints end (or its cancellation), returns `result`. */
  worker<T>(name: string, delay: number, result: T): Coroutine<T>;
  /** Prints start, sleeps, prints raise and throws `ValueError(name)`. */
  fail(name: string, delay: number): Coroutine<never>;
}

/**
 * `worker` and `fail` of the Python programs, in the given style.
 *
 * @param t Where they print.
 * @param now The clock.
 * @param style Generator or async.
 */
export function workers(t: Trace, now: () => string, style: Style): Workers {
  if (style === "generator") {
    return {
      worker: coroutine(function* worker<T>(name: string, delay: number, result: T) {
        t.print("start", name);
        try {
          yield* sleep(delay);
        } catch (e) {
          if (e instanceof CancelledError) t.print("cancelled", name, e, now());
          throw e;
        }
        t.print("end", name, now());
        return result;
      }) as Workers["worker"],
      fail: coroutine(function* fail(name: string, delay: number): Generator<unknown, never> {
        t.print("start", name);
        yield* sleep(delay);
        t.print("raise", name, now());
        throw new ValueError(name);
      }),
    };
  }
  return {
    worker: coroutine(async function worker<T>(name: string, delay: number, result: T) {
      t.print("start", name);
      try {
        await sleep(delay);
      } catch (e) {
        if (e instanceof CancelledError) t.print("cancelled", name, e, now());
        throw e;
      }
      t.print("end", name, now());
      return result;
    }) as Workers["worker"],
    fail: coroutine(async function fail(name: string, delay: number): Promise<never> {
      t.print("start", name);
      await sleep(delay);
      t.print("raise", name, now());
      throw new ValueError(name);
    }),
  };
}
