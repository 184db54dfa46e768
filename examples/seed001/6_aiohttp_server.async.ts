// Seed 001, the aiohttp server (对于http，关键是request和response) — async form.
// Run: deno run --allow-net examples/seed001/6_aiohttp_server.async.ts [PORT]   (Ctrl-C stops it)
// The seed listened on 0.0.0.0:9999; this listens on 127.0.0.1 (9999 unless PORT is given).
import { web } from "@yieldfrom/asyncio/http";

/** Python's repr of aiohttp's MatchInfo: <MatchInfo {'id': '555'}: <ResourceRoute ...>>. */
const matchInfo = (request: web.Request) =>
  `<MatchInfo {${
    Object.entries(request.matchInfo).map(([k, v]) => `'${k}': '${v}'`).join(", ")
  }}: ${request.matchRoute}>`;

async function indexhandle(request: web.Request) {
  return new web.Response({ text: request.path, status: 201 });
}

async function handle(request: web.Request) {
  console.log(matchInfo(request));
  console.log(request.queryString);
  return new web.Response({ status: 200, text: request.matchInfo.id ?? "0000" });
}

const app = new web.Application();
app.router.addGet("/", indexhandle);
app.router.addGet("/{id}", handle);
await web.runApp(app, { host: "127.0.0.1", port: Number(Deno.args[0] ?? 9999) });
