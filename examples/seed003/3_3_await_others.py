import asyncio

async def others():
    print("start")
    await asyncio.sleep(2)
    print("end")
    return 1


async def func():
    print("start func")
    response1 = await others()
    print("end func, response1 = ", response1)
    response2 = await others()
    print("end func, response2 = ", response2)


if __name__ == '__main__':
    asyncio.run(func())
