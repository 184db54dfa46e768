/**
 * `deno task fuzz [--seeds N] [--start S]`: generate N programs from seed S
 * on, run each under CPython 3.11 and on this runtime in both coroutine
 * styles, and print every divergence, sorted by cause, with a shrunk program
 * that shows it.
 *
 * Flags:
 *   --seeds N       how many programs (default 200)
 *   --start S       the first seed (default 0)
 *   --batch B       programs per CPython process (default 250)
 *   --no-shrink     report divergences without shrinking them
 *   --shrink-max K  shrink at most K divergences per known cause, and per
 *                   kind of unexplained divergence (default 2)
 *   --quiet         print shrunk programs and the summary, not every divergence
 *   --json FILE     append every divergence (seed, style, causes, signature) as JSON lines
 *   --out DIR       write each shrunk program there (seed<S>.<style>.ts and .py)
 *   --list          print the divergent seeds as entries of expected.ts
 *
 * Exits with 1 when a divergence no known cause explains (or a program
 * CPython cannot run) was found.
 */
import { parseArgs } from "@std/cli/parse-args";
import { size } from "./ast.ts";
import { type Cause, causes } from "./classify.ts";
import { check } from "./compare.ts";
import { type Style, STYLES } from "./emit_ts.ts";
import { expectedFailure } from "./expected.ts";
import { generate } from "./generate.ts";
import { pythonScript, signature, traces, tsModule } from "./report.ts";
import { findPython } from "./run_python.ts";
import { divergesIn, shrink } from "./shrink.ts";

const args = parseArgs(Deno.args, {
  string: ["seeds", "start", "batch", "json", "out", "shrink-max"],
  boolean: ["shrink", "help", "quiet", "list"],
  default: { seeds: "200", start: "0", batch: "250", shrink: true, "shrink-max": "2" },
  negatable: ["shrink"],
});
if (args.help) {
  console.log(
    "deno task fuzz [--seeds N] [--start S] [--batch B] [--no-shrink] [--shrink-max K] " +
      "[--quiet] [--json FILE] [--out DIR] [--list]",
  );
  Deno.exit(0);
}
const int = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} wants a whole number, got ${JSON.stringify(v)}`);
    Deno.exit(2);
  }
  return n;
};
const seeds = int("seeds", args.seeds);
const start = int("start", args.start);
const batch = Math.max(1, int("batch", args.batch));
const shrinkMax = int("shrink-max", args["shrink-max"]);

if ((await findPython()) === null) {
  console.error("fuzz: needs CPython 3.11 (python3 or python3.11 on PATH)");
  Deno.exit(2);
}
const json = args.json ? await Deno.open(args.json, { create: true, append: true }) : null;
if (args.out) Deno.mkdirSync(args.out, { recursive: true });

const t0 = performance.now();
/** Divergences per kind: a style and its causes, or a style and the signature of a new one. */
const kinds = new Map<string, { count: number; seeds: number[]; shrunk: number }>();
const listed: Record<Style, string[]> = { generator: [], async: [] };
let programs = 0, divergent = 0, unexplained = 0, pythonErrors = 0;

async function show(
  seed: number,
  style: Style,
  found: Cause[],
  program: ReturnType<typeof generate>,
) {
  const shrunk = await shrink(program, divergesIn(style));
  if (shrunk === null) {
    console.log(`seed ${seed} (${style}): did not diverge again when re-run (flaky!)`);
    return;
  }
  const p = shrunk.program;
  console.log(
    `\n--- seed ${seed} (${style}, ${found.join(" + ")}) shrunk from ${size(program)} to ` +
      `${size(p)} statements (${shrunk.tried} programs tried)`,
  );
  console.log(`--- Python:\n${pythonScript(p)}--- TypeScript (${style}):\n${tsModule(p, style)}`);
  console.log(traces(shrunk.divergence));
  if (args.out) {
    Deno.writeTextFileSync(`${args.out}/seed${seed}.${style}.py`, pythonScript(p));
    Deno.writeTextFileSync(`${args.out}/seed${seed}.${style}.ts`, tsModule(p, style));
  }
}

for (let s = start; s < start + seeds; s += batch) {
  const n = Math.min(batch, start + seeds - s);
  const outcomes = await check(Array.from({ length: n }, (_, i) => generate(s + i)));
  for (const o of outcomes) {
    programs++;
    const seed = o.program.seed;
    if (o.pythonError !== null) {
      pythonErrors++;
      console.log(`seed ${seed}: CPython could not run it: ${o.pythonError}`);
      continue;
    }
    for (const style of STYLES) {
      const d = o.styles[style];
      if (d === null) continue;
      divergent++;
      const found = causes(o, style);
      const sig = signature(d);
      const isNew = found.includes("new");
      if (isNew) unexplained++;
      const key = isNew ? `${style}: new: ${sig}` : `${style}: ${found.join(" + ")}`;
      const kind = kinds.get(key) ?? { count: 0, seeds: [], shrunk: 0 };
      kinds.set(key, kind);
      kind.count++;
      kind.seeds.push(seed);
      listed[style].push(`${seed}: [${found.map((c) => JSON.stringify(c)).join(", ")}],`);
      const record = { seed, style, causes: found, signature: sig };
      await json?.write(new TextEncoder().encode(JSON.stringify(record) + "\n"));
      if (!args.quiet) {
        const known = expectedFailure(seed, style);
        console.log(
          `seed ${seed} (${style}) diverges: ${found.join(" + ")}${known ? " [expected]" : ""}` +
            `\n    ${sig}`,
        );
      }
      if (args.shrink && kind.shrunk < shrinkMax) {
        kind.shrunk++;
        await show(seed, style, found, o.program);
      }
    }
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(0);
  console.error(`fuzz: ${programs}/${seeds} programs, ${divergent} divergences, ${secs} s`);
}

console.log(`\n${programs} programs (seeds ${start}..${start + seeds - 1}), both styles:`);
console.log(`${divergent} divergences, ${unexplained} that no known cause explains`);
if (pythonErrors) console.log(`${pythonErrors} programs CPython could not run (fuzzer bugs)`);
for (const [key, k] of [...kinds].sort((a, b) => b[1].count - a[1].count)) {
  const shown = k.seeds.slice(0, 8).join(", ") + (k.seeds.length > 8 ? ", …" : "");
  console.log(`${String(k.count).padStart(7)}  ${key}  (seeds ${shown})`);
}
if (args.list) {
  for (const style of STYLES) {
    console.log(`  ${style}: {\n    ${listed[style].join("\n    ")}\n  },`);
  }
}
json?.close();
Deno.exit(unexplained > 0 || pythonErrors > 0 ? 1 : 0);
