/**
 * The REPL's watchdog, run in a Worker: JavaScript cannot interrupt a
 * runaway synchronous loop (`while (true) {}`) on its own thread, so this
 * thread listens for Ctrl-C (SIGINT) too. While an input runs, the REPL's
 * thread beats a shared clock every {@linkcode BEAT_MS}; a Ctrl-C that comes
 * when the beat is older than {@linkcode STUCK_MS} finds the REPL stuck. The
 * first such press says so; a second one ends the process (status 130). The
 * terminal needs nothing restored then: inputs run in the mode the REPL found
 * it in.
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

/**
 * Signals other than SIGINT that end a process by default, with their
 * numbers (the exit status is 128 + N): the REPL restores the terminal
 * mode before it ends on one of them.
 */
export const END_SIGNALS: ReadonlyArray<readonly [Deno.Signal, number]> = [
  ["SIGHUP", 1],
  ["SIGQUIT", 3],
  ["SIGTERM", 15],
];

const encoder = new TextEncoder();

function say(text: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(text));
  } catch {
    // stderr closed
  }
}

/** The C library, whose `_exit` ends the process from this thread. */
const LIBC: Partial<Record<typeof Deno.build.os, string[]>> = {
  linux: ["libc.so.6", "libc.so"],
  darwin: ["libSystem.B.dylib", "/usr/lib/libSystem.B.dylib"],
  freebsd: ["libc.so.7"],
};

/**
 * End the process with `status`, from this thread: `_exit` through FFI
 * (the REPL's thread, stuck, runs no exit handlers anyway), else SIGTERM,
 * whose default action applies while an input runs (status 143), and
 * SIGKILL a second later.
 */
function exitProcess(status: number): void {
  for (const name of LIBC[Deno.build.os] ?? []) {
    try {
      const lib = Deno.dlopen(name, { _exit: { parameters: ["i32"], result: "void" } });
      lib.symbols._exit(status);
    } catch {
      // no FFI permission, or not this library
    }
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

function end(): void {
  // While an input runs the terminal is in the mode the REPL found: nothing
  // to restore.
  say("\nKeyboardInterrupt: ending the REPL\n");
  exitProcess(130);
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
