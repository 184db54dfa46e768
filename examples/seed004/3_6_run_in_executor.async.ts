/**
 * Seed 004, § 3.6 ("concurrent中的Future对象"), second program, async form:
 * a blocking function runs in the loop's default thread pool through
 * `loop.runInExecutor(null, func)`, and the coroutine awaits its future.
 *
 *     deno run --allow-read examples/seed004/3_6_run_in_executor.async.ts [scale]
 *
 * `scale` (default 1) multiplies the one-second sleep. `--allow-read` lets
 * the worker import this file for `func`. `run()` shuts the default
 * executor down before it returns.
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

const main = asyncio.coroutine(async function main() {
  const loop = asyncio.getRunningLoop();
  // Wrap func in a Future that a worker of the default thread pool completes.
  const fut = loop.runInExecutor(
    null,
    asyncio.workerFunction<typeof func>(import.meta.url, "func"),
  );
  const res = await fut;
  console.log("default thread pool", res);
});

if (import.meta.main) {
  await asyncio.run(main());
}
