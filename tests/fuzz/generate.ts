/**
 * The seeded generator of random asyncio programs: a seed names one program.
 * Changing the weights or the order of random draws changes every seed's
 * program (the expected-failure list then has to be re-derived).
 */
import type { Item, Program, ReturnWhen, Stmt } from "./ast.ts";
import { Rng } from "./rng.ts";

// Every duration is a multiple of 0.25 s: exact in binary, so sums of them
// are exact on both sides and equal deadlines really are equal.
const SLEEPS = [0, 0, 0.25, 0.5, 1, 1, 1.5, 2, 3];
const TIMEOUTS = [0, 0.5, 1, 1, 1.5, 2, 2.5, 3];
const WHENS: ReturnWhen[] = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"];

type Op = Stmt["op"];

const WEIGHTS: Record<Op, number> = {
  sleep: 10,
  print: 3,
  spawn: 5,
  tgSpawn: 7,
  await: 8,
  cancel: 6,
  cancelLater: 3,
  cancelMe: 1,
  uncancel: 2,
  cancelling: 1,
  gather: 5,
  wait: 3,
  waitFor: 5,
  shield: 4,
  timeout: 5,
  group: 5,
  lock: 4,
  catch: 4,
  raise: 3,
  set: 3,
  clear: 1,
  evWait: 3,
  put: 3,
  get: 3,
  putNowait: 1,
  getNowait: 1,
  resolve: 3,
};

const MAIN_WEIGHTS = { sleep: 4, cancel: 3, cancelLater: 3, print: 1, set: 1, resolve: 1 };

/** The program of one seed. */
export function generate(seed: number): Program {
  const rng = new Rng(seed);
  const nFns = rng.int(2, 5);
  const nSlots = rng.int(2, 6);
  const p: Program = {
    seed,
    fns: [],
    slots: Array.from({ length: nSlots }, () => rng.int(0, nFns - 1)),
    main: [],
    locks: rng.int(0, 2),
    events: rng.int(0, 2),
    queues: Array.from({ length: rng.int(0, 2) }, () => rng.pick([0, 1, 2])),
    futures: rng.int(0, 2),
  };
  let id = 0;
  const slotsAbove = (k: number) => p.slots.flatMap((f, j) => (f > k ? [j] : []));

  const item = (k: number): Item | null => {
    const kinds: Item["k"][] = [];
    if (slotsAbove(k).length > 0) kinds.push("task", "task");
    if (k + 1 < nFns) kinds.push("call", "call");
    if (p.futures > 0) kinds.push("fut");
    if (kinds.length === 0) return null;
    const kind = rng.pick(kinds);
    if (kind === "task") return { k: "task", slot: rng.pick(slotsAbove(k)) };
    if (kind === "call") return { k: "call", fn: rng.int(k + 1, nFns - 1) };
    return { k: "fut", fut: rng.int(0, p.futures - 1) };
  };

  const body = (k: number, depth: number, inGroup: boolean, n: number): Stmt[] => {
    const out: Stmt[] = [];
    for (let i = 0; i < n; i++) out.push(stmt(k, depth, inGroup));
    return out;
  };

  const stmt = (k: number, depth: number, inGroup: boolean): Stmt => {
    for (;;) {
      const op = rng.weighted(WEIGHTS);
      const s = make(op, k, depth, inGroup);
      if (s !== null) return s;
    }
  };

  const make = (op: Op, k: number, depth: number, inGroup: boolean): Stmt | null => {
    const above = slotsAbove(k);
    const nested = (n: number) => body(k, depth + 1, inGroup || op === "group", rng.int(1, n));
    switch (op) {
      case "sleep":
        return { op, id: ++id, d: rng.pick(SLEEPS) };
      case "print":
      case "cancelMe":
      case "uncancel":
      case "cancelling":
      case "raise":
        return { op, id: ++id };
      case "spawn":
        return above.length ? { op, id: ++id, slot: rng.pick(above) } : null;
      case "tgSpawn":
        return inGroup && above.length ? { op, id: ++id, slot: rng.pick(above) } : null;
      case "cancel":
        return { op, id: ++id, slot: rng.int(0, nSlots - 1) };
      case "cancelLater":
        return { op, id: ++id, slot: rng.int(0, nSlots - 1), d: rng.pick(TIMEOUTS) };
      case "await":
      case "shield": {
        const it = item(k);
        return it && { op, id: ++id, item: it };
      }
      case "waitFor": {
        const it = item(k);
        const timeout = rng.chance(0.1) ? null : rng.pick(TIMEOUTS);
        return it && { op, id: ++id, item: it, timeout };
      }
      case "gather": {
        const items: Item[] = [];
        for (let i = rng.int(1, 3); i > 0; i--) {
          const it = item(k);
          if (it) items.push(it);
        }
        return items.length ? { op, id: ++id, items, re: rng.chance(0.5) } : null;
      }
      case "wait": {
        if (!above.length) return null;
        const slots = Array.from({ length: rng.int(1, 3) }, () => rng.pick(above));
        const timeout = rng.chance(0.4) ? null : rng.pick(TIMEOUTS);
        return { op, id: ++id, slots, timeout, when: rng.pick(WHENS) };
      }
      case "timeout":
        if (depth >= 2) return null;
        return { op, id: ++id, d: rng.chance(0.1) ? null : rng.pick(TIMEOUTS), body: nested(3) };
      case "group":
        if (depth >= 2) return null;
        return { op, id: ++id, body: nested(4) };
      case "lock":
        if (depth >= 2 || p.locks === 0) return null;
        return { op, id: ++id, lock: rng.int(0, p.locks - 1), body: nested(3) };
      case "catch":
        if (depth >= 2) return null;
        return { op, id: ++id, uncancel: rng.chance(0.5), body: nested(3) };
      case "set":
      case "clear":
      case "evWait":
        return p.events ? { op, id: ++id, ev: rng.int(0, p.events - 1) } : null;
      case "put":
      case "get":
      case "putNowait":
      case "getNowait":
        return p.queues.length ? { op, id: ++id, q: rng.int(0, p.queues.length - 1) } : null;
      case "resolve":
        return p.futures
          ? { op, id: ++id, fut: rng.int(0, p.futures - 1), ok: rng.chance(0.5) }
          : null;
    }
  };

  for (let k = 0; k < nFns; k++) p.fns.push(body(k, 0, false, rng.int(1, 6)));

  // main: spawn the slots it starts, with a few sleeps and cancels between.
  const order = Array.from({ length: nSlots }, (_, j) => j).filter(() => rng.chance(0.7));
  if (order.length === 0) order.push(0);
  for (const slot of order) {
    p.main.push({ op: "spawn", id: ++id, slot });
    for (let n = rng.int(0, 2); n > 0; n--) {
      const s = make(rng.weighted(MAIN_WEIGHTS), -1, 0, false);
      if (s) p.main.push(s);
    }
  }
  return p;
}
