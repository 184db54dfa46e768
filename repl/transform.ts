/**
 * From what was typed to code the REPL can run: strip TypeScript (sucrase),
 * tell unfinished input from a syntax error, find top-level `await` /
 * `yield` (acorn), and turn top-level `let`/`const`/`class`/`import`
 * declarations into assignments to global lexical bindings that the REPL
 * declares first (`let a, b;`), so every name persists from one input to the
 * next and can be declared again (the hoisting of Node's
 * `lib/internal/repl/await.js`).
 *
 * - `sync`: no top-level `await`/`yield`: the code, whose completion value
 *   is the input's value.
 * - `async`: top-level `await` (or a static `import`):
 *   `(async function () { …body…; return [lastExpression]; })`
 *   (the value is returned in an array: an async function would wait for a
 *   Task or Promise it returns, and an assignment's value must not be).
 * - `generator`: top-level `yield*` / `yield`: the same with `function*`, run
 *   as a generator coroutine.
 *
 * Positions in the code are the input's (after TypeScript types are
 * removed): a function's header has a line of its own, which
 * {@linkcode Plan.lineOffset} takes away, and declarations are rewritten
 * without moving what follows them (`let a = f()` becomes `;0, a = f()`), so
 * that errors point at what was typed. (A class declaration, an unassigned
 * `let a` and a last expression that does not start its line still move the
 * rest of their line.)
 *
 * @module
 */

import { transform as sucrase } from "sucrase";
import { type Options, parse } from "acorn";
import { base, recursive, type RecursiveVisitors } from "acorn-walk";
import { InputSyntaxError } from "./syntax_error.ts";

export { InputSyntaxError };

/** What kind of code an input became. */
export type PlanKind = "empty" | "incomplete" | "sync" | "async" | "generator";

/**
 * What the input's last statement is: an expression whose value is the
 * input's value (`value`), an assignment (its value is printed, never run),
 * a declaration (the input's value is `undefined`), or something else
 * (`none`: the script's completion value).
 */
export type FinalKind = "value" | "assignment" | "declaration" | "none";

/** An input made ready to evaluate. */
export interface Plan {
  /** See {@linkcode PlanKind}. */
  kind: PlanKind;
  /**
   * The code to evaluate (empty for `empty` and `incomplete`). For `async`
   * and `generator`, it evaluates to a function whose result is `[value]`
   * (or `undefined` when the input has no final expression).
   */
  code: string;
  /** See {@linkcode FinalKind}. */
  final: FinalKind;
  /**
   * Names declared with `let`, `const`, `class` or `import`: the REPL
   * declares them (`let a, b;`) before the input runs, which assigns them.
   */
  lets: string[];
  /**
   * Names declared with `var` or `function`: global variables. (Those of an
   * async or generator input are declared first too: its code is a function.)
   */
  globals: string[];
  /** Where the code's line 1 is in the input (`-1`: a header line comes first). */
  lineOffset?: number;
  /** The same for the first line's columns (an object literal's added parenthesis). */
  columnOffset?: number;
  /**
   * Where each top-level `yield*` is (1-based line, 0-based column of
   * `yield`, in the code after the header line): a `yield*` of something
   * that is not iterable fails there.
   */
  delegates?: Array<[line: number, column: number]>;
}

const NOTHING = { lets: [], globals: [] };

/** Options of {@linkcode plan}. */
export interface PlanOptions {
  /** Turn an import specifier into an absolute one (relative paths, import-map names). */
  resolve?: (specifier: string) => string;
  /** An expression that evaluates to the REPL hook object (its `importModule`). */
  hook?: string;
  /** Names the REPL has declared as lexical bindings (`let`) so far. */
  lexicals?: ReadonlySet<string>;
  /** Names that are global variables (`var`, `function`) declared at the REPL so far. */
  globals?: ReadonlySet<string>;
}

// deno-lint-ignore no-explicit-any
type Node = any;

const PREFIX = "(async function*(){";
const SUFFIX = "\n})";

const ACORN: Options = {
  ecmaVersion: "latest",
  sourceType: "script",
  allowImportExportEverywhere: true,
  allowHashBang: false,
};

/**
 * Turn one input into a {@linkcode Plan}.
 *
 * @param source What was typed (all lines of a multi-line input).
 * @param options Import resolution.
 * @returns The plan; `incomplete` when more lines are needed.
 * @throws {InputSyntaxError} When the input can never be valid.
 */
export function plan(source: string, options: PlanOptions = {}): Plan {
  if (source.trim() === "") return { kind: "empty", code: "", final: "none", ...NOTHING };
  // `{ a: 1 }` is an object, not a block (as in Node's and Deno's REPLs).
  if (/^\s*\{/.test(source) && !/;\s*$/.test(source)) {
    try {
      const p = planSource(`(${source}\n)`, options);
      if (p.kind !== "incomplete") return p.kind === "sync" ? { ...p, columnOffset: -1 } : p;
    } catch {
      // not an expression: a block
    }
  }
  return planSource(source, options);
}

function planSource(source: string, options: PlanOptions): Plan {
  const stripped = stripTypes(source);
  if (stripped === null) return { kind: "incomplete", code: "", final: "none", ...NOTHING };
  const code = stripped;
  let ast: Node;
  try {
    ast = parse(PREFIX + code + SUFFIX, ACORN);
  } catch (e) {
    const err = e as SyntaxError & { pos?: number; loc?: { line: number; column: number } };
    const pos = (err.pos ?? 0) - PREFIX.length;
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, "");
    if (pos >= code.length && !/^Unterminated (string|regular)/.test(message)) {
      return { kind: "incomplete", code: "", final: "none", ...NOTHING };
    }
    const { line, column } = lineColumn(code, Math.max(0, pos));
    throw new InputSyntaxError(message, source, line, column);
  }
  const body: Node[] = ast.body[0].expression.body.body;
  const scan = scanTopLevel(body, code, source);
  const last = body[body.length - 1];
  let final: FinalKind = "none";
  if (last?.type === "ExpressionStatement" && !last.directive) {
    final = last.expression.type === "AssignmentExpression" ? "assignment" : "value";
  } else if (/Declaration$/.test(last?.type ?? "")) {
    final = "declaration";
  }
  if (scan.hasAwait && scan.hasYield) {
    const { line, column } = lineColumn(code, scan.yieldPos);
    throw new InputSyntaxError(
      "an input cannot use both top-level await and yield; use one style per input " +
        "(in generator style, wait for a promise with yield* wrap(promise))",
      source,
      line,
      column,
    );
  }
  const kind: PlanKind = scan.hasYield
    ? "generator"
    : scan.hasAwait || scan.hasImport
    ? "async"
    : "sync";
  const hoisted = hoist(kind, code, body, final, scan, options);
  return { kind, final, ...hoisted, ...(kind === "sync" ? {} : { lineOffset: -1 }) };
}

/** The code without TypeScript, or `null` when the input is unfinished. */
function stripTypes(source: string): string | null {
  try {
    return sucrase(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      keepUnusedImports: true,
    }).code;
  } catch (e) {
    const err = e as Error & { pos?: number; loc?: { line: number; column: number } };
    const message = err.message.replace(/\s*\(\d+:\d+\)$/, "");
    const pos = err.pos ?? 0;
    if (/^Unterminated (template|comment)/.test(message) || pos >= source.length) return null;
    const { line, column } = lineColumn(source, pos);
    throw new InputSyntaxError(message, source, line, column);
  }
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - (before.lastIndexOf("\n") + 1);
  return { line, column };
}

interface Scan {
  hasAwait: boolean;
  hasYield: boolean;
  hasImport: boolean;
  yieldPos: number;
  exportEdits: Edit[];
  /** Where the top-level `yield*` expressions start (in the wrapped code). */
  delegates: number[];
}

type Edit = [start: number, end: number, text: string];

function scanTopLevel(body: Node[], code: string, source: string): Scan {
  const scan: Scan = {
    hasAwait: false,
    hasYield: false,
    hasImport: false,
    yieldPos: 0,
    exportEdits: [],
    delegates: [],
  };
  const fail = (node: Node, message: string): never => {
    const { line, column } = lineColumn(code, node.start - PREFIX.length);
    throw new InputSyntaxError(message, source, line, column);
  };
  const visitors: RecursiveVisitors<null> = {
    Function() {
      // code inside functions is not top-level
    },
    AwaitExpression(node: Node, st, c) {
      scan.hasAwait = true;
      c(node.argument, st);
    },
    YieldExpression(node: Node, st, c) {
      if (!scan.hasYield) scan.yieldPos = node.start - PREFIX.length;
      scan.hasYield = true;
      if (node.delegate) scan.delegates.push(node.start);
      if (node.argument) c(node.argument, st);
    },
    ForOfStatement(node: Node, st, c) {
      if (node.await) scan.hasAwait = true;
      base.ForOfStatement!(node, st, c);
    },
    VariableDeclaration(node: Node, st, c) {
      // `await using` awaits its disposal at the end of its block. (At the
      // top level it declares a binding that lasts, as in Deno's REPL.)
      if (node.kind === "await using" && !topLevel.has(node)) scan.hasAwait = true;
      base.VariableDeclaration!(node, st, c);
    },
    ReturnStatement(node: Node) {
      fail(node, "Illegal return statement (return is only valid inside functions)");
    },
  };
  const topLevel = new Set<Node>(
    body.map((stmt) => stmt.type === "ExportNamedDeclaration" ? stmt.declaration : stmt),
  );
  for (const stmt of body) {
    if (stmt.type === "ImportDeclaration") {
      scan.hasImport = true;
      continue;
    }
    if (stmt.type === "ExportNamedDeclaration" && stmt.declaration && !stmt.source) {
      // (spaces: what follows keeps its column)
      scan.exportEdits.push([
        stmt.start,
        stmt.declaration.start,
        " ".repeat(stmt.declaration.start - stmt.start),
      ]);
      recursive(stmt.declaration, null, visitors);
      continue;
    }
    if (stmt.type.startsWith("Export")) {
      fail(stmt, "export is not supported in the REPL; declare the name without export");
    }
    recursive(stmt, null, visitors);
  }
  return scan;
}

/**
 * Apply edits from the end of the code back. At one position, a
 * replacement goes first, then the insertions, the last made first: the
 * text comes out in the order the edits were made.
 */
function applyEdits(code: string, edits: Edit[]): string {
  const sorted = edits.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) =>
    b[0] - a[0] || (b[1] - b[0]) - (a[1] - a[0]) || j - i
  ).map(([e]) => e);
  let out = code;
  for (const [start, end, text] of sorted) {
    const s = start - PREFIX.length, e = end - PREFIX.length;
    out = out.slice(0, s) + text + out.slice(e);
  }
  return out;
}

function patternNames(node: Node, out: string[]): void {
  switch (node?.type) {
    case "Identifier":
      out.push(node.name);
      break;
    case "ObjectPattern":
      for (const p of node.properties) {
        patternNames(p.type === "RestElement" ? p.argument : p.value, out);
      }
      break;
    case "ArrayPattern":
      for (const el of node.elements) if (el) patternNames(el, out);
      break;
    case "RestElement":
      patternNames(node.argument, out);
      break;
    case "AssignmentPattern":
      patternNames(node.left, out);
      break;
  }
}

function hoist(
  kind: "sync" | "async" | "generator",
  code: string,
  body: Node[],
  final: FinalKind,
  scan: Scan,
  options: PlanOptions,
): Pick<Plan, "code" | "lets" | "globals" | "lineOffset" | "delegates"> {
  const wrapped = PREFIX + code + SUFFIX;
  const text = (node: Node): string => wrapped.slice(node.start, node.end);
  const lexicals = options.lexicals ?? new Set<string>();
  const knownGlobals = options.globals ?? new Set<string>();
  const lets: string[] = [];
  const globals: string[] = [];
  const prologue: string[] = [];
  // Text for the end of the header line (before the input's first line).
  let headerTail = "";
  const edits: Edit[] = [...scan.exportEdits];
  const resolve = options.resolve ?? ((s: string) => s);
  const hook = options.hook ?? `globalThis[Symbol.for("yieldfrom.asyncio.repl")]`;
  const importCall = (spec: string, attributes: Node[] | undefined): string => {
    let args = JSON.stringify(resolve(spec));
    if (attributes && attributes.length > 0) {
      args += `, { with: { ${attributes.map(text).join(", ")} } }`;
    }
    return kind === "async" ? `(await import(${args}))` : `(yield* ${hook}.importModule(${args}))`;
  };
  // A let-like name that is already a global variable stays one (a global
  // lexical binding cannot shadow a var), and the other way round.
  const lexical = (name: string): void => {
    if (!knownGlobals.has(name)) lets.push(name);
  };
  /**
   * Put `text` before statement `i` without moving it: at the end of the
   * line before (after the previous statement, or on the header line) when
   * the statement starts its line, else just before it (`inline`).
   */
  const startsLine = (i: number): boolean =>
    i === 0 || wrapped.slice(body[i - 1].end, body[i].start).includes("\n");
  const before = (i: number, text: string, inline: string): void => {
    if (!startsLine(i)) edits.push([body[i].start, body[i].start, inline]);
    else if (i === 0) headerTail += text;
    else edits.push([body[i - 1].end, body[i - 1].end, text]);
  };
  // `class K {}` → `K = class K {};` (and a function declared where a let
  // binding of its name exists, the same way).
  const assignDeclaration = (i: number, decl: Node): void => {
    const name = decl.id.name;
    before(i, `;${name} =`, `${name} = `);
    edits.push([decl.end, decl.end, ";"]);
  };

  // `let a = f(), b` → `;0, a = f(), b = void 0`: the keyword's place is
  // taken by `;0,` and spaces, so nothing after it moves (and `;0,` keeps a
  // pattern `{ a } = o` from being read as a block).
  const declare = (decl: Node): void => {
    const names: string[] = [];
    for (const d of decl.declarations) patternNames(d.id, names);
    if (decl.kind === "var" && !names.some((n) => lexicals.has(n))) {
      globals.push(...names);
      // In a sync input a var statement stays as it is.
      if (kind === "sync") return;
    } else {
      names.forEach(lexical);
    }
    const head = decl.declarations[0].start - decl.start;
    edits.push([decl.start, decl.declarations[0].start, ";0," + " ".repeat(Math.max(0, head - 3))]);
    for (const d of decl.declarations) {
      if (d.init === null) edits.push([d.end, d.end, " = void 0"]);
    }
  };

  for (let i = 0; i < body.length; i++) {
    const stmt = body[i];
    let decl = stmt;
    if (stmt.type === "ExportNamedDeclaration" && stmt.declaration) decl = stmt.declaration;
    switch (decl.type) {
      case "VariableDeclaration":
        declare(decl);
        break;
      case "ClassDeclaration":
        lexical(decl.id.name);
        assignDeclaration(i, decl);
        break;
      case "FunctionDeclaration": {
        const name = decl.id.name;
        if (lexicals.has(name)) {
          // Already a let-like binding: assign the function to it.
          assignDeclaration(i, decl);
          break;
        }
        globals.push(name);
        // Inside an async input's function, copy it out at the start, as a
        // script's function declarations are hoisted.
        if (kind !== "sync") prologue.push(`void (globalThis[${JSON.stringify(name)}] = ${name});`);
        break;
      }
      case "ImportDeclaration": {
        const parts: string[] = [];
        for (const s of decl.specifiers) {
          lexical(s.local.name);
          if (s.type === "ImportDefaultSpecifier") {
            parts.push(`${s.local.name} = $$yf_m.default;`);
          } else if (s.type === "ImportNamespaceSpecifier") {
            parts.push(`${s.local.name} = $$yf_m;`);
          } else {
            const name = s.imported.type === "Identifier" ? s.imported.name : s.imported.value;
            parts.push(`${s.local.name} = $$yf_m[${JSON.stringify(name)}];`);
          }
        }
        const call = importCall(decl.source.value, decl.attributes);
        edits.push([
          decl.start,
          decl.end,
          parts.length === 0 ? `${call};` : `{ const $$yf_m = ${call}; ${parts.join(" ")} }`,
        ]);
        break;
      }
      default:
        if (
          kind !== "sync" && i === body.length - 1 && (final === "value" || final === "assignment")
        ) {
          // `a(); let c = d; b()` on a line: `return [(` at the end of the line
          // before, and `a), 0, c = d, b())]`: a sequence of the same length.
          let j = i;
          while (
            j > 0 && !startsLine(j) && /^(Expression|VariableDeclaration)/.test(body[j - 1].type) &&
            wrapped[body[j - 1].end - 1] === ";"
          ) j--;
          if (j < i && startsLine(j)) {
            before(j, ";return [(", "");
            for (let k = j; k < i; k++) {
              edits.push([body[k].end - 1, body[k].end, ","]);
              // a declaration's `;0,` becomes ` 0,` inside the sequence
              const head = edits.find(([start, end]) => start === body[k].start && end > start);
              if (head !== undefined) head[2] = " " + head[2].slice(1);
            }
            edits.push([stmt.expression.end, stmt.end, ")];"]);
          } else {
            before(i, ";return [", "return [");
            edits.push([stmt.expression.end, stmt.end, "];"]);
          }
        }
    }
  }
  const uniq = (xs: string[]) => [...new Set(xs)];
  const edited = applyEdits(code, edits);
  const fn = kind === "async" ? "async function" : "function*";
  const names: Pick<Plan, "lets" | "globals" | "delegates"> = {
    lets: uniq(lets),
    globals: uniq(globals),
  };
  if (scan.delegates.length > 0) {
    // Where each yield* is in the edited code: the edits before it moved it.
    names.delegates = scan.delegates.map((pos) => {
      let moved = pos;
      for (const [start, end, text] of edits) if (end <= pos) moved += text.length - (end - start);
      const { line, column } = lineColumn(edited, moved - PREFIX.length);
      return [line, column];
    });
  }
  if (kind === "sync") {
    return headerTail === ""
      ? { code: edited, ...names }
      : { code: `${headerTail}\n${edited}`, lineOffset: -1, ...names };
  }
  // The header has a line of its own: the input's lines and columns are the code's.
  return { code: `(${fn} () {${prologue.join(" ")}${headerTail}\n${edited}\n})`, ...names };
}
