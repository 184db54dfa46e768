/**
 * Flow control and failure on real loopback sockets: drain() against a peer
 * that does not read (the writer's buffer never exceeds the high-water mark
 * plus one write), pauseWriting/resumeWriting in pairs, the reader pausing
 * the transport above twice its limit, pauseReading holding data back,
 * BufferedProtocol, a peer that resets mid-stream, and reads cancelled at
 * random moments losing no byte.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  BufferedProtocol,
  CancelledError,
  ConnectionResetError,
  createTask,
  Event,
  getRunningLoop,
  openConnection,
  Protocol,
  run,
  sleep,
  startServer,
  type StreamReader,
  type StreamWriter,
  type Transport,
  ValueError,
} from "../mod.ts";
import { caught, HOST, python } from "./_streams.ts";

/** A deterministic pseudo-random sequence (the same on every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** `n` bytes of a pattern that shows where each byte belongs. */
function pattern(n: number, offset = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i + offset) * 31 % 251;
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

Deno.test("drain(): against a peer that does not read, the writer stops at the high-water mark + one write; every byte arrives", async () => {
  const CHUNK = 16 * 1024;
  const TOTAL = 16 * 1024 * 1024;
  await run(async () => {
    const go = new Event();
    let received: Uint8Array[] = [];
    const server = await startServer(
      async (reader, writer) => {
        await go.wait();
        received = [await reader.read()];
        writer.close();
      },
      HOST,
      0,
    );
    const [reader, writer] = await openConnection(HOST, server.sockets[0].port!);
    const transport = writer.transport;
    const [, high] = transport.getWriteBufferLimits();
    assertEquals(high, 64 * 1024);
    let written = 0;
    let maxBuffered = 0;
    const data = pattern(TOTAL);
    const producer = createTask(async () => {
      while (written < TOTAL) {
        writer.write(data.subarray(written, written + CHUNK));
        written += CHUNK;
        maxBuffered = Math.max(maxBuffered, transport.getWriteBufferSize());
        await writer.drain();
      }
      writer.writeEof();
    });
    // Let the writer run into the peer's closed window.
    let before = -1;
    while (before !== written) {
      before = written;
      await sleep(0.2);
    }
    assert(
      written < TOTAL,
      `backpressure stopped the writer (${written} of ${TOTAL} bytes written)`,
    );
    assert(maxBuffered <= high + CHUNK, `buffered at most ${maxBuffered} bytes`);
    go.set();
    await producer;
    await reader.read();
    assertEquals(concat(received), data);
    assert(maxBuffered <= high + CHUNK, `buffered at most ${maxBuffered} bytes`);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  });
});

class Flooder extends Protocol {
  transport!: Transport;
  events: string[] = [];
  override connectionMade(t: Transport) {
    this.transport = t;
    t.setWriteBufferLimits({ high: 1000 });
    this.events.push(`limits ${t.getWriteBufferLimits()}`);
    t.write(new Uint8Array(1 << 20));
    this.events.push(`wrote, buffered ${t.getWriteBufferSize()}`);
  }
  override pauseWriting() {
    this.events.push("pauseWriting");
  }
  override resumeWriting() {
    this.events.push(`resumeWriting at ${this.transport.getWriteBufferSize()}`);
  }
}

Deno.test("pauseWriting/resumeWriting: called once each, in pairs, at the water marks", async () => {
  await run(async () => {
    const loop = getRunningLoop();
    const go = new Event();
    const server = await startServer(
      async (reader, writer) => {
        await go.wait();
        await reader.readexactly(1 << 20);
        writer.close();
      },
      HOST,
      0,
    );
    const [t, p] = await loop.createConnection(() => new Flooder(), HOST, server.sockets[0].port!);
    assertThrows(
      () => t.setWriteBufferLimits({ high: 10, low: 20 }),
      ValueError,
      "high (10) must be >= low (20)",
    );
    await sleep(0.05);
    go.set();
    while (t.getWriteBufferSize() > 0) await sleep(0.01);
    assertEquals(p.events, [
      "limits 250,1000",
      // Inside write(), as CPython's _maybe_pause_protocol.
      "pauseWriting",
      `wrote, buffered ${1 << 20}`,
      "resumeWriting at 0",
    ]);
    t.close();
    server.close();
    await server.waitClosed();
  });
});

Deno.test("StreamReader flow control: above twice the limit the transport stops reading; reading resumes it", async () => {
  await run(async () => {
    const server = await startServer(
      async (_reader, writer) => {
        writer.write(pattern(1 << 20));
        await writer.drain();
        writer.close();
      },
      HOST,
      0,
    );
    const [reader, writer] = await openConnection(HOST, server.sockets[0].port!, { limit: 1000 });
    let waited = 0;
    while (!reader._paused && waited++ < 100) await sleep(0.01);
    assert(reader._paused, "the reader paused the transport");
    assertEquals(writer.transport.isReading(), false);
    const buffered = reader._size;
    await sleep(0.1);
    assertEquals(reader._size, buffered, "nothing more is read while paused");
    assert(buffered <= 2000 + 256 * 1024, `buffered ${buffered} bytes`);
    assertEquals(await reader.read(), pattern(1 << 20));
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  });
});

class Pausable extends Protocol {
  transport!: Transport;
  log: string[] = [];
  chunks: Uint8Array[] = [];
  override connectionMade(t: Transport) {
    this.transport = t;
  }
  override dataReceived(data: Uint8Array) {
    this.chunks.push(data);
    this.log.push(`data while reading=${this.transport.isReading()}`);
  }
  override eofReceived() {
    this.log.push("eof");
  }
  override connectionLost() {
    this.log.push("lost");
  }
}

Deno.test("pauseReading: no dataReceived while paused; what arrived meanwhile comes on resumeReading, in order", async () => {
  await run(async () => {
    const loop = getRunningLoop();
    const server = await startServer(
      async (reader, writer) => {
        for (let i = 0; i < 5; i++) {
          writer.write(pattern(1000, i * 1000));
          await writer.drain();
          await reader.readexactly(1); // lockstep with the client
        }
        writer.close();
      },
      HOST,
      0,
    );
    const [t, p] = await loop.createConnection(() => new Pausable(), HOST, server.sockets[0].port!);
    while (p.chunks.length === 0) await sleep(0.01);
    t.pauseReading();
    assertEquals(t.isReading(), false);
    t.write("a");
    await sleep(0.1);
    const seen = p.log.length;
    t.resumeReading();
    for (let i = 0; i < 4; i++) {
      t.write("a");
      await sleep(0.02);
    }
    while (!p.log.includes("lost")) await sleep(0.01);
    assert(p.log.slice(0, seen).every((l) => l === "data while reading=true"));
    assertEquals(p.log.filter((l) => l === "data while reading=false"), []);
    assertEquals(p.log.slice(-2), ["eof", "lost"]);
    assertEquals(concat(p.chunks), pattern(5000));
    server.close();
    await server.waitClosed();
  });
});

class Buffered extends BufferedProtocol {
  buf = new Uint8Array(1000);
  hints: number[] = [];
  got: Uint8Array[] = [];
  done = getRunningLoop().createFuture<void>();
  override getBuffer(sizeHint: number) {
    this.hints.push(sizeHint);
    return this.buf;
  }
  override bufferUpdated(n: number) {
    this.got.push(this.buf.slice(0, n));
  }
  override connectionLost() {
    this.done.setResult(undefined);
  }
}

Deno.test("BufferedProtocol: reads go into the protocol's buffer (getBuffer(-1), bufferUpdated(n))", async () => {
  await run(async () => {
    const server = await startServer(
      async (_r, w) => {
        w.write(pattern(100_000));
        await w.drain();
        w.close();
      },
      HOST,
      0,
    );
    const [, p] = await getRunningLoop().createConnection(
      () => new Buffered(),
      HOST,
      server.sockets[0].port!,
    );
    await p.done;
    assertEquals(concat(p.got), pattern(100_000));
    assert(p.got.every((c) => c.length <= 1000));
    assert(p.hints.every((h) => h === -1));
    server.close();
    await server.waitClosed();
  });
});

// A peer that sends a little, waits for the client's ack, then resets (SO_LINGER 0).
const RESETTER = `
import socket, struct, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.sendall(b"partial")
c.recv(3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
`;

Deno.test("a peer that resets mid-stream: ConnectionResetError (Deno's error as cause) for the read, then drain", async () => {
  const peer = python(RESETTER);
  try {
    const port = Number(await peer.line());
    await run(async () => {
      const [reader, writer] = await openConnection(HOST, port);
      assertEquals(new TextDecoder().decode(await reader.readexactly(7)), "partial");
      writer.write("ack");
      let err: unknown;
      try {
        await reader.read(100);
      } catch (e) {
        err = e;
      }
      const reset = caught(err, ConnectionResetError);
      assertEquals(reset.errno, 104);
      assertEquals(reset.message, "[Errno 104] Connection reset by peer");
      assert(reset.cause instanceof Deno.errors.ConnectionReset);
      try {
        await writer.drain();
        throw new Error("drain did not fail");
      } catch (e) {
        assertEquals(e, reset);
      }
      try {
        await writer.waitClosed();
      } catch (e) {
        assertEquals(e, reset);
      }
    });
    assert((await peer.done).success);
  } finally {
    peer.kill();
  }
});

Deno.test("reads cancelled at random moments lose no byte (both styles)", async () => {
  const TOTAL = 2 * 1024 * 1024;
  const data = pattern(TOTAL);
  await run(async () => {
    const random = lcg(7);
    const server = await startServer(
      async (_r, w) => {
        let at = 0;
        while (at < TOTAL) {
          const n = 1 + Math.floor(random() * 40_000);
          w.write(data.subarray(at, at + n));
          at += n;
          await w.drain();
          if (random() < 0.3) await sleep(0.001);
        }
        w.close();
      },
      HOST,
      0,
    );
    const [reader, writer] = await openConnection(HOST, server.sockets[0].port!);
    const got: Uint8Array[] = [];
    let total = 0;
    let cancelled = 0;
    let round = 0;
    const readSome = (r: StreamReader, style: number) => {
      const want = () => 1 + Math.floor(random() * 30_000);
      if (style === 0) {
        return createTask(function* () {
          for (;;) {
            const chunk = random() < 0.5 ? yield* r.read(want()) : yield* r.readexactly(
              Math.min(want(), TOTAL - total),
            );
            if (chunk.length === 0) return;
            got.push(chunk);
            total += chunk.length;
          }
        });
      }
      return createTask(async () => {
        for (;;) {
          const chunk = random() < 0.5
            ? await r.read(want())
            : await r.readexactly(Math.min(want(), TOTAL - total));
          if (chunk.length === 0) return;
          got.push(chunk);
          total += chunk.length;
        }
      });
    };
    while (total < TOTAL) {
      const task = readSome(reader, round++ % 2);
      await sleep(random() * 0.005);
      if (task.done()) break;
      task.cancel();
      try {
        await task;
      } catch (e) {
        caught(e, CancelledError);
        cancelled++;
      }
    }
    assert(cancelled > 10, `${cancelled} reads were cancelled`);
    assertEquals(total, TOTAL);
    assertEquals(concat(got), data);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  });
});

Deno.test("writes after close are dropped; write(non-bytes) names what was passed; writelines checks each item", async () => {
  await run(async () => {
    const server = await startServer(
      async (r, w) => {
        w.write(await r.read());
        w.close();
      },
      HOST,
      0,
    );
    const [reader, writer]: [StreamReader, StreamWriter] = await openConnection(
      HOST,
      server.sockets[0].port!,
    );
    assertThrows(() => writer.write({ a: 1 } as unknown as string), TypeError, "not an object");
    assertThrows(() => writer.write(null as unknown as string), TypeError, "not null");
    assertThrows(() => writer.writelines([bytes(), 7 as unknown as string]), TypeError, "not 7");
    writer.write(new Uint16Array([0x4241]));
    writer.writeEof();
    assertThrows(() => writer.write("x"), Error, "after writeEof");
    assertEquals(new TextDecoder().decode(await reader.read()), "AB");
    writer.close();
    await writer.waitClosed();
    assertEquals(writer.isClosing(), true);
    server.close();
    await server.waitClosed();
  });
});

function bytes(): Uint8Array {
  return new Uint8Array([1]);
}

Deno.test("cancelling a task blocked in drain() or in openConnection (a TLS handshake that never comes) is prompt", async () => {
  await run(async () => {
    // drain() against a peer that never reads.
    const go = new Event();
    const server = await startServer(
      async (_r, w) => {
        await go.wait();
        w.close();
      },
      HOST,
      0,
    );
    const [, writer] = await openConnection(HOST, server.sockets[0].port!);
    const blocked = createTask(async () => {
      for (;;) {
        writer.write(new Uint8Array(64 * 1024));
        await writer.drain();
      }
    });
    // Until the writer stops: it waits in drain() (its buffer above the low-water mark).
    let size = -1;
    while (size !== writer.transport.getWriteBufferSize()) {
      size = writer.transport.getWriteBufferSize();
      await sleep(0.1);
    }
    assert(size > 16 * 1024, `${size} bytes buffered`);
    assertEquals(blocked.done(), false, "the writer waits in drain()");
    blocked.cancel();
    try {
      await blocked;
    } catch (e) {
      caught(e, CancelledError);
    }
    writer.transport.abort();
    go.set();
    server.close();
    await server.waitClosed();

    // openConnection waiting for a TLS handshake from a server that never answers.
    const silent = Deno.listen({ hostname: HOST, port: 0 });
    const accepted = silent.accept();
    const connecting = createTask(
      openConnection(HOST, (silent.addr as Deno.NetAddr).port, { ssl: true }),
    );
    const peer = await accepted;
    await sleep(0.05);
    assertEquals(connecting.done(), false, "waiting for the handshake");
    connecting.cancel();
    const t0 = performance.now();
    try {
      await connecting;
    } catch (e) {
      caught(e, CancelledError);
    }
    assert(performance.now() - t0 < 1000, "cancelled at once");
    // The library closed its TLS connection (Deno 2.9 still finishes the
    // socket's handshake in the background: the peer sees EOF only once it
    // answers or hangs up, so it hangs up here).
    peer.close();
    silent.close();
  });
});
