/**
 * Running code in the REPL's scope: every input is evaluated with a global
 * (indirect) `eval`, inside `with (scope) { … }` (see `transform.ts`). The
 * scope object holds what inputs declare with `let`, `const`, `class` and
 * `import`, so the bindings persist, closures made by one input see the
 * bindings of the next, and a name can be declared again. `var` and
 * `function` declarations are global variables, as at a script's top level.
 *
 * Why not the inspector's `Runtime.evaluate({ replMode: true })`, which
 * Deno's own REPL uses: driven from JavaScript through `node:inspector`, it
 * made Deno 2.9.6 abort ("Invoke in DisallowJavascriptExecutionScope") about
 * once in a few thousand evaluations, when a garbage collection fell between
 * an evaluation and its reply.
 *
 * @module
 */

/** The hook object every evaluation can reach: `globalThis[HOOK]`. */
export const HOOK: unique symbol = Symbol.for("yieldfrom.asyncio.repl") as never;

/** The outcome of an evaluation: a value, or what was thrown. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The names of an input's declarations (see `Plan` in `transform.ts`). */
export interface Declarations {
  /** `let`, `const`, `class`, `import` names. */
  lets: string[];
  /** `const` names (read-only once the input has run). */
  consts: string[];
  /** `var` and `function` names (global variables). */
  globals: string[];
}

const globalEval = eval;

/** Evaluates code in the REPL's scope. */
export class Evaluator {
  /** The REPL's top-level bindings (`let`, `const`, `class`, `import`). */
  readonly scope: Record<string, unknown> = Object.create(null);

  constructor() {
    const g = globalThis as unknown as Record<symbol, Record<string, unknown>>;
    (g[HOOK] ??= {}).scope = this.scope;
  }

  /**
   * Declare an input's names before it runs: `let`-like names become scope
   * bindings (`undefined` until assigned); `var` and `function` names lose
   * any scope binding that would hide the global variable.
   *
   * @param decl The input's declarations.
   * @param makeGlobals Create the `var` names as globals now (an async
   * input's `var` statements became assignments).
   */
  declare(decl: Declarations, makeGlobals: boolean): void {
    const g = globalThis as unknown as Record<string, unknown>;
    for (const name of decl.globals) {
      delete this.scope[name];
      if (makeGlobals && !(name in g)) g[name] = undefined;
    }
    for (const name of decl.lets) {
      Object.defineProperty(this.scope, name, {
        value: undefined,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }

  /**
   * Make an input's `const` bindings read-only (assigning one throws
   * `TypeError`, as for a `const`), once the input has run.
   *
   * @param consts The names.
   */
  seal(consts: string[]): void {
    for (const name of consts) {
      const desc = Object.getOwnPropertyDescriptor(this.scope, name);
      if (desc === undefined || !("value" in desc)) continue;
      const value = desc.value;
      Object.defineProperty(this.scope, name, {
        get: () => value,
        set: () => {
          throw new TypeError(`Assignment to constant variable '${name}'.`);
        },
        enumerable: true,
        configurable: true,
      });
    }
  }

  /**
   * Define a binding in the scope (it hides a global of the same name).
   *
   * @param name The name.
   * @param value Its value.
   */
  define(name: string, value: unknown): void {
    Object.defineProperty(this.scope, name, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  /**
   * Evaluate code made by `transform.ts`.
   *
   * @param code The code.
   * @returns Its completion value, or what it threw.
   */
  evaluate(code: string): Outcome {
    try {
      return { ok: true, value: globalEval(code) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** The names bound in the scope. */
  names(): string[] {
    return Object.keys(this.scope);
  }

  /**
   * The property names (own and inherited) of what a chain of names such as
   * `a.b.c` refers to, found without calling getters; `[]` when it cannot
   * be found that way.
   *
   * @param chain Identifiers separated by dots.
   */
  propertyNames(chain: string): string[] {
    const parts = chain.split(".");
    let value: unknown = parts[0] in this.scope
      ? this.#read(this.scope, parts[0])
      : this.#read(globalThis, parts[0]);
    for (const part of parts.slice(1)) {
      if (value === null || value === undefined) return [];
      value = this.#read(Object(value), part);
    }
    if (value === null || value === undefined || value === NOT_FOUND) return [];
    const names = new Set<string>();
    for (let o: object | null = Object(value); o !== null; o = Object.getPrototypeOf(o)) {
      for (const k of Object.getOwnPropertyNames(o)) names.add(k);
    }
    return [...names];
  }

  /** A data property's value, looking up the prototype chain; getters are not called. */
  #read(obj: object, key: string): unknown {
    for (let o: object | null = obj; o !== null; o = Object.getPrototypeOf(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, key);
      if (desc === undefined) continue;
      // A const binding of the scope is an accessor the REPL made: safe to read.
      if (o === this.scope) return (this.scope as Record<string, unknown>)[key];
      return "value" in desc ? desc.value : NOT_FOUND;
    }
    return NOT_FOUND;
  }
}

const NOT_FOUND = Symbol("not found");
