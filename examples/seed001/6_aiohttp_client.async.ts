// Seed 001, the aiohttp client ("例,客户端") — async form.
// Run: deno run --allow-net examples/seed001/6_aiohttp_client.async.ts [URL]
// Without a URL it starts a local stand-in for the seed's server and asks it for /555.
import * as asyncio from "@yieldfrom/asyncio";
import { ClientSession } from "@yieldfrom/asyncio/http";
import { startLocalServer } from "../_local_http_server.ts";

const getHtml = asyncio.coroutine(async function getHtml(url: string) {
  // client与server建立会话
  await asyncio.asyncWith(new ClientSession(), async (session) => {
    // response
    await asyncio.asyncWith(session.get(url), async (res) => {
      console.log(res.status);
      console.log(await res.text());
    });
  });
});

const server = Deno.args[0] === undefined ? startLocalServer() : null;
const url = Deno.args[0] ?? `${server!.url}/555`; // 服务端
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(getHtml(url)); // 爬虫的第一步,拿到html页面数据后,用第三方库解析html变成dom树,拿到想要的东西
loop.close();
await server?.close();
