/**
 * W9: seed 001's aiohttp server (`GET /{id}` answers the id) under wrk, on
 * three servers in the same run: @yieldfrom/asyncio/http, aiohttp on
 * Debian's python3.11, and a plain Deno.serve handler (the ceiling).
 * Rounds are interleaved (plain, ours, aiohttp, plain, ...) and the median
 * of each server's rounds is reported, with the p99 latency wrk measured.
 *
 * Run:
 *   deno run --allow-run --allow-net=127.0.0.1 --allow-read bench/http_server_compare.ts \
 *     [--duration 10] [--connections 50] [--rounds 3] [--threads 1]
 *
 * wrk is /usr/bin/wrk; when it is missing the script tries `apt-get install -y wrk`
 * and, when that cannot be done, says so and exits without measuring.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";

const args = parseArgs(Deno.args, {
  string: ["duration", "connections", "rounds", "threads"],
  default: { duration: "10", connections: "50", rounds: "3", threads: "1" },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const THREADS = Number(args.threads);
const PYTHON = "/usr/bin/python3.11";
const HERE = new URL("./_http/", import.meta.url);

async function has(cmd: string, ...a: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args: a, stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

async function ensureWrk(): Promise<string | null> {
  if (await has("sh", "-c", "command -v wrk")) return "wrk";
  console.log("wrk is missing: trying apt-get install -y wrk");
  if (await has("apt-get", "install", "-y", "wrk") && await has("sh", "-c", "command -v wrk")) {
    return "wrk";
  }
  return null;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitUp(port: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/555`);
      await r.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`server on ${port} did not come up`);
}

interface Server {
  name: string;
  cmd: string;
  args: (port: number) => string[];
}

const SERVERS: Server[] = [
  {
    name: "plain Deno.serve",
    cmd: Deno.execPath(),
    args: (p) => ["run", "--allow-net", new URL("plain.ts", HERE).pathname, String(p)],
  },
  {
    name: "@yieldfrom/asyncio/http, async handlers",
    cmd: Deno.execPath(),
    args: (p) => ["run", "--allow-net", new URL("ours.ts", HERE).pathname, String(p)],
  },
  {
    name: "@yieldfrom/asyncio/http, generator handlers",
    cmd: Deno.execPath(),
    args: (p) => ["run", "--allow-net", new URL("ours_legacy.ts", HERE).pathname, String(p)],
  },
  {
    name: "aiohttp (python3.11)",
    cmd: PYTHON,
    args: (p) => [new URL("aiohttp_server.py", HERE).pathname, String(p)],
  },
];

interface Result {
  rps: number;
  p99ms: number;
  /** Server CPU time (user + system) per request, in microseconds (Linux). */
  cpuUs: number;
  errors: string;
}

/**
 * The CPU seconds a process has used, from Linux's /proc (read with `cat`: Deno asks for
 * --allow-all to read another process's /proc entry); NaN elsewhere.
 */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stdout: "piped" })
      .output();
    const stat = new TextDecoder().decode(out.stdout);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function toMs(s: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

async function measure(wrk: string, s: Server): Promise<Result> {
  const port = freePort();
  const child = new Deno.Command(s.cmd, { args: s.args(port), stdout: "null", stderr: "piped" })
    .spawn();
  try {
    await waitUp(port);
    const url = `http://127.0.0.1:${port}/555`;
    // Warm-up (JIT, connection setup), then the measured run.
    await new Deno.Command(wrk, { args: ["-t1", "-c10", "-d1s", url], stdout: "null" }).output();
    const cpu0 = await cpuSeconds(child.pid);
    const out = await new Deno.Command(wrk, {
      args: [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${DURATION}s`, "--latency", url],
      stdout: "piped",
    }).output();
    const cpu1 = await cpuSeconds(child.pid);
    const text = new TextDecoder().decode(out.stdout);
    const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? NaN);
    const p99 = toMs(/\s99%\s+(\S+)/.exec(text)?.[1] ?? "");
    const errors = [/Socket errors:.*/.exec(text)?.[0], /Non-2xx.*/.exec(text)?.[0]]
      .filter(Boolean).join("; ");
    return { rps, p99ms: p99, cpuUs: (cpu1 - cpu0) * 1e6 / requests, errors };
  } finally {
    child.kill("SIGINT");
    await child.status;
    await child.stderr.cancel();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (import.meta.main) {
  const wrk = await ensureWrk();
  if (wrk === null) {
    console.log("W9 skipped: wrk is not installed and could not be installed here.");
    Deno.exit(0);
  }
  const servers = (await has(PYTHON, "-c", "import aiohttp"))
    ? SERVERS
    : (console.log(`note: ${PYTHON} with aiohttp is missing; aiohttp is not measured`),
      SERVERS.slice(0, 3));
  const results = new Map<string, Result[]>(servers.map((s) => [s.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of servers) {
      const r = await measure(wrk, s);
      results.get(s.name)!.push(r);
      console.log(
        `round ${round} ${s.name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99ms.toFixed(2)} ms, ${
          r.cpuUs.toFixed(1)
        } us CPU/request${r.errors ? ` (${r.errors})` : ""}`,
      );
    }
  }
  const rps = (n: string) => median(results.get(n)!.map((r) => r.rps));
  const p99 = (n: string) => median(results.get(n)!.map((r) => r.p99ms));
  const cpu = (n: string) => median(results.get(n)!.map((r) => r.cpuUs));
  const plain = rps(servers[0].name);
  const ours = rps(servers[1].name);
  console.log(
    `\nW9: wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, median of ${ROUNDS} interleaved rounds, ${navigator.hardwareConcurrency} CPUs\n`,
  );
  console.log(
    "| server | requests/s | p99 latency | vs plain Deno.serve | server CPU per request |",
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const s of servers) {
    console.log(
      `| ${s.name} | ${rps(s.name).toFixed(0)} | ${p99(s.name).toFixed(2)} ms | ${
        (100 * rps(s.name) / plain).toFixed(0)
      }% | ${cpu(s.name).toFixed(1)} µs |`,
    );
  }
  const legacy = rps(servers[2].name);
  if (servers.length === 4) {
    const aio = rps(servers[3].name);
    console.log(
      `\nasync handlers: ${
        (100 * ours / plain).toFixed(0)
      }% of plain Deno.serve (target >= 85%), ` +
        `${(ours / aio).toFixed(2)}x aiohttp (target >= 3x)\n` +
        `generator handlers: ${(100 * legacy / plain).toFixed(0)}% of plain Deno.serve, ` +
        `${(legacy / aio).toFixed(2)}x aiohttp`,
    );
  }
}
