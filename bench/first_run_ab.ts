/**
 * A/B of two checkouts on the side-by-side workloads: the first run in a
 * fresh process (or, with `--steady`, the warmed-up run), interleaved
 * (A, B, B, A, ...), medians of `--runs` processes each.
 *
 * Usage:
 *
 * ```sh
 * deno run --allow-read --allow-write=/tmp --allow-run --allow-env \
 *   bench/first_run_ab.ts --a ../base-checkout --b . [--runs 9] [--steady] [--async] \
 *   W5:0,100000 W8:1000,100 W2a:200000
 * ```
 *
 * Each checkout runs this checkout's `bench/compare/ours.ts` (copied to a
 * temporary directory, importing the checkout's `mod.ts`). The workload's
 * time is measured inside the process twice: wall time, and the main
 * thread's CPU time (`/proc/thread-self/schedstat`, Linux), which a busy
 * machine disturbs far less than wall time.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";

const args = parseArgs(Deno.args, {
  string: ["a", "b", "runs"],
  boolean: ["steady", "async"],
  default: { runs: "9" },
});
if (args.a === undefined || args.b === undefined || args._.length === 0) {
  console.error(
    "usage: first_run_ab.ts --a DIR --b DIR [--runs N] [--steady] [--async] W5:0,100000 ...",
  );
  Deno.exit(2);
}
const runs = Number(args.runs);
const here = new URL("./compare/", import.meta.url).pathname;

/** A copy of bench/compare for `checkout`, timing with both clocks; returns its ours.ts. */
function prepare(checkout: string, tag: string): string {
  const root = Deno.realPathSync(checkout);
  const dir = Deno.makeTempDirSync({ dir: "/tmp", prefix: `first_run_ab_${tag}_` });
  for (const f of ["ours.ts", "_common.ts", "_echo_ours.ts"]) {
    let text = Deno.readTextFileSync(here + f).replaceAll('"../../mod.ts"', `"${root}/mod.ts"`);
    if (f === "ours.ts") {
      // Report the main thread's CPU time next to the wall time.
      // (Declared first: the workload runs from ours.ts's top-level await.)
      text = `
const cpuClock = () =>
  Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
let cpuStart = 0;
let wallStart = 0;
let cpuSpent = 0;
function clock(): number {
  if (cpuStart === 0) {
    cpuStart = cpuClock();
    wallStart = performance.now();
    return 0;
  }
  cpuSpent = cpuClock() - cpuStart;
  cpuStart = 0;
  return performance.now() - wallStart;
}
globalThis.addEventListener("unload", () => console.log(JSON.stringify({ cpuMs: cpuSpent })));
` + text.replaceAll("performance.now()", "clock()");
    }
    Deno.writeTextFileSync(`${dir}/${f}`, text);
  }
  return `${dir}/ours.ts`;
}

const trees = [["A", prepare(args.a, "a")], ["B", prepare(args.b, "b")]] as const;
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const spec of args._.map(String)) {
  const [workload, sizes = ""] = spec.split(":");
  const wall: Record<string, number[]> = { A: [], B: [] };
  const cpu: Record<string, number[]> = { A: [], B: [] };
  for (let i = 0; i < runs; i++) {
    for (const [name, ours] of i % 2 === 0 ? trees : [...trees].reverse()) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-q",
          "--allow-all",
          "--v8-flags=--expose-gc",
          ours,
          workload,
          ...sizes.split(",").filter((s: string) => s !== ""),
          ...(args.steady ? [] : ["--once"]),
          ...(args.async ? ["--async"] : []),
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
      const result = JSON.parse(lines[lines.length - 2]);
      wall[name].push(result.seconds * 1000);
      cpu[name].push(JSON.parse(lines[lines.length - 1]).cpuMs);
    }
  }
  const [wa, wb, ca, cb] = [median(wall.A), median(wall.B), median(cpu.A), median(cpu.B)];
  console.log(
    `${spec}${args.async ? " --async" : ""} ${args.steady ? "steady" : "first run"}: ` +
      `wall A ${wa.toFixed(1)} ms, B ${wb.toFixed(1)} ms (B ${(wa / wb).toFixed(2)}× as fast); ` +
      `main-thread CPU A ${ca.toFixed(1)} ms, B ${cb.toFixed(1)} ms (B ${
        (ca / cb).toFixed(2)
      }× as fast)`,
  );
}
