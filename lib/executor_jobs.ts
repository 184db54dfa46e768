/**
 * What crosses from the executor to a worker and back: the function
 * (`workerFunction` for a module export, or source text checked for captured
 * variables), the arguments (structured-cloned), and the errors a job throws
 * (rebuilt with their class, message and both threads' stacks).
 *
 * @module
 */

import * as errors from "./errors.ts";
import { RuntimeError, ValueError } from "./errors.ts";
import { type EncodedError, WORKER_SOURCE_URL } from "./executor_worker.ts";
import { describe } from "./format_helpers.ts";
import { freeVariables, functionExpression, workerGlobals } from "./function_source.ts";

/** @internal How a function reaches a worker: its source, or a module export. */
export interface FnRef {
  id: number;
  name: string;
  src?: string;
  url?: string;
  exportName?: string;
}

let nextFnId = 1;
// deno-lint-ignore ban-types
const fnRefs = new WeakMap<Function, FnRef>();
const moduleFunctions = new Map<string, (...args: never[]) => unknown>();
// One id per source text: an arrow function written inline in a loop is a
// new object each time, but the worker compiles and keeps it only once.
const sourceRefs = new Map<string, FnRef>();

/**
 * A function that a worker imports from a module, for
 * `executor.submit()`, `loop.runInExecutor()` and `toThread()`: the worker
 * runs `(await import(moduleUrl))[exportName](...args)`. Use it for a
 * function that needs imports or module-level values, which a function sent
 * as source text cannot see.
 *
 * The worker imports the module, so its top level runs again there: guard a
 * script's main code with `if (import.meta.main)` (Python's
 * `if __name__ == "__main__":`). Importing a `file:` module needs
 * `--allow-read`, a remote one `--allow-import`.
 *
 * Called directly, the returned function throws: it only runs in a worker.
 *
 * @typeParam F The type of the exported function, for typed arguments and results.
 * @param moduleUrl The module's absolute URL, usually `import.meta.url`.
 * @param exportName The name of the exported function.
 * @returns A function to pass to an executor.
 *
 * @example A module given by URL (a `data:` URL needs no permission)
 * ```ts
 * import { run, toThread, workerFunction } from "@yieldfrom/asyncio";
 *
 * const square = workerFunction<(x: number) => number>(
 *   "data:text/javascript,export function square(x) { return x * x; }",
 *   "square",
 * );
 * console.log(await run(() => toThread(square, 7))); // 49
 * ```
 *
 * @example The usual form: a script that sends its own function (run with `--allow-read`)
 * ```ts ignore
 * // jobs.ts
 * import { blockingSleep, run, toThread, workerFunction } from "@yieldfrom/asyncio";
 *
 * export function slowSquare(x: number): number {
 *   blockingSleep(0.1); // blocks the worker, not the event loop
 *   return x * x;
 * }
 *
 * if (import.meta.main) {
 *   const square = workerFunction<typeof slowSquare>(import.meta.url, "slowSquare");
 *   console.log(await run(() => toThread(square, 7))); // 49
 * }
 * ```
 */
// deno-lint-ignore no-explicit-any
export function workerFunction<F extends (...args: any[]) => any = (...args: any[]) => any>(
  moduleUrl: string | URL,
  exportName: string,
): F {
  if (typeof moduleUrl !== "string" && !(moduleUrl instanceof URL)) {
    throw new TypeError(
      `workerFunction(): moduleUrl must be a URL or a string, got ${describe(moduleUrl)}; ` +
        "pass import.meta.url",
    );
  }
  let url: string;
  try {
    url = new URL(moduleUrl).href;
  } catch {
    throw new ValueError(
      `workerFunction(): moduleUrl must be an absolute URL, got ${describe(String(moduleUrl))}; ` +
        `pass import.meta.url, or new URL("./jobs.ts", import.meta.url)`,
    );
  }
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(
      `workerFunction(): exportName must be the name of an exported function, got ${
        describe(exportName)
      }`,
    );
  }
  const key = `${url}#${exportName}`;
  let fn = moduleFunctions.get(key);
  if (fn === undefined) {
    fn = () => {
      throw new RuntimeError(
        `workerFunction(${JSON.stringify(url)}, ${JSON.stringify(exportName)}) runs in a ` +
          `worker: pass it to executor.submit(), loop.runInExecutor() or toThread(); to call ` +
          `it here, import ${exportName} from its module`,
      );
    };
    Object.defineProperty(fn, "name", { value: exportName });
    fnRefs.set(fn, { id: nextFnId++, name: exportName, url, exportName });
    moduleFunctions.set(key, fn);
  }
  return fn as F;
}

/** @internal Check that `fn` can be sent to a worker and say how (cached per function). */
export function prepare(fn: unknown, where: string): FnRef {
  if (typeof fn !== "function") {
    throw new TypeError(`${where}: expected a function to run in a worker, got ${describe(fn)}`);
  }
  let ref = fnRefs.get(fn);
  if (ref !== undefined) return ref;
  const name = fn.name || "<anonymous>";
  // A bound function is named "bound f": the hint names f, the function to export.
  const target = fn.name.replace(/^(bound )+/, "");
  const bound = target !== fn.name
    ? ` (instead of binding arguments, pass them after the function: ${
      where.replace(/\(\)$/, "")
    }` +
      `(fn, ...args))`
    : "";
  const hint = `export it from a module, guard the module's main code with ` +
    `\`if (import.meta.main)\`, and pass workerFunction(import.meta.url, ${
      JSON.stringify(target || "name")
    })${bound}`;
  const expr = functionExpression(fn as (...args: never[]) => unknown);
  if (expr.startsWith("!")) {
    throw new TypeError(`${where}: ${name} cannot be sent to a worker: ${expr.slice(1)}; ${hint}`);
  }
  const free = freeVariables(expr, workerGlobals());
  if (free !== null && free.length > 0) {
    const names = free.map((v) => `\`${v}\``).join(", ");
    throw new TypeError(
      `${where}: ${name} uses ${names} from the code around it (it captures ` +
        `${free.length === 1 ? "a variable" : "variables"}), but a function is sent to a ` +
        `worker as its source text and runs there on its own. Pass the value${
          free.length === 1 ? "" : "s"
        } as arguments, or ${hint}`,
    );
  }
  ref = sourceRefs.get(expr);
  if (ref === undefined || ref.name !== fn.name) {
    ref = { id: nextFnId++, name: fn.name, src: expr };
    sourceRefs.set(expr, ref);
  }
  fnRefs.set(fn, ref);
  return ref;
}

/** @internal The error for arguments that cannot be structured-cloned, naming the first culprit. */
export function cloneError(args: unknown[], e: unknown, where: string, name: string): TypeError {
  const why = (e as Error)?.message ?? String(e);
  for (let i = 0; i < args.length; i++) {
    try {
      structuredClone(args[i]);
    } catch (err) {
      return new TypeError(
        `${where}: argument ${i + 1} of ${name || "the job"} (${
          describe(args[i])
        }) cannot be structured-cloned to send it to a worker: ${
          String((err as Error)?.message ?? err).replace(/\.+$/, "")
        }. Arguments cross to the worker by structured clone: pass plain data ` +
          "(no functions; class instances arrive as plain objects)",
      );
    }
  }
  return new TypeError(
    `${where}: the arguments of ${name || "the job"} cannot be sent to a worker: ${why}`,
  );
}

// --- errors from workers ------------------------------------------------------

const LIB_DIR = new URL("./", import.meta.url).href;

type ErrorClass = new (...args: never[]) => Error;

function errorClass(name: string | undefined): ErrorClass | undefined {
  if (!name) return undefined;
  const lib = (errors as Record<string, unknown>)[name];
  const global = (globalThis as Record<string, unknown>)[name];
  const deno = (globalThis as { Deno?: { errors?: Record<string, unknown> } }).Deno?.errors?.[name];
  for (const c of [lib, global, deno]) {
    if (typeof c === "function" && (c === Error || c.prototype instanceof Error)) {
      return c as ErrorClass;
    }
  }
  return undefined;
}

function define(obj: object, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });
}

/**
 * @internal Rebuild a thrown value sent by a worker. For the job's own error
 * (`fn` given), `submitted` (an Error made where the job was submitted) adds
 * the submitting thread's stack.
 */
export function decodeError(
  enc: EncodedError,
  fn: FnRef | null,
  submitted: Error | null,
): unknown {
  if (!enc.error) return enc.value;
  const name = enc.name ?? "Error";
  let message = enc.message ?? "";
  if (
    fn !== null && fn.src !== undefined && name === "ReferenceError" &&
    / is not defined$/.test(message)
  ) {
    message += ` (${fn.name || "the job"} was sent to the worker as source text, so it ` +
      "cannot see variables around it: pass values as arguments, or export the function and " +
      "pass workerFunction(import.meta.url, name))";
  }
  const C = errorClass(enc.ctor) ?? errorClass(name) ?? Error;
  const subs = enc.errors?.map((sub) => decodeError(sub, null, null));
  let err: Error;
  try {
    if (C === errors.ExceptionGroup || C.prototype instanceof errors.ExceptionGroup) {
      const group = (enc.props?.groupMessage as string | undefined) ?? message;
      err = new (C as unknown as typeof errors.ExceptionGroup)(group, subs ?? []);
    } else if (C === AggregateError || C.prototype instanceof AggregateError) {
      err = new (C as unknown as typeof AggregateError)(subs ?? [], message);
    } else if (C === DOMException) {
      err = new DOMException(message, name);
    } else {
      err = new (C as unknown as new (m: string) => Error)(message);
    }
  } catch {
    err = new Error(message);
  }
  define(err, "message", message);
  if (err.name !== name) define(err, "name", name);
  if (enc.props !== undefined) {
    for (const [k, v] of Object.entries(enc.props)) {
      if (k === "name") continue;
      try {
        (err as unknown as Record<string, unknown>)[k] = v;
      } catch {
        define(err, k, v);
      }
    }
  }
  if (enc.cause !== undefined) define(err, "cause", decodeError(enc.cause, null, null));
  const frames = (enc.stack ?? "").split("\n").filter((l) =>
    /^\s+at /.test(l) && !l.includes(WORKER_SOURCE_URL) && !l.includes("ext:")
  );
  let stack = `${name}: ${message}`;
  if (frames.length > 0) stack += "\n" + frames.join("\n");
  if (submitted !== null) {
    const here = (submitted.stack ?? "").split("\n").filter((l) =>
      /^\s+at /.test(l) && !l.includes(LIB_DIR) && !l.includes("ext:")
    );
    stack += `\n    --- in a worker; the job was submitted at ---` +
      (here.length > 0 ? "\n" + here.join("\n") : " (no stack)");
  }
  define(err, "stack", stack);
  return err;
}
