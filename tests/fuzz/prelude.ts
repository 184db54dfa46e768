/**
 * Our side of the differential fuzzer: what a generated TypeScript program
 * shares (its trace, task slots, locks, events, queues, futures) and how it
 * runs — the mirror of tests/fuzz/harness.py, line for line, so that both
 * print the same trace when the runtimes agree.
 */
import * as lib from "../../mod.ts";
import {
  type AbstractEventLoop,
  allTasks,
  coroutine,
  createTask,
  currentTask,
  Event,
  ExceptionGroup,
  Future,
  GatheringFuture,
  getRunningLoop,
  Lock,
  Queue,
  run,
  Task,
  ValueError,
  wait,
} from "../../mod.ts";

/** Virtual seconds after which main cancels what is still pending (deadlocks end there). */
export const DEADLINE = 60;

/** A statement used a task slot that was never spawned. */
export class Missing extends Error {}
Missing.prototype.name = "Missing";

const ANON = /^Task-(\d+)$/;

/** A task's name, or `~` for a task the library made (its number differs from CPython's). */
export function nameOf(task: Task<unknown> | null | undefined): string {
  if (!task) return "-";
  const name = task.getName();
  return ANON.test(name) ? "~" : name;
}

/** A value as both sides print it (harness.py's `fmt`). */
export function fmt(x: unknown): string {
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number" || typeof x === "string") return String(x);
  if (Array.isArray(x)) return `[${x.map(fmt).join(", ")}]`;
  if (x instanceof Set) return `{${[...x].map((t) => nameOf(t)).sort().join(", ")}}`;
  if (x instanceof ExceptionGroup) {
    return `ExceptionGroup(${x.groupMessage}: ${x.exceptions.map(fmt).join(", ")})`;
  }
  if (x instanceof Error) {
    // Only our own errors carry a message both sides agree on.
    if (x instanceof ValueError || x instanceof Missing) return `${x.name}(${x.message})`;
    return x.name;
  }
  if (x instanceof Task) return nameOf(x);
  return (x as object).constructor?.name ?? typeof x;
}

function kindOf(fut: unknown): string {
  if (fut === undefined || fut === null) return "-";
  // A report made after the future was garbage-collected carries its repr.
  if (typeof fut === "string") return /^<(\w+)/.exec(fut)?.[1] ?? fut;
  if (fut instanceof Task) return "Task";
  if (fut instanceof GatheringFuture) return "GatheringFuture";
  if (fut instanceof Future) return "Future";
  return (fut as object).constructor?.name ?? typeof fut;
}

function stateOf(task: Task<unknown>): string {
  if (!task.done()) return "pending";
  if (task.cancelled()) return "cancelled";
  if (task.exception() !== undefined) return "!! " + fmt(task.exception());
  return "-> " + fmt(task.result());
}

/** What a program shares; the generated code calls these. */
export class State {
  readonly lines: string[] = [];
  readonly reports: string[] = [];
  readonly T = new Map<number, Task<unknown>>();
  readonly spawned: Task<unknown>[] = [];
  L: Lock[] = [];
  E: Event[] = [];
  Q: Queue<unknown>[] = [];
  F: Future<unknown>[] = [];
  loop!: AbstractEventLoop;
  t0 = 0;
  readonly fmt = fmt;

  init(locks: number, events: number, queues: number[], futures: number): void {
    this.loop = getRunningLoop();
    this.t0 = this.loop.time();
    currentTask()!.setName("main");
    this.loop.setExceptionHandler((_loop, ctx) => {
      this.reports.push(`report ${kindOf(ctx.future ?? ctx.task)} ${fmt(ctx.exception)}`);
    });
    this.L = Array.from({ length: locks }, () => new Lock());
    this.E = Array.from({ length: events }, () => new Event());
    this.Q = queues.map((maxsize) => new Queue(maxsize));
    this.F = Array.from({ length: futures }, () => this.loop.createFuture());
  }

  P = (...parts: unknown[]): void => {
    const t = `t=${Math.round((this.loop.time() - this.t0) * 1000) / 1000}`;
    this.lines.push([t, nameOf(currentTask()), ...parts.map(String)].join(" "));
  };

  t(slot: number): Task<unknown> {
    const task = this.T.get(slot);
    if (task === undefined) throw new Missing(`T${slot}`);
    return task;
  }

  spawn(slot: number, coro: lib.Coroutine<unknown>): void {
    const task = createTask(coro, { name: `T${slot}` });
    this.T.set(slot, task);
    this.spawned.push(task);
  }

  adopt(slot: number, task: Task<unknown>): void {
    this.T.set(slot, task);
    this.spawned.push(task);
  }

  cancel = (sid: string, slot: number): void => {
    const task = this.T.get(slot);
    this.P(sid, `cancel T${slot}`, task ? fmt(task.cancel()) : "missing");
  };

  cancelMe(sid: string): void {
    this.P(sid, "cancel me", fmt(currentTask()!.cancel()));
  }

  uncancel(sid: string): void {
    this.P(sid, "uncancel", currentTask()!.uncancel());
  }

  cancelling(sid: string): void {
    this.P(sid, "cancelling", currentTask()!.cancelling());
  }

  set(sid: string, ev: number): void {
    this.E[ev].set();
    this.P(sid, `set E${ev}`);
  }

  clear(sid: string, ev: number): void {
    this.E[ev].clear();
    this.P(sid, `clear E${ev}`);
  }

  putNowait(sid: string, q: number): void {
    try {
      this.Q[q].putNowait(sid);
    } catch (e) {
      return this.P(sid, `put_nowait Q${q}`, "!!", fmt(e));
    }
    this.P(sid, `put_nowait Q${q}`, "ok");
  }

  getNowait(sid: string, q: number): void {
    let r: unknown;
    try {
      r = this.Q[q].getNowait();
    } catch (e) {
      return this.P(sid, `get_nowait Q${q}`, "!!", fmt(e));
    }
    this.P(sid, `get_nowait Q${q}`, "->", fmt(r));
  }

  resolve(sid: string, fut: number, ok: boolean): void {
    const f = this.F[fut];
    if (f.done()) return this.P(sid, `resolve F${fut}`, "already done");
    if (ok) {
      f.setResult(sid);
      this.P(sid, `resolve F${fut}`, "result");
    } else {
      f.setException(new ValueError(sid));
      this.P(sid, `resolve F${fut}`, "exception");
    }
  }

  /** Tasks still pending, slots in spawn order first, then the library's in creation order. */
  pending(): Task<unknown>[] {
    const me = currentTask();
    const named = this.spawned.filter((t) => !t.done());
    const seen = new Set(named);
    const number = (t: Task<unknown>) => Number(ANON.exec(t.getName())?.[1] ?? -1);
    const anon = [...allTasks()].filter((t) => t !== me && !seen.has(t))
      .sort((a, b) => number(a) - number(b));
    return [...new Set([...named, ...anon])];
  }

  /** Wait for every task until the deadline, then cancel what is left; print the slots. */
  finish(): lib.Coroutine<void> {
    return finish(this);
  }
}

const finish = coroutine(function* (S: State) {
  let rounds = 0;
  for (;;) {
    const pending = S.pending();
    if (pending.length === 0) break;
    const left = DEADLINE - (S.loop.time() - S.t0);
    if (left > 0) {
      yield* wait(pending, { timeout: left });
      continue;
    }
    if (++rounds > 50) {
      S.P("main: stuck", pending.map(nameOf).join(" "));
      break;
    }
    for (const t of pending) S.P("deadline: cancel", nameOf(t), fmt(t.cancel()));
    yield* wait(pending, { timeout: 1 });
  }
  for (const slot of [...S.T.keys()].sort((a, b) => a - b)) {
    S.P(`end T${slot}`, stateOf(S.T.get(slot)!));
  }
});

/** A compiled program: given the runtime and its state, the main coroutine function. */
export type ProgramFactory = (rt: typeof lib, S: State) => () => lib.Coroutine<void>;

/** How long (real time) one program may run before it counts as hung. */
export const HANG_MS = 20_000;

/**
 * Run one program on a fresh virtual-clock loop; its trace, the loop's
 * exception reports (sorted) last. A program that does not finish within
 * `HANG_MS` gives a trace ending in `HANG`.
 */
export async function runProgram(factory: ProgramFactory): Promise<string[]> {
  const S = new State();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((resolve) => {
    timer = setTimeout(() => resolve("hang"), HANG_MS);
  });
  try {
    const outcome = await Promise.race([run(factory(lib, S), { clock: "virtual" }), hang]);
    if (outcome === "hang") {
      try {
        S.loop?.stop();
      } catch { /* it is stuck: say so below */ }
      return [...S.lines, "HANG"];
    }
  } catch (e) {
    return [...S.lines, `ERROR ${e instanceof Error ? e.stack : String(e)}`];
  } finally {
    clearTimeout(timer);
  }
  return [...S.lines, ...S.reports.sort()];
}

/** Compile the code `emitTs` printed. */
export function compile(code: string): ProgramFactory {
  return new Function("lib", "S", code) as ProgramFactory;
}

/** Run a program written by `standalone()` and print its trace. */
export async function runStandalone(factory: ProgramFactory): Promise<void> {
  for (const line of await runProgram(factory)) console.log(line);
}
