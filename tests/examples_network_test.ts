/**
 * The network examples, run with `deno run --allow-net` as a user would:
 * seed 001's TCP echo server and client (each form of the server with the
 * other form of the client; the server on port 0, stopped with Ctrl-C), and
 * seed 004's Redis client against a real redis-server started here on a
 * free loopback port with persistence off. Their output is compared with
 * the `.out` files recorded from the CPython programs beside them (ports,
 * which differ from run to run, read as PORT).
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
      try {
        server.kill("SIGKILL");
      } catch {
        // already stopped
      }
      await server.status;
      await server.stderr.cancel();
    }
  },
});
