/**
 * The REPL's watchdog, run in a Worker: JavaScript cannot interrupt a
 * runaway synchronous loop (`while (true) {}`) on its own thread, so this
 * thread listens for Ctrl-C (SIGINT) too. While an input runs, the REPL's
 * thread beats a shared clock every {@linkcode BEAT_MS}; a Ctrl-C that comes
 * when the beat is older than {@linkcode STUCK_MS} finds the REPL stuck. The
 * first such press says so; a second one restores the terminal and ends the
 * process.
 *
 * The shared memory (given in the first message) is a `BigInt64Array`:
 * `[0]` the last beat (`Date.now()`), `[1]` 1 while an input runs.
 * Deliveries less than {@linkcode DEDUPE_MS} apart are one key press:
 * `deno task` forwards the terminal's SIGINT to the REPL, which also gets it
 * from the terminal.
 *
 * @module
 */

/** SIGINTs closer together than this are one key press. */
export const DEDUPE_MS = 100;
/** How often the REPL's thread beats while an input runs. */
export const BEAT_MS = 100;
/** A beat older than this means the REPL's thread is stuck. */
export const STUCK_MS = 300;

const encoder = new TextEncoder();

function say(text: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(text));
  } catch {
    // stderr closed
  }
}

function end(): void {
  try {
    Deno.stdin.setRaw(false);
  } catch {
    // not a terminal
  }
  say("\nKeyboardInterrupt: ending the REPL\n");
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
    const shared = new BigInt64Array(e.data as SharedArrayBuffer);
    let last = -Infinity;
    let armed = false;
    Deno.addSignalListener("SIGINT", () => {
      const now = performance.now();
      if (now - last < DEDUPE_MS) return;
      last = now;
      const running = Atomics.load(shared, 1) === 1n;
      const stuck = running && Date.now() - Number(Atomics.load(shared, 0)) > STUCK_MS;
      if (!stuck) {
        armed = false;
      } else if (armed) {
        end();
      } else {
        armed = true;
        say(
          "\nKeyboardInterrupt: the input is stuck in synchronous code and cannot be " +
            "cancelled; press Ctrl-C again to end the REPL\n",
        );
      }
    });
    scope.postMessage("ready");
  };
}
