# Seed 001, the aiohttp client ("例,客户端").
# Run: python3.11 6_aiohttp_client.py [URL]
# (against the seed's server on port 9999, or the local stand-in:
#  deno run --allow-net examples/_local_http_server.ts, then pass its URL + "/555")
from aiohttp import ClientSession
import asyncio
import sys


async def get_html(url: str):
    async with ClientSession() as session:  # client与server建立会话
        async with session.get(url) as res:  # response
            print(res.status)
            print(await res.text())


url = sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:9999/555'  # 服务端
loop = asyncio.get_event_loop()
loop.run_until_complete(get_html(url))  # 爬虫的第一步,拿到html页面数据后,用第三方库解析html变成dom树,拿到想要的东西
loop.close()
