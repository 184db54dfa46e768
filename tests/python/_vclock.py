"""Shared by the reference programs: CPython's own event loop on a virtual clock.

Our tests run on the virtual clock (run(main, {clock: "virtual"})): when nothing is
ready, time jumps to the next timer instead of sleeping. These programs run CPython's
loop the same way, so they take no real time and print exact times.
"""
import asyncio


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """CPython's selector loop whose clock jumps to the next timer when nothing is ready."""

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
