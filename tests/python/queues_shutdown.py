"""needs python3.13: Queue.shutdown() and QueueShutDown (new in Python 3.13)."""
import asyncio


async def shutdown_main():
    q = asyncio.Queue()
    q.put_nowait(1)
    q.put_nowait(2)

    async def getter(name):
        try:
            while True:
                item = await q.get()
                print(name, "got", item)
                q.task_done()
        except asyncio.QueueShutDown as e:
            print(name, "shut down:", type(e).__name__)

    tasks = [asyncio.create_task(getter(n)) for n in "ab"]
    await asyncio.sleep(0)
    print(q)
    q.shutdown()
    print("after shutdown:", q)
    try:
        q.put_nowait(3)
    except asyncio.QueueShutDown as e:
        print("put_nowait:", type(e).__name__)
    try:
        await q.put(3)
    except asyncio.QueueShutDown as e:
        print("put:", type(e).__name__)
    await asyncio.gather(*tasks)
    try:
        q.get_nowait()
    except asyncio.QueueShutDown as e:
        print("get_nowait on empty:", type(e).__name__)
    await q.join()
    print("joined", q)
    q.shutdown()  # twice is fine
    print("twice:", q)


def shutdown():
    print("== shutdown")
    asyncio.run(shutdown_main())


async def shutdown_keeps_items_main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    q.shutdown()
    print(q.get_nowait(), await q.get(), q.qsize())
    q.task_done()
    q.task_done()
    print(q)


def shutdown_keeps_items():
    print("== shutdown_keeps_items")
    asyncio.run(shutdown_keeps_items_main())


async def shutdown_putters_main():
    q = asyncio.Queue(1)
    q.put_nowait("a")

    async def putter(name):
        try:
            await q.put(name)
            print(name, "put")
        except asyncio.QueueShutDown as e:
            print(name, "shut down:", type(e).__name__)

    tasks = [asyncio.create_task(putter(n)) for n in "bc"]
    await asyncio.sleep(0)
    print(q)
    q.shutdown()
    print(q)
    await asyncio.gather(*tasks)
    print(q, q.get_nowait())


def shutdown_putters():
    print("== shutdown_putters")
    asyncio.run(shutdown_putters_main())


async def shutdown_immediate_main():
    q = asyncio.Queue(2)
    q.put_nowait("x")
    q.put_nowait("y")

    async def putter():
        try:
            await q.put("z")
        except asyncio.QueueShutDown as e:
            print("putter:", type(e).__name__)

    async def joiner():
        await q.join()
        print("join released", q)

    tp = asyncio.create_task(putter())
    tj = asyncio.create_task(joiner())
    await asyncio.sleep(0)
    print(q)
    q.shutdown(immediate=True)
    print("immediate:", q, q.qsize(), q.empty())
    await asyncio.gather(tp, tj)
    try:
        await q.get()
    except asyncio.QueueShutDown as e:
        print("get:", type(e).__name__)
    try:
        q.task_done()
    except ValueError as e:
        print("task_done:", type(e).__name__)


def shutdown_immediate():
    print("== shutdown_immediate")
    asyncio.run(shutdown_immediate_main())


async def shutdown_immediate_taken_main():
    # An item taken but not finished still holds join(); immediate drops only queued ones.
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)
    first = q.get_nowait()

    async def joiner():
        await q.join()
        print("joined")

    tj = asyncio.create_task(joiner())
    await asyncio.sleep(0)
    q.shutdown(immediate=True)
    await asyncio.sleep(0)
    print("after immediate:", q, "join done:", tj.done())
    q.task_done()  # for `first`
    await tj
    print("first was", first, q)
    for cls in (asyncio.LifoQueue, asyncio.PriorityQueue):
        p = cls()
        for i in [3, 1, 2]:
            p.put_nowait(i)
        p.shutdown()
        print(cls.__name__, [p.get_nowait() for _ in range(3)], p)


def shutdown_immediate_taken():
    print("== shutdown_immediate_taken")
    asyncio.run(shutdown_immediate_taken_main())


shutdown()
shutdown_keeps_items()
shutdown_putters()
shutdown_immediate()
shutdown_immediate_taken()
