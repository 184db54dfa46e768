/**
 * Torture runs that break an invariant because of a known runtime bug, each
 * with the violations it explains and why. tests/torture_test.ts fails on a
 * violation no entry explains, and on an entry whose run no longer shows it
 * (the bug is fixed: remove the entry).
 */
import type { Style } from "../fuzz/emit_ts.ts";

/** One known-bad run. */
export interface ExpectedViolation {
  seed: number;
  workers: number;
  style: Style;
  /** The violations it explains. */
  pattern: RegExp;
  reason: string;
}

const GATHER_REPORT = "a task cancelled while its awaited gather completes with an exception " +
  "does not retrieve it (CPython's wake-up reads the result first): a false 'exception was " +
  "never retrieved' report for the GatheringFuture";

/** The known-bad runs. */
export const EXPECTED_VIOLATIONS: ExpectedViolation[] = [
  {
    seed: 2,
    workers: 300,
    style: "generator",
    pattern: /GatheringFuture exception was never retrieved/,
    reason: GATHER_REPORT,
  },
  {
    seed: 3,
    workers: 300,
    style: "generator",
    pattern: /GatheringFuture exception was never retrieved/,
    reason: GATHER_REPORT,
  },
];

/** The entries for one run. */
export function expectedFor(seed: number, workers: number, style: Style): ExpectedViolation[] {
  return EXPECTED_VIOLATIONS.filter((e) =>
    e.seed === seed && e.workers === workers && e.style === style
  );
}

/** The violations of a run that no entry explains. */
export function unexplained(
  seed: number,
  workers: number,
  style: Style,
  violations: string[],
): string[] {
  const known = expectedFor(seed, workers, style);
  return violations.filter((v) => !known.some((e) => e.pattern.test(v)));
}
