/**
 * A program the executor tests run with `deno run`, to see how executors
 * behave at a program's end and under missing permissions. The first
 * argument picks the scenario.
 */
import { run, ThreadPoolExecutor, toThread, workerFunction } from "../mod.ts";

/** Prints in the worker. */
export function report(i: number): void {
  console.log(`ran ${i}`);
}

/** Runs in the worker. */
export function double(x: number): number {
  return x * 2;
}

if (import.meta.main) {
  switch (Deno.args[0]) {
    case "no-shutdown": {
      // The pool is never shut down: its idle worker must not keep the program alive.
      const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
      const result = await run(() => pool.submit((x: number) => x * 2, 21));
      console.log("result", result);
      console.log("idle workers:", pool._idle.length);
      break;
    }
    case "no-loop": {
      // No loop runs: the jobs still run, and the program waits for them.
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      const job = workerFunction<typeof report>(import.meta.url, "report");
      for (let i = 0; i < 2; i++) console.log(String(pool.submit(job, i)));
      break;
    }
    case "crash": {
      const pool = new ThreadPoolExecutor({ maxWorkers: 1 });
      await run(async () => {
        const crash = () => {
          setTimeout(() => {
            throw new Error("late failure");
          }, 0);
          return new Promise(() => {});
        };
        try {
          await pool.submit(crash);
        } catch (e) {
          console.log(String(e));
        }
        console.log("then", await pool.submit((x: number) => x * 2, 21));
        await pool.shutdown();
      });
      break;
    }
    case "source-job":
      console.log("result", await run(() => toThread((x: number) => x * 2, 21)));
      break;
    case "module-job":
      try {
        await run(() => toThread(workerFunction<typeof double>(import.meta.url, "double"), 21));
      } catch (e) {
        console.log(String(e));
      }
      break;
  }
}
