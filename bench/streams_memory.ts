/**
 * What an idle connection costs on our side: N connections open and idle,
 * measured after a full GC as the growth of V8's heap plus external memory
 * (array buffers) and of the process's RSS, divided by N.
 *
 * - server side: a startServer whose handler task waits in `reader.read()`
 *   for each of N connections made by plain Deno.connect in a child process;
 * - client side: N openConnection pairs waiting in `reader.read()`, to a
 *   plain Deno echo server in a child process.
 *
 * Run: deno run --v8-flags=--expose-gc --allow-net=127.0.0.1 --allow-run --allow-read \
 *        bench/streams_memory.ts [N=1000]
 */
import { createTask, openConnection, run, sleep, startServer, type Task } from "../mod.ts";

const N = Number(Deno.args[0] === "connect" ? Deno.args[2] : (Deno.args[0] ?? 1000));
const gc = (globalThis as { gc?: () => void }).gc;

function usage(): { js: number; rss: number } {
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return { js: m.heapUsed + m.external, rss: m.rss };
}

/** This script again, in a child process, as a plain-Deno peer; resolves with its first line. */
async function peer(args: string[]): Promise<[Deno.ChildProcess, string]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", new URL(import.meta.url).pathname, ...args],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return [child, new TextDecoder().decode(value).trim()];
}

async function end(child: Deno.ChildProcess): Promise<void> {
  await child.stdin.close();
  await child.stdout.cancel();
  await child.status;
}

async function serverSide(): Promise<{ js: number; rss: number }> {
  return await run(async () => {
    let handlers = 0;
    const server = await startServer(
      async (reader, writer) => {
        handlers++;
        await reader.read(); // idle until the peer closes
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    await sleep(0.1);
    const before = usage();
    const [child] = await peer(["connect", String(server.sockets[0].port), String(N)]);
    while (handlers < N) await sleep(0.05);
    await sleep(0.2);
    const after = usage();
    await end(child);
    server.close();
    await server.waitClosed();
    return { js: (after.js - before.js) / N, rss: (after.rss - before.rss) / N };
  });
}

async function clientSide(): Promise<{ js: number; rss: number }> {
  const [child, port] = await peer(["listen"]);
  const result = await run(async () => {
    await sleep(0.1);
    const before = usage();
    const readers: Task<unknown>[] = [];
    const writers = [];
    for (let i = 0; i < N; i++) {
      const [reader, writer] = await openConnection("127.0.0.1", Number(port));
      writers.push(writer);
      readers.push(createTask(reader.read()));
    }
    await sleep(0.2);
    const after = usage();
    for (const w of writers) w.close();
    for (const t of readers) await t;
    return { js: (after.js - before.js) / N, rss: (after.rss - before.rss) / N };
  });
  await end(child);
  return result;
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

if (Deno.args[0] === "connect") {
  // Plain Deno peer: N idle connections to the server, until stdin closes.
  const conns = [];
  for (let i = 0; i < N; i++) {
    conns.push(await Deno.connect({ hostname: "127.0.0.1", port: Number(Deno.args[1]) }));
  }
  console.log("ready");
  for await (const _ of Deno.stdin.readable) { /* wait */ }
  for (const c of conns) c.close();
} else if (Deno.args[0] === "listen") {
  // Plain Deno peer: accept and hold connections (reading, never writing), until stdin closes.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  console.log((listener.addr as Deno.NetAddr).port);
  (async () => {
    for await (const conn of listener) {
      (async () => {
        const buf = new Uint8Array(16);
        while ((await conn.read(buf)) !== null);
        conn.close();
      })();
    }
  })();
  for await (const _ of Deno.stdin.readable) { /* wait */ }
  Deno.exit(0);
} else {
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  const s = await serverSide();
  console.log(
    `server side, ${N} idle connections: JS heap + buffers ${kib(s.js)}, RSS ${kib(s.rss)} each`,
  );
  const c = await clientSide();
  console.log(
    `client side, ${N} idle connections: JS heap + buffers ${kib(c.js)}, RSS ${kib(c.rss)} each`,
  );
}
