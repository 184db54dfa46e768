/**
 * The cancellation torture program: thousands of tasks running random
 * scripts over every primitive while a chaos task cancels them at random,
 * shuts queues down and resets barriers; then everything is released and
 * the invariants are checked. Seeded and bounded: one seed, one size and one
 * style always make the same run.
 */
import * as lib from "../../mod.ts";
import {
  allTasks,
  coroutine,
  currentTask,
  FIRST_COMPLETED,
  getRunningLoop,
  run,
  sleep,
  wait,
} from "../../mod.ts";
import type { Style } from "../fuzz/emit_ts.ts";
import { Rng } from "../fuzz/rng.ts";
import { emitWorkers } from "./emit.ts";
import { type Op, script, type Shape, shape } from "./ops.ts";
import { World } from "./world.ts";

/** What one run is. */
export interface TortureOptions {
  seed: number;
  /** How many worker tasks (each may start more). */
  workers: number;
  style: Style;
}

/** What one run found. */
export interface TortureResult {
  violations: string[];
  stats: Record<string, number>;
  /** Virtual seconds the run took. */
  virtualTime: number;
}

/** Virtual seconds the workers get before everything is released. */
const RUN_FOR = 5;
/**
 * After the release, tasks may still queue for locks and semaphores for a
 * long while (thousands of workers, one holder at a time); a task that waits
 * for something nobody will ever give it shows as no task finishing for this
 * many virtual seconds.
 */
const STALL = 30;

type Workers = (rt: typeof lib, W: World) => (() => lib.Coroutine<void>)[];

/** A run's world shape and its compiled worker scripts. */
interface Compiled {
  shape: Shape;
  workers: Workers;
}

// Printing and compiling the scripts costs more than a small run, and V8
// keeps the code of every `new Function` for a long while: each seed, size
// and style is compiled once (the memory check runs a few seeds many times).
const cache = new Map<string, Compiled>();

function compile(seed: number, workers: number, style: Style): Compiled {
  const key = `${seed}/${workers}/${style}`;
  let c = cache.get(key);
  if (c === undefined) {
    // Distinct scripts (each worker picks one): enough variety, bounded code.
    const rng = new Rng(seed);
    const s = shape(rng);
    const n = Math.min(64, Math.max(8, Math.ceil(workers / 16)));
    const scripts: Op[][] = Array.from({ length: n }, () => script(rng, s));
    c = { shape: s, workers: new Function("lib", "W", emitWorkers(scripts, style)) as Workers };
    cache.set(key, c);
    if (cache.size > 32) cache.delete(cache.keys().next().value!);
  }
  return c;
}

/** Run the torture once on a fresh virtual-clock loop. */
export async function torture(opts: TortureOptions): Promise<TortureResult> {
  const compiled = compile(opts.seed, opts.workers, opts.style);
  const world = new World(compiled.shape);
  const workers = compiled.workers(lib, world);
  // The run's own draws (which script each worker runs, the chaos) come
  // from a second stream, so they do not depend on how scripts are drawn.
  const rng = new Rng(opts.seed ^ 0x5eed);
  let virtualTime = 0;

  const chaos = coroutine(function* () {
    while (!world.draining) {
      yield* sleep(rng.pick([0, 0.001, 0.002, 0.005]));
      if (world.draining) break;
      const action = rng.weighted({ cancel: 20, shutdown: 1, shutdownNow: 1, reset: 1, clear: 1 });
      if (action === "cancel") {
        // One task per thousand alive at a time, so big runs get their share.
        for (let n = 1 + Math.floor(world.live.size / 1000); n > 0; n--) {
          const t = world.randomLive(rng.next());
          if (t !== null && t.cancel()) world.count("chaos cancels");
        }
      } else if (action === "shutdown" || action === "shutdownNow") {
        world.replaceQueue(rng.int(0, world.queues.length - 1), action === "shutdownNow");
      } else if (action === "reset") {
        yield* world.barriers[rng.int(0, world.barriers.length - 1)].reset();
        world.count("barrier reset");
      } else {
        world.evClear(rng.int(0, world.events.length - 1));
      }
    }
  });

  const main = coroutine(function* () {
    const loop = getRunningLoop();
    const t0 = loop.time();
    world.watch(loop);
    const chaosTask = lib.createTask(chaos());
    // Start the workers in waves, a little virtual time apart.
    for (let i = 0; i < opts.workers; i++) {
      world.spawn(workers[rng.int(0, workers.length - 1)](), `w${i}`);
      if (i % 50 === 49) yield* sleep(rng.pick([0, 0.001, 0.01]));
    }
    // Let them run, then release everything anyone could be waiting for.
    while (world.live.size > 0 && loop.time() - t0 < RUN_FOR) {
      yield* wait([...world.live], { timeout: RUN_FOR - (loop.time() - t0) });
    }
    world.drain();
    yield* chaosTask;
    for (const b of world.barriers) yield* b.abort();
    for (const c of world.conds) {
      yield* c.acquire();
      c.notifyAll();
      c.release();
    }
    // Every task must now finish: the workers and the ones the library
    // started for them (gather children, shielded and waitFor tasks).
    const me = currentTask();
    const others = () => [...allTasks()].filter((t) => t !== me);
    while (others().length > 0) {
      const [done] = yield* wait(others(), { timeout: STALL, returnWhen: FIRST_COMPLETED });
      if (done.size === 0) break;
    }
    const left = others();
    for (const t of left) {
      world.violation(
        `task left pending (nothing finished for ${STALL} s): ${t}${
          world.live.has(t) ? " (tracked)" : ""
        } ${t.getStack().join(" | ")}`,
      );
      t.cancel();
    }
    if (left.length > 0) yield* wait(left, { timeout: 1 });
    // Every lock and permit is back.
    for (const [r, res] of world.res.entries()) {
      for (let k = 0; k < world.capacity[r]; k++) {
        if (res.locked()) {
          world.violation(`resource ${r} (${res}): only ${k} of ${world.capacity[r]} free`);
          break;
        }
        yield* res.acquire();
      }
      if (!res.locked()) world.violation(`resource ${r} (${res}) has more than its capacity`);
      for (let k = 0; k < world.capacity[r]; k++) res.release();
    }
    for (const [i, c] of world.conds.entries()) {
      if (c.locked()) world.violation(`condition ${i} still locked`);
    }
    for (const [i, b] of world.barriers.entries()) {
      if (b.nWaiting !== 0) world.violation(`barrier ${i}: ${b.nWaiting} waiting after abort`);
    }
    virtualTime = loop.time() - t0;
  });

  await run(main, { clock: "virtual" });
  world.checkQueues();
  return { violations: world.violations, stats: world.stats, virtualTime };
}
