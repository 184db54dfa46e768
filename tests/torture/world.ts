/**
 * What the torture program's tasks share — every primitive, queues that the
 * chaos task shuts down and replaces — and the bookkeeping that checks the
 * invariants: mutual exclusion while running; at the end no held lock or
 * permit, no lost queue item, no task left pending, no unexpected error and
 * no "exception was never retrieved" report.
 */
import {
  type AbstractEventLoop,
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  CancelledError,
  Condition,
  createTask,
  Event,
  ExceptionGroup,
  Lock,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  Semaphore,
  type Task,
  TimeoutError,
  ValueError,
} from "../../mod.ts";
import type { Shape } from "./ops.ts";

/** A queue and what went through it. */
export interface QueueRecord {
  queue: Queue<number>;
  put: Set<number>;
  got: Set<number>;
  /** taskDone() calls. */
  done: number;
  drained: number;
}

/** Errors a script may meet (anything else is a violation). */
const EXPECTED = [
  ValueError,
  TimeoutError,
  QueueShutDown,
  QueueEmpty,
  QueueFull,
  BrokenBarrierError,
];

/** The shared state of one torture run. */
export class World {
  readonly violations: string[] = [];
  /** Counts of what happened, for the report. */
  readonly stats: Record<string, number> = {};
  readonly reports: string[] = [];
  /** Locks, then semaphores, then bounded semaphores: taken in this order. */
  readonly res: (Lock | Semaphore)[];
  readonly capacity: number[];
  readonly holders: number[];
  readonly conds: Condition[];
  readonly tokens: number[];
  readonly produced: number[];
  readonly events: Event[];
  readonly barriers: Barrier[];
  readonly queues: QueueRecord[];
  readonly allQueues: QueueRecord[] = [];
  readonly live = new Set<Task<unknown>>();
  readonly liveList: Task<unknown>[] = [];
  draining = false;
  #nextItem = 0;

  constructor(readonly shape: Shape) {
    this.res = [
      ...Array.from({ length: shape.locks }, () => new Lock()),
      ...shape.sems.map((v) => new Semaphore(v)),
      ...shape.bsems.map((v) => new BoundedSemaphore(v)),
    ];
    this.capacity = [
      ...Array.from({ length: shape.locks }, () => 1),
      ...shape.sems,
      ...shape.bsems,
    ];
    this.holders = this.res.map(() => 0);
    this.conds = Array.from({ length: shape.conds }, () => new Condition());
    this.tokens = this.conds.map(() => 0);
    this.produced = this.conds.map(() => 0);
    this.events = Array.from({ length: shape.events }, () => new Event());
    this.barriers = shape.barriers.map((n) => new Barrier(n));
    this.queues = shape.queues.map((maxsize) => this.#newQueue(maxsize));
  }

  count(what: string, n = 1): void {
    this.stats[what] = (this.stats[what] ?? 0) + n;
  }

  violation(what: string): void {
    if (this.violations.length < 50) this.violations.push(what);
    this.count("violations");
  }

  /** Listen to the loop's exception reports (there should be none). */
  watch(loop: AbstractEventLoop): void {
    loop.setExceptionHandler((_loop, ctx) => {
      const exc = ctx.exception instanceof Error
        ? `${ctx.exception.name}(${ctx.exception.message})`
        : String(ctx.exception);
      const fut = ctx.future ?? ctx.task;
      // (A report made after the future was collected carries its repr.)
      const kind = typeof fut === "string"
        ? /^<(\w+)/.exec(fut)?.[1]
        : fut === undefined
        ? "-"
        : (fut as object).constructor?.name;
      this.reports.push(`${ctx.message} [${kind}] ${exc}`);
      if (Deno.env.get("TORTURE_DEBUG")) console.log(ctx);
    });
  }

  // --- resources ---------------------------------------------------------

  take(r: number): void {
    if (++this.holders[r] > this.capacity[r]) {
      this.violation(
        `resource ${r} held by ${this.holders[r]} tasks (capacity ${this.capacity[r]})`,
      );
    }
    this.count("acquired");
  }

  give(r: number): void {
    this.holders[r]--;
  }

  // --- conditions ----------------------------------------------------------

  produce(i: number, all: boolean): void {
    this.tokens[i]++;
    this.produced[i]++;
    if (all) this.conds[i].notifyAll();
    else this.conds[i].notify();
  }

  ready(i: number): boolean {
    return this.tokens[i] > 0 || this.draining;
  }

  consume(i: number): void {
    if (this.tokens[i] > 0) {
      this.tokens[i]--;
      this.count("consumed");
    }
  }

  // --- events and barriers ---------------------------------------------------

  evSet(i: number): void {
    this.events[i].set();
  }

  evClear(i: number): void {
    if (!this.draining) this.events[i].clear();
  }

  arrived(i: number, index: number): void {
    if (!(index >= 0 && index < this.barriers[i].parties)) {
      this.violation(`barrier ${i} gave index ${index} (parties ${this.barriers[i].parties})`);
    }
    this.count("barrier passed");
  }

  // --- queues ----------------------------------------------------------------

  #newQueue(maxsize: number): QueueRecord {
    const rec = {
      queue: new Queue<number>(maxsize),
      put: new Set<number>(),
      got: new Set<number>(),
      done: 0,
      drained: 0,
    };
    this.allQueues.push(rec);
    return rec;
  }

  queue(q: number): QueueRecord {
    return this.queues[q];
  }

  item(): number {
    return ++this.#nextItem;
  }

  put(rec: QueueRecord, item: number): void {
    rec.put.add(item);
    this.count("put");
  }

  got(rec: QueueRecord, item: number): void {
    if (!rec.put.has(item)) this.violation(`queue gave item ${item} that was never put into it`);
    if (rec.got.has(item)) this.violation(`queue gave item ${item} twice`);
    rec.got.add(item);
    this.count("got");
  }

  taskDone(rec: QueueRecord): void {
    try {
      rec.queue.taskDone();
      rec.done++;
    } catch (e) {
      this.violation(`taskDone() after a get failed: ${e}`);
    }
  }

  putNowait(q: number): void {
    const rec = this.queues[q];
    const item = this.item();
    try {
      rec.queue.putNowait(item);
      this.put(rec, item);
    } catch (e) {
      this.caught(e);
    }
  }

  getNowait(q: number): void {
    const rec = this.queues[q];
    let item: number;
    try {
      item = rec.queue.getNowait();
    } catch (e) {
      return this.caught(e);
    }
    this.got(rec, item);
    this.taskDone(rec);
  }

  /** Shut a queue down (the chaos task does) and put a fresh one in its place. */
  replaceQueue(q: number, immediate: boolean): void {
    const rec = this.queues[q];
    this.#shutdown(rec, immediate);
    this.queues[q] = this.#newQueue(rec.queue.maxsize);
    this.count(immediate ? "queue shutdown(immediate)" : "queue shutdown");
  }

  #shutdown(rec: QueueRecord, immediate: boolean): void {
    if (immediate) rec.drained += rec.queue.qsize();
    rec.queue.shutdown(immediate);
  }

  // --- errors ------------------------------------------------------------------

  /** Catch what a script may meet; a cancellation goes on, anything unexpected is a violation. */
  caught(e: unknown): void {
    if (e instanceof CancelledError) throw e;
    this.classify(e);
  }

  /** Count an error (or a gather result that is one). */
  classify(e: unknown): void {
    if (e instanceof ExceptionGroup) {
      this.count("ExceptionGroup");
      for (const x of e.exceptions) this.classify(x);
      return;
    }
    if (e instanceof CancelledError) return this.count("CancelledError result");
    const known = EXPECTED.find((cls) => e instanceof cls);
    if (known) return this.count(known.name);
    this.violation(`unexpected error: ${e instanceof Error ? e.stack : String(e)}`);
  }

  results(list: unknown[]): void {
    for (const r of list) if (r instanceof Error) this.classify(r);
  }

  // --- tasks -------------------------------------------------------------------

  /** Start a task the world tracks (a worker, or one a worker spawned). */
  spawn(coro: unknown, name?: string): Task<unknown> {
    // deno-lint-ignore no-explicit-any
    const task = createTask(coro as any, name === undefined ? undefined : { name });
    this.live.add(task);
    this.liveList.push(task);
    task.addDoneCallback(() => {
      this.live.delete(task);
      if (!task.cancelled()) {
        const exc = task.exception();
        if (exc !== undefined) this.violation(`task ${task.getName()} failed: ${exc}`);
      }
    });
    this.count("tasks");
    return task;
  }

  /** A live task at random (for the chaos task), or null. */
  randomLive(x: number): Task<unknown> | null {
    while (this.liveList.length > 0) {
      const i = Math.floor(x * this.liveList.length);
      const t = this.liveList[i];
      if (!t.done()) return t;
      this.liveList[i] = this.liveList[this.liveList.length - 1];
      this.liveList.pop();
    }
    return null;
  }

  /** Release everything anyone could wait for: after this, every task must finish. */
  drain(): void {
    this.draining = true;
    for (const e of this.events) e.set();
    for (const rec of this.allQueues) this.#shutdown(rec, true);
  }

  // --- the final checks -----------------------------------------------------------

  /** The checks that need no awaiting (the caller checks permits and conditions). */
  checkQueues(): void {
    for (const [i, rec] of this.allQueues.entries()) {
      const left = rec.queue.qsize();
      if (rec.put.size !== rec.got.size + rec.drained + left) {
        this.violation(
          `queue #${i}: ${rec.put.size} items put, ${rec.got.size} got, ${rec.drained} dropped ` +
            `by shutdown, ${left} left: ${rec.put.size - rec.got.size - rec.drained - left} lost`,
        );
      }
      const unfinished = rec.put.size - rec.done - rec.drained;
      if (unfinished !== 0) {
        this.violation(`queue #${i} (${rec.queue}): ${unfinished} items never marked done`);
      }
    }
    for (const [i, n] of this.holders.entries()) {
      if (n !== 0) this.violation(`resource ${i} still counted as held by ${n} at the end`);
    }
    for (const [i, t] of this.tokens.entries()) {
      if (t < 0 || t > this.produced[i]) this.violation(`condition ${i}: ${t} tokens left`);
    }
    for (const r of this.reports) this.violation(`exception handler report: ${r}`);
  }
}
