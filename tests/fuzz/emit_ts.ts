/**
 * Prints a fuzz program as TypeScript in one coroutine style: generator
 * functions with `yield*`, or `coroutine(async …)` with `await`. The code is
 * the body of a function of `(lib, S)` (the runtime's exports and the
 * program's `State` from prelude.ts) that returns the main coroutine
 * function; `standalone()` wraps it into a module that runs by itself.
 */
import type { Item, Program, Stmt } from "./ast.ts";
import { label, primitiveAwait } from "./emit_python.ts";

/** The two ways to write a coroutine. */
export type Style = "generator" | "async";
/** Both. */
export const STYLES: readonly Style[] = ["generator", "async"];

function item(it: Item): string {
  if (it.k === "task") return `S.t(${it.slot})`;
  if (it.k === "call") return `f${it.fn}()`;
  return `S.F[${it.fut}]`;
}

/** The body of `(lib, S) => main`, in the given style. */
export function emitTs(p: Program, style: Style): string {
  const gen = style === "generator";
  const aw = gen ? "yield* " : "await ";
  const fn = (params = "") => (gen ? `function* (${params}) {` : `async (${params}) => {`);
  const out: string[] = [];
  const line = (indent: number, text: string) => out.push("  ".repeat(indent) + text);

  const catchTail = (n: number, l: string, okLine: string) => {
    line(n + 1, okLine);
    line(n, "} catch (e) {");
    line(n + 1, `if (e instanceof CancelledError) {`);
    line(n + 2, `S.P(${l}, "cancelled");`);
    line(n + 2, "throw e;");
    line(n + 1, "}");
    line(n + 1, `S.P(${l}, "!!", fmt(e));`);
    line(n, "}");
  };

  const outcome = (n: number, s: Stmt, expr: string) => {
    const l = JSON.stringify(label(s));
    line(n, "try {");
    line(n + 1, `const r = ${aw}${expr};`);
    catchTail(n, l, `S.P(${l}, "->", fmt(r));`);
  };

  const block = (n: number, s: Stmt & { body: Stmt[] }, call: string, params: string) => {
    const l = JSON.stringify(label(s));
    line(n, "try {");
    line(n + 1, `${aw}${call}${fn(params)}`);
    body(n + 2, s.body, s.op === "group" ? `tg${s.id}` : tg);
    line(n + 1, "});");
    catchTail(n, l, `S.P(${l}, "done");`);
  };

  let tg = "";
  const stmt = (n: number, s: Stmt) => {
    const l = JSON.stringify(label(s));
    switch (s.op) {
      case "sleep":
        return line(n, `${aw}sleep(${s.d});`);
      case "print":
        return line(n, `S.P(${l});`);
      case "spawn":
        return line(n, `S.spawn(${s.slot}, f${p.slots[s.slot]}());`);
      case "tgSpawn":
        return line(
          n,
          `S.adopt(${s.slot}, ${tg}.createTask(f${p.slots[s.slot]}(), { name: "T${s.slot}" }));`,
        );
      case "await":
        return outcome(n, s, item(s.item));
      case "cancel":
        return line(n, `S.cancel(${l}, ${s.slot});`);
      case "cancelLater":
        return line(n, `S.loop.callLater(${s.d}, S.cancel, ${l}, ${s.slot});`);
      case "cancelMe":
        return line(n, `S.cancelMe(${l});`);
      case "uncancel":
        return line(n, `S.uncancel(${l});`);
      case "cancelling":
        return line(n, `S.cancelling(${l});`);
      case "gather": {
        const args = s.items.map(item);
        if (s.re) args.push("{ returnExceptions: true }");
        return outcome(n, s, `gather(${args.join(", ")})`);
      }
      case "wait": {
        const tasks = `[${s.slots.map((slot) => `S.t(${slot})`).join(", ")}]`;
        return outcome(
          n,
          s,
          `wait(${tasks}, { timeout: ${s.timeout}, returnWhen: ${JSON.stringify(s.when)} })`,
        );
      }
      case "waitFor":
        return outcome(n, s, `waitFor(${item(s.item)}, ${s.timeout})`);
      case "shield":
        return outcome(n, s, `shield(${item(s.item)})`);
      case "timeout":
        return block(n, s, `timeout(${s.d}, `, "");
      case "group": {
        const outer = tg;
        block(n, s, "taskGroup(", `tg${s.id}`);
        tg = outer;
        return;
      }
      case "lock":
        return block(n, s, `asyncWith(S.L[${s.lock}], `, "");
      case "catch":
        line(n, "try {");
        body(n + 1, s.body, tg);
        line(n, "} catch (e) {");
        line(n + 1, "if (!(e instanceof CancelledError)) throw e;");
        line(n + 1, `S.P(${l}, "caught cancel");`);
        if (s.uncancel) line(n + 1, `S.uncancel(${l});`);
        return line(n, "}");
      case "raise":
        return line(n, `throw new ValueError("s${s.id}");`);
      case "set":
        return line(n, `S.set(${l}, ${s.ev});`);
      case "clear":
        return line(n, `S.clear(${l}, ${s.ev});`);
      case "evWait":
      case "put":
      case "get":
        return outcome(n, s, primitiveAwait(s)!);
      case "putNowait":
        return line(n, `S.putNowait(${l}, ${s.q});`);
      case "getNowait":
        return line(n, `S.getNowait(${l}, ${s.q});`);
      case "resolve":
        return line(n, `S.resolve(${l}, ${s.fut}, ${s.ok});`);
    }
  };

  const body = (n: number, list: Stmt[], groupVar: string) => {
    const outer = tg;
    tg = groupVar;
    for (const s of list) stmt(n, s);
    tg = outer;
  };

  line(0, `"use strict";`);
  line(
    0,
    "const { CancelledError, ValueError, coroutine, sleep, gather, wait, waitFor, shield, " +
      "timeout, taskGroup, asyncWith } = lib;",
  );
  line(0, "const fmt = S.fmt;");
  p.fns.forEach((fnBody, k) => {
    line(0, `const f${k} = coroutine(${fn()}`);
    body(1, fnBody, "");
    line(1, `return "f${k}";`);
    line(0, "});");
  });
  line(0, `return coroutine(${fn()}`);
  line(1, `S.init(${p.locks}, ${p.events}, [${p.queues.join(", ")}], ${p.futures});`);
  body(1, p.main, "");
  line(1, `${aw}S.finish();`);
  line(0, "});");
  return out.join("\n") + "\n";
}

/** A module that runs the program by itself and prints its trace (for reports). */
export function standalone(p: Program, style: Style, preludeUrl: string): string {
  const body = emitTs(p, style).trimEnd().split("\n").map((l) => "  " + l).join("\n");
  return `// deno-lint-ignore-file\nimport { runStandalone } from ${
    JSON.stringify(preludeUrl)
  };\n\nawait runStandalone((lib, S) => {\n${body}\n});\n`;
}
