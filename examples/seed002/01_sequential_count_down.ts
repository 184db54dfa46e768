/**
 * Seed 002, program 1 ("三、顺序执行多个可重叠的任务"): three count-downs run
 * one after the other. Each step blocks with `blockingSleep` (Python's
 * `time.sleep`), so the times add up: 3 × 1 + 3 × 0.8 + 3 × 0.5 ≈ 6.9 s.
 *
 *     deno run examples/seed002/01_sequential_count_down.ts [scale]
 *
 * `scale` (default 1) multiplies every delay: `0.1` runs ten times faster.
 * The times printed are the real elapsed seconds.
 *
 * @module
 */
import { blockingSleep, monotonic } from "../../mod.ts";

const scale = Number(Deno.args[0] ?? 1);
if (!(scale > 0)) throw new RangeError(`scale must be a number > 0, got ${Deno.args[0]}`);

function countDown(name: string, delay: number): void {
  const indents = "\t".repeat(name.charCodeAt(0) - "A".charCodeAt(0));
  let n = 3;
  while (n) {
    blockingSleep(delay * scale);
    const duration = monotonic() - start;
    console.log("-".repeat(40));
    console.log(`${duration.toFixed(4)} \t${indents}${name} = ${n}`);
    n -= 1;
  }
}

const start = monotonic();
countDown("A", 1);
countDown("B", 0.8);
countDown("C", 0.5);
console.log("-".repeat(40));
console.log("Done");
