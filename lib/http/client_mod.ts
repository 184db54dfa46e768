/**
 * The HTTP client of `@yieldfrom/asyncio/http` (aiohttp's client, on
 * Deno's `fetch`): `ClientSession`, `ClientTimeout`, `ClientResponse` and
 * the client's exceptions.
 *
 * @example
 * ```ts
 * import { ClientSession } from "./client_mod.ts";
 * import { asyncWith, run } from "../../mod.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () =>
 *   new Response("hello"));
 * await run(function* () {
 *   const session = new ClientSession();
 *   yield* asyncWith(session.get(`http://127.0.0.1:${server.addr.port}/`), function* (resp) {
 *     console.log(resp.status, yield* resp.text()); // 200 hello
 *   });
 *   yield* session.close();
 * });
 * await server.shutdown();
 * ```
 *
 * @module
 */

export {
  ClientSession,
  type ClientSessionOptions,
  ClientTimeout,
  type ClientTimeoutOptions,
  DEFAULT_TIMEOUT,
  type Params,
  RequestContextManager,
  type RequestData,
  type RequestOptions,
} from "./client.ts";
export { ClientResponse, type JsonOptions } from "./client_reqrep.ts";
export {
  ClientConnectionError,
  ClientConnectorError,
  ClientError,
  ClientOSError,
  ClientPayloadError,
  ClientResponseError,
  type ClientResponseErrorOptions,
  type ConnectionKey,
  ContentTypeError,
  InvalidURL,
  type RequestInfo,
  ServerConnectionError,
  ServerDisconnectedError,
  ServerTimeoutError,
  TimeoutError,
} from "./client_exceptions.ts";
export { StreamReader } from "../streams.ts";
export type { Coro, Coroutine } from "../coroutines.ts";
export type { BaseTransport, BytesLike, Transport, WriteBufferLimits } from "../transports.ts";
export type { BaseProtocol } from "../protocols.ts";
