/**
 * The HTTP client's response (aiohttp's `client_reqrep.ClientResponse`),
 * and the state one request/response exchange shares between the request,
 * its response and its session: the `AbortController` of the `fetch`, the
 * timers of `ClientTimeout`, and why the exchange was aborted.
 *
 * The body is read one of two ways. `read()`, `text()` and `json()` on a
 * response whose `content` was never touched read the whole body at once
 * (the host's `arrayBuffer()`, the cheapest path). Touching `content` makes
 * a `StreamReader` fed from the body's `ReadableStream` with backpressure:
 * a chunk is read from the host only while the reader holds less than its
 * limit, so a slow consumer of a large body holds about one limit of it,
 * never the whole body.
 *
 * @module
 */

import type { AbstractEventLoop } from "../events.ts";
import type { TimerHandle } from "../handles.ts";
import type { Future } from "../futures.ts";
import { type Coro, type Coroutine, coroutine, wrap } from "../coroutines.ts";
import { _fromDenoError, _osError, CancelledError, RuntimeError, ValueError } from "../errors.ts";
import { describe, REPR, repr } from "../format_helpers.ts";
import { HostStreamFeed, StreamReader } from "../streams.ts";
import { charsetOf, mimeType } from "./helpers.ts";
import {
  ClientConnectionError,
  ClientConnectorError,
  ClientPayloadError,
  ClientResponseError,
  ContentTypeError,
  type RequestInfo,
  ServerTimeoutError,
  TimeoutError,
} from "./client_exceptions.ts";

/** Why an exchange was aborted before it finished. */
type AbortReason = "total" | "sockRead" | "released" | "closed" | "cancelled";

/**
 * @internal One request/response exchange: the `fetch`'s controller, the
 * timers of its `ClientTimeout`, and the hook that tells the session it
 * ended. It ends once: when the body has been read, or when it is aborted
 * (released early, timed out, cancelled, the session closed).
 */
export class _Exchange {
  /** @internal */ readonly controller: AbortController = new AbortController();
  /** @internal */ readonly loop: AbstractEventLoop;
  /** @internal Seconds allowed between two reads from the server, or `null`. */
  readonly sockRead: number | null;
  /** @internal The reader's limit for `content`. */ readonly limit: number;
  /** @internal Why it was aborted, or `null`. */ reason: AbortReason | null = null;
  /** @internal */ done = false;
  /** @internal The `total` timer of its own, if it has one. */
  totalTimer: TimerHandle | null = null;
  /** @internal The shared deadline queue it is in, if it is in one. */
  deadlines: _Deadlines | null = null;
  /** @internal Loop time past which `total` aborts it. */ deadline = Infinity;
  /** @internal The response, once the headers arrived. */ response: ClientResponse | null = null;
  /** @internal Called once when the exchange ends. */ onDone: ((ex: _Exchange) => void) | null;
  /** @internal Where the connection went, for `ClientConnectorError`. */ readonly url: URL;

  constructor(
    loop: AbstractEventLoop,
    url: URL,
    total: number | null,
    sockRead: number | null,
    limit: number,
    onDone: ((ex: _Exchange) => void) | null,
    deadlines: _Deadlines | null,
  ) {
    this.loop = loop;
    this.url = url;
    this.sockRead = sockRead;
    this.limit = limit;
    this.onDone = onDone;
    if (total === null) return;
    if (deadlines !== null && deadlines.loop === loop && deadlines.total === total) {
      deadlines.add(this);
    } else {
      this.totalTimer = loop.callLater(total, ABORT_TOTAL, this);
    }
  }

  /** @internal Abort the fetch (and the body) for `reason`; the first reason sticks. */
  abort(reason: AbortReason): void {
    if (this.done) return;
    this.reason = reason;
    this.finish();
    this.controller.abort();
    this.response?._bodyAborted(this.error(undefined));
  }

  /** @internal The exchange is over: stop its timers, tell the session. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.totalTimer !== null) {
      this.totalTimer.cancel();
      this.totalTimer = null;
    }
    if (this.deadlines !== null) {
      this.deadlines.items.delete(this);
      this.deadlines = null;
    }
    const onDone = this.onDone;
    this.onDone = null;
    onDone?.(this);
  }

  /** @internal What the caller sees for a host failure `e`, given why the exchange was aborted. */
  error(e: unknown): unknown {
    switch (this.reason) {
      case "total":
        return new TimeoutError();
      case "sockRead":
        return new ServerTimeoutError();
      case "released":
        return new ClientConnectionError("Connection closed");
      case "closed":
        return new ClientConnectionError("Session is closed");
      case "cancelled":
        return new CancelledError();
    }
    return e;
  }

  /** @internal Map a failure of `fetch()` itself (no response yet). */
  fetchError(e: unknown): unknown {
    if (this.reason !== null) return this.error(e);
    if (!(e instanceof TypeError)) return e;
    const cause = (e as { cause?: unknown }).cause;
    const text = cause instanceof Error ? cause.message : e.message;
    const url = this.url;
    const ssl = url.protocol === "https:";
    const key = {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port === "" ? (ssl ? 443 : 80) : Number(url.port),
      ssl,
    };
    const os = /\(os error (\d+)\)/.exec(text);
    if (os !== null) {
      return new ClientConnectorError(key, _osError(Number(os[1]), undefined, { cause: e }));
    }
    if (/dns error|failed to lookup address|Name or service not known/.test(text)) {
      return new ClientConnectorError(key, _fromDenoError(new Error(text, { cause: e })));
    }
    if (/\(Connect\)|connect error|are blocked/.test(text)) {
      return new ClientConnectorError(key, e);
    }
    return new ClientConnectionError(text, { cause: e });
  }

  /** @internal Map a failure while reading the body. */
  bodyError(e: unknown): unknown {
    if (this.reason !== null) return this.error(e);
    return new ClientPayloadError("Response payload is not completed", { cause: e });
  }

  /** @internal Cancelling the task waiting on a host promise of this exchange aborts it. */
  readonly onCancel = (): void => this.abort("cancelled");

  /**
   * @internal A Future of a host promise of this exchange: cancelling the
   * waiting task aborts the fetch; with `sockRead`, the server must answer
   * within it.
   */
  hostWait<T>(promise: Promise<T>): Future<T> {
    const fut = wrap(promise, { loop: this.loop, abort: this.onCancel });
    if (this.sockRead !== null) {
      const timer = this.loop.callLater(this.sockRead, ABORT_SOCK_READ, this);
      fut.addDoneCallback(() => timer.cancel());
    }
    return fut;
  }
}

const ABORT_TOTAL = (ex: _Exchange): void => ex.abort("total");

/**
 * @internal The `total` deadlines of a session's exchanges that share its
 * default limit, on one loop: they are added in deadline order, so one loop
 * timer, set for the earliest, serves them all (a timer per request would
 * cost a heap insertion and a cancellation each).
 */
export class _Deadlines {
  /** @internal */ readonly loop: AbstractEventLoop;
  /** @internal */ readonly total: number;
  /** @internal The exchanges waiting, in deadline order. */ readonly items: Set<_Exchange> =
    new Set();
  /** @internal */ timer: TimerHandle | null = null;

  constructor(loop: AbstractEventLoop, total: number) {
    this.loop = loop;
    this.total = total;
  }

  /** @internal */
  add(ex: _Exchange): void {
    ex.deadline = this.loop.time() + this.total;
    ex.deadlines = this;
    this.items.add(ex);
    if (this.timer === null) this.timer = this.loop.callAt(ex.deadline, FIRE_DEADLINES, this);
  }

  /** @internal The timer fired: abort the exchanges past their deadline; wait for the next. */
  fire(): void {
    this.timer = null;
    const now = this.loop.time() + 1e-3;
    for (const ex of this.items) {
      if (ex.deadline > now) {
        this.timer = this.loop.callAt(ex.deadline, FIRE_DEADLINES, this);
        return;
      }
      ex.abort("total");
    }
  }

  /** @internal Stop the timer (the session closed). */
  close(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

const FIRE_DEADLINES = (d: _Deadlines): void => d.fire();
const ABORT_SOCK_READ = (ex: _Exchange): void => ex.abort("sockRead");

// --- the body as a StreamReader ---------------------------------------------------

/**
 * @internal Feeds a `StreamReader` from a body stream, standing in as its
 * transport for flow control: a host read is issued only while the reader
 * holds less than its limit, and the reader's reads resume it.
 */
class BodyPump extends HostStreamFeed {
  /** @internal */ _ex: _Exchange;
  /** @internal The sockRead timer of the read in flight. */ _timer: TimerHandle | null = null;

  constructor(stream: ReadableStream<Uint8Array>, reader: StreamReader, ex: _Exchange) {
    super(ex.loop, stream, reader);
    this._ex = ex;
  }

  /** @internal With `sockRead`, the server must send within it. */
  override _readStarted(): void {
    const ex = this._ex;
    if (ex.sockRead !== null) this._timer = ex.loop.callLater(ex.sockRead, ABORT_SOCK_READ, ex);
  }

  /** @internal */
  override _readSettled(): void {
    this._timer?.cancel();
    this._timer = null;
  }

  /** @internal The body was read to its end: the exchange is over. */
  override _ended(): void {
    this._ex.finish();
  }

  /** @internal A broken body is aiohttp's ClientPayloadError; the exchange is over. */
  override _mapError(e: unknown): unknown {
    const ex = this._ex;
    const err = ex.bodyError(e);
    ex.finish();
    return err;
  }
}

// --- ClientResponse -----------------------------------------------------------------

const JSON_TYPE = /^application\/(?:[\w.+-]+?\+)?json/;

/** Options of `ClientResponse.json()`. */
export interface JsonOptions {
  /**
   * The content type required (default `"application/json"`, which also
   * accepts `application/…+json`); `null` skips the check.
   */
  contentType?: string | null;
  /** The text encoding (default: the response's charset, else UTF-8). */
  encoding?: string;
  /** The parser (default `JSON.parse`). */
  loads?: (text: string) => unknown;
}

/**
 * An HTTP response (aiohttp's `ClientResponse`): what awaiting
 * `session.get(url)` (or entering it with `asyncWith`) gives. The status
 * and headers are there at once; the body is read with `read()` (bytes),
 * `text()`, `json()`, or streamed through `content`, a `StreamReader`.
 * Leave it through `asyncWith`/`await using`, or call `release()`, so an
 * unread body does not hold its connection.
 *
 * @example
 * ```ts ignore
 * import { ClientSession } from "./client_mod.ts";
 * import { asyncWith, run } from "../../mod.ts";
 * await run(async () => {
 *   await asyncWith(new ClientSession(), (session) =>
 *     asyncWith(session.get("http://127.0.0.1:8080/"), async (resp) => {
 *       console.log(resp.status, resp.headers.get("content-type"));
 *       console.log(await resp.text());
 *     }));
 * });
 * ```
 */
export class ClientResponse {
  /** The HTTP status code. */
  readonly status: number;
  /** The reason phrase (`"OK"`, `"Not Found"`). */
  readonly reason: string;
  /** The response headers (case-insensitive `get()`). */
  readonly headers: Headers;
  /** The URL of the response (after redirects). */
  readonly url: URL;
  /** The request's method. */
  readonly method: string;
  /** @internal The headers sent (made on first use of `requestInfo`). */
  _sent: () => Headers;
  /** @internal */ _requestInfo: RequestInfo | null = null;
  /** The responses of the redirects followed (always empty: `fetch` does not show them). */
  readonly history: readonly ClientResponse[] = [];
  /** @internal */ _ex: _Exchange;
  /** @internal */ _res: Response;
  /** @internal The whole body, once read. */ _body: Uint8Array | null = null;
  /** @internal The streaming reader, once `content` was touched. */ _content: StreamReader | null =
    null;
  /** @internal */ _pump: BodyPump | null = null;
  /** @internal `release()` or `close()` was called. */ _released = false;
  /** @internal The body is being read with `arrayBuffer()`. */ _bulk = false;

  /** @internal Made by the session when the headers arrive. */
  constructor(ex: _Exchange, res: Response, method: string, url: URL, sent: () => Headers) {
    this._ex = ex;
    this._res = res;
    this.status = res.status;
    this.reason = res.statusText;
    this.headers = res.headers;
    // Reading `res.url` parses it again: only a redirect changes it.
    this.url = res.redirected ? new URL(res.url) : url;
    this.method = method;
    this._sent = sent;
    this._requestUrl = url;
    ex.response = this;
    if (res.body === null) {
      this._body = new Uint8Array(0);
      ex.finish();
    }
  }

  /** @internal */ _requestUrl: URL;

  /** The request: URL, method, headers sent, URL of the response. */
  get requestInfo(): RequestInfo {
    return this._requestInfo ??= {
      url: this._requestUrl,
      method: this.method,
      headers: this._sent(),
      realUrl: this.url,
    };
  }

  /** Whether the status is below 400 (aiohttp's rule; `fetch`'s `ok` is 200–299). */
  get ok(): boolean {
    return this.status < 400;
  }

  /** The MIME type from `Content-Type`, without parameters (`"application/octet-stream"` if none). */
  get contentType(): string {
    return mimeType(this.headers.get("content-type"));
  }

  /** The `charset` parameter of `Content-Type`, or `null`. */
  get charset(): string | null {
    return charsetOf(this.headers.get("content-type"));
  }

  /** `Content-Length` as a number, or `null`. */
  get contentLength(): number | null {
    const v = this.headers.get("content-length");
    return v === null ? null : Number(v);
  }

  /** Whether the response was released or closed (its connection let go). */
  get closed(): boolean {
    return this._released;
  }

  /**
   * The body as a stream (aiohttp's `resp.content`): a `StreamReader`
   * (`read(n)`, `readline()`, `readexactly(n)`, `iterChunked(n)`, `for
   * await` over lines). It is fed from the network with backpressure: a
   * chunk is read only while fewer than `readBufsize` bytes (64 KiB by
   * default) wait in it.
   *
   * @throws {RuntimeError} When the body was already read by `read()`/`text()`/`json()`
   * and not kept (it is kept: `content` then replays it).
   */
  get content(): StreamReader {
    let reader = this._content;
    if (reader !== null) return reader;
    const ex = this._ex;
    reader = this._content = new StreamReader(ex.limit, ex.loop);
    if (this._body !== null) {
      reader.feedData(this._body);
      reader.feedEof();
    } else if (this._bulk) {
      throw new RuntimeError(
        "ClientResponse.content: the body is being read by read()/text()/json(); use one or " +
          "the other",
      );
    } else if (this._released || ex.reason !== null) {
      reader.setException(ex.error(new ClientConnectionError("Connection closed")));
    } else {
      const pump = this._pump = new BodyPump(this._res.body!, reader, ex);
      pump._next();
    }
    return reader;
  }

  /**
   * The whole body as bytes (kept: calling it again, or `text()`/`json()`,
   * returns it again). A failure or a cancellation while reading closes
   * the response, as aiohttp does.
   *
   * @returns A coroutine of the bytes: `yield*` or `await` it.
   */
  read(): Coroutine<Uint8Array> {
    return readCoro(this);
  }

  /**
   * The body as text.
   *
   * @param encoding The encoding (default: the `charset` of `Content-Type`, else UTF-8).
   * @param errors `"strict"` (default: undecodable bytes are an error) or `"replace"`.
   * @returns A coroutine of the text.
   * @throws {ValueError} At the call, for an unknown encoding or `errors` value.
   */
  text(encoding?: string, errors: "strict" | "replace" = "strict"): Coroutine<string> {
    const decoder = makeDecoder(encoding ?? this.charset ?? "utf-8", errors, "text()");
    return textCoro(this, decoder);
  }

  /**
   * The body parsed as JSON (`null` for an empty body, as aiohttp's `None`).
   *
   * @param options `contentType` (checked unless `null`), `encoding`, `loads`.
   * @returns A coroutine of the value.
   * @throws {ContentTypeError} From the coroutine, when the content type is not the one asked for.
   */
  json(options: JsonOptions = {}): Coroutine<unknown> {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`json(): options must be an object, got ${describe(options)}`);
    }
    const { contentType = "application/json", encoding, loads = JSON.parse } = options;
    if (contentType !== null && typeof contentType !== "string") {
      throw new TypeError(
        `json(): contentType must be a string or null, got ${describe(contentType)}`,
      );
    }
    if (typeof loads !== "function") {
      throw new TypeError(`json(): loads must be a function, got ${describe(loads)}`);
    }
    const decoder = makeDecoder(encoding ?? this.charset ?? "utf-8", "strict", "json()");
    return jsonCoro(this, decoder, contentType, loads);
  }

  /**
   * Throw `ClientResponseError` (with `status` and the reason as `message`)
   * if the status is 400 or more, releasing the response first; else do
   * nothing.
   *
   * @throws {ClientResponseError} When `ok` is false.
   */
  raiseForStatus(): void {
    if (this.ok) return;
    this.release();
    throw new ClientResponseError(this.requestInfo, {
      status: this.status,
      message: this.reason,
      headers: this.headers,
    });
  }

  /**
   * Let the response go: if its body was not read to the end, the rest is
   * dropped and the connection closed (reads of `content` then return what
   * was buffered, then fail with `ClientConnectionError`). Leaving
   * `asyncWith` or `await using` calls it. Calling it again does nothing.
   */
  release(): void {
    if (this._released) return;
    this._released = true;
    this._ex.abort("released");
  }

  /** Close the response's connection: the same as `release()` here. */
  close(): void {
    this.release();
  }

  /** @internal The exchange was aborted: stop the body, fail what waits on it. */
  _bodyAborted(err: unknown): void {
    if (this._pump !== null) this._pump._abort(err);
    else if (this._body === null && !this._bulk) this._res.body?.cancel().catch(() => {});
  }

  /** `async with resp`: the response itself. */
  aenter(): ClientResponse {
    return this;
  }

  /** Leaving `async with resp`: release it. */
  aexit(_error: unknown): void {
    this.release();
  }

  /** `await using resp = await session.get(url)`: release it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }

  /** aiohttp's repr: `<ClientResponse(http://…/) [200 OK]>` and the headers. */
  [REPR](): string {
    const headers = [...this.headers].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ");
    return `<ClientResponse(${this.url.href}) [${this.status} ${this.reason}]>\n` +
      `<Headers(${headers})>\n`;
  }

  /** The repr. */
  toString(): string {
    return this[REPR]();
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

/** Decoders by encoding and error mode (`decode()` without `stream` keeps no state). */
const decoders = new Map<string, TextDecoder>();

function makeDecoder(encoding: unknown, errors: unknown, where: string): TextDecoder {
  const key = `${encoding}\0${errors}`;
  const cached = decoders.get(key);
  if (cached !== undefined) return cached;
  const decoder = newDecoder(encoding, errors, where);
  if (decoders.size < 64) decoders.set(key, decoder);
  return decoder;
}

function newDecoder(encoding: unknown, errors: unknown, where: string): TextDecoder {
  if (typeof encoding !== "string") {
    throw new TypeError(`${where}: encoding must be a string, got ${describe(encoding)}`);
  }
  if (errors !== "strict" && errors !== "replace") {
    throw new ValueError(`${where}: errors must be "strict" or "replace", got ${describe(errors)}`);
  }
  try {
    return new TextDecoder(encoding, { fatal: errors === "strict" });
  } catch {
    throw new ValueError(
      `${where}: unknown encoding: ${encoding} (use a WHATWG encoding label such as "utf-8")`,
    );
  }
}

const readCoro = coroutine(function* read(resp: ClientResponse): Coro<Uint8Array> {
  if (resp._body !== null) return resp._body;
  const ex = resp._ex;
  if (resp._content === null && resp._released) throw ex.error(undefined);
  let body: Uint8Array;
  try {
    if (resp._content !== null || ex.sockRead !== null) {
      body = yield* resp.content.read();
    } else {
      resp._bulk = true;
      let buf: ArrayBuffer;
      try {
        buf = yield* ex.hostWait(resp._res.arrayBuffer());
      } catch (e) {
        throw e instanceof CancelledError ? e : ex.bodyError(e);
      }
      body = new Uint8Array(buf);
    }
  } catch (e) {
    // aiohttp closes the response when reading fails or is cancelled.
    resp.release();
    throw e;
  } finally {
    resp._bulk = false;
  }
  resp._body = body;
  ex.finish();
  return body;
});

const textCoro = coroutine(
  function* text(resp: ClientResponse, decoder: TextDecoder): Coro<string> {
    const body = yield* readCoro(resp);
    try {
      return decoder.decode(body);
    } catch (e) {
      throw new ValueError(
        `text(): the body is not valid ${decoder.encoding} (pass errors "replace" to accept it)`,
        { cause: e },
      );
    }
  },
);

const jsonCoro = coroutine(function* json(
  resp: ClientResponse,
  decoder: TextDecoder,
  contentType: string | null,
  loads: (text: string) => unknown,
): Coro<unknown> {
  const body = yield* readCoro(resp);
  if (contentType !== null) {
    const actual = resp.contentType;
    const expected = contentType === "application/json"
      ? JSON_TYPE.test(actual)
      : actual.includes(contentType);
    if (!expected) {
      throw new ContentTypeError(resp.requestInfo, {
        status: resp.status,
        message: `Attempt to decode JSON with unexpected mimetype: ${
          resp.headers.get("content-type") ?? ""
        }`,
        headers: resp.headers,
      });
    }
  }
  const text = decoder.decode(body);
  if (text.trim() === "") return null;
  return loads(text);
});
