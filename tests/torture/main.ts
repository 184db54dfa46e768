/**
 * `deno task torture [--long] [--seeds N] [--start S] [--workers W] [--style S] [--memory R]`:
 * the cancellation torture (tests/torture/torture.ts), seed after seed, in
 * both coroutine styles; prints each run's counts and every violated
 * invariant. Exits with 1 when a run breaks an invariant in a way
 * tests/torture/expected.ts does not list.
 *
 *   --seeds N    how many seeds (default 3; 20 with --long)
 *   --start S    the first seed (default 0)
 *   --workers W  worker tasks per run (default 1000; 10000 with --long)
 *   --style S    generator or async (default: both)
 *   --long       the long run: more seeds, more workers
 *   --memory R   then run a small torture R times in this process and report
 *                the heap growth (needs --v8-flags=--expose-gc, as the task gives)
 */
import { parseArgs } from "@std/cli/parse-args";
import { type Style, STYLES } from "../fuzz/emit_ts.ts";
import { unexplained } from "./expected.ts";
import { heapGrowth } from "./memory.ts";
import { torture } from "./torture.ts";

const args = parseArgs(Deno.args, {
  string: ["seeds", "start", "workers", "style", "memory"],
  boolean: ["long", "help"],
});
if (args.help) {
  console.log(
    "deno task torture [--long] [--seeds N] [--start S] [--workers W] " +
      "[--style generator|async] [--memory R]",
  );
  Deno.exit(0);
}
const int = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} wants a whole number, got ${JSON.stringify(v)}`);
    Deno.exit(2);
  }
  return n;
};
const seeds = int("seeds", args.seeds, args.long ? 20 : 3);
const start = int("start", args.start, 0);
const workers = int("workers", args.workers, args.long ? 10_000 : 1000);
if (args.style !== undefined && !STYLES.includes(args.style as Style)) {
  console.error(`--style is generator or async, got ${JSON.stringify(args.style)}`);
  Deno.exit(2);
}
const styles = args.style ? [args.style as Style] : STYLES;

let failed = 0;
for (let seed = start; seed < start + seeds; seed++) {
  for (const style of styles) {
    const t0 = performance.now();
    const r = await torture({ seed, workers, style });
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    const { tasks = 0, "chaos cancels": cancels = 0 } = r.stats;
    const left = unexplained(seed, workers, style, r.violations);
    console.log(
      `seed ${seed} ${style}: ${workers} workers, ${tasks} tracked tasks, ${cancels} chaos ` +
        `cancels, ${r.virtualTime.toFixed(2)} virtual s, ${secs} s: ` +
        (r.violations.length === 0
          ? "invariants hold"
          : `${r.violations.length} violations (${left.length} not expected)`),
    );
    for (const v of r.violations.slice(0, 10)) console.log(`    ${v.split("\n")[0]}`);
    if (left.length > 0) failed++;
  }
}
if (args.memory !== undefined) {
  const runs = int("memory", args.memory, 0);
  const g = await heapGrowth(runs);
  if (g === null) console.log("memory: run with --v8-flags=--expose-gc to measure the heap");
  else {
    console.log(
      `memory: ${runs} run() calls; heap ${g.firstMb.toFixed(1)} MB after ${g.warmup}, ` +
        `${g.lastMb.toFixed(1)} MB at the end (${g.perRunBytes.toFixed(0)} bytes per run)`,
    );
  }
}
Deno.exit(failed > 0 ? 1 : 0);
