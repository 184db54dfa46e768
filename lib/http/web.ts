/**
 * The `web` namespace of `@yieldfrom/asyncio/http`: aiohttp's `web` module
 * (applications, routing, requests, responses, HTTP exceptions, runners).
 *
 * @example
 * ```ts ignore
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addGet("/{id}", (request: web.Request) =>
 *   new web.Response({ text: request.matchInfo.id }));
 * await web.runApp(app, { port: 8080 });
 * ```
 *
 * @module
 */

export {
  type AppCallback,
  Application,
  type ApplicationOptions,
  AppSignal,
  type Middleware,
} from "./web_app.ts";
export {
  delete_ as delete,
  get,
  type GetRouteOptions,
  type Handler,
  type HandlerResult,
  head,
  METH_ANY,
  patch,
  post,
  put,
  Resource,
  ResourceRoute,
  route,
  RouteDef,
  type RouteOptions,
  RouteTableDef,
  UrlDispatcher,
} from "./web_urldispatcher.ts";
export { Request } from "./web_request.ts";
export {
  jsonResponse,
  type JsonResponseOptions,
  Response,
  type ResponseBody,
  type ResponseOptions,
  StreamResponse,
  type StreamResponseOptions,
} from "./web_response.ts";
export * from "./web_exceptions.ts";
export {
  AppRunner,
  type AppRunnerOptions,
  runApp,
  type RunAppOptions,
  TCPSite,
  type TCPSiteOptions,
} from "./web_runner.ts";
