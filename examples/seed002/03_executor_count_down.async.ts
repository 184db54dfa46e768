/**
 * Seed 002, program 3 ("五、使用多线程克服具体任务的异步限制"), async form:
 * the blocking count-downs of program 1 run in a `ThreadPoolExecutor` of
 * three workers through `loop.runInExecutor()`, so they overlap: ≈ 3.0 s.
 * Each worker prints its own lines, timed with `monotonic()`, which reads the
 * same clock in every thread.
 *
 *     deno run --allow-read examples/seed002/03_executor_count_down.async.ts [scale]
 *
 * `scale` (default 1) multiplies every delay (the worker reads it too: a
 * worker sees the program's arguments). `--allow-read` lets the workers
 * import this file for `countDown` (`workerFunction`); the
 * `if (import.meta.main)` guard keeps the main program from running again
 * in them, as Python's `if __name__ == "__main__":` does.
 *
 * As in the seed, the pool is never shut down: its idle workers do not keep
 * the program alive.
 *
 * @module
 */
import * as asyncio from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

/** Runs in a worker: blocks it, not the event loop. */
export function countDown(name: string, delay: number, start: number): void {
  const indents = "\t".repeat(name.charCodeAt(0) - "A".charCodeAt(0));
  let n = 3;
  while (n) {
    asyncio.blockingSleep(delay * scale);
    const duration = asyncio.monotonic() - start;
    // One write per step, so that lines from different workers never mix.
    console.log(`${"-".repeat(40)}\n${duration.toFixed(4)} \t${indents}${name} = ${n}`);
    n -= 1;
  }
}

const main = asyncio.coroutine(async function main() {
  const start = asyncio.monotonic();
  const loop = asyncio.getRunningLoop();
  const executor = new asyncio.ThreadPoolExecutor({ maxWorkers: 3 });
  const job = asyncio.workerFunction<typeof countDown>(import.meta.url, "countDown");
  const fs = ([["A", 1, start], ["B", 0.8, start], ["C", 0.5, start]] as const).map((args) =>
    loop.runInExecutor(executor, job, ...args)
  );
  await asyncio.wait(fs);
  console.log("-".repeat(40));
  console.log("Done.");
});

if (import.meta.main) {
  await asyncio.run(main());
}
