/**
 * Sending a function to a worker as source text: turn a function into an
 * expression that evaluates to it in another thread, and find the variables
 * it uses but does not declare (which it would miss there).
 *
 * The free-variable scan is a tokenizer plus a few syntax rules, not a full
 * parser. It errs on one side only: a name it cannot classify is taken as
 * declared, so it may miss a captured variable (the worker then fails with a
 * `ReferenceError`, which the executor explains) but never rejects a
 * self-contained function.
 *
 * @module
 */

const enum T {
  Ident,
  Punct,
  Str,
  Num,
  Regex,
  Template,
  Private,
}

interface Tok {
  t: T;
  v: string;
  /** A line break comes before it. */
  nl: boolean;
}

// Words that are never a reference to a variable of the enclosing scope,
// and contextual words the scan does not try to classify.
const NOT_REFERENCES = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "export",
  "extends",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "await",
  "async",
  "of",
  "get",
  "set",
  "accessor",
  "null",
  "true",
  "false",
  "arguments",
  "enum",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
]);

// After these words a `/` starts a regular expression, not a division.
const REGEX_AFTER_WORD = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "instanceof",
  "new",
  "delete",
  "void",
  "throw",
  "yield",
  "await",
  "of",
]);

// A `(` after these words is a statement head: `if (x) /re/.test(s)`.
const STATEMENT_HEAD = new Set(["if", "while", "for", "with"]);

const IDENT = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const NUMBER =
  /(?:0[xXoObB][\da-fA-F_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?)/y;
const PUNCT3 = new Set(["...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??="]);
const PUNCT2 = new Set([
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
]);

/** Split JavaScript source into tokens, or `null` when it cannot (then nothing is reported). */
function tokenize(src: string): Tok[] | null {
  const toks: Tok[] = [];
  // For each open bracket: which kind, and for `(` whether a statement keyword preceded it.
  const stack: { open: string; head: boolean }[] = [];
  let i = 0;
  let nl = false;
  const n = src.length;
  const push = (t: T, v: string): void => {
    toks.push({ t, v, nl });
    nl = false;
  };
  // Scan a template from just after "`" or "}"; returns false when unterminated.
  const template = (): boolean => {
    for (;;) {
      if (i >= n) return false;
      const c = src[i];
      if (c === "\\") i += 2;
      else if (c === "`") {
        i++;
        push(T.Template, "`");
        return true;
      } else if (c === "$" && src[i + 1] === "{") {
        i += 2;
        push(T.Template, "`");
        // The substitution reads as a parenthesised expression.
        push(T.Punct, "(");
        stack.push({ open: "${", head: false });
        return true;
      } else i++;
    }
  };
  const regexAllowed = (): boolean => {
    const prev = toks[toks.length - 1];
    if (prev === undefined) return true;
    switch (prev.t) {
      case T.Ident:
        return REGEX_AFTER_WORD.has(prev.v);
      case T.Punct:
        // After `)` of `if (...)` a regex; after other `)` and `]` a division. A `}`
        // is ambiguous: reading a division as a regex can only hide names
        // (or give up), never invent them, so `}` counts as a regex start.
        if (prev.v === ")") return lastClosedHead;
        return prev.v !== "]" && prev.v !== "++" && prev.v !== "--";
      default:
        return false;
    }
  };
  let lastClosedHead = false;
  while (i < n) {
    const c = src[i];
    if (c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029") {
      nl = true;
      i++;
      continue;
    }
    if (c === " " || c === "\t" || c === "\v" || c === "\f" || c === "\ufeff" || c === "\u00a0") {
      i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      while (i < n && src[i] !== "\n" && src[i] !== "\r") i++;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) return null;
      if (/[\n\r\u2028\u2029]/.test(src.slice(i, end))) nl = true;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) {
        if (src[j] === "\\") j++;
        else if (src[j] === "\n") return null;
        j++;
      }
      if (j >= n) return null;
      i = j + 1;
      push(T.Str, c);
      continue;
    }
    if (c === "`") {
      i++;
      if (!template()) return null;
      continue;
    }
    if (c === "#") {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (m === null) return null;
      i = IDENT.lastIndex;
      push(T.Private, m[0]);
      continue;
    }
    if (c === "\\") return null; // escapes in identifiers: give up
    IDENT.lastIndex = i;
    const id = IDENT.exec(src);
    if (id !== null) {
      i = IDENT.lastIndex;
      push(T.Ident, id[0]);
      continue;
    }
    if ((c >= "0" && c <= "9") || (c === "." && src[i + 1] >= "0" && src[i + 1] <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(src);
      if (m === null || m[0] === "") return null;
      i = NUMBER.lastIndex;
      push(T.Num, m[0]);
      continue;
    }
    if (c === "/" && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      for (; j < n; j++) {
        const d = src[j];
        if (d === "\\") j++;
        else if (d === "\n" || d === "\r") return null;
        else if (inClass) inClass = d !== "]";
        else if (d === "[") inClass = true;
        else if (d === "/") break;
      }
      if (j >= n) return null;
      j++;
      IDENT.lastIndex = j;
      if (IDENT.exec(src) !== null) j = IDENT.lastIndex; // flags
      i = j;
      push(T.Regex, "/");
      continue;
    }
    if (c === "(" || c === "[" || c === "{") {
      const prev = toks[toks.length - 1];
      stack.push({
        open: c,
        head: c === "(" && prev !== undefined && prev.t === T.Ident && STATEMENT_HEAD.has(prev.v),
      });
      i++;
      push(T.Punct, c);
      continue;
    }
    if (c === ")" || c === "]" || c === "}") {
      const top = stack.pop();
      if (top === undefined) return null;
      if (top.open === "${") {
        if (c !== "}") return null;
        i++;
        push(T.Punct, ")");
        if (!template()) return null;
        continue;
      }
      if ({ "(": ")", "[": "]", "{": "}" }[top.open] !== c) return null;
      lastClosedHead = top.head;
      i++;
      push(T.Punct, c);
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    if (three === ">>>=") {
      i += 4;
      push(T.Punct, ">>>=");
    } else if (PUNCT3.has(three)) {
      i += 3;
      push(T.Punct, three);
    } else if (PUNCT2.has(two) && !(two === "?." && src[i + 2] >= "0" && src[i + 2] <= "9")) {
      i += 2;
      push(T.Punct, two);
    } else {
      i++;
      push(T.Punct, c);
    }
  }
  if (stack.length > 0) return null;
  return toks;
}

/** For each bracket token, the index of its partner; -1 elsewhere. */
function matchBrackets(toks: Tok[]): Int32Array {
  const match = new Int32Array(toks.length).fill(-1);
  const open: number[] = [];
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t !== T.Punct) continue;
    if (tok.v === "(" || tok.v === "[" || tok.v === "{") open.push(k);
    else if (tok.v === ")" || tok.v === "]" || tok.v === "}") {
      const o = open.pop()!;
      match[o] = k;
      match[k] = o;
    }
  }
  return match;
}

const isP = (tok: Tok | undefined, v: string): boolean =>
  tok !== undefined && tok.t === T.Punct && tok.v === v;
const isId = (tok: Tok | undefined, v?: string): boolean =>
  tok !== undefined && tok.t === T.Ident && (v === undefined || tok.v === v);

/**
 * The names a function's source reads or writes without declaring them,
 * minus `known` (the globals), in order of first use; `null` when the
 * source could not be scanned.
 *
 * @param src The source of a function (`fn.toString()`).
 * @param known Names that are fine to use (the globals of the worker).
 */
export function freeVariables(src: string, known: ReadonlySet<string>): string[] | null {
  const toks = tokenize(src);
  if (toks === null) return null;
  const match = matchBrackets(toks);
  const declared = new Set<string>();
  const skip = new Uint8Array(toks.length);
  const classBodies = new Set<number>();

  // Every identifier between two brackets is taken as declared (parameter
  // lists, destructuring patterns): a default value that reads a captured
  // variable is missed, never the other way round.
  const declareAll = (from: number, to: number): void => {
    for (let k = from; k <= to; k++) if (toks[k].t === T.Ident) declared.add(toks[k].v);
  };

  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    const prev = toks[k - 1];
    const next = toks[k + 1];
    if (tok.t === T.Punct && tok.v === "(" && isP(toks[match[k] + 1], "=>")) {
      declareAll(k, match[k]); // (a, {b}) =>
      continue;
    }
    if (tok.t !== T.Ident) continue;
    const v = tok.v;
    // Property names: a.b, a?.b, new.target, import.meta.
    if (isP(prev, ".") || isP(prev, "?.")) {
      skip[k] = 1;
      continue;
    }
    if (isP(next, "=>")) {
      declared.add(v);
      continue;
    }
    switch (v) {
      case "function": {
        let j = k + 1;
        if (isP(toks[j], "*")) j++;
        if (isId(toks[j])) declared.add(toks[j++].v);
        if (isP(toks[j], "(")) declareAll(j, match[j]);
        continue;
      }
      case "class": {
        let j = k + 1;
        if (isId(toks[j]) && toks[j].v !== "extends") declared.add(toks[j++].v);
        while (j < toks.length && !isP(toks[j], "{")) {
          j = (isP(toks[j], "(") || isP(toks[j], "[")) ? match[j] + 1 : j + 1;
        }
        if (j < toks.length) classBodies.add(j);
        continue;
      }
      case "catch":
        if (isP(next, "(")) declareAll(k + 1, match[k + 1]);
        continue;
      case "break":
      case "continue":
        if (isId(next) && !next!.nl) skip[k + 1] = 1;
        continue;
      case "using": // `using x = ...` and `await using x = ...`
        if (!isId(next) || next!.nl || NOT_REFERENCES.has(next!.v)) break;
        skip[k] = 1;
        // falls through
      case "let":
      case "const":
      case "var": {
        if (!(isId(next) || isP(next, "{") || isP(next, "["))) continue;
        // The declarator list: bindings after the keyword and after each
        // top-level comma, until `;`, `of`/`in`, or the enclosing bracket closes.
        let j = k + 1;
        for (;;) {
          const b = toks[j];
          if (isId(b)) declared.add(b.v);
          else if (isP(b, "{") || isP(b, "[")) {
            declareAll(j, match[j]);
            j = match[j];
          } else break;
          j++;
          if (!isP(toks[j], "=")) {
            if (isP(toks[j], ",")) {
              j++;
              continue;
            }
            break;
          }
          // Skip the initializer up to a top-level comma.
          j++;
          while (j < toks.length) {
            const c = toks[j];
            if (c.t === T.Punct) {
              if (c.v === "(" || c.v === "[" || c.v === "{") {
                j = match[j] + 1;
                continue;
              }
              if (c.v === ")" || c.v === "]" || c.v === "}" || c.v === ";" || c.v === ",") break;
            }
            if (c.t === T.Ident && (c.v === "of" || c.v === "in")) break;
            j++;
          }
          if (isP(toks[j], ",")) {
            j++;
            continue;
          }
          break;
        }
        continue;
      }
    }
    // A method definition: name(params) { body } (also get/set/async/static x()).
    if (isP(next, "(") && isP(toks[match[k + 1] + 1], "{") && !NOT_REFERENCES.has(v)) {
      skip[k] = 1;
      declareAll(k + 1, match[k + 1]);
      continue;
    }
    // An object key `{ a: 1, b: 2 }` or a label `outer: for (...)`.
    if (isP(next, ":")) {
      if (
        prev === undefined || isP(prev, "{") || isP(prev, ",") || isP(prev, ";") ||
        isP(prev, "}")
      ) {
        skip[k] = 1;
      }
      continue;
    }
  }

  // Class bodies: the member names at the start of each member.
  for (const b of classBodies) {
    const end = match[b];
    let start = true;
    for (let j = b + 1; j < end; j++) {
      const tok = toks[j];
      if (tok.t === T.Punct && (tok.v === "(" || tok.v === "[" || tok.v === "{")) {
        const closing = match[j];
        // A method body ends a member.
        start = tok.v === "{";
        j = closing;
        continue;
      }
      if (isP(tok, ";")) {
        start = true;
        continue;
      }
      if (tok.nl && tok.t === T.Ident) start = true;
      if (start && tok.t === T.Ident) {
        skip[j] = 1;
        const nx = toks[j + 1];
        // Modifiers keep us at the start of the member.
        start = (tok.v === "static" || tok.v === "get" || tok.v === "set" ||
          tok.v === "async" || tok.v === "accessor") &&
          (isId(nx) || isP(nx, "*") || isP(nx, "[") || (nx !== undefined && nx.t === T.Private));
        continue;
      }
      if (!isP(tok, "*")) start = false;
    }
  }

  const free: string[] = [];
  const seen = new Set<string>();
  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.t !== T.Ident || skip[k] === 1) continue;
    const v = tok.v;
    if (NOT_REFERENCES.has(v) || declared.has(v) || known.has(v) || seen.has(v)) continue;
    seen.add(v);
    free.push(v);
  }
  return free;
}

let globalNames: Set<string> | null = null;

/**
 * The names a function sent to a worker can use without declaring them: the
 * globals of this thread (a worker has the same ones) and `self`.
 */
export function workerGlobals(): ReadonlySet<string> {
  if (globalNames === null) {
    globalNames = new Set(["self", "globalThis", "undefined", "NaN", "Infinity", "eval"]);
    for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o)) {
      for (const name of Object.getOwnPropertyNames(o)) globalNames.add(name);
    }
  }
  return globalNames;
}

/**
 * The source of an expression that evaluates to `fn` in another thread
 * (`(function f() {...})`, or for a method `({ m() {...} })["m"]`), or a
 * string starting with `!` that says why there is none.
 */
export function functionExpression(fn: (...args: never[]) => unknown): string {
  let src: string;
  try {
    src = Function.prototype.toString.call(fn);
  } catch {
    return "!its source text is not available";
  }
  if (/\{\s*\[native code\]\s*\}\s*$/.test(src)) {
    return "!it is a native or bound function, which has no source text to send";
  }
  if (/^class\b/.test(src)) return "!it is a class, not a function";
  const candidates = [`(${src})`, `({${src}})[${JSON.stringify(fn.name)}]`];
  for (const expr of candidates) {
    try {
      new Function(`return ${expr}`);
      return expr;
    } catch {
      // try the next form
    }
  }
  return "!its source text cannot be evaluated on its own";
}
