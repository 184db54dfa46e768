/**
 * The terminal side of the REPL: `node:readline` for line editing (with
 * reverse history search, `history_search.ts`), the prompt, output written
 * above the prompt while it is shown (the half-typed line is redrawn), and
 * the terminal modes: readline's raw mode at the prompt, the mode the REPL
 * found while an input runs (as Python's REPL does: Ctrl-C is a signal, and
 * a process that dies meanwhile, of a signal or of running out of memory,
 * leaves the terminal as it was).
 *
 * With piped stdin there is no prompt and no terminal mode: lines are read
 * as they come.
 *
 * @module
 */

import * as readline from "node:readline";
import process from "node:process";
import { END_SIGNALS } from "./watchdog.ts";
import { addReverseSearch } from "./history_search.ts";

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
  /**
   * Called when a signal that would end the process (SIGTERM, SIGHUP,
   * SIGQUIT) comes while the prompt has the terminal in raw mode, after the
   * mode has been restored. (While an input runs they keep their default
   * action: the terminal is in the mode the REPL found.)
   */
  onEndSignal?: (signal: Deno.Signal) => void;
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
  #endSignals: Array<[Deno.Signal, () => void]> = [];

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
    if (this.tty) addReverseSearch(this.rl);
    // Ctrl-D (or the end of piped input) can close readline while an input
    // runs: nothing may touch it after that.
    this.rl.on("close", () => (this.#closed = true));
    const onEndSignal = options.onEndSignal;
    if (this.tty && onEndSignal !== undefined && Deno.build.os !== "windows") {
      this.#endSignals = END_SIGNALS.map(([sig]) => [sig, () => {
        this.close();
        onEndSignal(sig);
      }]);
      this.#listen(true);
    }
  }

  /** Listen for the end signals (at the prompt), or not (while an input runs). */
  #listen(on: boolean): void {
    for (const [sig, handler] of this.#endSignals) {
      try {
        if (on) Deno.addSignalListener(sig, handler);
        else Deno.removeSignalListener(sig, handler);
      } catch {
        // a signal this system does not have
      }
    }
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
   * An input starts running: stop reading lines, and give the terminal back
   * the mode the REPL found (Ctrl-C arrives as SIGINT; what is typed
   * meanwhile is echoed, and read at the next prompt).
   */
  beginRun(): void {
    this.#promptShown = false;
    if (!this.tty || this.#closed) return;
    this.rl.pause();
    this.#listen(false);
    try {
      Deno.stdin.setRaw(false);
    } catch {
      // stdin closed
    }
  }

  /** The input is done: back to line editing in raw mode. */
  endRun(): void {
    if (!this.tty || this.#closed) return;
    try {
      (process.stdin as unknown as { setRawMode(on: boolean): void }).setRawMode(true);
    } catch {
      // stdin closed
    }
    this.#listen(true);
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

  /** Close readline and restore the terminal mode the REPL found. */
  close(): void {
    if (this.#redrawTimer !== undefined) clearTimeout(this.#redrawTimer);
    this.#redrawTimer = undefined;
    this.unhookConsole();
    this.#promptShown = false;
    this.#listen(false);
    this.#endSignals = [];
    if (!this.#closed) this.rl.close();
    if (this.tty) {
      try {
        Deno.stdin.setRaw(false);
      } catch {
        // stdin closed
      }
    }
  }
}
