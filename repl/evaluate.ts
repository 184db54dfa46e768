/**
 * Running code in the REPL's global scope through an in-process
 * `node:inspector` session: `Runtime.evaluate` with `replMode` keeps
 * top-level `let`, `const` and `class` bindings alive and re-declarable
 * across inputs, as Deno's own REPL does.
 *
 * Never give it code with top-level `await` (Deno 2.9.6 panics when another
 * `Session.post` arrives while such an evaluation is pending): `transform.ts`
 * turns such input into a function first.
 *
 * @module
 */

import { Session } from "node:inspector";

/** The hook object every evaluation can reach: `globalThis[HOOK]`. */
export const HOOK: unique symbol = Symbol.for("yieldfrom.asyncio.repl") as never;

/** The outcome of an evaluation: a value, or what was thrown. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface RemoteObject {
  type: string;
  subtype?: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
}

interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { exception?: RemoteObject; text?: string };
}

const GROUP = "yieldfrom-repl";
const TAKE = `function (v) { globalThis[Symbol.for("yieldfrom.asyncio.repl")].taken = v; }`;
const NAMES = `function () {
  const names = new Set();
  for (let o = this; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  }
  return [...names];
}`;

/** Evaluates code in the global scope, in V8's REPL mode. */
export class Evaluator {
  #session: Session;
  #hook: Record<string, unknown>;

  constructor() {
    this.#session = new Session();
    this.#session.connect();
    const g = globalThis as unknown as Record<symbol, Record<string, unknown>>;
    this.#hook = g[HOOK] ??= {};
  }

  #post<T>(method: string, params: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#session.post(method, params, (err: Error | null, result: unknown) => {
        if (err) reject(err);
        else resolve(result as T);
      });
    });
  }

  /**
   * The JavaScript value a remote object stands for, in a box: an async
   * function returning a thenable (a Task, a Promise) would wait for it.
   */
  async #value(obj: RemoteObject | undefined): Promise<{ value: unknown }> {
    if (obj === undefined) return { value: undefined };
    if (obj.objectId !== undefined) {
      await this.#post("Runtime.callFunctionOn", {
        functionDeclaration: TAKE,
        objectId: obj.objectId,
        arguments: [{ objectId: obj.objectId }],
        silent: true,
      });
      const value = this.#hook.taken;
      this.#hook.taken = undefined;
      return { value };
    }
    if (obj.type === "undefined") return { value: undefined };
    if (obj.subtype === "null") return { value: null };
    const u = obj.unserializableValue;
    if (u !== undefined) {
      return { value: obj.type === "bigint" ? BigInt(u.slice(0, -1)) : Number(u) };
    }
    return { value: obj.value };
  }

  /**
   * Evaluate `code` in the global scope (REPL mode: top-level bindings
   * persist and can be declared again).
   *
   * @param code JavaScript without top-level `await`.
   * @returns The completion value, or the thrown value.
   */
  async evaluate(code: string): Promise<Outcome> {
    try {
      const r = await this.#post<EvaluateResult>("Runtime.evaluate", {
        expression: code,
        replMode: true,
        objectGroup: GROUP,
        silent: true,
      });
      if (r.exceptionDetails !== undefined) {
        return { ok: false, error: (await this.#value(r.exceptionDetails.exception)).value };
      }
      return { ok: true, value: (await this.#value(r.result)).value };
    } finally {
      await this.#post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    }
  }

  /** The names of the global lexical scope (top-level `let`, `const`, `class`). */
  async lexicalNames(): Promise<string[]> {
    const r = await this.#post<{ names: string[] }>("Runtime.globalLexicalScopeNames", {});
    return r.names;
  }

  /**
   * The property names of what `expression` evaluates to (own and
   * inherited), evaluated without side effects; `[]` when that is not
   * possible.
   *
   * @param expression A simple expression such as `a.b`.
   */
  async propertyNames(expression: string): Promise<string[]> {
    try {
      const r = await this.#post<EvaluateResult>("Runtime.evaluate", {
        expression,
        replMode: true,
        throwOnSideEffect: true,
        objectGroup: GROUP,
        silent: true,
        timeout: 200,
      });
      if (r.exceptionDetails !== undefined) return [];
      const obj = r.result;
      let target = obj.objectId;
      if (target === undefined) {
        const proto = ({
          string: "String.prototype",
          number: "Number.prototype",
          boolean: "Boolean.prototype",
          bigint: "BigInt.prototype",
        } as Record<string, string>)[obj.type];
        if (proto === undefined) return [];
        const p = await this.#post<EvaluateResult>("Runtime.evaluate", {
          expression: proto,
          objectGroup: GROUP,
          silent: true,
        });
        target = p.result.objectId;
        if (target === undefined) return [];
      }
      const names = await this.#post<EvaluateResult>("Runtime.callFunctionOn", {
        functionDeclaration: NAMES,
        objectId: target,
        returnByValue: true,
        silent: true,
      });
      return Array.isArray(names.result.value) ? names.result.value as string[] : [];
    } catch {
      return [];
    } finally {
      await this.#post("Runtime.releaseObjectGroup", { objectGroup: GROUP });
    }
  }

  /** Disconnect the session. */
  close(): void {
    this.#session.disconnect();
  }
}
