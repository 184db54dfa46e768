/**
 * The HTTP client's cost layer by layer: the same 10 000 GETs with 50 in
 * flight against a plain `Deno.serve` child process (bench/http_client_compare.ts
 * `--server`), each variant adding one layer to the previous one, and the
 * client process's CPU time per request (user + system), median of the rounds:
 *
 * 1. plain `fetch` + `text()` in 50 async workers;
 * 2. the same with an `AbortController` signal per request;
 * 3. 50 generator tasks, `yield* wrap(fetch(url, { signal }))` + `wrap(r.text())`;
 * 4. … with the client's `RequestInit`, a `URL` and `arrayBuffer()` + `TextDecoder`;
 * 5. `ClientSession`: `yield* session.get(url)` then `yield* r.text()`;
 * 6. `ClientSession` through `yield* asyncWith(session.get(url), function* (r) { … })`.
 *
 * Run: deno run --allow-net=127.0.0.1 --allow-run --allow-read bench/http_client_layers.ts [--requests N] [--rounds R]
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { cpuUsage } from "node:process";
import { asyncWith, createTask, run, wait, wrap } from "../mod.ts";
import { ClientSession } from "../lib/http/client_mod.ts";

const args = parseArgs(Deno.args, {
  string: ["requests", "rounds"],
  default: { requests: "10000", rounds: "9" },
});
const N = Number(args.requests);
const ROUNDS = Number(args.rounds);
const C = 50;

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-net=127.0.0.1",
    new URL("./http_client_compare.ts", import.meta.url).pathname,
    "--server",
  ],
  stdin: "piped",
  stdout: "piped",
}).spawn();
const first = await child.stdout.getReader().read();
const port = Number(new TextDecoder().decode(first.value).trim());
const url = `http://127.0.0.1:${port}/`;

async function fetchWorkers(signal: boolean): Promise<void> {
  let left = N;
  await Promise.all(Array.from({ length: C }, async () => {
    while (left-- > 0) {
      const init = signal ? { signal: new AbortController().signal } : undefined;
      await (await fetch(url, init)).text();
    }
  }));
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function tasks(
  step: (session: ClientSession) => Generator<unknown, void, unknown>,
): Promise<void> {
  return run(function* () {
    const session = new ClientSession();
    let left = N;
    const ts = Array.from({ length: C }, () =>
      createTask(function* () {
        while (left-- > 0) yield* step(session);
      }));
    yield* wait(ts);
    yield* session.close();
  });
}

function* wrapped(): Generator<unknown, void, unknown> {
  const r = yield* wrap(fetch(url, { signal: new AbortController().signal }));
  yield* wrap(r.text());
}

function* wrappedAsClient(): Generator<unknown, void, unknown> {
  const u = new URL(url);
  const r = yield* wrap(fetch(u.href, {
    method: "GET",
    headers: undefined,
    body: null,
    signal: new AbortController().signal,
    redirect: "follow",
  }));
  decoder.decode(new Uint8Array(yield* wrap(r.arrayBuffer())));
}

function* sessionGet(session: ClientSession): Generator<unknown, void, unknown> {
  const r = yield* session.get(url);
  yield* r.text();
}

function* sessionWith(session: ClientSession): Generator<unknown, void, unknown> {
  yield* asyncWith(session.get(url), function* (r) {
    return yield* r.text();
  });
}

const variants: [string, () => Promise<void>][] = [
  ["plain fetch + text(), 50 async workers", () => fetchWorkers(false)],
  ["… with an AbortController signal per request", () => fetchWorkers(true)],
  ["50 generator tasks, wrap(fetch) + wrap(text())", () => tasks(wrapped)],
  ["… with the client's RequestInit, URL and decoder", () => tasks(wrappedAsClient)],
  ["ClientSession, yield* session.get() + text()", () => tasks(sessionGet)],
  ["ClientSession, asyncWith(session.get(), body)", () => tasks(sessionWith)],
];

const cpu: number[][] = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [, fn]] of variants.entries()) {
    const before = cpuUsage();
    await fn();
    const used = cpuUsage(before);
    cpu[i].push((used.user + used.system) / N);
  }
}
child.stdin.close();
await child.status;

const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
const base = median(cpu[0]);
console.log(`${N} GETs, ${C} in flight, ${ROUNDS} rounds (medians)`);
console.log("| variant | client CPU µs/request | vs plain fetch |");
console.log("| --- | ---: | ---: |");
for (const [i, [name]] of variants.entries()) {
  const m = median(cpu[i]);
  console.log(`| ${name} | ${m.toFixed(1)} | ${Math.round((base / m) * 100)}% |`);
}
