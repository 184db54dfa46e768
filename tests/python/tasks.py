"""Reference traces for tests/tasks_test.ts."""
import asyncio
import re
import types


@types.coroutine
def bad_yield_value():
    try:
        yield 42
    except RuntimeError as e:
        print("caught:", e)
    return "recovered"


@types.coroutine
def bad_yield_future(fut):
    try:
        yield fut  # should have been `yield from fut`
    except RuntimeError as e:
        print("caught:", str(e).split(" in task")[0])
    return "recovered"


async def bad_yields_main():
    print(await asyncio.create_task(bad_yield_value()))
    fut = asyncio.get_running_loop().create_future()
    print(await asyncio.create_task(bad_yield_future(fut)))


def bad_yields():
    print("== bad_yields")
    asyncio.run(bad_yields_main())


async def deep(n):
    if n == 0:
        await asyncio.sleep(0)
        return 0
    try:
        return n + await deep(n - 1)
    finally:
        if n % 10 == 0:
            print("finally", n)


async def deep_fail(n):
    if n == 0:
        await asyncio.sleep(0)
        raise ValueError("from the bottom")
    try:
        return await deep_fail(n - 1)
    finally:
        if n % 25 == 0:
            print("unwinding", n)


async def deep_chains_main():
    print("sum", await deep(50))
    try:
        await deep_fail(50)
    except ValueError as e:
        print("caught", repr(e))


def deep_chains():
    print("== deep_chains")
    asyncio.run(deep_chains_main())


async def cancel_at_suspension_main():
    async def sleeper():
        try:
            print("sleeping")
            await asyncio.sleep(10)
        except asyncio.CancelledError as e:
            print("sleeper cancelled:", repr(e))
            raise
        finally:
            print("sleeper finally")

    t = asyncio.create_task(sleeper())
    await asyncio.sleep(1)
    print("cancel() ->", t.cancel("stop now"), "cancelling:", t.cancelling())
    try:
        await t
    except asyncio.CancelledError as e:
        print("awaiting it raised:", repr(e))
    print("cancelled:", t.cancelled(), "cancel() again ->", t.cancel())


def cancel_at_suspension():
    print("== cancel_at_suspension")
    asyncio.run(cancel_at_suspension_main())


async def cancel_before_start_main():
    async def body():
        print("body ran (it should not)")

    t = asyncio.create_task(body())
    t.cancel()
    print("done right after cancel:", t.done())
    await asyncio.sleep(0)
    print("done after one iteration:", t.done(), "cancelled:", t.cancelled())


def cancel_before_start():
    print("== cancel_before_start")
    asyncio.run(cancel_before_start_main())


async def refuse_cancel_main():
    async def stubborn():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            print("caught the cancellation, going on")
        await asyncio.sleep(1)
        return "finished anyway"

    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    t.cancel()
    print("result:", await t, "cancelled:", t.cancelled(), "cancelling:", t.cancelling())
    print("uncancel ->", t.uncancel(), "uncancel ->", t.uncancel())


def refuse_cancel():
    print("== refuse_cancel")
    asyncio.run(refuse_cancel_main())


async def cancel_inner_main():
    async def inner():
        try:
            await asyncio.sleep(10)
        finally:
            print("inner finally")

    async def outer(inner_task):
        try:
            await inner_task
        finally:
            print("outer finally")

    it = asyncio.create_task(inner())
    ot = asyncio.create_task(outer(it))
    await asyncio.sleep(0)
    ot.cancel()
    await asyncio.sleep(0)
    print("inner cancelled:", it.cancelled(), "outer cancelled:", ot.cancelled())


def cancel_inner():
    print("== cancel_inner")
    asyncio.run(cancel_inner_main())


async def cancel_twice_main():
    async def body():
        for i in range(3):
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError as e:
                print("caught", i, repr(e), "cancelling:", asyncio.current_task().cancelling())
        return "done"

    t = asyncio.create_task(body())
    for i in range(3):
        await asyncio.sleep(0)
        t.cancel(f"msg{i}")
    print(await t)


def cancel_twice():
    print("== cancel_twice")
    asyncio.run(cancel_twice_main())


async def current_task_main():
    me = asyncio.current_task()
    print("in main:", re.sub(r"\d+", "N", me.get_name()))
    loop = asyncio.get_running_loop()
    loop.call_soon(lambda: print("in a callback:", asyncio.current_task()))

    async def child():
        print("in child:", asyncio.current_task().get_name())

    await asyncio.create_task(child(), name="kid")


def current_task():
    print("== current_task")
    asyncio.run(current_task_main())
    try:
        asyncio.current_task()
    except RuntimeError as e:
        print("outside:", e)


async def exc_main():
    async def fail():
        raise ValueError("boom")

    t = asyncio.create_task(fail())
    await asyncio.sleep(0)
    print(t.done(), repr(t.exception()))
    t2 = asyncio.create_task(fail())
    try:
        await t2
    except ValueError as e:
        print("awaited:", repr(e))


def task_exception():
    print("== task_exception")
    asyncio.run(exc_main())


bad_yields()
deep_chains()
cancel_at_suspension()
cancel_before_start()
refuse_cancel()
cancel_inner()
cancel_twice()
current_task()
task_exception()
