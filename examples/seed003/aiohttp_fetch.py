# Seed 003, §3 aiohttp: a GET request, its JSON answer read from text().
# Run: python3.11 aiohttp_fetch.py [BASE_URL]
# (the seed's server at localhost:10056, or the local stand-in:
#  deno run --allow-net examples/_local_http_server.ts, then pass its URL)
import asyncio
import json
import sys

import aiohttp

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:10056"


async def fetch(session):
    async with session.get(f"{BASE}/test/") as response:
        data = json.loads(await response.text())
        print(data["data"])


async def main():
    async with aiohttp.ClientSession() as session:
        await fetch(session)


if __name__ == '__main__':
    asyncio.run(main())
