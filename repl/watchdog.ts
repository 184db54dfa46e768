/**
 * The REPL's watchdog, run in a Worker: JavaScript cannot interrupt a
 * runaway synchronous loop (`while (true) {}`) on its own thread, so this
 * thread counts Ctrl-C presses (SIGINT) too. When a second press arrives and
 * the REPL's thread has not handled the first, the REPL is stuck: the
 * watchdog restores the terminal and ends the process.
 *
 * The REPL's thread counts the SIGINTs it handled in a shared `Int32Array`
 * (given in the first message); if that count has not moved between two
 * presses, the first one was never handled. Deliveries less than
 * {@linkcode DEDUPE_MS} apart are one key press: `deno task` forwards the
 * terminal's SIGINT to the REPL, which also gets it from the terminal.
 *
 * @module
 */

/** SIGINTs closer together than this are one key press. */
export const DEDUPE_MS = 100;

const encoder = new TextEncoder();

function end(): void {
  try {
    Deno.stdin.setRaw(false);
  } catch {
    // not a terminal
  }
  try {
    Deno.stderr.writeSync(encoder.encode(
      "\nKeyboardInterrupt: the input is stuck in synchronous code and cannot be " +
        "cancelled; ending the REPL\n",
    ));
  } catch {
    // stderr closed
  }
  try {
    Deno.kill(Deno.pid, "SIGTERM");
  } catch {
    // no --allow-run: nothing more can be done from here
  }
  setTimeout(() => {
    try {
      Deno.kill(Deno.pid, "SIGKILL");
    } catch {
      // gone already
    }
  }, 1000);
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown): void;
};

if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined") {
  scope.onmessage = (e: MessageEvent) => {
    const handled = new Int32Array(e.data as SharedArrayBuffer);
    // The REPL thread's count at the previous key press: unchanged at the
    // next one means it has not handled that press.
    let seen = -1;
    let last = -Infinity;
    Deno.addSignalListener("SIGINT", () => {
      const now = performance.now();
      if (now - last < DEDUPE_MS) return;
      last = now;
      const h = Atomics.load(handled, 0);
      if (h === seen) end();
      seen = h;
    });
    scope.postMessage("ready");
  };
}
