/**
 * Running a batch of programs on both sides and comparing their traces line
 * by line.
 */
import type { Program } from "./ast.ts";
import { emitPython } from "./emit_python.ts";
import { emitTs, type Style, STYLES } from "./emit_ts.ts";
import { compile, runProgram } from "./prelude.ts";
import { installProbes, probes, resetProbes } from "./probe.ts";
import { runPython } from "./run_python.ts";

/** Where two traces part. */
export interface Divergence {
  /** Index of the first differing line. */
  line: number;
  /** CPython's line there (`undefined`: its trace ended). */
  python: string | undefined;
  /** Ours (`undefined`: our trace ended). */
  ours: string | undefined;
  /** Both traces in full. */
  pythonTrace: string[];
  oursTrace: string[];
}

/** The first difference of two traces, or null when they are equal. */
export function diff(python: string[], ours: string[]): Divergence | null {
  const n = Math.max(python.length, ours.length);
  for (let i = 0; i < n; i++) {
    if (python[i] !== ours[i]) {
      return { line: i, python: python[i], ours: ours[i], pythonTrace: python, oursTrace: ours };
    }
  }
  return null;
}

/** What checking one program found, per style. */
export interface Outcome {
  program: Program;
  /** CPython could not run it (a fuzzer bug, not a runtime bug). */
  pythonError: string | null;
  /** The divergence of each style, null where the traces agree. */
  styles: Record<Style, Divergence | null>;
  /** How often each style's run took the code paths of known divergences (see probe.ts). */
  probes: Record<Style, typeof probes>;
}

/** Our trace of a program in one style. */
export function runOurs(p: Program, style: Style): Promise<string[]> {
  return runProgram(compile(emitTs(p, style)));
}

installProbes();

/**
 * Run programs under CPython (one process for the batch) and on our runtime
 * in the given styles (in this process, one fresh loop each).
 */
export async function check(
  programs: Program[],
  styles: readonly Style[] = STYLES,
): Promise<Outcome[]> {
  const py = await runPython(programs.map((p, i) => ({ id: String(i), code: emitPython(p) })));
  const out: Outcome[] = [];
  for (const [i, program] of programs.entries()) {
    const ref = py.get(String(i))!;
    const result: Outcome = {
      program,
      pythonError: ref.error,
      styles: { generator: null, async: null },
      probes: { generator: { ...probes }, async: { ...probes } },
    };
    if (ref.error === null) {
      for (const style of styles) {
        resetProbes();
        result.styles[style] = diff(ref.lines, await runOurs(program, style));
        result.probes[style] = { ...probes };
      }
    }
    out.push(result);
  }
  return out;
}
