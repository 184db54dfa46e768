"""Reference traces for tests/nested_cancel_test.ts: a cancel request made inside an awaited coroutine."""
import asyncio
from asyncio import CancelledError


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """CPython's own event loop with the clock our tests use (run(main, {clock: "virtual"})):
    when nothing is ready, time jumps to the next timer instead of sleeping."""

    def __init__(self):
        super().__init__()
        self._now = 0.0
        select = self._selector.select

        def virtual_select(timeout=None):
            if timeout is not None and timeout > 0:
                self._now = max(self._now, self._scheduled[0]._when)
            return select(0)

        self._selector.select = virtual_select

    def time(self):
        return self._now


def run(main):
    with asyncio.Runner(loop_factory=VirtualClockLoop) as runner:
        return runner.run(main)


def now():
    """Seconds since the program started, as printed by the TS tests: t=0.3"""
    return "t=" + format(round(asyncio.get_running_loop().time(), 3), "g")


def current():
    return asyncio.current_task()


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
