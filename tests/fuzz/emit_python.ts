/**
 * Prints a fuzz program as Python: `async def main(S)` for tests/fuzz/harness.py.
 */
import type { Item, Program, Stmt } from "./ast.ts";

/** A statement's label in the trace: `s12:gather`. */
export function label(s: Stmt): string {
  return `s${s.id}:${s.op}`;
}

function item(it: Item): string {
  if (it.k === "task") return `S.t(${it.slot})`;
  if (it.k === "call") return `f${it.fn}()`;
  return `S.F[${it.fut}]`;
}

const secs = (d: number | null) => (d === null ? "None" : String(d));

/** What an event or queue statement awaits: the same text in Python and TypeScript. */
export function primitiveAwait(s: Stmt): string | null {
  if (s.op === "evWait") return `S.E[${s.ev}].wait()`;
  if (s.op === "put") return `S.Q[${s.q}].put(${s.id})`;
  if (s.op === "get") return `S.Q[${s.q}].get()`;
  return null;
}

/** Python source of the program (the body of harness.py's batch entry). */
export function emitPython(p: Program): string {
  const out: string[] = [];
  const line = (indent: number, text: string) => out.push("    ".repeat(indent) + text);

  // After the `try:` of a statement: print a cancellation and re-raise it,
  // print any other error, print `ok` when it went through.
  const outcomeTail = (n: number, l: string, ok: string) => {
    line(n, "except CancelledError:");
    line(n + 1, `S.P(${l}, "cancelled")`);
    line(n + 1, "raise");
    line(n, "except Exception as e:");
    line(n + 1, `S.P(${l}, "!!", fmt(e))`);
    line(n, "else:");
    line(n + 1, ok);
  };

  // `await expr` with its outcome printed.
  const outcome = (n: number, s: Stmt, expr: string) => {
    const l = JSON.stringify(label(s));
    line(n, "try:");
    line(n + 1, `r = await ${expr}`);
    outcomeTail(n, l, `S.P(${l}, "->", fmt(r))`);
  };

  // `async with cm:` around a body, with its outcome printed.
  const block = (n: number, s: Stmt & { body: Stmt[] }, cm: string, tgs: number[]) => {
    const l = JSON.stringify(label(s));
    line(n, "try:");
    line(n + 1, `async with ${cm}:`);
    body(n + 2, s.body, s.op === "group" ? [...tgs, s.id] : tgs);
    outcomeTail(n, l, `S.P(${l}, "done")`);
  };

  const stmt = (n: number, s: Stmt, tgs: number[]) => {
    const l = JSON.stringify(label(s));
    switch (s.op) {
      case "sleep":
        return line(n, `await asyncio.sleep(${s.d})`);
      case "print":
        return line(n, `S.P(${l})`);
      case "spawn":
        return line(n, `S.spawn(${s.slot}, f${p.slots[s.slot]}())`);
      case "tgSpawn":
        return line(
          n,
          `S.adopt(${s.slot}, tg${tgs.at(-1)}.create_task(f${
            p.slots[s.slot]
          }(), name="T${s.slot}"))`,
        );
      case "await":
        return outcome(n, s, item(s.item));
      case "cancel":
        return line(n, `S.cancel(${l}, ${s.slot})`);
      case "cancelLater":
        return line(n, `S.loop.call_later(${s.d}, S.cancel, ${l}, ${s.slot})`);
      case "cancelMe":
        return line(n, `S.cancel_me(${l})`);
      case "uncancel":
        return line(n, `S.uncancel(${l})`);
      case "cancelling":
        return line(n, `S.cancelling(${l})`);
      case "gather": {
        const args = s.items.map((it) => item(it));
        if (s.re) args.push("return_exceptions=True");
        return outcome(n, s, `asyncio.gather(${args.join(", ")})`);
      }
      case "wait": {
        const tasks = `[${s.slots.map((slot) => `S.t(${slot})`).join(", ")}]`;
        return outcome(
          n,
          s,
          `asyncio.wait(${tasks}, timeout=${secs(s.timeout)}, return_when=asyncio.${s.when})`,
        );
      }
      case "waitFor":
        return outcome(n, s, `wait_for(${item(s.item)}, ${secs(s.timeout)})`);
      case "shield":
        return outcome(n, s, `asyncio.shield(${item(s.item)})`);
      case "timeout":
        return block(n, s, `timeout(${secs(s.d)})`, tgs);
      case "group":
        return block(n, s, `TaskGroup() as tg${s.id}`, tgs);
      case "lock":
        return block(n, s, `S.L[${s.lock}]`, tgs);
      case "catch":
        line(n, "try:");
        body(n + 1, s.body, tgs);
        line(n, "except CancelledError:");
        line(n + 1, `S.P(${l}, "caught cancel")`);
        if (s.uncancel) line(n + 1, `S.uncancel(${l})`);
        return;
      case "raise":
        return line(n, `raise ValueError("s${s.id}")`);
      case "set":
        return line(n, `S.set(${l}, ${s.ev})`);
      case "clear":
        return line(n, `S.clear(${l}, ${s.ev})`);
      case "evWait":
      case "put":
      case "get":
        return outcome(n, s, primitiveAwait(s)!);
      case "putNowait":
        return line(n, `S.put_nowait(${l}, ${s.q})`);
      case "getNowait":
        return line(n, `S.get_nowait(${l}, ${s.q})`);
      case "resolve":
        return line(n, `S.resolve(${l}, ${s.fut}, ${s.ok ? "True" : "False"})`);
    }
  };

  const body = (n: number, list: Stmt[], tgs: number[]) => {
    if (list.length === 0) line(n, "pass");
    for (const s of list) stmt(n, s, tgs);
  };

  line(0, "async def main(S):");
  line(1, `S.init(${p.locks}, ${p.events}, [${p.queues.join(", ")}], ${p.futures})`);
  p.fns.forEach((fnBody, k) => {
    line(1, `async def f${k}():`);
    body(2, fnBody, []);
    line(2, `return "f${k}"`);
  });
  body(1, p.main, []);
  line(1, "await S.finish()");
  return out.join("\n") + "\n";
}
