import asyncio


async def func():
    print(1)
    response = await asyncio.sleep(2)
    print("2", response)


if __name__ == '__main__':
    asyncio.run(func())
