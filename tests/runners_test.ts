import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import {
  CancelledError,
  coroutine,
  createTask,
  type Executor,
  getRunningLoop,
  run,
  Runner,
  RuntimeError,
  sleep,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";

/** An executor that records its shutdown calls, like the Python reference's. */
function recordingExecutor(t: Trace): Executor {
  return {
    submit: () => Promise.resolve(undefined),
    shutdown: ({ wait = true } = {}) => t.print("executor shutdown, wait =", wait),
  };
}

for (const style of ["generator", "async"] as const) {
  Deno.test(`run() cleans up in Python's order: cancel, wait for finally, executor, close (${style})`, async () => {
    const t = new Trace();
    const leftover = style === "generator"
      ? coroutine(function* () {
        try {
          yield* sleep(10);
        } catch (e) {
          if (e instanceof CancelledError) t.print("leftover cancelled");
          throw e;
        } finally {
          t.print("leftover cleanup starts");
          yield* sleep(1);
          t.print("leftover cleanup done");
        }
      })
      : coroutine(async () => {
        try {
          await sleep(10);
        } catch (e) {
          if (e instanceof CancelledError) t.print("leftover cancelled");
          throw e;
        } finally {
          t.print("leftover cleanup starts");
          await sleep(1);
          t.print("leftover cleanup done");
        }
      });
    const result = await run(function* () {
      const loop = getRunningLoop();
      loop.setDefaultExecutor(recordingExecutor(t));
      const close = loop.close.bind(loop);
      loop.close = () => {
        t.print("loop closed");
        close();
      };
      createTask(leftover());
      yield* sleep(0);
      t.print("main returns");
      return "main result";
    }, { clock: "virtual" });
    t.print(result);
    assertEquals(t.lines, pythonTrace("runners", "cleanup_order"));
  });
}

Deno.test("run(): a leftover task failing during shutdown is reported", async () => {
  const t = new Trace();
  await run(function* () {
    getRunningLoop().setExceptionHandler((_loop, ctx) =>
      t.print("handler:", ctx.message, ctx.exception)
    );
    createTask(function* () {
      try {
        yield* sleep(10);
      } catch {
        throw new ValueError("refused to die");
      }
    });
    yield* sleep(0);
  }, { clock: "virtual" });
  t.print("run returned");
  assertEquals(t.lines, pythonTrace("runners", "failing_cleanup"));
});

Deno.test("run(): Ctrl-C cancels the main task and ends with KeyboardInterrupt", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-run", new URL("./fixtures/interrupted.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assertEquals(dec.decode(out.stderr), "");
  assertEquals(dec.decode(out.stdout).trimEnd().split("\n"), pythonTrace("runners", "interrupted"));
});

Deno.test("run() refuses a running loop and a non-awaitable", async () => {
  const t = new Trace();
  await run(async () => {
    const e = await assertRejects(() => run(sleep(0)), RuntimeError);
    t.print("RuntimeError:", e.message.split(";")[0]);
  });
  const e = await assertRejects(() => run("x" as never), ValueError);
  // Ours also names the function and the value's type.
  assertEquals(e.message.startsWith("run(): "), true);
  t.print("ValueError:", e.message.slice(7).replace(" (a string)", "").split(";")[0]);
  assertEquals(t.lines, pythonTrace("runners", "errors"));
});

Deno.test("Runner: several runs share one loop, closed at the end", async () => {
  const t = new Trace();
  const r = new Runner({ clock: "virtual" });
  t.print(await r.run(sleep(0, "first")));
  t.print(await r.run(sleep(0, "second")));
  const loop = r.getLoop();
  t.print("same loop:", loop === r.getLoop(), "closed:", loop.isClosed());
  await r.close();
  t.print("closed after:", loop.isClosed());
  const e = await assertRejects(() => r.run(sleep(0)), RuntimeError);
  t.print("RuntimeError:", e.message);
  assertEquals(t.lines, pythonTrace("runners", "runner"));
});

Deno.test("run() accepts a coroutine, a promise, a function, and returns the result", async () => {
  assertEquals(await run(sleep(1, "coroutine"), { clock: "virtual" }), "coroutine");
  assertEquals(await run(Promise.resolve("promise")), "promise");
  assertEquals(await run(() => sleep(1, "thunk"), { clock: "virtual" }), "thunk");
  assertEquals(await run(async () => "async function"), "async function");
  assertEquals(
    await run(function* () {
      return "generator function";
    }),
    "generator function",
  );
});

Deno.test("run() rejects with the main task's exception", async () => {
  let caught: unknown;
  try {
    await run(function* () {
      yield* sleep(0);
      throw new TypeError("from main");
    });
  } catch (e) {
    caught = e;
  }
  assertInstanceOf(caught, TypeError);
  assertEquals((caught as Error).message, "from main");
});

Deno.test("run({ debug: true }) turns debug mode on", async () => {
  assertEquals(await run(() => getRunningLoop().getDebug(), { debug: true }), true);
  assertEquals(await run(() => getRunningLoop().getDebug()), false);
});

Deno.test("await using a Runner closes it", async () => {
  let loopRef;
  {
    await using r = new Runner();
    await r.run(sleep(0));
    loopRef = r.getLoop();
  }
  assertEquals(loopRef.isClosed(), true);
});

Deno.test("Runner.close() not awaited, then run(): run() rejects clearly, close() completes", async () => {
  const r = new Runner({ clock: "virtual" });
  assertEquals(await r.run(sleep(1, "first")), "first");
  const loop = r.getLoop();
  const closing = r.close();
  const e = await assertRejects(() => r.run(sleep(0)), RuntimeError);
  assertEquals(
    e.message,
    "Runner.run(): the runner is closing; await runner.close() before running more, or make a " +
      "new Runner",
  );
  assertEquals(r.close(), closing); // the same close, not a second one
  await closing;
  assertEquals(loop.isClosed(), true);
  await assertRejects(() => r.run(sleep(0)), RuntimeError, "Runner is closed");
});

Deno.test("Runner.close() while its run() is still running rejects and changes nothing", async () => {
  const r = new Runner({ clock: "virtual" });
  const running = r.run(sleep(1, "done"));
  const loop = r.getLoop();
  const e = await assertRejects(() => r.close(), RuntimeError);
  assertEquals(e.message.split(";")[0], "Runner.close(): a run() of this runner is still running");
  assertEquals(await running, "done");
  assertEquals(loop.isClosed(), false);
  await r.close();
  assertEquals(loop.isClosed(), true);
});
