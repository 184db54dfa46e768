/**
 * The network examples, run with `deno run --allow-net` as a user would:
 * seed 001's TCP echo server and client (each form of the server with the
 * other form of the client; the server on port 0, stopped with Ctrl-C), and
 * seed 004's Redis client against a real redis-server started here on a
 * free loopback port with persistence off. Their output is compared with
 * the `.out` files recorded from the CPython programs beside them (ports,
 * which differ from run to run, read as PORT). The aiohttp client programs
 * (seeds 001, 003, 004) start a local HTTP server (examples/_local_http_server.ts)
 * and are compared with the output of their Python originals, which are also
 * run here against that server with Debian's python3.11 and python3-aiohttp.
 */
import { assert, assertEquals } from "@std/assert";

const EXAMPLES = new URL("../examples/", import.meta.url);
const dec = new TextDecoder();

/** Ports differ from run to run: `('127.0.0.1', 45768)` reads `('127.0.0.1', PORT)`. */
const normalize = (s: string) => s.replace(/', \d+\)/g, "', PORT)");

function expected(file: string): string {
  return normalize(Deno.readTextFileSync(new URL(file, EXAMPLES)));
}

function deno(file: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", new URL(file, EXAMPLES).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** Collects a child's stdout; `line()` resolves with each line as it comes. */
function lines(child: Deno.ChildProcess) {
  let text = "";
  let seen = 0;
  let wake = null as (() => void) | null;
  const done = (async () => {
    for await (const chunk of child.stdout) {
      text += dec.decode(chunk, { stream: true });
      wake?.();
    }
  })();
  return {
    async line(): Promise<string> {
      for (;;) {
        const rest = text.split("\n");
        if (rest.length - 1 > seen) return rest[seen++];
        await Promise.race([new Promise<void>((r) => (wake = r)), done]);
      }
    },
    all: async () => (await done, text),
  };
}

for (const [server, client] of [["async", "legacy"], ["legacy", "async"]]) {
  Deno.test(`seed 001 TCP echo: the ${server} server and the ${client} client print what CPython printed`, async () => {
    const srv = deno(`seed001/5_tcp_echo_server.${server}.ts`, ["0"]);
    const guard = setTimeout(() => srv.kill("SIGKILL"), 60_000);
    try {
      const out = lines(srv);
      const first = await out.line();
      const m = /^Serving on \('127\.0\.0\.1', (\d+)\)$/.exec(first);
      assert(m, `the server said ${JSON.stringify(first)}`);
      const cli = await deno(`seed001/5_tcp_echo_client.${client}.ts`, [m![1]]).output();
      assertEquals(dec.decode(cli.stderr), "");
      assertEquals(cli.code, 0);
      assertEquals(normalize(dec.decode(cli.stdout)), expected("seed001/5_tcp_echo_client.out"));
      // The server prints its last line after the client has read the echo.
      while (!(await out.line()).startsWith("Close the connection"));
      srv.kill("SIGINT");
      const stdout = await out.all();
      const status = await srv.status;
      assertEquals(dec.decode(await new Response(srv.stderr).arrayBuffer()), "");
      assertEquals(status.code, 0, "Ctrl-C ends the server cleanly");
      assertEquals(normalize(stdout), expected("seed001/5_tcp_echo_server.out"));
    } finally {
      clearTimeout(guard);
    }
  });
}

/** A free loopback port (bound and released at once). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function hasRedis(): boolean {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

/** Kill a peer server still running (a failed test), and wait for it to exit. */
async function ensureStopped(server: Deno.ChildProcess): Promise<void> {
  try {
    server.kill("SIGKILL");
  } catch {
    // already stopped
  }
  await server.status;
  await server.stderr.cancel();
}

const redis = hasRedis();
if (!redis) console.log("redis-server is not installed here: the Redis example test is skipped");

Deno.test({
  name:
    "seed 004 Redis client (both forms) against a real redis-server prints what CPython printed",
  ignore: !redis,
  fn: async () => {
    const port = freePort();
    const server = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      const log = lines(server);
      while (!(await log.line()).includes("Ready to accept connections"));
      for (const form of ["async", "legacy"]) {
        const out = await deno(`seed004/redis_client.${form}.ts`, [String(port)]).output();
        assertEquals(dec.decode(out.stderr), "", form);
        assertEquals(out.code, 0);
        assertEquals(dec.decode(out.stdout), expected("seed004/redis_client.out"), form);
      }
      server.kill("SIGTERM");
      await log.all();
    } finally {
      await ensureStopped(server);
    }
  },
});

// --- the aiohttp client programs --------------------------------------------------------

/** Run an example as a user would; each starts its own local server on a free port. */
async function runExample(file: string, args: string[] = []) {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read=/tmp",
      "--allow-write=/tmp",
      new URL(file, EXAMPLES).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

for (
  const base of ["seed001/6_aiohttp_client", "seed003/aiohttp_fetch", "seed004/aiohttp_download"]
) {
  Deno.test(`${base} (both forms, against the local server) prints what aiohttp printed`, async () => {
    const runs = await Promise.all(["legacy", "async"].map((f) => runExample(`${base}.${f}.ts`)));
    for (const r of runs) {
      assertEquals(r.stderr, "");
      assertEquals(r.code, 0);
      assertEquals(r.stdout, Deno.readTextFileSync(new URL(`${base}.out`, EXAMPLES)));
    }
  });
}

Deno.test("seed003/aiohttp_init (both forms): the blocked task holds the other back; each task's lines in order", async () => {
  const expectedLines = Deno.readTextFileSync(new URL("seed003/aiohttp_init.out", EXAMPLES))
    .trimEnd().split("\n");
  const runs = await Promise.all(
    ["legacy", "async"].map((f) => runExample(`seed003/aiohttp_init.${f}.ts`)),
  );
  for (const r of runs) {
    assertEquals(r.stderr, "");
    assertEquals(r.code, 0);
    const lines = r.stdout.trimEnd().split("\n");
    // Task 1 blocks the thread for 5 s before task 2 can even begin.
    assertEquals(lines.slice(0, 2), ["session begin 1", "session begin 2"]);
    assert(r.seconds >= 5, `ran ${r.seconds} s`);
    // The two responses may come back in either order (in CPython too).
    assertEquals([...lines].sort(), [...expectedLines].sort());
    for (const n of [1, 2]) {
      const mine = lines.filter((l) => l.endsWith(` ${n}`));
      assertEquals(mine, [`session begin ${n}`, `client begin ${n}`, `session end ${n}`]);
    }
  }
});

/** Debian's Python with python3-aiohttp, for the reference runs. */
function hasAiohttp(): boolean {
  try {
    return new Deno.Command("/usr/bin/python3.11", { args: ["-c", "import aiohttp"] }).outputSync()
      .success;
  } catch {
    return false;
  }
}

const aiohttp = hasAiohttp();
if (!aiohttp) {
  console.log(
    "python3.11 with aiohttp is not installed here: the aiohttp reference runs are skipped",
  );
}

Deno.test({
  name:
    "the Python originals, run with aiohttp against the same local server, print the .out files",
  ignore: !aiohttp,
  fn: async () => {
    const server = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net=127.0.0.1", new URL("_local_http_server.ts", EXAMPLES).pathname],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      const out = lines(server);
      const url = await out.line();
      assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(url), url);
      const cases: [string, string][] = [
        ["seed001/6_aiohttp_client", `${url}/555`],
        ["seed003/aiohttp_fetch", url],
        ["seed004/aiohttp_download", url],
      ];
      for (const [base, arg] of cases) {
        const py = await new Deno.Command("/usr/bin/python3.11", {
          args: [new URL(`${base}.py`, EXAMPLES).pathname, arg],
          stdout: "piped",
          stderr: "piped",
        }).output();
        assertEquals(py.code, 0, dec.decode(py.stderr));
        assertEquals(
          dec.decode(py.stdout),
          Deno.readTextFileSync(new URL(`${base}.out`, EXAMPLES)),
          base,
        );
      }
      server.kill("SIGTERM");
      await out.all();
    } finally {
      await ensureStopped(server);
    }
  },
});
