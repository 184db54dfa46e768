/**
 * Stream hot paths. In memory: a StreamReader fed by hand (readline,
 * readexactly, readuntil across chunks, read). Over loopback TCP (needs
 * --allow-net; skipped without it): echo round trips with streams and
 * with protocols. Each bench runs a whole program on a fresh loop; divide
 * by the count in its name for the cost of one operation.
 *
 *   deno bench --allow-net=127.0.0.1 bench/streams_bench.ts
 */
import { getRunningLoop, openConnection, run, startServer, StreamReader } from "../mod.ts";
import { EchoClient, EchoProtocol, echoStreamGen } from "./compare/_echo_ours.ts";

const N = 10_000;
const line = new TextEncoder().encode("GET /index.html HTTP/1.1\r\n");
const net = Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";

Deno.bench(`StreamReader: ${N} × feedData + readline (yield*)`, { group: "reader" }, async () => {
  await run(function* () {
    const r = new StreamReader();
    for (let i = 0; i < N; i++) {
      r.feedData(line);
      yield* r.readuntil("\r\n");
    }
  });
});

Deno.bench(`StreamReader: ${N} × feedData + readline (await)`, { group: "reader" }, async () => {
  await run(async () => {
    const r = new StreamReader();
    for (let i = 0; i < N; i++) {
      r.feedData(line);
      await r.readuntil("\r\n");
    }
  });
});

Deno.bench(`StreamReader: ${N} lines in 16-byte chunks, readuntil across chunks`, {
  group: "reader",
}, async () => {
  await run(function* () {
    const r = new StreamReader(1 << 20);
    const all = new Uint8Array(line.length * N);
    for (let i = 0; i < N; i++) all.set(line, i * line.length);
    for (let at = 0; at < all.length; at += 16) r.feedData(all.subarray(at, at + 16));
    r.feedEof();
    for (let i = 0; i < N; i++) yield* r.readuntil("\r\n");
  });
});

Deno.bench(
  `StreamReader: ${N} × readexactly(100) from 64 KiB chunks`,
  { group: "reader" },
  async () => {
    await run(function* () {
      const r = new StreamReader(1 << 24);
      const chunk = new Uint8Array(65_536);
      for (let at = 0; at < N * 100; at += chunk.length) r.feedData(chunk);
      for (let i = 0; i < N; i++) yield* r.readexactly(100);
    });
  },
);

const ROUNDS = 2_000;

Deno.bench({
  name: `TCP echo, streams: ${ROUNDS} round trips of 100 B (yield*)`,
  group: "tcp",
  ignore: !net,
  async fn() {
    await run(function* () {
      const server = yield* startServer(echoStreamGen, "127.0.0.1", 0);
      const [reader, writer] = yield* openConnection("127.0.0.1", server.sockets[0].port!);
      const msg = new Uint8Array(100);
      for (let i = 0; i < ROUNDS; i++) {
        writer.write(msg);
        yield* writer.drain();
        yield* reader.readexactly(100);
      }
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
    });
  },
});

Deno.bench({
  name: `TCP echo, protocols: ${ROUNDS} round trips of 100 B`,
  group: "tcp",
  ignore: !net,
  async fn() {
    await run(async () => {
      const loop = getRunningLoop();
      const server = await loop.createServer(() => new EchoProtocol(), "127.0.0.1", 0);
      const done = loop.createFuture<void>();
      const msg = new Uint8Array(100);
      await loop.createConnection(
        () => new EchoClient(msg, ROUNDS, done),
        "127.0.0.1",
        server.sockets[0].port!,
      );
      await done;
      server.close();
      await server.waitClosed();
    });
  },
});
