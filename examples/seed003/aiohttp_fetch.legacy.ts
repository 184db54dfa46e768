// Seed 003, §3 aiohttp: a GET request, its JSON answer read from text() — legacy form.
// Run: deno run --allow-net examples/seed003/aiohttp_fetch.legacy.ts [BASE_URL]
// Without a URL it starts a local stand-in for the seed's server (localhost:10056).
import * as asyncio from "@yieldfrom/asyncio";
import { ClientSession } from "@yieldfrom/asyncio/http";
import { startLocalServer } from "../_local_http_server.ts";

const server = Deno.args[0] === undefined ? startLocalServer() : null;
const BASE = Deno.args[0] ?? server!.url;

const fetch = asyncio.coroutine(function* fetch(session: ClientSession) {
  yield* asyncio.asyncWith(session.get(`${BASE}/test/`), function* (response) {
    const data = JSON.parse(yield* response.text());
    console.log(data["data"]);
  });
});

const main = asyncio.coroutine(function* main() {
  yield* asyncio.asyncWith(new ClientSession(), function* (session) {
    yield* fetch(session);
  });
});

if (import.meta.main) {
  await asyncio.run(main());
  await server?.close();
}
