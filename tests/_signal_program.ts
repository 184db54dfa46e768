// A child for tests/signals_test.ts: `deno run tests/_signal_program.ts MODE`.
// It prints "ready" once its handlers are in place, then reacts to the
// signals the test sends, printing what happened.
import * as asyncio from "../mod.ts";

const mode = Deno.args[0];

function say(line: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(line + "\n"));
}

if (mode === "sigint") {
  // The first Ctrl-C cancels the main task; run() throws KeyboardInterrupt.
  try {
    await asyncio.run(async () => {
      try {
        say("ready");
        await asyncio.sleep(60);
      } catch (e) {
        say(`main: ${(e as Error).name}`);
        throw e;
      }
    });
  } catch (e) {
    say(`run: ${(e as Error).name}`);
  }
  // The handler is gone: the next SIGINT ends the process as by default.
  say("after run");
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  say("not reached");
} else if (mode === "sigint-twice") {
  // The main task ignores the cancellation: the second Ctrl-C ends the process.
  await asyncio.run(async () => {
    say("ready");
    for (;;) {
      try {
        await asyncio.sleep(60);
      } catch (e) {
        say(`main: ${(e as Error).name}, going on`);
        asyncio.currentTask()!.uncancel();
      }
    }
  });
} else if (mode === "sigterm") {
  // loop.addSignalHandler: the handler runs as a loop callback, with its arguments.
  const result = await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const got = loop.createFuture<string>();
    loop.addSignalHandler("SIGTERM", (what: string) => {
      say(`handler: ${what}, in a task: ${asyncio.currentTask() !== null}`);
      got.setResult(what);
    }, "SIGTERM");
    say("ready");
    const what = await got;
    loop.removeSignalHandler("SIGTERM");
    return what;
  });
  say(`run returned ${result}`);
} else if (mode === "sigint-own") {
  // The loop's own SIGINT handler replaces the Runner's: no cancellation.
  const n = await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const got = loop.createFuture<number>();
    loop.addSignalHandler("SIGINT", () => got.setResult(2));
    say("ready");
    const n = await got;
    loop.removeSignalHandler("SIGINT");
    return n;
  });
  say(`run returned ${n}`);
}
