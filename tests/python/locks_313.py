"""needs python3.13: Condition.wait() passes on a notification it cannot use (3.13's rule)."""
import asyncio
import re


def r(obj):
    """repr() without the module path and the address: <Condition [locked, waiters:1]>."""
    return re.sub(r"<asyncio\.locks\.(\w+) object at 0x[0-9a-f]+", r"<\1", repr(obj))


async def condition_cancel_after_notify_main():
    cond = asyncio.Condition()

    async def waiter(name):
        async with cond:
            try:
                await cond.wait()
            except asyncio.CancelledError:
                print(name, "cancelled after it was notified")
                raise
            print(name, "woke")

    ta = asyncio.create_task(waiter("a"))
    tb = asyncio.create_task(waiter("b"))
    await asyncio.sleep(0)
    async with cond:
        cond.notify(1)  # chooses a ...
        ta.cancel()  # ... which is cancelled before it wakes: b gets the notification
        print(r(cond))
    await asyncio.gather(ta, tb, return_exceptions=True)
    print("a cancelled:", ta.cancelled(), "b done:", tb.done(), r(cond))


def condition_cancel_after_notify():
    print("== condition_cancel_after_notify")
    asyncio.run(condition_cancel_after_notify_main())


condition_cancel_after_notify()
