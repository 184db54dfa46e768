/**
 * The REPL end to end, with piped stdin: every behaviour that does not need
 * a terminal. (Terminal behaviours: repl_pty_test.ts.)
 */

import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { runPiped } from "./_repl.ts";

const lines = (s: string) => s.split("\n").filter((l) => l !== "");
const input = (...ls: string[]) => ls.join("\n") + "\n";

Deno.test("repl piped: values, TypeScript, re-declarable bindings, continuation lines", async () => {
  const r = await runPiped(input(
    "1 + 2",
    "let x: number = 20",
    "x * 2",
    "const c = 1",
    "const c = 2",
    "c",
    "class K { v = 1 }",
    "class K { v = 2 }",
    "new K().v",
    "function f() { return 1 }",
    "function f() { return 2 }",
    "f()",
    "interface P { x: number }",
    "enum Color { Red, Green }",
    "Color.Green",
    "{ a: 1 }",
    `"str"`,
    "function add(a: number,",
    "    b: number) {",
    "  return a + b",
    "}",
    "add(1,",
    "  2)",
  ));
  assertEquals(r.stderr, "");
  assertEquals(lines(r.stdout), [
    "3",
    "undefined",
    "40",
    "undefined",
    "undefined",
    "2",
    "undefined",
    "undefined",
    "2",
    "undefined",
    "undefined",
    "2",
    "undefined",
    "undefined",
    "1",
    "{ a: 1 }",
    `"str"`,
    "undefined",
    "3",
  ]);
  assertEquals(r.code, 0);
});

Deno.test("repl piped: bindings are shared by later inputs and keep their kind", async () => {
  const r = await runPiped(input(
    "let count = 0",
    "const inc = () => ++count",
    "inc(); inc()",
    "count",
    "count = 10; inc()",
    // a function declared, then declared again as a let, and back
    "function twice(x: number) { return 2 * x }",
    "let twice = 5",
    "twice",
    "let later = 1",
    "function later() { return 'fn' }",
    "later()",
    // async inputs declare into the same scope
    "let fromAsync = await Promise.resolve(7)",
    "var fromVar = await Promise.resolve(8)",
    "[fromAsync, fromVar, globalThis.fromVar]",
    "typeof globalThis.count",
  ));
  assertEquals(r.stderr, "");
  assertEquals(lines(r.stdout), [
    "undefined",
    "undefined",
    "2",
    "2",
    "11",
    "undefined",
    "undefined",
    "5",
    "undefined",
    "undefined",
    `"fn"`,
    "undefined",
    "undefined",
    "[ 7, 8, 8 ]",
    `"undefined"`,
  ]);
});

Deno.test("repl piped: asyncio and every name it exports are in scope", async () => {
  const r = await runPiped(input(
    "typeof asyncio.sleep",
    "Object.keys(asyncio).filter((k) => eval(k) !== asyncio[k])",
    "Object.keys(asyncio).length > 30",
  ));
  assertEquals(lines(r.stdout), [`"function"`, "[]", "true"]);
});

Deno.test("repl piped: top-level await and yield* run as tasks on one loop that stays up", async () => {
  const r = await runPiped(input(
    "const loop = getRunningLoop()",
    `await sleep(0.01, "slept")`,
    `yield* sleep(0.01, "generator")`,
    "await sleep(0); currentTask() !== null && currentTask()?.getCoro() !== undefined",
    "yield; currentTask()?.getName().startsWith('Task-')",
    "(await sleep(0, getRunningLoop())) === loop && loop.isRunning()",
    "const { a, b: [d] } = await Promise.resolve({ a: 1, b: [2] })",
    "a + d",
    "let y = yield* sleep(0, 5)",
    "y",
    "class Later {}; await 0",
    "typeof Later",
    "async function twice(n: number) { await sleep(0); return 2 * n }",
    "await twice(21)",
    "function* gtwice(n: number) { yield* sleep(0); return 2 * n }",
    "yield* gtwice(4)",
  ));
  assertEquals(r.stderr, "");
  assertEquals(lines(r.stdout), [
    "undefined",
    `"slept"`,
    `"generator"`,
    "true",
    "true",
    "true",
    "undefined",
    "3",
    "undefined",
    "5",
    "0",
    `"function"`,
    "undefined",
    "42",
    "undefined",
    "8",
  ]);
});

Deno.test("repl piped: a coroutine or Promise value is run and its result printed; an assignment's is not", async () => {
  const r = await runPiped(input(
    `sleep(0.01, "coroutine")`,
    "Promise.resolve(7)",
    // an assignment's value is printed, not waited for
    "let c",
    `c = (function* notRun() { console.log("ran") })()`,
    "let t2",
    "t2 = createTask(sleep(100))",
    "t2.cancel()",
    // so is a value computed by an await input
    `await 0; sleep(0, "after await")`,
    `yield; Promise.resolve("after yield")`,
  ));
  assertEquals(r.stderr, "");
  const out = lines(r.stdout);
  assertEquals(out.slice(0, 3), [`"coroutine"`, "7", "undefined"]);
  assertEquals(out[3], "Object [Generator] {}");
  assertEquals(out[4], "undefined");
  assertMatch(out[5], /^<Task pending name='Task-\d+' coro=<sleep\(\) running/);
  assertEquals(out.slice(6), ["true", `"after await"`, `"after yield"`]);
});

Deno.test("repl piped: _ and _error hold the last result and error", async () => {
  const r = await runPiped(input(
    "40 + 2",
    "_",
    `throw new RangeError("bad")`,
    "_error.message",
    "_error instanceof RangeError",
    "await sleep(0, 'x')",
    "_",
  ));
  assertEquals(lines(r.stdout), ["42", "42", `"bad"`, "true", `"x"`, `"x"`]);
  assertStringIncludes(r.stderr, "Uncaught RangeError: bad");
});

Deno.test("repl piped: errors show where, without the REPL's frames, and never end the REPL", async () => {
  const r = await runPiped(input(
    `function boom() {`,
    `  throw new Error("boom")`,
    `}`,
    "boom()",
    `async function aboom() { await sleep(0); throw new TypeError("aboom") }`,
    "await aboom()",
    `function* gboom() { yield* sleep(0); throw new SyntaxError("gboom") }`,
    "yield* gboom()",
    "sleep(-1)",
    "let 5 = 3",
    "await 1; yield* x",
    "throw 42",
    `"still alive"`,
  ));
  assertEquals(lines(r.stdout), ["undefined", "undefined", "undefined", `"still alive"`]);
  const err = r.stderr;
  // <repl>:LINE:COLUMN is the line and column in the input
  assertStringIncludes(err, "Uncaught Error: boom\n    at boom (<repl>:2:9)\n    at <repl>:1:1\n");
  assertStringIncludes(
    err,
    "Uncaught TypeError: aboom\n    at aboom (<repl>:1:48)\n    at async <module> (<repl>:1:",
  );
  assertStringIncludes(
    err,
    "Uncaught SyntaxError: gboom\n    at gboom (<repl>:1:44)\n    at <module> (<repl>:1:",
  );
  // A library frame where the error was thrown stays; the frames that ran the input go.
  assertMatch(
    err,
    /Uncaught ValueError: sleep\(\): delay must be a number of seconds >= 0, got -1\n {4}at sleep \(file:.*lib\/tasks\.ts/,
  );
  assertStringIncludes(err, "SyntaxError: Unexpected token (1:5)\n  let 5 = 3\n      ^\n");
  assertStringIncludes(err, "SyntaxError: an input cannot use both top-level await and yield");
  assertStringIncludes(err, "Uncaught 42");
  assert(!err.includes("/repl/"), err);
  assert(!err.includes("ext:"), err);
  assert(!err.includes("lib/loop.ts") && !err.includes("lib/coroutines.ts"), err);
  assert(!err.includes("_step") && !err.includes("processTicks"), err);
  assertEquals(r.code, 0, "the last input succeeded");
});

Deno.test("repl piped: the exit status is non-zero when the last input failed", async () => {
  const failed = await runPiped(input("1", "throw new Error('last')"));
  assertEquals(failed.code, 1);
  const unfinished = await runPiped(input("function f() {"));
  assertEquals(unfinished.code, 1);
  assertStringIncludes(unfinished.stderr, "SyntaxError: Unexpected end of input");
  const ok = await runPiped(input("throw new Error('first')", "1"));
  assertEquals(ok.code, 0);
});

Deno.test("repl piped: background tasks keep running between inputs", async () => {
  const r = await runPiped(input(
    "const log: number[] = []",
    "const bg = createTask(async () => { for (let i = 0; i < 3; i++) { await sleep(0.01); log.push(i) } return 'bg done' })",
    "const gen = createTask(function* () { yield* sleep(0.02); log.push(10) })",
    "await sleep(0.2)",
    "log.sort((a, b) => a - b)",
    "bg.result()",
  ));
  assertEquals(lines(r.stdout), [
    "undefined",
    "undefined",
    "undefined",
    "undefined",
    "[ 0, 1, 2, 10 ]",
    `"bg done"`,
  ]);
});

Deno.test("repl piped: a failed background task is reported once; an awaited one is not", async () => {
  const r = await runPiped(input(
    "const f = createTask(async function failing() { await sleep(0); throw new Error('bg fail') })",
    "await sleep(0.05)",
    "await sleep(0.05)",
    "const g = createTask(async () => { await sleep(0); throw new Error('awaited') }); await g.then(() => 'ok', (e) => 'caught ' + e.message)",
    "await sleep(0.05)",
  ));
  assertEquals(r.stderr.split("Task exception was never retrieved").length - 1, 1, r.stderr);
  assertMatch(
    r.stderr,
    /Task exception was never retrieved\nfuture: <Task finished name='Task-\d+' coro=<failing\(\) done> exception=Error\('bg fail'\)>\nError: bg fail\n {4}at failing/,
  );
  assertEquals(lines(r.stdout)[3], `"caught awaited"`);
  assertEquals(r.code, 0);
});

Deno.test("repl piped: commands .help .tasks .cancel .load .clear", async () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp" });
  try {
    Deno.writeTextFileSync(
      `${dir}/load.ts`,
      "const fromFile: number = 41;\nawait sleep(0.01);\nfromFile + 1\n",
    );
    const r = await runPiped(input(
      ".help",
      ".tasks",
      "const ticker = createTask(async function ticker() { await sleep(100) }, { name: 'tick' })",
      "const waiter = createTask(function* waiting() { yield* ticker })",
      "await sleep(0)",
      ".tasks",
      ".cancel ticker",
      "await sleep(0)",
      "[ticker.cancelled(), waiter.cancelled()]",
      ".cancel nope",
      ".cancel",
      `.load ${dir}/load.ts`,
      "fromFile",
      ".load /nonexistent/file.ts",
      ".bogus",
      ".5 + 1",
      ".clear",
      ".tasks",
    ));
    const out = r.stdout;
    assertStringIncludes(out, ".tasks");
    assertStringIncludes(out, ".cancel NAME");
    assertStringIncludes(out, "no tasks are pending");
    assertStringIncludes(
      out,
      "2 pending tasks:\n" +
        "  tick (pending): ticker()\n" +
        "      waiting for sleep() → <Future pending cb=[Task.wakeup()]>\n" +
        "  Task-1 (pending): waiting()\n" +
        "      waiting for <Task pending name='tick' coro=<ticker() running>",
    );
    assertStringIncludes(out, "cancelling tick\nundefined\n[ true, true ]\n");
    assertStringIncludes(out, "42\n41\n");
    assertStringIncludes(out, "1.5\n");
    assert(out.endsWith("no tasks are pending\n"), out);
    assertStringIncludes(r.stderr, `no pending task is named "nope"; .tasks lists them`);
    assertStringIncludes(r.stderr, ".cancel needs a task name");
    assertStringIncludes(r.stderr, "cannot read /nonexistent/file.ts");
    assertStringIncludes(r.stderr, "unknown command .bogus; .help lists the commands");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("repl piped: static and dynamic imports (relative, import map, npm, node:, JSON)", async () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp" });
  try {
    Deno.writeTextFileSync(
      `${dir}/m.ts`,
      `export const greeting: string = "hi";\nexport default function twice(x: number) { return 2 * x; }\n`,
    );
    const r = await runPiped(input(
      `import twice, { greeting } from "${dir}/m.ts"`,
      "[twice(2), greeting]",
      `import { assertEquals } from "@std/assert"`,
      "typeof assertEquals",
      `import * as path from "node:path"`,
      `path.join("a", "b")`,
      `import config from "./deno.json" with { type: "json" }`,
      "config.name",
      `import { greeting as g2 } from "${dir}/m.ts"; yield`,
      "g2",
      `(await import("./deno.json", { with: { type: "json" } })).default.name`,
    ));
    assertEquals(r.stderr, "");
    assertEquals(lines(r.stdout), [
      "undefined",
      `[ 4, "hi" ]`,
      "undefined",
      `"function"`,
      "undefined",
      `"a/b"`,
      "undefined",
      `"@yieldfrom/asyncio"`,
      "undefined",
      `"hi"`,
      `"@yieldfrom/asyncio"`,
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("repl piped: leaving cancels what is still running and says how many", async () => {
  const r = await runPiped(input(
    "const a = createTask(sleep(100), { name: 'a' })",
    "const b = createTask(async function worker() { try { await sleep(100) } finally { console.log('cleanup ran') } }, { name: 'b' })",
  ));
  assertEquals(lines(r.stdout), ["undefined", "undefined", "cleanup ran"]);
  assertEquals(r.stderr, "cancelled 2 tasks (a, b)\n");
  assertEquals(r.code, 0);

  const exit = await runPiped(input("const a = createTask(sleep(100))", ".exit", "'not run'"));
  assertEquals(lines(exit.stdout), ["undefined"]);
  assertEquals(exit.stderr, "cancelled 1 task (Task-1)\n");

  const close = await runPiped(input("1", "close(); 'same input'", "'not run'"));
  assertEquals(lines(close.stdout), ["1", `"same input"`]);
  assertEquals(close.code, 0);
});

Deno.test("repl flags: --eval, --eval-file, --debug, --help, --version, unknown flags", async () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp" });
  try {
    Deno.writeTextFileSync(
      `${dir}/f.ts`,
      "const fileValue: number = 1;\nawait sleep(0);\nfileValue\n",
    );
    const ev = await runPiped("", ["--eval", `await sleep(0.01, "evaluated")`]);
    assertEquals([ev.stdout, ev.code], [`"evaluated"\n`, 0]);
    const evFail = await runPiped("", ["-e", "throw new Error('x')"]);
    assertEquals(evFail.code, 1);
    // --eval-file runs first, then --eval, then the piped lines
    const both = await runPiped(input("_ + 100"), [
      "--eval",
      "fileValue + 1",
      "--eval-file",
      `${dir}/f.ts`,
    ]);
    assertEquals(lines(both.stdout), ["1", "2", "102"]);
    const debug = await runPiped(input("getRunningLoop().getDebug()"), ["--debug"]);
    assertEquals(debug.stdout, "true\n");
    const noDebug = await runPiped(input("getRunningLoop().getDebug()"));
    assertEquals(noDebug.stdout, "false\n");
    const help = await runPiped("", ["--help"]);
    assertEquals(help.code, 0);
    assertStringIncludes(help.stdout, "--eval-file FILE");
    const version = await runPiped("", ["--version"]);
    assertMatch(version.stdout, /^@yieldfrom\/asyncio \d+\.\d+\.\d+ \(Deno \d+\.\d+\.\d+\)\n$/);
    const config = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
    assertStringIncludes(version.stdout, config.version);
    const bad = await runPiped("", ["--bogus"]);
    assertEquals(bad.code, 2);
    assertStringIncludes(
      bad.stderr,
      "unknown flag --bogus; valid flags: --eval CODE (-e), --eval-file FILE, --debug, --no-color, --help (-h), --version (-V)",
    );
    const sep = await runPiped("", ["--", "--eval", "6 * 7"]);
    assertEquals(sep.stdout, "42\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("repl flags: deno task repl -- --eval X passes the -- through", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "repl", "--", "--eval", "await sleep(0, 6 * 7)"],
    cwd: new URL("../", import.meta.url),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", YIELDFROM_REPL_HISTORY: "/tmp/yieldfrom-repl-test-history-unused" },
  }).output();
  assertEquals(new TextDecoder().decode(out.stdout), "42\n");
  assertEquals(out.code, 0);
});

Deno.test("repl piped: a Task or Future typed as a value is shown at once, as Python shows it; a coroutine object or a promise is run", async () => {
  const r = await runPiped(input(
    "const fut = getRunningLoop().createFuture(); setTimeout(() => fut.setResult(1), 200); 0",
    "fut",
    "createTask(sleep(5, 'slept'))",
    "createTask(async function ticker() { await sleep(5) }, { name: 'ticker' })",
    "_",
    ".tasks",
    "await fut",
    "fut",
    "sleep(0, 'a coroutine object')",
    "Promise.resolve('a promise')",
  ));
  assertEquals(r.stderr, "cancelled 2 tasks (Task-1, ticker)\n");
  const out = lines(r.stdout);
  assertEquals(out.slice(0, 4), [
    "0",
    "<Future pending>",
    "<Task pending name='Task-1' coro=<sleep() running>>",
    "<Task pending name='ticker' coro=<ticker() running>>",
  ]);
  // `_` is the same task, started meanwhile
  assertMatch(out[4], /^<Task pending name='ticker' coro=<ticker\(\) running> wait_for=<Future/);
  assertEquals(out[5], "2 pending tasks:");
  assertEquals(out.slice(-4), [
    "1",
    "<Future finished result=1>",
    `"a coroutine object"`,
    `"a promise"`,
  ]);
});

Deno.test("repl piped: await using in a block runs; an input V8 cannot parse declares nothing", async () => {
  const r = await runPiped(input(
    `class Res { [Symbol.asyncDispose]() { console.log("disposed") } }`,
    `{ await using r = new Res(); console.log("in block") }`,
    `for (await using each of [new Res()]) console.log("in loop")`,
    // acorn accepts new.target here (the input is parsed inside a function); V8 does not
    "let leftBehind = 1; new.target",
    "typeof leftBehind",
    "let leftBehind = 2; leftBehind",
  ));
  assertEquals(lines(r.stdout), [
    "undefined",
    "in block",
    "disposed",
    "undefined",
    "in loop",
    "disposed",
    "undefined",
    `"undefined"`,
    "2",
  ]);
  assertMatch(r.stderr, /^Uncaught SyntaxError: new.target expression is not allowed here\n$/);
});

Deno.test("repl piped: error positions are where the error is in what was typed, or in the file .load ran", async () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp", prefix: "yieldfrom-repl-load-" });
  try {
    Deno.writeTextFileSync(
      `${dir}/fails.ts`,
      "const a = 1\nawait sleep(0)\n  throw new Error('in file')\n",
    );
    const r = await runPiped(input(
      `await sleep(0); throw new Error("a")`,
      `yield* sleep(0); throw new Error("b")`,
      `let v = 1; throw new Error("c")`,
      `class K { m() { throw new Error("d") } }`,
      `new K().m()`,
      "await 0",
      "{ a: 1, b: (() => { throw new Error('e') })() }",
      "await 0; null.f",
      "let g = 1; await 0; null.g",
      `.load ${dir}/fails.ts`,
    ));
    const frames = r.stderr.split("\n").filter((l) => l.startsWith("    at "));
    assertEquals(frames, [
      "    at <module> (<repl>:1:23)",
      "    at <module> (<repl>:1:24)",
      "    at <repl>:1:18",
      "    at K.m (<repl>:1:23)",
      "    at <repl>:1:9",
      "    at <repl>:1:27",
      "    at <repl>:1:44",
      "    at <module> (<repl>:1:15)",
      "    at <module> (<repl>:1:26)",
      `    at <module> (${dir}/fails.ts:3:9)`,
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("repl piped: messages name what was wrong: gather's argument, what yield* takes; printed values show no REPL frames", async () => {
  const r = await runPiped(input(
    "await gather(1, 2)",
    "await gather([sleep(0), null])",
    ".tasks",
    "yield* 5",
    "yield* sleep",
    // not a yield*: V8's message stays
    "const [z] = 5; yield",
    `let p = Promise.reject(new Error("rejected")); p.catch(() => {}); [p]`,
    `({ error: new Error("inner") })`,
  ));
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("Uncaught"));
  assertEquals(errors, [
    "Uncaught TypeError: gather(): argument 1 is 1 (a number), which cannot be awaited; pass " +
    "coroutine objects (call the coroutine function), Futures, Tasks, promises, or functions " +
    "returning one",
    "Uncaught TypeError: gather(): element 1 of the array is null, which cannot be awaited; " +
    "pass coroutine objects (call the coroutine function), Futures, Tasks, promises, or " +
    "functions returning one",
    "Uncaught TypeError: yield* needs a coroutine object, a Future or a Task (or another " +
    "generator), and number 5 is not iterable: call a coroutine function (yield* f(), not " +
    "yield* f); wait for a promise with yield* wrap(promise), or with await in an input of " +
    "its own",
    "Uncaught TypeError: yield* needs a coroutine object, a Future or a Task (or another " +
    "generator), and this is not iterable: call a coroutine function (yield* f(), not " +
    "yield* f); wait for a promise with yield* wrap(promise), or with await in an input of " +
    "its own",
    "Uncaught TypeError: number 5 is not iterable (cannot read property Symbol(Symbol.iterator))",
  ]);
  // gather checks every argument before it starts a task
  assertStringIncludes(r.stdout, "no tasks are pending\n");
  assertStringIncludes(r.stdout, "<rejected> Error: rejected\n        at <repl>:1:24\n  }");
  assertStringIncludes(r.stdout, "error: Error: inner\n      at <repl>:1:11\n}");
  for (const machinery of ["vm.js", "evaluate.ts", "session.ts", "ext:"]) {
    assert(!r.stdout.includes(machinery), r.stdout);
  }
});

Deno.test("repl piped: every input runs in the session's context", async () => {
  const r = await runPiped(input(
    `const v = new ContextVar<string>("v", { default: "unset" })`,
    `v.set("sync"); v.get()`,
    "v.get()",
    `await sleep(0); v.set("async"); v.get()`,
    "v.get()",
    `yield* sleep(0); v.set("generator"); undefined`,
    "await sleep(0); v.get()",
    `createTask(function* () { v.set("child"); })`,
    "await sleep(0); v.get()",
  ));
  assertEquals(r.stderr, "");
  const out = lines(r.stdout);
  assertEquals(out.slice(0, 7), [
    "undefined",
    `"sync"`,
    `"sync"`,
    `"async"`,
    `"async"`,
    "undefined",
    `"generator"`,
  ]);
  // (a task started at the prompt runs in a copy: what it sets stays in it)
  assertEquals(out.at(-1), `"generator"`);
});
