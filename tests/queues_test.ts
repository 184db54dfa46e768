/**
 * Queue, PriorityQueue, LifoQueue: every program is the one in
 * tests/python/queues.py (and queues_shutdown.py, Python 3.13), written in
 * both coroutine styles, and must print what CPython printed.
 */
import { assertEquals, assertInstanceOf, assertMatch, assertThrows } from "@std/assert";
import {
  CancelledError,
  coroutine,
  createTask,
  gather,
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  run,
  sleep,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";

function errName(e: unknown): string {
  return (e as Error).name;
}

// --- basics -------------------------------------------------------------------

Deno.test("Queue: FIFO order, qsize/empty/full/maxsize, getNowait on empty throws QueueEmpty", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const main = style === "generator"
      ? function* () {
        const q = new Queue<number | string>();
        t.print(q, q.qsize(), q.empty(), q.full(), q.maxsize);
        for (let i = 0; i < 3; i++) yield* q.put(i);
        q.putNowait("x");
        t.print(q, q.qsize(), q.empty(), q.full());
        const got = [yield* q.get(), yield* q.get()];
        t.print(got, [q.getNowait(), q.getNowait()]);
        try {
          q.getNowait();
        } catch (e) {
          assertInstanceOf(e, QueueEmpty);
          t.print("get_nowait on empty:", errName(e));
        }
        t.print(q);
      }
      : async () => {
        const q = new Queue<number | string>();
        t.print(q, q.qsize(), q.empty(), q.full(), q.maxsize);
        for (let i = 0; i < 3; i++) await q.put(i);
        q.putNowait("x");
        t.print(q, q.qsize(), q.empty(), q.full());
        const got = [await q.get(), await q.get()];
        t.print(got, [q.getNowait(), q.getNowait()]);
        try {
          q.getNowait();
        } catch (e) {
          assertInstanceOf(e, QueueEmpty);
          t.print("get_nowait on empty:", errName(e));
        }
        t.print(q);
      };
    await run(main);
    assertEquals(t.lines, pythonTrace("queues", "fifo"), style);
  }
});

Deno.test("LifoQueue and PriorityQueue: Python's order, heap layout and ties included", async () => {
  const t = new Trace();
  await run(function* () {
    const lifo = new LifoQueue<number>();
    for (let i = 0; i < 4; i++) lifo.putNowait(i);
    t.print(lifo, [0, 1, 2, 3].map(() => lifo.getNowait()));
    const pq = new PriorityQueue<[number, string]>();
    const entries: [number, string][] = [
      [3, "c"],
      [1, "a"],
      [2, "b"],
      [1, "A"],
      [5, "e"],
      [0, "z"],
      [2, "b2"],
      [4, "d"],
    ];
    for (const e of entries) pq.putNowait(e);
    t.print(pq);
    t.print([0, 1, 2, 3].map(() => pq.getNowait()));
    t.print(pq);
    const nums = new PriorityQueue<number>();
    for (const n of [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]) nums.putNowait(n);
    t.print(nums);
    t.print(Array.from({ length: nums.qsize() }, () => nums.getNowait()));
    const strs = new PriorityQueue<string>();
    for (const s of ["pear", "apple", "fig", "apple pie", "banana"]) strs.putNowait(s);
    t.print(Array.from({ length: strs.qsize() }, () => strs.getNowait()));
    const tuples = new PriorityQueue<number[]>();
    for (const x of [[1, 2], [1], [0, 5, 1], [1, 2, 0], [0, 5], [1, 2]]) tuples.putNowait(x);
    t.print(Array.from({ length: tuples.qsize() }, () => tuples.getNowait()));
    new PriorityQueue<unknown>().putNowait(null);
    t.print("one item needs no comparison");
    const mixed = new PriorityQueue<unknown>();
    try {
      mixed.putNowait(1);
      mixed.putNowait("one");
    } catch (e) {
      assertInstanceOf(e, TypeError);
      assertMatch((e as Error).message, /^PriorityQueue: cannot order 'one' \(a string\) and 1/);
      t.print("unorderable:", errName(e));
    }
    // Unlike Python's heapq, a failed put leaves the queue as it was.
    assertEquals(mixed.qsize(), 1);
    assertEquals(mixed.getNowait(), 1);
  });
  assertEquals(t.lines, pythonTrace("queues", "orders"));
});

Deno.test("PriorityQueue: a comparator orders anything; a throwing comparator loses no item", () => {
  const q = new PriorityQueue<{ at: number; name: string }>(0, (a, b) => a.at - b.at);
  for (const [at, name] of [[3, "c"], [1, "a"], [2, "b"]] as const) q.putNowait({ at, name });
  assertEquals([q.getNowait().name, q.getNowait().name, q.getNowait().name], ["a", "b", "c"]);
  // Objects at the same priority cannot be ordered by default: Python's rule.
  const d = new PriorityQueue<[number, object]>();
  d.putNowait([1, {}]);
  assertThrows(() => d.putNowait([1, {}]), TypeError, "add a counter");
  // The default ordering: numbers with bigints and booleans, arrays like tuples.
  const n = new PriorityQueue<unknown>();
  for (const x of [3, 2n, true, 2.5, 0, -1n]) n.putNowait(x);
  assertEquals(Array.from({ length: 6 }, () => n.getNowait()), [-1n, 0, true, 2n, 2.5, 3]);
  // A comparator that throws on get: the item stays in the queue.
  let fail = false;
  const f = new PriorityQueue<number>(0, (a, b) => {
    if (fail) throw new Error("comparator broke");
    return a - b;
  });
  for (const x of [4, 2, 3, 1]) f.putNowait(x);
  fail = true;
  assertThrows(() => f.getNowait(), Error, "comparator broke");
  assertEquals(f.qsize(), 4);
  fail = false;
  assertEquals(Array.from({ length: 4 }, () => f.getNowait()).sort(), [1, 2, 3, 4]);
  assertThrows(
    () => new PriorityQueue(0, "asc" as unknown as () => number),
    TypeError,
    "compare must be a function",
  );
});

Deno.test("Queue: bad arguments get clear errors", () => {
  assertThrows(
    () => new Queue("10" as unknown as number),
    TypeError,
    "Queue(): maxsize must be a number",
  );
  assertThrows(() => new LifoQueue(NaN), ValueError, "LifoQueue(): maxsize is NaN");
  const q = new Queue<number>(1);
  q.putNowait(1);
  assertThrows(() => q.putNowait(2), QueueFull, "the queue is full (maxsize 1)");
});

// --- blocking put/get -----------------------------------------------------------

Deno.test("Queue(maxsize): put waits while full, putters and getters are served FIFO (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const q = new Queue<number>(2);
    function* producer(name: string, items: number[]) {
      for (const i of items) {
        t.print(name, "putting", i);
        yield* q.put(i);
        t.print(name, "put", i);
      }
    }
    function* consumer(name: string, n: number) {
      for (let k = 0; k < n; k++) {
        const item = yield* q.get();
        t.print(name, "got", item, q);
        yield* sleep(0);
      }
    }
    const p1 = createTask(producer("p1", [1, 2, 3]));
    const p2 = createTask(producer("p2", [10, 20]));
    yield* sleep(0);
    yield* sleep(0);
    t.print(q, q.full());
    try {
      q.putNowait(99);
    } catch (e) {
      assertInstanceOf(e, QueueFull);
      t.print("put_nowait on full:", errName(e));
    }
    yield* gather(p1, p2, consumer("c", 5));
    t.print(q);
  });
  assertEquals(t.lines, pythonTrace("queues", "bounded"));
});

Deno.test("Queue(maxsize): put waits while full, putters and getters are served FIFO (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const q = new Queue<number>(2);
    const producer = coroutine(async (name: string, items: number[]) => {
      for (const i of items) {
        t.print(name, "putting", i);
        await q.put(i);
        t.print(name, "put", i);
      }
    });
    const consumer = coroutine(async (name: string, n: number) => {
      for (let k = 0; k < n; k++) {
        const item = await q.get();
        t.print(name, "got", item, q);
        await sleep(0);
      }
    });
    const p1 = createTask(producer("p1", [1, 2, 3]));
    const p2 = createTask(producer("p2", [10, 20]));
    await sleep(0);
    await sleep(0);
    t.print(q, q.full());
    try {
      q.putNowait(99);
    } catch (e) {
      assertInstanceOf(e, QueueFull);
      t.print("put_nowait on full:", errName(e));
    }
    await gather(p1, p2, consumer("c", 5));
    t.print(q);
  });
  assertEquals(t.lines, pythonTrace("queues", "bounded"));
});

Deno.test("Queue: waiting getters are served in order; a latecomer waits its turn", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<number>();
      const getter = style === "generator"
        ? function* (name: string) {
          const item = yield* q.get();
          t.print(name, "got", item);
        }
        : coroutine(async (name: string) => {
          const item = await q.get();
          t.print(name, "got", item);
        });
      const tasks = [..."abc"].map((n) => createTask(getter(n)));
      yield* sleep(0);
      t.print(q);
      q.putNowait(1);
      q.putNowait(2);
      t.print(q);
      const late = createTask(getter("late"));
      yield* sleep(0);
      q.putNowait(3);
      q.putNowait(4);
      yield* gather([...tasks, late]);
      t.print(q);
    });
    assertEquals(t.lines, pythonTrace("queues", "getters_fifo"), style);
  }
});

Deno.test("Queue: taskDone/join; taskDone too many times throws ValueError", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const messages: string[] = [];
    await run(function* () {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const worker = style === "generator"
        ? function* () {
          for (;;) {
            const item = yield* q.get();
            yield* sleep(0);
            t.print("processed", item);
            q.taskDone();
          }
        }
        : coroutine(async () => {
          for (;;) {
            const item = await q.get();
            await sleep(0);
            t.print("processed", item);
            q.taskDone();
          }
        });
      const joiner = style === "generator"
        ? function* (name: string) {
          yield* q.join();
          t.print(name, "joined", q);
        }
        : coroutine(async (name: string) => {
          await q.join();
          t.print(name, "joined", q);
        });
      const w = createTask(worker());
      yield* gather(joiner("j1"), joiner("j2"));
      yield* q.join();
      t.print("join on a finished queue returns at once");
      w.cancel();
      try {
        q.taskDone();
      } catch (e) {
        assertInstanceOf(e, ValueError);
        messages.push((e as Error).message);
        t.print("task_done too many:", errName(e));
      }
      t.print(q);
    });
    assertEquals(t.lines, pythonTrace("queues", "join"), style);
    assertMatch(messages[0], /^taskDone\(\) called too many times/);
  }
});

// --- cancellation ---------------------------------------------------------------

Deno.test("Queue: a cancelled getter leaves no trace, even after it was woken (the item goes to the next)", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<number>();
      const getter = style === "generator"
        ? function* (name: string) {
          let item: number;
          try {
            item = yield* q.get();
          } catch (e) {
            if (e instanceof CancelledError) t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "got", item);
        }
        : coroutine(async (name: string) => {
          let item: number;
          try {
            item = await q.get();
          } catch (e) {
            if (e instanceof CancelledError) t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "got", item);
        });
      const tasks = [..."abc"].map((n) => createTask(getter(n)));
      yield* sleep(0);
      tasks[0].cancel();
      yield* sleep(0);
      t.print(q);
      q.putNowait(1);
      tasks[1].cancel();
      t.print(q);
      yield* gather(tasks, { returnExceptions: true });
      t.print(q, tasks.map((x) => x.cancelled()));
    });
    assertEquals(t.lines, pythonTrace("queues", "cancel_getter"), style);
  }
});

Deno.test("Queue: a cancelled putter leaves no trace, even after it was woken (the slot goes to the next)", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<string>(1);
      q.putNowait("first");
      const putter = style === "generator"
        ? function* (name: string) {
          try {
            yield* q.put(name);
          } catch (e) {
            if (e instanceof CancelledError) t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "put");
        }
        : coroutine(async (name: string) => {
          try {
            await q.put(name);
          } catch (e) {
            if (e instanceof CancelledError) t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "put");
        });
      const tasks = [..."abc"].map((n) => createTask(putter(n)));
      yield* sleep(0);
      tasks[0].cancel();
      yield* sleep(0);
      t.print(q);
      t.print("got", q.getNowait());
      tasks[1].cancel();
      yield* gather(tasks, { returnExceptions: true });
      t.print(q, tasks.map((x) => x.cancelled()));
    });
    assertEquals(t.lines, pythonTrace("queues", "cancel_putter"), style);
  }
});

// --- shutdown (Python 3.13) -----------------------------------------------------

Deno.test("Queue.shutdown(): puts throw QueueShutDown; gets drain the queue, then throw; waiting getters are released", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const messages: string[] = [];
    await run(function* () {
      const q = new Queue<number>();
      q.putNowait(1);
      q.putNowait(2);
      const getter = style === "generator"
        ? function* (name: string) {
          try {
            for (;;) {
              const item = yield* q.get();
              t.print(name, "got", item);
              q.taskDone();
            }
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print(name, "shut down:", errName(e));
          }
        }
        : coroutine(async (name: string) => {
          try {
            for (;;) {
              const item = await q.get();
              t.print(name, "got", item);
              q.taskDone();
            }
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print(name, "shut down:", errName(e));
          }
        });
      const tasks = [..."ab"].map((n) => createTask(getter(n)));
      yield* sleep(0);
      t.print(q);
      q.shutdown();
      t.print("after shutdown:", q);
      try {
        q.putNowait(3);
      } catch (e) {
        messages.push((e as Error).message);
        t.print("put_nowait:", errName(e));
      }
      try {
        yield* q.put(3);
      } catch (e) {
        t.print("put:", errName(e));
      }
      yield* gather(tasks);
      try {
        q.getNowait();
      } catch (e) {
        t.print("get_nowait on empty:", errName(e));
      }
      yield* q.join();
      t.print("joined", q);
      q.shutdown();
      t.print("twice:", q);
    });
    assertEquals(t.lines, pythonTrace("queues_shutdown", "shutdown"), style);
    assertMatch(messages[0], /^Queue\.putNowait\(\): the queue was shut down/);
  }
});

Deno.test("Queue.shutdown(): the items already queued can still be taken", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const main = style === "generator"
      ? function* () {
        const q = new Queue<number>();
        for (let i = 0; i < 3; i++) q.putNowait(i);
        q.shutdown();
        t.print(q.getNowait(), yield* q.get(), q.qsize());
        q.taskDone();
        q.taskDone();
        t.print(q);
      }
      : async () => {
        const q = new Queue<number>();
        for (let i = 0; i < 3; i++) q.putNowait(i);
        q.shutdown();
        t.print(q.getNowait(), await q.get(), q.qsize());
        q.taskDone();
        q.taskDone();
        t.print(q);
      };
    await run(main);
    assertEquals(t.lines, pythonTrace("queues_shutdown", "shutdown_keeps_items"), style);
  }
});

Deno.test("Queue.shutdown(): waiting putters are released with QueueShutDown", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<string>(1);
      q.putNowait("a");
      const putter = style === "generator"
        ? function* (name: string) {
          try {
            yield* q.put(name);
            t.print(name, "put");
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print(name, "shut down:", errName(e));
          }
        }
        : coroutine(async (name: string) => {
          try {
            await q.put(name);
            t.print(name, "put");
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print(name, "shut down:", errName(e));
          }
        });
      const tasks = [..."bc"].map((n) => createTask(putter(n)));
      yield* sleep(0);
      t.print(q);
      q.shutdown();
      t.print(q);
      yield* gather(tasks);
      t.print(q, q.getNowait());
    });
    assertEquals(t.lines, pythonTrace("queues_shutdown", "shutdown_putters"), style);
  }
});

Deno.test("Queue.shutdown(immediate): drops the items, releases join(), putters and getters", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<string>(2);
      q.putNowait("x");
      q.putNowait("y");
      const putter = style === "generator"
        ? function* () {
          try {
            yield* q.put("z");
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print("putter:", errName(e));
          }
        }
        : coroutine(async () => {
          try {
            await q.put("z");
          } catch (e) {
            if (!(e instanceof QueueShutDown)) throw e;
            t.print("putter:", errName(e));
          }
        });
      const joiner = style === "generator"
        ? function* () {
          yield* q.join();
          t.print("join released", q);
        }
        : coroutine(async () => {
          await q.join();
          t.print("join released", q);
        });
      const tp = createTask(putter());
      const tj = createTask(joiner());
      yield* sleep(0);
      t.print(q);
      q.shutdown(true);
      t.print("immediate:", q, q.qsize(), q.empty());
      yield* gather(tp, tj);
      try {
        yield* q.get();
      } catch (e) {
        t.print("get:", errName(e));
      }
      try {
        q.taskDone();
      } catch (e) {
        t.print("task_done:", errName(e));
      }
    });
    assertEquals(t.lines, pythonTrace("queues_shutdown", "shutdown_immediate"), style);
  }
});

Deno.test("Queue.shutdown(immediate): an item taken but not done still holds join(); Lifo and Priority queues too", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const q = new Queue<number>();
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const first = q.getNowait();
      const joiner = style === "generator"
        ? function* () {
          yield* q.join();
          t.print("joined");
        }
        : coroutine(async () => {
          await q.join();
          t.print("joined");
        });
      const tj = createTask(joiner());
      yield* sleep(0);
      q.shutdown(true);
      yield* sleep(0);
      t.print("after immediate:", q, "join done:", tj.done());
      q.taskDone();
      yield* tj;
      t.print("first was", first, q);
      for (const cls of [LifoQueue, PriorityQueue]) {
        const p = new cls<number>();
        for (const i of [3, 1, 2]) p.putNowait(i);
        p.shutdown();
        t.print(cls.name, [0, 1, 2].map(() => p.getNowait()), p);
      }
    });
    assertEquals(
      t.lines,
      pythonTrace("queues_shutdown", "shutdown_immediate_taken"),
      style,
    );
  }
});
