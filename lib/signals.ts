/**
 * Signals by name and number: the Linux signal table and the one place
 * that turns a name or number given to `addSignalHandler`,
 * `removeSignalHandler` or `sendSignal` into both, with Python's errors.
 *
 * @module
 */

import { ValueError } from "./errors.ts";
import { describe, repr } from "./format_helpers.ts";

/**
 * Linux signal numbers by name (what Python's `signal` module has on
 * Linux); `sendSignal` and `addSignalHandler` take either.
 *
 * @example
 * ```ts
 * import { SIGNALS } from "@yieldfrom/asyncio";
 * console.log(SIGNALS.SIGTERM); // 15
 * ```
 */
export const SIGNALS: Readonly<Record<string, number>> = Object.freeze({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31,
});

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(SIGNALS).map(([name, n]) => [n, name]),
);

/**
 * @internal A signal given by name or number, as a `[name, number]` pair.
 * TypeError for anything else, ValueError for an unknown signal (Python's
 * "invalid signal number").
 */
export function resolveSignal(sig: unknown, where: string): [Deno.Signal, number] {
  if (typeof sig === "number") {
    const name = SIGNAL_NAMES.get(sig);
    // Python's message, word for word.
    if (name === undefined) throw new ValueError(`invalid signal number ${sig}`);
    return [name as Deno.Signal, sig];
  }
  if (typeof sig === "string") {
    const n = SIGNALS[sig];
    if (n === undefined) {
      throw new ValueError(
        `${where}: unknown signal ${repr(sig)}; use a name such as "SIGTERM" or a number`,
      );
    }
    return [sig as Deno.Signal, n];
  }
  throw new TypeError(
    `${where}: sig must be a signal name such as "SIGTERM" or a number, not ${describe(sig)}`,
  );
}
