/**
 * The differential fuzzer (tests/fuzz/, docs/fuzzing.md) on a fixed set of
 * seeds: every program runs under CPython 3.11 (one process for all of them)
 * and here in both coroutine styles, and the traces must agree line by line,
 * except for the seeds tests/fuzz/expected.ts lists with the known bug that
 * makes them diverge. A listed seed that agrees again fails too, so that the
 * list shrinks as the bugs are fixed. Machines without CPython 3.11 skip the
 * comparison.
 */
import { assert, assertEquals } from "@std/assert";
import { size, valid } from "./fuzz/ast.ts";
import { causes } from "./fuzz/classify.ts";
import { check, diff } from "./fuzz/compare.ts";
import { emitPython } from "./fuzz/emit_python.ts";
import { emitTs, STYLES } from "./fuzz/emit_ts.ts";
import { EXPECTED_FAILURES, expectedFailure, FIXED_SEEDS } from "./fuzz/expected.ts";
import { generate } from "./fuzz/generate.ts";
import { compile } from "./fuzz/prelude.ts";
import { signature } from "./fuzz/report.ts";
import { findPython } from "./fuzz/run_python.ts";
import { shrink, tidy } from "./fuzz/shrink.ts";

const python = await findPython();

Deno.test("fuzz: a seed names one program, which keeps the generator's rules", () => {
  for (let seed = 0; seed < 300; seed++) {
    const p = generate(seed);
    assertEquals(generate(seed), p);
    assert(valid(p), `seed ${seed} breaks the rules of ast.ts`);
  }
  assert(JSON.stringify(generate(1)) !== JSON.stringify(generate(2)));
});

Deno.test("fuzz: every program compiles in both styles", () => {
  for (let seed = 0; seed < 100; seed++) {
    for (const style of STYLES) compile(emitTs(generate(seed), style));
    assert(emitPython(generate(seed)).startsWith("async def main(S):\n"));
  }
});

Deno.test("fuzz: the shrinker keeps what the oracle asks for and drops the rest", async () => {
  // A stand-in for a divergence: "some task runs a raise statement" (tidy()
  // drops the functions nothing runs).
  const hasRaise = (p: ReturnType<typeof generate>) =>
    emitPython(tidy(p)).includes("raise ValueError");
  let seed = 0;
  while (!hasRaise(generate(seed)) || size(generate(seed)) < 15) seed++;
  const fake = { line: 0, python: "", ours: "", pythonTrace: [], oursTrace: [] };
  const shrunk = await shrink(generate(seed), (programs) => {
    const p = programs.find(hasRaise);
    return Promise.resolve(p ? { program: p, divergence: fake } : null);
  });
  if (shrunk === null) throw new Error("the shrinker lost the raise");
  // What is left: the raise, in a function some spawned task runs.
  assert(hasRaise(shrunk.program));
  assert(size(shrunk.program) <= 3, emitPython(shrunk.program));
  assertEquals(tidy(shrunk.program), shrunk.program);
});

Deno.test("fuzz: diff finds the first differing line, or none", () => {
  assertEquals(diff(["a", "b"], ["a", "b"]), null);
  assertEquals(diff(["a", "b"], ["a", "c"])?.line, 1);
  assertEquals(diff(["a"], ["a", "report Task ValueError(x)"])?.python, undefined);
});

Deno.test({
  name: `fuzz: seeds 0..${FIXED_SEEDS - 1} trace as CPython does, but for the known bugs`,
  ignore: python === null,
  fn: async () => {
    const seeds = Array.from({ length: FIXED_SEEDS }, (_, seed) => generate(seed));
    const outcomes = await check(seeds);
    const problems: string[] = [];
    for (const o of outcomes) {
      const seed = o.program.seed;
      if (o.pythonError !== null) {
        problems.push(`seed ${seed}: CPython could not run it: ${o.pythonError}`);
        continue;
      }
      for (const style of STYLES) {
        const d = o.styles[style];
        const known = expectedFailure(seed, style);
        if (d !== null && known === undefined) {
          problems.push(
            `seed ${seed} (${style}) diverges (${causes(o, style).join(" + ")}): ` +
              `${signature(d)}\n    see it shrunk: deno task fuzz --start ${seed} --seeds 1`,
          );
        } else if (d === null && known !== undefined) {
          problems.push(
            `seed ${seed} (${style}) now traces as CPython does: a fix for ` +
              `${known.join(" + ")}? Remove it from EXPECTED_FAILURES in tests/fuzz/expected.ts`,
          );
        }
      }
    }
    const listed = STYLES.map((s) => Object.keys(EXPECTED_FAILURES[s]).length);
    assertEquals(problems, [], `${problems.length} problems (${listed} seeds listed as known)`);
  },
});
