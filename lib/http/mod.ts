/**
 * `@yieldfrom/asyncio/http`: aiohttp's shape on Deno's fetch and Deno.serve.
 * `import { web } from "@yieldfrom/asyncio/http"` mirrors
 * `from aiohttp import web`; the client (`ClientSession`, `ClientTimeout`,
 * `ClientResponse` and aiohttp's client exceptions) is exported at the top
 * level, as `aiohttp.ClientSession` is.
 *
 * @example
 * ```ts ignore
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addGet("/", () => new web.Response({ text: "hello" }));
 * await web.runApp(app, { host: "127.0.0.1", port: 8080 });
 * ```
 *
 * @module
 */

// The loop implementation registers itself when loaded.
import "../loop.ts";
// server
import * as web from "./web.ts";
export { web };
// client
export * from "./client_mod.ts";
