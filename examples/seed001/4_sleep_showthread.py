import asyncio, threading
async def sleep(x): #3.5ver用法
    for i in range(3):
        print('sleep {}'.format(i))
        await asyncio.sleep(x)
async def showthread(x):
    for i in range(3):
        print(threading.enumerate())
        await asyncio.sleep(x)
loop = asyncio.get_event_loop()
tasks = [sleep(3), showthread(3)] #放协程对象
loop.run_until_complete(asyncio.wait(tasks))
loop.close()
print(asyncio.iscoroutinefunction(sleep))
print(asyncio.iscoroutine(showthread))
