# Seed 003, §3 aiohttp: two tasks, each with its own session, POST JSON; the
# first blocks the whole thread for 5 seconds (time.sleep), so the second
# cannot even start until it ends.
# Run: python3.11 aiohttp_init.py [BASE_URL]
# (the seed's server at localhost:10056, or the local stand-in:
#  deno run --allow-net examples/_local_http_server.ts, then pass its URL)
# The seed passed the coroutines themselves to asyncio.wait(), which Python
# 3.11 refuses; they are wrapped in tasks here, in the same order.
import asyncio
import json
import sys
import time

import aiohttp

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:10056"


async def init(num):
    async with aiohttp.ClientSession() as session:
        if num == 1:
            time.sleep(5)
        print("session begin", num)
        async with session.post(f"{BASE}/hello/", data=json.dumps({"data": "hello"})) as response:
            print("client begin", num)
            data = json.loads(await response.text())

            print(data["data"])
        print("session end", num)
    print("other")
if __name__ == '__main__':
    loop = asyncio.get_event_loop()
    tasks = [init(1), init(2)]
    loop.run_until_complete(asyncio.wait([loop.create_task(t) for t in tasks]))
