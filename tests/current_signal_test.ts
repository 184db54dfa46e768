/**
 * Cancellation that reaches host APIs: currentSignal() and wrap(promise, { abort }).
 */
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  CancelledError,
  coroutine,
  createTask,
  currentSignal,
  gather,
  run,
  RuntimeError,
  sleep,
  timeout,
  TimeoutError,
  wrap,
} from "../mod.ts";

const virtual = { clock: "virtual" } as const;

/** Host work that stops when its signal aborts; records what happened. */
function hostWork(signal: AbortSignal, log: string[], ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = setTimeout(() => {
      log.push("host finished");
      resolve("done");
    }, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(id);
      log.push(`host aborted: ${(signal.reason as Error).name}`);
      reject(signal.reason);
    });
  });
}

Deno.test("currentSignal(): cancelling the task aborts the host work at once (both styles)", async () => {
  for (const style of ["generator", "async"] as const) {
    const log: string[] = [];
    await run(function* () {
      const t = createTask(
        style === "generator"
          ? function* () {
            return yield* wrap(hostWork(currentSignal(), log));
          }
          : async () => await wrap(hostWork(currentSignal(), log)),
      );
      yield* sleep(0.01);
      t.cancel("stop");
      const [r] = yield* gather([t], { returnExceptions: true });
      assertInstanceOf(r, CancelledError);
      log.push(`task cancelled: ${t.cancelled()}`);
    });
    assertEquals(log, ["host aborted: CancelledError", "task cancelled: true"], style);
  }
});

Deno.test("currentSignal(): a timeout() aborts it; after the TimeoutError the task gets a fresh signal", async () => {
  const log: string[] = [];
  await run(async () => {
    const first = currentSignal();
    assertStrictEquals(currentSignal(), first); // one per task until cancelled
    try {
      await timeout(0.02, () => wrap(hostWork(currentSignal(), log)));
    } catch (e) {
      assertInstanceOf(e, TimeoutError);
    }
    assert(first.aborted);
    assertInstanceOf(first.reason, CancelledError);
    const second = currentSignal();
    assert(!second.aborted, "the cancellation was withdrawn: a fresh signal");
    log.push(await wrap(hostWork(second, log, 5)));
  });
  assertEquals(log, ["host aborted: CancelledError", "host finished", "done"]);
});

Deno.test("currentSignal() in code awaited from a task's async body is the task's signal", async () => {
  await run(async () => {
    const mine = currentSignal();
    const inner = async () => {
      await sleep(0);
      return currentSignal();
    };
    assertStrictEquals(await createTask(async () => currentSignal() === mine), false);
    assertStrictEquals(await coroutine(inner)(), mine);
  }, virtual);
});

Deno.test("currentSignal() outside a task is a RuntimeError that says where to call it", () => {
  const e = assertThrows(() => currentSignal(), RuntimeError);
  assertEquals(e.message.split(";")[0], "currentSignal(): no task is running");
});

Deno.test("wrap(promise, { abort }): abort() runs when the waiting task is cancelled, not after success", async () => {
  const calls: string[] = [];
  await run(function* () {
    const ok = yield* wrap(Promise.resolve(1), { abort: () => calls.push("abort ok") });
    assertEquals(ok, 1);
    const t = createTask(function* () {
      yield* wrap(new Promise(() => {}), { abort: () => calls.push("abort pending") });
    });
    yield* sleep(0);
    t.cancel();
    yield* gather([t], { returnExceptions: true });
    yield* sleep(0);
  }, virtual);
  assertEquals(calls, ["abort pending"]);
  assertThrows(() => wrap(Promise.resolve(), { abort: 1 as never }), TypeError, "abort");
});

Deno.test("currentSignal() with fetch: cancelling the task aborts the request (a real server sees it)", async () => {
  let serverSawAbort!: () => void;
  const aborted = new Promise<void>((r) => serverSawAbort = r);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    // Answers only when the client has gone.
    return new Promise<Response>((resolve) => {
      req.signal.addEventListener("abort", () => {
        serverSawAbort();
        resolve(new Response("too late"));
      });
    });
  });
  try {
    await run(async () => {
      const url = `http://127.0.0.1:${server.addr.port}/`;
      const t = createTask(async () => await wrap(fetch(url, { signal: currentSignal() })));
      await sleep(0.1);
      t.cancel();
      await gather([t], { returnExceptions: true });
      assert(t.cancelled());
      await wrap(aborted); // the server's request was aborted: the connection went
    });
  } finally {
    await server.shutdown();
  }
});
