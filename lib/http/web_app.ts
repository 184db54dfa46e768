/**
 * aiohttp's `web_app`: the `Application` (router, middlewares, startup and
 * cleanup callbacks, shared state) and how one request is handled.
 *
 * @module
 */

import { CancelledError, RuntimeError } from "../errors.ts";
import { describe } from "../format_helpers.ts";
import { type Coro, type Coroutine, coroutine } from "../coroutines.ts";
import { HTTPException, HTTPInternalServerError } from "./web_exceptions.ts";
import type { Request } from "./web_request.ts";
import { StreamResponse } from "./web_response.ts";
import {
  type Handler,
  type HandlerResult,
  type Resolved,
  type ResourceRoute,
  type RouteDef,
  UrlDispatcher,
} from "./web_urldispatcher.ts";

/**
 * A middleware: `(request, handler) → response`, plain, generator or async;
 * `handler(request)` gives an awaitable (`yield*` or `await` it) of the
 * next middleware's or the route handler's response.
 */
export type Middleware = (
  request: Request,
  handler: (request: Request) => Coroutine<HandlerResult>,
) => unknown;

/** A startup, shutdown or cleanup callback: `(app) → void`, plain, generator or async. */
export type AppCallback = (app: Application) => unknown;

/** Options of {@linkcode Application}. */
export interface ApplicationOptions {
  /** Middlewares, outermost first. */
  middlewares?: Iterable<Middleware>;
  /** The largest request body `read()`, `text()`, `json()`, `post()` accept, in bytes (default 1 MiB, as aiohttp's `client_max_size`). */
  clientMaxSize?: number;
}

/**
 * A list of callbacks that freezes when the application starts (aiohttp's `Signal`).
 */
export class AppSignal extends Array<AppCallback> {
  /** @internal */ _frozen = false;
  /** @internal */ _name = "";
  /**
   * Add callbacks (refused once frozen).
   *
   * @param items Callbacks `(app) => …`.
   * @returns The new length.
   */
  override push(...items: AppCallback[]): number {
    if (this._frozen) {
      throw new RuntimeError(
        `Cannot modify frozen list: add to ${this._name} before the app starts`,
      );
    }
    for (const cb of items) {
      if (typeof cb !== "function") {
        throw new TypeError(
          `${this._name}.push(): expected a function (app) => …, got ${describe(cb)}`,
        );
      }
    }
    return super.push(...items);
  }
  /** @internal Species: derived arrays are plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

function signal(name: string): AppSignal {
  const s = new AppSignal();
  s._name = name;
  return s;
}

const WEB_HANDLER_RESULT =
  "Web-handler should return a web.Response (or a web.StreamResponse, or an HTTPException)";

/**
 * aiohttp's `web.Application`.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const logger: web.Middleware = async (request, handler) => {
 *   const resp = await handler(request);
 *   console.log(request.method, request.path, resp.status);
 *   return resp;
 * };
 * const app = new web.Application({ middlewares: [logger] });
 * app.router.addGet("/", () => new web.Response({ text: "hello" }));
 * app.onStartup.push(() => console.log("starting"));
 * app.onCleanup.push(() => console.log("cleaning up"));
 * ```
 */
export class Application {
  /** The router. */
  readonly router: UrlDispatcher = new UrlDispatcher();
  /** The middlewares, outermost first. */
  readonly middlewares: readonly Middleware[];
  /** Called (and awaited, in order) when a runner sets the app up. */
  readonly onStartup: AppSignal = signal("onStartup");
  /** Called when a runner shuts down, after the sites stop listening. */
  readonly onShutdown: AppSignal = signal("onShutdown");
  /** Called last when a runner cleans up (after in-flight handlers finished). */
  readonly onCleanup: AppSignal = signal("onCleanup");
  /** State shared by handlers (aiohttp's `app["key"]`). */
  readonly state: Map<unknown, unknown> = new Map();
  /** The largest body `read()` accepts, in bytes. */
  readonly clientMaxSize: number;
  /** @internal The middlewares as coroutine functions. */
  readonly _mw: ((r: Request, h: (r: Request) => Coroutine<HandlerResult>) => Coroutine<unknown>)[];
  /** @internal */ _frozen = false;

  /**
   * Make an application.
   *
   * @param options `middlewares`, `clientMaxSize`.
   */
  constructor(options: ApplicationOptions = {}) {
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw new TypeError(
        `web.Application(): expected an options object such as { middlewares: [...] }, got ${
          describe(options)
        }`,
      );
    }
    const mws = options.middlewares ?? [];
    if (mws === null || typeof mws !== "object" || !(Symbol.iterator in mws)) {
      throw new TypeError(
        `web.Application(): middlewares must be a list of functions (request, handler) => response, got ${
          describe(mws)
        }`,
      );
    }
    const list = [...mws];
    for (const mw of list) {
      if (typeof mw !== "function") {
        throw new TypeError(
          `web.Application(): each middleware must be a function (request, handler) => response, got ${
            describe(mw)
          }`,
        );
      }
    }
    this.middlewares = Object.freeze(list);
    this._mw = list.map((mw) => coroutine(mw as (...a: unknown[]) => unknown)) as never;
    const max = options.clientMaxSize ?? 1024 ** 2;
    if (typeof max !== "number" || !(max > 0)) {
      throw new TypeError(
        `web.Application(): clientMaxSize must be a positive number of bytes, got ${describe(max)}`,
      );
    }
    this.clientMaxSize = max;
  }

  /**
   * Add route definitions (`web.get(...)`, a `RouteTableDef`).
   *
   * @param routes The definitions.
   * @returns The routes added.
   */
  addRoutes(routes: Iterable<RouteDef>): ResourceRoute[] {
    return this.router.addRoutes(routes);
  }

  /** Whether the application has started (routes and signals are frozen). */
  get frozen(): boolean {
    return this._frozen;
  }

  /** @internal Freeze routes and signal lists (a runner starts the app). */
  _freeze(): void {
    this._frozen = true;
    this.router._frozen = true;
    this.onStartup._frozen = this.onShutdown._frozen = this.onCleanup._frozen = true;
  }

  /** Python's repr. */
  toString(): string {
    return `<Application 0x${"0".repeat(12)}>`;
  }
}

/** @internal Run the callbacks of a signal in order. */
export function* runSignal(list: AppSignal, app: Application): Coro<void> {
  for (const cb of [...list]) {
    yield* coroutine(cb as (a: Application) => unknown)(app);
  }
}

const raising = (e: HTTPException) =>
  coroutine(() => {
    throw e;
  }) as (r: Request) => Coroutine<HandlerResult>;

/** @internal Report a failing handler as aiohttp logs it, and answer 500. */
export function serverError(app: Application, request: Request, e: unknown): HTTPException {
  request._loop.callExceptionHandler({
    message: "Error handling request",
    exception: e,
    request: String(request),
    app: String(app),
  } as never);
  return new HTTPInternalServerError({
    text: "500 Internal Server Error\n\nServer got itself in trouble",
  });
}

/**
 * @internal The coroutine a request's task runs: route, middlewares,
 * handler; an HTTPException becomes its response, another error a 500
 * (reported through the loop's exception handler).
 */
export function* handleRequest(app: Application, request: Request): Coro<HandlerResult> {
  let resp: unknown;
  try {
    const r = app.router._resolve(request.method, request.rawPath);
    const mws = app._mw;
    if (r.route === null && mws.length === 0) return r.error!;
    request.matchInfo = r.matchInfo;
    request.matchRoute = r.route;
    if (mws.length === 0) resp = yield* r.route!._direct(request);
    else {
      resp = yield* withMiddlewares(mws, r, request);
    }
  } catch (e) {
    if (e instanceof HTTPException) return e;
    if (e instanceof CancelledError) throw e;
    return serverError(app, request, e);
  }
  if (resp instanceof StreamResponse || resp instanceof HTTPException) return resp;
  return serverError(
    app,
    request,
    new RuntimeError(`${WEB_HANDLER_RESULT}, got ${describe(resp)}`),
  );
}

function* withMiddlewares(
  mws: Application["_mw"],
  r: Resolved,
  request: Request,
): Coro<unknown> {
  let h = (r.route !== null ? r.route._call : raising(r.error!)) as (
    req: Request,
  ) => Coroutine<HandlerResult>;
  for (let i = mws.length - 1; i >= 0; i--) {
    const mw = mws[i];
    const next = h;
    h = (req: Request) => mw(req, next) as unknown as Coroutine<HandlerResult>;
  }
  return yield* h(request);
}

export type { Handler, HandlerResult };
