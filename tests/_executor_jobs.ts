/**
 * Functions the executor tests run in workers through workerFunction(): the
 * worker imports this module, so its functions can use the library.
 */
import { blockingSleep, ExceptionGroup, monotonic, ValueError } from "../mod.ts";

// How many times this module was evaluated in this thread.
const g = globalThis as { __executorJobsLoads?: number };
g.__executorJobsLoads = (g.__executorJobsLoads ?? 0) + 1;

/** `x * 2`, after blocking `delay` seconds. */
export function double(x: number, delay = 0): number {
  blockingSleep(delay);
  return x * 2;
}

/** Python's `mark`: flag `2i` when started, `2i + 1` when finished (shared memory). */
export function mark(ran: Int32Array, i: number, delay: number): number {
  Atomics.store(ran, 2 * i, 1);
  blockingSleep(delay);
  Atomics.store(ran, 2 * i + 1, 1);
  return i;
}

/**
 * Like `mark`, but runs until the main thread opens `gate` (sets it to 1 and
 * notifies), so that "running" does not depend on timing.
 */
export function hold(ran: Int32Array, gate: Int32Array, i: number): number {
  Atomics.store(ran, 2 * i, 1);
  Atomics.wait(gate, 0, 0, 10_000);
  Atomics.store(ran, 2 * i + 1, 1);
  return i;
}

/** Throws `ValueError(message)`. */
export function fail(message: string): never {
  throw new ValueError(message);
}

/** Throws an error with a cause and extra properties. */
export function failWithCause(): never {
  const err = new RangeError("outer", { cause: new TypeError("inner") });
  (err as RangeError & { code: string }).code = "E_OUTER";
  throw err;
}

/** Throws an ExceptionGroup of two. */
export function failGroup(): never {
  throw new ExceptionGroup("two", [new ValueError("a"), new TypeError("b")]);
}

/** A custom error class (arrives as an Error with the same name). */
export class JobError extends Error {
  override name = "JobError";
}
/** Throws a JobError. */
export function failCustom(): never {
  throw new JobError("custom");
}

/** The worker's clock. */
export function now(): number {
  return monotonic();
}

/** How many times this module was evaluated in the calling thread. */
export function loads(): number {
  return g.__executorJobsLoads!;
}

/**
 * Count this job in, then wait (up to `timeout` s) until `parties` jobs are
 * in: returns whether they all met, i.e. ran at the same time.
 */
export function meet(counter: Int32Array, parties: number, timeout: number): boolean {
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
  const end = performance.now() + timeout * 1000;
  for (;;) {
    const seen = Atomics.load(counter, 0);
    if (seen >= parties) return true;
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.wait(counter, 0, seen, left);
  }
}

/** Busy CPU work: a sum that takes time proportional to `n`. */
export function spin(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
  return s;
}

/** An async job: awaited in the worker. */
export async function later(x: number): Promise<string> {
  await new Promise((r) => setTimeout(r, 5));
  return `later ${x}`;
}

/** Python's main guard: this never runs in a worker. */
if (import.meta.main) {
  console.log("main code of _executor_jobs.ts ran");
}
