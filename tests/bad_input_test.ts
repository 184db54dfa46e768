/**
 * Bad input gets a clear error — the right class, a message that names the
 * argument, what was expected and the fix — and never corrupts the loop:
 * after each error, the next task still runs.
 */
import { assertEquals, assertInstanceOf, assertMatch } from "@std/assert";
import {
  asyncWith,
  coroutine,
  createTask,
  ensureFuture,
  gather,
  getRunningLoop,
  InvalidStateError,
  newEventLoop,
  run,
  RuntimeError,
  setEventLoop,
  sleep,
  Task,
  ValueError,
  wait,
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
    message: /^callAt\(\): when is NaN$/,
  },
  {
    name: "sleep(NaN)",
    call: () => sleep(NaN),
    error: ValueError,
    message:
      /^sleep\(\): delay must be a number of seconds >= 0, got NaN \(NaN: check the arithmetic/,
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
        c.call();
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

Deno.test('bad input outside a loop: run("x") → ValueError naming the argument', () => {
  let caught: unknown;
  try {
    run("x" as never);
  } catch (e) {
    caught = e;
  }
  assertInstanceOf(caught, ValueError);
  assertEquals(
    (caught as Error).message,
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
