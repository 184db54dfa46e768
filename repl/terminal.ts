/**
 * The terminal side of the REPL: `node:readline` for line editing, the
 * prompt, output written above the prompt while it is shown (the half-typed
 * line is redrawn), and the terminal modes around a running input (cbreak:
 * keys are not echoed, Ctrl-C is a signal).
 *
 * With piped stdin there is no prompt and no terminal mode: lines are read
 * as they come.
 *
 * @module
 */

import * as readline from "node:readline";
import process from "node:process";

/** Completes the text before the cursor: `[candidates, the part they replace]`. */
export type Completer = (line: string) => Promise<[string[], string]>;

/** Options of {@linkcode Terminal}. */
export interface TerminalOptions {
  /** Is stdin a terminal (line editing, prompt, history)? */
  tty: boolean;
  /** Tab completion. */
  completer?: Completer;
  /** Earlier history, newest first. */
  history?: string[];
  /** How many history lines to keep in memory. */
  historySize?: number;
}

const CONSOLE_METHODS = [
  "log",
  "info",
  "warn",
  "error",
  "debug",
  "dir",
  "dirxml",
  "table",
  "trace",
  "assert",
  "count",
  "timeEnd",
  "timeLog",
  "group",
  "groupCollapsed",
] as const;

const encoder = new TextEncoder();

/** Line input and output for the REPL. */
export class Terminal {
  /** Is stdin a terminal? */
  readonly tty: boolean;
  /** The readline interface. */
  readonly rl: readline.Interface;
  #promptShown = false;
  #erased = false;
  #redrawTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #hooked: Array<[string, unknown]> = [];

  /** @param options See {@linkcode TerminalOptions}. */
  constructor(options: TerminalOptions) {
    this.tty = options.tty;
    const completer = options.completer;
    this.rl = readline.createInterface({
      input: process.stdin,
      output: this.tty ? process.stdout : undefined,
      terminal: this.tty,
      history: options.history ?? [],
      historySize: options.historySize ?? 1000,
      removeHistoryDuplicates: true,
      tabSize: 2,
      completer: this.tty && completer !== undefined
        ? (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
          completer(line).then(
            (r) => callback(null, r),
            () => callback(null, [[], line]),
          );
        }
        : undefined,
      prompt: "> ",
    } as readline.ReadLineOptions);
    // Ctrl-D (or the end of piped input) can close readline while an input
    // runs: nothing may touch it after that.
    this.rl.on("close", () => (this.#closed = true));
  }

  /** Write text to stdout (results), above the prompt when it is shown. */
  out(text: string): void {
    this.#beforeOutput();
    Deno.stdout.writeSync(encoder.encode(text));
  }

  /** Write text to stderr (errors), above the prompt when it is shown. */
  err(text: string): void {
    this.#beforeOutput();
    Deno.stderr.writeSync(encoder.encode(text));
  }

  /**
   * Show the prompt and wait for a line. With piped stdin nothing is shown.
   *
   * @param prompt `> ` or `... `.
   */
  prompt(prompt: string): void {
    if (!this.tty || this.#closed) return;
    this.rl.setPrompt(prompt);
    this.#promptShown = true;
    this.#erased = false;
    this.rl.prompt();
  }

  /** The prompt is gone: a line was entered. */
  lineEntered(): void {
    this.#promptShown = false;
  }

  /** Drop the half-typed line (Ctrl-C at the prompt). */
  clearLine(): void {
    const rl = this.rl as unknown as { line: string; cursor: number };
    rl.line = "";
    rl.cursor = 0;
  }

  /** Clear the screen. */
  clearScreen(): void {
    if (this.tty) Deno.stdout.writeSync(encoder.encode("\x1b[H\x1b[2J"));
  }

  /**
   * An input starts running: stop reading lines, and let Ctrl-C arrive as
   * SIGINT without echoing what is typed meanwhile.
   */
  beginRun(): void {
    this.#promptShown = false;
    if (!this.tty || this.#closed) return;
    this.rl.pause();
    try {
      Deno.stdin.setRaw(true, { cbreak: true });
    } catch {
      // stdin closed
    }
  }

  /** The input is done: back to line editing. */
  endRun(): void {
    if (!this.tty || this.#closed) return;
    try {
      Deno.stdin.setRaw(false);
      (process.stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(true);
    } catch {
      // stdin closed
    }
    this.rl.resume();
  }

  /**
   * Route `console` output through {@linkcode out}/{@linkcode err}'s prompt
   * handling, so what background tasks print appears above the prompt.
   */
  hookConsole(): void {
    if (!this.tty || this.#hooked.length > 0) return;
    const c = console as unknown as Record<string, (...args: unknown[]) => void>;
    for (const name of CONSOLE_METHODS) {
      const orig = c[name];
      if (typeof orig !== "function") continue;
      this.#hooked.push([name, orig]);
      c[name] = (...args: unknown[]): void => {
        this.#beforeOutput();
        orig.apply(console, args);
      };
    }
  }

  /** Undo {@linkcode hookConsole}. */
  unhookConsole(): void {
    const c = console as unknown as Record<string, unknown>;
    for (const [name, orig] of this.#hooked) c[name] = orig;
    this.#hooked = [];
  }

  /** Erase the prompt (and the half-typed line) before output; redraw them soon after. */
  #beforeOutput(): void {
    if (!this.tty || !this.#promptShown || this.#erased) return;
    this.#erased = true;
    const rows = (this.rl as unknown as { getCursorPos(): { rows: number } }).getCursorPos().rows;
    Deno.stdout.writeSync(encoder.encode((rows > 0 ? `\x1b[${rows}A` : "") + "\r\x1b[J"));
    this.#redrawTimer ??= setTimeout(() => {
      this.#redrawTimer = undefined;
      if (!this.#promptShown || !this.#erased) return;
      this.#erased = false;
      (this.rl as unknown as { prevRows: number }).prevRows = 0;
      this.rl.prompt(true);
    }, 0);
  }

  /** Close readline (restores the terminal mode). */
  close(): void {
    if (this.#redrawTimer !== undefined) clearTimeout(this.#redrawTimer);
    this.#redrawTimer = undefined;
    this.unhookConsole();
    this.#promptShown = false;
    if (!this.#closed) this.rl.close();
  }
}
