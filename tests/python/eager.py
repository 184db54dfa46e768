"""Reference trace for the eager task factory (needs python3.12): python3.12 eager.py"""
import asyncio


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)

    async def quick():
        print("quick runs")
        return "quick result"

    async def slow():
        print("slow starts")
        await asyncio.sleep(0)
        print("slow ends")

    q = asyncio.create_task(quick())
    print("after create quick:", q.done())
    s = asyncio.create_task(slow())
    print("after create slow:", s.done())
    print(await q)
    await s


print("== eager")
asyncio.run(main())
