import asyncio

async def func():
    pass

res = func()

# loop = asyncio.get_event_loop()
# loop.run_until_complete( res )
asyncio.run(res) # python3.7之后出现
