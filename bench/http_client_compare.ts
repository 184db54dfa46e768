/**
 * The HTTP client against plain `fetch`: 10 000 GETs of a small text body
 * with 50 in flight, from a local `Deno.serve` running in its own process
 * (so the server's work does not share the client's thread).
 *
 * - fetch, batches: `Promise.all` over batches of 50 `fetch` + `text()`.
 * - fetch, 50 workers: 50 async loops, each `fetch` + `text()` in turn.
 * - ClientSession, batches: `gather` over batches of 50 requests.
 * - ClientSession, 50 tasks (async / generator): 50 tasks, each
 *   `asyncWith(session.get(url), (resp) => resp.text())` in turn.
 *
 * The variants run in turn, several rounds; the table gives each one's
 * median rate and its ratio to "fetch, batches", and the client process's
 * CPU time per request (user + system), which a busy machine disturbs less
 * than wall-clock rates.
 *
 * Run: deno run --allow-net=127.0.0.1 --allow-run --allow-read bench/http_client_compare.ts [--requests N] [--rounds R]
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { cpuUsage } from "node:process";
import { asyncWith, createTask, gather, run, wait } from "../mod.ts";
import { ClientSession } from "../lib/http/client_mod.ts";

const args = parseArgs(Deno.args, {
  string: ["requests", "rounds", "concurrency", "only"],
  boolean: ["server"],
  default: { requests: "10000", rounds: "5", concurrency: "50" },
});

if (args.server) {
  // The server process: prints its port, serves until its stdin closes.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("hello, world"),
  );
  console.log(server.addr.port);
  for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
  await server.shutdown();
  Deno.exit(0);
}

const N = Number(args.requests);
const C = Number(args.concurrency);
const ROUNDS = Number(args.rounds);

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net=127.0.0.1",
    "--allow-read",
    new URL(import.meta.url).pathname,
    "--server",
  ],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const reader = child.stdout.getReader();
const first = new TextDecoder().decode((await reader.read()).value);
reader.releaseLock();
const url = `http://127.0.0.1:${Number(first.trim())}/`;

async function fetchBatches(): Promise<void> {
  for (let i = 0; i < N; i += C) {
    const n = Math.min(C, N - i);
    await Promise.all(Array.from({ length: n }, async () => {
      const r = await fetch(url);
      await r.text();
    }));
  }
}

async function fetchWorkers(): Promise<void> {
  let left = N;
  await Promise.all(Array.from({ length: C }, async () => {
    while (left-- > 0) {
      const r = await fetch(url);
      await r.text();
    }
  }));
}

function sessionBatches(): Promise<void> {
  return run(async () => {
    const session = new ClientSession();
    for (let i = 0; i < N; i += C) {
      const n = Math.min(C, N - i);
      await gather(
        ...Array.from({ length: n }, () => asyncWith(session.get(url), (r) => r.text())),
      );
    }
    await session.close();
  });
}

function sessionTasksAsync(): Promise<void> {
  return run(async () => {
    const session = new ClientSession();
    let left = N;
    const tasks = Array.from({ length: C }, () =>
      createTask(async () => {
        while (left-- > 0) await asyncWith(session.get(url), async (r) => await r.text());
      }));
    await wait(tasks);
    await session.close();
  });
}

function sessionTasksGen(): Promise<void> {
  return run(function* () {
    const session = new ClientSession();
    let left = N;
    const tasks = Array.from({ length: C }, () =>
      createTask(function* () {
        while (left-- > 0) {
          yield* asyncWith(session.get(url), function* (r) {
            return yield* r.text();
          });
        }
      }));
    yield* wait(tasks);
    yield* session.close();
  });
}

const allVariants: [string, () => Promise<void>][] = [
  ["fetch, Promise.all batches of 50", fetchBatches],
  ["fetch, 50 workers", fetchWorkers],
  ["ClientSession, gather batches of 50 (async)", sessionBatches],
  ["ClientSession, 50 tasks (async)", sessionTasksAsync],
  ["ClientSession, 50 tasks (generator)", sessionTasksGen],
];
// `--only 0,3`: just those variants (for profiling).
const only: string | undefined = args.only;
const variants: [string, () => Promise<void>][] = only === undefined
  ? allVariants
  : only.split(",").map((i: string) => allVariants[Number(i)]);

// Warm up each variant (JIT, connection pool).
const saved = N;
for (const [, fn] of variants) await fn();

const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of variants) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    await fn();
    const s = (performance.now() - t0) / 1000;
    const c = cpuUsage(c0);
    rates.get(name)!.push(saved / s);
    cpu.get(name)!.push((c.user + c.system) / saved);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(rates.get(variants[0][0])!);
const baseCpu = median(cpu.get(variants[0][0])!);
console.log(`${N} GETs, ${C} in flight, ${ROUNDS} rounds (medians), server in its own process`);
console.log(
  `| variant | requests/s | rate vs ${variants[0][0]} | client CPU µs/request | CPU vs ${
    variants[0][0]
  } |`,
);
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name] of variants) {
  const m = median(rates.get(name)!);
  const c = median(cpu.get(name)!);
  console.log(
    `| ${name} | ${m.toFixed(0)} | ${(100 * m / base).toFixed(0)}% | ${c.toFixed(1)} | ${
      (100 * c / baseCpu).toFixed(0)
    }% |`,
  );
}

await child.stdin.close();
await child.status;
