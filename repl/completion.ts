/**
 * Tab completion: REPL commands, global names and the names declared at the
 * prompt, keywords, and the properties of `a.b.` chains (found without
 * calling getters).
 *
 * @module
 */

import type { Evaluator } from "./evaluate.ts";

const KEYWORDS = [
  "async",
  "await",
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
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "let",
  "new",
  "null",
  "return",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "undefined",
  "var",
  "void",
  "while",
  "yield",
];

/** A chain of property accesses before the cursor: `a.b.c` + `.` + a partial name. */
const MEMBER = /((?:[A-Za-z_$][\w$]*|\))(?:\??\.[A-Za-z_$][\w$]*)*)\??\.([\w$]*)$/;
const NAME = /(?:^|[^\w$.])([A-Za-z_$][\w$]*)$/;

function globalNames(): string[] {
  const names = new Set<string>();
  for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) names.add(k);
  }
  return [...names];
}

function matching(names: Iterable<string>, prefix: string): string[] {
  const out = new Set<string>();
  for (const n of names) {
    if (n.startsWith(prefix) && /^[A-Za-z_$][\w$]*$/.test(n)) out.add(n);
  }
  return [...out].sort();
}

/**
 * Make the completer for `node:readline`.
 *
 * @param evaluator Knows the names declared at the prompt and finds properties.
 * @param commands The REPL's commands (`.help`...).
 * @returns `(line) => Promise<[candidates, replaced]>`.
 */
export function makeCompleter(
  evaluator: Evaluator,
  commands: string[],
): (line: string) => Promise<[string[], string]> {
  // deno-lint-ignore require-await
  return async (line: string): Promise<[string[], string]> => {
    if (/^\s*\.\w*$/.test(line)) {
      const word = line.trim();
      return [commands.filter((c) => c.startsWith(word)).sort(), word];
    }
    const member = MEMBER.exec(line);
    if (member !== null) {
      const [, object, prefix] = member;
      if (object.includes(")")) return [[], prefix];
      const names = evaluator.propertyNames(object.replaceAll("?.", "."));
      return [matching(names, prefix).filter((n) => n !== "constructor" || prefix !== ""), prefix];
    }
    const name = NAME.exec(line);
    const prefix = name?.[1] ?? "";
    if (prefix === "" && line.trim() !== "") return [[], ""];
    return [matching([...evaluator.names(), ...globalNames(), ...KEYWORDS], prefix), prefix];
  };
}
