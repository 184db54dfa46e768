/**
 * Signals on real child processes: a Deno child runs tests/_signal_program.ts
 * and this test sends it SIGINT and SIGTERM (3.11's Runner rules for Ctrl-C;
 * loop.addSignalHandler). The program is started through createSubprocessExec
 * in both coroutine styles.
 */
import { assertEquals } from "@std/assert";
import {
  type Coro,
  coroutine,
  createSubprocessExec,
  PIPE,
  type Process,
  run,
  type StreamReader,
} from "../mod.ts";

const PROGRAM = new URL("./_signal_program.ts", import.meta.url).pathname;
const dec = new TextDecoder();

/** Start the program in `mode`; send `signals[i]` (if any) after the (i+1)-th line it prints; collect its lines. */
async function drive(
  mode: string,
  signals: (Deno.Signal | undefined)[],
): Promise<[string[], number | null]> {
  const p = await createSubprocessExec(Deno.execPath(), "run", "--no-config", PROGRAM, mode, {
    stdout: PIPE,
  });
  const lines: string[] = [];
  for await (const line of p.stdout!) {
    lines.push(dec.decode(line).trimEnd());
    const sig = signals[lines.length - 1];
    if (sig !== undefined) p.sendSignal(sig);
  }
  return [lines, await p.wait()];
}

function* driveGen(
  mode: string,
  signals: (Deno.Signal | undefined)[],
): Coro<[string[], number | null]> {
  const p: Process = yield* createSubprocessExec(
    Deno.execPath(),
    "run",
    "--no-config",
    PROGRAM,
    mode,
    { stdout: PIPE },
  );
  const lines: string[] = [];
  const out: StreamReader = p.stdout!;
  for (;;) {
    const line = yield* out.readline();
    if (line.length === 0) break;
    lines.push(dec.decode(line).trimEnd());
    const sig = signals[lines.length - 1];
    if (sig !== undefined) p.sendSignal(sig);
  }
  return [lines, yield* p.wait()];
}

const CASES: [string, string, (Deno.Signal | undefined)[], string[], number][] = [
  [
    "the first SIGINT cancels the main task and run() throws KeyboardInterrupt; afterwards SIGINT kills as by default",
    "sigint",
    ["SIGINT", undefined, undefined, "SIGINT"],
    ["ready", "main: CancelledError", "run: KeyboardInterrupt", "after run"],
    -2,
  ],
  [
    "a second SIGINT ends the process when the main task ignores the first",
    "sigint-twice",
    ["SIGINT", "SIGINT"],
    ["ready", "main: CancelledError, going on"],
    130,
  ],
  [
    "loop.addSignalHandler(SIGTERM) runs its handler as a loop callback with its arguments",
    "sigterm",
    ["SIGTERM"],
    ["ready", "handler: SIGTERM, in a task: false", "run returned SIGTERM"],
    0,
  ],
  [
    "a SIGINT handler of the loop replaces the Runner's: no cancellation",
    "sigint-own",
    ["SIGINT"],
    ["ready", "run returned 2"],
    0,
  ],
];

for (const [name, mode, signals, expected, code] of CASES) {
  Deno.test(`signals: ${name} (async/await)`, async () => {
    const [lines, rc] = await run(() => drive(mode, signals));
    assertEquals(lines, expected);
    assertEquals(rc, code);
  });
  Deno.test(`signals: ${name} (generators)`, async () => {
    const [lines, rc] = await run(coroutine(driveGen)(mode, signals));
    assertEquals(lines, expected);
    assertEquals(rc, code);
  });
}
