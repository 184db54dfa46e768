/**
 * One REPL session: the event loop that runs for the whole session, the
 * inputs run as tasks on it, Ctrl-C, printing results and errors, and
 * leaving.
 *
 * @module
 */

import * as asyncio from "../mod.ts";
import { EventLoop } from "../lib/loop.ts";
import { allTasks, type Task } from "../lib/tasks.ts";
import { Future } from "../lib/futures.ts";
import { CancelledError } from "../lib/errors.ts";
import {
  awaitResult,
  callIn,
  type Coro,
  CORO_INFO,
  currentDriver,
  isThenable,
  wrap,
} from "../lib/coroutines.ts";
import { REPR, repr } from "../lib/format_helpers.ts";
import type { Plan } from "./transform.ts";
import { Evaluator, FILENAME, HOOK, type Outcome } from "./evaluate.ts";
import { Terminal } from "./terminal.ts";
import { History } from "./history.ts";
import { makeCompleter } from "./completion.ts";
import { type Colors, colors, explainDelegation, formatError, formatValue } from "./format.ts";
import { type CommandHost, COMMANDS, isCommand, runCommand } from "./commands.ts";
import { BEAT_MS, DEDUPE_MS, END_SIGNALS } from "./watchdog.ts";

/** Options of {@linkcode Repl}. */
export interface ReplOptions {
  /** Is stdin a terminal? */
  tty: boolean;
  /** Color the output. */
  color: boolean;
  /** Loop debug mode. */
  debug: boolean;
  /** The history file, or `null` for none (only used on a terminal). */
  historyPath: string | null;
  /** The first lines of a terminal session. */
  banner: string;
  /** The banner and a first prompt are on the screen already (see `main.ts`). */
  bannerShown?: boolean;
}

/** How long a cancelled input gets to finish before the prompt comes back anyway. */
const CANCEL_GRACE_MS = 250;
/** How long leaving waits for cancelled tasks to finish. */
const LEAVE_GRACE_MS = 1000;
/** How long the first input waits for the watchdog to start (it goes on without it after). */
const WATCHDOG_START_MS = 3000;

/**
 * An input's value, as its task's result: the generated function returns
 * `[value]` (so an async function does not wait for a returned Task), and
 * the box keeps the task's repr from printing the value (which may be the
 * task itself: `currentTask()`).
 */
class InputValue {
  constructor(readonly value: unknown) {}
  [REPR](): string {
    return "<the input's value>";
  }
}

function box(r: unknown): InputValue {
  return new InputValue(Array.isArray(r) ? r[0] : undefined);
}

function* asyncInput(fn: () => unknown): Coro<unknown> {
  return box(yield* awaitResult(callIn(currentDriver(), fn as () => unknown, undefined, [])));
}

function* generatorInput(gen: Coro<unknown>): Coro<unknown> {
  return box(yield* gen);
}

/**
 * Whether an input's value is run and its result printed: a coroutine
 * object not started yet, or a promise (forgetting `await` is the common
 * slip in JavaScript). A Future or Task is shown as it is, as Python shows
 * it: it may be a background task, and waiting for it would hold the prompt.
 */
function runsAsValue(value: unknown): boolean {
  return !(value instanceof Future) && (asyncio.isCoroutine(value) || isThenable(value));
}

function sleepMs(ms: number): { promise: Promise<void>; cancel(): void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => (id = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(id) };
}

/** A REPL session. */
export class Repl implements CommandHost {
  /** The loop that runs for the whole session. */
  readonly loop: EventLoop;
  #loopDone: Promise<void>;
  #evaluator = new Evaluator();
  #term: Terminal;
  #history: History | null;
  #colors: Colors;
  #options: ReplOptions;
  #buffer: string[] = [];
  #queue: string[] = [];
  #pumping = false;
  #ready = false;
  #inputEnded = false;
  #lastFailed = false;
  #inputs = 0;
  /**
   * The session's context: every input runs in it (sync inputs through
   * `run()`, tasks given it), so a ContextVar set at the prompt is seen by
   * the next input, as in Python's asyncio REPL.
   */
  #context: asyncio.Context = new asyncio.Context();
  #interrupt: (() => void) | null = null;
  #leaving: Promise<void> | null = null;
  #exitRequested = false;
  #lastSigint = -Infinity;
  /** Shared with the watchdog: [0] the last beat (Date.now()), [1] 1 while an input runs. */
  #heart = new BigInt64Array(new SharedArrayBuffer(16));
  #worker: Worker | null = null;
  #watchdog: Promise<void> | null = null;
  #keepAlive: ReturnType<typeof setInterval> | undefined;

  /** @param options See {@linkcode ReplOptions}. */
  constructor(options: ReplOptions) {
    this.#options = options;
    this.#colors = colors(options.color);
    // A task that fails with nobody waiting for it is reported at once (and
    // only once), not when it is garbage-collected.
    this.loop = new EventLoop({ debug: options.debug, reportUnretrievedSoon: true });
    this.#history = options.tty ? new History(options.historyPath) : null;
    this.#term = new Terminal({
      tty: options.tty,
      history: this.#history?.load(),
      completer: makeCompleter(this.#evaluator, Object.keys(COMMANDS)),
      onEndSignal: (sig) => Deno.exit(128 + END_SIGNALS.find(([s]) => s === sig)![1]),
    });
    this.#setUpLoop();
    this.#installGlobals();
    this.#loopDone = this.loop.runForever();
    const rl = this.#term.rl;
    rl.on("line", (line: string) => this.#onLine(line));
    rl.on("close", () => this.#onInputEnd());
    rl.on("SIGINT", () => this.#onPromptInterrupt());
    Deno.addSignalListener("SIGINT", this.#onSignal);
    globalThis.addEventListener("unhandledrejection", this.#onUnhandledRejection);
    globalThis.addEventListener("error", this.#onUncaughtError);
    this.#term.hookConsole();
  }

  // --- setup -----------------------------------------------------------------

  #setUpLoop(): void {
    const loop = this.loop;
    loop.setExceptionHandler((_lp, context) => {
      const lines = [context.message || "Unhandled exception in event loop"];
      for (const key of Object.keys(context).sort()) {
        if (key === "message" || key === "exception") continue;
        const v = context[key];
        lines.push(`${key}: ${typeof v === "string" ? v : repr(v)}`);
      }
      if (context.exception !== undefined) {
        lines.push(formatError(context.exception, this.#colors, ""));
      }
      this.#term.err(lines.join("\n") + "\n");
    });
  }

  #installGlobals(): void {
    const g = globalThis as unknown as Record<string | symbol, unknown>;
    const hook = (g[HOOK] ??= {}) as Record<string, unknown>;
    hook.importModule = (specifier: string, options?: ImportCallOptions) =>
      wrap(import(specifier, options), this.loop);
    hook.exports = asyncio;
    g.asyncio = asyncio;
    for (const [name, value] of Object.entries(asyncio)) {
      // A name the host already has (a global Event, say) is a global let
      // binding instead: the host's stays reachable through globalThis.
      if (name in globalThis) this.#evaluator.define(name, value);
      else g[name] = value;
    }
    g._ = undefined;
    g._error = undefined;
    g.close = () => this.#requestExit();
  }

  // --- input -------------------------------------------------------------------

  /**
   * Run the `--eval-file` files and `--eval` code, then start reading input.
   *
   * @param evalFiles Files to run first, each as one input.
   * @param evals Code to run next, each as one input.
   */
  async start(evalFiles: string[], evals: string[]): Promise<void> {
    if (this.#options.tty && !this.#options.bannerShown) {
      this.#term.out(this.#options.banner + "\n");
    }
    for (const file of evalFiles) {
      if (this.#leaving) return;
      await this.runFile(file);
    }
    for (const code of evals) {
      if (this.#leaving) return;
      await this.#execute(code, true);
    }
    if (this.#exitRequested) return void this.leave();
    this.#ready = true;
    void this.#pump();
    // The parsers load while the first input is typed.
    if (this.#options.tty) setTimeout(() => void this.#loadTransform(), 0);
  }

  #onLine(line: string): void {
    this.#term.lineEntered();
    this.#queue.push(line);
    void this.#pump();
  }

  #onInputEnd(): void {
    if (this.#leaving) return;
    this.#inputEnded = true;
    if (this.#options.tty) this.#term.out("\n");
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping || !this.#ready || this.#leaving) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.#leaving) {
        const line = this.#queue.shift()!;
        this.#history?.add(line);
        try {
          await this.#handleLine(line);
        } catch (e) {
          // A bug of the REPL's own: say so, and go on.
          this.#lastFailed = true;
          this.#term.err(formatError(e, this.#colors, "Internal REPL error:") + "\n");
        }
        if (this.#exitRequested) {
          void this.leave();
          return;
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#leaving) return;
    if (this.#inputEnded) {
      if (this.#buffer.length > 0) {
        // The input ended in the middle of a statement.
        const source = this.#buffer.join("\n");
        this.#buffer = [];
        this.#term.err(
          formatError(new SyntaxError("Unexpected end of input: " + source), this.#colors) + "\n",
        );
        this.#lastFailed = true;
      }
      void this.leave();
      return;
    }
    if (this.#options.tty) this.#prompt();
  }

  #prompt(): void {
    this.#term.prompt(this.#buffer.length > 0 ? "... " : "> ");
  }

  async #handleLine(line: string): Promise<void> {
    if (this.#buffer.length === 0 && isCommand(line)) {
      this.#lastFailed = !(await runCommand(this, line));
      return;
    }
    if (this.#buffer.length > 0 && /^\s*\.(clear|exit)\s*$/.test(line)) {
      this.#buffer = [];
      this.#lastFailed = !(await runCommand(this, line));
      return;
    }
    this.#buffer.push(line);
    const source = this.#buffer.join("\n");
    const result = await this.#execute(source, false);
    if (result !== "incomplete") this.#buffer = [];
  }

  // --- running an input --------------------------------------------------------

  #transform: Promise<typeof import("./transform.ts")> | null = null;

  /** The parsers load after the first prompt is shown: they are most of the startup time. */
  #loadTransform(): Promise<typeof import("./transform.ts")> {
    return this.#transform ??= import("./transform.ts");
  }

  #resolve = (specifier: string): string => {
    if (/^\.{0,2}\//.test(specifier)) return new URL(specifier, `file://${Deno.cwd()}/`).href;
    try {
      return import.meta.resolve(specifier);
    } catch {
      return specifier;
    }
  };

  /**
   * Run one input and print its value or error.
   *
   * @param source The input.
   * @param whole No more lines will come: unfinished input is a syntax error.
   * @param filename The file the input comes from (`.load`, `--eval-file`), for stack traces.
   * @returns `incomplete` when more lines are needed, else whether it succeeded.
   */
  async #execute(
    source: string,
    whole: boolean,
    filename?: string,
  ): Promise<"incomplete" | boolean> {
    const [{ plan }] = await Promise.all([this.#loadTransform(), this.#startWatchdog()]);
    let p: Plan;
    try {
      p = plan(source, {
        resolve: this.#resolve,
        lexicals: this.#evaluator.lexicals,
        globals: this.#evaluator.globals,
      });
    } catch (e) {
      return this.#report({ ok: false, error: e });
    }
    if (p.kind === "empty") return true;
    if (p.kind === "incomplete") {
      if (!whole) return "incomplete";
      return this.#report({
        ok: false,
        error: new SyntaxError("Unexpected end of input (the input is unfinished)"),
      });
    }
    const n = ++this.#inputs;
    let outcome: Outcome;
    this.#beginRun();
    try {
      // Compiled first: an input V8 cannot parse declares nothing.
      const script = this.#evaluator.compile(p.code, {
        filename,
        lineOffset: p.lineOffset,
        columnOffset: p.columnOffset,
      });
      outcome = script.ok ? this.#evaluator.declare(p, p.kind !== "sync") : script;
      if (outcome.ok && script.ok) {
        outcome = this.#context.run(() => this.#evaluator.run(script.value));
      }
      if (outcome.ok && p.kind === "sync" && p.final === "declaration") {
        outcome = { ok: true, value: undefined };
      }
      if (outcome.ok && p.kind !== "sync") {
        const fn = outcome.value as () => unknown;
        Object.defineProperty(fn, "name", { value: "<module>" });
        const coro = p.kind === "async"
          ? asyncInput(fn)
          : generatorInput(fn.call(globalThis) as Coro<unknown>);
        Object.defineProperty(coro, CORO_INFO, {
          value: { name: "<module>", definedAt: filename ?? `<input ${n}>` },
        });
        const task = this.loop.createTask(coro, { context: this.#context });
        outcome = await this.#runTask(task);
        if (!outcome.ok) {
          const error = explainDelegation(outcome.error, p.delegates, filename ?? FILENAME);
          outcome = { ok: false, error };
        }
        if (outcome.ok) {
          outcome = { ok: true, value: (outcome.value as InputValue).value };
          // `currentTask()` as the value: the input's own task, done now.
          if (outcome.value === task) return this.#report(outcome);
        }
      }
      if (outcome.ok && p.final === "value" && runsAsValue(outcome.value)) {
        outcome = await this.#runTask(
          this.loop.createTask(outcome.value as Coro<unknown>, { context: this.#context }),
        );
      }
    } finally {
      this.#endRun();
    }
    return this.#report(outcome);
  }

  #beginRun(): void {
    this.#term.beginRun();
    // The beat tells the watchdog this thread is alive (and keeps the
    // process alive while the input waits for nothing of the host's).
    const beat = (): void => void Atomics.store(this.#heart, 0, BigInt(Date.now()));
    beat();
    Atomics.store(this.#heart, 1, 1n);
    this.#keepAlive ??= setInterval(beat, BEAT_MS);
  }

  #endRun(): void {
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    Atomics.store(this.#heart, 1, 0n);
    this.#term.endRun();
  }

  /**
   * Wait for an input's task. Ctrl-C cancels it; if it has not finished
   * soon after, the prompt comes back and it finishes in the background.
   *
   * @param task The task.
   */
  #runTask(task: Task<unknown>): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      let grace: { cancel(): void } | null = null;
      const finish = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        grace?.cancel();
        this.#interrupt = null;
        task.removeDoneCallback(onDone);
        resolve(o);
      };
      const onDone = (t: Future<unknown>): void => {
        let o: Outcome;
        try {
          o = { ok: true, value: t.result() };
        } catch (error) {
          // its exception, or the CancelledError of its cancellation
          o = { ok: false, error };
        }
        finish(o);
      };
      task.addDoneCallback(onDone);
      this.#interrupt = () => {
        task.cancel();
        if (grace !== null) {
          // A second Ctrl-C: stop waiting.
          finish({ ok: false, error: new CancelledError() });
          return;
        }
        const g = sleepMs(CANCEL_GRACE_MS);
        grace = g;
        g.promise.then(() => {
          if (settled) return;
          this.#term.err(
            this.#colors.dim(
              `${task.getName()} has not finished cancelling; it goes on in the background`,
            ) + "\n",
          );
          finish({ ok: false, error: new CancelledError() });
        });
      };
    });
  }

  /** Print an outcome, set `_` / `_error`; returns whether it succeeded. */
  #report(outcome: Outcome): boolean {
    const g = globalThis as unknown as Record<string, unknown>;
    if (outcome.ok) {
      g._ = outcome.value;
      this.#lastFailed = false;
      this.#term.out(formatValue(outcome.value, this.#colors.enabled) + "\n");
      return true;
    }
    g._error = outcome.error;
    this.#lastFailed = true;
    this.#term.err(formatError(outcome.error, this.#colors) + "\n");
    return false;
  }

  // --- Ctrl-C ----------------------------------------------------------------------

  #onSignal = (): void => {
    const now = performance.now();
    if (now - this.#lastSigint < DEDUPE_MS) return;
    this.#lastSigint = now;
    if (this.#interrupt !== null) {
      // The terminal echoed ^C where the cursor was (as under Python's REPL).
      if (this.#options.tty) this.#term.out("\n");
      this.#interrupt();
    } else if (this.#options.tty) {
      this.#onPromptInterrupt();
    } else {
      this.#lastFailed = true;
      void this.leave(130);
    }
  };

  #onPromptInterrupt(): void {
    if (this.#leaving) return;
    const rl = this.#term.rl as unknown as { line: string };
    const empty = rl.line === "" && this.#buffer.length === 0;
    this.#term.clearLine();
    this.#buffer = [];
    this.#term.lineEntered();
    this.#term.out("\n");
    if (empty) this.#term.out(this.#colors.dim("(To exit, press Ctrl-D or type .exit)") + "\n");
    this.#prompt();
  }

  /**
   * Start the watchdog (once, on a terminal), before the first input runs:
   * starting a Worker makes Deno clear the line the cursor is on (the end of
   * its progress display), harmless right after Enter but not while the
   * prompt is shown. Resolves when it is ready, or after
   * {@linkcode WATCHDOG_START_MS} without it.
   */
  #startWatchdog(): Promise<void> {
    return this.#watchdog ??= new Promise<void>((resolve) => {
      if (!this.#options.tty) return resolve();
      const allowed = (name: "run" | "ffi") =>
        Deno.permissions.querySync({ name }).state === "granted";
      if (!allowed("run") && !allowed("ffi")) return resolve();
      const timer = setTimeout(resolve, WATCHDOG_START_MS);
      try {
        const w = new Worker(new URL("./watchdog.ts", import.meta.url), { type: "module" });
        w.onmessage = () => {
          const g = globalThis as unknown as Record<symbol, Record<string, unknown>>;
          g[HOOK].watchdogReady = true;
          clearTimeout(timer);
          resolve();
        };
        w.postMessage(this.#heart.buffer);
        this.#worker = w;
      } catch {
        // no workers here: a runaway loop can still be ended from outside
        clearTimeout(timer);
        resolve();
      }
    });
  }

  // --- host errors -----------------------------------------------------------------

  #onUnhandledRejection = (e: PromiseRejectionEvent): void => {
    e.preventDefault();
    this.#term.err(formatError(e.reason, this.#colors, "Uncaught (in promise)") + "\n");
  };

  #onUncaughtError = (e: ErrorEvent): void => {
    e.preventDefault();
    this.#term.err(formatError(e.error, this.#colors) + "\n");
  };

  // --- CommandHost -------------------------------------------------------------------

  /** Print a line to stdout. */
  print(text: string): void {
    this.#term.out(text + "\n");
  }

  /** Print a line to stderr. */
  printError(text: string): void {
    this.#term.err(text + "\n");
  }

  /** Clear the screen and drop an unfinished input. */
  clear(): void {
    this.#buffer = [];
    this.#term.clearScreen();
  }

  /**
   * Run a file as one input.
   *
   * @param path The file, relative to the working directory.
   * @returns Whether it succeeded.
   */
  async runFile(path: string): Promise<boolean> {
    let source: string;
    try {
      source = await Deno.readTextFile(path);
    } catch (e) {
      this.printError(`cannot read ${path}: ${(e as Error).message}`);
      this.#lastFailed = true;
      return false;
    }
    return (await this.#execute(source, true, path)) === true;
  }

  #requestExit(): void {
    this.#exitRequested = true;
    if (this.#interrupt === null && !this.#pumping && this.#ready) void this.leave();
  }

  /**
   * Leave: cancel every pending task, say how many there were, stop and
   * close the loop, and exit (status 0 on a terminal; with piped input,
   * 1 when the last input failed).
   *
   * @param code The exit status, if not the default.
   */
  leave(code?: number): Promise<void> {
    return this.#leaving ??= this.#leave(code);
  }

  async #leave(code?: number): Promise<void> {
    const pending = [...allTasks(this.loop)];
    for (const t of pending) t.cancel();
    if (pending.length > 0) {
      const wait = sleepMs(LEAVE_GRACE_MS);
      const keep = setInterval(() => {}, 1 << 30);
      await Promise.race([
        // (Resolve with nothing: a Task is a thenable the promise would adopt.)
        Promise.all(pending.map((t) => new Promise<void>((r) => t.addDoneCallback(() => r())))),
        wait.promise,
      ]);
      wait.cancel();
      clearInterval(keep);
      const names = pending.map((t) => t.getName()).join(", ");
      this.#term.err(
        `cancelled ${pending.length} task${pending.length === 1 ? "" : "s"} (${names})\n`,
      );
    }
    this.loop.stop();
    await this.#loopDone;
    this.loop.close();
    this.#term.close();
    this.#worker?.terminate();
    Deno.removeSignalListener("SIGINT", this.#onSignal);
    const status = code ?? (this.#options.tty ? 0 : this.#lastFailed ? 1 : 0);
    Deno.exit(status);
  }
}
