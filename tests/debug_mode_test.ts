/**
 * Debug mode: the switch (run's option, setDebug, YIELDFROM_ASYNCIO_DEBUG
 * and its permission), coroutine objects collected without being awaited,
 * pending tasks collected with their loop, slow callbacks and task steps,
 * and creation stacks in reports. What needs gc() runs in a child Deno
 * (tests/_debug_program.ts) started with --v8-flags=--expose-gc.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import {
  createTask,
  type ExceptionContext,
  getRunningLoop,
  newEventLoop,
  run,
  sleep,
} from "../mod.ts";

const program = new URL("./_debug_program.ts", import.meta.url).pathname;

async function child(
  args: string[],
  options: { allowEnv?: string | boolean; env?: Record<string, string> } = {},
): Promise<{ stdout: string; stderr: string }> {
  const flags = ["run", "--v8-flags=--expose-gc"];
  if (options.allowEnv === true) flags.push("--allow-env");
  else if (typeof options.allowEnv === "string") flags.push(`--allow-env=${options.allowEnv}`);
  const env: Record<string, string> = { NO_COLOR: "1", ...options.env };
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...flags, program, ...args],
    env,
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, `child failed:\n${stderr}`);
  return { stdout, stderr };
}

const withoutDebugEnv = { YIELDFROM_ASYNCIO_DEBUG: "" };

Deno.test("debug mode: a coroutine object collected unstarted is reported as never awaited, with where it was made", async () => {
  const { stdout, stderr } = await child(["never-awaited", "on"], {
    allowEnv: true,
    env: withoutDebugEnv,
  });
  assertEquals(stdout, "end\n");
  // Python's warning, with the creation stack (debug mode's origin tracking).
  assertMatch(
    stderr,
    /_debug_program\.ts:\d+: RuntimeWarning: coroutine 'dropped' was never awaited\nCoroutine created at \(most recent call last\)\n {2}at .*_debug_program\.ts:\d+:\d+\)?/,
  );
  // A generator function decorated after debug mode was turned on is tracked too.
  assertStringIncludes(stderr, "RuntimeWarning: coroutine 'droppedGen' was never awaited");
  // sleep() called without yield* or await.
  assertMatch(
    stderr,
    /_debug_program\.ts:\d+: RuntimeWarning: coroutine 'sleep' was never awaited\n/,
  );
  // Started coroutines (await, a task, gather, yield*) are not reported.
  for (const name of ["awaited", "tasked", "yielded"]) {
    assert(!stderr.includes(`'${name}'`), `${name} was reported:\n${stderr}`);
  }
  assertEquals(stderr.match(/was never awaited/g)?.length, 3, stderr);
});

Deno.test("debug mode: outside debug mode nothing is tracked or reported", async () => {
  const { stdout, stderr } = await child(["never-awaited", "off"], {
    allowEnv: true,
    env: withoutDebugEnv,
  });
  assertEquals(stdout, "end\n");
  assertEquals(stderr, "");
});

Deno.test("debug mode: YIELDFROM_ASYNCIO_DEBUG turns it on for every loop, and module-level coroutine functions are tracked", async () => {
  const on = await child(["env"], { allowEnv: true, env: { YIELDFROM_ASYNCIO_DEBUG: "1" } });
  assertEquals(on.stdout, "debug=true\nend\n");
  assertStringIncludes(on.stderr, "RuntimeWarning: coroutine 'moduleLevel' was never awaited");
  // Only the variable's own permission is needed.
  const narrow = await child(["env"], {
    allowEnv: "YIELDFROM_ASYNCIO_DEBUG",
    env: { YIELDFROM_ASYNCIO_DEBUG: "1" },
  });
  assertEquals(narrow.stdout, "debug=true\nend\n");
  // Empty is off (as Python reads PYTHONASYNCIODEBUG).
  const empty = await child(["env"], { allowEnv: true, env: withoutDebugEnv });
  assertEquals(empty.stdout, "debug=false\nend\n");
  assertEquals(empty.stderr, "");
  // Without the permission it is off, and nothing prompts for it.
  const denied = await child(["env"], { env: { YIELDFROM_ASYNCIO_DEBUG: "1" } });
  assertEquals(denied.stdout, "debug=false\nend\n");
  assertEquals(denied.stderr, "");
});

Deno.test("debug mode: a pending task collected with its loop is reported, with where it was made", async () => {
  const { stdout, stderr } = await child(["destroyed"], { allowEnv: true, env: withoutDebugEnv });
  assertEquals(stdout, "end\n");
  assertMatch(
    stderr,
    /^Task was destroyed but it is pending!\nsourceTraceback: Object created at \(most recent call last\):\n(?: {2}at .*\n)+task: <Task pending name='lost' coro=<forever\(\) running> created at file:.*_debug_program\.ts:\d+>\n$/,
  );
  assert(!stderr.includes("'finished'"));
});

Deno.test("debug mode: a failed task collected unretrieved is reported with where it was made", async () => {
  const { stdout, stderr } = await child(["unretrieved"], { allowEnv: true, env: withoutDebugEnv });
  assertEquals(stdout, "end\n");
  assertMatch(
    stderr,
    /^Task exception was never retrieved\nfuture: <Task finished name='lost' coro=<failing\(\) done> exception=Error\('nobody looks'\) created at file:.*_debug_program\.ts:\d+>\nsourceTraceback: Object created at \(most recent call last\):\n(?: {2}at .*\n)+Error: nobody looks/,
  );
});

Deno.test("debug mode: run(), setDebug() and the default", async () => {
  assertEquals(await run(() => getRunningLoop().getDebug(), { debug: true }), true);
  const loop = newEventLoop({ debug: false });
  assertEquals(loop.getDebug(), false);
  loop.setDebug(true);
  assertEquals(loop.getDebug(), true);
  loop.close();
});

Deno.test("debug mode: closing a loop reports its pending tasks with their creation stack", async () => {
  const loop = newEventLoop({ debug: true, clock: "virtual" });
  const contexts: ExceptionContext[] = [];
  loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
  const task = loop.createTask(sleep(10), { name: "sleeper" });
  await loop.runUntilComplete(sleep(0));
  loop.close();
  assertEquals(contexts.length, 1);
  assertEquals(contexts[0].message, "Task was destroyed but it is pending!");
  assertEquals(contexts[0].task, task);
  assertStringIncludes(String(contexts[0].sourceTraceback), "debug_mode_test.ts");
  assertMatch(
    String(task),
    /^<Task pending name='sleeper' .*created at file:.*debug_mode_test\.ts:\d+>$/,
  );
});

Deno.test("debug mode: the default handler prints the creation stack under sourceTraceback", async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(" "));
  try {
    const loop = newEventLoop({ debug: true, clock: "virtual" });
    const fut = loop.createFuture();
    fut.setException(new Error("lost"));
    loop.close(); // reports the unretrieved exception
  } finally {
    console.error = orig;
  }
  assertEquals(errors.length, 1);
  assertMatch(
    errors[0],
    /^Future exception was never retrieved\nfuture: <Future finished exception=Error\('lost'\) created at file:.*debug_mode_test\.ts:\d+>\nsourceTraceback: Object created at \(most recent call last\):\n(?: {2}at .*\n)* {2}at .*debug_mode_test\.ts:\d+:\d+\)?\nError: lost/,
  );
});

Deno.test("debug mode: a slow task step is reported with the task", async () => {
  const warnings: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => warnings.push(a.join(" "));
  try {
    await run(function* () {
      getRunningLoop().slowCallbackDuration = 0.01;
      yield* createTask(function* stepper() {
        const end = performance.now() + 25;
        while (performance.now() < end) { /* busy */ }
        yield* sleep(0);
      }, { name: "busy" });
    }, { debug: true });
  } finally {
    console.warn = orig;
  }
  const slow = warnings.filter((w) => w.includes("'busy'"));
  assertEquals(slow.length, 1);
  assertMatch(
    slow[0],
    /^Executing <Task pending name='busy' coro=<stepper\(\) running> .*created at file:.*debug_mode_test\.ts:\d+> took \d+\.\d{3} seconds$/,
  );
});
