/**
 * Does `monotonic()` read the same clock in a worker as in the main thread?
 * For each of a few fresh workers: many round trips of a job that returns
 * the worker's reading; the fastest round trip brackets it best (NTP's
 * method). Prints the worker's offset from the middle of the round trip,
 * with its bound (half the round trip), for the library's clock and for the
 * uncorrected `timeOrigin + now()`.
 *
 *     deno run --allow-read bench/executors_clock_skew.ts [workers] [samples]
 */
import { monotonic, run, ThreadPoolExecutor, workerFunction } from "../mod.ts";
import type * as Jobs from "./_executor_jobs.ts";

const workers = Number(Deno.args[0] ?? 4);
const samples = Number(Deno.args[1] ?? 200);
const url = new URL("./_executor_jobs.ts", import.meta.url);
const clock = workerFunction<typeof Jobs.clock>(url, "clock");
const raw = workerFunction<typeof Jobs.rawClock>(url, "rawClock");
const us = (s: number) => `${(s * 1e6).toFixed(1)} µs`;

await run(async () => {
  for (let w = 0; w < workers; w++) {
    const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
    await pool.submit(clock); // started, module loaded
    const rawMain = () => (performance.timeOrigin + performance.now()) / 1000;
    const pairs = [["monotonic()", clock, monotonic], [
      "timeOrigin + now()",
      raw,
      rawMain,
    ]] as const;
    for (const [name, job, here] of pairs) {
      let best = { rtt: Infinity, offset: 0 };
      for (let i = 0; i < samples; i++) {
        const t1 = here();
        const tw = await pool.submit(job);
        const t2 = here();
        if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, offset: tw - (t1 + t2) / 2 };
      }
      console.log(
        `worker ${w + 1}, ${name}: offset ${us(best.offset)} ± ${us(best.rtt / 2)}`,
      );
    }
    await pool.shutdown();
    await new Promise((r) => setTimeout(r, 100)); // the next worker starts later
  }
});
