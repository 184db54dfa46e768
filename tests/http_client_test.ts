/**
 * The HTTP client (lib/http/client*.ts) against a real Deno.serve on a free
 * loopback port: both coroutine styles, bodies of every kind, streaming
 * both ways with backpressure, cancellation and timeouts reaching the
 * server, aiohttp's errors, closed sessions, and many requests at once.
 */
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import {
  asyncWith,
  CancelledError,
  ConnectionRefusedError,
  createTask,
  gather,
  getRunningLoop,
  run,
  RuntimeError,
  sleep,
  timeout,
  ValueError,
} from "../mod.ts";
import {
  ClientConnectionError,
  ClientConnectorError,
  ClientError,
  ClientResponse,
  ClientResponseError,
  ClientSession,
  ClientTimeout,
  ContentTypeError,
  InvalidURL,
  ServerConnectionError,
  ServerTimeoutError,
  TimeoutError,
} from "../lib/http/mod.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A body of `n` bytes whose byte i is `i % 251`. */
function pattern(n: number, from = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) % 251;
  return b;
}

function checkPattern(b: Uint8Array, from: number): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== (from + i) % 251) return false;
  return true;
}

interface Server {
  base: string;
  port: number;
  /** What the server saw, per route. */
  events: string[];
  /** Bytes the streaming route has handed to the network so far. */
  produced: { n: number };
  /** Resolves when a request's signal aborted (the client went away). */
  aborted: Promise<string>;
  close(): Promise<void>;
}

function startServer(): Server {
  const events: string[] = [];
  const produced = { n: 0 };
  let sawAbort!: (what: string) => void;
  const aborted = new Promise<string>((r) => (sawAbort = r));
  const handler = async (req: Request): Promise<Response> => {
    const u = new URL(req.url);
    const p = u.pathname;
    if (p === "/echo") {
      const body = new Uint8Array(await req.arrayBuffer());
      return Response.json({
        method: req.method,
        query: [...u.searchParams],
        headers: Object.fromEntries(req.headers),
        body: dec.decode(body),
        length: body.length,
      });
    }
    if (p === "/text") return new Response("héllo wörld");
    if (p === "/redirect") return Response.redirect(`${u.origin}/text`, 302);
    if (p === "/latin1") {
      return new Response(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), {
        headers: { "content-type": "text/plain; charset=iso-8859-1" },
      });
    }
    if (p === "/json") return Response.json({ data: [1, 2, 3] });
    if (p === "/empty") return new Response(null, { status: 204 });
    if (p === "/status") {
      const code = Number(u.searchParams.get("code"));
      return new Response(`status ${code}`, { status: code });
    }
    if (p === "/bytes") return new Response(pattern(Number(u.searchParams.get("n"))) as BodyInit);
    if (p === "/upload") {
      // Sums the bytes as they come, without holding the body.
      let n = 0, ok = true;
      for await (const chunk of req.body!) {
        ok &&= checkPattern(chunk, n);
        n += chunk.length;
      }
      return Response.json({ n, ok });
    }
    if (p === "/stream") {
      // An endless (or n-byte) body produced only as fast as it is taken.
      const total = Number(u.searchParams.get("n") ?? Infinity);
      const size = 64 * 1024;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(c) {
            if (produced.n >= total) {
              c.close();
              return;
            }
            const k = Math.min(size, total - produced.n);
            c.enqueue(pattern(k, produced.n));
            produced.n += k;
          },
          cancel() {
            events.push("stream cancelled");
            sawAbort("stream cancelled");
          },
        }, { highWaterMark: 0 }),
      );
    }
    if (p === "/hang") {
      // Answers only when the client has gone.
      events.push("hang started");
      await new Promise<void>((resolve) =>
        req.signal.addEventListener("abort", () => resolve(), { once: true })
      );
      events.push("hang aborted");
      sawAbort("request aborted");
      return new Response("too late");
    }
    if (p === "/slowbody") {
      // Headers at once, then one chunk, then silence until the client goes.
      return new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(enc.encode("first"));
          },
          cancel() {
            sawAbort("slow body cancelled");
          },
        }),
      );
    }
    return new Response("not here", { status: 404 });
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  const port = server.addr.port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    events,
    produced,
    aborted,
    close: () => server.shutdown(),
  };
}

async function withServer(fn: (s: Server) => Promise<void>): Promise<void> {
  const s = startServer();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

/** A loopback port nothing listens on. */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

// --- both styles -------------------------------------------------------------

Deno.test("GET text, generator style: status, reason, ok, headers, url; asyncWith releases", () =>
  withServer(async (s) => {
    await run(function* () {
      const session = new ClientSession();
      const got = yield* asyncWith(session.get(`${s.base}/text`), function* (resp) {
        assertInstanceOf(resp, ClientResponse);
        assertEquals([resp.status, resp.reason, resp.ok], [200, "OK", true]);
        assertEquals(resp.headers.get("Content-Type"), "text/plain;charset=UTF-8");
        assertEquals(resp.url.href, `${s.base}/text`);
        assertEquals(resp.method, "GET");
        assertEquals(resp.contentType, "text/plain");
        assertEquals(resp.charset, "utf-8");
        const text = yield* resp.text();
        assert(!resp.closed);
        return [text, resp] as const;
      });
      assertEquals(got[0], "héllo wörld");
      assert(got[1].closed, "asyncWith released the response");
      yield* session.close();
      assert(session.closed);
    });
  }));

Deno.test("GET text, async style: await the request; await using releases the response", () =>
  withServer(async (s) => {
    let kept: ClientResponse | null = null;
    await run(async () => {
      await using session = new ClientSession({ baseUrl: s.base });
      {
        await using resp = await session.get("/text");
        kept = resp;
        assertEquals(await resp.text(), "héllo wörld");
        assertEquals(await resp.read(), enc.encode("héllo wörld"), "the body is kept");
      }
      assert(kept!.closed);
      {
        await using req = session.get("/json");
        const resp = await req;
        assertEquals(await resp.json(), { data: [1, 2, 3] });
        kept = resp;
      }
      assert(kept!.closed, "await using on the request released its response");
    });
  }));

Deno.test("a request is a coroutine: createTask and gather run it; it runs once", () =>
  withServer(async (s) => {
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base });
      const t = createTask(session.get("/text"));
      const [a, b] = yield* gather(t, session.get("/json"));
      assertEquals(yield* a.text(), "héllo wörld");
      assertEquals(yield* b.json(), { data: [1, 2, 3] });
      const req = session.get("/text");
      const r = yield* req;
      r.release();
      assertThrows(() => req[Symbol.iterator](), RuntimeError, "cannot reuse already awaited");
      yield* session.close();
    });
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const req = session.get("/text");
      (await req).release();
      await assertRejects(async () => await req, RuntimeError, "a request runs once");
      await session.close();
    });
  }));

// --- bodies, params, headers -------------------------------------------------------

Deno.test("JSON, text, bytes and form bodies; params; session and request headers", () =>
  withServer(async (s) => {
    await run(async () => {
      await asyncWith(
        new ClientSession({ baseUrl: s.base, headers: { "X-Session": "s", "X-Over": "session" } }),
        async (session) => {
          const echo = async (req: ReturnType<ClientSession["get"]>) =>
            await asyncWith(req, async (resp) => await resp.json()) as {
              method: string;
              query: string[][];
              headers: Record<string, string>;
              body: string;
              length: number;
            };
          let e = await echo(session.post("/echo", { json: { data: "hello" } }));
          assertEquals([e.method, e.body], ["POST", '{"data":"hello"}']);
          assertEquals(e.headers["content-type"], "application/json");
          assertEquals(e.headers["x-session"], "s");

          e = await echo(session.put("/echo", { data: "plain text" }));
          assertEquals([e.method, e.body], ["PUT", "plain text"]);
          assertEquals(e.headers["content-type"], "text/plain; charset=utf-8");

          e = await echo(session.patch("/echo", { data: pattern(1000) }));
          assertEquals([e.method, e.length], ["PATCH", 1000]);
          assertEquals(e.headers["content-type"], "application/octet-stream");

          e = await echo(session.post("/echo", { data: { a: "1", b: 2 } }));
          assertEquals(e.body, "a=1&b=2");
          assertEquals(
            e.headers["content-type"],
            "application/x-www-form-urlencoded;charset=UTF-8",
          );

          e = await echo(
            session.get("/echo?x=0", {
              params: { q: "a b", n: 1, many: ["1", "2"] },
              headers: { "x-over": "request", "X-Extra": "e" },
            }),
          );
          assertEquals(e.query, [["x", "0"], ["q", "a b"], ["n", "1"], ["many", "1"], [
            "many",
            "2",
          ]]);
          assertEquals([e.headers["x-over"], e.headers["x-extra"]], ["request", "e"]);

          e = await echo(session.delete("/echo", { params: [["k", "v"], ["k", 2]] }));
          assertEquals([e.method, e.query], ["DELETE", [["k", "v"], ["k", "2"]]]);
          e = await echo(session.options("/echo", { params: "a=1&b=2" }));
          assertEquals([e.method, e.query], ["OPTIONS", [["a", "1"], ["b", "2"]]]);
          e = await echo(session.request("post", "/echo", { data: new URLSearchParams("z=9") }));
          assertEquals([e.method, e.body], ["POST", "z=9"]);

          // HEAD: headers, no body.
          const head = await session.head("/text");
          assertEquals(head.status, 200);
          assertEquals(await head.read(), new Uint8Array(0));
          // 204: an empty body; json() of an empty body is null (aiohttp's None).
          const empty = await session.get("/empty", {});
          assertEquals(empty.status, 204);
          assertEquals(await empty.json({ contentType: null }), null);
        },
      );
    });
  }));

Deno.test("text(encoding), the charset of Content-Type, errors, json's content type check", () =>
  withServer(async (s) => {
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base });
      const latin = yield* session.get("/latin1");
      assertEquals(latin.charset, "iso-8859-1");
      assertEquals(yield* latin.text(), "café");
      const asUtf8 = yield* session.get("/latin1");
      const e = yield* (function* () {
        try {
          yield* asUtf8.text("utf-8");
        } catch (e) {
          return e;
        }
      })();
      assertInstanceOf(e, ValueError);
      assertEquals(yield* asUtf8.text("utf-8", "replace"), "caf\uFFFD");
      const notJson = yield* session.get("/text");
      const ce = yield* (function* () {
        try {
          yield* notJson.json();
        } catch (e) {
          return e;
        }
      })();
      assertInstanceOf(ce, ContentTypeError);
      assertEquals(
        (ce as ContentTypeError).message,
        "Attempt to decode JSON with unexpected mimetype: text/plain;charset=UTF-8",
      );
      assertThrows(() => notJson.text("no-such-encoding"), ValueError, "unknown encoding");
      yield* session.close();
    });
  }));

Deno.test("redirects are followed (the response's url is the last one), but not for head() unless asked", () =>
  withServer(async (s) => {
    await run(async () => {
      await asyncWith(new ClientSession({ baseUrl: s.base }), async (session) => {
        const followed = await session.get("/redirect");
        assertEquals([followed.status, followed.url.href], [200, `${s.base}/text`]);
        assertEquals(followed.requestInfo.url.href, `${s.base}/redirect`);
        assertEquals(await followed.text(), "héllo wörld");
        const head = await session.head("/redirect");
        assertEquals([head.status, head.headers.get("location")], [302, `${s.base}/text`]);
        head.release();
        const manual = await session.get("/redirect", { allowRedirects: false });
        assertEquals(manual.status, 302);
        manual.release();
        const headFollowed = await session.head("/redirect", { allowRedirects: true });
        assertEquals(headFollowed.status, 200);
        headFollowed.release();
        // A response is an async context manager too.
        const resp = await session.get("/json");
        assertEquals(await asyncWith(resp, async (r) => await r.json()), { data: [1, 2, 3] });
        assert(resp.closed);
      });
    });
  }));

// --- streaming -----------------------------------------------------------------

Deno.test("a large body streamed through content, both styles: read(n), readexactly, iterChunked", () =>
  withServer(async (s) => {
    const N = 8 * 1024 * 1024 + 17;
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base });
      yield* asyncWith(session.get("/bytes", { params: { n: N } }), function* (resp) {
        assertEquals(resp.contentLength, N);
        const head = yield* resp.content.readexactly(10);
        assert(checkPattern(head, 0));
        let at = 10;
        for (;;) {
          const chunk = yield* resp.content.read(100_000);
          if (chunk.length === 0) break;
          assert(chunk.length <= 100_000);
          assert(checkPattern(chunk, at), `bytes at ${at}`);
          at += chunk.length;
        }
        assertEquals(at, N);
        assert(resp.content.atEof());
      });
      yield* session.close();
    });
    await run(async () => {
      await asyncWith(new ClientSession({ baseUrl: s.base }), async (session) => {
        await asyncWith(session.get("/bytes", { params: { n: N } }), async (resp) => {
          let at = 0;
          for await (const chunk of resp.content.iterChunked(1 << 20)) {
            assert(chunk.length <= 1 << 20);
            assert(checkPattern(chunk, at));
            at += chunk.length;
          }
          assertEquals(at, N);
        });
        const whole = await (await session.get("/bytes", { params: { n: N } })).read();
        assertEquals(whole.length, N);
        assert(checkPattern(whole, 0));
      });
    });
  }));

Deno.test("uploads streamed from a ReadableStream and from an async iterable", () =>
  withServer(async (s) => {
    const N = 4 * 1024 * 1024;
    const chunkSize = 256 * 1024;
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulled >= N) return c.close();
        c.enqueue(pattern(chunkSize, pulled));
        pulled += chunkSize;
      },
    });
    async function* chunks() {
      for (let at = 0; at < N; at += chunkSize) yield pattern(chunkSize, at);
    }
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const a = await (await session.post("/upload", { data: stream })).json();
      assertEquals(a, { n: N, ok: true });
      const b = await (await session.put("/upload", { data: chunks() })).json();
      assertEquals(b, { n: N, ok: true });
      await session.close();
    });
  }));

Deno.test("backpressure: a slow consumer of a big body holds about one buffer limit of it, not the body", () =>
  withServer(async (s) => {
    const N = 256 * 1024 * 1024; // never produced in full
    const limit = 64 * 1024;
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base, readBufsize: limit });
      await asyncWith(session.get("/stream", { params: { n: N } }), async (resp) => {
        const content = resp.content;
        let maxBuffered = 0;
        const feed = content.feedData.bind(content);
        content.feedData = (data) => {
          feed(data);
          maxBuffered = Math.max(maxBuffered, content._size);
        };
        let consumed = 0;
        const memBefore = Deno.memoryUsage().rss;
        for (let i = 0; i < 64; i++) {
          const chunk = await content.read(16 * 1024);
          assert(checkPattern(chunk, consumed));
          consumed += chunk.length;
          await sleep(0.005); // a slow consumer
        }
        // Let the producer run ahead as far as it can.
        await sleep(0.3);
        const ahead = s.produced.n - consumed;
        // The reader holds at most its limit plus one network chunk; the
        // rest of what ran ahead sits in socket buffers (a few MiB at most).
        assert(maxBuffered <= limit + 1024 * 1024, `reader held ${maxBuffered} bytes`);
        assert(ahead < 32 * 1024 * 1024, `the server ran ${ahead} bytes ahead of the reader`);
        assert(s.produced.n < N / 4, `the server produced ${s.produced.n} of ${N} bytes`);
        const grown = Deno.memoryUsage().rss - memBefore;
        assert(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
      });
      // Leaving asyncWith released the response: the server's stream was cancelled.
      assertEquals(await s.aborted, "stream cancelled");
      await session.close();
    });
  }));

// --- cancellation and timeouts --------------------------------------------------------

Deno.test("cancelling the task aborts the request: the server sees it (both styles)", async () => {
  for (const style of ["generator", "async"] as const) {
    await withServer(async (s) => {
      await run(function* () {
        const session = new ClientSession({ baseUrl: s.base });
        const t = createTask(
          style === "generator"
            ? function* () {
              return yield* session.get("/hang");
            }
            : async () => await session.get("/hang"),
        );
        while (!s.events.includes("hang started")) yield* sleep(0.01);
        t.cancel();
        const [r] = yield* gather([t], { returnExceptions: true });
        assertInstanceOf(r, CancelledError);
        assertEquals(session._exchanges.size, 0);
        yield* session.close();
      });
      assertEquals(await s.aborted, "request aborted", style);
    });
  }
});

Deno.test("cancelling a task reading the body aborts the body: the server's stream is cancelled", () =>
  withServer(async (s) => {
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const t = createTask(async () => {
        await asyncWith(session.get("/slowbody"), async (resp) => {
          assertEquals(dec.decode(await resp.content.read(5)), "first");
          await resp.content.read(5); // never comes
        });
      });
      await sleep(0.1);
      t.cancel();
      await gather([t], { returnExceptions: true });
      assert(t.cancelled());
      await session.close();
    });
    assertEquals(await s.aborted, "slow body cancelled");
  }));

Deno.test("timeout() around a request aborts it: TimeoutError, the server sees the abort", () =>
  withServer(async (s) => {
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      await assertRejects(() => timeout(0.1, () => session.get("/hang")), TimeoutError);
      await session.close();
    });
    assertEquals(await s.aborted, "request aborted");
  }));

Deno.test("ClientTimeout: total gives TimeoutError; sockRead gives ServerTimeoutError (headers and body)", () =>
  withServer(async (s) => {
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base, timeout: { total: 0.1 } });
      const e1 = yield* catchIn(session.get("/hang"));
      assertInstanceOf(e1, TimeoutError);
      assert(!(e1 instanceof ServerTimeoutError));
      // The whole exchange counts: reading the body too.
      const e2 = yield* catchIn(asyncWith(session.get("/slowbody"), function* (resp) {
        return yield* resp.text();
      }));
      assertInstanceOf(e2, TimeoutError);
      // sockRead: the headers must come in time, then each chunk.
      const e3 = yield* catchIn(
        session.get("/hang", { timeout: new ClientTimeout({ sockRead: 0.1 }) }),
      );
      assertInstanceOf(e3, ServerTimeoutError);
      assertEquals((e3 as Error).message, "Timeout on reading data from socket");
      const e4 = yield* catchIn(asyncWith(
        session.get("/slowbody", { timeout: { sockRead: 0.1 } }),
        function* (resp) {
          assertEquals(dec.decode(yield* resp.content.read(5)), "first");
          return yield* resp.content.read(5);
        },
      ));
      assertInstanceOf(e4, ServerTimeoutError);
      // A number is `total`; a response within the limits is fine.
      const ok = yield* session.get("/text", { timeout: 5 });
      assertEquals(yield* ok.text(), "héllo wörld");
      yield* session.close();
    });
  }));

Deno.test("ClientTimeout total, on the virtual clock: each request gets its full limit from its own start", () =>
  withServer(async (s) => {
    await run(function* () {
      const loop = getRunningLoop();
      const session = new ClientSession({ baseUrl: s.base, timeout: { total: 10 } });
      const first = yield* session.get("/text"); // its deadline, 10, is the timer's first
      assertEquals(yield* first.text(), "héllo wörld");
      yield* sleep(5);
      const started = loop.time();
      const late = createTask(session.get("/hang"));
      const early = createTask(session.get("/hang", { timeout: 3 })); // a timer of its own
      const [a, b] = yield* gather(late, early, { returnExceptions: true });
      assertInstanceOf(a, TimeoutError);
      assertInstanceOf(b, TimeoutError);
      assertAlmostEquals(loop.time() - started, 10, 1e-3);
      yield* session.close();
    }, { clock: "virtual" });
    assertEquals(await s.aborted, "request aborted");
  }));

function* catchIn(aw: Generator<unknown, unknown, unknown>) {
  try {
    yield* aw;
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

// --- errors ---------------------------------------------------------------------------

Deno.test("a refused connection is ClientConnectorError (a ConnectionRefusedError inside)", async () => {
  const port = freePort();
  await run(async () => {
    const session = new ClientSession();
    const e = await assertRejects(
      async () => await session.get(`http://127.0.0.1:${port}/`),
      ClientConnectorError,
    );
    assertEquals(
      e.message,
      `Cannot connect to host 127.0.0.1:${port} ssl:default [Connection refused]`,
    );
    assertEquals([e.host, e.port, e.errno], ["127.0.0.1", port, 111]);
    assertInstanceOf(e.osError, ConnectionRefusedError);
    assert(e instanceof ClientConnectionError && e instanceof ClientError);
    await session.close();
  });
});

Deno.test("raiseForStatus(): ClientResponseError with status and message; the session option", () =>
  withServer(async (s) => {
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const resp = await session.get("/nowhere");
      assertEquals([resp.status, resp.ok], [404, false]);
      const e = assertThrows(() => resp.raiseForStatus(), ClientResponseError);
      assertEquals([e.status, e.message], [404, "Not Found"]);
      assertEquals(
        String(e),
        `ClientResponseError: 404, message='Not Found', url='${s.base}/nowhere'`,
      );
      assert(resp.closed, "raiseForStatus released it");
      const fine = await session.get("/status", { params: { code: 302 }, allowRedirects: false });
      assert(fine.ok, "below 400 is ok, as aiohttp");
      fine.raiseForStatus();
      fine.release();
      await assertRejects(
        async () => await session.get("/status?code=500", { raiseForStatus: true }),
        ClientResponseError,
        "Internal Server Error",
      );
      await session.close();
      const strict = new ClientSession({ baseUrl: s.base, raiseForStatus: true });
      await assertRejects(async () => await strict.get("/nowhere"), ClientResponseError);
      await strict.close();
    });
  }));

Deno.test("ServerTimeoutError is asyncio's TimeoutError and a ClientError, as in aiohttp", () => {
  const e = new ServerTimeoutError();
  assert(e instanceof TimeoutError && e instanceof ClientError);
  assert(e instanceof ClientConnectionError && e instanceof ServerConnectionError);
  assert(!(new TimeoutError() instanceof ClientError));
  assert(!(e instanceof ClientResponseError));
});

// --- closing -----------------------------------------------------------------------

Deno.test("a closed session refuses new requests; close() aborts those in flight", () =>
  withServer(async (s) => {
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const pending = createTask(async () => await session.get("/hang"));
      const streaming = await session.get("/slowbody");
      while (!s.events.includes("hang started")) await sleep(0.01);
      await session.close();
      await session.close(); // again: nothing
      const e = await assertRejects(async () => await pending, ClientConnectionError);
      assertEquals(e.message, "Session is closed");
      await assertRejects(async () => await streaming.text(), ClientConnectionError);
      assertThrows(() => session.get("/text"), RuntimeError, "Session is closed");
      assertThrows(() => session.request("GET", "/text"), RuntimeError, "make a new ClientSession");
    });
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base });
      const req = session.get("/text"); // made before close, awaited after
      yield* session.close();
      const e = yield* catchIn(req);
      assertInstanceOf(e, RuntimeError);
    });
    let outer: ClientSession | null = null;
    await run(() =>
      asyncWith(new ClientSession(), (session) => {
        outer = session;
      })
    );
    assert(outer!.closed, "asyncWith closed the session");
  }));

// --- load ------------------------------------------------------------------------------

Deno.test("200 concurrent requests, both styles", () =>
  withServer(async (s) => {
    await run(async () => {
      const session = new ClientSession({ baseUrl: s.base });
      const texts = await gather(
        ...Array.from({ length: 200 }, (_, i) =>
          asyncWith(
            session.get("/echo", { params: { i } }),
            async (resp) => (await resp.json() as { query: string[][] }).query[0][1],
          )),
      );
      assertEquals(texts, Array.from({ length: 200 }, (_, i) => String(i)));
      assertEquals(session._exchanges.size, 0);
      await session.close();
    });
    await run(function* () {
      const session = new ClientSession({ baseUrl: s.base });
      const lengths = yield* gather(
        ...Array.from({ length: 200 }, (_, i) =>
          asyncWith(session.post("/echo", { data: "x".repeat(i) }), function* (resp) {
            return ((yield* resp.json()) as { length: number }).length;
          })),
      );
      assertEquals(
        lengths,
        Array.from({ length: 200 }, (_, i) =>
          i),
      );
      yield* session.close();
    });
  }));

// --- bad arguments -------------------------------------------------------------------------

Deno.test("bad arguments give clear errors, at the call", async () => {
  assertThrows(() => new ClientSession(1 as never), TypeError, "options must be an object");
  assertThrows(() => new ClientSession({ base: "x" } as never), TypeError, 'unknown option "base"');
  assertThrows(() => new ClientSession({ baseUrl: "relative" }), InvalidURL, "absolute");
  assertThrows(() => new ClientSession({ baseUrl: "ftp://x/" }), InvalidURL, "http");
  assertThrows(() => new ClientSession({ timeout: "5" as never }), TypeError, "timeout must be");
  assertThrows(() => new ClientSession({ readBufsize: 0 }), ValueError, "readBufsize");
  assertThrows(() => new ClientSession({ raiseForStatus: 1 as never }), TypeError, "true or false");
  assertThrows(
    () => new ClientTimeout({ total: -1 }),
    ValueError,
    "total must be a number of seconds >= 0",
  );
  assertThrows(() => new ClientTimeout({ sockRead: "1" as never }), TypeError, "sockRead");
  assertThrows(
    () => new ClientTimeout({ sock_read: 1 } as never),
    TypeError,
    'unknown field "sock_read"',
  );
  assertEquals(new ClientTimeout({ total: 0 }).total, null, "0: no limit, as aiohttp");
  assertEquals(
    String(new ClientSession().timeout),
    "ClientTimeout(total=300, connect=None, sock_read=None, sock_connect=None)",
  );
  const session = new ClientSession();
  assertThrows(() => session.get("/relative"), InvalidURL, "baseUrl");
  assertThrows(() => session.get("file:///etc/passwd"), InvalidURL, "http: or https:");
  assertThrows(() => session.get(42 as never), TypeError, "url must be a string or a URL");
  assertThrows(() => session.request("BAD METHOD", "http://x/"), ValueError, "method");
  assertThrows(
    () => session.get("http://x/", { param: {} } as never),
    TypeError,
    'unknown option "param"',
  );
  assertThrows(() => session.get("http://x/", { params: { a: {} } as never }), TypeError, '"a"');
  assertThrows(() => session.get("http://x/", { params: 5 as never }), TypeError, "params");
  assertThrows(
    () => session.post("http://x/", { data: "a", json: {} }),
    ValueError,
    "data and json parameters can not be used at the same time",
  );
  assertThrows(() => session.post("http://x/", { json: 1n }), TypeError, "JSON-serializable");
  assertThrows(() => session.post("http://x/", { data: 5 as never }), TypeError, "data must be");
  assertThrows(() => session.get("http://x/", { data: "body" }), ValueError, "cannot carry a body");
  assertThrows(() => session.get("http://x/", { headers: 5 as never }), TypeError, "headers");
  assertThrows(() => session.get("http://x/", { allowRedirects: "no" as never }), TypeError);
  await run(() => session.close());
  await withServer(async (s) => {
    await run(async () => {
      const sess = new ClientSession({ baseUrl: s.base });
      const resp = await sess.get("/text");
      assertThrows(
        () => resp.text("utf-8", "ignore" as never),
        ValueError,
        '"strict" or "replace"',
      );
      assertThrows(() => resp.json(5 as never), TypeError, "options must be an object");
      assertThrows(() => resp.content.iterChunked(0), ValueError, "positive integer");
      resp.release();
      await sess.close();
    });
  });
  // Awaited outside any loop: a clear error, not a hang.
  const lone = new ClientSession();
  await assertRejects(
    async () => await lone.get("http://127.0.0.1:9/"),
    RuntimeError,
    "no event loop",
  );
  assertStrictEquals(lone.closed, false);
  await run(() => lone.close());
});
