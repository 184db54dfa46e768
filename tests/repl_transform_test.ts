import { assert, assertEquals, assertInstanceOf, assertMatch, assertThrows } from "@std/assert";
import { InputSyntaxError, plan } from "../repl/transform.ts";

const resolve = (s: string) => `resolved:${s}`;
const opts = { resolve, hook: "H" };

Deno.test("transform: input without top-level await or yield runs as it is", () => {
  assertEquals(plan("1 + 2", opts), {
    kind: "sync",
    final: "value",
    code: "1 + 2",
    lets: [],
    globals: [],
  });
  assertEquals(plan("x = 2").final, "assignment");
  assertEquals(plan("let y = 3").final, "declaration");
  assertEquals(plan("if (x) {}").final, "none");
});

Deno.test("transform: let-like declarations become assignments that keep columns; the names are reported", () => {
  const p = plan(
    "let x = 1, y; const {a, b: [c]} = o; class K {}; var v = 2; function f() {}",
    opts,
  );
  assertEquals(p.kind, "sync");
  assertEquals(p.lets, ["x", "y", "a", "c", "K"]);
  assertEquals(p.globals, ["v", "f"]);
  assertEquals(
    p.code,
    ";0, x = 1, y = void 0; ;0,   {a, b: [c]} = o; K = class K {};; var v = 2; function f() {}",
  );
});

Deno.test("transform: a name keeps the kind of binding it already has", () => {
  const p = plan("function f() {}; var v = 1; let g = 2", {
    lexicals: new Set(["f", "v"]),
    globals: new Set(["g"]),
  });
  // f and v are let bindings already: assigned; g is a global variable: assigned, not declared.
  // (The assignment to f goes on a line before the input's first: the code's columns stay
  // the input's.)
  assertEquals(p.code, ";f =\nfunction f() {};; ;0, v = 1; ;0, g = 2");
  assertEquals(p.lineOffset, -1);
  assertEquals([p.lets, p.globals], [["v"], []]);
});

Deno.test("transform: TypeScript types are stripped, yield* is kept", () => {
  assertEquals(plan("let x: number = 1 as number", opts).code, ";0, x = 1 ");
  assertEquals(plan("interface P { x: number }").code, "");
  const p = plan("const v: string = yield* sleep<string>(1, 'x')");
  assertEquals(p.kind, "generator");
  assertMatch(p.code, /yield\* sleep\(1, 'x'\)/);
  assertEquals(plan("enum E { A, B }").globals, ["E"]);
});

Deno.test("transform: unfinished input asks for more lines", () => {
  for (const src of ["function f() {", "foo(", "1 +", "`abc", "/* comment", "if (x)", "[1, 2,"]) {
    assertEquals(plan(src).kind, "incomplete", src);
  }
});

Deno.test("transform: syntax errors say where", () => {
  const e = assertThrows(() => plan("let 5 = 3"), InputSyntaxError);
  assertEquals([e.line, e.column, e.sourceLine], [1, 4, "let 5 = 3"]);
  const s = assertThrows(() => plan("'abc"), InputSyntaxError);
  assertMatch(s.message, /Unterminated string/);
  const m = assertThrows(() => plan("let a = 1\na )"), InputSyntaxError);
  assertEquals([m.line, m.column], [2, 2]);
  assertThrows(() => plan("return 5"), InputSyntaxError, "Illegal return");
  assertInstanceOf(assertThrows(() => plan("export default 1")), SyntaxError);
});

Deno.test("transform: await and yield cannot be mixed in one input", () => {
  assertThrows(() => plan("await 1; yield* x"), InputSyntaxError, "both top-level await and yield");
});

Deno.test("transform: top-level await makes an async function returning [the last expression]", () => {
  const p = plan(
    "const a = await f(), {b, c: [d]} = g();\nclass K {}\nfunction h() {}\na + 1",
    opts,
  );
  assertEquals(p.kind, "async");
  assertEquals(p.final, "value");
  assertEquals([p.lets, p.globals], [["a", "b", "d", "K"], ["h"]]);
  // the header has a line of its own (lineOffset -1); the input's lines and columns stay the
  // code's: what is added goes at the end of the line before
  assertEquals(
    p.code,
    `(async function () {void (globalThis["h"] = h);\n` +
      ";0,   a = await f(), {b, c: [d]} = g();;K =\n" +
      "class K {};\n" +
      "function h() {};return [\n" +
      "a + 1];\n})",
  );
  assertEquals(p.lineOffset, -1);
  // var statements become assignments (the REPL declares the var first); statements before
  // the last expression on its line join it in a sequence, so that nothing moves
  assertEquals(
    plan("var v = 1; await 0", opts).code,
    "(async function () {;return [(\n 0, v = 1, await 0)];\n})",
  );
  assertEquals(
    plan("f(); await 0; g()", opts).code,
    "(async function () {;return [(\nf(), await 0, g())];\n})",
  );
  // (when the line does not start with them, `return [` goes before the expression)
  assertEquals(
    plan("if (x) {} await 0", opts).code,
    "(async function () {\nif (x) {} return [await 0];\n})",
  );
});

Deno.test("transform: top-level yield makes a generator", () => {
  const p = plan("let x = yield* sleep(1, 2)\nx", opts);
  assertEquals(p.kind, "generator");
  assertEquals(p.code, "(function* () {\n;0, x = yield* sleep(1, 2);return [\nx];\n})");
  // where each top-level yield* is: a yield* of something not iterable fails there
  assertEquals(p.delegates, [[1, 8]]);
  assertEquals(plan("yield").kind, "generator");
  // yield and await inside nested functions are not top-level
  assertEquals(plan("function* g() { yield 1 }").kind, "sync");
  assertEquals(plan("const f = async () => await 1").kind, "sync");
  assertEquals(plan("for await (const x of y) {}").kind, "async");
});

Deno.test("transform: static imports become dynamic imports of resolved specifiers", () => {
  const p = plan(`import d, { a as b, "c-d" as e } from "./m.ts"; import * as ns from "x"`, opts);
  assertEquals(p.kind, "async");
  assertEquals(p.lets, ["d", "b", "e", "ns"]);
  assertMatch(
    p.code,
    /\{ const \$\$yf_m = \(await import\("resolved:\.\/m\.ts"\)\); d = \$\$yf_m\.default; b = \$\$yf_m\["a"\]; e = \$\$yf_m\["c-d"\]; \}/,
  );
  assertMatch(p.code, /ns = \$\$yf_m;/);
  assertMatch(
    plan(`import "./side.ts"`, opts).code,
    /\(await import\("resolved:\.\/side\.ts"\)\);/,
  );
  assertMatch(
    plan(`import j from "./x.json" with { type: "json" }`, opts).code,
    /import\("resolved:\.\/x\.json", \{ with: \{ type: "json" \} \}\)/,
  );
  // type-only imports disappear
  assertEquals(plan(`import type { T } from "./m.ts"`).kind, "sync");
  // in a generator input, imports are waited for with yield*
  assertMatch(
    plan(`import x from "./m.ts"; yield`, opts).code,
    /yield\* H\.importModule\("resolved:\.\/m\.ts"\)/,
  );
});

Deno.test("transform: an input starting with { is an object when it can be", () => {
  assertEquals(plan("{ a: 1 }", opts).code, "({ a: 1 }\n)");
  assertEquals(plan("{ a: 1 }").final, "value");
  assertEquals(plan("{ let q = 1; q }", opts).code, "{ let q = 1; q }");
  assertEquals(plan("{").kind, "incomplete");
});

Deno.test("transform: export before a declaration is dropped", () => {
  const p = plan("export const k = 1", opts);
  assertEquals([p.code, p.lets], ["       ;0,   k = 1", ["k"]]);
  assertEquals(plan("export function f() {}\nawait 0").globals, ["f"]);
  assert(!plan("export class C {}", opts).code.includes("export"));
});

Deno.test("transform: blank input is empty", () => {
  assertEquals(plan("  ").kind, "empty");
});
