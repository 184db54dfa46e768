/**
 * Prints worker scripts as code in one coroutine style (generator functions
 * with `yield*`, or `coroutine(async …)` with `await`), so that the tasks
 * under torture are written the way users write them, with no interpreter
 * between them and the runtime. The code is the body of a function of
 * `(lib, W)` returning the list of worker coroutine functions.
 */
import type { Style } from "../fuzz/emit_ts.ts";
import type { Op } from "./ops.ts";

/** JavaScript source of `(lib, W) => workers`. */
export function emitWorkers(scripts: Op[][], style: Style): string {
  const gen = style === "generator";
  const aw = gen ? "yield* " : "await ";
  let names = 0;
  // Named, so that a task's repr tells which part of which script it runs.
  const fn = (params = "") =>
    gen ? `function* c${++names}(${params}) {` : `async function c${++names}(${params}) {`;
  const out: string[] = [];
  const line = (n: number, text: string) => out.push("  ".repeat(n) + text);
  const guarded = (n: number, text: string) => {
    line(n, "try {");
    line(n + 1, text);
    line(n, "} catch (e) { W.caught(e); }");
  };
  // A child coroutine (a gather, group, shield or waitFor argument); with
  // `guard` it catches its errors, as a worker does.
  const child = (n: number, ops: Op[], guard = false) => {
    line(n, `coroutine(${fn()}`);
    if (guard) line(n + 1, "try {");
    body(n + (guard ? 2 : 1), ops);
    if (guard) line(n + 1, "} catch (e) { W.caught(e); }");
    line(n, "})(),");
  };

  const op = (n: number, o: Op) => {
    switch (o.t) {
      case "sleep":
        return line(n, `${aw}sleep(${o.d});`);
      case "res":
        if (o.with) {
          line(n, `${aw}asyncWith(W.res[${o.r}], ${fn()}`);
          line(n + 1, `W.take(${o.r});`);
          line(n + 1, "try {");
          body(n + 2, o.body);
          line(n + 1, `} finally { W.give(${o.r}); }`);
          return line(n, "});");
        }
        line(n, `${aw}W.res[${o.r}].acquire();`);
        line(n, `W.take(${o.r});`);
        line(n, "try {");
        body(n + 1, o.body);
        return line(n, `} finally { W.give(${o.r}); W.res[${o.r}].release(); }`);
      case "cond":
        line(n, `${aw}asyncWith(W.conds[${o.i}], ${fn()}`);
        if (o.produce) line(n + 1, `W.produce(${o.i}, ${o.all});`);
        else {
          line(n + 1, `${aw}W.conds[${o.i}].waitFor(() => W.ready(${o.i}));`);
          line(n + 1, `W.consume(${o.i});`);
        }
        return line(n, "});");
      case "evSet":
        return line(n, `W.evSet(${o.i});`);
      case "evClear":
        return line(n, `W.evClear(${o.i});`);
      case "evWait":
        return line(n, `${aw}W.events[${o.i}].wait();`);
      case "barrier":
        return guarded(n, `W.arrived(${o.i}, ${aw}W.barriers[${o.i}].wait());`);
      case "put":
        line(n, "{");
        line(n + 1, `const rec = W.queue(${o.q}), item = W.item();`);
        guarded(n + 1, `${aw}rec.queue.put(item); W.put(rec, item);`);
        return line(n, "}");
      case "get":
        line(n, "{");
        line(n + 1, `const rec = W.queue(${o.q});`);
        line(n + 1, "let item;");
        guarded(n + 1, `item = ${aw}rec.queue.get();`);
        line(n + 1, "if (item !== undefined) {");
        line(n + 2, "W.got(rec, item);");
        line(n + 2, `try { ${aw}sleep(0.001); } finally { W.taskDone(rec); }`);
        line(n + 1, "}");
        return line(n, "}");
      case "putNowait":
        return line(n, `W.putNowait(${o.q});`);
      case "getNowait":
        return line(n, `W.getNowait(${o.q});`);
      case "join":
        return line(n, `${aw}W.queue(${o.q}).queue.join();`);
      case "gather":
        line(n, "try {");
        line(n + 1, `W.results(${aw}gather(`);
        for (const k of o.kids) child(n + 2, k);
        line(n + 2, `{ returnExceptions: ${o.re} },`);
        line(n + 1, "));");
        return line(n, "} catch (e) { W.caught(e); }");
      case "waitFor":
      case "shield":
        line(n, "try {");
        line(n + 1, `${aw}${o.t}(`);
        // A shielded task goes on when its awaiter is cancelled, and a
        // waitFor task cancelled with its awaiter may swallow that and fail
        // later: either way nobody retrieves the failure (CPython reports
        // it too), so these catch their own.
        child(n + 2, o.body, true);
        if (o.t === "waitFor") line(n + 2, `${o.d},`);
        line(n + 1, ");");
        return line(n, "} catch (e) { W.caught(e); }");
      case "timeout":
        line(n, "try {");
        line(n + 1, `${aw}timeout(${o.d}, ${fn()}`);
        body(n + 2, o.body);
        line(n + 1, "});");
        return line(n, "} catch (e) { W.caught(e); }");
      case "group":
        line(n, "try {");
        line(n + 1, `${aw}taskGroup(${fn("tg")}`);
        for (const k of o.kids) {
          line(n + 2, "tg.createTask(");
          child(n + 3, k);
          line(n + 2, ");");
        }
        line(n + 1, "});");
        return line(n, "} catch (e) { W.caught(e); }");
      case "spawn":
        line(n, "W.spawn(");
        child(n + 1, o.body, true);
        return line(n, ");");
      case "raise":
        return line(n, `throw new ValueError("boom");`);
      case "catchCancel":
        line(n, "try {");
        body(n + 1, o.body);
        line(n, "} catch (e) {");
        line(n + 1, "if (!(e instanceof CancelledError)) throw e;");
        line(n + 1, `W.count("cancellation swallowed");`);
        line(n + 1, "currentTask().uncancel();");
        return line(n, "}");
    }
  };

  const body = (n: number, ops: Op[]) => {
    for (const o of ops) op(n, o);
  };

  line(0, `"use strict";`);
  line(
    0,
    "const { CancelledError, ValueError, coroutine, currentTask, sleep, gather, waitFor, " +
      "shield, timeout, taskGroup, asyncWith } = lib;",
  );
  line(0, "return [");
  for (const s of scripts) {
    line(1, `coroutine(${fn()}`);
    line(2, "try {");
    body(3, s);
    line(2, "} catch (e) { W.caught(e); }");
    line(1, "}),");
  }
  line(0, "];");
  return out.join("\n") + "\n";
}
