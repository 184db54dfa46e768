/**
 * The server half of @yieldfrom/asyncio/http against real sockets on
 * loopback: routing as aiohttp routes (statuses, reasons and bodies recorded
 * from aiohttp 3.8 on CPython 3.11), handlers of every style as tasks,
 * exceptions, middlewares, startup and cleanup, bodies both ways, load,
 * disconnects, malformed requests and bad arguments.
 */
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import * as asyncio from "@yieldfrom/asyncio";
import { web } from "@yieldfrom/asyncio/http";

type Body = (base: string, runner: web.AppRunner) => Promise<void>;

/** Serve `app` on a free loopback port for the length of `body`. */
function serve(app: web.Application, body: Body, options?: web.AppRunnerOptions): Promise<void> {
  return asyncio.run(async () => {
    const runner = new web.AppRunner(app, options);
    await runner.setup();
    const site = new web.TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    try {
      await body(`http://127.0.0.1:${site.port}`, runner);
    } finally {
      await runner.cleanup();
    }
  });
}

async function req(url: string, init?: RequestInit) {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, reason: r.statusText, headers: r.headers, text };
}

Deno.test("routing: plain and {name} paths, trailing slash, percent-encoding, HEAD, 404 and 405 as aiohttp answers", async () => {
  const app = new web.Application();
  app.router.addGet("/", (r: web.Request) => new web.Response({ text: r.path, status: 201 }));
  app.router.addPost("/p", () => new web.Response({ text: "p" }));
  // Resources are tried in the order they were added.
  app.router.addGet("/with space", () => new web.Response({ text: "spaced" }));
  app.router.addGet("/{id}", (r: web.Request) => new web.Response({ text: r.matchInfo.id }));
  app.router.addGet(
    "/n/{num:\\d+}",
    (r: web.Request) => new web.Response({ text: r.matchInfo.num }),
  );
  await serve(app, async (base) => {
    let r = await req(`${base}/`);
    assertEquals([r.status, r.reason, r.text], [201, "Created", "/"]);
    assertEquals(r.headers.get("content-type"), "text/plain; charset=utf-8");
    r = await req(`${base}/abc`);
    assertEquals([r.status, r.text], [200, "abc"]);
    // aiohttp: '/abc/' matches neither '/' nor '/{id}'.
    r = await req(`${base}/abc/`);
    assertEquals([r.status, r.reason, r.text], [404, "Not Found", "404: Not Found"]);
    assertEquals(r.headers.get("content-type"), "text/plain; charset=utf-8");
    assertEquals(r.headers.get("content-length"), "14");
    r = await req(`${base}/x/y`);
    assertEquals([r.status, r.text], [404, "404: Not Found"]);
    // Match info is decoded; the path is matched as sent.
    r = await req(`${base}/a%20b`);
    assertEquals([r.status, r.text], [200, "a b"]);
    r = await req(`${base}/with%20space`);
    assertEquals([r.status, r.text], [200, "spaced"]);
    r = await req(`${base}/n/42`);
    assertEquals([r.status, r.text], [200, "42"]);
    r = await req(`${base}/n/4x`);
    assertEquals(r.status, 404);
    // A GET route answers HEAD: same headers, no body.
    r = await req(`${base}/abc`, { method: "HEAD" });
    assertEquals([r.status, r.text, r.headers.get("content-length")], [200, "", "3"]);
    // Another method on a known path: 405 with every method of every matching resource.
    r = await req(`${base}/p`, { method: "DELETE" });
    assertEquals([r.status, r.reason, r.text], [
      405,
      "Method Not Allowed",
      "405: Method Not Allowed",
    ]);
    assertEquals(r.headers.get("allow"), "GET,HEAD,POST");
    r = await req(`${base}/p`, { method: "POST", body: "x" });
    assertEquals([r.status, r.text], [200, "p"]);
  });
});

Deno.test("routing: RouteTableDef, web.get/web.route definitions, METH_ANY, named resources", async () => {
  const routes = new web.RouteTableDef();
  const hello = routes.get("/hello/{name}", { name: "hello" })((r: web.Request) =>
    new web.Response({ text: `hello ${r.matchInfo.name}` })
  );
  assertEquals(typeof hello, "function");
  routes.post("/echo")(async (r: web.Request) => new web.Response({ text: await r.text() }));
  const app = new web.Application();
  app.addRoutes(routes);
  app.router.addRoutes([
    web.get("/g", () => new web.Response({ text: "g" })),
    web.route("*", "/any", (r: web.Request) => new web.Response({ text: r.method })),
  ]);
  assertEquals(app.router.get("hello")?.canonical, "/hello/{name}");
  await serve(app, async (base) => {
    assertEquals((await req(`${base}/hello/bob`)).text, "hello bob");
    assertEquals((await req(`${base}/echo`, { method: "POST", body: "e" })).text, "e");
    assertEquals((await req(`${base}/g`)).text, "g");
    assertEquals((await req(`${base}/any`, { method: "PATCH" })).text, "PATCH");
    assertEquals((await req(`${base}/any`, { method: "PUT" })).text, "PUT");
  });
});

Deno.test("handlers: plain, generator, async and decorated functions each run as their own Task on the loop", async () => {
  const seen: (asyncio.Task<unknown> | null)[] = [];
  const app = new web.Application();
  app.router.addGet("/plain", () => {
    seen.push(asyncio.currentTask());
    return new web.Response({ text: "plain" });
  });
  app.router.addGet("/gen", function* () {
    seen.push(asyncio.currentTask());
    yield* asyncio.sleep(0.001);
    return new web.Response({ text: "gen" });
  });
  app.router.addGet("/async", async () => {
    seen.push(asyncio.currentTask());
    await asyncio.sleep(0.001);
    return new web.Response({ text: "async" });
  });
  app.router.addGet(
    "/deco",
    asyncio.coroutine(async () => {
      seen.push(asyncio.currentTask());
      return web.jsonResponse({ ok: true });
    }),
  );
  await serve(app, async (base) => {
    for (const p of ["plain", "gen", "async"]) assertEquals((await req(`${base}/${p}`)).text, p);
    const r = await req(`${base}/deco`);
    assertEquals([r.text, r.headers.get("content-type")], [
      '{"ok":true}',
      "application/json; charset=utf-8",
    ]);
  });
  assertEquals(seen.length, 4);
  for (const t of seen) assertInstanceOf(t, asyncio.Task);
  assertEquals(new Set(seen).size, 4);
});

Deno.test("exceptions: thrown or returned HTTPException answers; a failing handler is a 500 reported to the loop's exception handler, and the server goes on", async () => {
  const app = new web.Application();
  app.router.addGet("/bad", () => {
    throw new web.HTTPBadRequest({ text: "no id" });
  });
  app.router.addGet("/gone", () => new web.HTTPGone());
  app.router.addGet("/redirect", () => {
    throw new web.HTTPFound("/target");
  });
  app.router.addGet("/boom", async () => {
    await asyncio.sleep(0);
    throw new Error("boom");
  });
  app.router.addGet("/notresp", () => 42);
  app.router.addGet("/ok", () => new web.Response({ text: "ok" }));
  const reported: Record<string, unknown>[] = [];
  await serve(app, async (base) => {
    asyncio.getRunningLoop().setExceptionHandler((_loop, ctx) => reported.push(ctx));
    let r = await req(`${base}/bad`);
    assertEquals([r.status, r.reason, r.text], [400, "Bad Request", "no id"]);
    r = await req(`${base}/gone`);
    assertEquals([r.status, r.text], [410, "410: Gone"]);
    r = await req(`${base}/redirect`, { redirect: "manual" });
    assertEquals([r.status, r.headers.get("location")], [302, "/target"]);
    r = await req(`${base}/boom`);
    assertEquals([r.status, r.reason], [500, "Internal Server Error"]);
    assertEquals(r.text, "500 Internal Server Error\n\nServer got itself in trouble");
    r = await req(`${base}/notresp`);
    assertEquals(r.status, 500);
    r = await req(`${base}/ok`);
    assertEquals([r.status, r.text], [200, "ok"]);
  });
  assertEquals(reported.length, 2);
  assertEquals(reported[0].message, "Error handling request");
  assertEquals((reported[0].exception as Error).message, "boom");
  assert(String((reported[1].exception as Error).message).includes("got 42"));
});

Deno.test("middlewares: outermost first, async and generator styles, see a 404 as a thrown HTTPNotFound", async () => {
  const order: string[] = [];
  const outer: web.Middleware = async (request, handler) => {
    order.push("outer in");
    try {
      const resp = await handler(request);
      resp.headers.set("x-outer", "1");
      return resp;
    } catch (e) {
      if (e instanceof web.HTTPNotFound) {
        return new web.Response({ text: "custom 404", status: 404 });
      }
      throw e;
    } finally {
      order.push("outer out");
    }
  };
  const inner: web.Middleware = function* (request, handler) {
    order.push("inner in");
    const resp = yield* handler(request);
    order.push("inner out");
    return resp;
  };
  const app = new web.Application({ middlewares: [outer, inner] });
  app.router.addGet("/", () => {
    order.push("handler");
    return new web.Response({ text: "x" });
  });
  await serve(app, async (base) => {
    const r = await req(`${base}/`);
    assertEquals([r.text, r.headers.get("x-outer")], ["x", "1"]);
    assertEquals(order, ["outer in", "inner in", "handler", "inner out", "outer out"]);
    const nf = await req(`${base}/missing`);
    assertEquals([nf.status, nf.text], [404, "custom 404"]);
  });
});

Deno.test("onStartup, onShutdown, onCleanup run in order; cleanup lets an in-flight handler finish; the router freezes", async () => {
  const log: string[] = [];
  const app = new web.Application();
  app.onStartup.push(async (a) => {
    await asyncio.sleep(0);
    a.state.set("db", "connected");
    log.push("startup");
  });
  app.onShutdown.push(() => void log.push("shutdown"));
  app.onCleanup.push(function* () {
    yield* asyncio.sleep(0);
    log.push("cleanup");
  });
  const started = new asyncio.Event();
  app.router.addGet("/slow", async (r: web.Request) => {
    started.set();
    await asyncio.sleep(0.2);
    log.push("handler done");
    return new web.Response({ text: String(r.app!.state.get("db")) });
  });
  await asyncio.run(async () => {
    const runner = new web.AppRunner(app);
    await runner.setup();
    assertThrows(
      () => app.router.addGet("/late", () => new web.Response()),
      asyncio.RuntimeError,
      "frozen router",
    );
    assertThrows(() => app.onStartup.push(() => {}), asyncio.RuntimeError, "frozen");
    const site = new web.TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    const pending = fetch(`http://127.0.0.1:${site.port}/slow`).then((r) => r.text());
    await started.wait();
    await runner.cleanup();
    log.push("cleaned");
    assertEquals(await pending, "connected");
  });
  assertEquals(log, ["startup", "shutdown", "handler done", "cleanup", "cleaned"]);
});

Deno.test("cleanup cancels a handler still running after shutdownTimeout", async () => {
  let cancelled = false;
  const started = new asyncio.Event();
  const app = new web.Application();
  app.router.addGet("/forever", async () => {
    started.set();
    try {
      await asyncio.sleep(3600);
    } catch (e) {
      cancelled = e instanceof asyncio.CancelledError;
      throw e;
    }
    return new web.Response();
  });
  await asyncio.run(async () => {
    const runner = new web.AppRunner(app, { shutdownTimeout: 0.1 });
    await runner.setup();
    const site = new web.TCPSite(runner, "127.0.0.1", 0);
    await site.start();
    const pending = fetch(`http://127.0.0.1:${site.port}/forever`).then(
      async (r) => (await r.body?.cancel(), r.status),
      () => "failed",
    );
    await started.wait();
    await runner.cleanup();
    assertEquals(runner.inFlight, 0);
    assertEquals(await pending, 503);
  });
  assert(cancelled);
});

Deno.test("generator style: yield* runner.setup(), site.start(), runner.cleanup()", async () => {
  const app = new web.Application();
  app.router.addGet("/", () => new web.Response({ text: "gen" }));
  let text = "";
  await asyncio.run(function* () {
    const runner = new web.AppRunner(app);
    yield* runner.setup();
    const site = new web.TCPSite(runner, "127.0.0.1", 0);
    yield* site.start();
    const r = yield* asyncio.wrap(fetch(`http://127.0.0.1:${site.port}/`));
    text = yield* asyncio.wrap(r.text());
    yield* runner.cleanup();
  });
  assertEquals(text, "gen");
});

Deno.test("request: method, path, query, headers, text/json/read/post (urlencoded and multipart), remote", async () => {
  const app = new web.Application();
  app.router.addPost("/info/{x}", async (r: web.Request) => {
    const raw = await r.read();
    const again = await r.read();
    return web.jsonResponse({
      method: r.method,
      path: r.path,
      rawPath: r.rawPath,
      qs: r.queryString,
      a: r.query.getAll("a"),
      x: r.matchInfo.x,
      h: r.headers.get("X-Thing"),
      ct: r.contentType,
      len: raw.length,
      same: raw === again,
      json: await r.json(),
      remote: r.remote,
    });
  });
  app.router.addPost("/form", async (r: web.Request) => {
    const form = await r.post();
    return new web.Response({ text: [...form.entries()].map(([k, v]) => `${k}=${v}`).join("&") });
  });
  await serve(app, async (base) => {
    const r = await req(`${base}/info/%C3%A9?a=1&a=2`, {
      method: "POST",
      headers: { "x-thing": "t", "content-type": "application/json" },
      body: '{"k":[1,2]}',
    });
    assertEquals(JSON.parse(r.text), {
      method: "POST",
      path: "/info/é",
      rawPath: "/info/%C3%A9",
      qs: "a=1&a=2",
      a: ["1", "2"],
      x: "é",
      h: "t",
      ct: "application/json",
      len: 11,
      same: true,
      json: { k: [1, 2] },
      remote: "127.0.0.1",
    });
    const f1 = await req(`${base}/form`, {
      method: "POST",
      body: new URLSearchParams("a=1&b=x y"),
    });
    assertEquals(f1.text, "a=1&b=x y");
    const fd = new FormData();
    fd.append("name", "value");
    assertEquals((await req(`${base}/form`, { method: "POST", body: fd })).text, "name=value");
  });
});

Deno.test("large bodies both ways: 8 MiB read through request.content with backpressure, sent back through a StreamResponse and a ReadableStream body", async () => {
  const SIZE = 8 * 1024 * 1024;
  const data = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) data[i] = i % 251;
  let maxBuffered = 0;
  const app = new web.Application();
  app.router.addPost("/upload", async (r: web.Request) => {
    let total = 0;
    let sum = 0;
    for (;;) {
      maxBuffered = Math.max(maxBuffered, r.content._size);
      const chunk = await r.content.read(65536);
      if (chunk.length === 0) break;
      total += chunk.length;
      for (let i = 0; i < chunk.length; i++) sum = (sum * 31 + chunk[i]) % 1000003;
      await asyncio.sleep(0); // a slow consumer
    }
    return web.jsonResponse({ total, sum });
  });
  app.router.addGet("/download", async (r: web.Request) => {
    const resp = new web.StreamResponse({
      headers: { "content-type": "application/octet-stream" },
    });
    await resp.prepare(r);
    for (let off = 0; off < SIZE; off += 1 << 20) {
      await resp.write(data.subarray(off, off + (1 << 20)));
    }
    await resp.writeEof();
    return resp;
  });
  app.router.addGet("/stream", () =>
    new web.Response({
      body: (async function* () {
        for (let i = 0; i < 8; i++) {
          await asyncio.sleep(0);
          yield data.subarray(i << 20, (i + 1) << 20);
        }
      })(),
    }));
  await serve(app, async (base) => {
    let sum = 0;
    for (let i = 0; i < SIZE; i++) sum = (sum * 31 + data[i]) % 1000003;
    const up = JSON.parse((await req(`${base}/upload`, { method: "POST", body: data })).text);
    assertEquals(up, { total: SIZE, sum });
    // The reader paused the body stream: never much more than twice its limit buffered.
    assert(maxBuffered <= 4 * 65536, `buffered ${maxBuffered}`);
    for (const p of ["download", "stream"]) {
      const got = new Uint8Array(await (await fetch(`${base}/${p}`)).arrayBuffer());
      assertEquals(got.length, SIZE);
      assertEquals(got, data);
    }
  });
});

Deno.test("a body over clientMaxSize is a 413 with aiohttp's text", async () => {
  const app = new web.Application({ clientMaxSize: 1000 });
  app.router.addPost("/", async (r: web.Request) => new web.Response({ text: await r.text() }));
  await serve(app, async (base) => {
    const r = await req(`${base}/`, { method: "POST", body: "x".repeat(2000) });
    assertEquals([r.status, r.text], [
      413,
      "Maximum request body size 1000 exceeded, actual body size 2000",
    ]);
  });
});

Deno.test("200 concurrent clients are served at once (each handler waits until all 200 arrived)", async () => {
  const N = 200;
  let arrived = 0;
  const all = new asyncio.Event();
  const app = new web.Application();
  app.router.addGet("/{i}", async (r: web.Request) => {
    if (++arrived === N) all.set();
    await all.wait();
    return new web.Response({ text: r.matchInfo.i });
  });
  await serve(app, async (base, runner) => {
    const texts = await Promise.all(
      Array.from({ length: N }, (_, i) => fetch(`${base}/${i}`).then((r) => r.text())),
    );
    assertEquals(texts, Array.from({ length: N }, (_, i) => String(i)));
    assertEquals(runner.inFlight, 0);
  });
});

Deno.test("a client that disconnects mid-handler cancels the handler's task; nothing is left running", async () => {
  const started = new asyncio.Event();
  const finished = new asyncio.Event();
  let outcome = "";
  const app = new web.Application();
  app.router.addGet("/slow", async () => {
    started.set();
    try {
      await asyncio.sleep(30);
      outcome = "completed";
    } catch (e) {
      outcome = e instanceof asyncio.CancelledError ? "cancelled" : String(e);
      throw e;
    } finally {
      finished.set();
    }
    return new web.Response();
  });
  await serve(app, async (base, runner) => {
    const ac = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: ac.signal }).catch((e) => e.name);
    await started.wait();
    ac.abort();
    assertEquals(await pending, "AbortError");
    await asyncio.waitFor(finished.wait(), 5);
    assertEquals(outcome, "cancelled");
    assertEquals(runner.inFlight, 0);
    assertEquals(asyncio.allTasks().size, 1); // only this test's main task
  });
});

Deno.test("malformed requests over a raw TCP socket are refused by Deno; the server goes on", async () => {
  const app = new web.Application();
  app.router.addGet("/", () => new web.Response({ text: "fine" }));
  await serve(app, async (base) => {
    const port = Number(new URL(base).port);
    for (
      const junk of [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        "\x00\x01\x02\r\n\r\n",
      ]
    ) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode(junk));
      const buf = new Uint8Array(1024);
      const n = await conn.read(buf).catch(() => null);
      conn.close();
      const head = n === null ? "" : new TextDecoder().decode(buf.subarray(0, n));
      assert(head === "" || head.startsWith("HTTP/1.1 400"), head);
    }
    assertEquals((await req(`${base}/`)).text, "fine");
  });
});

Deno.test("a handler that never returns is cancelled by a timeout() middleware and answered 504", async () => {
  let cleanedUp = false;
  const timeoutMw: web.Middleware = async (request, handler) => {
    try {
      return await asyncio.timeout(0.1, () => handler(request));
    } catch (e) {
      if (e instanceof asyncio.TimeoutError) throw new web.HTTPGatewayTimeout();
      throw e;
    }
  };
  const app = new web.Application({ middlewares: [timeoutMw] });
  app.router.addGet("/hang", async () => {
    try {
      await new asyncio.Event().wait();
    } finally {
      cleanedUp = true;
    }
    return new web.Response();
  });
  await serve(app, async (base) => {
    const r = await req(`${base}/hang`);
    assertEquals([r.status, r.text], [504, "504: Gateway Timeout"]);
  });
  assert(cleanedUp);
});

Deno.test("10 000 requests: every task finishes, nothing stays registered", async () => {
  const app = new web.Application();
  app.router.addGet("/{id}", async (r: web.Request) => new web.Response({ text: r.matchInfo.id }));
  await serve(app, async (base, runner) => {
    let next = 0;
    const worker = async () => {
      while (next < 10_000) {
        const i = next++;
        const r = await fetch(`${base}/${i}`);
        assertEquals(await r.text(), String(i));
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    assertEquals(runner.inFlight, 0);
    assertEquals(asyncio.allTasks().size, 1);
  });
});

Deno.test("10 000 requests: the heap after them is back near where it was (measured in a child with --expose-gc)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--v8-flags=--expose-gc",
      "--allow-net=127.0.0.1",
      new URL("./_http_memory.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert(out.success, new TextDecoder().decode(out.stderr));
  const { before, after, requests } = JSON.parse(text);
  assertEquals(requests, 10_000);
  // Growth under 4 MiB for 10 000 requests: under 420 bytes a request retained.
  assert(after - before < 4 * 1024 * 1024, `heap grew from ${before} to ${after}`);
});

Deno.test("Response, jsonResponse and StreamResponse: contents, content types, null-body statuses", () => {
  let r = new web.Response({ text: "hi" });
  assertEquals([r.status, r.reason, r.text, r.contentType], [200, "OK", "hi", "text/plain"]);
  r = new web.Response({ body: new Uint8Array([1]) });
  assertEquals(r.contentType, "application/octet-stream");
  r = new web.Response({ text: "<b>", contentType: "text/html" });
  assertEquals(r.headers.get("content-type"), "text/html; charset=utf-8");
  // The MIME type is read lower-cased, as aiohttp's content_type is.
  r = new web.Response({ text: "x", contentType: "Text/HTML" });
  assertEquals(r.contentType, "text/html");
  const s = new web.StreamResponse();
  s.contentType = "Application/JSON; charset=utf-8";
  assertEquals(s.contentType, "application/json");
  r = new web.Response({ status: 204 });
  assertEquals(r._toHost().body, null);
  const j = web.jsonResponse([1], { status: 201 });
  assertEquals([j.status, j.text, j.contentType], [201, "[1]", "application/json"]);
  const e = new web.HTTPMethodNotAllowed("put", ["POST", "GET"]);
  assertEquals([e.status, e.method, e.headers.get("allow"), e.text], [
    405,
    "PUT",
    "GET,POST",
    "405: Method Not Allowed",
  ]);
  assertEquals(new web.HTTPNotFound().message, "Not Found");
  assertEquals(new web.HTTPNoContent().text, null);
});

Deno.test("bad arguments: every constructor and router method names the problem and the fix", async () => {
  const h = () => new web.Response();
  assertThrows(() => new web.Application(3 as never), TypeError, "options object");
  assertThrows(
    () => new web.Application({ middlewares: 3 as never }),
    TypeError,
    "middlewares must be a list",
  );
  assertThrows(
    () => new web.Application({ middlewares: [3 as never] }),
    TypeError,
    "each middleware must be a function",
  );
  assertThrows(() => new web.Application({ clientMaxSize: -1 }), TypeError, "clientMaxSize");
  const app = new web.Application();
  assertThrows(() => app.router.addGet("abc", h), asyncio.ValueError, 'e.g. "/abc"');
  assertThrows(() => app.router.addGet(3 as never, h), TypeError, "path must be a string");
  assertThrows(
    () => app.router.addGet("/", 3 as never),
    TypeError,
    "the handler must be a function",
  );
  assertThrows(
    () => app.router.addRoute("BAD METHOD", "/", h),
    asyncio.ValueError,
    "not a valid HTTP method",
  );
  assertThrows(() => app.router.addGet("/{a}/{a}", h), asyncio.ValueError, "Duplicate {a}");
  assertThrows(() => app.router.addGet("/{a:(}", h), asyncio.ValueError, "Bad pattern");
  assertThrows(() => app.router.addGet("/x}", h), asyncio.ValueError, "Invalid path");
  app.router.addGet("/dup", h);
  assertThrows(() => app.router.addGet("/dup", h), asyncio.RuntimeError, "already registered");
  assertThrows(() => app.router.addRoutes([3 as never]), TypeError, "route definitions");
  assertThrows(() => new web.Response({ text: 3 as never }), TypeError, "text must be a string");
  assertThrows(() => new web.Response({ text: "a", body: "b" }), TypeError, "either text or body");
  assertThrows(() => new web.Response({ status: 99 }), RangeError, "200 to 599");
  assertThrows(
    () => new web.Response({ status: "200" as never }),
    TypeError,
    "status must be an integer",
  );
  assertThrows(
    () => new web.Response({ body: { x: 1 } as never }),
    TypeError,
    "use jsonResponse()",
  );
  assertThrows(() => new web.Response({ headers: 5 as never }), TypeError, "headers must be");
  assertThrows(
    () => new web.Response({ contentType: "a/b", headers: { "content-type": "c/d" } }),
    TypeError,
    "either as contentType or in headers",
  );
  assertThrows(() => web.jsonResponse(undefined), TypeError, "cannot be serialized");
  assertThrows(() => new web.HTTPException(), TypeError, "abstract");
  assertThrows(() => new web.HTTPFound(undefined as never), TypeError, 'new HTTPFound("/login")');
  assertThrows(
    () => new web.HTTPNotFound({ text: 1 as never }),
    TypeError,
    "text must be a string",
  );
  assertThrows(
    () => new web.Request("http://x/" as never),
    TypeError,
    "new web.Request(new Request(",
  );
  assertThrows(() => new web.AppRunner({} as never), TypeError, "expected a web.Application");
  assertThrows(
    () => new web.AppRunner(app, { shutdownTimeout: -1 }),
    asyncio.ValueError,
    "shutdownTimeout",
  );
  const runner = new web.AppRunner(app);
  assertThrows(() => new web.TCPSite({} as never), TypeError, "expected a web.AppRunner");
  assertThrows(() => new web.TCPSite(runner, 3 as never), TypeError, "host must be");
  assertThrows(() => new web.TCPSite(runner, "127.0.0.1", 70000), TypeError, "0 to 65535");
  await asyncio.run(async () => {
    await assertRejects(
      async () => await new web.TCPSite(runner, "127.0.0.1", 0).start(),
      asyncio.RuntimeError,
      "Call runner.setup() before making a site",
    );
  });
  await assertRejects(() => web.runApp({} as never), TypeError, "expected a web.Application");
});

Deno.test("a port in use is an OSError with errno 98; the runner is still usable", async () => {
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const app = new web.Application();
    await asyncio.run(async () => {
      const runner = new web.AppRunner(app);
      await runner.setup();
      const err = await assertRejects(
        async () =>
          await new web.TCPSite(runner, "127.0.0.1", (other.addr as Deno.NetAddr).port).start(),
        asyncio.OSError,
      );
      assertEquals((err as asyncio.OSError).errno, 98);
      await runner.cleanup();
    });
  } finally {
    other.close();
  }
});

Deno.test("asyncWith(runner, …) sets the runner up and cleans it up", async () => {
  const log: string[] = [];
  const app = new web.Application();
  app.onStartup.push(() => void log.push("up"));
  app.onCleanup.push(() => void log.push("down"));
  app.router.addGet("/", () => new web.Response({ text: "with" }));
  await asyncio.run(async () => {
    await asyncio.asyncWith(new web.AppRunner(app), async (runner: web.AppRunner) => {
      const site = new web.TCPSite(runner, "127.0.0.1", 0);
      await site.start();
      log.push(await (await fetch(`http://127.0.0.1:${site.port}/`)).text());
    });
  });
  assertEquals(log, ["up", "with", "down"]);
});

Deno.test("a handler failing after prepare(): the error is reported and the started body is broken off, as aiohttp closes the connection; the server goes on", async () => {
  const app = new web.Application();
  app.router.addGet("/late", async (request: web.Request) => {
    const r = new web.StreamResponse();
    await r.prepare(request);
    await r.write("partial\n");
    await asyncio.sleep(0);
    throw new Error("late boom");
  });
  app.router.addGet("/ok", () => new web.Response({ text: "ok" }));
  const reported: Record<string, unknown>[] = [];
  await serve(app, async (base) => {
    asyncio.getRunningLoop().setExceptionHandler((_loop, ctx) => reported.push(ctx));
    const resp = await fetch(`${base}/late`, { signal: AbortSignal.timeout(5000) });
    assertEquals(resp.status, 200);
    // The body ends in an error, not in a clean end (nor a hang).
    await assertRejects(() => resp.text());
    const r = await req(`${base}/ok`);
    assertEquals([r.status, r.text], [200, "ok"]);
  });
  assertEquals(reported.length, 1);
  assertEquals((reported[0].exception as Error).message, "late boom");
});

Deno.test("prepare() of a request that is not being served throws, and leaves the response unprepared", async () => {
  await asyncio.run(async () => {
    const request = new web.Request(new Request("http://localhost/"));
    const r = new web.StreamResponse();
    await assertRejects(() => r.prepare(request), asyncio.RuntimeError, "not being served");
    assertEquals(r.prepared, false);
    await assertRejects(() => r.prepare(request), asyncio.RuntimeError, "not being served");
  });
});
