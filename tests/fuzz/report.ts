/**
 * How divergences are shown: the program in both languages (runnable as they
 * are printed) and the two traces side by side from the first difference.
 */
import type { Program } from "./ast.ts";
import type { Divergence } from "./compare.ts";
import { emitPython } from "./emit_python.ts";
import { standalone, type Style } from "./emit_ts.ts";

const here = new URL(".", import.meta.url);

/** The Python program as a script that runs by itself (from any directory). */
export function pythonScript(p: Program): string {
  return `import sys\nsys.path.insert(0, ${JSON.stringify(here.pathname)})\n` +
    `from harness import *  # noqa: F403\n\n${emitPython(p)}\nrun_standalone(main)\n`;
}

/** The TypeScript program as a module that runs by itself. */
export function tsModule(p: Program, style: Style): string {
  return standalone(p, style, new URL("prelude.ts", here).href);
}

/**
 * A one-line summary of a divergence, with statement numbers and times
 * blanked so that divergences of one kind share it.
 */
export function signature(d: Divergence): string {
  const norm = (line: string | undefined) =>
    line === undefined ? "<end>" : line.replace(/^t=\S+ \S+ /, "")
      .replace(/\bs\d+:/g, "s:").replace(/\b(s|r|T|E|Q|F|f)\d+\b/g, "$1#");
  return `python: ${norm(d.python)} | ours: ${norm(d.ours)}`;
}

/** The traces from a few lines before the first difference. */
export function traces(d: Divergence, context = 3): string {
  const from = Math.max(0, d.line - context);
  const show = (trace: string[]) =>
    trace.slice(from).map((l, i) => `${from + i === d.line ? ">" : " "} ${l}`).join("\n");
  return `CPython:\n${show(d.pythonTrace)}\nours:\n${show(d.oursTrace)}`;
}
