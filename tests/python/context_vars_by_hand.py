# A handle run by hand (Handle._run) inside a task: its callback sees its own context.
import asyncio, contextvars
v = contextvars.ContextVar('v', default='main')
async def main():
    v.set('task')
    loop = asyncio.get_running_loop()
    h = loop.call_soon(lambda: print('cb sees', v.get()), context=contextvars.Context())
    h._run()
    h.cancel()
    print('task sees', v.get())
asyncio.run(main())
