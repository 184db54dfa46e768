/**
 * The cancellation torture (tests/torture/, docs/fuzzing.md) at a size that
 * runs in seconds: seeds 0..11 with 300 workers each, in both coroutine
 * styles, must keep every invariant — no lock or permit leaked, no queue
 * item lost or given twice, no task left pending once everything is
 * released, no unexpected error, no "exception was never retrieved" report —
 * except for the runs tests/torture/expected.ts lists with the known bug
 * that breaks them. Then the heap must not grow over many run() calls.
 * `deno task torture --long` runs it at full size.
 */
import { assert, assertEquals } from "@std/assert";
import { STYLES } from "./fuzz/emit_ts.ts";
import { EXPECTED_VIOLATIONS, expectedFor, unexplained } from "./torture/expected.ts";
import { torture } from "./torture/torture.ts";
import { World } from "./torture/world.ts";

const SEEDS = 12;
const WORKERS = 300;

Deno.test(`torture: seeds 0..${SEEDS - 1}, ${WORKERS} workers, both styles`, async () => {
  const problems: string[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    for (const style of STYLES) {
      const r = await torture({ seed, workers: WORKERS, style });
      assert((r.stats["chaos cancels"] ?? 0) > 50, `seed ${seed}: the chaos task barely ran`);
      for (const v of unexplained(seed, WORKERS, style, r.violations)) {
        problems.push(`seed ${seed} (${style}): ${v}`);
      }
      for (const e of expectedFor(seed, WORKERS, style)) {
        if (!r.violations.some((v) => e.pattern.test(v))) {
          problems.push(
            `seed ${seed} (${style}) no longer shows ${e.pattern} (${e.reason}): remove it from ` +
              "tests/torture/expected.ts",
          );
        }
      }
    }
  }
  assertEquals(problems, [], `${problems.length} problems`);
  // Every expected entry is one of the runs above.
  for (const e of EXPECTED_VIOLATIONS) assert(e.seed < SEEDS && e.workers === WORKERS);
});

Deno.test("torture: the final checks see a lost item, a held permit and a report", () => {
  const world = new World({
    locks: 1,
    sems: [2],
    bsems: [],
    conds: 1,
    events: 1,
    barriers: [2],
    queues: [0],
  });
  const rec = world.queue(0);
  world.put(rec, 1); // recorded as put, never put into the queue
  world.take(1);
  world.reports.push("Task exception was never retrieved [Task] ValueError(x)");
  world.checkQueues();
  assertEquals(world.violations.length, 4, world.violations.join("\n"));
  assert(world.violations[0].includes("1 lost"));
  assert(world.violations.some((v) => v.includes("still counted as held")));
  assert(world.violations.some((v) => v.includes("never retrieved")));
});

Deno.test("torture: the heap does not grow over 300 run() calls", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--expose-gc",
      "--allow-read",
      "--allow-env",
      new URL("./torture/main.ts", import.meta.url).pathname,
      "--seeds",
      "0",
      "--memory",
      "300",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const m = /\((\d+) bytes per run\)/.exec(text);
  if (!out.success || m === null) throw new Error(`no measurement:\n${text}`);
  // What V8 itself settles into over the first runs is a few hundred kB in
  // all; a leak of one run's loop, tasks and primitives is tens of kB a run.
  assert(Number(m[1]) < 4096, text);
});
