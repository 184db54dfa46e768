/**
 * The asyncio REPL: `deno task repl`, or `deno run -A
 * jsr:@yieldfrom/asyncio/repl`. Top-level `await` and `yield*` run as tasks
 * on an event loop that runs for the whole session, as in
 * `python -m asyncio`.
 *
 * ```sh
 * deno task repl
 * deno task repl -- --eval 'await sleep(1, "done")'
 * echo 'yield* sleep(0.1, 42)' | deno run -A repl/main.ts
 * ```
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import type { Flags } from "./flags.ts";
import { END_SIGNALS } from "./watchdog.ts";

/** What no arguments mean (`parseFlags([])`, without loading the parser). */
const NO_FLAGS: Flags = {
  evals: [],
  evalFiles: [],
  debug: false,
  color: true,
  help: false,
  version: false,
};

/** The package's version. */
export const VERSION: string = denoJson.version;

function noColorEnv(): boolean {
  try {
    if (Deno.noColor) return true;
    if (Deno.permissions.querySync({ name: "env", variable: "NO_COLOR" }).state !== "granted") {
      return false;
    }
    return (Deno.env.get("NO_COLOR") ?? "") !== "";
  } catch {
    return false;
  }
}

/**
 * Run the REPL with these command-line arguments. Returns only for
 * `--help` and `--version` (and on a usage error, with status 2); otherwise
 * the process exits when the session ends.
 *
 * @param args The arguments (`Deno.args`).
 * @returns The exit status, when the session did not start.
 *
 * @example
 * ```ts ignore
 * import { main } from "@yieldfrom/asyncio/repl";
 * await main(["--eval", "await sleep(0.1, 'hi')"]);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  // Most of the start-up is loading the library, node:readline and the rest
  // of the REPL: on a terminal, the banner and the prompt are shown first
  // (the terminal in raw mode, so that what is typed meanwhile waits for
  // readline, unechoed), and readline draws the same prompt when it takes over.
  let flags: Flags = NO_FLAGS;
  if (args.length > (args[0] === "--" ? 1 : 0)) {
    const { HELP, parseFlags, UsageError } = await import("./flags.ts");
    try {
      flags = parseFlags(args);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      console.error(`error: ${e.message}\nRun with --help for usage.`);
      return 2;
    }
    if (flags.help) {
      console.log(HELP);
      return 0;
    }
  }
  if (flags.version) {
    console.log(`@yieldfrom/asyncio ${VERSION} (Deno ${Deno.version.deno})`);
    return 0;
  }
  const tty = Deno.stdin.isTerminal();
  const banner = `@yieldfrom/asyncio ${VERSION} REPL (Deno ${Deno.version.deno}, ` +
    `TypeScript ${Deno.version.typescript})\n` +
    `Use await or yield* at the prompt: each input runs as a task on the event loop.\n` +
    `asyncio and its exports are in scope. Type .help for help, .exit or Ctrl-D to leave.`;
  const early = tty && flags.evals.length === 0 && flags.evalFiles.length === 0
    ? showPrompt(banner)
    : null;
  const color = flags.color && !noColorEnv() && Deno.stdout.isTerminal();
  const [{ Repl }, { historyPath }] = await Promise.all([
    import("./session.ts"),
    import("./history.ts"),
  ]);
  const repl = new Repl({
    tty,
    color,
    debug: flags.debug,
    historyPath: historyPath(),
    banner,
    bannerShown: early !== null,
  });
  early?.handOver();
  await repl.start(flags.evalFiles, flags.evals);
  return 0;
}

/**
 * Show the banner and the first prompt before the REPL has loaded, with the
 * terminal in raw mode. Until the REPL takes over, a signal that would end
 * the process restores the terminal first.
 *
 * @returns `handOver()`, to call when the REPL has taken over the
 * terminal; `null` when they could not be shown.
 */
function showPrompt(banner: string): { handOver(): void } | null {
  try {
    Deno.stdin.setRaw(true);
  } catch {
    return null;
  }
  Deno.stdout.writeSync(new TextEncoder().encode(banner.replaceAll("\n", "\r\n") + "\r\n> "));
  const signals: Array<[Deno.Signal, () => void]> = [];
  for (const [sig, n] of END_SIGNALS) {
    const handler = () => {
      Deno.stdin.setRaw(false);
      Deno.exit(128 + n);
    };
    try {
      Deno.addSignalListener(sig, handler);
      signals.push([sig, handler]);
    } catch {
      // not on this system
    }
  }
  return {
    handOver() {
      for (const [sig, handler] of signals) Deno.removeSignalListener(sig, handler);
    },
  };
}

if (import.meta.main) {
  const status = await main(Deno.args);
  if (status !== 0) Deno.exit(status);
  // A started session ends the process itself (Deno.exit) when it is left.
}
