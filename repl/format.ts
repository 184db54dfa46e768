/**
 * How the REPL shows values and errors: values as Deno shows them
 * (`Deno.inspect`; Futures and Tasks show their Python repr), errors with
 * their stack minus the REPL's own frames, syntax errors with a caret under
 * where they are.
 *
 * @module
 */

import { CancelledError } from "../lib/errors.ts";
import { InputSyntaxError } from "./syntax_error.ts";

const PACKAGE = new URL("../", import.meta.url).href;
const REPL_DIR = new URL("./", import.meta.url).href;

/** ANSI colors, or nothing. */
export interface Colors {
  /** Whether colors are on. */
  enabled: boolean;
  /** Red bold. */
  error(s: string): string;
  /** Dim. */
  dim(s: string): string;
}

/**
 * Colors on or off.
 *
 * @param enabled Whether to color.
 * @returns The color functions.
 */
export function colors(enabled: boolean): Colors {
  return enabled
    ? {
      enabled,
      error: (s) => `\x1b[1;31m${s}\x1b[0m`,
      dim: (s) => `\x1b[2m${s}\x1b[0m`,
    }
    : { enabled, error: (s) => s, dim: (s) => s };
}

/**
 * A value as the REPL prints it: strings quoted, everything else through
 * `Deno.inspect`.
 *
 * @param value Anything.
 * @param color Whether to color.
 * @returns One or more lines, without the final newline.
 */
export function formatValue(value: unknown, color: boolean): string {
  if (typeof value === "string") {
    const s = JSON.stringify(value);
    return color ? `\x1b[32m${s}\x1b[39m` : s;
  }
  const text = Deno.inspect(value, {
    colors: color,
    depth: 4,
    iterableLimit: 100,
    strAbbreviateSize: 1000,
  });
  // The stacks of errors in the value (a rejected promise's reason, an error
  // in an object) without the REPL's frames.
  if (!text.includes(" at ")) return text;
  const out: string[] = [];
  let frames: string[] = [];
  for (const line of [...text.split("\n"), ""]) {
    // deno-lint-ignore no-control-regex
    if (/^\s+at /.test(line.replace(/\x1b\[[0-9;]*m/g, ""))) {
      frames.push(line);
      continue;
    }
    out.push(...cleanFrames(frames), line);
    frames = [];
  }
  return out.slice(0, -1).join("\n");
}

/** Whether a stack line is one of the frames that ran the input, not the user's code. */
function isMachinery(line: string): boolean {
  return line.includes(PACKAGE) || line.includes("ext:") || line.includes("node:internal") ||
    line.includes("(native)") || /^\s*at new Promise \(<anonymous>\)/.test(line);
}

/**
 * An error's stack without the REPL's frames: its own files, the `node:vm`
 * call that ran the input, and the loop frames below the user's code.
 *
 * @param stack `error.stack`.
 * @returns The cleaned stack.
 */
export function cleanStack(stack: string): string {
  const lines = stack.split("\n");
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  if (firstFrame < 0) return stack;
  const head = lines.slice(0, firstFrame);
  return [...head, ...cleanFrames(lines.slice(firstFrame))].join("\n");
}

/**
 * Stack frames without the REPL's own, Deno's promise-job machinery, the
 * generator-resumption frames V8 adds, and the frames below the user's code
 * (the `node:vm` call that ran the input, the loop).
 */
function cleanFrames(frames: string[]): string[] {
  // deno-lint-ignore no-control-regex
  const plain = (l: string) => l.replace(/\x1b\[[0-9;]*m/g, "");
  frames = frames.filter((colored) => {
    const l = plain(colored);
    return !l.includes(REPL_DIR) && !l.includes("(ext:core/") &&
      !/^\s+at \S+\.(next|throw|return) \(<anonymous>\)$/.test(l);
  });
  while (frames.length > 0 && isMachinery(plain(frames[frames.length - 1]))) frames.pop();
  return frames;
}

/**
 * A thrown value as the REPL prints it.
 *
 * @param error What was thrown.
 * @param c Colors.
 * @param prefix `Uncaught` (an input failed), or another word.
 * @returns The text, without the final newline.
 */
export function formatError(error: unknown, c: Colors, prefix = "Uncaught"): string {
  if (error instanceof InputSyntaxError) {
    const caret = " ".repeat(error.column) + "^";
    return `${c.error("SyntaxError")}: ${error.message} (${error.line}:${error.column + 1})\n` +
      `  ${error.sourceLine}\n  ${caret}`;
  }
  if (error instanceof CancelledError) {
    return c.error("CancelledError") + (error.message ? `: ${error.message}` : "");
  }
  if (error instanceof Error) {
    let text = cleanStack(error.stack ?? `${error.name}: ${error.message}`);
    if (error instanceof AggregateError && error.errors.length > 0) {
      error.errors.forEach((sub, i) => {
        const body = formatError(sub, c, "").split("\n").map((l) => "  | " + l).join("\n");
        text += `\n  +---------------- ${i + 1} ----------------\n${body}`;
      });
    }
    if (error.cause !== undefined) {
      text += `\nCaused by: ${formatError(error.cause, c, "")}`;
    }
    return prefix === "" ? text : `${c.error(prefix)} ${text}`;
  }
  const shown = formatValue(error, c.enabled);
  return prefix === "" ? shown : `${c.error(prefix)} ${shown}`;
}

/**
 * The error of a `yield*` of something that is not iterable, said in the
 * REPL's terms (V8 says `number 5 is not iterable`); any other error as it
 * is. It is taken for that error when it is V8's TypeError for a value that
 * is not iterable, thrown by the input's own code (not a function it
 * called) on a line with a top-level `yield*`.
 *
 * @param error What the input threw.
 * @param delegates Where the input's top-level `yield*` are (`Plan.delegates`).
 * @param filename The file name the input's frames show.
 * @returns The error to show.
 */
export function explainDelegation(
  error: unknown,
  delegates: ReadonlyArray<readonly [number, number]> | undefined,
  filename: string,
): unknown {
  if (delegates === undefined || !(error instanceof TypeError)) return error;
  const m = /^(yield\* .*|.*(?= \(cannot read property Symbol\(Symbol\.iterator\)\)$))/.exec(
    error.message,
  );
  if (m === null || !/ is not iterable$/.test(m[1])) return error;
  const frame = (error.stack ?? "").split("\n").find((l) => /^\s+at /.test(l)) ?? "";
  if (!frame.startsWith(`    at <module> (${filename}`)) return error;
  const line = /:(\d+):\d+\)$/.exec(frame)?.[1];
  if (line !== undefined && !delegates.some(([l]) => l === Number(line))) return error;
  const e = new TypeError(
    `yield* needs a coroutine object, a Future or a Task (or another generator), and ` +
      `${m[1].replace(/^yield\* .* is/, "this is")}: call a coroutine function (yield* f(), ` +
      `not yield* f); wait for a promise with yield* wrap(promise), or with await in an ` +
      `input of its own`,
  );
  e.stack = `${e.name}: ${e.message}\n${frame}`;
  return e;
}
