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
  generator: {
    59: ["gatherReport"],
    61: ["gatherReport"],
    84: ["gatherReport"],
    100: ["gatherReport"],
    163: ["gatherReport"],
    187: ["gatherReport"],
    195: ["gatherReport"],
  },
  async: {
    3: ["earlyCancel"],
    4: ["earlyCancel"],
    16: ["earlyCancel"],
    18: ["lateCancel", "earlyCancel"],
    19: ["earlyCancel"],
    20: ["lateCancel", "earlyCancel"],
    25: ["earlyCancel"],
    32: ["lateCancel"],
    36: ["earlyCancel"],
    42: ["earlyCancel"],
    46: ["lateCancel", "nestedUncancel"],
    47: ["earlyCancel"],
    56: ["earlyCancel"],
    59: ["lateCancel", "earlyCancel"],
    61: ["lateCancel", "earlyCancel"],
    71: ["earlyCancel"],
    74: ["earlyCancel"],
    76: ["earlyCancel"],
    84: ["earlyCancel"],
    92: ["earlyCancel"],
    102: ["earlyCancel"],
    103: ["earlyCancel"],
    107: ["lateCancel", "earlyCancel"],
    108: ["lateCancel", "earlyCancel"],
    112: ["earlyCancel"],
    118: ["earlyCancel"],
    121: ["earlyCancel"],
    133: ["earlyCancel"],
    137: ["earlyCancel"],
    140: ["earlyCancel"],
    148: ["lateCancel", "earlyCancel"],
    150: ["earlyCancel"],
    161: ["earlyCancel"],
    166: ["earlyCancel"],
    167: ["earlyCancel"],
    173: ["earlyCancel"],
    184: ["earlyCancel"],
    193: ["lateCancel"],
  },
};

/** The causes a seed is expected to diverge by in a style, or undefined. */
export function expectedFailure(seed: number, style: Style): Cause[] | undefined {
  return EXPECTED_FAILURES[style][seed];
}
