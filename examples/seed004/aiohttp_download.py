# Seed 004, §2 "download many files": one task per file, create_task + wait.
# Run: python3.11 aiohttp_download.py [BASE_URL]
# The seed's url_list was empty; here it lists five pictures served by the
# local stand-in (deno run --allow-net examples/_local_http_server.ts, then
# pass its URL). The files go to a temporary directory, listed at the end.
import asyncio
import os
import shutil
import sys
import tempfile

import aiohttp

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
OUT_DIR = tempfile.mkdtemp()


async def fetch(session, url):
    async with session.get(url) as response:
        content = await response.content.read()
        file_name = url.rsplit("_")[-1]
        with open(os.path.join(OUT_DIR, file_name), 'wb') as file_obj:
            file_obj.write(content)


async def main():
    async with aiohttp.ClientSession() as session:
        url_list = [f"{BASE}/files/pic_{n}.jpg" for n in range(1, 6)]
        tasks = [asyncio.create_task(fetch(session, url)) for url in url_list]
        await asyncio.wait(tasks)


if __name__ == '__main__':
    asyncio.run(main())
    for name in sorted(os.listdir(OUT_DIR)):
        print(name, os.path.getsize(os.path.join(OUT_DIR, name)))
    shutil.rmtree(OUT_DIR)
