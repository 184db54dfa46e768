/**
 * The REPL's dot-commands: `.help`, `.exit`, `.tasks`, `.cancel NAME`,
 * `.load FILE`, `.clear`.
 *
 * @module
 */

import type { EventLoop } from "../lib/loop.ts";
import { allTasks, Task } from "../lib/tasks.ts";
import type { Future } from "../lib/futures.ts";
import { coroInfo } from "../lib/coroutines.ts";
import { inlineAwaitName } from "../lib/inline_await.ts";
import { REPR } from "../lib/format_helpers.ts";

/** What the commands need from the REPL. */
export interface CommandHost {
  /** The REPL's loop. */
  readonly loop: EventLoop;
  /** Print a line to stdout. */
  print(text: string): void;
  /** Print a line to stderr. */
  printError(text: string): void;
  /** Leave the REPL (cancels what is still running). */
  leave(): Promise<void>;
  /** Run a file as one input; `true` when it did not fail. */
  runFile(path: string): Promise<boolean>;
  /** Clear the screen and drop an unfinished input. */
  clear(): void;
}

/** The commands, for `.help` and completion. */
export const COMMANDS: Record<string, string> = {
  ".help": "show this help",
  ".exit": "leave (Ctrl-D and close() do the same); running tasks are cancelled",
  ".tasks": "list the tasks: name, state, what each is waiting on",
  ".cancel": ".cancel NAME: cancel the task named NAME, or running the coroutine NAME",
  ".load": ".load FILE: run FILE as one input",
  ".clear": "clear the screen (and drop an unfinished multi-line input)",
};

const HELP_TEXT = `Type JavaScript or TypeScript. Top-level await and yield* run as a task on the
REPL's event loop, which runs for the whole session; the value is printed. A
coroutine object or a Promise typed as an expression is run the same way; a
Future or Task is shown as it is (an assignment's value is printed, never run).
_ and _error hold the last result and error. asyncio and every name it exports
are in scope.

  const t = createTask(coro())   start a background task (it keeps running)
  await sleep(1, "done")         wait, async style
  yield* sleep(1, "done")        wait, generator style

Ctrl-C cancels the running input's task (background tasks go on), or clears the
line at the prompt; a second Ctrl-C ends a runaway synchronous loop by ending
the REPL. Ctrl-R searches the history. Ctrl-D leaves.

Commands:`;

/** `.help`'s text. */
export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const rows = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return `${HELP_TEXT}\n${rows.join("\n")}`;
}

function coroName(t: Task<unknown>): string {
  return `${coroInfo(t.getCoro())?.name ?? "<generator>"}()`;
}

/** What a task (or a coroutine it runs) waits for: futures, nested coroutines. */
function waitsOf(t: Future<unknown>): Future<unknown>[] {
  return (t as Task<unknown>)._awaiting();
}

function describeWait(f: Future<unknown>, depth: number): string {
  if (!(f instanceof Task) && "_awaiting" in f) {
    // A coroutine awaited from async code runs inside the awaiting task.
    const inner = depth < 8 ? waitsOf(f) : [];
    return coroName(f as Task<unknown>) +
      (inner.length > 0 ? ` → ${inner.map((x) => describeWait(x, depth + 1)).join(", ")}` : "");
  }
  // A small library coroutine (sleep(), Event.wait()...) awaited in place.
  const name = inlineAwaitName(f);
  return name === undefined ? f[REPR]() : `${name}() → ${f[REPR]()}`;
}

/**
 * The lines `.tasks` prints for the loop's pending tasks: name, state, the
 * coroutine, and what it is waiting on.
 *
 * @param loop The REPL's loop.
 * @returns The lines.
 */
export function describeTasks(loop: EventLoop): string[] {
  const tasks = [...allTasks(loop)];
  if (tasks.length === 0) return ["no tasks are pending"];
  const out = [`${tasks.length} pending task${tasks.length === 1 ? "" : "s"}:`];
  for (const t of tasks) {
    const state = t.cancelling() > 0 ? "cancelling" : "pending";
    const where = coroInfo(t.getCoro())?.definedAt;
    out.push(`  ${t.getName()} (${state}): ${coroName(t)}${where ? ` defined at ${where}` : ""}`);
    const waits = waitsOf(t);
    if (waits.length === 0) out.push("      running, or ready to run");
    for (const w of waits) out.push(`      waiting for ${describeWait(w, 0)}`);
  }
  return out;
}

/** The pending task named `name`, else the only one running a coroutine of that name. */
function findTask(loop: EventLoop, name: string): Task<unknown> | string {
  const tasks = [...allTasks(loop)];
  const byName = tasks.find((t) => t.getName() === name);
  if (byName !== undefined) return byName;
  const bare = name.replace(/\(\)$/, "");
  const byCoro = tasks.filter((t) => coroInfo(t.getCoro())?.name === bare);
  if (byCoro.length === 1) return byCoro[0];
  if (byCoro.length > 1) {
    return `several tasks run ${bare}(): ${byCoro.map((t) => t.getName()).join(", ")}; ` +
      `give the task's name`;
  }
  return `no pending task is named ${JSON.stringify(name)}; .tasks lists them`;
}

/**
 * Whether `line` is a command (rather than code such as `.5 + 1`).
 *
 * @param line An entered line.
 */
export function isCommand(line: string): boolean {
  return /^\s*\.[A-Za-z]/.test(line);
}

/**
 * Run a dot-command.
 *
 * @param host The REPL.
 * @param line The entered line, starting with `.`.
 * @returns `true` unless the command failed.
 */
export async function runCommand(host: CommandHost, line: string): Promise<boolean> {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  const name = space < 0 ? trimmed : trimmed.slice(0, space);
  const arg = space < 0 ? "" : trimmed.slice(space + 1).trim();
  switch (name) {
    case ".help":
      host.print(helpText());
      return true;
    case ".exit":
      await host.leave();
      return true;
    case ".tasks":
      for (const l of describeTasks(host.loop)) host.print(l);
      return true;
    case ".cancel": {
      if (arg === "") {
        host.printError(".cancel needs a task name: .cancel NAME (.tasks lists them)");
        return false;
      }
      const task = findTask(host.loop, arg);
      if (typeof task === "string") {
        host.printError(task);
        return false;
      }
      task.cancel();
      host.print(`cancelling ${task.getName()}`);
      return true;
    }
    case ".load":
      if (arg === "") {
        host.printError(".load needs a file: .load FILE");
        return false;
      }
      return await host.runFile(arg);
    case ".clear":
      host.clear();
      return true;
    default:
      host.printError(`unknown command ${name}; .help lists the commands`);
      return false;
  }
}
