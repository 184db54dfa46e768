/**
 * Formatting shared by reprs, error messages and the default exception
 * handler (CPython's `format_helpers.py` and `reprlib`).
 *
 * @module
 */

/** Objects with a Python-style repr implement this method. */
export const REPR: unique symbol = Symbol.for("yieldfrom.asyncio.repr");

/**
 * @internal Show the objects of `cls` by their `[REPR]()`: as their
 * `toString()` and in Deno's console (`Deno.customInspect`).
 */
export function inspectable(cls: { prototype: { [REPR](): string } }): void {
  for (const key of ["toString", Symbol.for("Deno.customInspect")]) {
    Object.defineProperty(cls.prototype, key, {
      value: reprMethod,
      writable: true,
      configurable: true,
    });
  }
}

function reprMethod(this: { [REPR](): string }): string {
  return this[REPR]();
}

const MAX_STRING = 60;
const MAX_ITEMS = 6;

function reprString(s: string, limit: boolean): string {
  if (limit && s.length > MAX_STRING) {
    s = s.slice(0, MAX_STRING / 2 - 2) + "..." + s.slice(s.length - (MAX_STRING / 2 - 1));
  }
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch < " ") out += "\\x" + ch.charCodeAt(0).toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

function reprNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  return String(n);
}

function items(list: Iterable<unknown>, depth: number, limit: boolean): string {
  const out: string[] = [];
  let n = 0;
  for (const v of list) {
    if (limit && n === MAX_ITEMS) {
      out.push("...");
      break;
    }
    out.push(reprValue(v, depth + 1, limit));
    n++;
  }
  return out.join(", ");
}

function reprValue(value: unknown, depth: number, limit: boolean): string {
  switch (typeof value) {
    case "string":
      return reprString(value, limit);
    case "number":
      return reprNumber(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "True" : "False";
    case "undefined":
      return "None";
    case "symbol":
      return value.toString();
    case "function":
      return `<function ${value.name || "<anonymous>"}>`;
  }
  if (value === null) return "None";
  if (depth > 4) return "...";
  const obj = value as Record<PropertyKey, unknown>;
  if (typeof obj[REPR] === "function") return (obj[REPR] as () => string)();
  if (value instanceof Error) {
    const msg = value.message === "" ? "" : reprString(value.message, limit);
    return `${value.name}(${msg})`;
  }
  if (Array.isArray(value)) return `[${items(value, depth, limit)}]`;
  if (value instanceof Set) return value.size === 0 ? "set()" : `{${items(value, depth, limit)}}`;
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) {
      parts.push(`${reprValue(k, depth + 1, limit)}: ${reprValue(v, depth + 1, limit)}`);
    }
    return `{${parts.join(", ")}}`;
  }
  if (value instanceof Uint8Array) {
    let s = "b'";
    for (const b of value) {
      s += b >= 32 && b < 127 && b !== 39 && b !== 92
        ? String.fromCharCode(b)
        : "\\x" + b.toString(16).padStart(2, "0");
    }
    return s + "'";
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const parts = Object.entries(value as object).map(([k, v]) =>
      `${reprString(k, limit)}: ${reprValue(v, depth + 1, limit)}`
    );
    return `{${parts.join(", ")}}`;
  }
  if (typeof (value as { then?: unknown }).then === "function") return "<Promise>";
  const name = proto?.constructor?.name ?? "object";
  return `<${name} object>`;
}

/**
 * Python's `repr()` of a JavaScript value: strings quoted as Python quotes
 * them, `null`/`undefined` as `None`, booleans as `True`/`False`, arrays as
 * lists, Sets as sets, errors as `ValueError('msg')`, and objects with a
 * `[REPR]` method (Futures, Tasks, Handles) by that method.
 *
 * @param value Anything.
 * @returns Its Python-style repr.
 */
export function repr(value: unknown): string {
  return reprValue(value, 0, false);
}

/** Like {@linkcode repr}, but long strings and lists are shortened (reprlib). */
export function shortRepr(value: unknown): string {
  return reprValue(value, 0, true);
}

/** Whether `x` is a generator object (what Python counts as a generator-based coroutine). */
export function isGeneratorObject(x: unknown): boolean {
  return Object.prototype.toString.call(x) === "[object Generator]";
}

/**
 * Describe a value for an error message: its repr and its type, e.g.
 * `42 (a number)`, `'x' (a string)`, `a Promise`, `a generator object`.
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return `${String(value)} (a ${typeof value})`;
    case "string":
      return `${reprString(value, true)} (a string)`;
    case "function":
      return `the function ${value.name || "<anonymous>"}`;
    case "symbol":
      return `${value.toString()} (a symbol)`;
  }
  const obj = value as Record<PropertyKey, unknown>;
  if (typeof obj[REPR] === "function") return (obj[REPR] as () => string)();
  if (isGeneratorObject(value)) return "a generator object";
  if (Object.prototype.toString.call(value) === "[object AsyncGenerator]") {
    return "an async generator object";
  }
  if (value instanceof Promise) return "a Promise";
  if (typeof obj.then === "function") return "a thenable";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `a ${name} object` : `an object`;
}

/**
 * The source location (`file:line`) of the code that called the function
 * `skip` frames above this one, or `undefined` when the stack says nothing.
 */
export function callerLocation(skip: number): string | undefined {
  // lines[0] is "Error", lines[1] is this function.
  return stackLocation(new Error(), 2 + skip);
}

/**
 * The source location (`file:line`) of frame `index` of `error`'s stack
 * (`stack.split("\n")[index]`), or `undefined` when the stack says
 * nothing. Capturing an `Error` is cheap; reading its `stack` (formatting,
 * source maps) is what costs, so callers that may never need the location
 * keep the `Error` and call this when they do.
 */
export function stackLocation(error: Error, index: number): string | undefined {
  const stack = error.stack;
  if (stack === undefined) return undefined;
  const line = stack.split("\n")[index];
  if (line === undefined) return undefined;
  const m = /\(?((?:file|https?|npm|jsr|node|ext):[^\s()]+?):(\d+):\d+\)?\s*$/.exec(line);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** The stack of an error, or its `String()` when it has none. */
export function formatException(exc: unknown): string {
  if (exc instanceof Error) {
    let text = exc.stack ?? `${exc.name}: ${exc.message}`;
    if (exc instanceof AggregateError && exc.errors.length > 0) {
      exc.errors.forEach((sub, i) => {
        const body = formatException(sub).split("\n").map((l) => "  | " + l).join("\n");
        text += `\n  +---------------- ${i + 1} ----------------\n${body}`;
      });
    }
    if (exc.cause !== undefined) {
      text = formatException(exc.cause) +
        "\n\nThe above exception was the direct cause of the following exception:\n\n" + text;
    }
    return text;
  }
  return repr(exc);
}
