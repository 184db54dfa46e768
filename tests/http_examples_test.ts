/**
 * Seed 001's aiohttp server, run as a user would (`deno run --allow-net`,
 * in both styles) beside the Python original on Debian's python3.11 with
 * aiohttp: the same requests get the same statuses, reasons, bodies and
 * content types; the program prints what CPython printed (the `.out` file,
 * with the port and function addresses read as placeholders); Ctrl-C stops
 * it cleanly.
 */
import { assert, assertEquals } from "@std/assert";

const EXAMPLES = new URL("../examples/seed001/", import.meta.url);
const PYTHON = "/usr/bin/python3.11";

const normalize = (s: string) =>
  s.replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://127.0.0.1:PORT").replace(
    / at 0x[0-9a-f]+>/g,
    ">",
  );

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitUp(port: number) {
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

function start(kind: string, port: number): Deno.ChildProcess {
  const [cmd, args] = kind === "py"
    ? [PYTHON, ["-u", new URL("6_aiohttp_server.py", EXAMPLES).pathname, String(port)]]
    : [Deno.execPath(), [
      "run",
      "--allow-net",
      new URL(`6_aiohttp_server.${kind}.ts`, EXAMPLES).pathname,
      String(port),
    ]];
  return new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", env: { NO_COLOR: "1" } })
    .spawn();
}

const REQUESTS: [string, string][] = [
  ["GET", "/555"],
  ["GET", "/abc?x=1&y=2"],
  ["GET", "/"],
  ["POST", "/555"],
  ["GET", "/a/b"],
  ["HEAD", "/555"],
];

async function exchange(port: number) {
  const out = [];
  for (const [method, path] of REQUESTS) {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    out.push({
      request: `${method} ${path}`,
      status: r.status,
      reason: r.statusText,
      body: await r.text(),
      contentType: r.headers.get("content-type"),
      contentLength: r.headers.get("content-length"),
      allow: r.headers.get("allow"),
    });
  }
  return out;
}

async function runOne(kind: string) {
  const port = freePort();
  const child = start(kind, port);
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    await waitUp(port);
    const answers = await exchange(port);
    child.kill("SIGINT");
    const [status, stdout, stderr] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    return { answers, status, stdout, stderr };
  } finally {
    clearTimeout(guard);
  }
}

Deno.test("seed 001 aiohttp server: both forms answer as the Python original does and print what it printed", async () => {
  const py = await runOne("py");
  assert(py.status.success, py.stderr);
  for (const kind of ["async", "legacy"]) {
    const ours = await runOne(kind);
    assert(ours.status.success, `${kind}: exit ${ours.status.code}\n${ours.stderr}`);
    assertEquals(ours.answers, py.answers, kind);
    const expected = normalize(Deno.readTextFileSync(new URL("6_aiohttp_server.out", EXAMPLES)));
    assertEquals(normalize(ours.stdout), expected, kind);
    assertEquals(normalize(py.stdout), expected, "python");
  }
});
