# W9 reference: seed 001's aiohttp server without the prints. Usage: python3.11 aiohttp_server.py PORT
import sys

from aiohttp import web


async def indexhandle(request):
    return web.Response(text=request.path, status=201)


async def handle(request):
    return web.Response(status=200, text=request.match_info.get('id', '0000'))


app = web.Application()
app.router.add_get('/', indexhandle)
app.router.add_get('/{id}', handle)
web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), access_log=None)
