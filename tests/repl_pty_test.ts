/**
 * The REPL in a pseudo-terminal (python3's pty module, through
 * tests/repl_pty.py): line editing, continuation prompt, history between
 * sessions, tab completion, Ctrl-C, output above the prompt, Ctrl-D.
 */

import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { PtyRepl, README_COMMAND, TASK } from "./_repl.ts";

const ENTER = "\r", CTRL_C = "\x03", CTRL_D = "\x04", UP = "\x1b[A", LEFT = "\x1b[D";
const BACKSPACE = "\x7f";

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Run `body` with a REPL in a terminal; the process is killed if the body fails. */
async function withRepl(
  body: (r: PtyRepl) => Promise<void>,
  env: Record<string, string> = {},
  command?: string[],
  args: string[] = [],
): Promise<PtyRepl> {
  const r = PtyRepl.start(args, env, command);
  try {
    await body(r);
  } catch (e) {
    await r.kill();
    throw e;
  }
  return r;
}

Deno.test("repl pty: banner, prompt, line editing, continuation prompt, Ctrl-D", async () => {
  const r = await withRepl(async (r) => {
    const banner = await r.expect("> ");
    assertMatch(banner, /^@yieldfrom\/asyncio \d+\.\d+\.\d+ REPL \(Deno /);
    assertStringIncludes(banner, "Type .help for help, .exit or Ctrl-D to leave.");
    // type "2 + 3", go left twice, delete " +" with two backspaces, type "*": "2* 3"
    await r.send("2 + 3" + LEFT + LEFT + BACKSPACE + BACKSPACE + "*" + ENTER);
    await r.expect("\n6\n");
    await r.expect("> ");
    await r.send("function add(a: number," + ENTER);
    await r.expect("... ");
    await r.send("  b: number) { return a + b }" + ENTER);
    await r.expect("undefined\n");
    await r.expect("> ");
    await r.send("add(20, 22)" + ENTER);
    await r.expect("42\n");
    await r.expect("> ");
    await r.send(CTRL_D);
  });
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: history is kept between sessions in a 0600 file under $XDG_STATE_HOME", async () => {
  const state = Deno.makeTempDirSync({ dir: "/tmp", prefix: "yieldfrom-repl-state-" });
  try {
    const env = { XDG_STATE_HOME: state, YIELDFROM_REPL_HISTORY: "" };
    const first = await withRepl(async (r) => {
      await r.expect("> ");
      await r.send("const remembered = 40 + 2" + ENTER);
      await r.expect("undefined\n");
      await r.send("discarded line" + CTRL_C);
      await r.expect("> ");
      await r.send(".exit" + ENTER);
    }, env);
    assertEquals(await first.close(), 0);
    const path = `${state}/yieldfrom-asyncio/repl_history`;
    assertEquals(Deno.readTextFileSync(path), "const remembered = 40 + 2\n.exit\n");
    assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);

    const second = await withRepl(async (r) => {
      await r.expect("> ");
      await r.send(UP + UP);
      await r.expect("const remembered = 40 + 2");
      await r.send("; remembered" + ENTER);
      await r.expect("42\n");
      await r.send(CTRL_D);
    }, env);
    assertEquals(await second.close(), 0);
  } finally {
    Deno.removeSync(state, { recursive: true });
  }
});

Deno.test("repl pty: YIELDFROM_REPL_HISTORY names the history file", async () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp", prefix: "yieldfrom-repl-hist-" });
  try {
    const path = `${dir}/custom_history`;
    const r = await withRepl(async (r) => {
      await r.expect("> ");
      await r.send("'into the custom file'" + ENTER);
      await r.expect(`"into the custom file"`);
      await r.send(CTRL_D);
    }, { YIELDFROM_REPL_HISTORY: path });
    assertEquals(await r.close(), 0);
    assertEquals(Deno.readTextFileSync(path), "'into the custom file'\n");
    assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("repl pty: tab completes globals, declared names, properties and commands", async () => {
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    await r.send("const myConfiguration = { alphaValue: 1, beta: 2 }" + ENTER);
    await r.expect("undefined\n");
    await r.expect("> ");
    await r.send("myConf\t");
    await r.expect("myConfiguration");
    await r.send(".alp\t");
    await r.expect("alphaValue");
    await r.send(ENTER);
    await r.expect("1\n");
    await r.expect("> ");
    await r.send("createT\t");
    await r.expect("createTask");
    await r.send(CTRL_C);
    await r.expect("> ");
    await r.send("asyncio.ensureF\t");
    await r.expect("ensureFuture");
    await r.send(CTRL_C);
    await r.expect("> ");
    await r.send(".tas\t");
    await r.expect(".tasks");
    await r.send(ENTER);
    await r.expect("no tasks are pending");
    await r.send(CTRL_D);
  });
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: Ctrl-C cancels the running input, not background tasks; at the prompt it clears the line", async () => {
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    await r.send(
      "const bg = createTask(async function ticking() { await sleep(100) }, { name: 'bg' })" +
        ENTER,
    );
    await r.expect("undefined\n");
    await r.expect("> ");
    await r.send("console.log('started'); await sleep(100)" + ENTER);
    await r.expect("started\n");
    await r.send(CTRL_C);
    // the terminal echoes ^C (inputs run in its own mode); the message starts a line
    await r.expect("^C\nCancelledError\n");
    await r.expect("> ");
    await r.send("[bg.done(), _error instanceof CancelledError]" + ENTER);
    await r.expect("[ false, true ]");
    await r.expect("> ");
    // generator style too (two Ctrl-C less than 100 ms apart would count as one)
    await wait(400);
    await r.send("console.log('gen started'); yield* sleep(100)" + ENTER);
    await r.expect("gen started\n");
    await r.send(CTRL_C);
    await r.expect("CancelledError\n");
    await r.expect("> ");
    // at the prompt: the half-typed line is dropped
    await wait(400);
    await r.send("this line is dropped" + CTRL_C);
    await r.expect("> ");
    await r.send("'next'" + ENTER);
    const shown = await r.expect(`"next"`);
    assert(!shown.includes("this line is dropped'next'"), shown);
    await r.expect("> ");
    await r.send(CTRL_C);
    await r.expect("(To exit, press Ctrl-D or type .exit)");
    await r.expect("> ");
    await r.send(CTRL_D);
    await r.expect("cancelled 1 task (bg)");
  });
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: a task typed as a value is shown, not waited for; a body stuck on a host promise is left to finish", async () => {
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    await r.send("const kept = createTask(sleep(100), { name: 'kept' })" + ENTER);
    await r.expect("undefined\n");
    await r.expect("> ");
    await r.send("kept" + ENTER);
    await r.expect(/\n<Task pending name='kept' coro=<sleep\(\) running>[^\n]*>\n/);
    await r.expect("> ");
    await r.send("kept.done()" + ENTER);
    await r.expect("false\n");
    await r.expect("> ");
    // an async body awaiting a host promise cannot be interrupted mid-await
    await wait(400);
    await r.send(
      "console.log('hosted'); await new Promise((resolve) => setTimeout(resolve, 1500))" + ENTER,
    );
    await r.expect("hosted\n");
    await r.send(CTRL_C);
    await r.expect(/Task-\d+ has not finished cancelling; it goes on in the background\n/);
    await r.expect("CancelledError\n");
    await r.expect("> ");
    await r.send(".tasks" + ENTER);
    await r.expect(
      /2 pending tasks:\n {2}kept \(pending\)[^]*Task-\d+ \(cancelling\): <module>\(\) defined at <input 4>/,
    );
    await r.expect("> ");
    await r.send(CTRL_D);
    await r.expect("cancelled ");
  });
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: what background tasks print appears above the prompt; the typed line is redrawn", async () => {
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    await r.send(
      "const ev = getRunningLoop().createFuture(); " +
        "const printer = createTask(async () => { await ev; console.log('from the background') })" +
        ENTER,
    );
    await r.expect("undefined\n");
    await r.expect("> ");
    // a host timer finishes the future 300 ms later, while a line is half-typed
    await r.send("setTimeout(() => ev.setResult(1), 300); 'armed'" + ENTER);
    await r.expect(`"armed"`);
    await r.expect("> ");
    await r.send("'half typ");
    await r.expect("from the background\n");
    // the prompt and the half-typed line come back under the output
    await r.expect("> 'half typ");
    await r.send("ed'" + ENTER);
    await r.expect(`"half typed"`);
    await r.expect("> ");
    await r.send(CTRL_D);
  });
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: a second Ctrl-C ends a runaway synchronous loop", async () => {
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    // the watchdog Worker starts after the first prompt
    for (let i = 0; i < 100; i++) {
      await r.send(
        `globalThis[Symbol.for("yieldfrom.asyncio.repl")].watchdogReady === true` + ENTER,
      );
      const shown = await r.expect(/\n(true|false)\n/);
      await r.expect("> ");
      if (shown.endsWith("true\n")) break;
      await wait(50);
    }
    await r.send("console.log('spinning'); while (true) {}" + ENTER);
    await r.expect("spinning\n");
    await wait(500); // the watchdog finds the REPL stuck when its beat is 300 ms old
    await r.send(CTRL_C);
    await r.expect(
      "KeyboardInterrupt: the input is stuck in synchronous code and cannot be cancelled; " +
        "press Ctrl-C again to end the REPL",
    );
    await wait(300);
    await r.send(CTRL_C);
    await r.expect("KeyboardInterrupt: ending the REPL");
  });
  const code = await r.close();
  assert(code !== 0, `exit status ${code}`);
});

Deno.test("repl pty: under deno task, one Ctrl-C (delivered twice) counts once", async () => {
  const r = await withRepl(
    async (r) => {
      await r.expect("> ");
      await r.send("console.log('started'); await sleep(100)" + ENTER);
      await r.expect("started\n");
      await r.send(CTRL_C);
      await r.expect("CancelledError\n");
      await r.expect("> ");
      await wait(300);
      await r.send("'still here'" + ENTER);
      const shown = await r.expect(`"still here"`);
      // no second cancellation, no "Ctrl-C at the prompt" hint from the duplicate
      assert(!shown.includes("To exit"), shown);
      assert(!shown.includes("CancelledError"), shown);
      await r.send(CTRL_D);
    },
    {},
    TASK,
  );
  assertEquals(await r.close(), 0);
});

Deno.test("repl pty: --eval runs first and stays interactive; colors unless --no-color", async () => {
  for (const [args, colored] of [[[], true], [["--no-color"], false]] as const) {
    const r = await withRepl(
      async (r) => {
        await r.expect("> ");
        await r.send("'typed after'" + ENTER);
        await r.expect("typed after");
        await r.send(CTRL_D);
      },
      { NO_COLOR: "" },
      undefined,
      [...args, "--eval", "[1, 'a']"],
    );
    assertEquals(await r.close(), 0);
    const shown = r.raw;
    const value = colored ? `[ \x1b[33m1\x1b[39m, \x1b[32m"a"\x1b[39m ]` : `[ 1, "a" ]`;
    assertStringIncludes(r.text, `Ctrl-D to leave.\n[ 1, "a" ]\n`);
    assertStringIncludes(shown, `${value}\r\n`);
    assertEquals(shown.includes("\x1b[33m"), colored);
  }
});

Deno.test("repl pty: the harness sets the terminal's type, whatever the caller's TERM is", async () => {
  const callers = Deno.env.get("TERM");
  Deno.env.set("TERM", "dumb");
  try {
    const r = await withRepl(async (r) => {
      await r.expect("> ");
      await r.send("Deno.env.get('TERM')" + ENTER);
      await r.expect(`"xterm-256color"`);
      await r.expect("> ");
      // line editing needs a terminal that is not dumb
      await r.send("2 + 3" + LEFT + LEFT + BACKSPACE + BACKSPACE + "*" + ENTER);
      await r.expect("\n6\n");
      await r.send(CTRL_D);
    });
    assertEquals(await r.close(), 0);
  } finally {
    if (callers === undefined) Deno.env.delete("TERM");
    else Deno.env.set("TERM", callers);
  }
});

Deno.test("repl pty: the first prompt stays on the screen (the README's command and deno task repl)", async () => {
  for (const command of [README_COMMAND, TASK]) {
    const r = await withRepl(
      async (r) => {
        await r.expect("Ctrl-D to leave.\n");
        await r.expect("> ");
        // Nothing typed: whatever the REPL starts after the prompt must not erase it.
        await wait(2000);
        assertEquals(r.row, "> ", command.join(" "));
        await r.send("1 + 1" + ENTER);
        await r.expect("\n2\n");
        await r.send(CTRL_D);
      },
      {},
      command,
    );
    assertEquals(await r.close(), 0);
  }
});

/** The REPL's process id, read at the prompt. */
async function replPid(r: PtyRepl): Promise<number> {
  await r.send("'pid=' + Deno.pid" + ENTER);
  const shown = await r.expect(/"pid=(\d+)"\n/);
  await r.expect("> ");
  return Number(/pid=(\d+)/.exec(shown)![1]);
}

/** Wait until the watchdog Worker (started with the REPL) is ready. */
async function watchdogReady(r: PtyRepl): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await r.send(`globalThis[Symbol.for("yieldfrom.asyncio.repl")].watchdogReady === true` + ENTER);
    const shown = await r.expect(/\n(true|false)\n/);
    await r.expect("> ");
    if (shown.endsWith("true\n")) return;
    await wait(50);
  }
}

const WAYS_OUT: Array<[string, (r: PtyRepl) => Promise<void>, (code: number) => boolean]> = [
  ["Ctrl-D", (r) => r.send(CTRL_D), (c) => c === 0],
  [".exit", (r) => r.send(".exit" + ENTER), (c) => c === 0],
  ["close()", (r) => r.send("close()" + ENTER), (c) => c === 0],
  ["Deno.exit(3) at the prompt", (r) => r.send("Deno.exit(3)" + ENTER), (c) => c === 3],
  [
    "Deno.exit(4) while an input runs",
    (r) => r.send("await sleep(0.2); Deno.exit(4)" + ENTER),
    (c) => c === 4,
  ],
  ["SIGTERM at the prompt", async (r) => {
    Deno.kill(await replPid(r), "SIGTERM");
  }, (c) => c === 143],
  ["SIGHUP while an input runs", async (r) => {
    const pid = await replPid(r);
    await r.send("console.log('waiting'); await sleep(100)" + ENTER);
    await r.expect("waiting\n");
    Deno.kill(pid, "SIGHUP");
  }, (c) => c === 129],
  ["a runaway loop ended by two Ctrl-C", async (r) => {
    await watchdogReady(r);
    await r.send("console.log('spinning'); while (true) {}" + ENTER);
    await r.expect("spinning\n");
    await wait(500); // the watchdog finds the REPL stuck when its beat is 300 ms old
    await r.send(CTRL_C);
    await r.expect("press Ctrl-C again to end the REPL");
    await wait(300);
    await r.send(CTRL_C);
    await r.expect("KeyboardInterrupt: ending the REPL");
  }, (c) => c === 130],
];

for (const [how, leave, expected] of WAYS_OUT) {
  Deno.test(`repl pty: leaving by ${how} restores the terminal mode`, async () => {
    const r = await withRepl(async (r) => {
      await r.expect("> ");
      await r.send("'ready'" + ENTER);
      await r.expect(`"ready"`);
      await r.expect("> ");
      await leave(r);
    });
    const code = await r.close();
    assertEquals(r.mode, "restored");
    assert(expected(code), `exit status ${code}`);
  });
}

Deno.test("repl pty: Ctrl-R searches the history backwards", async () => {
  const CTRL_R = "\x12", CTRL_G = "\x07", CTRL_E = "\x05";
  const r = await withRepl(async (r) => {
    await r.expect("> ");
    for (const line of ["const needle = 41", "'other'", "const needles = 1", "'last'"]) {
      await r.send(line + ENTER);
      await r.expect("> ");
    }
    // the newest line containing "needle", then an older one
    await r.send(CTRL_R);
    await r.expect("(reverse-i-search)`': ");
    await r.send("needl");
    await r.expect("(reverse-i-search)`needl': const needles = 1");
    assertEquals(r.row, "(reverse-i-search)`needl': const needles = 1");
    await r.send(CTRL_R);
    await r.expect("(reverse-i-search)`needl': const needle = 41");
    assertEquals(r.row, "(reverse-i-search)`needl': const needle = 41");
    // nothing older: the search says it failed, the match stays
    await r.send("x");
    await r.expect("(failed reverse-i-search)`needlx': const needle = 41");
    await r.send(BACKSPACE);
    await r.expect("(reverse-i-search)`needl': const needle = 41");
    // Enter runs the line found
    await r.send(ENTER);
    await r.expect("undefined\n");
    await r.send("needle + 1" + ENTER);
    await r.expect("42\n");
    await r.expect("> ");
    // Ctrl-G gives back the line typed before the search
    await r.send("'typed'" + CTRL_R + "oth");
    await r.expect("(reverse-i-search)`oth': 'other'");
    await r.send(CTRL_G);
    await r.expect("> 'typed'");
    assertEquals(r.row, "> 'typed'");
    await r.send(ENTER);
    await r.expect(`"typed"`);
    await r.expect("> ");
    // an editing key (Ctrl-E: to the end of the line) keeps the line found, and edits it
    await r.send(CTRL_R + "las" + CTRL_E);
    await r.expect("> 'last'");
    await r.send(" + '!'" + ENTER);
    await r.expect(`"last!"`);
    await r.send(CTRL_D);
  });
  assertEquals(await r.close(), 0);
});
