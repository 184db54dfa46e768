// Seed 003, §3 aiohttp: a GET request, its JSON answer read from text() — async form.
// Run: deno run --allow-net examples/seed003/aiohttp_fetch.async.ts [BASE_URL]
// Without a URL it starts a local stand-in for the seed's server (localhost:10056).
import * as asyncio from "@yieldfrom/asyncio";
import { ClientSession } from "@yieldfrom/asyncio/http";
import { startLocalServer } from "../_local_http_server.ts";

const server = Deno.args[0] === undefined ? startLocalServer() : null;
const BASE = Deno.args[0] ?? server!.url;

const fetch = asyncio.coroutine(async function fetch(session: ClientSession) {
  await asyncio.asyncWith(session.get(`${BASE}/test/`), async (response) => {
    const data = JSON.parse(await response.text());
    console.log(data["data"]);
  });
});

const main = asyncio.coroutine(async function main() {
  await asyncio.asyncWith(new ClientSession(), async (session) => {
    await fetch(session);
  });
});

if (import.meta.main) {
  await asyncio.run(main());
  await server?.close();
}
