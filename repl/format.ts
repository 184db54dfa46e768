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
  return Deno.inspect(value, {
    colors: color,
    depth: 4,
    iterableLimit: 100,
    strAbbreviateSize: 1000,
  });
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
  let frames = lines.slice(firstFrame);
  // Frames of the REPL itself, Deno's promise-job machinery, and the
  // generator-resumption frames V8 adds.
  frames = frames.filter((l) =>
    !l.includes(REPL_DIR) && !l.includes("(ext:core/") &&
    !/^\s+at \S+\.(next|throw|return) \(<anonymous>\)$/.test(l)
  );
  while (frames.length > 0 && isMachinery(frames[frames.length - 1])) frames.pop();
  return [...head, ...frames].join("\n");
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
