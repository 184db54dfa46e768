/**
 * aiohttp's `web_response`: `Response`, `StreamResponse` (prepare, then
 * write) and `jsonResponse`, turned into the `Response` Deno.serve sends.
 *
 * @module
 */

import type { AbstractEventLoop } from "../events.ts";
import { ConnectionResetError, RuntimeError } from "../errors.ts";
import { describe } from "../format_helpers.ts";
import type { Future } from "../futures.ts";
import { type Coro, type Coroutine, coroutine } from "../coroutines.ts";
import { ioEnd, ioStart } from "../transports.ts";
import type { Request } from "./web_request.ts";
import { mimeType } from "./helpers.ts";

/** Python's `http.HTTPStatus` phrases, which aiohttp uses as default reasons. */
const REASONS: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  415: "Unsupported Media Type",
  416: "Requested Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/** @internal The standard reason phrase of `status` (`""` when there is none). */
export function reasonFor(status: number): string {
  return REASONS[status] ?? "";
}

/** Statuses whose responses carry no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** What a response body may be. */
export type ResponseBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | null;

/** @internal `headers` option checked and copied into a new `Headers`. */
export function checkHeaders(headers: unknown, where: string): Headers {
  if (headers === undefined || headers === null) return new Headers();
  if (typeof headers !== "object") {
    throw new TypeError(
      `${where}: headers must be a Headers, a plain object or a list of [name, value] pairs, got ${
        describe(headers)
      }`,
    );
  }
  try {
    return new Headers(headers as HeadersInit);
  } catch (e) {
    throw new TypeError(`${where}: bad headers: ${(e as Error).message}`, { cause: e });
  }
}

/** @internal Check a status: an integer Deno can send (200–599). */
export function checkStatus(status: unknown, where: string): number {
  if (typeof status !== "number" || !Number.isInteger(status)) {
    throw new TypeError(`${where}: status must be an integer such as 200, got ${describe(status)}`);
  }
  if (status < 200 || status > 599) {
    throw new RangeError(
      `${where}: status ${status} cannot be sent by Deno.serve (it allows 200 to 599)`,
    );
  }
  return status;
}

const enc = new TextEncoder();

function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array | string> {
  return x !== null && typeof x === "object" &&
    typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** @internal Check a body value. */
export function checkBody(body: unknown, where: string): ResponseBody {
  if (
    body === null || typeof body === "string" || body instanceof Uint8Array ||
    body instanceof ArrayBuffer || body instanceof Blob || body instanceof ReadableStream ||
    isAsyncIterable(body)
  ) return body as ResponseBody;
  throw new TypeError(
    `${where}: body must be a string, Uint8Array, ArrayBuffer, Blob, ReadableStream or ` +
      `async iterable of chunks, got ${describe(body)}; for a JSON value use jsonResponse()`,
  );
}

/** @internal The Response Deno sends. */
export function toHostResponse(
  body: ResponseBody,
  status: number,
  reason: string,
  headers: HeadersInit,
): globalThis.Response {
  let b: BodyInit | null;
  if (NULL_BODY.has(status) || body === null) b = null;
  else if (isAsyncIterable(body) && !(body instanceof ReadableStream)) {
    const it = body;
    b = ReadableStream.from((async function* () {
      for await (const chunk of it) yield typeof chunk === "string" ? enc.encode(chunk) : chunk;
    })());
  } else b = body as BodyInit;
  const init: ResponseInit = { status, headers };
  if (reason !== REASONS[status]) init.statusText = reason;
  return new globalThis.Response(b, init);
}

/** Options of {@linkcode StreamResponse}. */
export interface StreamResponseOptions {
  /** The status (default 200). */
  status?: number;
  /** The reason phrase (by default the standard one). */
  reason?: string;
  /** Response headers. */
  headers?: HeadersInit;
}

/** Options of {@linkcode Response}. */
export interface ResponseOptions extends StreamResponseOptions {
  /** The body as text (sent as UTF-8 with `text/plain` unless `contentType` says otherwise). */
  text?: string;
  /** The body: bytes, a string, a `ReadableStream` or an async iterable of chunks. */
  body?: ResponseBody;
  /** The Content-Type (`text/plain` for `text`, `application/octet-stream` for `body`). */
  contentType?: string;
  /** The charset added to a text Content-Type (default `utf-8`). */
  charset?: string;
}

/**
 * aiohttp's `StreamResponse`: send the status and headers with
 * `prepare(request)`, then the body piece by piece with `write()` (which
 * waits while the client is slower than the handler), and end it with
 * `writeEof()` (also done when the handler returns).
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const handler = async (request: web.Request) => {
 *   const resp = new web.StreamResponse({ headers: { "content-type": "text/plain" } });
 *   await resp.prepare(request);
 *   for (let i = 0; i < 3; i++) await resp.write(`line ${i}\n`);
 *   await resp.writeEof();
 *   return resp;
 * };
 * ```
 */
export class StreamResponse {
  /** The status. */
  status: number;
  /** The reason phrase. */
  reason: string;
  /** @internal */ _headers: Headers | null;
  /** @internal */ _controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal A writer waiting for the client to take data. */ _waiter: Future<void> | null =
    null;
  /** @internal The client went away. */ _gone = false;
  /** @internal */ _eof = false;

  /**
   * Make a streaming response; send it with `prepare(request)`.
   *
   * @param options `status`, `reason`, `headers`.
   */
  constructor(options: StreamResponseOptions = {}) {
    const where = `${new.target.name}()`;
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `${where}: expected an options object such as { text: "hello", status: 200 }, got ${
          describe(options)
        }`,
      );
    }
    this.status = checkStatus(options.status ?? 200, where);
    const reason = options.reason ?? REASONS[this.status] ?? "";
    if (typeof reason !== "string") {
      throw new TypeError(`${where}: reason must be a string, got ${describe(reason)}`);
    }
    this.reason = reason;
    this._headers = options.headers === undefined ? null : checkHeaders(options.headers, where);
  }

  /** The response headers (a mutable `Headers`). */
  get headers(): Headers {
    return this._headers ??= new Headers();
  }

  /** The Content-Type header without parameters, or `application/octet-stream`. */
  get contentType(): string {
    return mimeType(this._headers?.get("content-type"));
  }
  set contentType(value: string) {
    this.headers.set("content-type", value);
  }

  /** Whether `prepare()` was called (the status and headers are on their way). */
  get prepared(): boolean {
    return this._controller !== null;
  }

  /**
   * Send the status and headers; the body follows with `write()`.
   *
   * @param request The request being answered.
   * @returns A coroutine.
   */
  prepare(request: Request): Coroutine<void> {
    return prepareCoro(this, request);
  }

  /**
   * Send a piece of the body; waits while the client has not taken the
   * previous pieces (64 KiB are buffered).
   *
   * @param data Bytes, or a string sent as UTF-8.
   * @returns A coroutine.
   * @throws {RuntimeError} Before `prepare()` or after `writeEof()`.
   * @throws {ConnectionResetError} When the client went away.
   */
  write(data: Uint8Array | string): Coroutine<void> {
    return writeCoro(this, data);
  }

  /**
   * End the body (optionally with a last piece).
   *
   * @param data A last piece of the body.
   * @returns A coroutine.
   */
  writeEof(data?: Uint8Array | string): Coroutine<void> {
    return writeEofCoro(this, data);
  }

  /** @internal The Response Deno sends, for one that was not prepared. */
  _toHost(): globalThis.Response {
    return toHostResponse(null, this.status, this.reason, this._headers ?? {});
  }

  /** @internal The handler is done: end a prepared body. */
  _finish(): void {
    if (this._controller !== null && !this._eof) {
      this._eof = true;
      if (!this._gone) {
        try {
          this._controller.close();
        } catch {
          // the client went away
        }
      }
    }
  }

  /**
   * @internal The handler failed (or answered with another response) after
   * this one was sent: its body cannot end cleanly, so the connection is
   * broken off, as aiohttp closes the transport then.
   */
  _abort(): void {
    if (this._controller !== null && !this._eof) {
      this._eof = true;
      if (!this._gone) {
        try {
          this._controller.error(new Error("the handler failed after the response was prepared"));
        } catch {
          // the client went away
        }
      }
    }
  }

  /** @internal Wake the writer waiting for the client. */
  _wake(): void {
    const w = this._waiter;
    if (w !== null) {
      this._waiter = null;
      ioEnd(this._loop!);
      if (!w.done()) w.setResult(undefined);
    }
  }
}

const wakeResponse = (r: StreamResponse) => r._wake();

const prepareCoro = coroutine(function* (r: StreamResponse, request: Request): Coro<void> {
  if (r._controller !== null) return;
  if (request === null || typeof request !== "object" || typeof request._respond !== "function") {
    throw new TypeError(
      `StreamResponse.prepare(): expected the web.Request being answered, got ${describe(request)}`,
    );
  }
  if (request._responder === null) {
    throw new RuntimeError(
      "StreamResponse.prepare(): this request is not being served (made by hand, or answered already)",
    );
  }
  const loop = request._loop;
  r._loop = loop;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      r._controller = controller;
    },
    pull() {
      if (r._waiter !== null && !loop.isClosed()) loop._schedule(wakeResponse, r);
    },
    cancel() {
      r._gone = true;
      if (r._waiter !== null && !loop.isClosed()) loop._schedule(wakeResponse, r);
    },
  }, { highWaterMark: 65536, size: (chunk) => chunk.byteLength });
  request._respond(
    toHostResponse(stream, r.status, r.reason, r._headers ?? {}),
  );
  request._prepared = r;
});

const writeCoro = coroutine(function* (r: StreamResponse, data: Uint8Array | string): Coro<void> {
  const c = r._controller;
  if (c === null) throw new RuntimeError("Cannot call write() before prepare()");
  if (r._eof) throw new RuntimeError("Cannot call write() after writeEof()");
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(`write(): data must be a Uint8Array or a string, got ${describe(data)}`);
  }
  if (r._gone) throw new ConnectionResetError("Cannot write to closing transport");
  const bytes = typeof data === "string" ? enc.encode(data) : data;
  if (bytes.length === 0) return;
  c.enqueue(bytes);
  while ((c.desiredSize ?? 1) <= 0 && !r._gone) {
    const loop = r._loop!;
    const w = loop.createFuture<void>();
    r._waiter = w;
    ioStart(loop);
    try {
      yield* w;
    } finally {
      if (r._waiter === w) {
        r._waiter = null;
        ioEnd(loop);
      }
    }
  }
  if (r._gone) throw new ConnectionResetError("Cannot write to closing transport");
});

const writeEofCoro = coroutine(
  function* (r: StreamResponse, data?: Uint8Array | string): Coro<void> {
    if (r._eof) return;
    if (data !== undefined && data !== null) yield* writeCoro(r, data);
    r._finish();
  },
);

/**
 * aiohttp's `web.Response`: a whole response, from `text` or `body`.
 * A handler returns it.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const handler = (request: web.Request) =>
 *   new web.Response({ text: request.path, status: 201 });
 * const resp = new web.Response({ text: "hi" });
 * console.log(resp.status, resp.text, resp.contentType); // 200 "hi" "text/plain"
 * ```
 */
export class Response extends StreamResponse {
  /** @internal */ _body: ResponseBody;
  /** @internal */ _ct: string | null;

  /**
   * Make a response.
   *
   * @param options `text` or `body`, `status` (200), `reason`, `headers`,
   * `contentType`, `charset`.
   * @throws {TypeError} For both `text` and `body`, or a value of the wrong type.
   */
  constructor(options: ResponseOptions = {}) {
    super(options);
    const where = `${new.target.name}()`;
    const { text, body, contentType, charset } = options;
    if (text !== undefined && body !== undefined) {
      throw new TypeError(`${where}: give either text or body, not both`);
    }
    if (contentType !== undefined && typeof contentType !== "string") {
      throw new TypeError(`${where}: contentType must be a string, got ${describe(contentType)}`);
    }
    if (charset !== undefined && typeof charset !== "string") {
      throw new TypeError(`${where}: charset must be a string, got ${describe(charset)}`);
    }
    if (contentType !== undefined && this._headers?.has("content-type")) {
      throw new TypeError(
        `${where}: give the content type either as contentType or in headers, not both`,
      );
    }
    if (text !== undefined) {
      if (typeof text !== "string") {
        throw new TypeError(
          `${where}: text must be a string, got ${describe(text)}; use body for bytes`,
        );
      }
      this._body = text;
      const ct = contentType ?? "text/plain";
      this._ct = ct.includes("charset=") ? ct : `${ct}; charset=${charset ?? "utf-8"}`;
    } else {
      this._body = body === undefined ? null : checkBody(body, where);
      this._ct = contentType !== undefined
        ? (charset !== undefined ? `${contentType}; charset=${charset}` : contentType)
        : (this._body === null ? null : "application/octet-stream");
    }
    if (this._ct !== null && this._headers?.has("content-type")) this._ct = null;
  }

  /** The response headers (a mutable `Headers`). */
  override get headers(): Headers {
    if (this._headers === null) {
      this._headers = new Headers();
      if (this._ct !== null) this._headers.set("content-type", this._ct);
      this._ct = null;
    } else if (this._ct !== null) {
      this._headers.set("content-type", this._ct);
      this._ct = null;
    }
    return this._headers;
  }

  /** The Content-Type without parameters. */
  override get contentType(): string {
    return mimeType(this._ct ?? this._headers?.get("content-type"));
  }
  override set contentType(value: string) {
    this.headers.set("content-type", value);
  }

  /** The body as given (a string for `text`). */
  get body(): ResponseBody {
    return this._body;
  }

  /** The body as text, when it was given as a string; else `null`. */
  get text(): string | null {
    return typeof this._body === "string" ? this._body : null;
  }

  /** @internal */
  override _toHost(): globalThis.Response {
    const h = this._headers;
    const ct = this._ct;
    let headers: HeadersInit;
    if (h === null) headers = ct === null ? {} : { "content-type": ct };
    else {
      if (ct !== null) h.set("content-type", ct);
      headers = h;
    }
    return toHostResponse(this._body, this.status, this.reason, headers);
  }
}

/** Options of {@linkcode jsonResponse}. */
export interface JsonResponseOptions extends StreamResponseOptions {
  /** The Content-Type (default `application/json`). */
  contentType?: string;
  /** The serializer (default `JSON.stringify`). */
  dumps?: (data: unknown) => string;
}

/**
 * aiohttp's `web.json_response`: a response with `data` as JSON.
 *
 * @param data The value (serialized with `JSON.stringify` unless `dumps` is given).
 * @param options `status`, `reason`, `headers`, `contentType`, `dumps`.
 * @returns The response.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const resp = web.jsonResponse({ ok: true });
 * console.log(resp.text, resp.contentType); // '{"ok":true}' "application/json"
 * ```
 */
export function jsonResponse(data: unknown, options: JsonResponseOptions = {}): Response {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `jsonResponse(): options must be an object such as { status: 201 }, got ${describe(options)}`,
    );
  }
  const dumps = options.dumps ?? JSON.stringify;
  if (typeof dumps !== "function") {
    throw new TypeError(`jsonResponse(): dumps must be a function, got ${describe(dumps)}`);
  }
  const text = dumps(data);
  if (typeof text !== "string") {
    throw new TypeError(
      `jsonResponse(): ${describe(data)} cannot be serialized as JSON (dumps returned ${
        describe(text)
      })`,
    );
  }
  return new Response({
    text,
    status: options.status,
    reason: options.reason,
    headers: options.headers,
    contentType: options.contentType ?? "application/json",
  });
}
