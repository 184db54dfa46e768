/**
 * Streams and protocols over real loopback TCP: sections "protocols",
 * "echo" and "errors" of tests/python/streams.py in both coroutine styles,
 * and the Server's life cycle (port 0, close, waitClosed releasing the
 * port, closeClients/abortClients, serveForever, async with), Unix sockets
 * and bad input.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  asyncWith,
  CancelledError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  createTask,
  FileNotFoundError,
  getRunningLoop,
  openConnection,
  openUnixConnection,
  OSError,
  Protocol,
  run,
  RuntimeError,
  sleep,
  startServer,
  startUnixServer,
  type StreamReader,
  type StreamWriter,
  type Transport,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { bytes, caught, HOST, show, text } from "./_streams.ts";

class Recorder extends Protocol {
  transport!: Transport;
  data = new Uint8Array(0);
  lost = getRunningLoop().createFuture<void>();
  constructor(
    public trace: string[],
    public keepOpen: boolean,
    public reply?: (d: Uint8Array) => Uint8Array,
  ) {
    super();
  }
  override connectionMade(transport: Transport) {
    this.transport = transport;
    const peer = transport.getExtraInfo("peername") as unknown[];
    this.trace.push(`connection_made peername_is_pair=${peer.length === 2 ? "True" : "False"}`);
  }
  override dataReceived(data: Uint8Array) {
    if (!this.trace[this.trace.length - 1].startsWith("data_received")) {
      this.trace.push("data_received");
    }
    const all = new Uint8Array(this.data.length + data.length);
    all.set(this.data);
    all.set(data, this.data.length);
    this.data = all;
    if (this.reply) this.transport.write(this.reply(data));
  }
  override eofReceived() {
    this.trace.push(`eof_received -> ${this.keepOpen ? "True" : "False"}`);
    if (this.keepOpen) {
      this.transport.write("bye");
      this.transport.close();
    }
    return this.keepOpen;
  }
  override connectionLost(exc: Error | undefined) {
    this.trace.push(`connection_lost ${exc === undefined ? "None" : String(exc)}`);
    this.lost.setResult(undefined);
  }
}

const upper = (d: Uint8Array) => bytes(text(d).toUpperCase());

Deno.test("protocols: callbacks in CPython's order on both sides, half-close with writeEof (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const loop = getRunningLoop();
    const serverTrace: string[] = [], clientTrace: string[] = [];
    const protos: Recorder[] = [];
    const server = yield* loop.createServer(
      () => {
        const p = new Recorder(serverTrace, true, upper);
        protos.push(p);
        return p;
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    const [transport, client] = yield* loop.createConnection(
      () => new Recorder(clientTrace, false),
      HOST,
      port,
    );
    t.print("create_connection returned after connection_made:", clientTrace);
    transport.write("hello");
    while (client.data.length < 5) yield* sleep(0.01);
    t.print("can_write_eof", transport.canWriteEof(), transport.isClosing());
    transport.writeEof();
    yield* client.lost;
    yield* protos[0].lost;
    t.print("transport closing:", transport.isClosing());
    t.print("server:", serverTrace, show(protos[0].data));
    t.print("client:", clientTrace, show(client.data));
    server.close();
    yield* server.waitClosed();
    t.print(server.sockets.length === 0 ? "()" : "not empty", server.isServing());
  });
  assertEquals(t.lines, pythonTrace("streams", "protocols"));
});

Deno.test("protocols: the same program in the async style", async () => {
  const t = new Trace();
  await run(async () => {
    const loop = getRunningLoop();
    const serverTrace: string[] = [], clientTrace: string[] = [];
    const protos: Recorder[] = [];
    const server = await loop.createServer(
      () => {
        const p = new Recorder(serverTrace, true, upper);
        protos.push(p);
        return p;
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    const [transport, client] = await loop.createConnection(
      () => new Recorder(clientTrace, false),
      HOST,
      port,
    );
    t.print("create_connection returned after connection_made:", clientTrace);
    transport.write("hello");
    while (client.data.length < 5) await sleep(0.01);
    t.print("can_write_eof", transport.canWriteEof(), transport.isClosing());
    transport.writeEof();
    await client.lost;
    await protos[0].lost;
    t.print("transport closing:", transport.isClosing());
    t.print("server:", serverTrace, show(protos[0].data));
    t.print("client:", clientTrace, show(client.data));
    server.close();
    await server.waitClosed();
    t.print(server.sockets.length === 0 ? "()" : "not empty", server.isServing());
  });
  assertEquals(t.lines, pythonTrace("streams", "protocols"));
});

Deno.test("streams: an echo server and client, readline/writelines/writeEof/atEof (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    const trace: string[] = [];
    const server = yield* startServer(
      function* (reader, writer) {
        const peer = writer.getExtraInfo("peername") as unknown[];
        trace.push(`peer is pair: ${peer.length === 2 ? "True" : "False"}`);
        for (;;) {
          const line = yield* reader.readline();
          if (line.length === 0) break;
          trace.push(`server got ${show(line)}`);
          writer.write(upper(line));
          yield* writer.drain();
        }
        trace.push(`server at_eof ${reader.atEof() ? "True" : "False"}`);
        writer.write("END\n");
        yield* writer.drain();
        writer.close();
        yield* writer.waitClosed();
        trace.push("server closed");
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    t.print("port picked:", port > 0, server.isServing());
    const [reader, writer] = yield* openConnection(HOST, port);
    const peer = writer.getExtraInfo("peername") as [string, number];
    t.print(
      "sockname",
      (writer.getExtraInfo("sockname") as [string, number])[0],
      "peername",
      peer[0] === HOST && peer[1] === port,
    );
    for (const word of [bytes("one\n"), bytes("two\n"), "three\n"]) {
      writer.write(word);
      yield* writer.drain();
      t.print("client got", show(yield* reader.readline()));
    }
    writer.writelines([bytes("four"), bytes("\n"), bytes("five\n")]);
    writer.writeEof();
    t.print("client got", show(yield* reader.readline()), show(yield* reader.readline()));
    t.print("client rest", show(yield* reader.read()), reader.atEof());
    writer.close();
    yield* writer.waitClosed();
    t.print("writer closing", writer.isClosing());
    yield* asyncWith(server, () => {});
    t.print(trace);
  });
  assertEquals(t.lines, pythonTrace("streams", "echo"));
});

Deno.test("streams: the same echo program in the async style", async () => {
  const t = new Trace();
  await run(async () => {
    const trace: string[] = [];
    const server = await startServer(
      async (reader, writer) => {
        const peer = writer.getExtraInfo("peername") as unknown[];
        trace.push(`peer is pair: ${peer.length === 2 ? "True" : "False"}`);
        for await (const line of reader) {
          trace.push(`server got ${show(line)}`);
          writer.write(upper(line));
          await writer.drain();
        }
        trace.push(`server at_eof ${reader.atEof() ? "True" : "False"}`);
        writer.write("END\n");
        await writer.drain();
        writer.close();
        await writer.waitClosed();
        trace.push("server closed");
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    t.print("port picked:", port > 0, server.isServing());
    const [reader, writer] = await openConnection(HOST, port);
    const peer = writer.getExtraInfo("peername") as [string, number];
    t.print(
      "sockname",
      (writer.getExtraInfo("sockname") as [string, number])[0],
      "peername",
      peer[0] === HOST && peer[1] === port,
    );
    for (const word of [bytes("one\n"), bytes("two\n"), "three\n"]) {
      writer.write(word);
      await writer.drain();
      t.print("client got", show(await reader.readline()));
    }
    writer.writelines([bytes("four"), bytes("\n"), bytes("five\n")]);
    writer.writeEof();
    t.print("client got", show(await reader.readline()), show(await reader.readline()));
    t.print("client rest", show(await reader.read()), reader.atEof());
    writer.close();
    await writer.waitClosed();
    t.print("writer closing", writer.isClosing());
    {
      await using _ = server;
    }
    t.print(trace);
  });
  assertEquals(t.lines, pythonTrace("streams", "echo"));
});

/** Section "errors", written once per style below. */
async function errorsAsync(t: Trace) {
  const s = await startServer(() => {}, HOST, 0);
  const port = s.sockets[0].port!;
  s.close();
  await s.waitClosed();
  try {
    await openConnection(HOST, port);
  } catch (e) {
    const err = caught(e, ConnectionRefusedError);
    t.print(err.name, err.errno, err instanceof ConnectionError, err instanceof OSError);
    t.print(err.message.replace(String(port), "PORT"));
    assert(err.cause instanceof Deno.errors.ConnectionRefused, "Deno's error is the cause");
  }
  try {
    await openUnixConnection("/tmp/yieldfrom-no-such-dir/sock");
  } catch (e) {
    const err = caught(e, FileNotFoundError);
    t.print(err.name, err.errno, err.strerror);
  }
  const trace: string[] = [];
  const server = await startServer(
    async (reader, writer) => {
      trace.push(show(await reader.read(5)));
      writer.close();
    },
    HOST,
    0,
  );
  const [reader, writer] = await openConnection(HOST, server.sockets[0].port!);
  try {
    writer.write(42 as unknown as Uint8Array);
  } catch (e) {
    assert(caught(e, TypeError).message.includes("not 42 (a number)"));
    t.print("write(42): TypeError");
  }
  writer.write("ping!");
  t.print("read after the server closed:", show(await reader.read()));
  writer.close();
  await writer.waitClosed();
  try {
    await writer.drain();
  } catch (e) {
    t.print("drain after close:", caught(e, ConnectionResetError));
  }
  server.close();
  await server.waitClosed();
  t.print(trace);
}

Deno.test("errors: refused (errno 111, Deno's error as cause), missing Unix socket, write(42), drain after close", async () => {
  const t = new Trace();
  await run(() => errorsAsync(t));
  assertEquals(t.lines, pythonTrace("streams", "errors"));
});

Deno.test("errors: the generator style sees the same errors", async () => {
  await run(function* () {
    const s = yield* startServer(() => {}, HOST, 0);
    const port = s.sockets[0].port!;
    s.close();
    yield* s.waitClosed();
    let refused: unknown;
    try {
      yield* openConnection(HOST, port);
    } catch (e) {
      refused = e;
    }
    assertEquals(
      caught(refused, ConnectionRefusedError).message,
      `[Errno 111] Connect call failed ('127.0.0.1', ${port})`,
    );
  });
});

Deno.test("bad input: port, host, limit and callbacks are refused at the call with what to do", () => {
  assertThrows(() => openConnection(HOST, 70000), ValueError, "0-65535, got 70000");
  assertThrows(() => openConnection(HOST, -1), ValueError, "0-65535");
  assertThrows(() => openConnection(HOST, 1.5), ValueError, "0-65535");
  assertThrows(() => openConnection("", 80), ValueError, "host is empty");
  assertThrows(() => openConnection(HOST, 80, { limit: 0 }), ValueError, "Limit cannot be <= 0");
  assertThrows(() => openConnection(HOST, "http" as unknown as number), TypeError, "'http'");
  assertThrows(
    () => startServer("cb" as unknown as () => void, HOST, 0),
    TypeError,
    "clientConnected must be a function",
  );
  assertThrows(() => startServer(() => {}, HOST, 65536), ValueError, "0-65535");
  assertThrows(() => startServer(() => {}, HOST, 0, { limit: -5 }), ValueError, "Limit");
  assertThrows(
    () => openConnection(HOST, 80, { serverHostname: "x" }),
    ValueError,
    "only meaningful with ssl",
  );
});

Deno.test("server: waitClosed releases the port (a new connection is refused); sockets empty once closed", async () => {
  await run(async () => {
    const server = await startServer(() => {}, HOST, 0);
    const port = server.sockets[0].port!;
    assertEquals(server.sockets[0].getsockname(), [HOST, port]);
    assertEquals(String(server), `<Server sockets=(('127.0.0.1', ${port}),)>`);
    server.close();
    assertEquals(server.sockets, []);
    await server.waitClosed();
    await assertRejects(
      () => Deno.connect({ hostname: HOST, port }),
      Deno.errors.ConnectionRefused,
    );
    // Another server can bind it at once.
    const again = await startServer(() => {}, HOST, port);
    assertEquals(again.sockets[0].port, port);
    again.close();
    await again.waitClosed();
  });
});

Deno.test("server: waitClosed waits for the clients; closeClients closes them, abortClients drops their buffers", async () => {
  await run(async () => {
    const writers: StreamWriter[] = [];
    const server = await startServer(
      (_r, w) => {
        writers.push(w);
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    const clients: [StreamReader, StreamWriter][] = [];
    for (let i = 0; i < 3; i++) clients.push(await openConnection(HOST, port));
    while (writers.length < 3) await sleep(0.01);
    server.close();
    let closed = false;
    const waiting = createTask(async () => {
      await server.waitClosed();
      closed = true;
    });
    await sleep(0.05);
    assertEquals(closed, false, "clients are still connected");
    writers[0].write("from the server\n");
    server.closeClients();
    assertEquals(text(await clients[0][0].read()), "from the server\n", "close() flushes");
    await waiting;
    assertEquals(closed, true);
    for (const [, w] of clients) {
      w.close();
      await w.waitClosed();
    }

    const server2 = await startServer(
      (_r, w) => {
        writers.push(w);
        w.write("x".repeat(1 << 20)); // more than the peer will read
      },
      HOST,
      0,
    );
    const [reader, writer] = await openConnection(HOST, server2.sockets[0].port!);
    while (writers.length < 4) await sleep(0.01);
    server2.abortClients();
    server2.close();
    await server2.waitClosed();
    const got = await reader.read();
    assert(got.length < 1 << 20, `aborted: ${got.length} bytes arrived`);
    writer.close();
    await writer.waitClosed().then(undefined, () => {});
  });
});

Deno.test("server: serveForever until cancelled closes the server; startServing: false waits to accept", async () => {
  await run(function* () {
    const server = yield* startServer((_r, w) => w.close(), HOST, 0, { startServing: false });
    assertEquals(server.isServing(), false);
    const port = server.sockets[0].port!;
    const forever = createTask(server.serveForever());
    yield* sleep(0);
    assertEquals(server.isServing(), true);
    const [reader, writer] = yield* openConnection(HOST, port);
    assertEquals((yield* reader.read()).length, 0);
    writer.close();
    yield* writer.waitClosed();
    let second: unknown;
    try {
      yield* server.serveForever();
    } catch (e) {
      second = e;
    }
    assert(caught(second, RuntimeError).message.includes("already being awaited"));
    forever.cancel();
    try {
      yield* forever;
    } catch (e) {
      caught(e, CancelledError);
    }
    assertEquals(server.isServing(), false);
    assertEquals(server.sockets, []);
    try {
      yield* server.serveForever();
    } catch (e) {
      assert(caught(e, RuntimeError).message.includes("is closed"));
    }
  });
});

Deno.test("server: a failing handler is reported and its connection closed; others go on", async () => {
  const reported: string[] = [];
  await run(async () => {
    getRunningLoop().setExceptionHandler((_loop, ctx) => {
      reported.push(`${ctx.message}: ${(ctx.exception as Error).message}`);
    });
    const server = await startServer(
      async (reader, writer) => {
        const line = text(await reader.readline());
        if (line === "fail\n") throw new ValueError("bad request");
        writer.write(line);
        writer.close();
      },
      HOST,
      0,
    );
    const port = server.sockets[0].port!;
    const [r1, w1] = await openConnection(HOST, port);
    w1.write("fail\n");
    assertEquals((await r1.read()).length, 0, "the failing handler's connection was closed");
    const [r2, w2] = await openConnection(HOST, port);
    w2.write("ok\n");
    assertEquals(text(await r2.read()), "ok\n");
    for (const w of [w1, w2]) {
      w.close();
      await w.waitClosed();
    }
    server.close();
    await server.waitClosed();
  });
  assertEquals(reported, ["Unhandled exception in client_connected_cb: bad request"]);
});

Deno.test("virtual clock: a server waiting in accept does not freeze time for a client that sleeps first", async () => {
  const events: string[] = [];
  const t0 = performance.now();
  await run(async () => {
    const loop = getRunningLoop();
    const server = await startServer(
      async (reader, writer) => {
        events.push(`server got ${text(await reader.readline()).trim()} at ${loop.time()}`);
        writer.close();
      },
      HOST,
      0,
    );
    const client = createTask(async () => {
      await sleep(30); // 30 virtual seconds
      const [, writer] = await openConnection(HOST, server.sockets[0].port!);
      writer.write("hi\n");
      await writer.drain();
      writer.close();
      await writer.waitClosed();
    });
    await client;
    await sleep(1);
    server.close();
    await server.waitClosed();
    events.push(`done at ${loop.time()}`);
  }, { clock: "virtual" });
  assertEquals(events, ["server got hi at 30", "done at 31"]);
  // Not a timing assertion on the result: only that time did not freeze.
  assert(performance.now() - t0 < 20_000);
});

Deno.test("Unix sockets: openUnixConnection/startUnixServer both styles; extra info is the path", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "streams_unix_" });
  const path = `${dir}/echo.sock`;
  try {
    await run(function* () {
      const server = yield* startUnixServer(function* (reader, writer) {
        writer.write(yield* reader.readline());
        yield* writer.drain();
        writer.close();
      }, path);
      assertEquals(server.sockets[0].path, path);
      assertEquals(server.sockets[0].getsockname(), path);
      const [reader, writer] = yield* openUnixConnection(path);
      assertEquals(writer.getExtraInfo("peername"), path);
      writer.write("unix\n");
      assertEquals(text(yield* reader.read()), "unix\n");
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
    });
    // A socket file left behind is replaced by the next server.
    Deno.writeFileSync(`${dir}/plain`, new Uint8Array());
    await run(async () => {
      const server = await startUnixServer(async (r, w) => {
        w.write(await r.read(10));
        w.close();
      }, path);
      const [reader, writer] = await openUnixConnection(path);
      writer.write("again");
      assertEquals(text(await reader.read()), "again");
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("startServer on a port in use: OSError errno 98 with CPython's message", async () => {
  await run(async () => {
    const first = await startServer(() => {}, HOST, 0);
    const port = first.sockets[0].port!;
    try {
      await startServer(() => {}, HOST, port);
      throw new Error("bound twice");
    } catch (e) {
      const err = caught(e, OSError);
      assertEquals(err.errno, 98);
      assertEquals(
        err.message,
        `[Errno 98] error while attempting to bind on address ('127.0.0.1', ${port}): address already in use`,
      );
    } finally {
      first.close();
      await first.waitClosed();
    }
  });
});
