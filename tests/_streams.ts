/**
 * Helpers shared by the stream and transport tests: Python's repr of bytes,
 * free loopback ports, and a Python peer for what Deno cannot do itself
 * (a connection reset).
 */

/** Python's `repr(bytes)`: `b'line\n'`. */
export function show(b: Uint8Array): string {
  let s = "b'";
  for (const c of b) {
    if (c === 10) s += "\\n";
    else if (c === 13) s += "\\r";
    else if (c === 9) s += "\\t";
    else if (c === 39 || c === 92) s += "\\" + String.fromCharCode(c);
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += "\\x" + c.toString(16).padStart(2, "0");
  }
  return s + "'";
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => enc.encode(s);
/** The string of UTF-8 bytes. */
export const text = (b: Uint8Array): string => dec.decode(b);

/** The loopback address tests listen on. */
export const HOST = "127.0.0.1";

/**
 * Run `python3 -c source`: `line()` resolves with each line it prints, in
 * turn; `done` with its status once it exited and its output was read.
 */
export function python(source: string, args: string[] = []): {
  line(): Promise<string>;
  done: Promise<Deno.CommandStatus>;
  kill(): void;
} {
  const child = new Deno.Command("python3", {
    args: ["-c", source, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  let wake = null as (() => void) | null;
  const pump = (async () => {
    let buf = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      wake?.();
    }
    if (buf !== "") lines.push(buf);
    wake?.();
  })();
  let ended = false;
  pump.finally(() => (ended = true));
  return {
    async line() {
      while (lines.length === 0) {
        if (ended) throw new Error("python3 ended without printing the expected line");
        await new Promise<void>((r) => (wake = r));
      }
      return lines.shift()!;
    },
    done: pump.then(() => child.status),
    kill: () => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

/** `e`, checked to be an instance of `cls` (narrowed for the type checker). */
// deno-lint-ignore no-explicit-any
export function caught<T>(e: unknown, cls: abstract new (...args: any[]) => T): T {
  if (!(e instanceof cls)) {
    throw new Error(
      `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
  }
  return e as T;
}
