"""needs python3.13: uncancel() reaching 0 drops the pending request (3.13's rule, which we follow)."""
import asyncio

from _vclock import run


async def inner():
    asyncio.current_task().cancel()
    print("uncancel ->", asyncio.current_task().uncancel())


async def body():
    await inner()
    await asyncio.sleep(0)
    print("not cancelled")


async def uncancel_nested_main():
    t = asyncio.create_task(body())
    await asyncio.gather(t, return_exceptions=True)
    print("task cancelled:", t.cancelled())


def uncancel_nested():
    print("== uncancel_nested")
    run(uncancel_nested_main())


uncancel_nested()
