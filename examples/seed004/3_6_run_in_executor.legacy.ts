/**
 * Seed 004, § 3.6 ("concurrent中的Future对象"), second program, legacy form:
 * a generator coroutine hands a blocking function to the loop's default
 * thread pool with `loop.runInExecutor(null, func)` and waits with
 * `yield* fut`; `loop.runUntilComplete()` runs it.
 *
 *     deno run --allow-read examples/seed004/3_6_run_in_executor.legacy.ts [scale]
 *
 * `scale` (default 1) multiplies the one-second sleep. `--allow-read` lets
 * the worker import this file for `func`. `loop.close()` shuts the default
 * executor down (without waiting: its worker is idle by then).
 *
 * @module
 */
import * as asyncio from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

/** Runs in a worker of the default executor. */
export function func(): string {
  asyncio.blockingSleep(1 * scale);
  return "result";
}

const main = asyncio.coroutine(function* main() {
  const loop = asyncio.getEventLoop();
  // Wrap func in a Future that a worker of the default thread pool completes.
  const fut = loop.runInExecutor(
    null,
    asyncio.workerFunction<typeof func>(import.meta.url, "func"),
  );
  const res = yield* fut;
  console.log("default thread pool", res);
});

if (import.meta.main) {
  const loop = asyncio.getEventLoop();
  await loop.runUntilComplete(main());
  loop.close();
}
