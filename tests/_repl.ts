/**
 * Test helpers for the REPL: run it with piped stdin, or drive it through
 * a pseudo-terminal (`tests/repl_pty.py`, python3's pty module).
 */

const ROOT = new URL("../", import.meta.url);
const MAIN = new URL("../repl/main.ts", import.meta.url).pathname;

/** The command the README gives: `deno run -A repl/main.ts` (no `--quiet`: what a user sees). */
export const README_COMMAND: string[] = [Deno.execPath(), "run", "-A", "repl/main.ts"];
/** The same through the task runner: `deno task repl`. */
export const TASK: string[] = [Deno.execPath(), "task", "repl"];
const PTY = new URL("./repl_pty.py", import.meta.url).pathname;

/** What a finished REPL process printed. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for a REPL under test: no history file of the user's, no colors unless asked. */
export function replEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    YIELDFROM_REPL_HISTORY: "/tmp/yieldfrom-repl-test-history-unused",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * Run the REPL with `input` on a pipe.
 *
 * @param input What to write to its stdin (then closed).
 * @param args Its flags.
 * @param env Extra environment.
 */
export async function runPiped(
  input: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Finished> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, ...args],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: replEnv(env),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

let pythonPath: string | undefined;

/** The python3 interpreter itself (a pyenv shim costs ~150 ms a start). */
function python(): string {
  if (pythonPath === undefined) {
    const out = new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdout: "piped",
    }).outputSync();
    pythonPath = new TextDecoder().decode(out.stdout).trim() || "python3";
  }
  return pythonPath;
}

/** Remove terminal control sequences and carriage returns. */
export function stripAnsi(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\x1b[()][A-Z0-9]/g, "").replace(
    /\r/g,
    "",
  );
}

/**
 * The row the cursor is on, as a terminal would show it after `raw`: the
 * text written since the last newline, with carriage returns, cursor moves
 * along the row (`ESC[nG`, `ESC[nC`, `ESC[nD`) and erasing (`ESC[K`, `ESC[2K`,
 * `ESC[J`) applied. Other control sequences are ignored.
 *
 * @param raw What was written to the terminal.
 */
export function cursorRow(raw: string): string {
  let row: string[] = [];
  let col = 0;
  // deno-lint-ignore no-control-regex
  const tokens = raw.match(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|[^\x1b]/gu) ?? [];
  for (const t of tokens) {
    if (t === "\n") {
      row = [];
      col = 0;
    } else if (t === "\r") {
      col = 0;
    } else if (t.startsWith("\x1b[")) {
      const n = Number(t.slice(2, -1).split(";")[0] || "0");
      switch (t.at(-1)) {
        case "G":
          col = Math.max(n, 1) - 1;
          break;
        case "C":
          col += Math.max(n, 1);
          break;
        case "D":
          col = Math.max(0, col - Math.max(n, 1));
          break;
        case "K":
          if (n === 2) row = [];
          else if (n === 0) row = row.slice(0, col);
          break;
        case "J":
          if (n === 0) row = row.slice(0, col);
          break;
      }
    } else if (t >= " " || t === "\t") {
      while (row.length < col) row.push(" ");
      row[col++] = t;
    }
  }
  return row.join("");
}

/** A REPL running in a pseudo-terminal. */
export class PtyRepl {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #raw = "";
  #mark = 0;
  #reading: Promise<void>;
  #relayErr: Promise<string>;
  #waiters: Array<() => void> = [];
  /** Whether the process has ended. */
  ended = false;
  /**
   * After {@linkcode close}: whether the REPL left the terminal in the mode
   * it found, else what differs (`-icanon -echo`, as `stty` names flags).
   */
  mode: "restored" | string = "unknown";
  /** When it started (performance.now()). */
  readonly started = performance.now();

  #tempDir: string | null;

  private constructor(child: Deno.ChildProcess, tempDir: string | null) {
    this.#child = child;
    this.#tempDir = tempDir;
    this.#writer = child.stdin.getWriter();
    this.#reading = (async () => {
      const dec = new TextDecoder();
      for await (const chunk of child.stdout) {
        this.#raw += dec.decode(chunk, { stream: true });
        for (const w of this.#waiters.splice(0)) w();
      }
      this.ended = true;
      for (const w of this.#waiters.splice(0)) w();
    })();
    this.#relayErr = new Response(child.stderr).text();
  }

  /**
   * Start the REPL in an 80x24 pseudo-terminal whose type is xterm-256color
   * (whatever the caller's `TERM` is).
   *
   * @param args Its flags.
   * @param env Extra environment.
   * @param command Run this instead of {@linkcode README_COMMAND}.
   */
  static start(
    args: string[] = [],
    env: Record<string, string> = {},
    command?: string[],
  ): PtyRepl {
    const cmd = command ?? README_COMMAND;
    // A history file of its own, removed at close(), unless the test names one.
    let tempDir: string | null = null;
    if (!("YIELDFROM_REPL_HISTORY" in env)) {
      tempDir = Deno.makeTempDirSync({ dir: "/tmp", prefix: "yieldfrom-repl-" });
      env = { ...env, YIELDFROM_REPL_HISTORY: `${tempDir}/history` };
    }
    const child = new Deno.Command(python(), {
      args: [PTY, "80", "24", ...cmd, ...args],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: replEnv({ TERM: "xterm-256color", ...env }),
    }).spawn();
    return new PtyRepl(child, tempDir);
  }

  /** Everything the terminal showed, control sequences removed. */
  get text(): string {
    return stripAnsi(this.#raw);
  }

  /** The raw bytes shown (as text). */
  get raw(): string {
    return this.#raw;
  }

  /** What the row the cursor is on shows now (see {@linkcode cursorRow}). */
  get row(): string {
    return cursorRow(this.#raw);
  }

  /** Type something (`\r` is Enter, `\x03` Ctrl-C, `\x04` Ctrl-D, `\t` Tab). */
  async send(keys: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(keys));
  }

  /**
   * Wait until the output after the last match contains `pattern`; returns
   * the text up to and including the match.
   *
   * @param pattern A string or RegExp.
   * @param timeoutMs Give up after this long (the test fails with what was shown).
   */
  async expect(pattern: string | RegExp, timeoutMs = 10000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const text = this.text;
      const rest = text.slice(this.#mark);
      let index = -1, length = 0;
      if (typeof pattern === "string") {
        index = rest.indexOf(pattern);
        length = pattern.length;
      } else {
        const m = pattern.exec(rest);
        if (m !== null) {
          index = m.index;
          length = m[0].length;
        }
      }
      if (index >= 0) {
        this.#mark += index + length;
        return rest.slice(0, index + length);
      }
      const left = deadline - performance.now();
      if (this.ended || left <= 0) {
        throw new Error(
          `expected ${String(pattern)} in the terminal; it shows (after the last match):\n` +
            JSON.stringify(rest),
        );
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /**
   * Close stdin and wait for the process to end; returns its exit code.
   * A process still running after `timeoutMs` is killed and the test fails.
   */
  async close(timeoutMs = 10000): Promise<number> {
    try {
      await this.#writer.close();
    } catch {
      // already closed
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      this.#child.status.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    const status = await this.#child.status;
    await this.#reading;
    for (const line of (await this.#relayErr).split("\n")) {
      const m = /^repl_pty: mode (restored|changed: .*)$/.exec(line);
      if (m !== null) this.mode = m[1].replace(/^changed: /, "");
      else if (line !== "") console.error(line);
    }
    if (this.#tempDir !== null) Deno.removeSync(this.#tempDir, { recursive: true });
    this.#tempDir = null;
    if (timedOut) {
      throw new Error(
        `the REPL did not exit within ${timeoutMs} ms; the terminal shows:\n${
          JSON.stringify(this.text)
        }`,
      );
    }
    return status.code;
  }

  /** Kill the process (for a test that failed midway). */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // gone
    }
    await this.close().catch(() => {});
  }
}
