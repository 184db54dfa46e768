/**
 * Shrinking: delete statements and tasks while the divergence persists, so
 * a report shows the smallest program we could find that still diverges.
 *
 * Greedy, in rounds: every smaller variant of the current program (a list
 * emptied, or halved, one statement deleted, a block replaced by its body,
 * an awaited item dropped, a duration set to 0) goes to an oracle; the
 * first variant that still diverges (for a real divergence: in the same
 * style, CPython running it without error) becomes the current program.
 * It ends when no variant diverges; then unused functions, slots and
 * resources are dropped and the names renumbered, if it still diverges.
 */
import { clone, isBlock, type Item, type Program, type Stmt, valid, walk } from "./ast.ts";
import { check, type Divergence } from "./compare.ts";
import type { Style } from "./emit_ts.ts";

/** Every statement list of a program (function bodies, main, block bodies). */
function lists(p: Program): Stmt[][] {
  const out: Stmt[][] = [];
  const add = (list: Stmt[]) => {
    out.push(list);
    for (const s of list) if (isBlock(s)) add(s.body);
  };
  p.fns.forEach(add);
  add(p.main);
  return out;
}

/**
 * The smaller variants of a program, roughly largest cut first. Each is built
 * by cloning and editing the n-th statement list (lists are found in the
 * same order in every clone).
 */
export function variants(p: Program): Program[] {
  const out: Program[] = [];
  const nLists = lists(p).length;
  const edit = (f: (lists: Stmt[][]) => boolean) => {
    const q = clone(p);
    if (f(lists(q))) out.push(q);
  };
  // Empty a whole list, then halves of it.
  for (let l = 0; l < nLists; l++) {
    edit((ls) => ls[l].length > 1 && (ls[l].splice(0), true));
  }
  for (let l = 0; l < nLists; l++) {
    const n = lists(p)[l].length;
    if (n >= 4) {
      edit((ls) => (ls[l].splice(0, n >> 1), true));
      edit((ls) => (ls[l].splice(n >> 1), true));
    }
  }
  // Delete one statement; replace a block by its body.
  for (let l = 0; l < nLists; l++) {
    const n = lists(p)[l].length;
    for (let i = 0; i < n; i++) edit((ls) => (ls[l].splice(i, 1), true));
    for (let i = 0; i < n; i++) {
      edit((ls) => {
        const s = ls[l][i];
        if (!isBlock(s)) return false;
        ls[l].splice(i, 1, ...s.body);
        return true;
      });
    }
  }
  // Drop one awaited item; simplify numbers.
  for (let l = 0; l < nLists; l++) {
    const n = lists(p)[l].length;
    for (let i = 0; i < n; i++) {
      const s = lists(p)[l][i];
      const many = s.op === "gather" ? s.items.length : s.op === "wait" ? s.slots.length : 0;
      for (let j = 0; j < many && many > 1; j++) {
        edit((ls) => {
          const t = ls[l][i];
          if (t.op === "gather") t.items.splice(j, 1);
          if (t.op === "wait") t.slots.splice(j, 1);
          return true;
        });
      }
      if (s.op === "sleep" && s.d !== 0) edit((ls) => ((ls[l][i] as typeof s).d = 0, true));
      if (s.op === "wait" && s.timeout !== null) {
        edit((ls) => ((ls[l][i] as typeof s).timeout = null, true));
      }
    }
  }
  return out.filter(valid);
}

/**
 * Drop what nothing runs — functions main cannot reach, slots, locks,
 * events, queues and futures no reachable statement names — and renumber
 * the rest in order (so the rules of ast.ts still hold).
 */
export function tidy(p: Program): Program {
  const q = clone(p);
  const usedSlots = new Set<number>();
  const usedFns = new Set<number>();
  const used = { lock: new Set<number>(), ev: new Set<number>(), q: new Set<number>() };
  const usedFuts = new Set<number>();
  const items = (s: Stmt): Item[] =>
    s.op === "await" || s.op === "waitFor" || s.op === "shield"
      ? [s.item]
      : s.op === "gather"
      ? s.items
      : [];
  const stmts: Stmt[] = [];
  const todo: Stmt[][] = [q.main];
  const reach = (fn: number) => {
    if (!usedFns.has(fn)) {
      usedFns.add(fn);
      todo.push(q.fns[fn]);
    }
  };
  for (let list = todo.pop(); list !== undefined; list = todo.pop()) {
    for (const s of walk(list)) {
      stmts.push(s);
      const slots = "slot" in s ? [s.slot] : s.op === "wait" ? s.slots : [];
      for (const it of items(s)) {
        if (it.k === "task") slots.push(it.slot);
        if (it.k === "call") reach(it.fn);
        if (it.k === "fut") usedFuts.add(it.fut);
      }
      for (const slot of slots) {
        usedSlots.add(slot);
        reach(q.slots[slot]);
      }
      if ("lock" in s) used.lock.add(s.lock);
      if ("ev" in s) used.ev.add(s.ev);
      if ("q" in s) used.q.add(s.q);
      if ("fut" in s) usedFuts.add(s.fut);
    }
  }
  const renumber = (set: Set<number>) =>
    new Map([...set].sort((a, b) => a - b).map((x, i) => [x, i]));
  const fnMap = renumber(usedFns);
  const slotMap = renumber(usedSlots);
  const lockMap = renumber(used.lock);
  const evMap = renumber(used.ev);
  const qMap = renumber(used.q);
  const futMap = renumber(usedFuts);
  const mapItem = (it: Item): Item =>
    it.k === "task"
      ? { k: "task", slot: slotMap.get(it.slot)! }
      : it.k === "call"
      ? { k: "call", fn: fnMap.get(it.fn)! }
      : { k: "fut", fut: futMap.get(it.fut)! };
  for (const s of stmts) {
    if ("slot" in s) s.slot = slotMap.get(s.slot)!;
    if (s.op === "wait") s.slots = s.slots.map((x) => slotMap.get(x)!);
    if ("lock" in s) s.lock = lockMap.get(s.lock)!;
    if ("ev" in s) s.ev = evMap.get(s.ev)!;
    if ("q" in s) s.q = qMap.get(s.q)!;
    if ("fut" in s) s.fut = futMap.get(s.fut)!;
    if (s.op === "await" || s.op === "waitFor" || s.op === "shield") s.item = mapItem(s.item);
    if (s.op === "gather") s.items = s.items.map(mapItem);
  }
  return {
    ...q,
    fns: q.fns.filter((_, k) => fnMap.has(k)),
    slots: q.slots.filter((_, j) => slotMap.has(j)).map((f) => fnMap.get(f)!),
    locks: used.lock.size,
    events: used.ev.size,
    queues: q.queues.filter((_, i) => qMap.has(i)),
    futures: usedFuts.size,
  };
}

/** Says which of some programs (if any) still shows the divergence being shrunk. */
export type Oracle = (
  programs: Program[],
) => Promise<{ program: Program; divergence: Divergence } | null>;

/**
 * The oracle of a real divergence: the first program that still diverges in
 * `style` (CPython running it without error), checked in batches so that
 * CPython starts once per batch.
 */
export function divergesIn(style: Style, batch = 48): Oracle {
  return async (programs) => {
    for (let i = 0; i < programs.length; i += batch) {
      const results = await check(programs.slice(i, i + batch), [style]);
      const hit = results.find((r) => r.pythonError === null && r.styles[style] !== null);
      if (hit) return { program: hit.program, divergence: hit.styles[style]! };
    }
    return null;
  };
}

/** The shrunk program and where it diverges. */
export interface Shrunk {
  program: Program;
  divergence: Divergence;
  /** Programs checked while shrinking. */
  tried: number;
}

/**
 * Shrink a program the oracle accepts. Returns null if the oracle rejects
 * the program itself (it does not diverge, or no longer).
 */
export async function shrink(p: Program, oracle: Oracle): Promise<Shrunk | null> {
  let tried = 1;
  const ask = async (programs: Program[]) => {
    tried += programs.length;
    return await oracle(programs);
  };
  const first = await oracle([p]);
  if (first === null) return null;
  let best = first;
  for (;;) {
    const hit = await ask(variants(best.program));
    if (hit === null) break;
    best = hit;
  }
  best = (await ask([tidy(best.program)])) ?? best;
  return { ...best, tried };
}
