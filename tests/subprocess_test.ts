/**
 * Subprocesses against CPython's traces (tests/python/subprocesses.py) in
 * both coroutine styles, then what has no trace: large data both ways at
 * once, 100 concurrent children, cancellation, zombies, and bad input.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  CancelledError,
  ConnectionResetError,
  type Coro,
  coroutine,
  createSubprocessExec,
  createSubprocessShell,
  DEVNULL,
  ensureFuture,
  FileNotFoundError,
  gather,
  getRunningLoop,
  newEventLoop,
  PermissionError,
  PIPE,
  type Process,
  ProcessLookupError,
  type ProcessOptions,
  run,
  RuntimeError,
  sleep,
  STDOUT,
  SubprocessProtocol,
  type SubprocessTransport,
  TimeoutError,
  ValueError,
  waitFor,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { show } from "./_streams.ts";

function b(x: Uint8Array | null): string {
  return x === null ? "None" : show(x);
}

// --- basics -------------------------------------------------------------------------

async function basicsAsync(print: Trace["print"]): Promise<void> {
  let p = await createSubprocessExec("echo", "hello", { stdout: PIPE });
  let [out, err] = await p.communicate();
  print(b(out), b(err), p.returncode);
  p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE, stderr: PIPE });
  [out, err] = await p.communicate("piped through cat");
  print(b(out), b(err), p.returncode);
  p = await createSubprocessShell("echo out; echo err >&2; exit 3", {
    stdout: PIPE,
    stderr: STDOUT,
  });
  [out, err] = await p.communicate();
  print(b(out), b(err), p.returncode);
  p = await createSubprocessExec("sh", "-c", "echo out; echo err >&2", {
    stdout: PIPE,
    stderr: STDOUT,
  });
  [out, err] = await p.communicate();
  print(b(out), b(err), p.returncode);
  p = await createSubprocessExec("sh", "-c", "echo out; echo err >&2", {
    stdout: PIPE,
    stderr: PIPE,
  });
  [out, err] = await p.communicate();
  print(b(out), b(err), p.returncode);
  p = await createSubprocessExec("echo", "quiet", { stdout: DEVNULL });
  print(`(${(await p.communicate()).map(b).join(", ")})`, p.returncode);
  p = await createSubprocessExec("sh", "-c", "echo $FOO; pwd", {
    stdout: PIPE,
    env: { FOO: "bar" },
    cwd: "/tmp",
  });
  [out] = await p.communicate();
  print(b(out));
  p = await createSubprocessExec("sleep", "30");
  p.terminate();
  print(await p.wait(), p.returncode);
  p = await createSubprocessExec("sleep", "30");
  p.kill();
  print(await p.wait());
  p = await createSubprocessExec("sleep", "30");
  p.sendSignal("SIGUSR1");
  print(await p.wait());
  p = await createSubprocessExec("true");
  await p.wait();
  try {
    p.sendSignal(15);
  } catch (e) {
    if (e instanceof ProcessLookupError) print("ProcessLookupError");
  }
}

function* basicsGen(print: Trace["print"]): Coro<void> {
  let p: Process = yield* createSubprocessExec("echo", "hello", { stdout: PIPE });
  let [out, err] = yield* p.communicate();
  print(b(out), b(err), p.returncode);
  p = yield* createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE, stderr: PIPE });
  [out, err] = yield* p.communicate("piped through cat");
  print(b(out), b(err), p.returncode);
  p = yield* createSubprocessShell("echo out; echo err >&2; exit 3", {
    stdout: PIPE,
    stderr: STDOUT,
  });
  [out, err] = yield* p.communicate();
  print(b(out), b(err), p.returncode);
  p = yield* createSubprocessExec("sh", "-c", "echo out; echo err >&2", {
    stdout: PIPE,
    stderr: STDOUT,
  });
  [out, err] = yield* p.communicate();
  print(b(out), b(err), p.returncode);
  p = yield* createSubprocessExec("sh", "-c", "echo out; echo err >&2", {
    stdout: PIPE,
    stderr: PIPE,
  });
  [out, err] = yield* p.communicate();
  print(b(out), b(err), p.returncode);
  p = yield* createSubprocessExec("echo", "quiet", { stdout: DEVNULL });
  print(`(${(yield* p.communicate()).map(b).join(", ")})`, p.returncode);
  p = yield* createSubprocessExec("sh", "-c", "echo $FOO; pwd", {
    stdout: PIPE,
    env: { FOO: "bar" },
    cwd: "/tmp",
  });
  [out] = yield* p.communicate();
  print(b(out));
  p = yield* createSubprocessExec("sleep", "30");
  p.terminate();
  print(yield* p.wait(), p.returncode);
  p = yield* createSubprocessExec("sleep", "30");
  p.kill();
  print(yield* p.wait());
  p = yield* createSubprocessExec("sleep", "30");
  p.sendSignal("SIGUSR1");
  print(yield* p.wait());
  p = yield* createSubprocessExec("true");
  yield* p.wait();
  try {
    p.sendSignal(15);
  } catch (e) {
    if (e instanceof ProcessLookupError) print("ProcessLookupError");
  }
}

// --- shell --------------------------------------------------------------------------

const SHELL_CMDS = ["if", "echo $0; nope-cmd", "echo out; echo err >&2"];

async function shellAsync(print: Trace["print"]): Promise<void> {
  for (const cmd of SHELL_CMDS) {
    const p = await createSubprocessShell(cmd, { stdout: PIPE, stderr: STDOUT });
    print(`(${(await p.communicate()).map(b).join(", ")})`, p.returncode);
  }
  const [t] = await getRunningLoop().subprocessShell(() => new SubprocessProtocol(), "exit 5");
  print([0, 1, 2].map((i) => t.getPipeTransport(i) !== null));
  t.close();
}

function* shellGen(print: Trace["print"]): Coro<void> {
  for (const cmd of SHELL_CMDS) {
    const p = yield* createSubprocessShell(cmd, { stdout: PIPE, stderr: STDOUT });
    print(`(${(yield* p.communicate()).map(b).join(", ")})`, p.returncode);
  }
  const [t] = yield* getRunningLoop().subprocessShell(() => new SubprocessProtocol(), "exit 5");
  print([0, 1, 2].map((i) => t.getPipeTransport(i) !== null));
  t.close();
}

// --- lines --------------------------------------------------------------------------

const SLOW_LINES = "for i in 1 2 3; do echo line $i; sleep 0.02; done";

async function linesAsync(print: Trace["print"]): Promise<void> {
  const p = await createSubprocessExec("sh", "-c", SLOW_LINES, { stdout: PIPE });
  for await (const line of p.stdout!) print(show(line));
  print(await p.wait());
}

function* linesGen(print: Trace["print"]): Coro<void> {
  const p = yield* createSubprocessExec("sh", "-c", SLOW_LINES, { stdout: PIPE });
  for (;;) {
    const line = yield* p.stdout!.readline();
    if (line.length === 0) break;
    print(show(line));
  }
  print(yield* p.wait());
}

// --- cancel_wait --------------------------------------------------------------------

async function cancelWaitAsync(print: Trace["print"]): Promise<void> {
  let p = await createSubprocessExec("sleep", "30");
  try {
    await waitFor(p.wait(), 0.1);
  } catch (e) {
    if (e instanceof TimeoutError) print("timed out", p.returncode);
  }
  p.kill();
  print(await p.wait());
  p = await createSubprocessExec("sh", "-c", "sleep 1; echo late", { stdout: PIPE });
  const t = ensureFuture(p.communicate());
  await sleep(0.05);
  t.cancel();
  try {
    await t;
  } catch (e) {
    if (e instanceof CancelledError) print("communicate cancelled", p.returncode);
  }
  print(show(await p.stdout!.read()), await p.wait());
}

function* cancelWaitGen(print: Trace["print"]): Coro<void> {
  let p = yield* createSubprocessExec("sleep", "30");
  try {
    yield* waitFor(p.wait(), 0.1);
  } catch (e) {
    if (e instanceof TimeoutError) print("timed out", p.returncode);
  }
  p.kill();
  print(yield* p.wait());
  p = yield* createSubprocessExec("sh", "-c", "sleep 1; echo late", { stdout: PIPE });
  const t = ensureFuture(p.communicate());
  yield* sleep(0.05);
  t.cancel();
  try {
    yield* t;
  } catch (e) {
    if (e instanceof CancelledError) print("communicate cancelled", p.returncode);
  }
  print(show(yield* p.stdout!.read()), yield* p.wait());
}

// --- protocol -----------------------------------------------------------------------

class Proto extends SubprocessProtocol {
  events: string[] = [];
  constructor(public print: Trace["print"], public done: { setResult(v: null): void }) {
    super();
  }
  override connectionMade(t: SubprocessTransport): void {
    this.print("connection_made", t.getPid() > 0);
  }
  override pipeDataReceived(fd: number, data: Uint8Array): void {
    this.events.push(`pipe_data_received ${fd} ${show(data)}`);
  }
  override pipeConnectionLost(fd: number, exc: Error | undefined): void {
    this.events.push(`pipe_connection_lost ${fd} ${exc === undefined ? "None" : String(exc)}`);
  }
  override processExited(): void {
    this.events.push("process_exited");
  }
  override connectionLost(exc: Error | undefined): void {
    for (const e of this.events.sort()) this.print(e);
    this.print("connection_lost", exc === undefined ? "None" : String(exc));
    this.done.setResult(null);
  }
}

async function protocolAsync(print: Trace["print"]): Promise<void> {
  const loop = getRunningLoop();
  const done = loop.createFuture<null>();
  const [transport] = await loop.subprocessExec(
    () => new Proto(print, done),
    "sh",
    "-c",
    "echo hi; exit 4",
    { stdout: PIPE },
  );
  await done;
  print(
    transport.getReturncode(),
    transport.getPipeTransport(1) !== null,
    transport.getPipeTransport(0) !== null,
  );
  transport.close();
}

function* protocolGen(print: Trace["print"]): Coro<void> {
  const loop = getRunningLoop();
  const done = loop.createFuture<null>();
  const [transport] = yield* loop.subprocessExec(
    () => new Proto(print, done),
    "sh",
    "-c",
    "echo hi; exit 4",
    { stdout: PIPE },
  );
  yield* done;
  print(
    transport.getReturncode(),
    transport.getPipeTransport(1) !== null,
    transport.getPipeTransport(0) !== null,
  );
  transport.close();
}

// --- errors -------------------------------------------------------------------------

async function errorsAsync(print: Trace["print"]): Promise<void> {
  for (const prog of ["/nonexistent/prog", "/etc/passwd"]) {
    for (const options of [{}, { stderr: STDOUT }] as ProcessOptions[]) {
      try {
        await createSubprocessExec(prog, options);
      } catch (e) {
        if (e instanceof FileNotFoundError || e instanceof PermissionError) {
          print(e.name, e.errno);
        }
      }
    }
  }
  signalErrors(print);
}

function* errorsGen(print: Trace["print"]): Coro<void> {
  for (const prog of ["/nonexistent/prog", "/etc/passwd"]) {
    for (const options of [{}, { stderr: STDOUT }] as ProcessOptions[]) {
      try {
        yield* createSubprocessExec(prog, options);
      } catch (e) {
        if (e instanceof FileNotFoundError || e instanceof PermissionError) {
          print(e.name, e.errno);
        }
      }
    }
  }
  signalErrors(print);
}

function signalErrors(print: Trace["print"]): void {
  const loop = getRunningLoop();
  for (const sig of [9, "SIGSTOP", 0] as const) {
    try {
      loop.addSignalHandler(sig, print);
    } catch (e) {
      if (e instanceof RuntimeError || e instanceof ValueError) print(e.name, e.message);
    }
  }
  loop.addSignalHandler(10, print, 1);
  loop.addSignalHandler("SIGUSR1", print, 2);
  print(loop.removeSignalHandler("SIGUSR1"), loop.removeSignalHandler(10));
}

const SECTIONS: [
  string,
  (p: Trace["print"]) => Promise<void>,
  (p: Trace["print"]) => Coro<void>,
][] = [
  ["basics", basicsAsync, basicsGen],
  ["shell", shellAsync, shellGen],
  ["lines", linesAsync, linesGen],
  ["cancel_wait", cancelWaitAsync, cancelWaitGen],
  ["protocol", protocolAsync, protocolGen],
  ["errors", errorsAsync, errorsGen],
];

for (const [name, asyncFn, genFn] of SECTIONS) {
  Deno.test(`subprocess: ${name} as CPython (async/await)`, async () => {
    const trace = new Trace();
    await run(() => asyncFn(trace.print));
    assertEquals(trace.lines, pythonTrace("subprocesses", name));
  });
  Deno.test(`subprocess: ${name} as CPython (generators)`, async () => {
    const trace = new Trace();
    await run(coroutine(genFn)(trace.print));
    assertEquals(trace.lines, pythonTrace("subprocesses", name));
  });
}

// --- no trace: sizes, numbers, cancellation ---------------------------------------------

Deno.test("subprocess: communicate() moves 10 MiB in and 10 MiB out at once without deadlock", async () => {
  const input = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7) & 255;
  await run(async () => {
    // cat echoes everything, and a second copy goes to stderr: both pipes fill while stdin is fed.
    const p = await createSubprocessShell("tee /dev/stderr", {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = await p.communicate(input);
    assertEquals(p.returncode, 0);
    assertEquals(out!.length, input.length);
    assertEquals(err!.length, input.length);
    assert(out!.every((v, i) => v === input[i]));
    assert(err!.every((v, i) => v === input[i]));
  });
});

Deno.test("subprocess: wait() with a full stdout pipe nobody reads waits, as in Python; communicate() then ends it", async () => {
  await run(async () => {
    const p = await createSubprocessExec("head", "-c", String(4 * 1024 * 1024), "/dev/zero", {
      stdout: PIPE,
    });
    // The reader pauses the pipe at 2 x limit; the OS pipe fills; head blocks.
    await assertRejects(() => waitFor(p.wait(), 0.5), TimeoutError);
    assertEquals(p.returncode, null);
    const [out] = await p.communicate();
    assertEquals(out!.length, 4 * 1024 * 1024);
    assertEquals(p.returncode, 0);
  });
});

Deno.test("subprocess: 100 concurrent short children, every output checked", async () => {
  await run(async () => {
    const procs = await gather(
      ...Array.from(
        { length: 100 },
        (_, i) =>
          createSubprocessExec("sh", "-c", `echo out-${i}; echo err-${i} >&2; exit ${i % 7}`, {
            stdout: PIPE,
            stderr: PIPE,
          }),
      ),
    );
    const results = await gather(...procs.map((p) => p.communicate()));
    const dec = new TextDecoder();
    results.forEach(([out, err], i) => {
      assertEquals(dec.decode(out!), `out-${i}\n`);
      assertEquals(dec.decode(err!), `err-${i}\n`);
      assertEquals(procs[i].returncode, i % 7);
    });
    assertEquals(new Set(procs.map((p) => p.pid)).size, 100);
  });
});

Deno.test("subprocess: a generator task cancelled in wait() leaves the child running", async () => {
  await run(coroutine(function* () {
    const p = yield* createSubprocessExec("sleep", "30");
    const t = ensureFuture(p.wait());
    yield* sleep(0.05);
    t.cancel();
    try {
      yield* t;
    } catch (e) {
      assert(e instanceof CancelledError);
    }
    assertEquals(p.returncode, null);
    p.kill();
    assertEquals(yield* p.wait(), -9);
  }));
});

Deno.test("subprocess: stdin StreamWriter with drain() and writeEof(); stdout read with readexactly()", async () => {
  await run(async () => {
    const p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    assertEquals(Deno.inspect(p), `<Process ${p.pid}>`); // Python's repr
    assertEquals(String(p._transport), `<SubprocessTransport pid=${p.pid} running>`);
    const chunk = new Uint8Array(100_000).fill(120);
    for (let i = 0; i < 10; i++) {
      p.stdin!.write(chunk);
      const got = ensureFuture(p.stdout!.readexactly(chunk.length));
      await p.stdin!.drain();
      assertEquals((await got).length, chunk.length);
    }
    p.stdin!.close();
    await p.stdin!.waitClosed();
    assertEquals((await p.stdout!.read()).length, 0);
    assertEquals(await p.wait(), 0);
  });
});

Deno.test("subprocess: communicate(input) to a child that exits without reading succeeds (the broken pipe is ignored, as in Python)", async () => {
  await run(async () => {
    const p = await createSubprocessExec("true", { stdin: PIPE });
    const big = new Uint8Array(1024 * 1024);
    const [out, err] = await p.communicate(big);
    assertEquals([out, err], [null, null]);
    assertEquals(p.returncode, 0);
  });
});

Deno.test("subprocess: run() leaves no zombie and kills a child still running when the loop closes", async () => {
  let pid = 0;
  await run(async () => {
    for (let i = 0; i < 5; i++) {
      const p = await createSubprocessExec("true");
      await p.wait();
    }
    const p = await createSubprocessExec("sleep", "30");
    pid = p.pid;
  });
  // The running child was killed when the loop closed; Deno reaps it.
  // Children of this process in state Z (zombies), as ps sees them.
  const ps = await new Deno.Command("ps", {
    args: ["-o", "pid=,stat=", "--ppid", String(Deno.pid)],
    stdout: "piped",
  }).output();
  const zombies = new TextDecoder().decode(ps.stdout).split("\n").filter((l) =>
    /^\s*\d+\s+Z/.test(l)
  );
  assertEquals(zombies, []);
  const alive = await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
    .output();
  assertEquals(alive.success, false);
});

Deno.test("subprocess: readline, readuntil and read on stdout across chunks that arrive apart", async () => {
  await run(async () => {
    const p = await createSubprocessShell("printf 'a\\nbb\\n'; sleep 0.05; printf 'ccc'", {
      stdout: PIPE,
    });
    assertEquals(show(await p.stdout!.readline()), "b'a\\n'");
    assertEquals(show(await p.stdout!.readuntil("\n")), "b'bb\\n'");
    assertEquals(show(await p.stdout!.read()), "b'ccc'");
    assertEquals(await p.wait(), 0);
  });
});

Deno.test("subprocess: a write after stdin.close() is dropped; drain() then throws ConnectionResetError, as CPython", async () => {
  // CPython 3.11: True b'a' 0 / ConnectionResetError Connection lost / closed
  await run(async () => {
    const p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    p.stdin!.write("a");
    p.stdin!.close();
    p.stdin!.write("b");
    assertEquals(p.stdin!.isClosing(), true);
    assertEquals(show(await p.stdout!.read()), "b'a'");
    assertEquals(await p.wait(), 0);
    await assertRejects(() => p.stdin!.drain(), ConnectionResetError, "Connection lost");
    await p.stdin!.waitClosed();
  });
});

Deno.test("subprocess: a wait() begun before the exit also waits for the pipes; one begun after returns at once (CPython)", async () => {
  // The shell exits at once; the background sleep keeps stdout open for a second.
  // CPython 3.11: exited 0 False / late wait 0 / early still waiting True / b'started\n' 0
  await run(async () => {
    const p = await createSubprocessExec("sh", "-c", "sleep 1 & echo started", { stdout: PIPE });
    const early = ensureFuture(p.wait());
    while (p.returncode === null) await sleep(0.01);
    assertEquals([p.returncode, early.done()], [0, false]);
    assertEquals(await waitFor(p.wait(), 0.5), 0);
    await sleep(0.1);
    assertEquals(early.done(), false);
    assertEquals(show(await p.stdout!.read()), "b'started\\n'");
    assertEquals(await early, 0);
  });
});

// --- bad input ----------------------------------------------------------------------

Deno.test("subprocess: bad input is refused with errors that name the problem", async () => {
  await run(async () => {
    const err = assertThrows(
      () => createSubprocessExec("echo", "a", 5 as unknown as string),
      TypeError,
    );
    assert(err.message.includes("argument 3 (args[1])"), err.message);
    assert(err.message.includes("number"), err.message);
    assertThrows(() => createSubprocessExec(42 as unknown as string), TypeError, "argument 1");
    assertThrows(
      () => getRunningLoop().subprocessExec(() => new SubprocessProtocol(), "a", null as never),
      TypeError,
      "argument 3",
    );
    assertThrows(() => createSubprocessExec("echo", { stdout: 1 as never }), ValueError, "stdout");
    assertThrows(() => createSubprocessExec("echo", { stdin: STDOUT }), ValueError, "stdin");
    assertThrows(() => createSubprocessExec("echo", { bogus: 1 } as never), TypeError, "bogus");
    assertThrows(() => createSubprocessExec("echo", { limit: 0 }), ValueError, "limit");
    assertThrows(
      () => createSubprocessExec("echo", { env: { A: 1 as never } }),
      TypeError,
      "env['A']",
    );
    assertThrows(() => createSubprocessShell(["ls"] as never), ValueError, "cmd must be a string");
    await assertRejects(() => createSubprocessExec("no-such-program-here"), FileNotFoundError);
    await assertRejects(() => createSubprocessExec("/etc/passwd"), PermissionError);
    const p = await createSubprocessExec("true");
    assertThrows(() => p.communicate("x"), ValueError, "stdin: PIPE");
    assertThrows(() => p.sendSignal("SIGNOPE" as never), ValueError, "unknown signal");
    assertThrows(() => p.sendSignal(0), ValueError, "invalid signal number 0");
    await p.wait();
    // The loop is unharmed.
    const q = await createSubprocessExec("echo", "ok", { stdout: PIPE });
    assertEquals(show((await q.communicate())[0]!), "b'ok\\n'");
  });
});

Deno.test("subprocess: without --allow-run the PermissionError names the flag", async () => {
  const program = `
    import { createSubprocessExec, run } from "${new URL("../mod.ts", import.meta.url).href}";
    await run(async () => {
      try { await createSubprocessExec("true"); } catch (e) { console.log(e.name, e.errno, e.message); }
    });`;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, program);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--allow-read", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  const text = new TextDecoder().decode(out.stdout);
  assert(text.startsWith("PermissionError 13"), text + new TextDecoder().decode(out.stderr));
  assert(text.includes("--allow-run"), text);
});

Deno.test("subprocess: communicate(input) sends the bytes as they were when it was called (copied, as CPython's transport copies)", async () => {
  await run(async () => {
    const input = new Uint8Array(4 << 20).fill(0x61); // 4 MiB of "a": more than a pipe holds
    const p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    const done = ensureFuture(p.communicate(input));
    // Wait until communicate() has queued the input (most of it is not written yet).
    while (p.stdin!.transport.getWriteBufferSize() === 0) await sleep(0);
    input.fill(0x62); // the caller reuses its buffer
    const [out] = await done;
    assertEquals(out!.length, 4 << 20);
    assertEquals(out!.every((b) => b === 0x61), true);
  });
});

Deno.test("subprocess: closing the loop with a child running leaves nothing queued in the closed loop", async () => {
  const loop = newEventLoop();
  await loop.runUntilComplete(
    coroutine(function* () {
      yield* createSubprocessExec("sleep", "30", { stdout: PIPE, stderr: PIPE });
    })(),
  );
  loop.close();
  assertEquals((loop as unknown as { _ready: { size: number } })._ready.size, 0);
});
