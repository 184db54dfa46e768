// Seed 003, §3 aiohttp: two tasks, each with its own session, POST JSON; the
// first blocks the whole thread for 5 seconds (time.sleep, here
// blockingSleep), so the second cannot even start until it ends — legacy form.
// Run: deno run --allow-net examples/seed003/aiohttp_init.legacy.ts [BASE_URL]
// Without a URL it starts a local stand-in for the seed's server (localhost:10056).
import * as asyncio from "@yieldfrom/asyncio";
import { ClientSession } from "@yieldfrom/asyncio/http";
import { startLocalServer } from "../_local_http_server.ts";

const server = Deno.args[0] === undefined ? startLocalServer() : null;
const BASE = Deno.args[0] ?? server!.url;

const init = asyncio.coroutine(function* init(num: number) {
  yield* asyncio.asyncWith(new ClientSession(), function* (session) {
    if (num === 1) {
      asyncio.blockingSleep(5);
    }
    console.log("session begin", num);
    yield* asyncio.asyncWith(
      session.post(`${BASE}/hello/`, { data: JSON.stringify({ data: "hello" }) }),
      function* (response) {
        console.log("client begin", num);
        const data = JSON.parse(yield* response.text());

        console.log(data["data"]);
      },
    );
    console.log("session end", num);
  });
  console.log("other");
});

if (import.meta.main) {
  const loop = asyncio.getEventLoop();
  const tasks = [init(1), init(2)];
  await loop.runUntilComplete(asyncio.wait(tasks));
  await server?.close();
}
