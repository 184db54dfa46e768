/**
 * Seed 002, program 2 ("四、异步化同步代码"), legacy form: generator
 * coroutines with `yield*` (Python 3.4's `@asyncio.coroutine` and
 * `yield from`), run by `loop.runUntilComplete()`; ≈ 3.0 s.
 *
 *     deno run examples/seed002/02_async_count_down.legacy.ts [scale]
 *
 * `scale` (default 1) multiplies every delay. The times come from the
 * loop's clock (`loop.time()`), so on the virtual clock
 * (`YIELDFROM_ASYNCIO_CLOCK=virtual`, with
 * `--allow-env=YIELDFROM_ASYNCIO_CLOCK`) the program prints the seed's times
 * exactly, instantly.
 *
 * @module
 */
import * as asyncio from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

const countDown = asyncio.coroutine(
  function* countDown(name: string, delay: number, start: number) {
    const indents = "\t".repeat(name.charCodeAt(0) - "A".charCodeAt(0));
    let n = 3;
    while (n) {
      yield* asyncio.sleep(delay * scale);
      const duration = loop.time() - start;
      console.log("-".repeat(40));
      console.log(`${duration.toFixed(4)} \t${indents}${name} = ${n}`);
      n -= 1;
    }
  },
);

const main = asyncio.coroutine(function* main() {
  const start = loop.time();
  const tasks = ([["A", 1], ["B", 0.8], ["C", 0.5]] as const).map(([name, delay]) =>
    asyncio.ensureFuture(countDown(name, delay, start))
  );
  yield* asyncio.wait(tasks);
  console.log("-".repeat(40));
  console.log("Done");
});

const loop = asyncio.getEventLoop();
await loop.runUntilComplete(main());
loop.close();
