/**
 * The HTTP client's exceptions, named and related as aiohttp's
 * (`aiohttp.client_exceptions`): `ClientError` is the base of them all;
 * `ClientConnectionError` covers failures to reach or talk to the server
 * (`ClientConnectorError` when the connection cannot be made,
 * `ServerTimeoutError` when the server is too slow); `ClientResponseError`
 * is a response that was not what was asked for (`raiseForStatus()`).
 *
 * `ServerTimeoutError` is both a `ClientConnectionError` and asyncio's
 * `TimeoutError`, as in aiohttp: its class extends `TimeoutError`, and
 * `instanceof ClientError` (and `ClientConnectionError`,
 * `ServerConnectionError`) recognises it too.
 *
 * @module
 */

import { OSError, TimeoutError } from "../errors.ts";
import { repr } from "../format_helpers.ts";

export { TimeoutError };

const plainInstanceOf = Function.prototype[Symbol.hasInstance];

/**
 * The base of every HTTP client error (aiohttp's `ClientError`): catch it to
 * catch them all, `ServerTimeoutError` included.
 *
 * @example
 * ```ts
 * import { ClientError, ClientResponseError } from "./client_mod.ts";
 * const e = new ClientResponseError(null, { status: 404, message: "Not Found" });
 * console.log(e instanceof ClientError); // true
 * ```
 */
export class ClientError extends Error {
  /**
   * Make a client error.
   *
   * @param message What went wrong.
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? "", options);
  }

  /**
   * `x instanceof ClientError` (or one of the connection error classes):
   * true for the class's own instances and for a `ServerTimeoutError`,
   * which aiohttp counts as one.
   *
   * @param x Anything.
   * @returns Whether `x` is an instance.
   */
  static override [Symbol.hasInstance](x: unknown): boolean {
    if (plainInstanceOf.call(this, x)) return true;
    return TIMEOUT_BASES.has(this) && x instanceof ServerTimeoutError;
  }
}
ClientError.prototype.name = "ClientError";

/**
 * The connection to the server failed, or broke (aiohttp's
 * `ClientConnectionError`).
 *
 * @example
 * ```ts
 * import { ClientConnectionError, ClientConnectorError } from "./client_mod.ts";
 * const e = new ClientConnectorError({ host: "127.0.0.1", port: 9 }, new Error("refused"));
 * console.log(e instanceof ClientConnectionError); // true
 * ```
 */
export class ClientConnectionError extends ClientError {}
ClientConnectionError.prototype.name = "ClientConnectionError";

/**
 * An OS-level failure on the connection (aiohttp's `ClientOSError`).
 *
 * @example
 * ```ts
 * import { ClientConnectionError, ClientOSError } from "./client_mod.ts";
 * console.log(new ClientOSError("reset") instanceof ClientConnectionError); // true
 * ```
 */
export class ClientOSError extends ClientConnectionError {}
ClientOSError.prototype.name = "ClientOSError";

/** Where a connection was attempted: host, port and whether over TLS. */
export interface ConnectionKey {
  /** The host name or address. */
  host: string;
  /** The port. */
  port: number;
  /** Whether the connection was to use TLS (`https:`). */
  ssl?: boolean;
}

/**
 * The connection could not be made: refused, unknown host, unreachable
 * (aiohttp's `ClientConnectorError`). `osError` is the underlying error
 * (a `ConnectionRefusedError`, a `GaiError`...), also the `cause`; the
 * message reads as aiohttp's: `Cannot connect to host 127.0.0.1:9
 * ssl:default [Connection refused]`.
 *
 * @example
 * ```ts
 * import { ClientConnectorError, ClientSession } from "./client_mod.ts";
 * import { run } from "../../mod.ts";
 * await run(async () => {
 *   const session = new ClientSession();
 *   try {
 *     await session.get("http://127.0.0.1:9/"); // nothing listens on the discard port
 *   } catch (e) {
 *     console.log(e instanceof ClientConnectorError, (e as ClientConnectorError).port); // true 9
 *   } finally {
 *     await session.close();
 *   }
 * });
 * ```
 */
export class ClientConnectorError extends ClientOSError {
  /** The host the connection was for. */
  readonly host: string;
  /** The port the connection was for. */
  readonly port: number;
  /** Whether it was to use TLS. */
  readonly ssl: boolean;
  /** The underlying error (also `cause`). */
  readonly osError: unknown;

  /**
   * Make the error.
   *
   * @param connectionKey Where the connection was attempted.
   * @param osError The underlying error.
   */
  constructor(connectionKey: ConnectionKey, osError: unknown) {
    const reason = osError instanceof OSError
      ? (osError.strerror ?? osError.message)
      : osError instanceof Error
      ? osError.message
      : String(osError);
    super(
      `Cannot connect to host ${connectionKey.host}:${connectionKey.port} ssl:default [${reason}]`,
      { cause: osError },
    );
    this.host = connectionKey.host;
    this.port = connectionKey.port;
    this.ssl = connectionKey.ssl === true;
    this.osError = osError;
  }

  /** The OS error number, if the underlying error has one (111: refused). */
  get errno(): number | null {
    return this.osError instanceof OSError ? this.osError.errno : null;
  }
}
ClientConnectorError.prototype.name = "ClientConnectorError";

/**
 * The server broke the exchange (aiohttp's `ServerConnectionError`): the
 * base of `ServerDisconnectedError` and `ServerTimeoutError`.
 *
 * @example
 * ```ts
 * import { ServerConnectionError, ServerDisconnectedError } from "./client_mod.ts";
 * console.log(new ServerDisconnectedError() instanceof ServerConnectionError); // true
 * ```
 */
export class ServerConnectionError extends ClientConnectionError {}
ServerConnectionError.prototype.name = "ServerConnectionError";

/**
 * The server closed the connection before the response was complete
 * (aiohttp's `ServerDisconnectedError`).
 *
 * @example
 * ```ts
 * import { ServerDisconnectedError } from "./client_mod.ts";
 * console.log(new ServerDisconnectedError().message); // Server disconnected
 * ```
 */
export class ServerDisconnectedError extends ServerConnectionError {
  /**
   * Make the error.
   *
   * @param message What happened (default `Server disconnected`).
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? "Server disconnected", options);
  }
}
ServerDisconnectedError.prototype.name = "ServerDisconnectedError";

/**
 * The server was too slow: no data within `ClientTimeout.sockRead`
 * (aiohttp's `ServerTimeoutError`). It is asyncio's `TimeoutError` (its
 * class extends it) and a `ServerConnectionError`, `ClientConnectionError`
 * and `ClientError` (`instanceof` says so), as in aiohttp.
 *
 * @example
 * ```ts
 * import { ClientError, ServerTimeoutError, TimeoutError } from "./client_mod.ts";
 * const e = new ServerTimeoutError();
 * console.log(e instanceof TimeoutError, e instanceof ClientError); // true true
 * ```
 */
export class ServerTimeoutError extends TimeoutError {
  /**
   * Make the error.
   *
   * @param message What timed out (default `Timeout on reading data from socket`).
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? "Timeout on reading data from socket", options);
  }
}
ServerTimeoutError.prototype.name = "ServerTimeoutError";

/** The classes a `ServerTimeoutError` also counts as (aiohttp's multiple inheritance). */
const TIMEOUT_BASES = new Set<unknown>([ClientError, ClientConnectionError, ServerConnectionError]);

/**
 * The response body ended before its announced length, or could not be
 * read (aiohttp's `ClientPayloadError`).
 *
 * @example
 * ```ts
 * import { ClientError, ClientPayloadError } from "./client_mod.ts";
 * console.log(new ClientPayloadError("Response payload is not completed") instanceof ClientError);
 * // true
 * ```
 */
export class ClientPayloadError extends ClientError {}
ClientPayloadError.prototype.name = "ClientPayloadError";

/**
 * A URL that cannot be requested: not absolute (and no `baseUrl`), or not
 * `http:`/`https:` (aiohttp's `InvalidURL`, a `ClientError` and, in
 * Python, a `ValueError`).
 *
 * @example
 * ```ts
 * import { InvalidURL } from "./client_mod.ts";
 * const e = new InvalidURL("/relative");
 * console.log(e.url, e.message); // /relative /relative
 * ```
 */
export class InvalidURL extends ClientError {
  /** The URL as it was given. */
  readonly url: string;

  /**
   * Make the error.
   *
   * @param url The URL given.
   * @param reason Why it cannot be used; the message is the URL, then the reason.
   */
  constructor(url: string, reason?: string) {
    super(reason === undefined ? url : `${url}: ${reason}`);
    this.url = url;
  }
}
InvalidURL.prototype.name = "InvalidURL";

/** What a `ClientResponseError` knows of the request (aiohttp's `RequestInfo`). */
export interface RequestInfo {
  /** The URL requested. */
  url: URL;
  /** The method. */
  method: string;
  /** The headers sent. */
  headers: Headers;
  /** The URL of the response (after redirects). */
  realUrl: URL;
}

/** Options of `ClientResponseError`. */
export interface ClientResponseErrorOptions {
  /** The response's status code (default 0). */
  status?: number;
  /** The reason phrase, aiohttp's `message` (default `""`). */
  message?: string;
  /** The response's headers. */
  headers?: Headers | null;
  /** The original error. */
  cause?: unknown;
}

/**
 * The response was not what was asked for: `raiseForStatus()` on a status
 * of 400 or more (aiohttp's `ClientResponseError`). `status` is the
 * status code and `message` the reason phrase (aiohttp's attributes);
 * `String(e)` reads as aiohttp's `str(e)`:
 * `ClientResponseError: 404, message='Not Found', url='http://…/'`.
 *
 * @example
 * ```ts
 * import { ClientResponseError } from "./client_mod.ts";
 * const e = new ClientResponseError(null, { status: 404, message: "Not Found" });
 * console.log(e.status, e.message); // 404 Not Found
 * ```
 */
export class ClientResponseError extends ClientError {
  /** What is known of the request, or `null`. */
  readonly requestInfo: RequestInfo | null;
  /** The response's status code. */
  readonly status: number;
  /** The response's headers, or `null`. */
  readonly headers: Headers | null;
  /** The responses of the redirects followed before this one (always empty: fetch hides them). */
  readonly history: readonly unknown[];

  /**
   * Make the error.
   *
   * @param requestInfo What is known of the request, or `null`.
   * @param options `status`, `message` (the reason phrase), `headers`, `cause`.
   */
  constructor(requestInfo: RequestInfo | null, options: ClientResponseErrorOptions = {}) {
    super(
      options.message ?? "",
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.requestInfo = requestInfo;
    this.status = options.status ?? 0;
    this.headers = options.headers ?? null;
    this.history = [];
  }

  /** aiohttp's `str(e)`: `404, message='Not Found', url='http://…'`, after the class name. */
  override toString(): string {
    const url = this.requestInfo === null ? "None" : repr(this.requestInfo.realUrl.href);
    return `${this.name}: ${this.status}, message=${repr(this.message)}, url=${url}`;
  }
}
ClientResponseError.prototype.name = "ClientResponseError";

/**
 * `json()` found a content type that is not JSON (aiohttp's
 * `ContentTypeError`); pass `{ contentType: null }` to skip the check.
 *
 * @example
 * ```ts
 * import { ClientResponseError, ContentTypeError } from "./client_mod.ts";
 * const e = new ContentTypeError(null, { message: "unexpected mimetype: text/html" });
 * console.log(e instanceof ClientResponseError); // true
 * ```
 */
export class ContentTypeError extends ClientResponseError {}
ContentTypeError.prototype.name = "ContentTypeError";
