/**
 * The fixed seeds of the test suite (tests/fuzz_test.ts) whose programs
 * diverge from CPython because of known runtime bugs, each with its causes
 * (classify.ts says what each one is). The test fails on any divergence not
 * listed here, and on a listed seed that no longer diverges: then the bug is
 * fixed, and the seed leaves the list.
 *
 * The list belongs to the generator: a change to generate.ts changes every
 * seed's program, and the list must be derived again
 * (`deno task fuzz --seeds 200 --no-shrink --quiet --list` prints it).
 */
import type { Cause } from "./classify.ts";
import type { Style } from "./emit_ts.ts";

/** The seeds the test checks: 0 to FIXED_SEEDS - 1. */
export const FIXED_SEEDS = 200;

/** `seed → causes`, per style. */
export const EXPECTED_FAILURES: Record<Style, Record<number, Cause[]>> = {
  generator: {},
  async: {},
};

/** The causes a seed is expected to diverge by in a style, or undefined. */
export function expectedFailure(seed: number, style: Style): Cause[] | undefined {
  return EXPECTED_FAILURES[style][seed];
}
