import { assert, assertEquals, assertInstanceOf, assertMatch, assertThrows } from "@std/assert";
import { InputSyntaxError, plan } from "../repl/transform.ts";

const resolve = (s: string) => `resolved:${s}`;

Deno.test("transform: input without top-level await or yield runs as it is", () => {
  assertEquals(plan("1 + 2"), { kind: "sync", code: "1 + 2", final: "value" });
  assertEquals(plan("let x = 1").kind, "sync");
  assertEquals(plan("x = 2").final, "assignment");
  assertEquals(plan("let y = 3").final, "none");
});

Deno.test("transform: TypeScript types are stripped, yield* is kept", () => {
  assertEquals(plan("let x: number = 1 as number").code, "let x = 1 ");
  assertEquals(plan("interface P { x: number }").code.trim(), "");
  const p = plan("const v: string = yield* sleep<string>(1, 'x')");
  assertEquals(p.kind, "generator");
  assertMatch(p.code, /yield\* sleep\(1, 'x'\)/);
  assertMatch(plan("enum E { A, B }").code, /var E;/);
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

Deno.test("transform: top-level await hoists declarations and returns the last expression", () => {
  const p = plan("const a = await f(), {b, c: [d]} = g();\nclass K {}\nfunction h() {}\na + 1");
  assertEquals(p.kind, "async");
  assertEquals(p.final, "value");
  assert(p.code.startsWith("let a, b, d, K; var h; (async function () {"), p.code);
  assertMatch(p.code, /void \(\(a = await f\(\)\), \(\{b, c: \[d\]\} = g\(\)\)\);/);
  assertMatch(p.code, /void \(K = class K \{\}\);/);
  assertMatch(p.code, /globalThis\["h"\] = h;/);
  assertMatch(p.code, /return \[a \+ 1\];\n\}\)$/);
  // The input's lines stay where they were (line 2 of the input is line 2 of the code).
  assertEquals(p.code.split("\n")[1], "void (K = class K {});");
});

Deno.test("transform: top-level yield makes a generator", () => {
  const p = plan("let x = yield* sleep(1, 2)\nx");
  assertEquals(p.kind, "generator");
  assert(p.code.startsWith("let x; (function* () {"), p.code);
  assertEquals(plan("yield").kind, "generator");
  // yield and await inside nested functions are not top-level
  assertEquals(plan("function* g() { yield 1 }").kind, "sync");
  assertEquals(plan("const f = async () => await 1").kind, "sync");
  assertEquals(plan("for await (const x of y) {}").kind, "async");
});

Deno.test("transform: static imports become dynamic imports of resolved specifiers", () => {
  const p = plan(`import d, { a as b, "c-d" as e } from "./m.ts"; import * as ns from "x"`, {
    resolve,
  });
  assertEquals(p.kind, "async");
  assert(p.code.startsWith("let d, b, e, ns; "), p.code);
  assertMatch(
    p.code,
    /const \$\$yf_m = \(await import\("resolved:\.\/m\.ts"\)\); d = \$\$yf_m\.default; b = \$\$yf_m\["a"\]; e = \$\$yf_m\["c-d"\];/,
  );
  assertMatch(p.code, /ns = \$\$yf_m;/);
  assertMatch(
    plan(`import "./side.ts"`, { resolve }).code,
    /\(await import\("resolved:\.\/side\.ts"\)\);/,
  );
  assertMatch(
    plan(`import j from "./x.json" with { type: "json" }`, { resolve }).code,
    /import\("resolved:\.\/x\.json", \{ with: \{ type: "json" \} \}\)/,
  );
  // type-only imports disappear
  assertEquals(plan(`import type { T } from "./m.ts"`).kind, "sync");
  // in a generator input, imports are waited for with yield*
  assertMatch(
    plan(`import x from "./m.ts"; yield`, { resolve, hook: "H" }).code,
    /yield\* H\.importModule\("resolved:\.\/m\.ts"\)/,
  );
});

Deno.test("transform: an input starting with { is an object when it can be", () => {
  assertEquals(plan("{ a: 1 }"), { kind: "sync", code: "({ a: 1 }\n)", final: "value" });
  assertEquals(plan("{ let q = 1; q }").kind, "sync");
  assertEquals(plan("{ let q = 1; q }").code, "{ let q = 1; q }");
  assertEquals(plan("{").kind, "incomplete");
});

Deno.test("transform: export before a declaration is dropped", () => {
  assertEquals(plan("export const k = 1").code, "const k = 1");
  assertMatch(plan("export function f() {}\nawait 0").code, /^var f; /);
});

Deno.test("transform: blank input is empty", () => {
  assertEquals(plan("  ").kind, "empty");
});
