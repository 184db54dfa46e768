"""Reference traces for tests/loop_test.ts and tests/tasks_test.ts (scheduling order)."""
import asyncio

from _vclock import VirtualClockLoop


def fifo_and_batches():
    print("== fifo_and_batches")
    loop = asyncio.new_event_loop()

    def cb(name):
        print("cb", name)
        if name == "a":
            loop.call_soon(cb, "a2")  # scheduled during the iteration: runs in the next one

    for n in "abc":
        loop.call_soon(cb, n)
    loop.call_soon(loop.stop)
    loop.run_forever()
    print("stopped")
    loop.call_soon(loop.stop)
    loop.run_forever()
    print("stopped again")
    loop.close()


def equal_timers():
    # Timers with equal delays run in scheduling order. (CPython's heap does
    # not keep that order for identical call_at() times; we always do.)
    print("== equal_timers")
    # On the virtual clock, so that a slow or preempted machine cannot make the
    # eight calls below take longer than the 10 ms between "earlier" and "later".
    loop = VirtualClockLoop()
    for i in range(8):
        # CPython keeps this order because each call reads a later time();
        # tick the clock between them (two equal readings could swap them).
        loop._now += 1e-6
        loop.call_later(0.05, print, "later", i)
    loop.call_later(0.04, print, "earlier")
    loop.call_soon(print, "soon")
    loop.call_later(0.06, loop.stop)
    loop.run_forever()
    loop.close()


def cancelled_handles():
    print("== cancelled_handles")
    loop = asyncio.new_event_loop()
    h1 = loop.call_soon(print, "never 1")
    loop.call_soon(print, "runs")
    h2 = loop.call_later(0.01, print, "never 2")
    loop.call_later(0.02, print, "timer runs")
    h1.cancel()
    h2.cancel()
    print(h1.cancelled(), h2.cancelled())
    loop.call_later(0.03, loop.stop)
    loop.run_forever()
    loop.close()


async def lazy_func(name):
    print(1)
    await asyncio.sleep(2)
    print(2)
    return "返回值"


async def lazy_main():
    print("main开始")
    task1 = asyncio.create_task(lazy_func("a"))
    task2 = asyncio.create_task(lazy_func("b"))
    print("main结束")
    ret1 = await task1
    ret2 = await task2
    print(ret1, ret2)


def lazy_start():
    print("== lazy_start")
    asyncio.run(lazy_main())


async def one_yield_main():
    loop = asyncio.get_running_loop()

    def tick(i):
        print("iteration", i)
        if i < 4:
            loop.call_soon(tick, i + 1)

    async def yielder():
        print("A0")
        await asyncio.sleep(0)
        print("A1")
        await asyncio.sleep(0)
        print("A2")

    loop.call_soon(tick, 0)
    t = asyncio.create_task(yielder())
    await t
    await asyncio.sleep(0)
    await asyncio.sleep(0)


def one_yield():
    print("== one_yield")
    asyncio.run(one_yield_main())


async def done_future_main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.set_result("ready")

    async def a():
        print("a before")
        r = await fut
        print("a after", r)

    async def b():
        print("b")

    ta = asyncio.create_task(a())
    tb = asyncio.create_task(b())
    await ta
    await tb


def done_future():
    print("== done_future")
    asyncio.run(done_future_main())


async def interleave_main():
    async def worker(name, n):
        for i in range(n):
            print(name, i)
            await asyncio.sleep(0)
        return name

    r = await asyncio.gather(worker("x", 3), worker("y", 2), worker("z", 1))
    print(r)


def interleave():
    print("== interleave")
    asyncio.run(interleave_main())


async def future_callbacks_main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def cb(name):
        def f(future):
            print("callback", name, future.result())
        return f

    for n in "abc":
        fut.add_done_callback(cb(n))
    loop.call_soon(print, "scheduled before set_result")
    fut.set_result(42)
    loop.call_soon(print, "scheduled after set_result")
    await asyncio.sleep(0)
    await asyncio.sleep(0)


def future_callbacks():
    print("== future_callbacks")
    asyncio.run(future_callbacks_main())


fifo_and_batches()
equal_timers()
cancelled_handles()
lazy_start()
one_yield()
done_future()
interleave()
future_callbacks()
