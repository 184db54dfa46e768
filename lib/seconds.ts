/**
 * The check of every argument that is a number of seconds (a delay, a
 * timeout, a deadline on the loop's clock), so that a bad one gets the same
 * error class and wording wherever it is passed:
 *
 * - not a number: `TypeError`, `sleep(): delay must be a number of seconds,
 *   got '1' (a string)` (`... or null, ...` where `null` means no limit);
 * - NaN: `ValueError`, `waitFor(): timeout is NaN; check the arithmetic that
 *   produced it`;
 * - negative where that means nothing: `ValueError`, `sleep(): delay must be
 *   a number of seconds >= 0, got -1`.
 *
 * `Infinity` is a number of seconds (it never comes).
 *
 * @module
 */

import { ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";

/** @internal What a seconds argument may be besides a number >= 0. */
export interface SecondsRules {
  /** `null` (and `undefined`) mean "no limit", and come back as `null`. */
  readonly nullable?: boolean;
  /** A negative number is allowed: the moment is already past (it comes at once). */
  readonly negative?: boolean;
}

/** @internal A duration that cannot be negative: `sleep(delay)`. */
export const DURATION: SecondsRules = Object.freeze({});

/** @internal A delay or loop time a past value makes "as soon as possible": `callLater`, `callAt`. */
export const MOMENT: SecondsRules = Object.freeze({ negative: true });

/**
 * @internal A timeout or deadline, `null` for none, a past one expiring at
 * once: `wait`, `waitFor`, `asCompleted`, `timeout`, `timeoutAt`, `Timeout`.
 */
export const LIMIT: SecondsRules = Object.freeze({ nullable: true, negative: true });

/**
 * @internal Check a number of seconds; return it (`null` for a nullable
 * `null` or `undefined`). The error's stack starts at the caller, the
 * public function that was given the bad argument.
 *
 * @param value The argument.
 * @param where The public function, for the message: `"sleep()"`.
 * @param what The argument's name, for the message: `"delay"`.
 * @param rules What else is allowed (default {@linkcode DURATION}: a number >= 0).
 */
export function checkSeconds(
  value: unknown,
  where: string,
  what: string,
  rules: SecondsRules & { readonly nullable: true },
): number | null;
/** A number of seconds that cannot be `null`. */
export function checkSeconds(
  value: unknown,
  where: string,
  what: string,
  rules?: SecondsRules,
): number;
export function checkSeconds(
  value: unknown,
  where: string,
  what: string,
  rules: SecondsRules = DURATION,
): number | null {
  if (typeof value === "number") {
    // NaN fails both comparisons.
    if (value >= 0 || (value < 0 && rules.negative === true)) return value;
  } else if ((value === null || value === undefined) && rules.nullable === true) {
    return null;
  }
  const error = secondsError(value, where, what, rules);
  Error.captureStackTrace(error, checkSeconds);
  throw error;
}

function secondsError(value: unknown, where: string, what: string, rules: SecondsRules): Error {
  if (typeof value !== "number") {
    const orNull = rules.nullable === true ? " or null" : "";
    return new TypeError(
      `${where}: ${what} must be a number of seconds${orNull}, got ${describe(value)}`,
    );
  }
  if (Number.isNaN(value)) {
    return new ValueError(`${where}: ${what} is NaN; check the arithmetic that produced it`);
  }
  return new ValueError(`${where}: ${what} must be a number of seconds >= 0, got ${value}`);
}
