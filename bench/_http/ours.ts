// W9 server: seed 001's GET /{id} on @yieldfrom/asyncio/http. Usage: deno run --allow-net ours.ts PORT
import { web } from "../../lib/http/mod.ts";

async function indexhandle(request: web.Request) {
  return new web.Response({ text: request.path, status: 201 });
}
async function handle(request: web.Request) {
  return new web.Response({ status: 200, text: request.matchInfo.id ?? "0000" });
}
const app = new web.Application();
app.router.addGet("/", indexhandle);
app.router.addGet("/{id}", handle);
await web.runApp(app, { host: "127.0.0.1", port: Number(Deno.args[0]) });
