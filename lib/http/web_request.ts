/**
 * aiohttp's `web.Request`, over the `Request` Deno.serve hands over: the
 * method, path, query and match info, and the body as bytes, text, JSON,
 * form fields or a `StreamReader` (`request.content`) fed with backpressure.
 *
 * @module
 */

import type { AbstractEventLoop } from "../events.ts";
import { _getRunningLoop } from "../events.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { describe } from "../format_helpers.ts";
import { mimeType } from "./helpers.ts";
import { type Coro, type Coroutine, coroutine, wrap } from "../coroutines.ts";
import { DEFAULT_LIMIT, HostStreamFeed, StreamReader } from "../streams.ts";
import type { Application } from "./web_app.ts";
import { HTTPRequestEntityTooLarge } from "./web_exceptions.ts";
import type { StreamResponse } from "./web_response.ts";
import type { ResourceRoute } from "./web_urldispatcher.ts";

const dec = new TextDecoder();

/** @internal Decode a percent-encoded path (left as is when malformed). */
export function unquotePath(raw: string): string {
  if (raw.indexOf("%") < 0) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * aiohttp's `web.Request`: what a handler receives.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const handler = async (request: web.Request) => {
 *   const name = request.matchInfo.name ?? "world";
 *   const body = request.method === "POST" ? await request.text() : "";
 *   return new web.Response({ text: `hello ${name} ${request.query.get("x") ?? ""} ${body}` });
 * };
 * // A request can be made by hand, for unit tests of handlers:
 * const req = new web.Request(new globalThis.Request("http://localhost/a%20b?x=1"));
 * console.log(req.path, req.rawPath, req.queryString); // "/a b" "/a%20b" "x=1"
 * ```
 */
export class Request {
  /** @internal */ _host: globalThis.Request;
  /** @internal */ _loop: AbstractEventLoop;
  /** The HTTP method, upper-case (`"GET"`). */
  readonly method: string;
  /** The path as sent (percent-encoded). */
  readonly rawPath: string;
  /** The query string as sent, without `?` (`""` for none). */
  readonly queryString: string;
  /** The `{name}` values of the matched route, decoded. */
  matchInfo: Record<string, string> = {};
  /** The route that matched (aiohttp's `match_info.route`), or `null`. */
  matchRoute: ResourceRoute | null = null;
  /** The application handling the request (`null` outside one). */
  app: Application | null;
  /** @internal The client's address, or the Deno info to read it from. */ _remote:
    | string
    | null
    | Deno.ServeHandlerInfo;
  /** @internal */ _query: URLSearchParams | null = null;
  /** @internal */ _url: URL | null = null;
  /** @internal */ _bytes: Uint8Array | null = null;
  /** @internal */ _content: StreamReader | null = null;
  /** @internal The StreamResponse prepared for this request. */
  _prepared: StreamResponse | null = null;
  /** @internal Answer Deno (once). */ _responder: ((r: globalThis.Response) => void) | null;

  /**
   * Wrap a request Deno received (the server makes these; build one by
   * hand to unit-test a handler).
   *
   * @param request The `Request` from `Deno.serve` (or `new Request(url)`).
   * @param options `app`, `remote` (the client's address), `loop`.
   * @throws {TypeError} When `request` is not a `Request`.
   */
  constructor(
    request: globalThis.Request,
    options: {
      app?: Application | null;
      remote?: string | null | Deno.ServeHandlerInfo;
      loop?: AbstractEventLoop;
    } = {},
  ) {
    if (!(request instanceof globalThis.Request)) {
      throw new TypeError(
        `web.Request(): expected the fetch Request received by the server, got ${
          describe(request)
        }; e.g. new web.Request(new Request("http://localhost/path"))`,
      );
    }
    this._host = request;
    this._loop = options.loop ?? _getRunningLoop()!;
    this.app = options.app ?? null;
    this._remote = options.remote ?? null;
    this._responder = null;
    this.method = request.method;
    const u = request.url;
    const start = u.indexOf("/", u.indexOf("//") + 2);
    const q = u.indexOf("?", start);
    if (start < 0) {
      this.rawPath = "/";
      this.queryString = "";
    } else if (q < 0) {
      this.rawPath = u.slice(start);
      this.queryString = "";
    } else {
      this.rawPath = u.slice(start, q);
      this.queryString = u.slice(q + 1);
    }
  }

  /** The path, percent-decoded (`/a b` for `/a%20b`). */
  get path(): string {
    return unquotePath(this.rawPath);
  }

  /** The whole URL (`http://host:port/path?query`). */
  get url(): URL {
    return this._url ??= new URL(this._host.url);
  }

  /** The path and query as sent (aiohttp's `path_qs`). */
  get pathQs(): string {
    return this.queryString === "" ? this.rawPath : `${this.rawPath}?${this.queryString}`;
  }

  /** The query parameters. */
  get query(): URLSearchParams {
    return this._query ??= new URLSearchParams(this.queryString);
  }

  /** The request headers (case-insensitive `get()`). */
  get headers(): Headers {
    return this._host.headers;
  }

  /** The Host header (or the URL's host). */
  get host(): string {
    return this._host.headers.get("host") ?? this.url.host;
  }

  /** The client's IP address, or `null` when unknown. */
  get remote(): string | null {
    const r = this._remote;
    if (r === null || typeof r === "string") return r;
    return this._remote = (r.remoteAddr as Deno.NetAddr).hostname ?? null;
  }

  /** The Content-Type without parameters (`application/octet-stream` when absent). */
  get contentType(): string {
    return mimeType(this._host.headers.get("content-type"));
  }

  /** The Content-Length header as a number, or `null`. */
  get contentLength(): number | null {
    const cl = this._host.headers.get("content-length");
    return cl === null ? null : Number(cl);
  }

  /** Whether the request has a body (aiohttp's `body_exists`). */
  get bodyExists(): boolean {
    return this._host.body !== null;
  }

  /** Whether some of the body is left to read (aiohttp's `can_read_body`). */
  get canReadBody(): boolean {
    if (this._bytes !== null) return false;
    if (this._content !== null) return !this._content.atEof();
    return this._host.body !== null && !this._host.bodyUsed;
  }

  /** Aborts when the client goes away (the handler's task is cancelled then too). */
  get signal(): AbortSignal {
    return this._host.signal;
  }

  /** The request Deno received. */
  get hostRequest(): globalThis.Request {
    return this._host;
  }

  /**
   * The body as a `StreamReader` (`read(n)`, `readline()`, `readexactly(n)`,
   * `for await` lines), fed from the connection as the handler reads: the
   * client is held back while 128 KiB wait unread.
   */
  get content(): StreamReader {
    let c = this._content;
    if (c !== null) return c;
    c = this._content = new StreamReader(DEFAULT_LIMIT, this._loop);
    if (this._bytes !== null) {
      c.feedData(this._bytes);
      c.feedEof();
    } else if (this._host.body === null || this._host.bodyUsed) {
      c.feedEof();
    } else {
      new HostStreamFeed(this._loop, this._host.body, c)._next();
    }
    return c;
  }

  /**
   * The whole body as bytes (read once, then kept).
   *
   * @returns A coroutine of the bytes.
   */
  read(): Coroutine<Uint8Array> {
    return readCoro(this);
  }

  /**
   * The body decoded as text.
   *
   * @returns A coroutine of the text.
   */
  text(): Coroutine<string> {
    return textCoro(this);
  }

  /**
   * The body parsed as JSON.
   *
   * @param loads The parser (default `JSON.parse`).
   * @returns A coroutine of the value.
   */
  json(loads: (text: string) => unknown = JSON.parse): Coroutine<unknown> {
    if (typeof loads !== "function") {
      throw new TypeError(`json(): loads must be a function, got ${describe(loads)}`);
    }
    return jsonCoro(this, loads);
  }

  /**
   * The form fields of a `application/x-www-form-urlencoded` or
   * `multipart/form-data` body (empty for other types, as in aiohttp).
   *
   * @returns A coroutine of a `FormData` (`get(name)`, `getAll(name)`, entries).
   */
  post(): Coroutine<FormData> {
    return postCoro(this);
  }

  /** @internal Send the answer to Deno (a prepared StreamResponse does it early). */
  _respond(r: globalThis.Response): void {
    const f = this._responder;
    if (f === null) {
      throw new RuntimeError(
        "StreamResponse.prepare(): this request is not being served (made by hand?)",
      );
    }
    this._responder = null;
    f(r);
  }

  /** Python's repr: `<Request GET /path >`. */
  toString(): string {
    return `<Request ${this.method} ${this.path} >`;
  }
}

/** Reads the host body stream into a StreamReader while it is below its limit. */
function tooLarge(max: number, actual: number): HTTPRequestEntityTooLarge {
  return new HTTPRequestEntityTooLarge({
    text: `Maximum request body size ${max} exceeded, actual body size ${actual}`,
  });
}

const readCoro = coroutine(function* (r: Request): Coro<Uint8Array> {
  if (r._bytes !== null) return r._bytes;
  const max = r.app?.clientMaxSize ?? Infinity;
  const declared = r.contentLength;
  if (declared !== null && declared > max) throw tooLarge(max, declared);
  let bytes: Uint8Array;
  if (r._content !== null) bytes = yield* r._content.read();
  else if (r._host.body === null) bytes = new Uint8Array(0);
  else if (r._host.bodyUsed) {
    throw new RuntimeError("the request body was already read through hostRequest");
  } else bytes = new Uint8Array(yield* wrap(r._host.arrayBuffer(), { loop: r._loop }));
  if (bytes.length > max) throw tooLarge(max, bytes.length);
  return r._bytes = bytes;
});

const textCoro = coroutine(function* (r: Request): Coro<string> {
  return dec.decode(yield* readCoro(r));
});

const jsonCoro = coroutine(function* (r: Request, loads: (text: string) => unknown): Coro<unknown> {
  const text = yield* textCoro(r);
  return loads(text);
});

const postCoro = coroutine(function* (r: Request): Coro<FormData> {
  const ct = r.contentType;
  if (ct !== "application/x-www-form-urlencoded" && ct !== "multipart/form-data") {
    return new FormData();
  }
  const bytes = yield* readCoro(r);
  const parsing = new globalThis.Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": r.headers.get("content-type")! },
  }).formData();
  try {
    return yield* wrap(parsing, { loop: r._loop });
  } catch (e) {
    throw new ValueError(`post(): the ${ct} body is malformed: ${(e as Error).message}`, {
      cause: e,
    });
  }
});
