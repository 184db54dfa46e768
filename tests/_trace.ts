/**
 * Test helpers: a Python-style `print` that records lines, and the traces
 * recorded by running the reference programs in `tests/python/` under
 * CPython (`python3 tests/python/X.py > tests/python/X.out`).
 */

import { repr } from "../lib/format_helpers.ts";

/** Records what a program prints, formatted as Python's `print` would. */
export class Trace {
  lines: string[] = [];
  print = (...args: unknown[]): void => {
    this.lines.push(args.map((a) => (typeof a === "string" ? a : repr(a))).join(" "));
  };
}

const here = new URL("./python/", import.meta.url);

/**
 * The lines printed by section `name` (after its `== name` header) of the
 * recorded CPython output `tests/python/<file>.out`.
 */
export function pythonTrace(file: string, name: string): string[] {
  const text = Deno.readTextFileSync(new URL(`${file}.out`, here));
  const lines = text.split("\n");
  const start = lines.indexOf(`== ${name}`);
  if (start < 0) throw new Error(`no section "== ${name}" in tests/python/${file}.out`);
  const out: string[] = [];
  for (let i = start + 1; i < lines.length && !lines[i].startsWith("== "); i++) out.push(lines[i]);
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}
