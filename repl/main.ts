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
import { HELP, parseFlags, UsageError } from "./flags.ts";
import { historyPath } from "./history.ts";
import { Repl } from "./session.ts";

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
  let flags;
  try {
    flags = parseFlags(args, noColorEnv());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\nRun with --help for usage.`);
    return 2;
  }
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags.version) {
    console.log(`@yieldfrom/asyncio ${VERSION} (Deno ${Deno.version.deno})`);
    return 0;
  }
  const tty = Deno.stdin.isTerminal();
  const color = flags.color && Deno.stdout.isTerminal();
  const banner = `@yieldfrom/asyncio ${VERSION} REPL (Deno ${Deno.version.deno}, ` +
    `TypeScript ${Deno.version.typescript})\n` +
    `Use await or yield* at the prompt: each input runs as a task on the event loop.\n` +
    `asyncio and its exports are in scope. Type .help for help, .exit or Ctrl-D to leave.`;
  const repl = new Repl({ tty, color, debug: flags.debug, historyPath: historyPath(), banner });
  await repl.start(flags.evalFiles, flags.evals);
  return 0;
}

if (import.meta.main) {
  const status = await main(Deno.args);
  if (status !== 0) Deno.exit(status);
  // A started session ends the process itself (Deno.exit) when it is left.
}
