/**
 * The REPL's command line, parsed with `@std/cli`'s `parseArgs`.
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";

/** What the command line asked for. */
export interface Flags {
  /** Code to run first, as if typed (`--eval`, `-e`; may be repeated). */
  evals: string[];
  /** Files to run first, each as one input (`--eval-file`; may be repeated). */
  evalFiles: string[];
  /** Loop debug mode (`--debug`). */
  debug: boolean;
  /** Colors (off with `--no-color` or the `NO_COLOR` environment variable). */
  color: boolean;
  /** `--help`. */
  help: boolean;
  /** `--version`. */
  version: boolean;
}

/** A command line the REPL does not understand. */
export class UsageError extends Error {
  /** @param message What is wrong and what the valid flags are. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const VALID =
  "--eval CODE (-e), --eval-file FILE, --debug, --no-color, --help (-h), --version (-V)";

/** The text of `--help`. */
export const HELP = `Usage: deno task repl [-- FLAGS]
       deno run -A jsr:@yieldfrom/asyncio/repl [FLAGS]

An asyncio REPL: top-level await and yield* run as tasks on an event loop that
runs for the whole session, as in "python -m asyncio".

Flags:
  -e, --eval CODE       run CODE as if typed (its value is printed), then stay
                        interactive; exit instead when stdin is not a terminal
                        and has ended. May be repeated.
      --eval-file FILE  run FILE as one input, the same way (before --eval).
      --debug           loop debug mode (slow callbacks, creation stacks)
      --no-color        no colors (NO_COLOR=1 does the same)
  -h, --help            this text
  -V, --version         the version

Piped stdin is read line by line and run; the exit status is non-zero when the
last input failed. History: $YIELDFROM_REPL_HISTORY, else
$XDG_STATE_HOME/yieldfrom-asyncio/repl_history (~/.local/state by default).`;

/**
 * Parse the REPL's arguments. A leading `--` (what `deno task repl -- …`
 * passes through) is ignored.
 *
 * @param args `Deno.args`.
 * @param noColorEnv Whether `NO_COLOR` is set.
 * @returns The flags.
 * @throws {UsageError} On an unknown flag or a stray argument.
 */
export function parseFlags(args: string[], noColorEnv = false): Flags {
  const rest = args[0] === "--" ? args.slice(1) : args;
  const problems: string[] = [];
  const parsed = parseArgs(rest, {
    boolean: ["color", "debug", "help", "version"],
    string: ["eval", "eval-file"],
    collect: ["eval", "eval-file"],
    negatable: ["color"],
    default: { color: true },
    alias: { e: "eval", h: "help", V: "version" },
    unknown: (arg: string) => {
      problems.push(
        arg.startsWith("-")
          ? `unknown flag ${arg.replace(/=.*/, "")}`
          : `unexpected argument ${arg}`,
      );
      return false;
    },
  });
  if (problems.length > 0) {
    throw new UsageError(`${problems.join("; ")}; valid flags: ${VALID}`);
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const evals = strings(parsed.eval);
  const evalFiles = strings(parsed["eval-file"]);
  for (const [flag, values] of [["--eval", evals], ["--eval-file", evalFiles]] as const) {
    if (values.some((v) => v === "")) {
      throw new UsageError(`${flag} needs a value: ${flag} ${flag === "--eval" ? "CODE" : "FILE"}`);
    }
  }
  return {
    evals,
    evalFiles,
    debug: parsed.debug === true,
    color: parsed.color !== false && !noColorEnv,
    help: parsed.help === true,
    version: parsed.version === true,
  };
}
