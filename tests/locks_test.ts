/**
 * Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier: every
 * program is the one in tests/python/locks.py, written in both coroutine
 * styles, and must print what CPython printed.
 */
import { assertEquals, assertInstanceOf, assertMatch, assertThrows } from "@std/assert";
import {
  asyncWith,
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  CancelledError,
  Condition,
  coroutine,
  createTask,
  Event,
  gather,
  getRunningLoop,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  run,
  RuntimeError,
  Semaphore,
  sleep,
  type Task,
  TaskGroup,
  Timeout,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";

const virtual = { clock: "virtual" } as const;

function errName(e: unknown): string {
  return (e as Error).name;
}

// --- Lock ---------------------------------------------------------------------

Deno.test("Lock: strict FIFO fairness — a releaser asking again queues behind the woken waiter (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    function* greedy(name: string, n: number) {
      for (let i = 0; i < n; i++) {
        yield* lock.acquire();
        t.print(name, "got", i);
        yield* sleep(0);
        lock.release();
      }
    }
    const ta = createTask(greedy("a", 3));
    const tb = createTask(greedy("b", 3));
    yield* sleep(0);
    t.print(lock);
    yield* ta;
    yield* tb;
    t.print(lock, lock.locked());
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_fairness"));
});

Deno.test("Lock: strict FIFO fairness — a releaser asking again queues behind the woken waiter (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    const greedy = coroutine(async (name: string, n: number) => {
      for (let i = 0; i < n; i++) {
        await lock.acquire();
        t.print(name, "got", i);
        await sleep(0);
        lock.release();
      }
    });
    const ta = createTask(greedy("a", 3));
    const tb = createTask(greedy("b", 3));
    await sleep(0);
    t.print(lock);
    await ta;
    await tb;
    t.print(lock, lock.locked());
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_fairness"));
});

Deno.test("Lock: waiters are served first come, first served; asyncWith holds it for the body (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    function* worker(name: string) {
      t.print(name, "wants it");
      yield* asyncWith(lock, function* () {
        t.print(name, "has it");
        yield* sleep(0);
      });
      t.print(name, "let go");
    }
    const tasks = [..."abcd"].map((n) => createTask(worker(n)));
    yield* sleep(0);
    t.print(lock);
    yield* gather(tasks);
    t.print(lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_fifo"));
});

Deno.test("Lock: waiters are served first come, first served; await using holds it for the block (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    const worker = coroutine(async (name: string) => {
      t.print(name, "wants it");
      {
        await lock.acquire();
        await using _held = lock;
        t.print(name, "has it");
        await sleep(0);
      }
      t.print(name, "let go");
    });
    const tasks = [..."abcd"].map((n) => createTask(worker(n)));
    await sleep(0);
    t.print(lock);
    await gather(tasks);
    t.print(lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_fifo"));
});

Deno.test("Lock: release() of an unlocked lock throws RuntimeError", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    try {
      lock.release();
    } catch (e) {
      assertInstanceOf(e, RuntimeError);
      assertMatch(
        (e as Error).message,
        /^Lock is not acquired: release\(\) was called on an unlocked/,
      );
      t.print("release() unlocked:", errName(e));
    }
    yield* lock.acquire();
    lock.release();
    try {
      lock.release();
    } catch (e) {
      t.print("release() twice:", errName(e));
    }
    t.print("locked:", lock.locked());
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_release_unlocked"));
});

Deno.test("Lock: a waiter cancelled after it was woken passes the lock on — no lost wake-up (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    function* waiter(name: string) {
      try {
        yield* lock.acquire();
      } catch (e) {
        if (e instanceof CancelledError) t.print(name, "cancelled");
        throw e;
      }
      t.print(name, "got the lock");
      yield* sleep(0);
      lock.release();
      t.print(name, "released");
    }
    const tb = createTask(waiter("b"));
    const tc = createTask(waiter("c"));
    yield* sleep(0);
    t.print(lock);
    lock.release(); // wakes b ...
    tb.cancel(); // ... which is cancelled before it can take the lock
    t.print("after release+cancel:", lock);
    yield* sleep(0);
    t.print("b cancelled:", tb.cancelled(), lock);
    yield* tc;
    t.print("end:", lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_cancel_after_wakeup"));
});

Deno.test("Lock: a waiter cancelled after it was woken passes the lock on — no lost wake-up (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const waiter = coroutine(async (name: string) => {
      try {
        await lock.acquire();
      } catch (e) {
        if (e instanceof CancelledError) t.print(name, "cancelled");
        throw e;
      }
      t.print(name, "got the lock");
      await sleep(0);
      lock.release();
      t.print(name, "released");
    });
    const tb = createTask(waiter("b"));
    const tc = createTask(waiter("c"));
    await sleep(0);
    t.print(lock);
    lock.release();
    tb.cancel();
    t.print("after release+cancel:", lock);
    await sleep(0);
    t.print("b cancelled:", tb.cancelled(), lock);
    await tc;
    t.print("end:", lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_cancel_after_wakeup"));
});

Deno.test("Lock: a waiter cancelled while waiting leaves no trace (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const order: string[] = [];
    function* waiter(name: string) {
      try {
        yield* asyncWith(lock, () => {
          order.push(name);
          t.print(name, "has it");
        });
      } catch (e) {
        if (e instanceof CancelledError) t.print(name, "cancelled while waiting");
        throw e;
      }
    }
    const tasks = new Map([..."abc"].map((n) => [n, createTask(waiter(n))]));
    yield* sleep(0);
    t.print(lock);
    tasks.get("b")!.cancel();
    yield* sleep(0);
    t.print(lock);
    lock.release();
    yield* gather([...tasks.values()], { returnExceptions: true });
    t.print(order, lock);
    // Every waiter cancelled: a newcomer takes the lock at once.
    yield* lock.acquire();
    const w = createTask(lock.acquire());
    yield* sleep(0);
    w.cancel();
    lock.release();
    t.print("free again:", lock);
    yield* sleep(0);
    t.print("cancelled:", w.cancelled(), lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_cancel_waiting"));
});

Deno.test("Lock: a waiter cancelled while waiting leaves no trace (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const order: string[] = [];
    const waiter = coroutine(async (name: string) => {
      try {
        await asyncWith(lock, () => {
          order.push(name);
          t.print(name, "has it");
        });
      } catch (e) {
        if (e instanceof CancelledError) t.print(name, "cancelled while waiting");
        throw e;
      }
    });
    const tasks = new Map([..."abc"].map((n) => [n, createTask(waiter(n))]));
    await sleep(0);
    t.print(lock);
    tasks.get("b")!.cancel();
    await sleep(0);
    t.print(lock);
    lock.release();
    await gather([...tasks.values()], { returnExceptions: true });
    t.print(order, lock);
    await lock.acquire();
    const w = createTask(lock.acquire());
    await sleep(0);
    w.cancel();
    lock.release();
    t.print("free again:", lock);
    await sleep(0);
    t.print("cancelled:", w.cancelled(), lock);
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_cancel_waiting"));
});

Deno.test("Lock: async with releases when the body throws (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    try {
      yield* asyncWith(lock, (value) => {
        t.print("inside:", value, lock.locked());
        throw new ValueError("boom");
      });
    } catch (e) {
      t.print("body raised", e, "locked:", lock.locked());
    }
    yield* asyncWith(lock, () => t.print("again:", lock.locked()));
    t.print("after:", lock.locked());
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_async_with"));
});

Deno.test("Lock: await using releases when the block throws (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    try {
      const value = await lock.aenter();
      await using _held = lock;
      t.print("inside:", value, lock.locked());
      throw new ValueError("boom");
    } catch (e) {
      t.print("body raised", e, "locked:", lock.locked());
    }
    await asyncWith(lock, async () => t.print("again:", lock.locked()));
    t.print("after:", lock.locked());
  });
  assertEquals(t.lines, pythonTrace("locks", "lock_async_with"));
});

Deno.test("Lock: a lock bound to one loop refuses another; the error leaves the loop working", async () => {
  const lock = new Lock();
  await run(function* () {
    yield* lock.acquire();
    const w = createTask(lock.acquire()); // waits: binds the lock to this loop
    yield* sleep(0);
    w.cancel();
    lock.release();
  });
  await run(function* () {
    yield* lock.acquire(); // free: no loop needed
    try {
      yield* lock.acquire(); // must wait: needs the loop
    } catch (e) {
      assertInstanceOf(e, RuntimeError);
      assertMatch((e as Error).message, /^<Lock \[locked\]> is bound to a different event loop/);
    }
    assertEquals(yield* sleep(0, "next"), "next");
  });
});

// --- Event --------------------------------------------------------------------

Deno.test("Event: wait/set/clear/isSet; set wakes every waiter in order; a cancelled waiter is removed (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const ev = new Event();
    t.print(ev, ev.isSet());
    function* waiter(name: string) {
      t.print(name, "waiting");
      const result = yield* ev.wait();
      t.print(name, "woke", result);
    }
    const tasks = [..."abc"].map((n) => createTask(waiter(n)));
    yield* sleep(0);
    t.print(ev);
    ev.set();
    ev.set();
    t.print("set:", ev, ev.isSet());
    yield* gather(tasks);
    t.print("already set:", yield* ev.wait());
    ev.clear();
    t.print("cleared:", ev, ev.isSet());
    const d = createTask(waiter("d"));
    const e = createTask(waiter("e"));
    yield* sleep(0);
    d.cancel();
    yield* sleep(0);
    t.print("d cancelled:", d.cancelled(), ev);
    ev.set();
    ev.clear();
    yield* e;
    t.print(ev);
  });
  assertEquals(t.lines, pythonTrace("locks", "event"));
});

Deno.test("Event: wait/set/clear/isSet; set wakes every waiter in order; a cancelled waiter is removed (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const ev = new Event();
    t.print(ev, ev.isSet());
    const waiter = coroutine(async (name: string) => {
      t.print(name, "waiting");
      const result = await ev.wait();
      t.print(name, "woke", result);
    });
    const tasks = [..."abc"].map((n) => createTask(waiter(n)));
    await sleep(0);
    t.print(ev);
    ev.set();
    ev.set();
    t.print("set:", ev, ev.isSet());
    await gather(tasks);
    t.print("already set:", await ev.wait());
    ev.clear();
    t.print("cleared:", ev, ev.isSet());
    const d = createTask(waiter("d"));
    const e = createTask(waiter("e"));
    await sleep(0);
    d.cancel();
    await sleep(0);
    t.print("d cancelled:", d.cancelled(), ev);
    ev.set();
    ev.clear();
    await e;
    t.print(ev);
  });
  assertEquals(t.lines, pythonTrace("locks", "event"));
});

// --- Condition ----------------------------------------------------------------

Deno.test("Condition: waitFor(predicate), notify(n), notifyAll (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const cond = new Condition();
    const items: number[] = [];
    function* consumer(name: string) {
      yield* asyncWith(cond, function* () {
        t.print(name, "waiting");
        const n = yield* cond.waitFor(() => items.length);
        t.print(name, "got", items.shift(), "predicate was", n);
      });
    }
    const tasks = [..."abc"].map((n) => createTask(consumer(n)));
    yield* sleep(0);
    t.print(cond);
    yield* asyncWith(cond, () => {
      items.push(1);
      items.push(2);
      cond.notify(2);
      t.print("notified 2:", cond);
    });
    yield* sleep(0);
    yield* sleep(0);
    t.print(cond);
    yield* asyncWith(cond, () => {
      items.push(3);
      cond.notifyAll();
    });
    yield* gather(tasks);
    t.print(cond);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition"));
});

Deno.test("Condition: waitFor(predicate), notify(n), notifyAll (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const cond = new Condition();
    const items: number[] = [];
    const consumer = coroutine(async (name: string) => {
      await asyncWith(cond, async () => {
        t.print(name, "waiting");
        const n = await cond.waitFor(() => items.length);
        t.print(name, "got", items.shift(), "predicate was", n);
      });
    });
    const tasks = [..."abc"].map((n) => createTask(consumer(n)));
    await sleep(0);
    t.print(cond);
    {
      await cond.acquire();
      await using _held = cond;
      items.push(1);
      items.push(2);
      cond.notify(2);
      t.print("notified 2:", cond);
    }
    await sleep(0);
    await sleep(0);
    t.print(cond);
    await asyncWith(cond, () => {
      items.push(3);
      cond.notifyAll();
    });
    await gather(tasks);
    t.print(cond);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition"));
});

Deno.test("Condition: wait() returns true holding the lock; notify wakes one, notifyAll the rest (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const cond = new Condition();
    function* waiter(name: string) {
      yield* asyncWith(cond, function* () {
        const result = yield* cond.wait();
        t.print(name, "woke", result, "holding the lock:", cond.locked());
        yield* sleep(0);
      });
      t.print(name, "out");
    }
    const tasks = [..."abcd"].map((n) => createTask(waiter(n)));
    yield* sleep(0);
    yield* asyncWith(cond, () => {
      cond.notify();
      t.print("notify() ->", cond);
    });
    yield* sleep(0);
    yield* asyncWith(cond, function* () {
      cond.notifyAll();
      t.print("notifyAll() ->", cond);
      yield* sleep(0);
      t.print("still holding:", cond);
    });
    yield* gather(tasks);
  });
  assertEquals(
    t.lines,
    pythonTrace("locks", "condition_wait_notify").map((l) => l.replace("notify_all", "notifyAll")),
  );
});

Deno.test("Condition: wait() returns true holding the lock; notify wakes one, notifyAll the rest (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const cond = new Condition();
    const waiter = coroutine(async (name: string) => {
      await asyncWith(cond, async () => {
        const result = await cond.wait();
        t.print(name, "woke", result, "holding the lock:", cond.locked());
        await sleep(0);
      });
      t.print(name, "out");
    });
    const tasks = [..."abcd"].map((n) => createTask(waiter(n)));
    await sleep(0);
    await asyncWith(cond, () => {
      cond.notify();
      t.print("notify() ->", cond);
    });
    await sleep(0);
    await asyncWith(cond, async () => {
      cond.notifyAll();
      t.print("notifyAll() ->", cond);
      await sleep(0);
      t.print("still holding:", cond);
    });
    await gather(tasks);
  });
  assertEquals(
    t.lines,
    pythonTrace("locks", "condition_wait_notify").map((l) => l.replace("notify_all", "notifyAll")),
  );
});

Deno.test("Condition: wait, notify and notifyAll without the lock throw RuntimeError", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const messages: string[] = [];
    const main = style === "generator"
      ? function* () {
        const cond = new Condition();
        try {
          yield* cond.wait();
        } catch (e) {
          assertInstanceOf(e, RuntimeError);
          messages.push((e as Error).message);
          t.print("wait:", errName(e));
        }
        for (
          const [name, f] of [["notify", () => cond.notify()], [
            "notify_all",
            () => cond.notifyAll(),
          ]] as const
        ) {
          try {
            f();
          } catch (e) {
            assertInstanceOf(e, RuntimeError);
            t.print(`${name}:`, errName(e));
          }
        }
        t.print("locked:", cond.locked());
      }
      : async () => {
        const cond = new Condition();
        try {
          await cond.wait();
        } catch (e) {
          assertInstanceOf(e, RuntimeError);
          messages.push((e as Error).message);
          t.print("wait:", errName(e));
        }
        for (
          const [name, f] of [["notify", () => cond.notify()], [
            "notify_all",
            () => cond.notifyAll(),
          ]] as const
        ) {
          try {
            f();
          } catch (e) {
            assertInstanceOf(e, RuntimeError);
            t.print(`${name}:`, errName(e));
          }
        }
        t.print("locked:", cond.locked());
      };
    await run(main);
    assertEquals(t.lines, pythonTrace("locks", "condition_errors"), style);
    assertMatch(messages[0], /^cannot wait on un-acquired lock: acquire the condition/);
  }
});

Deno.test("Condition: two conditions share one lock (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const lock = new Lock();
    const notEmpty = new Condition(lock);
    const notFull = new Condition(lock);
    const buf: number[] = [];
    function* producer() {
      for (let i = 0; i < 4; i++) {
        yield* asyncWith(notFull, function* () {
          yield* notFull.waitFor(() => buf.length < 2);
          buf.push(i);
          t.print("put", i, "locked:", lock.locked());
          notEmpty.notify();
        });
      }
    }
    function* consumer() {
      for (let i = 0; i < 4; i++) {
        yield* asyncWith(notEmpty, function* () {
          yield* notEmpty.waitFor(() => buf.length > 0);
          t.print("took", buf.shift());
          notFull.notify();
        });
      }
    }
    yield* gather(producer(), consumer());
    t.print("lock:", lock, "conditions:", notEmpty, notFull);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition_shared_lock"));
});

Deno.test("Condition: two conditions share one lock (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const lock = new Lock();
    const notEmpty = new Condition(lock);
    const notFull = new Condition(lock);
    const buf: number[] = [];
    const producer = coroutine(async () => {
      for (let i = 0; i < 4; i++) {
        await notFull.acquire();
        await using _held = notFull;
        await notFull.waitFor(() => buf.length < 2);
        buf.push(i);
        t.print("put", i, "locked:", lock.locked());
        notEmpty.notify();
      }
    });
    const consumer = coroutine(async () => {
      for (let i = 0; i < 4; i++) {
        await asyncWith(notEmpty, async () => {
          await notEmpty.waitFor(() => buf.length > 0);
          t.print("took", buf.shift());
          notFull.notify();
        });
      }
    });
    await gather(producer(), consumer());
    t.print("lock:", lock, "conditions:", notEmpty, notFull);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition_shared_lock"));
});

Deno.test("Condition: a waiter cancelled while waiting takes the lock back before it leaves (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const cond = new Condition();
    const task = createTask(function* () {
      yield* asyncWith(cond, function* () {
        try {
          yield* cond.wait();
        } catch (e) {
          if (e instanceof CancelledError) {
            t.print("waiter cancelled, holding the lock again:", cond.locked());
          }
          throw e;
        }
      });
    });
    yield* sleep(0);
    yield* asyncWith(cond, function* () {
      task.cancel();
      yield* sleep(0);
      yield* sleep(0);
      t.print("holder still has it; waiter done:", task.done(), cond);
    });
    yield* sleep(0);
    t.print("waiter done:", task.done(), "cancelled:", task.cancelled(), cond);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition_cancel"));
});

Deno.test("Condition: a waiter cancelled while waiting takes the lock back before it leaves (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const cond = new Condition();
    const task = createTask(async () => {
      await asyncWith(cond, async () => {
        try {
          await cond.wait();
        } catch (e) {
          if (e instanceof CancelledError) {
            t.print("waiter cancelled, holding the lock again:", cond.locked());
          }
          throw e;
        }
      });
    });
    await sleep(0);
    await asyncWith(cond, async () => {
      task.cancel();
      await sleep(0);
      await sleep(0);
      t.print("holder still has it; waiter done:", task.done(), cond);
    });
    await sleep(0);
    t.print("waiter done:", task.done(), "cancelled:", task.cancelled(), cond);
  });
  assertEquals(t.lines, pythonTrace("locks", "condition_cancel"));
});

Deno.test("Condition: a waiter cancelled after notify() passes the notification on (Python 3.13's rule)", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const cond = new Condition();
      const waiter = style === "generator"
        ? function* (name: string) {
          yield* asyncWith(cond, function* () {
            try {
              yield* cond.wait();
            } catch (e) {
              t.print(name, "cancelled after it was notified");
              throw e;
            }
            t.print(name, "woke");
          });
        }
        : coroutine(async (name: string) => {
          await asyncWith(cond, async () => {
            try {
              await cond.wait();
            } catch (e) {
              t.print(name, "cancelled after it was notified");
              throw e;
            }
            t.print(name, "woke");
          });
        });
      const ta = createTask(waiter("a"));
      const tb = createTask(waiter("b"));
      yield* sleep(0);
      yield* asyncWith(cond, () => {
        cond.notify(1);
        ta.cancel();
        t.print(cond);
      });
      yield* gather([ta, tb], { returnExceptions: true });
      t.print("a cancelled:", ta.cancelled(), "b done:", tb.done(), cond);
    });
    assertEquals(t.lines, pythonTrace("locks_313", "condition_cancel_after_notify"), style);
  }
});

Deno.test("Condition: bad arguments get clear errors", () => {
  assertThrows(
    () => new Condition({} as Lock),
    TypeError,
    "Condition(): lock must be an asyncio Lock",
  );
  const cond = new Condition();
  assertThrows(
    () => cond.waitFor(true as unknown as () => boolean),
    TypeError,
    "predicate must be a function",
  );
  assertThrows(() => cond.notify("2" as unknown as number), TypeError, "n must be a number");
});

// --- Semaphore ----------------------------------------------------------------

Deno.test("Semaphore: bounds concurrency; locked(); negative value throws ValueError (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const sem = new Semaphore(2);
    t.print(sem, sem.locked());
    function* job(name: string) {
      yield* asyncWith(sem, function* () {
        t.print(name, "in", sem);
        yield* sleep(0);
        yield* sleep(0);
      });
      t.print(name, "out");
    }
    const tasks = [..."abcde"].map((n) => createTask(job(n)));
    yield* sleep(0);
    t.print(sem, sem.locked());
    yield* gather(tasks);
    t.print(sem, sem.locked());
    try {
      new Semaphore(-1);
    } catch (e) {
      t.print("Semaphore(-1):", errName(e));
    }
    const zero = new Semaphore(0);
    t.print("Semaphore(0):", zero, zero.locked());
    zero.release();
    zero.release();
    t.print("released twice:", zero);
  });
  assertEquals(t.lines, pythonTrace("locks", "semaphore"));
});

Deno.test("Semaphore: bounds concurrency; locked(); negative value throws ValueError (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const sem = new Semaphore(2);
    t.print(sem, sem.locked());
    const job = coroutine(async (name: string) => {
      {
        await sem.acquire();
        await using _held = sem;
        t.print(name, "in", sem);
        await sleep(0);
        await sleep(0);
      }
      t.print(name, "out");
    });
    const tasks = [..."abcde"].map((n) => createTask(job(n)));
    await sleep(0);
    t.print(sem, sem.locked());
    await gather(tasks);
    t.print(sem, sem.locked());
    try {
      new Semaphore(-1);
    } catch (e) {
      t.print("Semaphore(-1):", errName(e));
    }
    const zero = new Semaphore(0);
    t.print("Semaphore(0):", zero, zero.locked());
    zero.release();
    zero.release();
    t.print("released twice:", zero);
  });
  assertEquals(t.lines, pythonTrace("locks", "semaphore"));
});

Deno.test("Semaphore: FIFO — a newcomer waits behind earlier waiters even when a unit is free", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const sem = new Semaphore(1);
      yield* sem.acquire();
      const waiter = style === "generator"
        ? function* (name: string) {
          yield* sem.acquire();
          t.print(name, "acquired", sem);
        }
        : coroutine(async (name: string) => {
          await sem.acquire();
          t.print(name, "acquired", sem);
        });
      const tasks = [..."abc"].map((n) => createTask(waiter(n)));
      yield* sleep(0);
      sem.release();
      t.print("released:", sem, sem.locked());
      const late = createTask(waiter("late"));
      yield* sleep(0);
      sem.release();
      sem.release();
      sem.release();
      yield* gather([...tasks, late]);
      t.print(sem);
    });
    assertEquals(t.lines, pythonTrace("locks", "semaphore_fifo"), style);
  }
});

Deno.test("Semaphore: cancelled waiters leave no trace, even after they were woken", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const sem = new Semaphore(0);
      const waiter = style === "generator"
        ? function* (name: string) {
          try {
            yield* sem.acquire();
          } catch (e) {
            t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "acquired");
        }
        : coroutine(async (name: string) => {
          try {
            await sem.acquire();
          } catch (e) {
            t.print(name, "cancelled");
            throw e;
          }
          t.print(name, "acquired");
        });
      const tasks = [..."abc"].map((n) => createTask(waiter(n)));
      yield* sleep(0);
      tasks[0].cancel();
      yield* sleep(0);
      t.print(sem);
      sem.release();
      t.print("after release:", sem);
      tasks[1].cancel();
      yield* gather(tasks, { returnExceptions: true });
      t.print("end:", sem, tasks.map((x) => x.cancelled()));
    });
    assertEquals(t.lines, pythonTrace("locks", "semaphore_cancel"), style);
  }
});

Deno.test("BoundedSemaphore: over-release throws ValueError", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const messages: string[] = [];
    const main = style === "generator"
      ? function* () {
        const sem = new BoundedSemaphore(2);
        yield* sem.acquire();
        sem.release();
        try {
          sem.release();
        } catch (e) {
          assertInstanceOf(e, ValueError);
          messages.push((e as Error).message);
          t.print("over-release:", errName(e), sem);
        }
        yield* asyncWith(sem, function* () {
          yield* asyncWith(sem, () => t.print("both taken:", sem));
        });
        t.print(sem);
      }
      : async () => {
        const sem = new BoundedSemaphore(2);
        await sem.acquire();
        sem.release();
        try {
          sem.release();
        } catch (e) {
          assertInstanceOf(e, ValueError);
          messages.push((e as Error).message);
          t.print("over-release:", errName(e), sem);
        }
        await asyncWith(sem, async () => {
          await asyncWith(sem, () => t.print("both taken:", sem));
        });
        t.print(sem);
      };
    await run(main);
    assertEquals(t.lines, pythonTrace("locks", "bounded"), style);
    assertMatch(messages[0], /^BoundedSemaphore released too many times/);
  }
});

Deno.test("Semaphore: bad initial values get clear errors", () => {
  assertThrows(
    () => new Semaphore(-1),
    ValueError,
    "Semaphore(): the initial value must be an integer >= 0, got -1",
  );
  assertThrows(
    () => new BoundedSemaphore(1.5),
    ValueError,
    "BoundedSemaphore(): the initial value must be an integer >= 0",
  );
  assertThrows(() => new Semaphore("3" as unknown as number), TypeError, "must be a number");
  assertThrows(
    () => new Barrier(0),
    ValueError,
    "Barrier(): parties must be an integer >= 1, got 0",
  );
});

// --- Barrier ------------------------------------------------------------------

Deno.test("Barrier: wait() returns the arrival index; the last arriver does not block; async with (generator)", async () => {
  const t = new Trace();
  await run(function* () {
    const barrier = new Barrier(3);
    t.print(barrier, barrier.parties, barrier.nWaiting, barrier.broken);
    function* party(name: string) {
      t.print(name, "arrives");
      const index = yield* barrier.wait();
      t.print(name, "passed as", index);
      return index;
    }
    const ta = createTask(party("a"));
    const tb = createTask(party("b"));
    yield* sleep(0);
    t.print("waiting:", barrier.nWaiting, barrier);
    t.print(yield* party("c"));
    t.print("draining:", barrier);
    t.print(yield* ta, yield* tb);
    t.print("after:", barrier);
    function* party2(name: string) {
      yield* asyncWith(barrier, (index) => t.print(name, "round 2 index", index));
    }
    yield* gather(party2("x"), party2("y"), party2("z"));
    t.print(barrier);
  });
  assertEquals(t.lines, pythonTrace("locks", "barrier"));
});

Deno.test("Barrier: wait() returns the arrival index; the last arriver does not block; async with (async)", async () => {
  const t = new Trace();
  await run(async () => {
    const barrier = new Barrier(3);
    t.print(barrier, barrier.parties, barrier.nWaiting, barrier.broken);
    const party = coroutine(async (name: string) => {
      t.print(name, "arrives");
      const index = await barrier.wait();
      t.print(name, "passed as", index);
      return index;
    });
    const ta = createTask(party("a"));
    const tb = createTask(party("b"));
    await sleep(0);
    t.print("waiting:", barrier.nWaiting, barrier);
    t.print(await party("c"));
    t.print("draining:", barrier);
    t.print(await ta, await tb);
    t.print("after:", barrier);
    const party2 = coroutine(async (name: string) => {
      await asyncWith(barrier, (index) => t.print(name, "round 2 index", index));
    });
    await gather(party2("x"), party2("y"), party2("z"));
    t.print(barrier);
  });
  assertEquals(t.lines, pythonTrace("locks", "barrier"));
});

Deno.test("Barrier: abort() breaks it for every waiter; reset() repairs it and breaks the current round", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    await run(function* () {
      const barrier = new Barrier(3);
      const party = style === "generator"
        ? function* (name: string) {
          try {
            return yield* barrier.wait();
          } catch (e) {
            if (!(e instanceof BrokenBarrierError)) throw e;
            t.print(name, "broken:", errName(e));
            return "broken";
          }
        }
        : coroutine(async (name: string) => {
          try {
            return await barrier.wait();
          } catch (e) {
            if (!(e instanceof BrokenBarrierError)) throw e;
            t.print(name, "broken:", errName(e));
            return "broken";
          }
        });
      let tasks: Task<number | string>[] = [..."ab"].map((n) => createTask(party(n)));
      yield* sleep(0);
      t.print(barrier);
      yield* barrier.abort();
      t.print("aborted:", barrier, barrier.broken, barrier.nWaiting);
      t.print(yield* gather(tasks));
      t.print("late:", yield* party("late"));
      yield* barrier.reset();
      t.print("reset:", barrier, barrier.broken);
      tasks = [..."cd"].map((n) => createTask(party(n)));
      yield* sleep(0);
      yield* barrier.reset();
      t.print("reset while waiting:", barrier);
      t.print(yield* gather(tasks));
      t.print("end:", barrier);
      t.print(yield* gather(party("e"), party("f"), party("g")));
      try {
        new Barrier(0);
      } catch (e) {
        t.print("Barrier(0):", errName(e));
      }
    });
    assertEquals(t.lines, pythonTrace("locks", "barrier_abort"), style);
  }
});

Deno.test("Barrier: a cancelled waiter leaves the count as it was", async () => {
  for (const style of ["generator", "async"]) {
    const t = new Trace();
    const main = style === "generator"
      ? function* () {
        const barrier = new Barrier(2);
        const w = createTask(barrier.wait());
        yield* sleep(0);
        t.print(barrier);
        w.cancel();
        yield* sleep(0);
        t.print("cancelled:", w.cancelled(), barrier);
        t.print(yield* gather(barrier.wait(), barrier.wait()));
      }
      : async () => {
        const barrier = new Barrier(2);
        const w = createTask(barrier.wait());
        await sleep(0);
        t.print(barrier);
        w.cancel();
        await sleep(0);
        t.print("cancelled:", w.cancelled(), barrier);
        t.print(await gather(barrier.wait(), barrier.wait()));
      };
    await run(main);
    assertEquals(t.lines, pythonTrace("locks", "barrier_cancel"), style);
  }
});

// --- no host timers, no leaks -------------------------------------------------

Deno.test("waiting on any primitive or queue holds no timer: a virtual clock jumps a day at once", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const ev = new Event();
    const lock = new Lock();
    const cond = new Condition();
    const sem = new Semaphore(0);
    const barrier = new Barrier(3);
    const q = new Queue<number>();
    yield* lock.acquire();
    const waiters: Task<unknown>[] = [
      ...Array.from({ length: 100 }, () => createTask(ev.wait())),
      createTask(lock.acquire()),
      createTask(asyncWith(cond, () => cond.wait())),
      createTask(sem.acquire()),
      createTask(barrier.wait()),
      createTask(q.get()),
    ];
    yield* sleep(0);
    // Nothing waits on the loop's timer heap (which host timers would back).
    assertEquals((loop as unknown as { _timers: { size: number } })._timers.size, 0);
    yield* sleep(86400);
    ev.set();
    lock.release();
    yield* asyncWith(cond, () => cond.notifyAll());
    sem.release();
    q.putNowait(7);
    createTask(barrier.wait());
    createTask(barrier.wait());
    const results = yield* gather(waiters);
    return [results.length, loop.time()];
  }, virtual);
  assertEquals(out, [105, 86400]);
});

Deno.test("every primitive Python uses with async with has aenter/aexit and Symbol.asyncDispose", async () => {
  const t = new Trace();
  await run(async () => {
    for (const cm of [new Lock(), new Condition(), new Semaphore(), new BoundedSemaphore()]) {
      {
        const value = await cm.aenter();
        await using _held = cm;
        t.print(cm.constructor.name, value, cm.locked());
      }
      t.print(cm.constructor.name, cm.locked());
    }
    const barrier = new Barrier(1);
    {
      const index = await barrier.aenter();
      await using _passed = barrier;
      t.print("Barrier", index, barrier);
    }
    t.print("Barrier", barrier);
  });
  assertEquals(t.lines, [
    "Lock None True",
    "Lock False",
    "Condition None True",
    "Condition False",
    "Semaphore None True",
    "Semaphore False",
    "BoundedSemaphore None True",
    "BoundedSemaphore False",
    "Barrier 0 <Barrier [filling, waiters:0/1]>",
    "Barrier <Barrier [filling, waiters:0/1]>",
  ]);
});

Deno.test("a primitive used outside a running loop only fails when it must wait", () => {
  const lock = new Lock();
  const gen = lock.acquire();
  assertEquals(gen.next(), { done: true, value: true }); // free: taken at once
  const again = lock.acquire();
  assertThrows(() => again.next(), RuntimeError, "needs a running event loop");
});

Deno.test("primitives, queues, timeouts and task groups show their repr as a string and in the console", () => {
  const objects = [
    new Lock(),
    new Event(),
    new Condition(),
    new Semaphore(2),
    new BoundedSemaphore(),
    new Barrier(2),
    new Queue(),
    new LifoQueue(),
    new PriorityQueue(),
    new Timeout(null),
    new TaskGroup(),
  ];
  assertEquals(objects.map((o) => String(o)), [
    "<Lock [unlocked]>",
    "<Event [unset]>",
    "<Condition [unlocked]>",
    "<Semaphore [unlocked, value:2]>",
    "<BoundedSemaphore [unlocked, value:1]>",
    "<Barrier [filling, waiters:0/2]>",
    "<Queue maxsize=0>",
    "<LifoQueue maxsize=0>",
    "<PriorityQueue maxsize=0>",
    "<Timeout [created]>",
    "<TaskGroup>",
  ]);
  assertEquals(objects.map((o) => Deno.inspect(o)), objects.map((o) => String(o)));
});

// --- async with a primitive runs as acquire/try/finally/release ----------------------

Deno.test("asyncWith(lock): every way out releases once; a cancelled acquire releases nothing", async () => {
  await run(function* () {
    const lock = new Lock();
    // Body returns, throws synchronously, throws after a yield.
    assertEquals(yield* asyncWith(lock, () => 1), 1);
    for (
      const body of [
        () => {
          throw new ValueError("sync");
        },
        function* () {
          yield* sleep(0);
          throw new ValueError("later");
        },
      ]
    ) {
      try {
        yield* asyncWith(lock, body);
      } catch (e) {
        assertInstanceOf(e, ValueError);
      }
      assertEquals(lock.locked(), false);
    }
    // Cancelled while waiting to acquire: nothing to release, the holder keeps it.
    yield* lock.acquire();
    const waiter = createTask(() => asyncWith(lock, () => "never"));
    yield* sleep(0);
    waiter.cancel();
    yield* gather([waiter], { returnExceptions: true });
    assertEquals(waiter.cancelled(), true);
    assertEquals(lock.locked(), true);
    lock.release();
    // Cancelled inside the body: released.
    const inBody = createTask(() =>
      asyncWith(lock, function* () {
        yield* sleep(10);
      })
    );
    yield* sleep(0);
    assertEquals(lock.locked(), true);
    inBody.cancel();
    yield* gather([inBody], { returnExceptions: true });
    assertEquals(lock.locked(), false);
  }, { clock: "virtual" });
});

Deno.test("asyncWith: a Lock subclass that overrides aenter gets the general statement", async () => {
  const t = new Trace();
  class NoisyLock extends Lock {
    override aenter() {
      t.print("aenter");
      return super.aenter();
    }
  }
  await run(function* () {
    const lock = new NoisyLock();
    yield* asyncWith(lock, () => t.print("body", lock.locked()));
    t.print("after", lock.locked());
  });
  assertEquals(t.lines, ["aenter", "body True", "after False"]);
});

Deno.test("using: yield* lock.acquire(); using _held = lock releases at the block's end", async () => {
  await run(function* () {
    const lock = new Lock();
    try {
      yield* lock.acquire();
      using _held = lock;
      yield* sleep(0);
      throw new ValueError("inside");
    } catch (e) {
      assertInstanceOf(e, ValueError);
    }
    assertEquals(lock.locked(), false);
  });
});
