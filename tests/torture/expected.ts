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

/** The known-bad runs (none today). */
export const EXPECTED_VIOLATIONS: ExpectedViolation[] = [];

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
