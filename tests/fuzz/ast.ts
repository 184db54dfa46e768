/**
 * The fuzzer's program model: a few coroutine functions whose bodies are
 * statement trees, task slots that run one function each, and the shared
 * resources (locks, events, queues, futures). The generator builds it, the
 * emitters print it as Python and TypeScript, the shrinker edits it.
 *
 * Rules that keep every program finite (and so comparable):
 * - function `k` calls only functions `> k`, and awaits (or gathers,
 *   shields, waits for) only tasks of slots whose function is `> k`: no
 *   await cycle, no recursion;
 * - function `k` spawns only slots whose function is `> k`;
 * - the main coroutine only spawns, sleeps, cancels and prints, then
 *   supervises: tasks still pending at the deadline are cancelled.
 */

/** Something a statement awaits. */
export type Item =
  | { k: "task"; slot: number }
  | { k: "call"; fn: number }
  | { k: "fut"; fut: number };

/** `wait()`'s `returnWhen`. */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** One statement; `id` is unique in the program and names its output lines. */
export type Stmt =
  | { op: "sleep"; id: number; d: number }
  | { op: "print"; id: number }
  | { op: "spawn"; id: number; slot: number }
  | { op: "tgSpawn"; id: number; slot: number }
  | { op: "await"; id: number; item: Item }
  | { op: "cancel"; id: number; slot: number }
  | { op: "cancelLater"; id: number; slot: number; d: number }
  | { op: "cancelMe"; id: number }
  | { op: "uncancel"; id: number }
  | { op: "cancelling"; id: number }
  | { op: "gather"; id: number; items: Item[]; re: boolean }
  | { op: "wait"; id: number; slots: number[]; timeout: number | null; when: ReturnWhen }
  | { op: "waitFor"; id: number; item: Item; timeout: number | null }
  | { op: "shield"; id: number; item: Item }
  | { op: "timeout"; id: number; d: number | null; body: Stmt[] }
  | { op: "group"; id: number; body: Stmt[] }
  | { op: "lock"; id: number; lock: number; body: Stmt[] }
  | { op: "catch"; id: number; uncancel: boolean; body: Stmt[] }
  | { op: "raise"; id: number }
  | { op: "set"; id: number; ev: number }
  | { op: "clear"; id: number; ev: number }
  | { op: "evWait"; id: number; ev: number }
  | { op: "put"; id: number; q: number }
  | { op: "get"; id: number; q: number }
  | { op: "putNowait"; id: number; q: number }
  | { op: "getNowait"; id: number; q: number }
  | { op: "resolve"; id: number; fut: number; ok: boolean };

/** Statements that hold a body. */
export type Block = Extract<Stmt, { body: Stmt[] }>;

/** A whole program. */
export interface Program {
  /** The seed it was generated from. */
  seed: number;
  /** Function bodies; function `k` is `f{k}`, returning the string `"f{k}"`. */
  fns: Stmt[][];
  /** The function each task slot runs (`T{j}` runs `f{slots[j]}`). */
  slots: number[];
  /** What the main coroutine does before it supervises. */
  main: Stmt[];
  locks: number;
  events: number;
  /** The `maxsize` of each queue. */
  queues: number[];
  futures: number;
}

/** Whether a statement holds a body. */
export function isBlock(s: Stmt): s is Block {
  return "body" in s;
}

/** Every statement of a list, depth first, parents before children. */
export function* walk(list: readonly Stmt[]): Generator<Stmt> {
  for (const s of list) {
    yield s;
    if (isBlock(s)) yield* walk(s.body);
  }
}

/** Every statement of a program. */
export function* allStatements(p: Program): Generator<Stmt> {
  for (const body of p.fns) yield* walk(body);
  yield* walk(p.main);
}

/** A deep copy. */
export function clone(p: Program): Program {
  return structuredClone(p);
}

/** Items a statement awaits. */
export function itemsOf(s: Stmt): Item[] {
  switch (s.op) {
    case "await":
    case "waitFor":
    case "shield":
      return [s.item];
    case "gather":
      return s.items;
    case "wait":
      return s.slots.map((slot) => ({ k: "task", slot }));
    default:
      return [];
  }
}

/**
 * Whether a program keeps the rules above (the shrinker only keeps programs
 * that do). `tgSpawn` must sit inside a `group` of the same function.
 */
export function valid(p: Program): boolean {
  const ok = (list: readonly Stmt[], k: number, inGroup: boolean): boolean => {
    for (const s of list) {
      if (s.op === "tgSpawn" && !inGroup) return false;
      if ((s.op === "spawn" || s.op === "tgSpawn") && p.slots[s.slot] <= k) return false;
      if (s.op === "wait" && s.slots.length === 0) return false;
      for (const it of itemsOf(s)) {
        if (it.k === "call" && it.fn <= k) return false;
        if (it.k === "task" && p.slots[it.slot] <= k) return false;
      }
      if (isBlock(s) && !ok(s.body, k, inGroup || s.op === "group")) return false;
    }
    return true;
  };
  return p.fns.every((body, k) => ok(body, k, false)) && ok(p.main, -1, false);
}

/** How many statements a program has (the shrinker's measure of size). */
export function size(p: Program): number {
  let n = 0;
  for (const _ of allStatements(p)) n++;
  return n;
}
