/**
 * Reverse history search (Ctrl-R) for a `node:readline` interface, as in
 * bash and Python's REPL: Ctrl-R shows `(reverse-i-search)`': `, what is
 * typed narrows the search to the newest line that contains it, Ctrl-R
 * again finds an older one, Backspace takes the last character back, Enter
 * runs the line found, Escape or any editing key (arrows, Ctrl-A, Ctrl-E,
 * Tab...) keeps it for editing, Ctrl-G gives back the line as it was before
 * the search, Ctrl-C drops it as at the prompt.
 *
 * @module
 */

import type * as readline from "node:readline";

/** A key as `node:readline` reports it. */
interface Key {
  sequence?: string;
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
}

/** The parts of readline's interface the search works with (its own, internal names). */
interface Editor {
  line: string;
  cursor: number;
  history: string[];
  setPrompt(prompt: string): void;
  getPrompt(): string;
  _refreshLine(): void;
}

/** One step of a search: the text looked for, and the history index it matched (-1: none). */
interface Step {
  query: string;
  index: number;
  failed: boolean;
}

/** Text without control characters (typed, or pasted). */
function printable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** The method readline sends every key to (a symbol in Node's newer code, a name in older). */
function ttyWriteKey(rl: object): string | symbol {
  for (let o: object | null = rl; o !== null; o = Object.getPrototypeOf(o)) {
    const sym = Object.getOwnPropertySymbols(o).find((s) => s.description === "_ttyWrite");
    if (sym !== undefined) return sym;
  }
  return "_ttyWrite";
}

/**
 * Give `rl` reverse history search on Ctrl-R.
 *
 * @param rl A terminal readline interface.
 */
export function addReverseSearch(rl: readline.Interface): void {
  const editor = rl as unknown as Editor;
  const key = ttyWriteKey(rl);
  const target = rl as unknown as Record<string | symbol, (s: string, k: Key) => void>;
  const original = target[key];
  if (typeof original !== "function") return;
  // While a search goes on: the prompt, line and cursor from before it, and its steps.
  let saved: { prompt: string; line: string; cursor: number } | null = null;
  let steps: Step[] = [];

  const find = (query: string, from: number): number => {
    if (query === "") return -1;
    for (let i = Math.max(from, 0); i < editor.history.length; i++) {
      if (editor.history[i].includes(query)) return i;
    }
    return -2;
  };
  const show = (): void => {
    const step = steps[steps.length - 1];
    editor.setPrompt(`(${step.failed ? "failed " : ""}reverse-i-search)\`${step.query}': `);
    if (step.index >= 0) {
      editor.line = editor.history[step.index];
      editor.cursor = Math.max(0, editor.line.indexOf(step.query));
    } else if (step.query === "") {
      editor.line = saved!.line;
      editor.cursor = saved!.cursor;
    }
    editor._refreshLine();
  };
  /** Narrow the search to `query`, from the history index `from`. */
  const search = (query: string, from: number): void => {
    const last = steps[steps.length - 1];
    const index = find(query, from);
    steps.push(
      index === -2 ? { query, index: last.index, failed: true } : { query, index, failed: false },
    );
    show();
  };
  /** End the search: the line found stays (or the saved one comes back), the prompt too. */
  const end = (restore: boolean): void => {
    const before = saved!;
    saved = null;
    steps = [];
    if (restore) {
      editor.line = before.line;
      editor.cursor = before.cursor;
    }
    editor.setPrompt(before.prompt);
    editor._refreshLine();
  };

  const onKey = function (this: unknown, s: string, k: Key = {}): void {
    if (saved === null) {
      if (k.ctrl && k.name === "r") {
        saved = { prompt: editor.getPrompt(), line: editor.line, cursor: editor.cursor };
        steps = [{ query: "", index: -1, failed: false }];
        show();
        return;
      }
      return original.call(rl, s, k);
    }
    const step = steps[steps.length - 1];
    if (k.ctrl && k.name === "r") {
      search(step.query, step.index + 1);
    } else if (k.ctrl && k.name === "g") {
      end(true);
    } else if (k.name === "backspace") {
      if (steps.length > 1) steps.pop();
      show();
    } else if (k.name === "escape") {
      end(false);
    } else if (typeof s === "string" && s !== "" && !k.ctrl && !k.meta && printable(s)) {
      search(step.query + s, Math.max(step.index, 0));
    } else {
      // Enter runs the line found; Ctrl-C drops it; any other key edits it.
      end(false);
      original.call(rl, s, k);
    }
  };
  // (an own property: the prototype's may be a getter)
  Object.defineProperty(rl, key, { value: onKey, writable: true, configurable: true });
}
