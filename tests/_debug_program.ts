/**
 * The programs of tests/debug_mode_test.ts that need `gc()`: run as
 * `deno run --v8-flags=--expose-gc [--allow-env] tests/_debug_program.ts SCENARIO`.
 *
 * - `never-awaited`: coroutine objects made and dropped unstarted, and
 *   others started every way a coroutine starts (await, yield*, a task);
 *   the loop's debug mode comes from `run()`'s `debug` option, given as the
 *   second argument (`on` or `off`).
 * - `env`: prints whether a new loop is in debug mode (from
 *   YIELDFROM_ASYNCIO_DEBUG) and drops an unstarted coroutine object of a
 *   generator function decorated at module level.
 * - `destroyed`: a loop with a pending task, dropped without being closed.
 * - `unretrieved`: a failed task nobody looks at, collected while its loop
 *   runs (debug mode).
 */
import { coroutine, createTask, gather, newEventLoop, run, sleep } from "../mod.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 5));
  }
}

const moduleLevel = coroutine(function* moduleLevel() {
  yield* sleep(0);
});

const [scenario, debugArg] = Deno.args;

if (scenario === "never-awaited") {
  const debug = debugArg === "on";
  await run(async () => {
    const dropped = coroutine(async function dropped() {});
    const droppedGen = coroutine(function* droppedGen() {
      yield* sleep(0);
    });
    const awaited = coroutine(async function awaited() {});
    const yielded = coroutine(function* yielded() {
      yield* sleep(0);
    });
    const tasked = coroutine(async function tasked() {});
    dropped();
    droppedGen();
    sleep(1); // the commonest slip
    const slept = [sleep(0), sleep(0.001), sleep(0.001), sleep(0.001)];
    {
      await slept[0];
      await createTask(slept[1]);
      await gather(slept[2]);
      await createTask(function* () {
        yield* slept[3];
      });
    }
    await awaited();
    await createTask(tasked());
    await createTask(function* () {
      yield* yielded();
    });
    await collect();
  }, { debug });
  await collect();
} else if (scenario === "env") {
  const loop = newEventLoop();
  console.log(`debug=${loop.getDebug()}`);
  loop.close();
  moduleLevel();
  await collect();
} else if (scenario === "destroyed") {
  await (() => {
    const loop = newEventLoop({ debug: true });
    loop.createTask(function* forever() {
      yield* loop.createFuture();
    }, { name: "lost" });
    loop.createTask(sleep(0), { name: "finished" });
    return loop.runUntilComplete(sleep(0));
  })();
  await collect();
} else if (scenario === "unretrieved") {
  await run(async () => {
    (() => {
      createTask(function* failing() {
        yield* sleep(0);
        throw new Error("nobody looks");
      }, { name: "lost" });
    })();
    await sleep(0.01);
    await collect();
  }, { debug: true });
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
console.log("end");
