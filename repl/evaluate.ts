/**
 * Running code in the REPL's global scope: each input is a script run with
 * `node:vm`'s `runInThisContext`, so its top-level names live in the global
 * scope like those of `<script>` tags: `let` bindings declared by one input
 * are seen (and closed over) by the next. `transform.ts` turns declarations
 * into assignments; this file declares the names first (`let a, b;`), once
 * per name, which is what makes declaring a name again possible.
 *
 * Why not the inspector's `Runtime.evaluate({ replMode: true })`, which
 * Deno's own REPL uses: driven from JavaScript through `node:inspector`, it
 * made Deno 2.9.6 abort ("Invoke in DisallowJavascriptExecutionScope") about
 * once in a few thousand evaluations.
 *
 * @module
 */

import vm from "node:vm";

/** The hook object every evaluation can reach: `globalThis[HOOK]`. */
export const HOOK: unique symbol = Symbol.for("yieldfrom.asyncio.repl") as never;

/** The outcome of an evaluation: a value, or what was thrown. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The names of an input's declarations (see `Plan` in `transform.ts`). */
export interface Declarations {
  /** Let-like names (`let`, `const`, `class`, `import`). */
  lets: string[];
  /** `var` and `function` names (global variables). */
  globals: string[];
}

/** Where frames of code typed at the REPL say they are: `<repl>:LINE:COLUMN`. */
export const FILENAME = "<repl>";

const OPTIONS = {
  filename: FILENAME,
  displayErrors: false,
  // `import()` in typed code resolves as in the main module (import map,
  // `npm:`), relative paths from the working directory.
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
} as vm.RunningScriptOptions;

/** Where code comes from, for the positions in stack traces. */
export interface Origin {
  /** The file name frames show (default {@linkcode FILENAME}). */
  filename?: string;
  /** Added to line numbers (`-1`: the code's first line is a header of the REPL's). */
  lineOffset?: number;
  /** Added to the first line's columns. */
  columnOffset?: number;
}

/** Evaluates code in the global scope, remembering the names the REPL declared. */
export class Evaluator {
  /** Global lexical (`let`) bindings declared so far. */
  readonly lexicals: Set<string> = new Set();
  /** Global variables (`var`, `function`) declared so far. */
  readonly globals: Set<string> = new Set();

  /**
   * Declare an input's names before it runs: each new let-like name once
   * (`let a, b;`); with `asVar`, the `var` and `function` names too (an
   * async input's code is a function, where they would be local).
   *
   * @param decl The input's declarations.
   * @param asVar Declare the global names with `var`.
   * @returns `{ ok: false }` when a name cannot be declared (a `var` of the
   * same name exists that the REPL did not make).
   */
  declare(decl: Declarations, asVar: boolean): Outcome {
    const fresh = decl.lets.filter((n) => !this.lexicals.has(n));
    let code = "";
    if (fresh.length > 0) code += `let ${fresh.join(", ")};`;
    if (asVar && decl.globals.length > 0) code += `var ${decl.globals.join(", ")};`;
    if (code !== "") {
      const r = this.evaluate(code);
      if (!r.ok) return r;
    }
    for (const n of fresh) this.lexicals.add(n);
    for (const n of decl.globals) this.globals.add(n);
    return { ok: true, value: undefined };
  }

  /**
   * Bind `name` to `value` as a global lexical binding, which hides a global
   * object property of the same name (the host's stays on `globalThis`).
   *
   * @param name The name.
   * @param value Its value.
   */
  define(name: string, value: unknown): void {
    const hook = (globalThis as unknown as Record<symbol, Record<string, unknown>>)[HOOK] ??= {};
    hook.value = value;
    this.declare({ lets: [name], globals: [] }, false);
    this.evaluate(`${name} = globalThis[Symbol.for("yieldfrom.asyncio.repl")].value;`);
    hook.value = undefined;
  }

  /**
   * Run code made by `transform.ts` as a script in the global scope.
   *
   * @param code The code.
   * @returns Its completion value, or what it threw.
   */
  evaluate(code: string): Outcome {
    try {
      return { ok: true, value: vm.runInThisContext(code, OPTIONS) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * Compile code without running it: a syntax error is found before
   * anything is declared.
   *
   * @param code The code.
   * @param origin The file name and offsets its frames show.
   * @returns The script (run it with {@linkcode run}), or the syntax error.
   */
  compile(code: string, origin: Origin = {}): Outcome {
    try {
      const options = { ...OPTIONS, ...origin, filename: origin.filename ?? FILENAME };
      return { ok: true, value: new vm.Script(code, options as vm.ScriptOptions) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * Run a script made by {@linkcode compile} in the global scope.
   *
   * @param script The script.
   * @returns Its completion value, or what it threw.
   */
  run(script: unknown): Outcome {
    try {
      return { ok: true, value: (script as vm.Script).runInThisContext(OPTIONS) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** The names declared at the REPL. */
  names(): string[] {
    return [...this.lexicals, ...this.globals];
  }

  /**
   * The property names (own and inherited) of what a chain of names such as
   * `a.b.c` refers to, found without calling getters; `[]` when it cannot
   * be found that way.
   *
   * @param chain Identifiers separated by dots.
   */
  propertyNames(chain: string): string[] {
    const [first, ...rest] = chain.split(".");
    let value: unknown;
    if (this.lexicals.has(first)) {
      // Reading a let binding has no side effects.
      const r = this.evaluate(first);
      value = r.ok ? r.value : NOT_FOUND;
    } else {
      value = read(globalThis, first);
    }
    for (const part of rest) {
      if (value === null || value === undefined || value === NOT_FOUND) return [];
      value = read(Object(value), part);
    }
    if (value === null || value === undefined || value === NOT_FOUND) return [];
    const names = new Set<string>();
    for (let o: object | null = Object(value); o !== null; o = Object.getPrototypeOf(o)) {
      for (const k of Object.getOwnPropertyNames(o)) names.add(k);
    }
    return [...names];
  }
}

const NOT_FOUND = Symbol("not found");

/** A data property's value, looking up the prototype chain; getters are not called. */
function read(obj: object, key: string): unknown {
  for (let o: object | null = obj; o !== null; o = Object.getPrototypeOf(o)) {
    const desc = Object.getOwnPropertyDescriptor(o, key);
    if (desc === undefined) continue;
    return "value" in desc ? desc.value : NOT_FOUND;
  }
  return NOT_FOUND;
}
