"""Reference traces for tests/nested_cancel_test.ts: a cancel request made inside an awaited coroutine."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)


async def self_cancel_then_return():
    # A coroutine that cancels its own task and returns (or raises) without
    # suspending again leaves the request for the task's next await.
    async def cancel_me_and_return():
        current().cancel()
        return "returned"

    async def cancel_me_and_fail():
        current().cancel()
        raise ValueError("failed")

    async def body():
        r = await cancel_me_and_return()
        print("got", r, "cancelling:", current().cancelling())
        try:
            await asyncio.sleep(1)
            print("not cancelled (wrong)")
        except CancelledError as e:
            print("the next await raises", repr(e), now())
        current().uncancel()
        try:
            await cancel_me_and_fail()
        except ValueError as e:
            print("got", repr(e), "cancelling:", current().cancelling())
        await asyncio.sleep(1)
        print("not cancelled (wrong)")

    t = asyncio.create_task(body())
    try:
        await t
    except CancelledError:
        print("task cancelled:", t.cancelled(), now())


for name, main in [("self_cancel_then_return", self_cancel_then_return)]:
    print("==", name)
    run(main())
