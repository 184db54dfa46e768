/**
 * aiohttp's `web_urldispatcher`: the router. Resources are tried in the
 * order they were added; a path is plain (`/about`) or has `{name}`
 * segments (any characters but `/`) and `{name:regex}` segments. A known
 * path asked with another method is a 405 with `Allow`, an unknown one a
 * 404; a GET route answers HEAD too.
 *
 * @module
 */

import { RuntimeError, ValueError } from "../errors.ts";
import { describe } from "../format_helpers.ts";
import {
  awaitResult,
  type Coro,
  type Coroutine,
  coroutine,
  isCoroutineFunction,
} from "../coroutines.ts";
import { type HTTPException, HTTPMethodNotAllowed, HTTPNotFound } from "./web_exceptions.ts";
import { unquotePath } from "./web_request.ts";
import type { Request } from "./web_request.ts";
import type { StreamResponse } from "./web_response.ts";

/** What a handler may give back: a response, or an HTTP exception returned instead of thrown. */
export type HandlerResult = StreamResponse | HTTPException;

/**
 * A request handler: a plain, generator or async function of the request
 * that returns a response (or a coroutine or promise of one).
 */
export type Handler = (request: Request) => unknown;

/** aiohttp's `METH_ANY`: a route for every method. */
export const METH_ANY = "*";

const METHOD_RE = /^[0-9A-Za-z!#$%&'*+\-.^_`|~]+$/;
const ROUTE_RE = /(\{[_a-zA-Z][^{}]*(?:\{[^{}]*\}[^{}]*)*\})/;
const DYN = /^\{([_a-zA-Z][_a-zA-Z0-9]*)\}$/;
const DYN_WITH_RE = /^\{([_a-zA-Z][_a-zA-Z0-9]*):(.+)\}$/;

/** Quote what a URL path must quote, keeping `%XX` sequences (aiohttp's `_requote_path`). */
function requote(path: string): string {
  return path.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) => encodeURIComponent(c));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const toStringTag = Object.prototype.toString;

/** A route: one method of one resource, with its handler. */
export class ResourceRoute {
  /** The method (upper-case, or `*`). */
  readonly method: string;
  /** The handler as given. */
  readonly handler: Handler;
  /** @internal The handler as a coroutine function (awaitable calls, for middlewares). */
  readonly _call: (request: Request) => Coroutine<unknown>;
  /** @internal The cheapest way to run the handler from a task's generator. */
  readonly _direct: (request: Request) => Coro<unknown>;
  /** The resource the route belongs to. */
  readonly resource: Resource;

  /** @internal Made by the router. */
  constructor(method: string, handler: Handler, resource: Resource) {
    this.method = method;
    this.handler = handler;
    this._call = coroutine(handler as (r: Request) => unknown) as (
      r: Request,
    ) => Coroutine<unknown>;
    const kind = toStringTag.call(handler);
    if (kind === "[object GeneratorFunction]") {
      this._direct = handler as (r: Request) => Coro<unknown>;
    } else if (kind === "[object Function]" && !isCoroutineFunction(handler)) {
      // A plain function: called in the task's step, its result awaited if awaitable.
      this._direct = (request: Request) => awaitResult(handler(request));
    } else this._direct = this._call;
    this.resource = resource;
  }

  /** The route's name (its resource's). */
  get name(): string | null {
    return this.resource.name;
  }

  /** aiohttp's repr (which has no closing `>`). */
  toString(): string {
    return `<ResourceRoute [${this.method}] ${this.resource} -> <function ${
      this.handler.name || "<anonymous>"
    }>`;
  }
}

/** A path (plain or with `{name}` segments) and its routes by method. */
export class Resource {
  /** The name given with the route, or `null`. */
  readonly name: string | null;
  /** The path as registered (`/users/{id}`). */
  readonly canonical: string;
  /** @internal For a plain path: the path to compare with; else `null`. */ _plain:
    | string
    | null;
  /** @internal For a dynamic path. */ _pattern: RegExp | null;
  /** @internal */ _routes: Map<string, ResourceRoute> = new Map();
  /** @internal */ _any: ResourceRoute | null = null;

  /** @internal Made by the router. */
  constructor(path: string, name: string | null) {
    this.name = name;
    this.canonical = path;
    if (!(path.includes("{") || path.includes("}"))) {
      this._plain = requote(path);
      this._pattern = null;
      return;
    }
    this._plain = null;
    let pattern = "";
    const seen = new Set<string>();
    for (const part of path.split(ROUTE_RE)) {
      let m = DYN.exec(part);
      if (m !== null) {
        if (seen.has(m[1])) throw new ValueError(`Duplicate {${m[1]}} in the path '${path}'`);
        seen.add(m[1]);
        pattern += `(?<${m[1]}>[^{}/]+)`;
        continue;
      }
      m = DYN_WITH_RE.exec(part);
      if (m !== null) {
        if (seen.has(m[1])) throw new ValueError(`Duplicate {${m[1]}} in the path '${path}'`);
        seen.add(m[1]);
        pattern += `(?<${m[1]}>${m[2]})`;
        continue;
      }
      if (part.includes("{") || part.includes("}")) {
        throw new ValueError(
          `Invalid path '${path}'['${part}']: a segment is {name} or {name:regex}`,
        );
      }
      pattern += escapeRe(requote(part));
    }
    try {
      this._pattern = new RegExp(`^(?:${pattern})$`);
    } catch (e) {
      throw new ValueError(`Bad pattern '${pattern}': ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * The decoded `{name}` values when `rawPath` (as sent) matches, else `null`.
   *
   * @param rawPath A percent-encoded path.
   * @returns The match info or `null`.
   */
  match(rawPath: string): Record<string, string> | null {
    if (this._plain !== null) return this._plain === rawPath ? {} : null;
    const m = this._pattern!.exec(rawPath);
    if (m === null) return null;
    // The groups object is fresh for each match: decode its values in place.
    const groups = m.groups!;
    for (const k in groups) {
      const v = groups[k];
      if (v.indexOf("%") >= 0) groups[k] = unquotePath(v);
    }
    return groups;
  }

  /** The methods with a route. */
  get methods(): Set<string> {
    return new Set(this._routes.keys());
  }

  /** Python's repr. */
  toString(): string {
    const kind = this._plain !== null ? "PlainResource" : "DynamicResource";
    return `<${kind} ${this.name !== null ? `'${this.name}' ` : ""} ${this.canonical}>`;
  }
}

/** Options of the router's `add*` methods. */
export interface RouteOptions {
  /** A name to find the resource by (`router.get(name)`). */
  name?: string;
}

/** Options of `addGet`. */
export interface GetRouteOptions extends RouteOptions {
  /** Register a HEAD route too (default true). */
  allowHead?: boolean;
}

/** @internal What resolving a request gives. */
export interface Resolved {
  route: ResourceRoute | null;
  matchInfo: Record<string, string>;
  error: HTTPException | null;
}

function checkHandler(handler: unknown, where: string): Handler {
  if (typeof handler !== "function") {
    throw new TypeError(
      `${where}: the handler must be a function (request) => Response (plain, generator or ` +
        `async), got ${describe(handler)}`,
    );
  }
  return handler as Handler;
}

function checkPath(path: unknown, where: string): string {
  if (typeof path !== "string") {
    throw new TypeError(
      `${where}: path must be a string such as "/users/{id}", got ${describe(path)}`,
    );
  }
  if (!path.startsWith("/")) {
    throw new ValueError(`${where}: path should start with / (got '${path}'); e.g. "/${path}"`);
  }
  return path;
}

/**
 * aiohttp's `UrlDispatcher`: `app.router`.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addGet("/", () => new web.Response({ text: "index" }));
 * app.router.addGet("/users/{id:\\d+}", (req: web.Request) =>
 *   new web.Response({ text: `user ${req.matchInfo.id}` }));
 * app.router.addRoute("*", "/any", (req: web.Request) => new web.Response({ text: req.method }));
 * ```
 */
export class UrlDispatcher {
  /** @internal */ _resources: Resource[] = [];
  /** @internal */ _named: Map<string, Resource> = new Map();
  /** @internal */ _frozen = false;

  /**
   * Add a route.
   *
   * @param method The HTTP method (or `*` for any).
   * @param path The path, with `{name}` or `{name:regex}` segments.
   * @param handler The handler.
   * @param options `name`.
   * @returns The route.
   * @throws {RuntimeError} Once the application is running (the router is frozen).
   * @throws {ValueError} For a bad path, or a second route for the same method and path.
   */
  addRoute(
    method: string,
    path: string,
    handler: Handler,
    options: RouteOptions = {},
  ): ResourceRoute {
    const where = "addRoute()";
    if (typeof method !== "string" || (method !== METH_ANY && !METHOD_RE.test(method))) {
      throw new ValueError(
        `${where}: ${describe(method)} is not a valid HTTP method such as "GET"`,
      );
    }
    checkPath(path, where);
    checkHandler(handler, where);
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `${where}: options must be an object such as { name: "index" }, got ${describe(options)}`,
      );
    }
    const name = options.name ?? null;
    if (name !== null && typeof name !== "string") {
      throw new TypeError(`${where}: name must be a string, got ${describe(name)}`);
    }
    if (this._frozen) {
      throw new RuntimeError(
        "Cannot register a resource into frozen router: add routes before the application starts",
      );
    }
    const m = method.toUpperCase();
    let resource: Resource;
    const last = this._resources[this._resources.length - 1];
    if (last !== undefined && last.name === name && last.canonical === path) resource = last;
    else {
      if (name !== null && this._named.has(name)) {
        throw new ValueError(`Duplicate route name '${name}': names must be unique`);
      }
      resource = new Resource(path, name);
      this._resources.push(resource);
      if (name !== null) this._named.set(name, resource);
    }
    if (resource._routes.has(m) || (m === METH_ANY && resource._any !== null)) {
      throw new RuntimeError(
        `Added route will never be executed, method ${m} is already registered for ${path}`,
      );
    }
    const route = new ResourceRoute(m, handler, resource);
    if (m === METH_ANY) resource._any = route;
    else resource._routes.set(m, route);
    return route;
  }

  /** Add a GET route (and a HEAD one unless `allowHead: false`). @returns The GET route. */
  addGet(path: string, handler: Handler, options: GetRouteOptions = {}): ResourceRoute {
    const { allowHead = true, ...rest } = options ?? {};
    const route = this.addRoute("GET", path, handler, rest);
    if (allowHead) this.addRoute("HEAD", path, handler, rest);
    return route;
  }
  /** Add a HEAD route. @returns The route. */
  addHead(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("HEAD", path, handler, options);
  }
  /** Add a POST route. @returns The route. */
  addPost(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("POST", path, handler, options);
  }
  /** Add a PUT route. @returns The route. */
  addPut(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("PUT", path, handler, options);
  }
  /** Add a PATCH route. @returns The route. */
  addPatch(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("PATCH", path, handler, options);
  }
  /** Add a DELETE route. @returns The route. */
  addDelete(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("DELETE", path, handler, options);
  }
  /** Add an OPTIONS route. @returns The route. */
  addOptions(path: string, handler: Handler, options?: RouteOptions): ResourceRoute {
    return this.addRoute("OPTIONS", path, handler, options);
  }

  /**
   * Add route definitions (`web.get(path, handler)`, a `RouteTableDef`...).
   *
   * @param routes The definitions.
   * @returns The routes added.
   */
  addRoutes(routes: Iterable<RouteDef>): ResourceRoute[] {
    if (routes === null || typeof routes !== "object" || !(Symbol.iterator in routes)) {
      throw new TypeError(
        `addRoutes(): expected a list of route definitions (web.get(path, handler)...) or a RouteTableDef, got ${
          describe(routes)
        }`,
      );
    }
    const added: ResourceRoute[] = [];
    for (const def of routes) {
      if (!(def instanceof RouteDef)) {
        throw new TypeError(
          `addRoutes(): expected route definitions made with web.get(), web.post()..., got ${
            describe(def)
          }`,
        );
      }
      if (def.method === "GET") {
        added.push(this.addGet(def.path, def.handler, { ...def.options }));
      } else added.push(this.addRoute(def.method, def.path, def.handler, def.options));
    }
    return added;
  }

  /**
   * The resource registered under `name`.
   *
   * @param name The route name.
   * @returns The resource, or `undefined`.
   */
  get(name: string): Resource | undefined {
    return this._named.get(name);
  }

  /** The resources, in the order they are tried. */
  resources(): readonly Resource[] {
    return this._resources;
  }

  /** Every route. */
  routes(): ResourceRoute[] {
    const out: ResourceRoute[] = [];
    for (const r of this._resources) {
      out.push(...r._routes.values());
      if (r._any !== null) out.push(r._any);
    }
    return out;
  }

  /** @internal Find the route for a method and a raw path. */
  _resolve(method: string, rawPath: string): Resolved {
    let allowed: Set<string> | null = null;
    const resources = this._resources;
    for (let i = 0; i < resources.length; i++) {
      const res = resources[i];
      const info = res.match(rawPath);
      if (info === null) continue;
      const route = res._routes.get(method) ?? res._any;
      if (route !== null) return { route, matchInfo: info, error: null };
      allowed ??= new Set();
      for (const m of res._routes.keys()) allowed.add(m);
    }
    return {
      route: null,
      matchInfo: {},
      error: allowed !== null ? new HTTPMethodNotAllowed(method, allowed) : new HTTPNotFound(),
    };
  }
}

/**
 * A route definition (aiohttp's `RouteDef`), made with `web.get(path,
 * handler)`, `web.post(...)`, `web.route(method, ...)` or a `RouteTableDef`,
 * and added with `app.router.addRoutes([...])` (or `app.addRoutes`).
 */
export class RouteDef {
  /**
   * Make a route definition.
   *
   * @param method The method.
   * @param path The path.
   * @param handler The handler.
   * @param options `name`, `allowHead` (GET).
   */
  constructor(
    readonly method: string,
    readonly path: string,
    readonly handler: Handler,
    readonly options: GetRouteOptions = {},
  ) {
    checkPath(path, `web.${method.toLowerCase()}()`);
    checkHandler(handler, `web.${method.toLowerCase()}()`);
  }
}

/**
 * A route definition for any method (aiohttp's `web.route`).
 *
 * @param method The method.
 * @param path The path.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition, for `app.router.addRoutes([...])`.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([
 *   web.get("/", () => new web.Response({ text: "hi" })),
 *   web.route("PUT", "/x", () => new web.Response({ text: "put" })),
 * ]);
 * ```
 */
export function route(
  method: string,
  path: string,
  handler: Handler,
  options?: RouteOptions,
): RouteDef {
  if (typeof method !== "string") {
    throw new TypeError(
      `web.route(): method must be a string such as "GET", got ${describe(method)}`,
    );
  }
  return new RouteDef(method.toUpperCase(), path, handler, options);
}
/**
 * A GET (and HEAD) route definition (aiohttp's `web.get`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`, `allowHead`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.get("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function get(path: string, handler: Handler, options?: GetRouteOptions): RouteDef {
  return new RouteDef("GET", path, handler, options);
}
/**
 * A HEAD route definition (aiohttp's `web.head`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.head("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function head(path: string, handler: Handler, options?: RouteOptions): RouteDef {
  return new RouteDef("HEAD", path, handler, options);
}
/**
 * A POST route definition (aiohttp's `web.post`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.post("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function post(path: string, handler: Handler, options?: RouteOptions): RouteDef {
  return new RouteDef("POST", path, handler, options);
}
/**
 * A PUT route definition (aiohttp's `web.put`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.put("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function put(path: string, handler: Handler, options?: RouteOptions): RouteDef {
  return new RouteDef("PUT", path, handler, options);
}
/**
 * A PATCH route definition (aiohttp's `web.patch`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.patch("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function patch(path: string, handler: Handler, options?: RouteOptions): RouteDef {
  return new RouteDef("PATCH", path, handler, options);
}
/**
 * A DELETE route definition (aiohttp's `web.delete`), for `addRoutes`.
 *
 * @param path The path, with `{name}` parts.
 * @param handler The handler.
 * @param options `name`.
 * @returns The definition.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addRoutes([web.delete("/items/{id}", (r) => new web.Response({ text: r.matchInfo.id }))]);
 * ```
 */
export function delete_(path: string, handler: Handler, options?: RouteOptions): RouteDef {
  return new RouteDef("DELETE", path, handler, options);
}

/**
 * aiohttp's `RouteTableDef`: collect routes with decorator-like calls,
 * `routes.get(path)(handler)`, then `app.addRoutes(routes)`.
 *
 * @example
 * ```ts
 * import { web } from "@yieldfrom/asyncio/http";
 * const routes = new web.RouteTableDef();
 * const hello = routes.get("/hello/{name}")((request: web.Request) =>
 *   new web.Response({ text: `hello ${request.matchInfo.name}` })
 * );
 * const app = new web.Application();
 * app.addRoutes(routes);
 * ```
 */
export class RouteTableDef implements Iterable<RouteDef> {
  /** @internal */ _items: RouteDef[] = [];

  /**
   * A decorator for `method` and `path`: it records the route and returns the handler.
   *
   * @param method The method.
   * @param path The path.
   * @param options `name`, `allowHead` (GET).
   * @returns `(handler) => handler`.
   */
  route(method: string, path: string, options?: GetRouteOptions): <H extends Handler>(h: H) => H {
    if (typeof method !== "string") {
      throw new TypeError(
        `RouteTableDef.route(): method must be a string, got ${describe(method)}`,
      );
    }
    checkPath(path, `routes.${method.toLowerCase()}()`);
    return <H extends Handler>(handler: H): H => {
      this._items.push(new RouteDef(method.toUpperCase(), path, handler, options));
      return handler;
    };
  }
  /** `routes.get(path)(handler)`. @returns The decorator. */
  get(path: string, options?: GetRouteOptions): <H extends Handler>(h: H) => H {
    return this.route("GET", path, options);
  }
  /** `routes.head(path)(handler)`. @returns The decorator. */
  head(path: string, options?: RouteOptions): <H extends Handler>(h: H) => H {
    return this.route("HEAD", path, options);
  }
  /** `routes.post(path)(handler)`. @returns The decorator. */
  post(path: string, options?: RouteOptions): <H extends Handler>(h: H) => H {
    return this.route("POST", path, options);
  }
  /** `routes.put(path)(handler)`. @returns The decorator. */
  put(path: string, options?: RouteOptions): <H extends Handler>(h: H) => H {
    return this.route("PUT", path, options);
  }
  /** `routes.patch(path)(handler)`. @returns The decorator. */
  patch(path: string, options?: RouteOptions): <H extends Handler>(h: H) => H {
    return this.route("PATCH", path, options);
  }
  /** `routes.delete(path)(handler)`. @returns The decorator. */
  delete(path: string, options?: RouteOptions): <H extends Handler>(h: H) => H {
    return this.route("DELETE", path, options);
  }
  /** The definitions. @returns An iterator. */
  [Symbol.iterator](): Iterator<RouteDef> {
    return this._items[Symbol.iterator]();
  }
  /** How many definitions. */
  get length(): number {
    return this._items.length;
  }
}
