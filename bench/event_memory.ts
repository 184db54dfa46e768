/**
 * Memory per task waiting on one Event: N tasks block in `ev.wait()`, the
 * heap and the RSS are measured after a forced GC and compared with the
 * baseline taken just before the tasks were created; then the event is set
 * and every task finishes.
 *
 *   deno run --v8-flags=--expose-gc,--max-old-space-size=4096 bench/event_memory.ts [N] [style]
 *
 * N defaults to 100000; style is `generator` (default), `async`, or one of
 * the breakdowns:
 * - `future`: each task waits on a future of its own (no Event): task +
 *   generator + future;
 * - `parts`: N bare Futures, N suspended generators, N Tasks, measured
 *   one kind at a time (each in an array, whose 4 bytes/slot are included).
 *
 * @module
 */
import {
  coroutine,
  createTask,
  Event,
  Future,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../mod.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("run with --v8-flags=--expose-gc");
  Deno.exit(2);
}

function collect(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) gc!();
  const m = Deno.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const N = Number(Deno.args[0] ?? 100_000);
const style = Deno.args[1] ?? "generator";

/** `hold` keeps what was measured alive until the measurement is taken. */
function report(label: string, base: { heap: number; rss: number }, hold?: unknown): void {
  const n = N;
  const now = collect();
  if (hold === null) console.log(hold); // a use V8 cannot drop
  const heap = (now.heap - base.heap) / n;
  const rss = (now.rss - base.rss) / n;
  console.log(
    `${label.padEnd(44)} N=${n}: heap ${heap.toFixed(0)} B/task, rss ${rss.toFixed(0)} B/task`,
  );
}

if (style === "parts") {
  await run(function* () {
    const loop = getRunningLoop();
    let base = collect();
    let keep: unknown[] = new Array(N);
    for (let i = 0; i < N; i++) keep[i] = new Future(loop);
    report("Future (pending, no callback)", base, keep);
    keep = [];
    function* gen(f: Future<unknown>) {
      yield* f;
    }
    const f = new Future(loop);
    base = collect();
    keep = new Array(N);
    for (let i = 0; i < N; i++) {
      const g = gen(f);
      g.next();
      keep[i] = g;
    }
    report("suspended generator (one yield* frame)", base, keep);
    keep = [];
    const waiter = coroutine(function* (ev: Event) {
      yield* ev.wait();
    });
    const ev = new Event();
    base = collect();
    keep = new Array(N);
    for (let i = 0; i < N; i++) {
      const g = waiter(ev);
      keep[i] = g;
    }
    report("unstarted coroutine object", base, keep);
    keep = [];
    base = collect();
    const tasks: Task<unknown>[] = new Array(N);
    for (let i = 0; i < N; i++) tasks[i] = createTask(gen(f));
    yield* sleep(0);
    report("Task waiting on one shared future", base, tasks);
    f.setResult(undefined);
    yield* sleep(0);
  });
} else {
  await run(function* () {
    const ev = new Event();
    const done = new Event();
    let remaining = N;
    const finish = () => {
      if (--remaining === 0) done.set();
    };
    const gWaiter = function* () {
      yield* ev.wait();
      finish();
    };
    const aWaiter = coroutine(async () => {
      await ev.wait();
      finish();
    });
    const futures: Future<unknown>[] = [];
    const fWaiter = function* (f: Future<unknown>) {
      yield* f;
      finish();
    };
    const base = collect();
    const loop = getRunningLoop();
    for (let i = 0; i < N; i++) {
      if (style === "async") createTask(aWaiter());
      else if (style === "future") {
        const f = loop.createFuture();
        futures.push(f);
        createTask(fWaiter(f));
      } else createTask(gWaiter());
    }
    yield* sleep(0); // every task runs up to its wait
    if (style === "async") yield* sleep(0);
    report(`${style} tasks waiting on ${style === "future" ? "their futures" : "one Event"}`, base);
    const started = performance.now();
    ev.set();
    for (const f of futures) f.setResult(undefined);
    yield* done.wait();
    console.log(
      `${"".padEnd(44)} set() to the last one done: ${(performance.now() - started).toFixed(0)} ms`,
    );
  });
}
