/**
 * aiohttp's `web_exceptions`: HTTP errors and redirects a handler throws (or
 * returns). Each one is answered as a response with its status, reason and,
 * unless a body is given, the text `"<status>: <reason>"` (`404: Not Found`).
 *
 * @module
 */

import { describe } from "../format_helpers.ts";
import { checkHeaders, reasonFor, type ResponseBody, toHostResponse } from "./web_response.ts";

/** Options of every {@linkcode HTTPException} constructor. */
export interface HTTPExceptionOptions {
  /** Response headers. */
  headers?: HeadersInit;
  /** The reason phrase (by default the standard one for the status). */
  reason?: string;
  /** The body as bytes (not with `text`). */
  body?: Uint8Array | string;
  /** The body as text (by default `"<status>: <reason>"`). */
  text?: string;
  /** The Content-Type (by default `text/plain` for a text body). */
  contentType?: string;
}

/**
 * The base of aiohttp's HTTP exceptions: an `Error` that is answered as an
 * HTTP response. Throw it (or return it) from a handler or a middleware.
 * Subclasses fix the status: `HTTPNotFound` (404), `HTTPBadRequest` (400)...
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const handler = (request: web.Request) => {
 *   if (!request.query.has("id")) throw new web.HTTPBadRequest({ text: "id is missing" });
 *   return new web.Response({ text: request.query.get("id")! });
 * };
 * const err = new web.HTTPNotFound();
 * console.log(err.status, err.text); // 404 "404: Not Found"
 * ```
 */
export class HTTPException extends Error {
  /** The HTTP status of the class. */
  static statusCode: number = -1;
  /** Whether the status has no body (204, 304). */
  static emptyBody: boolean = false;
  /** The status. */
  readonly status: number;
  /** The reason phrase. */
  readonly reason: string;
  /** The body text, or `null` for a bytes body or no body. */
  readonly text: string | null;
  /** The body as given (`text` encoded, or `body`), or `null`. */
  readonly body: Uint8Array | string | null;
  /** @internal */ _headers: Headers;

  /**
   * Make the exception (a subclass fixes the status).
   *
   * @param options `text`, `body`, `reason`, `headers`, `contentType`.
   */
  constructor(options: HTTPExceptionOptions = {}) {
    const cls = new.target as typeof HTTPException;
    const where = `${cls.name}()`;
    if (cls.statusCode < 0) {
      throw new TypeError(
        `${where}: HTTPException is abstract; use a subclass such as HTTPNotFound or HTTPBadRequest`,
      );
    }
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `${where}: expected an options object { text?, body?, reason?, headers?, contentType? }, got ${
          describe(options)
        }`,
      );
    }
    const reason = options.reason ?? reasonFor(cls.statusCode);
    if (typeof reason !== "string") {
      throw new TypeError(`${where}: reason must be a string, got ${describe(reason)}`);
    }
    super(reason);
    this.name = cls.name;
    this.status = cls.statusCode;
    this.reason = reason;
    const { text, body, contentType } = options;
    if (text !== undefined && body !== undefined) {
      throw new TypeError(`${where}: give either text or body, not both`);
    }
    if (text !== undefined && typeof text !== "string") {
      throw new TypeError(`${where}: text must be a string, got ${describe(text)}`);
    }
    if (body !== undefined && typeof body !== "string" && !(body instanceof Uint8Array)) {
      throw new TypeError(`${where}: body must be a Uint8Array or a string, got ${describe(body)}`);
    }
    if (contentType !== undefined && typeof contentType !== "string") {
      throw new TypeError(`${where}: contentType must be a string, got ${describe(contentType)}`);
    }
    this._headers = checkHeaders(options.headers, where);
    if (cls.emptyBody) {
      this.text = null;
      this.body = null;
    } else if (body !== undefined) {
      this.text = null;
      this.body = body;
      if (contentType !== undefined) this._headers.set("content-type", contentType);
      else if (!this._headers.has("content-type")) {
        this._headers.set("content-type", "application/octet-stream");
      }
    } else {
      this.text = text ?? `${this.status}: ${reason}`;
      this.body = this.text;
      if (contentType !== undefined) this._headers.set("content-type", contentType);
      else if (!this._headers.has("content-type")) {
        this._headers.set("content-type", "text/plain; charset=utf-8");
      }
    }
  }

  /** The response headers (a `Headers`, case-insensitive). */
  get headers(): Headers {
    return this._headers;
  }

  /** @internal The response Deno sends. */
  _toHost(): globalThis.Response {
    return toHostResponse(this.body as ResponseBody, this.status, this.reason, this._headers);
  }
}

/** 2xx: a success answered as an exception. */
export class HTTPSuccessful extends HTTPException {}
/** 3xx redirections; most take the `location` first. */
export class HTTPRedirection extends HTTPException {}
/** 4xx and 5xx. */
export class HTTPError extends HTTPException {}
/** 4xx: the client's fault. */
export class HTTPClientError extends HTTPError {}
/** 5xx: the server's fault. */
export class HTTPServerError extends HTTPError {}

function status(cls: { statusCode: number; emptyBody: boolean }, code: number, empty = false) {
  cls.statusCode = code;
  cls.emptyBody = empty;
}

/** 200 OK. */
export class HTTPOk extends HTTPSuccessful {}
status(HTTPOk, 200);
/** 201 Created. */
export class HTTPCreated extends HTTPSuccessful {}
status(HTTPCreated, 201);
/** 202 Accepted. */
export class HTTPAccepted extends HTTPSuccessful {}
status(HTTPAccepted, 202);
/** 203 Non-Authoritative Information. */
export class HTTPNonAuthoritativeInformation extends HTTPSuccessful {}
status(HTTPNonAuthoritativeInformation, 203);
/** 204 No Content (no body). */
export class HTTPNoContent extends HTTPSuccessful {}
status(HTTPNoContent, 204, true);
/** 205 Reset Content. */
export class HTTPResetContent extends HTTPSuccessful {}
status(HTTPResetContent, 205);
/** 206 Partial Content. */
export class HTTPPartialContent extends HTTPSuccessful {}
status(HTTPPartialContent, 206);

/**
 * A redirect to `location` (the `Location` header).
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const handler = () => {
 *   throw new web.HTTPFound("/login");
 * };
 * console.log(new web.HTTPFound("/login").location); // "/login"
 * ```
 */
export class HTTPMove extends HTTPRedirection {
  /** The target. */
  readonly location: string;
  /**
   * Make the redirect.
   *
   * @param location Where to go (a path or a URL).
   * @param options As for {@linkcode HTTPException}.
   */
  constructor(location: string | URL, options: HTTPExceptionOptions = {}) {
    const where = `${new.target.name}()`;
    if (typeof location !== "string" && !(location instanceof URL)) {
      throw new TypeError(
        `${where}: expected the redirect target (a string or URL) first, got ${
          describe(location)
        }; e.g. new ${new.target.name}("/login")`,
      );
    }
    if (String(location) === "") {
      throw new TypeError(`${where}: the location must not be empty`);
    }
    super(options);
    this.location = String(location);
    this._headers.set("location", this.location);
  }
}
/** 300 Multiple Choices. */
export class HTTPMultipleChoices extends HTTPMove {}
status(HTTPMultipleChoices, 300);
/** 301 Moved Permanently. */
export class HTTPMovedPermanently extends HTTPMove {}
status(HTTPMovedPermanently, 301);
/** 302 Found. */
export class HTTPFound extends HTTPMove {}
status(HTTPFound, 302);
/** 303 See Other. */
export class HTTPSeeOther extends HTTPMove {}
status(HTTPSeeOther, 303);
/** 304 Not Modified (no body, no location). */
export class HTTPNotModified extends HTTPRedirection {}
status(HTTPNotModified, 304, true);
/** 305 Use Proxy. */
export class HTTPUseProxy extends HTTPMove {}
status(HTTPUseProxy, 305);
/** 307 Temporary Redirect. */
export class HTTPTemporaryRedirect extends HTTPMove {}
status(HTTPTemporaryRedirect, 307);
/** 308 Permanent Redirect. */
export class HTTPPermanentRedirect extends HTTPMove {}
status(HTTPPermanentRedirect, 308);

/** 400 Bad Request. */
export class HTTPBadRequest extends HTTPClientError {}
status(HTTPBadRequest, 400);
/** 401 Unauthorized. */
export class HTTPUnauthorized extends HTTPClientError {}
status(HTTPUnauthorized, 401);
/** 402 Payment Required. */
export class HTTPPaymentRequired extends HTTPClientError {}
status(HTTPPaymentRequired, 402);
/** 403 Forbidden. */
export class HTTPForbidden extends HTTPClientError {}
status(HTTPForbidden, 403);
/** 404 Not Found. */
export class HTTPNotFound extends HTTPClientError {}
status(HTTPNotFound, 404);

/**
 * 405 Method Not Allowed, with the `Allow` header.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const e = new web.HTTPMethodNotAllowed("DELETE", ["GET", "POST"]);
 * console.log(e.headers.get("allow")); // "GET,POST"
 * ```
 */
export class HTTPMethodNotAllowed extends HTTPClientError {
  /** The method asked for. */
  readonly method: string;
  /** The methods the resource allows. */
  readonly allowedMethods: Set<string>;
  /**
   * Make the exception.
   *
   * @param method The request's method.
   * @param allowedMethods The methods allowed.
   * @param options As for {@linkcode HTTPException}.
   */
  constructor(
    method: string,
    allowedMethods: Iterable<string>,
    options: HTTPExceptionOptions = {},
  ) {
    if (typeof method !== "string") {
      throw new TypeError(
        `HTTPMethodNotAllowed(): expected the request's method first, got ${
          describe(method)
        }; e.g. new HTTPMethodNotAllowed(request.method, ["GET"])`,
      );
    }
    if (
      allowedMethods === null || typeof allowedMethods !== "object" ||
      typeof (allowedMethods as Iterable<string>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(
        `HTTPMethodNotAllowed(): allowedMethods must be a list of methods, got ${
          describe(allowedMethods)
        }`,
      );
    }
    super(options);
    this.method = method.toUpperCase();
    this.allowedMethods = new Set(allowedMethods);
    this._headers.set("allow", [...this.allowedMethods].sort().join(","));
  }
}
status(HTTPMethodNotAllowed, 405);
/** 406 Not Acceptable. */
export class HTTPNotAcceptable extends HTTPClientError {}
status(HTTPNotAcceptable, 406);
/** 407 Proxy Authentication Required. */
export class HTTPProxyAuthenticationRequired extends HTTPClientError {}
status(HTTPProxyAuthenticationRequired, 407);
/** 408 Request Timeout. */
export class HTTPRequestTimeout extends HTTPClientError {}
status(HTTPRequestTimeout, 408);
/** 409 Conflict. */
export class HTTPConflict extends HTTPClientError {}
status(HTTPConflict, 409);
/** 410 Gone. */
export class HTTPGone extends HTTPClientError {}
status(HTTPGone, 410);
/** 411 Length Required. */
export class HTTPLengthRequired extends HTTPClientError {}
status(HTTPLengthRequired, 411);
/** 412 Precondition Failed. */
export class HTTPPreconditionFailed extends HTTPClientError {}
status(HTTPPreconditionFailed, 412);
/** 413 Request Entity Too Large. */
export class HTTPRequestEntityTooLarge extends HTTPClientError {}
status(HTTPRequestEntityTooLarge, 413);
/** 414 Request-URI Too Long. */
export class HTTPRequestURITooLong extends HTTPClientError {}
status(HTTPRequestURITooLong, 414);
/** 415 Unsupported Media Type. */
export class HTTPUnsupportedMediaType extends HTTPClientError {}
status(HTTPUnsupportedMediaType, 415);
/** 416 Requested Range Not Satisfiable. */
export class HTTPRequestRangeNotSatisfiable extends HTTPClientError {}
status(HTTPRequestRangeNotSatisfiable, 416);
/** 417 Expectation Failed. */
export class HTTPExpectationFailed extends HTTPClientError {}
status(HTTPExpectationFailed, 417);
/** 421 Misdirected Request. */
export class HTTPMisdirectedRequest extends HTTPClientError {}
status(HTTPMisdirectedRequest, 421);
/** 422 Unprocessable Entity. */
export class HTTPUnprocessableEntity extends HTTPClientError {}
status(HTTPUnprocessableEntity, 422);
/** 424 Failed Dependency. */
export class HTTPFailedDependency extends HTTPClientError {}
status(HTTPFailedDependency, 424);
/** 426 Upgrade Required. */
export class HTTPUpgradeRequired extends HTTPClientError {}
status(HTTPUpgradeRequired, 426);
/** 428 Precondition Required. */
export class HTTPPreconditionRequired extends HTTPClientError {}
status(HTTPPreconditionRequired, 428);
/** 429 Too Many Requests. */
export class HTTPTooManyRequests extends HTTPClientError {}
status(HTTPTooManyRequests, 429);
/** 431 Request Header Fields Too Large. */
export class HTTPRequestHeaderFieldsTooLarge extends HTTPClientError {}
status(HTTPRequestHeaderFieldsTooLarge, 431);
/** 451 Unavailable For Legal Reasons. */
export class HTTPUnavailableForLegalReasons extends HTTPClientError {}
status(HTTPUnavailableForLegalReasons, 451);

/** 500 Internal Server Error. */
export class HTTPInternalServerError extends HTTPServerError {}
status(HTTPInternalServerError, 500);
/** 501 Not Implemented. */
export class HTTPNotImplemented extends HTTPServerError {}
status(HTTPNotImplemented, 501);
/** 502 Bad Gateway. */
export class HTTPBadGateway extends HTTPServerError {}
status(HTTPBadGateway, 502);
/** 503 Service Unavailable. */
export class HTTPServiceUnavailable extends HTTPServerError {}
status(HTTPServiceUnavailable, 503);
/** 504 Gateway Timeout. */
export class HTTPGatewayTimeout extends HTTPServerError {}
status(HTTPGatewayTimeout, 504);
/** 505 HTTP Version Not Supported. */
export class HTTPVersionNotSupported extends HTTPServerError {}
status(HTTPVersionNotSupported, 505);
/** 506 Variant Also Negotiates. */
export class HTTPVariantAlsoNegotiates extends HTTPServerError {}
status(HTTPVariantAlsoNegotiates, 506);
/** 507 Insufficient Storage. */
export class HTTPInsufficientStorage extends HTTPServerError {}
status(HTTPInsufficientStorage, 507);
/** 510 Not Extended. */
export class HTTPNotExtended extends HTTPServerError {}
status(HTTPNotExtended, 510);
/** 511 Network Authentication Required. */
export class HTTPNetworkAuthenticationRequired extends HTTPServerError {}
status(HTTPNetworkAuthenticationRequired, 511);
