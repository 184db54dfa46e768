"""Reference traces for tests/context_test.ts: async with."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)


class Resource:
    def __init__(self, name, swallow=False, fail_enter=False, fail_exit=False):
        self.name = name
        self.swallow = swallow
        self.fail_enter = fail_enter
        self.fail_exit = fail_exit

    async def __aenter__(self):
        print("enter", self.name, now())
        await asyncio.sleep(0.1)
        if self.fail_enter:
            raise ValueError("enter failed")
        return self.name + " value"

    async def __aexit__(self, et, exc, tb):
        print("exit", self.name, repr(exc), now())
        await asyncio.sleep(0.1)
        if self.fail_exit:
            raise TypeError("exit failed")
        return self.swallow


async def with_basic():
    async with Resource("r") as v:
        print("body got", v, now())
        await asyncio.sleep(0.5)
    print("after", now())


async def with_body_error():
    try:
        async with Resource("r"):
            raise ValueError("body failed")
    except ValueError as e:
        print("propagated", repr(e), now())


async def with_swallow():
    async with Resource("r", swallow=True):
        raise ValueError("swallowed")
    print("after", now())


async def with_enter_fails():
    try:
        async with Resource("r", fail_enter=True):
            print("body (never)")
    except ValueError as e:
        print("enter error", repr(e), now())


async def with_exit_raises():
    try:
        async with Resource("r", fail_exit=True):
            raise ValueError("body failed")
    except TypeError as e:
        print("exit error wins", repr(e), "context:", repr(e.__context__))
    try:
        async with Resource("r2", fail_exit=True):
            pass
    except TypeError as e:
        print("exit error", repr(e))


async def with_cancelled():
    async def body():
        async with Resource("r"):
            await asyncio.sleep(10)

    t = asyncio.create_task(body())
    await asyncio.sleep(0.5)
    t.cancel("stop")
    try:
        await t
    except CancelledError as e:
        print("task cancelled", repr(e), now())

    async def cancelled_in_exit():
        async with Resource("r2"):
            pass

    t = asyncio.create_task(cancelled_in_exit())
    await asyncio.sleep(0.15)
    t.cancel()
    try:
        await t
    except CancelledError as e:
        print("cancelled during exit", repr(e), now())


for name, main in [
    ("with_basic", with_basic),
    ("with_body_error", with_body_error),
    ("with_swallow", with_swallow),
    ("with_enter_fails", with_enter_fails),
    ("with_exit_raises", with_exit_raises),
    ("with_cancelled", with_cancelled),
]:
    print("==", name)
    run(main())
