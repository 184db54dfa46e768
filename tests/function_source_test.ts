import { assertEquals, assertStringIncludes } from "@std/assert";
import { freeVariables, functionExpression, workerGlobals } from "../lib/function_source.ts";
import { workerMain } from "../lib/executor_worker.ts";
import { CLOCK_OFFSET_KEY } from "../lib/clocks.ts";

const known = workerGlobals();
const free = (fn: string | ((...a: never[]) => unknown)): string[] | null =>
  freeVariables(typeof fn === "string" ? fn : functionExpression(fn), known);

Deno.test("freeVariables: self-contained functions have none", () => {
  const cases: string[] = [
    "(a, b) => a + b",
    "x => x * 2",
    "async (x) => { await null; return x; }",
    "function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }",
    "function* g() { yield 1; }",
    "(o) => o.a.b?.c + o['d']",
    "({ a, b: [c, d = 1], ...rest }) => a + c + d + rest.x",
    "() => { const { a, b: { c } } = { a: 1, b: { c: 2 } }; let [x, , y] = [1, 2, 3]; return a + c + x + y; }",
    "() => { let a = 1, b = a + 1; var c; for (let i = 0, j = 1; i < j; i++) c = i; return a + b + c; }",
    "(xs) => { for (const x of xs) {} for (const k in xs) {} for (const [k, v] of Object.entries(xs)) {} }",
    "() => { try { throw 1; } catch (e) { return e; } finally {} }",
    "() => { try { throw 1; } catch { return 2; } }",
    "() => ({ a: 1, b() { return this.a; }, get c() { return 2; }, set c(v) {}, async d() {}, *e() {}, 'f': 3, [Symbol.iterator]: null })",
    "() => { outer: for (;;) { for (;;) { break outer; } continue outer; } }",
    "(x) => { switch (x) { case 1: return 'one'; default: return 'other'; } }",
    "(s) => `a ${s} b ${`nested ${s.length}`} c`",
    "(s) => /[a-z]+\\/x/g.test(s) && s.replace(/b/, '/') !== '/'",
    "(a, b) => a / b / 2",
    "(s) => { if (s) /re/.test(s); return (s.length) / 2; }",
    "() => { class A extends Error { x = 1; static y = 2; #z = 3; m() { return this.#z; } static { } get g() { return 1; } } return new A(); }",
    "() => { // a comment mentioning captured\n /* and captured2 */ return 1; }",
    "() => [Math.max(1, 2), JSON.stringify({}), new Map(), performance.now(), Deno.pid, self, globalThis, undefined, NaN, Infinity, structuredClone, Atomics, SharedArrayBuffer]",
    "function (a = 1, { b } = {}, ...c) { return arguments.length + a + b + c.length; }",
    "() => { const f = function named() { return named; }; return f; }",
    "(x) => x?.y?.[0]?.(1) ?? 0",
    "(o) => { o.a ||= 1; o.b &&= 2; o.c ??= 3; return o; }",
    "() => 1.5e3 + 0x1f + 1_000n.toString().length + .5",
    "(a) => a ? { k: 1 } : { k: 2 }",
    "(a) => { const o = { a, b: a }; return o; }",
    "() => new.target",
    "async () => (await import('data:text/javascript,export default 1')).default",
    "() => { using res = { [Symbol.dispose]() {} }; return res; }",
    "async () => { await using res = { async [Symbol.asyncDispose]() {} }; return res; }",
  ];
  for (const src of cases) assertEquals(free(src), [], src);
});

Deno.test("freeVariables: captured variables are found, in order of use", () => {
  const cases: [string, string[]][] = [
    ["(a) => a + captured", ["captured"]],
    ["() => { helper(); return limit * 2; }", ["helper", "limit"]],
    ["() => ({ a: value, value2 })", ["value", "value2"]],
    ["() => { counter += 1; }", ["counter"]],
    ["(s) => `${prefix}${s}`", ["prefix"]],
    ["() => cond ? yes : no", ["cond", "yes", "no"]],
    ["() => { const x = 1; return x + y; }", ["y"]],
    ["() => [...items]", ["items"]],
    ["() => new Thing()", ["Thing"]],
    ["() => { switch (1) { case k: return 1; } }", ["k"]],
    ["() => fib(10)", ["fib"]], // a const arrow referring to itself captures its own name
    ["() => { if (x) return 1; }", ["x"]],
    ["() => using(1)", ["using"]],
  ];
  for (const [src, expected] of cases) assertEquals(free(src), expected, src);
});

Deno.test("freeVariables: real functions (TypeScript stripped by Deno)", () => {
  const limit = 10;
  const self_contained = (n: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(i * i);
    return out;
  };
  const capturing = (n: number): number => n + limit;
  assertEquals(free(self_contained), []);
  assertEquals(free(capturing), ["limit"]);
});

Deno.test("freeVariables: source it cannot scan gives null (nothing reported)", () => {
  assertEquals(freeVariables("() => 'unterminated", known), null);
  assertEquals(freeVariables("() => { ", known), null);
});

Deno.test("functionExpression: functions, methods, and what cannot be sent", () => {
  assertEquals(functionExpression((x: number) => x), "((x)=>x)");
  const obj = {
    method(x: number) {
      return x;
    },
  };
  assertEquals(
    new Function(`return ${functionExpression(obj.method)}`)()(5),
    5,
  );
  assertStringIncludes(functionExpression(Math.max), "!it is a native or bound function");
  assertStringIncludes(functionExpression(((x: number) => x).bind(null)), "!it is a native");
  class C {}
  assertStringIncludes(functionExpression(C as unknown as () => void), "!it is a class");
});

Deno.test("the worker's program is self-contained (it is sent as source text)", () => {
  assertEquals(free(workerMain), []);
  assertStringIncludes(workerMain.toString(), `Symbol.for(${JSON.stringify(CLOCK_OFFSET_KEY)})`);
});
