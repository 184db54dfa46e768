/**
 * Seed 004, § 3.6 ("concurrent中的Future对象"), first program: a bare
 * `ThreadPoolExecutor` with one worker; ten jobs are submitted at once (their
 * futures print as pending) and run one after the other, each blocking its
 * worker one second before printing its number. No event loop runs: the
 * program ends when the jobs are done, without `shutdown()`, as Python's
 * does.
 *
 *     deno run --allow-read examples/seed004/3_6_thread_pool.ts [scale]
 *
 * `scale` (default 1) multiplies the one-second sleep. `--allow-read` lets
 * the worker import this file for `func`; the `if (import.meta.main)`
 * guard is Python's `if __name__ == '__main__':`. Python prints a
 * `concurrent.futures.Future` (`<Future at 0x… state=pending>`); `submit()`
 * here returns an asyncio-style Future, which prints `<Future pending>`.
 *
 * @module
 */
import { blockingSleep, ThreadPoolExecutor, workerFunction } from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

/** Runs in the worker. */
export function func(value: number): void {
  blockingSleep(1 * scale);
  console.log(value);
}

// Creating the pool starts no worker (workers start with the first job), so
// it costs nothing when a worker imports this module.
const pool = new ThreadPoolExecutor({ maxWorkers: 1 });

if (import.meta.main) {
  for (let i = 0; i < 10; i++) {
    const fut = pool.submit(workerFunction<typeof func>(import.meta.url, "func"), i);
    console.log(fut);
  }
}
