/**
 * The HTTP client (aiohttp's `ClientSession`, on Deno's `fetch`):
 * `ClientSession`, `ClientTimeout`, and the request a session's verbs
 * return, which is awaitable (`yield*` or `await` it for the response)
 * and an async context manager (`asyncWith(session.get(url), body)`
 * releases the response at the end).
 *
 * Each request has its own `AbortController`: cancelling the task that
 * waits for it (or a `timeout()` expiring around it) aborts the `fetch`,
 * and so do the `ClientTimeout` limits, `release()` of an unread response,
 * and `session.close()`. While a `fetch` or a body read is in flight it
 * counts as host work of the loop (see `wrap()`).
 *
 * @module
 */

import { checkSeconds } from "../seconds.ts";
import { getRunningLoop } from "../events.ts";
import { type Coro, type Coroutine, coroutine, LightCoro, lightCoroutine } from "../coroutines.ts";
import { iterReturn } from "../futures.ts";
import { RuntimeError, ValueError } from "../errors.ts";
import { describe, REPR } from "../format_helpers.ts";
import { _Deadlines, _Exchange, ClientResponse } from "./client_reqrep.ts";
import { DEFAULT_LIMIT } from "../streams.ts";
import type { AbstractEventLoop } from "../events.ts";
import { InvalidURL } from "./client_exceptions.ts";

// --- ClientTimeout --------------------------------------------------------------

/** The fields of a `ClientTimeout`, in seconds; `null` or 0: no limit. */
export interface ClientTimeoutOptions {
  /** The whole exchange: connecting, sending, the headers and reading the body. */
  total?: number | null;
  /** Getting a connection (accepted; see `ClientTimeout.connect`). */
  connect?: number | null;
  /** The longest wait for data from the server: the headers, then each body chunk. */
  sockRead?: number | null;
  /** Connecting the socket (accepted; see `ClientTimeout.sockConnect`). */
  sockConnect?: number | null;
}

const TIMEOUT_FIELDS = ["total", "connect", "sockRead", "sockConnect"] as const;

function checkTimeoutField(value: unknown, name: string): number | null {
  const seconds = checkSeconds(value, "ClientTimeout", name, { nullable: true });
  return seconds === 0 || seconds === Infinity ? null : seconds;
}

/**
 * Time limits of a session or of one request (aiohttp's `ClientTimeout`),
 * in seconds; `null` (or 0) means no limit. A session's default is
 * aiohttp's: `total` 300 seconds, nothing else.
 *
 * - `total` bounds the whole exchange, reading the body included; past it
 *   the request is aborted and the call throws asyncio's `TimeoutError`.
 * - `sockRead` bounds each wait for data from the server (the headers,
 *   then every chunk of the body); past it the request is aborted and the
 *   call throws `ServerTimeoutError`.
 * - `connect` and `sockConnect` are accepted and kept, but `fetch` does
 *   not say when its connection is made, so they are not enforced on
 *   their own: `total` covers connecting.
 *
 * @example
 * ```ts
 * import { ClientSession, ClientTimeout } from "./client_mod.ts";
 * const timeout = new ClientTimeout({ total: 10, sockRead: 2 });
 * const session = new ClientSession({ timeout });
 * console.log(session.timeout.total, session.timeout.sockRead); // 10 2
 * ```
 */
export class ClientTimeout {
  /** The whole exchange, or `null`. */
  readonly total: number | null;
  /** Getting a connection, or `null` (not enforced by `fetch`). */
  readonly connect: number | null;
  /** Each wait for data from the server, or `null`. */
  readonly sockRead: number | null;
  /** Connecting the socket, or `null` (not enforced by `fetch`). */
  readonly sockConnect: number | null;

  /**
   * Make a set of limits.
   *
   * @param options `total`, `connect`, `sockRead`, `sockConnect`, in seconds.
   * @throws {TypeError} For an unknown field or a value that is not a number.
   * @throws {ValueError} For a negative value.
   */
  constructor(options: ClientTimeoutOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `ClientTimeout: expected an object such as { total: 10 }, got ${describe(options)}`,
      );
    }
    for (const key of Object.keys(options)) {
      if (!(TIMEOUT_FIELDS as readonly string[]).includes(key)) {
        throw new TypeError(
          `ClientTimeout: unknown field ${JSON.stringify(key)}; the fields are ${
            TIMEOUT_FIELDS.join(", ")
          }`,
        );
      }
    }
    this.total = checkTimeoutField(options.total, "total");
    this.connect = checkTimeoutField(options.connect, "connect");
    this.sockRead = checkTimeoutField(options.sockRead, "sockRead");
    this.sockConnect = checkTimeoutField(options.sockConnect, "sockConnect");
    Object.freeze(this);
  }

  /** aiohttp's repr: `ClientTimeout(total=300, connect=None, sock_read=None, sock_connect=None)`. */
  toString(): string {
    const py = (v: number | null) => (v === null ? "None" : String(v));
    return `ClientTimeout(total=${py(this.total)}, connect=${py(this.connect)}, sock_read=${
      py(this.sockRead)
    }, sock_connect=${py(this.sockConnect)})`;
  }
}

/**
 * The default limits of a session: aiohttp's, `total` 300 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUT } from "@yieldfrom/asyncio/http";
 * console.log(String(DEFAULT_TIMEOUT)); // ClientTimeout(total=300, connect=None, sock_read=None, sock_connect=None)
 * ```
 */
export const DEFAULT_TIMEOUT: ClientTimeout = new ClientTimeout({ total: 300 });

const NO_TIMEOUT = new ClientTimeout();

function toTimeout(value: unknown, where: string): ClientTimeout {
  if (value instanceof ClientTimeout) return value;
  if (value === null) return NO_TIMEOUT;
  if (typeof value === "number") return new ClientTimeout({ total: value });
  if (typeof value === "object" && value !== null) {
    return new ClientTimeout(value as ClientTimeoutOptions);
  }
  throw new TypeError(
    `${where}: timeout must be a ClientTimeout, an object of its fields, a number of ` +
      `seconds (total) or null (no limit), got ${describe(value)}`,
  );
}

// --- arguments ------------------------------------------------------------------

/** Query parameters: an object (array values repeat the key), pairs, a string or `URLSearchParams`. */
export type Params =
  | Record<string, string | number | bigint | readonly (string | number | bigint)[]>
  | readonly (readonly [string, string | number | bigint])[]
  | URLSearchParams
  | string;

/**
 * A request body for `data`: text, bytes, a `Blob`, form fields (an object,
 * `URLSearchParams` or `FormData`), or a stream to upload (a
 * `ReadableStream`, or an async iterable of bytes or strings).
 */
export type RequestData =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Record<string, string | number>;

/** Options of one request (aiohttp's `session.request(...)` keyword arguments). */
export interface RequestOptions {
  /** Query parameters added to the URL's. */
  params?: Params;
  /** Headers, on top of the session's. */
  headers?: HeadersInit;
  /** The body (see `RequestData`); not with `json`. */
  data?: RequestData | null;
  /** A value sent as JSON (`Content-Type: application/json`); not with `data`. */
  json?: unknown;
  /**
   * Limits for this request instead of the session's: a `ClientTimeout`,
   * its fields, `total` seconds, or `null` for none.
   */
  timeout?: ClientTimeout | ClientTimeoutOptions | number | null;
  /** Follow redirects (default true; false for `head()`, as aiohttp). */
  allowRedirects?: boolean;
  /** Call `raiseForStatus()` on the response (default: the session's setting). */
  raiseForStatus?: boolean;
  /** The buffer limit of `content` in bytes (default: the session's, 64 KiB). */
  readBufsize?: number;
}

const REQUEST_OPTIONS = [
  "params",
  "headers",
  "data",
  "json",
  "timeout",
  "allowRedirects",
  "raiseForStatus",
  "readBufsize",
];

/** Options of `new ClientSession()`. */
export interface ClientSessionOptions {
  /** The URL relative request URLs are resolved against (`new URL(url, baseUrl)`). */
  baseUrl?: string | URL;
  /** Headers sent with every request. */
  headers?: HeadersInit;
  /** The default limits (default: `total` 300 seconds; `null`: none). */
  timeout?: ClientTimeout | ClientTimeoutOptions | number | null;
  /** Call `raiseForStatus()` on every response (default false). */
  raiseForStatus?: boolean;
  /** The buffer limit of each response's `content`, in bytes (default 64 KiB). */
  readBufsize?: number;
}

const SESSION_OPTIONS = ["baseUrl", "headers", "timeout", "raiseForStatus", "readBufsize"];

function checkKeys(options: object, allowed: string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `${where}: unknown option ${JSON.stringify(key)}; the options are ${allowed.join(", ")}`,
      );
    }
  }
}

function checkBufsize(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(
      `${where}: readBufsize must be a positive integer, got ${describe(value)}`,
    );
  }
  return value;
}

function checkBool(value: unknown, name: string, where: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  }
  return value;
}

function makeHeaders(init: unknown, where: string): Headers {
  try {
    return new Headers(init as HeadersInit);
  } catch (e) {
    throw new TypeError(
      `${where}: headers must be an object of names to values, pairs or Headers, got ${
        describe(init)
      } (${(e as Error).message})`,
    );
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function addParams(url: URL, params: unknown, where: string): void {
  const q = url.searchParams;
  const value = (v: unknown, key: string): string => {
    if (typeof v === "string") return v;
    if ((typeof v === "number" && Number.isFinite(v)) || typeof v === "bigint") return String(v);
    throw new TypeError(
      `${where}: the query parameter ${JSON.stringify(key)} must be a string or a number, got ${
        describe(v)
      }`,
    );
  };
  if (typeof params === "string") {
    for (const [k, v] of new URLSearchParams(params)) q.append(k, v);
  } else if (params instanceof URLSearchParams) {
    for (const [k, v] of params) q.append(k, v);
  } else if (Array.isArray(params)) {
    for (const pair of params) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
        throw new TypeError(
          `${where}: params pairs must be [name, value] arrays, got ${describe(pair)}`,
        );
      }
      q.append(pair[0], value(pair[1], pair[0]));
    }
  } else if (typeof params === "object" && params !== null) {
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) { for (const item of v) q.append(k, value(item, k)); }
      else q.append(k, value(v, k));
    }
  } else {
    throw new TypeError(
      `${where}: params must be an object, [name, value] pairs, a string or URLSearchParams, ` +
        `got ${describe(params)}`,
    );
  }
}

const encoder = new TextEncoder();

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === "object" && x !== null &&
    typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** A ReadableStream reading an async iterable of bytes or strings, one item per pull. */
function iterableStream(
  iterable: AsyncIterable<unknown>,
  where: string,
): ReadableStream<Uint8Array> {
  const it = iterable[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) {
        controller.close();
        return;
      }
      const v = r.value;
      if (typeof v === "string") controller.enqueue(encoder.encode(v));
      else if (v instanceof Uint8Array) controller.enqueue(v);
      else {
        throw new TypeError(
          `${where}: an uploaded stream must give bytes (Uint8Array) or strings, got ${
            describe(v)
          }`,
        );
      }
    },
    async cancel(reason) {
      await it.return?.(reason);
    },
  });
}

/** The body and its default content type, from `data`/`json`. */
function prepareBody(
  options: RequestOptions,
  where: string,
): { body: BodyInit | null; type: string | null; stream: boolean } {
  const { data, json } = options;
  const hasData = data !== undefined && data !== null;
  if (hasData && json !== undefined) {
    throw new ValueError(`${where}: data and json parameters can not be used at the same time`);
  }
  if (json !== undefined) {
    let text: string | undefined;
    try {
      text = JSON.stringify(json);
    } catch (e) {
      throw new TypeError(`${where}: json is not JSON-serializable: ${(e as Error).message}`);
    }
    if (text === undefined) {
      throw new TypeError(`${where}: json is not JSON-serializable: ${describe(json)}`);
    }
    return { body: text, type: "application/json", stream: false };
  }
  if (!hasData) return { body: null, type: null, stream: false };
  if (typeof data === "string") {
    return { body: data, type: "text/plain; charset=utf-8", stream: false };
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    return { body: data as BodyInit, type: "application/octet-stream", stream: false };
  }
  if (data instanceof Blob || data instanceof URLSearchParams || data instanceof FormData) {
    return { body: data, type: null, stream: false };
  }
  if (data instanceof ReadableStream) {
    return { body: data, type: "application/octet-stream", stream: true };
  }
  if (isAsyncIterable(data)) {
    return {
      body: iterableStream(data, where),
      type: "application/octet-stream",
      stream: true,
    };
  }
  if (typeof data === "object" && Object.getPrototypeOf(data) === Object.prototype) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== "string" && typeof v !== "number") {
        throw new TypeError(
          `${where}: the form field ${JSON.stringify(k)} must be a string or a number, got ${
            describe(v)
          }`,
        );
      }
      form.append(k, String(v));
    }
    return { body: form, type: null, stream: false };
  }
  throw new TypeError(
    `${where}: data must be a string, bytes, a Blob, form fields (an object, URLSearchParams ` +
      `or FormData), a ReadableStream or an async iterable of bytes, got ${describe(data)}`,
  );
}

// --- the request ------------------------------------------------------------------

/**
 * A request made by a `ClientSession` verb (aiohttp's
 * `_RequestContextManager`). Nothing is sent until it is awaited or
 * entered:
 *
 * - `yield* session.get(url)` (generator coroutines) or `await
 *   session.get(url)` (async code) sends it and gives the `ClientResponse`;
 *   so do `createTask(session.get(url))` and `gather(...)`.
 * - `asyncWith(session.get(url), (resp) => …)` gives the response to the
 *   body and releases it when the body ends, however it ends.
 * - `await using req = session.get(url)` releases the response (once
 *   awaited) at the end of the block; `await using resp = await
 *   session.get(url)` does the same with the response itself.
 *
 * It runs once: a second await is a `RuntimeError`.
 *
 * @example
 * ```ts ignore
 * import { ClientSession } from "./client_mod.ts";
 * import { asyncWith, run } from "../../mod.ts";
 * await run(function* () {
 *   const session = new ClientSession();
 *   const text = yield* asyncWith(session.get("http://127.0.0.1:8080/"), function* (resp) {
 *     return yield* resp.text();
 *   });
 *   console.log(text);
 *   yield* session.close();
 * });
 * ```
 */
export class RequestContextManager extends LightCoro<ClientResponse> {
  /** The method, upper case. */
  readonly method: string;
  /** The URL, with the parameters added. */
  readonly url: URL;
  /** @internal The headers to send, or `null` for none. */ _headers: Headers | null;
  /** @internal */ readonly _sent = (): Headers => this.headers;
  /** @internal */ _session: ClientSession;
  /** @internal */ _body: BodyInit | null;
  /** @internal */ _stream: boolean;
  /** @internal */ _timeout: ClientTimeout;
  /** @internal */ _redirect: boolean;
  /** @internal */ _raise: boolean;
  /** @internal */ _limit: number;
  /** @internal The coroutine sending it, once started. */ _coro: Coro<ClientResponse> | null =
    null;
  /** @internal It ran (or runs) already. */ _started = false;
  /** @internal The response, once it arrived. */ _resp: ClientResponse | null = null;
  /** @internal Phantom field: what `asyncWith` enters with. */
  declare readonly __aenterType?: ClientResponse;

  /** @internal Made by `ClientSession.request()`. */
  constructor(
    session: ClientSession,
    method: string,
    url: URL,
    headers: Headers | null,
    body: { body: BodyInit | null; stream: boolean },
    timeout: ClientTimeout,
    redirect: boolean,
    raise: boolean,
    limit: number,
  ) {
    super();
    this._session = session;
    this.method = method;
    this.url = url;
    this._headers = headers;
    this._body = body.body;
    this._stream = body.stream;
    this._timeout = timeout;
    this._redirect = redirect;
    this._raise = raise;
    this._limit = limit;
  }

  /** The headers that will be sent (the session's and the request's). */
  get headers(): Headers {
    return this._headers ??= new Headers();
  }

  /** Step the request's coroutine (it starts at the first step). */
  override next(): IteratorResult<unknown, ClientResponse> {
    let coro = this._coro;
    if (coro === null) {
      if (this._started) throw reuseError();
      this._started = true;
      coro = this._coro = requestCoro(this);
    }
    const r = coro.next();
    if (r.done) this._coro = null;
    return r;
  }

  /** Throw into the request's coroutine (a cancellation while it waits). */
  override throw(error: unknown): IteratorResult<unknown, ClientResponse> {
    const coro = this._coro;
    if (coro === null) throw error;
    const r = coro.throw(error);
    if (r.done) this._coro = null;
    return r;
  }

  /** Close the request's coroutine early. */
  override return(value: ClientResponse): IteratorResult<unknown, ClientResponse> {
    const coro = this._coro;
    this._coro = null;
    this._started = true;
    coro?.return(undefined as unknown as ClientResponse);
    return iterReturn(value);
  }

  /** `yield* request`: the request runs once. */
  override [Symbol.iterator](): this {
    if (this._started) throw reuseError();
    return this;
  }

  // aenter/aexit are generator methods: `asyncWith` runs them inline in the
  // calling task (a plain method would be called inside the task's context).

  /** Entering `asyncWith(request, body)`: send it; the body gets the response. */
  *aenter(): Coro<ClientResponse> {
    return yield* this;
  }

  /** Leaving `asyncWith(request, body)`: release the response. */
  *aexit(_error: unknown): Coro<void> {
    this._resp?.release();
  }

  /** `await using req = session.get(url)`: release the response, if it arrived. */
  [Symbol.asyncDispose](): Promise<void> {
    this._resp?.release();
    return Promise.resolve();
  }

  /** `<RequestContextManager GET http://…/>`. */
  [REPR](): string {
    return `<RequestContextManager ${this.method} ${this.url.href}>`;
  }

  /** The repr. */
  override toString(): string {
    return this[REPR]();
  }
}
lightCoroutine(RequestContextManager, "request");

function reuseError(): RuntimeError {
  return new RuntimeError(
    "cannot reuse already awaited request: a request runs once; call session.get(...) (or " +
      "another verb) again for a new one",
  );
}

function closedError(): RuntimeError {
  return new RuntimeError(
    "Session is closed: it sends no new requests; make a new ClientSession",
  );
}

const requestCoro = coroutine(function* request(rcm: RequestContextManager): Coro<ClientResponse> {
  const session = rcm._session;
  if (session._closed) throw closedError();
  const loop = getRunningLoop();
  const timeout = rcm._timeout;
  const ex = new _Exchange(
    loop,
    rcm.url,
    timeout.total,
    timeout.sockRead,
    rcm._limit,
    session._onDone,
    session._deadlinesFor(loop, timeout),
  );
  session._exchanges.add(ex);
  const init: RequestInit & { duplex?: "half" } = {
    method: rcm.method,
    headers: rcm._headers ?? undefined,
    body: rcm._body,
    signal: ex.controller.signal,
    redirect: rcm._redirect ? "follow" : "manual",
  };
  if (rcm._stream) init.duplex = "half";
  let res: Response;
  try {
    res = yield* ex.hostWait(fetch(rcm.url.href, init));
  } catch (e) {
    ex.finish();
    throw ex.fetchError(e);
  }
  const resp = new ClientResponse(ex, res, rcm.method, rcm.url, rcm._sent);
  rcm._resp = resp;
  if (ex.reason !== null) resp._bodyAborted(ex.error(undefined));
  if (rcm._raise) resp.raiseForStatus();
  return resp;
});

// --- ClientSession ------------------------------------------------------------------

/**
 * An HTTP client session (aiohttp's `ClientSession`), on Deno's `fetch`:
 * default headers, a base URL and time limits shared by its requests.
 * Each verb returns a request that is awaitable and an async context
 * manager (see `RequestContextManager`). Close it with `close()`, or use
 * it through `asyncWith(new ClientSession(), (session) => …)` or `await
 * using`; a closed session refuses new requests and aborts those in
 * flight.
 *
 * @example
 * ```ts
 * import { ClientSession } from "./client_mod.ts";
 * import { asyncWith, run } from "../../mod.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) =>
 *   Response.json({ path: new URL(req.url).pathname }));
 * await run(async () => {
 *   await asyncWith(new ClientSession({ baseUrl: `http://127.0.0.1:${server.addr.port}` }), (session) =>
 *     asyncWith(session.get("/hello"), async (resp) => {
 *       console.log(resp.status, await resp.json()); // 200 { path: "/hello" }
 *     }));
 * });
 * await server.shutdown();
 * ```
 */
export class ClientSession {
  /** @internal */ _baseUrl: URL | null;
  /** @internal */ _headers: Headers;
  /** @internal */ _hasHeaders: boolean;
  /** @internal */ _timeout: ClientTimeout;
  /** @internal */ _raise: boolean;
  /** @internal */ _limit: number;
  /** @internal */ _closed = false;
  /** @internal The exchanges in flight (aborted by `close()`). */ _exchanges: Set<_Exchange> =
    new Set();
  /** @internal An exchange ended. */
  readonly _onDone = (ex: _Exchange): void => {
    this._exchanges.delete(ex);
  };
  /** @internal Phantom field: what `asyncWith` enters with. */
  declare readonly __aenterType?: ClientSession;

  /**
   * Make a session.
   *
   * @param options `baseUrl`, `headers`, `timeout` (a `ClientTimeout`, its
   * fields, or `total` seconds), `raiseForStatus`, `readBufsize`.
   * @throws {TypeError} For an unknown option or a value of the wrong type.
   * @throws {InvalidURL} For a `baseUrl` that is not an absolute http(s) URL.
   */
  constructor(options: ClientSessionOptions = {}) {
    const where = "ClientSession()";
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `${where}: options must be an object such as { baseUrl, headers, timeout }, got ${
          describe(options)
        }`,
      );
    }
    checkKeys(options, SESSION_OPTIONS, where);
    const { baseUrl, headers, timeout, raiseForStatus, readBufsize } = options;
    this._baseUrl = null;
    if (baseUrl !== undefined) {
      if (typeof baseUrl !== "string" && !(baseUrl instanceof URL)) {
        throw new TypeError(
          `${where}: baseUrl must be a string or a URL, got ${describe(baseUrl)}`,
        );
      }
      let u: URL;
      try {
        u = new URL(baseUrl);
      } catch {
        throw new InvalidURL(String(baseUrl), "baseUrl must be an absolute URL");
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") {
        throw new InvalidURL(String(baseUrl), "baseUrl must be an http: or https: URL");
      }
      this._baseUrl = u;
    }
    this._headers = headers === undefined ? new Headers() : makeHeaders(headers, where);
    this._hasHeaders = [...this._headers.keys()].length > 0;
    this._timeout = timeout === undefined ? DEFAULT_TIMEOUT : toTimeout(timeout, where);
    this._raise = raiseForStatus === undefined
      ? false
      : checkBool(raiseForStatus, "raiseForStatus", where);
    this._limit = readBufsize === undefined ? DEFAULT_LIMIT : checkBufsize(readBufsize, where);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this._closed;
  }

  /** The base URL, or `null`. */
  get baseUrl(): URL | null {
    return this._baseUrl === null ? null : new URL(this._baseUrl.href);
  }

  /** The headers sent with every request (a copy). */
  get headers(): Headers {
    return new Headers(this._headers);
  }

  /** The default time limits. */
  get timeout(): ClientTimeout {
    return this._timeout;
  }

  /**
   * Make a request (aiohttp's `session.request(method, url, **kwargs)`):
   * nothing is sent until it is awaited or entered.
   *
   * @param method The HTTP method (any case; sent upper case).
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options `params`, `headers`, `data` or `json`, `timeout`,
   * `allowRedirects`, `raiseForStatus`, `readBufsize`.
   * @returns The request: `yield*`/`await` it for the `ClientResponse`, or `asyncWith` it.
   * @throws {RuntimeError} When the session is closed.
   * @throws {InvalidURL} For a URL that is not absolute http(s) (after `baseUrl`).
   * @throws {TypeError} For an unknown option or a value of the wrong type.
   * @throws {ValueError} For a bad method, both `data` and `json`, or a body on GET/HEAD.
   */
  request(method: string, url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request(method, url, options, "request()", true);
  }

  /** @internal */
  _request(
    method: unknown,
    url: unknown,
    options: RequestOptions,
    where: string,
    redirects: boolean,
  ): RequestContextManager {
    if (this._closed) throw closedError();
    if (typeof method !== "string" || !TOKEN.test(method)) {
      throw new ValueError(
        `${where}: method must be an HTTP method name such as "GET", got ${describe(method)}`,
      );
    }
    const m = method.toUpperCase();
    if (typeof url !== "string" && !(url instanceof URL)) {
      throw new TypeError(`${where}: url must be a string or a URL, got ${describe(url)}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `${where}: options must be an object such as { params, headers, json }, got ${
          describe(options)
        }`,
      );
    }
    checkKeys(options, REQUEST_OPTIONS, where);
    let u: URL;
    try {
      u = this._baseUrl === null ? new URL(url) : new URL(url, this._baseUrl);
    } catch {
      throw new InvalidURL(
        String(url),
        this._baseUrl === null
          ? "not an absolute URL (give the session a baseUrl for relative ones)"
          : "not a valid URL",
      );
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new InvalidURL(String(url), `the scheme must be http: or https:, not ${u.protocol}`);
    }
    if (options.params !== undefined) addParams(u, options.params, where);
    let headers = this._hasHeaders ? new Headers(this._headers) : null;
    if (options.headers !== undefined) {
      headers ??= new Headers();
      for (const [k, v] of makeHeaders(options.headers, where)) headers.set(k, v);
    }
    const body = prepareBody(options, where);
    if (body.body !== null && (m === "GET" || m === "HEAD")) {
      throw new ValueError(
        `${where}: a ${m} request cannot carry a body with fetch; send it with post() or put()`,
      );
    }
    if (body.type !== null && !headers?.has("content-type")) {
      (headers ??= new Headers()).set("content-type", body.type);
    }
    const timeout = options.timeout === undefined
      ? this._timeout
      : toTimeout(options.timeout, where);
    const redirect = options.allowRedirects === undefined
      ? redirects
      : checkBool(options.allowRedirects, "allowRedirects", where);
    const raise = options.raiseForStatus === undefined
      ? this._raise
      : checkBool(options.raiseForStatus, "raiseForStatus", where);
    const limit = options.readBufsize === undefined
      ? this._limit
      : checkBufsize(options.readBufsize, where);
    return new RequestContextManager(this, m, u, headers, body, timeout, redirect, raise, limit);
  }

  /**
   * A GET request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  get(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("GET", url, options, "get()", true);
  }

  /**
   * A POST request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`: usually `data` or `json`.
   * @returns The request (awaitable, and an async context manager).
   */
  post(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("POST", url, options, "post()", true);
  }

  /**
   * A PUT request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  put(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("PUT", url, options, "put()", true);
  }

  /**
   * A PATCH request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  patch(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("PATCH", url, options, "patch()", true);
  }

  /**
   * A DELETE request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  delete(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("DELETE", url, options, "delete()", true);
  }

  /**
   * A HEAD request; redirects are not followed unless `allowRedirects` (as aiohttp).
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  head(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("HEAD", url, options, "head()", false);
  }

  /**
   * An OPTIONS request.
   *
   * @param url An absolute URL, or one relative to `baseUrl`.
   * @param options See `request()`.
   * @returns The request (awaitable, and an async context manager).
   */
  options(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this._request("OPTIONS", url, options, "options()", true);
  }

  /**
   * Close the session: it refuses new requests, and the requests still in
   * flight (and unread response bodies) are aborted: their readers get
   * `ClientConnectionError`. Closing again does nothing.
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  close(): Coroutine<void> {
    return closeCoro(this);
  }

  /** `async with session`: the session itself. */
  aenter(): ClientSession {
    return this;
  }

  /** Leaving `async with session`: close it. */
  aexit(_error: unknown): Coroutine<void> {
    return closeCoro(this);
  }

  /** `await using session = new ClientSession()`: close it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    this._close();
    return Promise.resolve();
  }

  /** @internal The deadline queue of the session's default `total`, on the loop of its requests. */
  _deadlines: _Deadlines | null = null;

  /** @internal The queue an exchange with limits `timeout` on `loop` joins, if any. */
  _deadlinesFor(loop: AbstractEventLoop, timeout: ClientTimeout): _Deadlines | null {
    const total = timeout.total;
    if (total === null || timeout !== this._timeout) return null;
    let d = this._deadlines;
    if (d === null || d.loop !== loop) {
      if (d !== null && d.items.size > 0) return null; // requests on two loops at once
      d?.close();
      d = this._deadlines = new _Deadlines(loop, total);
    }
    return d;
  }

  /** @internal */
  _close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const ex of [...this._exchanges]) ex.abort("closed");
    this._exchanges.clear();
    this._deadlines?.close();
    this._deadlines = null;
  }

  /** `<ClientSession open, 2 in flight>`. */
  toString(): string {
    return `<ClientSession ${this._closed ? "closed" : "open"}${
      this._exchanges.size > 0 ? `, ${this._exchanges.size} in flight` : ""
    }>`;
  }
}

const closeCoro = coroutine(function* close(session: ClientSession): Coro<void> {
  session._close();
});
