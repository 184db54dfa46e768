/**
 * Seed 002, program 2 ("四、异步化同步代码"), async form: the count-downs are
 * coroutines that `await sleep()`, run as three tasks; the whole takes as
 * long as the longest one, ≈ 3.0 s.
 *
 *     deno run examples/seed002/02_async_count_down.async.ts [scale]
 *
 * `scale` (default 1) multiplies every delay. The seed reads
 * `time.perf_counter()`; this port reads the loop's clock, `loop.time()`
 * (the same monotonic clock on a real loop), so that on the virtual clock
 * it prints the seed's times exactly, instantly:
 *
 *     YIELDFROM_ASYNCIO_CLOCK=virtual deno run --allow-env=YIELDFROM_ASYNCIO_CLOCK \
 *       examples/seed002/02_async_count_down.async.ts
 *
 * @module
 */
import * as asyncio from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

const countDown = asyncio.coroutine(
  async function countDown(name: string, delay: number, start: number) {
    const indents = "\t".repeat(name.charCodeAt(0) - "A".charCodeAt(0));
    let n = 3;
    while (n) {
      await asyncio.sleep(delay * scale);
      const duration = asyncio.getRunningLoop().time() - start;
      console.log("-".repeat(40));
      console.log(`${duration.toFixed(4)} \t${indents}${name} = ${n}`);
      n -= 1;
    }
  },
);

const main = asyncio.coroutine(async function main() {
  const start = asyncio.getRunningLoop().time();
  const tasks = ([["A", 1], ["B", 0.8], ["C", 0.5]] as const).map(([name, delay]) =>
    asyncio.createTask(countDown(name, delay, start))
  );
  await asyncio.wait(tasks);
  console.log("-".repeat(40));
  console.log("Done");
});

await asyncio.run(main());
