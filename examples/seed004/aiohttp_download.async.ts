// Seed 004, §2 "download many files": one task per file, createTask + wait — async form.
// Run: deno run --allow-net --allow-read=/tmp --allow-write=/tmp examples/seed004/aiohttp_download.async.ts [BASE_URL]
// The seed's url_list was empty; here it lists five pictures served by a
// local stand-in server (started here unless a URL is given). The files go
// to a temporary directory, listed at the end.
import * as asyncio from "@yieldfrom/asyncio";
import { ClientSession } from "@yieldfrom/asyncio/http";
import { startLocalServer } from "../_local_http_server.ts";

const server = Deno.args[0] === undefined ? startLocalServer() : null;
const BASE = Deno.args[0] ?? server!.url;
const OUT_DIR = Deno.makeTempDirSync();

const fetch = asyncio.coroutine(async function fetch(session: ClientSession, url: string) {
  await asyncio.asyncWith(session.get(url), async (response) => {
    const content = await response.content.read();
    const fileName = url.split("_").at(-1)!;
    Deno.writeFileSync(`${OUT_DIR}/${fileName}`, content);
  });
});

const main = asyncio.coroutine(async function main() {
  await asyncio.asyncWith(new ClientSession(), async (session) => {
    const urlList = [1, 2, 3, 4, 5].map((n) => `${BASE}/files/pic_${n}.jpg`);
    const tasks = urlList.map((url) => asyncio.createTask(fetch(session, url)));
    await asyncio.wait(tasks);
  });
});

if (import.meta.main) {
  await asyncio.run(main());
  for (const name of [...Deno.readDirSync(OUT_DIR)].map((e) => e.name).sort()) {
    console.log(name, Deno.statSync(`${OUT_DIR}/${name}`).size);
  }
  Deno.removeSync(OUT_DIR, { recursive: true });
  await server?.close();
}
