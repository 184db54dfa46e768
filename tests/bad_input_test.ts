/**
 * Bad input gets a clear error — the right class, a message that names the
 * argument, what was expected and the fix — and never corrupts the loop:
 * after each error, the next task still runs.
 */
import { assertEquals, assertInstanceOf, assertMatch, assertRejects } from "@std/assert";
import {
  asyncWith,
  coroutine,
  createTask,
  ensureFuture,
  gather,
  getRunningLoop,
  IncompleteReadError,
  InvalidStateError,
  newEventLoop,
  run,
  RuntimeError,
  setEventLoop,
  sleep,
  Task,
  ThrownValueError,
  timeout,
  timeoutAt,
  ValueError,
  wait,
  waitFor,
  wrap,
} from "../mod.ts";

interface Case {
  name: string;
  call: () => unknown;
  error: new (...args: never[]) => Error;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "createTask(42)",
    call: () => createTask(42 as never),
    error: TypeError,
    message:
      /^createTask\(\): a coroutine was expected, got 42 \(a number\); pass a coroutine object/,
  },
  {
    name: 'run("x")',
    call: () => run("x" as never),
    error: RuntimeError, // inside a running loop the running-loop check comes first
    message: /^asyncio\.run\(\) cannot be called from a running event loop/,
  },
  {
    name: "callSoon(notAFunction)",
    call: () => getRunningLoop().callSoon("print" as never),
    error: TypeError,
    message: /^callSoon\(\): the callback must be a function, got 'print' \(a string\)$/,
  },
  {
    name: "callLater with a string delay",
    call: () => getRunningLoop().callLater("1" as never, () => {}),
    error: TypeError,
    message: /^callLater\(\): delay must be a number of seconds, got '1' \(a string\)$/,
  },
  {
    name: "callAt(NaN)",
    call: () => getRunningLoop().callAt(NaN, () => {}),
    error: ValueError,
    message: /^callAt\(\): when is NaN; check the arithmetic that produced it$/,
  },
  {
    name: "sleep(NaN)",
    call: () => sleep(NaN),
    error: ValueError,
    message: /^sleep\(\): delay is NaN; check the arithmetic that produced it$/,
  },
  {
    name: "sleep(-1)",
    call: () => sleep(-1),
    error: ValueError,
    message: /^sleep\(\): delay must be a number of seconds >= 0, got -1$/,
  },
  {
    name: 'sleep("1")',
    call: () => sleep("1" as never),
    error: TypeError,
    message: /^sleep\(\): delay must be a number of seconds, got '1' \(a string\)$/,
  },
  // Timeouts and deadlines: the same classes and wording as delays (null means none).
  {
    name: "wait([...], { timeout: NaN })",
    call: () => wait([sleep(0)], { timeout: NaN }),
    error: ValueError,
    message: /^wait\(\): timeout is NaN; check the arithmetic that produced it$/,
  },
  {
    name: 'wait([...], { timeout: "1" })',
    call: () => wait([sleep(0)], { timeout: "1" as never }),
    error: TypeError,
    message: /^wait\(\): timeout must be a number of seconds or null, got '1' \(a string\)$/,
  },
  {
    name: "waitFor(aw, NaN)",
    call: () => waitFor(sleep(0), NaN),
    error: ValueError,
    message: /^waitFor\(\): timeout is NaN; check the arithmetic that produced it$/,
  },
  {
    name: 'timeout("1", body)',
    call: () => timeout("1" as never, () => {}),
    error: TypeError,
    message: /^timeout\(\): delay must be a number of seconds or null, got '1' \(a string\)$/,
  },
  {
    name: "timeoutAt(NaN)",
    call: () => timeoutAt(NaN),
    error: ValueError,
    message: /^timeoutAt\(\): when is NaN; check the arithmetic that produced it$/,
  },
  {
    name: "setResult on a done future",
    call: () => {
      const f = getRunningLoop().createFuture();
      f.setResult(1);
      f.setResult(2);
    },
    error: InvalidStateError,
    message:
      /^setResult\(\) called on a future that is already done \(<Future finished result=1>\); a future completes once — check done\(\) first$/,
  },
  {
    name: "runUntilComplete inside the running loop",
    call: () => getRunningLoop().runUntilComplete(sleep(0)),
    error: RuntimeError,
    message:
      /^runUntilComplete\(\): this event loop is already running; inside a coroutine, wait with yield\* or await instead$/,
  },
  {
    name: "runForever on another loop while one runs",
    call: () => {
      const other = newEventLoop();
      try {
        return other.runForever();
      } finally {
        other.close();
      }
    },
    error: RuntimeError,
    message: /^runForever\(\): cannot run the event loop while another loop is running$/,
  },
  {
    name: "wait(a single task)",
    call: () => wait(createTask(sleep(0)) as never),
    error: TypeError,
    message:
      /^wait\(\): expected a list of futures, not <Task pending .*>; pass an array: wait\(\[task\]\)$/,
  },
  {
    name: "wait([])",
    call: () => wait([]),
    error: ValueError,
    message: /^wait\(\): the set of tasks\/futures is empty; pass at least one$/,
  },
  {
    name: "wait with a bad returnWhen",
    call: () => wait([sleep(0)], { returnWhen: "FIRST" as never }),
    error: ValueError,
    message:
      /^wait\(\): invalid returnWhen value "FIRST"; use FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED$/,
  },
  {
    name: "gather(42)",
    call: () => gather(42 as never),
    error: TypeError,
    message: /^gather\(\): argument 1 is 42 \(a number\), which cannot be awaited; pass coroutine/,
  },
  {
    name: "ensureFuture(null)",
    call: () => ensureFuture(null as never),
    error: TypeError,
    message: /^createTask\(\): a coroutine was expected, got null/,
  },
  {
    name: "new Task(promise)",
    call: () => new Task(Promise.resolve() as never),
    error: TypeError,
    message: /^Task\(\): a coroutine was expected, got a Promise; use createTask\(\)/,
  },
  {
    name: "setExceptionHandler(5)",
    call: () => getRunningLoop().setExceptionHandler(5 as never),
    error: TypeError,
    message:
      /^setExceptionHandler\(\): expected a function \(loop, context\) => void or null, got 5/,
  },
  {
    name: "setTaskFactory('x')",
    call: () => getRunningLoop().setTaskFactory("x" as never),
    error: TypeError,
    message: /^setTaskFactory\(\): expected a function \(loop, coro, options\) => Task or null/,
  },
  {
    name: "setEventLoop({})",
    call: () => setEventLoop({} as never),
    error: TypeError,
    message: /^setEventLoop\(\): expected an EventLoop or null, got object$/,
  },
  {
    name: "coroutine(5)",
    call: () => coroutine(5 as never),
    error: TypeError,
    message:
      /^coroutine\(\): expected a generator function, an async function or a plain function, got 5/,
  },
  {
    name: "wrap(a coroutine)",
    call: () => wrap(sleep(0) as never),
    error: TypeError,
    message:
      /^wrap\(\): expected a Promise or thenable, got .*; run a coroutine with yield\* or createTask\(\)$/,
  },
  {
    name: "asyncWith(a string)",
    call: () => asyncWith("cm" as never, () => {}),
    error: TypeError,
    message:
      /^asyncWith\(\): expected an async context manager \(with aenter\(\) and aexit\(\)\) or an AsyncDisposable, got 'cm'/,
  },
];

for (const c of cases) {
  Deno.test(`bad input: ${c.name} → ${c.error.name}, and the loop goes on`, async () => {
    const after = await run(function* () {
      let caught: unknown;
      try {
        // run() and Runner.run() return promises: they reject instead of throwing.
        const r = c.call();
        if (r instanceof Promise) yield* wrap(r);
      } catch (e) {
        caught = e;
      }
      assertInstanceOf(caught, c.error, `${c.name} should throw ${c.error.name}`);
      assertMatch((caught as Error).message, c.message);
      // The loop still runs the next task.
      return yield* createTask(sleep(0, "next task ran"));
    });
    assertEquals(after, "next task ran");
  });
}

Deno.test("a bad number of seconds is reported from the function it was passed to", async () => {
  await run(function* () {
    for (
      const [call, fn] of [
        [() => wait([sleep(0)], { timeout: NaN }), "wait"],
        [() => waitFor(sleep(0), "1" as never), "waitFor"],
        [() => timeout(NaN), "timeout"],
      ] as const
    ) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      // The first frame is the public function, not the shared check.
      assertMatch(
        (caught as Error).stack!,
        new RegExp(`^[^\\n]*\\n {4}at ${fn} \\(file:[^)]*lib/`),
      );
    }
  });
});

Deno.test('bad input outside a loop: run("x") rejects with a ValueError naming the argument', async () => {
  const caught = await assertRejects(() => run("x" as never), ValueError);
  assertEquals(
    caught.message,
    "run(): a coroutine was expected, got 'x' (a string); pass a coroutine object, a Promise, " +
      "or a function returning one",
  );
});

Deno.test("createTask() with no running loop says what to do", () => {
  let caught: unknown;
  try {
    createTask(sleep(0));
  } catch (e) {
    caught = e;
  }
  assertInstanceOf(caught, RuntimeError);
  assertMatch(
    (caught as Error).message,
    /^createTask\(\): no running event loop; create tasks inside/,
  );
});

Deno.test("a coroutine that throws while the loop runs other tasks does not disturb them", async () => {
  const order: string[] = [];
  await run(function* () {
    const failing = createTask(function* () {
      yield* sleep(0);
      throw new Error("boom");
    });
    const other = createTask(function* () {
      for (let i = 0; i < 3; i++) {
        order.push(`other ${i}`);
        yield* sleep(0);
      }
    });
    try {
      yield* failing;
    } catch {
      order.push("failure seen");
    }
    yield* other;
  });
  assertEquals(order, ["other 0", "other 1", "failure seen", "other 2"]);
});

// --- run() from host code while a loop runs ------------------------------------------

Deno.test("run() from host code while a loop runs rejects, saying what host code can do", async () => {
  const main = () => sleep(0.01, "first");
  const [first, second] = await Promise.allSettled([run(main), run(main)]);
  assertEquals(first, { status: "fulfilled", value: "first" });
  assertEquals(second.status, "rejected");
  const e = (second as PromiseRejectedResult).reason;
  assertInstanceOf(e, RuntimeError);
  assertMatch(e.message, /^asyncio\.run\(\) cannot be called from a running event loop/);
  assertMatch(e.message, /from host code .*getRunningLoop\(\)\.createTask\(main\)/);
  // From a host timer that fires while the loop runs: the same rejection, no throw.
  const fromTimer = await run(async () => {
    const p = new Promise<unknown>((resolve) => {
      setTimeout(() => run(main).then(resolve, resolve), 1);
    });
    return await wrap(p);
  });
  assertInstanceOf(fromTimer, RuntimeError);
  assertMatch((fromTimer as Error).message, /cannot be called from a running event loop/);
});

Deno.test("a task that throws a non-Error value fails with ThrownValueError, never a success", async () => {
  await run(function* () {
    for (const value of [undefined, null, "boom", 42, { code: 1 }]) {
      const t = createTask(function* () {
        yield* sleep(0);
        throw value;
      });
      const [r] = yield* gather([t], { returnExceptions: true });
      assertInstanceOf(r, ThrownValueError);
      assertEquals((r as ThrownValueError).value, value);
      assertInstanceOf(t.exception(), ThrownValueError);
      assertMatch(String(t), /exception=ThrownValueError\('a value that is not an Error/);
      const a = createTask(async () => {
        await sleep(0);
        throw value;
      });
      const [ra] = yield* gather([a], { returnExceptions: true });
      assertInstanceOf(ra, ThrownValueError);
      // A host promise rejected with a string.
      try {
        yield* wrap(Promise.reject(value));
      } catch (e) {
        assertInstanceOf(e, ThrownValueError);
        assertEquals((e as ThrownValueError).value, value);
      }
    }
    const e = new ThrownValueError(undefined);
    assertEquals(
      e.message,
      "a value that is not an Error was thrown: undefined (throw an Error instead; .value holds " +
        "what was thrown)",
    );
  });
});

Deno.test("gather(a, b, { returnExceptions: flag }) type-checks with a boolean flag", async () => {
  const flag: boolean = Deno.args.length > 1000;
  await run(function* () {
    const [a, b] = yield* gather(sleep(0, 1), sleep(0, "x"), { returnExceptions: flag });
    const n: number | Error = a;
    const s: string | Error = b;
    const all: (number | Error)[] = yield* gather([sleep(0, 1)], { returnExceptions: flag });
    assertEquals([n, s, all], [1, "x", [1]]);
  });
});

Deno.test("IncompleteReadError says undefined when no size was expected, as CPython does", () => {
  // CPython: 'undefined' if expected is None else repr(expected)
  assertEquals(
    new IncompleteReadError(new Uint8Array(3), null).message,
    "3 bytes read on a total of undefined expected bytes",
  );
});
