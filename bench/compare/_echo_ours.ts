/**
 * W6 on @yieldfrom/asyncio: TCP echo, C clients × R round trips of S bytes,
 * (a) streams (openConnection/startServer, generator or async style) and
 * (b) protocols (loop.createConnection/createServer). The server runs in a
 * child process of the same kind (see echoServerChild).
 */
import {
  type Coro,
  coroutine,
  type Future,
  gather,
  getRunningLoop,
  openConnection,
  Protocol,
  run,
  startServer,
  type StreamReader,
  type StreamWriter,
  type Transport,
} from "../../mod.ts";
import { echoServerChild, servedUntilStdinCloses } from "./_common.ts";

/** A protocol echoing what it receives. */
export class EchoProtocol extends Protocol {
  transport!: Transport;
  override connectionMade(t: Transport) {
    this.transport = t;
  }
  override dataReceived(data: Uint8Array) {
    this.transport.write(data);
  }
}

/** A protocol client: sends `msg`, waits for it to come back, `rounds` times, then closes. */
export class EchoClient extends Protocol {
  transport!: Transport;
  n = 0;
  got = 0;
  constructor(public msg: Uint8Array, public rounds: number, public done: Future<void>) {
    super();
  }
  override connectionMade(t: Transport) {
    this.transport = t;
    t.write(this.msg);
  }
  override dataReceived(data: Uint8Array) {
    this.got += data.length;
    while (this.got >= this.msg.length) {
      this.got -= this.msg.length;
      if (++this.n === this.rounds) this.transport.close();
      else this.transport.write(this.msg);
    }
  }
  override connectionLost() {
    this.done.setResult(undefined);
  }
}

/** A stream server's handler echoing what it reads, generator style. */
export function* echoStreamGen(reader: StreamReader, writer: StreamWriter): Coro<void> {
  for (;;) {
    const data = yield* reader.read(65536);
    if (data.length === 0) break;
    writer.write(data);
    yield* writer.drain();
  }
  writer.close();
}

/** `W6serve a|b`: the echo server (streams or protocols), until stdin closes. */
export async function serveEcho(kind: string, asyncStyle: boolean): Promise<void> {
  await run(function* () {
    const server = kind === "b"
      ? yield* getRunningLoop().createServer(() => new EchoProtocol(), "127.0.0.1", 0)
      : yield* startServer(
        asyncStyle
          ? async (reader, writer) => {
            for (;;) {
              const data = await reader.read(65536);
              if (data.length === 0) break;
              writer.write(data);
              await writer.drain();
            }
            writer.close();
          }
          : echoStreamGen,
        "127.0.0.1",
        0,
      );
    servedUntilStdinCloses(server.sockets[0].port!);
    yield* server.serveForever();
  });
}

const ports = new Map<string, number>();

async function serverPort(kind: string, asyncStyle: boolean): Promise<number> {
  const key = `${kind}${asyncStyle}`;
  let port = ports.get(key);
  if (port === undefined) {
    port = await echoServerChild([kind, ...(asyncStyle ? ["--async"] : [])]);
    ports.set(key, port);
  }
  return port;
}

/** W6a: streams clients. */
export async function w6a(asyncStyle: boolean, clients: number, rounds: number, size: number) {
  const port = await serverPort("a", asyncStyle);
  const msg = new Uint8Array(size).fill(120);
  return await run(function* () {
    const clientGen = function* (): Coro<void> {
      const [reader, writer] = yield* openConnection("127.0.0.1", port);
      for (let i = 0; i < rounds; i++) {
        writer.write(msg);
        yield* writer.drain();
        yield* reader.readexactly(size);
      }
      writer.close();
      yield* writer.waitClosed();
    };
    const clientAsync = coroutine(async () => {
      const [reader, writer] = await openConnection("127.0.0.1", port);
      for (let i = 0; i < rounds; i++) {
        writer.write(msg);
        await writer.drain();
        await reader.readexactly(size);
      }
      writer.close();
      await writer.waitClosed();
    });
    const t0 = performance.now();
    yield* gather(Array.from({ length: clients }, () => asyncStyle ? clientAsync() : clientGen()));
    const dt = (performance.now() - t0) / 1000;
    return [dt, "round trips/s", (clients * rounds) / dt] as const;
  });
}

/** W6b: protocol clients. */
export async function w6b(clients: number, rounds: number, size: number) {
  const port = await serverPort("b", false);
  const msg = new Uint8Array(size).fill(120);
  return await run(function* () {
    const loop = getRunningLoop();
    const t0 = performance.now();
    const made = yield* gather(
      Array.from(
        { length: clients },
        () =>
          loop.createConnection(
            () => new EchoClient(msg, rounds, loop.createFuture<void>()),
            "127.0.0.1",
            port,
          ),
      ),
    );
    yield* gather(made.map(([, p]) => p.done));
    const dt = (performance.now() - t0) / 1000;
    return [dt, "round trips/s", (clients * rounds) / dt] as const;
  });
}
