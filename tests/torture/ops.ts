/**
 * The scripts of the torture program's workers: seeded random trees of
 * operations on every primitive, nested inside waitFor, timeout, shield,
 * TaskGroup and gather.
 *
 * Rules that make every script finish once the world drains (so a task still
 * pending after the drain is a lost wake-up, not a deadlock of the script):
 * - resources (locks, semaphores) are taken in increasing index order, and
 *   children started while one is held (gather, group, shield, waitFor
 *   bodies) only take higher ones;
 * - blocking waits (events, barriers, conditions, queue puts and gets,
 *   joins) happen only while no resource is held.
 */
import type { Rng } from "../fuzz/rng.ts";

/** One operation of a worker script. */
export type Op =
  | { t: "sleep"; d: number }
  | { t: "res"; r: number; with: boolean; body: Op[] }
  | { t: "cond"; i: number; produce: boolean; all: boolean }
  | { t: "evSet"; i: number }
  | { t: "evClear"; i: number }
  | { t: "evWait"; i: number }
  | { t: "barrier"; i: number }
  | { t: "put"; q: number }
  | { t: "get"; q: number }
  | { t: "putNowait"; q: number }
  | { t: "getNowait"; q: number }
  | { t: "join"; q: number }
  | { t: "gather"; re: boolean; kids: Op[][] }
  | { t: "waitFor"; d: number | null; body: Op[] }
  | { t: "timeout"; d: number | null; body: Op[] }
  | { t: "shield"; body: Op[] }
  | { t: "group"; kids: Op[][] }
  | { t: "spawn"; body: Op[] }
  | { t: "raise" }
  | { t: "catchCancel"; body: Op[] };

/** How many of each primitive a world has. */
export interface Shape {
  /** Resources in acquisition order: locks, then semaphores, then bounded semaphores. */
  locks: number;
  sems: number[];
  bsems: number[];
  conds: number;
  events: number;
  /** Parties of each barrier. */
  barriers: number[];
  /** maxsize of each queue slot. */
  queues: number[];
}

/** A random world shape. */
export function shape(rng: Rng): Shape {
  return {
    locks: rng.int(1, 4),
    sems: Array.from({ length: rng.int(1, 2) }, () => rng.int(1, 3)),
    bsems: Array.from({ length: rng.int(1, 2) }, () => rng.int(1, 3)),
    conds: rng.int(1, 2),
    events: rng.int(1, 3),
    barriers: Array.from({ length: rng.int(1, 2) }, () => rng.int(2, 4)),
    queues: Array.from({ length: rng.int(1, 3) }, () => rng.pick([0, 1, 2, 4])),
  };
}

/** Total number of resources (locks and semaphores of both kinds). */
export function resources(s: Shape): number {
  return s.locks + s.sems.length + s.bsems.length;
}

const SLEEPS = [0, 0, 0.001, 0.005, 0.01, 0.02, 0.05];
const TIMEOUTS = [0, 0.002, 0.01, 0.03, 0.1, null];

/**
 * A random script. `held` is the highest resource index held by the code
 * that runs it (-1: none); `depth` bounds nesting.
 */
export function script(rng: Rng, s: Shape, held = -1, depth = 0): Op[] {
  const n = rng.int(1, depth === 0 ? 8 : 3);
  const out: Op[] = [];
  const nres = resources(s);
  const free = held < 0;
  const kids = () => Array.from({ length: rng.int(1, 3) }, () => script(rng, s, held, depth + 1));
  while (out.length < n) {
    const k = rng.weighted({
      sleep: 8,
      res: held < nres - 1 ? 6 : 0,
      cond: free ? 3 : 0,
      ev: free ? 4 : 1,
      barrier: free ? 1 : 0,
      queue: free ? 6 : 1,
      nest: depth < 3 ? 6 : 0,
      raise: 1,
      catchCancel: depth < 3 ? 1 : 0,
    });
    switch (k) {
      case "sleep":
        out.push({ t: "sleep", d: rng.pick(SLEEPS) });
        break;
      case "res": {
        const r = rng.int(held + 1, nres - 1);
        out.push({ t: "res", r, with: rng.chance(0.5), body: script(rng, s, r, depth + 1) });
        break;
      }
      case "cond":
        out.push({
          t: "cond",
          i: rng.int(0, s.conds - 1),
          produce: rng.chance(0.5),
          all: rng.chance(0.3),
        });
        break;
      case "ev": {
        const i = rng.int(0, s.events - 1);
        const t = free
          ? rng.pick(["evSet", "evSet", "evClear", "evWait", "evWait"] as const)
          : "evSet";
        out.push({ t, i });
        break;
      }
      case "barrier":
        out.push({ t: "barrier", i: rng.int(0, s.barriers.length - 1) });
        break;
      case "queue": {
        const q = rng.int(0, s.queues.length - 1);
        const t = free
          ? rng.pick(["put", "put", "get", "get", "putNowait", "getNowait", "join"] as const)
          : rng.pick(["putNowait", "getNowait"] as const);
        out.push({ t, q });
        break;
      }
      case "nest": {
        const which = rng.pick(
          ["gather", "waitFor", "timeout", "shield", "group", "spawn"] as const,
        );
        if (which === "gather") out.push({ t: which, re: rng.chance(0.5), kids: kids() });
        else if (which === "group") out.push({ t: which, kids: kids() });
        else if (which === "waitFor" || which === "timeout") {
          out.push({ t: which, d: rng.pick(TIMEOUTS), body: script(rng, s, held, depth + 1) });
        } else out.push({ t: which, body: script(rng, s, held, depth + 1) });
        break;
      }
      case "raise":
        out.push({ t: "raise" });
        break;
      case "catchCancel":
        out.push({ t: "catchCancel", body: script(rng, s, held, depth + 1) });
        break;
    }
  }
  return out;
}
