"""Reference traces for tests/queues_test.ts (the same under Python 3.11, 3.12 and 3.13)."""
import asyncio


async def fifo_main():
    q = asyncio.Queue()
    print(q, q.qsize(), q.empty(), q.full(), q.maxsize)
    for i in range(3):
        await q.put(i)
    q.put_nowait("x")
    print(q, q.qsize(), q.empty(), q.full())
    print([await q.get() for _ in range(2)], [q.get_nowait() for _ in range(2)])
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        print("get_nowait on empty:", type(e).__name__)
    print(q)


def fifo():
    print("== fifo")
    asyncio.run(fifo_main())


async def orders_main():
    lifo = asyncio.LifoQueue()
    for i in range(4):
        lifo.put_nowait(i)
    print(lifo, [lifo.get_nowait() for _ in range(4)])
    pq = asyncio.PriorityQueue()
    entries = [[3, "c"], [1, "a"], [2, "b"], [1, "A"], [5, "e"], [0, "z"], [2, "b2"], [4, "d"]]
    for e in entries:
        pq.put_nowait(e)
    print(pq)
    print([pq.get_nowait() for _ in range(4)])
    print(pq)
    nums = asyncio.PriorityQueue()
    for n in [5, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]:
        nums.put_nowait(n)
    print(nums)
    print([nums.get_nowait() for _ in range(nums.qsize())])
    strs = asyncio.PriorityQueue()
    for s in ["pear", "apple", "fig", "apple pie", "banana"]:
        strs.put_nowait(s)
    print([strs.get_nowait() for _ in range(strs.qsize())])
    tuples = asyncio.PriorityQueue()
    for t in [[1, 2], [1], [0, 5, 1], [1, 2, 0], [0, 5], [1, 2]]:
        tuples.put_nowait(t)
    print([tuples.get_nowait() for _ in range(tuples.qsize())])
    try:
        asyncio.PriorityQueue().put_nowait(None) or print("one item needs no comparison")
        mixed = asyncio.PriorityQueue()
        mixed.put_nowait(1)
        mixed.put_nowait("one")
    except TypeError as e:
        print("unorderable:", type(e).__name__)


def orders():
    print("== orders")
    asyncio.run(orders_main())


async def bounded_main():
    q = asyncio.Queue(2)

    async def producer(name, items):
        for i in items:
            print(name, "putting", i)
            await q.put(i)
            print(name, "put", i)

    async def consumer(name, n):
        for _ in range(n):
            item = await q.get()
            print(name, "got", item, q)
            await asyncio.sleep(0)

    p1 = asyncio.create_task(producer("p1", [1, 2, 3]))
    p2 = asyncio.create_task(producer("p2", [10, 20]))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(q, q.full())
    try:
        q.put_nowait(99)
    except asyncio.QueueFull as e:
        print("put_nowait on full:", type(e).__name__)
    await asyncio.gather(p1, p2, consumer("c", 5))
    print(q)


def bounded():
    print("== bounded")
    asyncio.run(bounded_main())


async def getters_fifo_main():
    q = asyncio.Queue()

    async def getter(name):
        item = await q.get()
        print(name, "got", item)

    tasks = [asyncio.create_task(getter(n)) for n in "abc"]
    await asyncio.sleep(0)
    print(q)
    q.put_nowait(1)
    q.put_nowait(2)
    print(q)
    late = asyncio.create_task(getter("late"))
    await asyncio.sleep(0)
    q.put_nowait(3)
    q.put_nowait(4)
    await asyncio.gather(*tasks, late)
    print(q)


def getters_fifo():
    print("== getters_fifo")
    asyncio.run(getters_fifo_main())


async def join_main():
    q = asyncio.Queue()
    for i in range(3):
        q.put_nowait(i)

    async def worker():
        while True:
            item = await q.get()
            await asyncio.sleep(0)
            print("processed", item)
            q.task_done()

    async def joiner(name):
        await q.join()
        print(name, "joined", q)

    w = asyncio.create_task(worker())
    await asyncio.gather(joiner("j1"), joiner("j2"))
    await q.join()
    print("join on a finished queue returns at once")
    w.cancel()
    try:
        q.task_done()
    except ValueError as e:
        print("task_done too many:", type(e).__name__)
    print(q)


def join():
    print("== join")
    asyncio.run(join_main())


async def cancel_getter_main():
    q = asyncio.Queue()

    async def getter(name):
        try:
            item = await q.get()
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        print(name, "got", item)

    tasks = {n: asyncio.create_task(getter(n)) for n in "abc"}
    await asyncio.sleep(0)
    tasks["a"].cancel()  # while waiting
    await asyncio.sleep(0)
    print(q)
    q.put_nowait(1)  # wakes b
    tasks["b"].cancel()  # woken, then cancelled: c gets the item
    print(q)
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    print(q, [t.cancelled() for t in tasks.values()])


def cancel_getter():
    print("== cancel_getter")
    asyncio.run(cancel_getter_main())


async def cancel_putter_main():
    q = asyncio.Queue(1)
    q.put_nowait("first")

    async def putter(name):
        try:
            await q.put(name)
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        print(name, "put")

    tasks = {n: asyncio.create_task(putter(n)) for n in "abc"}
    await asyncio.sleep(0)
    tasks["a"].cancel()
    await asyncio.sleep(0)
    print(q)
    print("got", q.get_nowait())  # wakes b
    tasks["b"].cancel()  # woken, then cancelled: c gets the slot
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    print(q, [t.cancelled() for t in tasks.values()])


def cancel_putter():
    print("== cancel_putter")
    asyncio.run(cancel_putter_main())


fifo()
orders()
bounded()
getters_fifo()
join()
cancel_getter()
cancel_putter()
