# Seed 001, the aiohttp server: for HTTP, what matters is the request and the response.
# Run: python3 6_aiohttp_server.py [PORT]   (Ctrl-C stops it; the seed used port 9999 on 0.0.0.0)
import sys

from aiohttp import web


async def indexhandle(request: web.Request):
    return web.Response(text=request.path, status=201)


async def handle(request: web.Request):
    print(request.match_info)
    print(request.query_string)
    return web.Response(status=200, text=request.match_info.get('id', '0000'))


app = web.Application()
app.router.add_get('/', indexhandle)
app.router.add_get('/{id}', handle)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1 else 9999)
