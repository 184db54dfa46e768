"""needs python3.11.7: Timeout rules that a 3.11 bug-fix release changed and we follow (3.11.2 prints otherwise: no __cause__, and reschedule() before entering fails an assert)."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)


async def timeout_expire():
    cm = asyncio.timeout(1)
    print(repr(cm))
    try:
        async with cm:
            print(repr(cm), cm.when())
            try:
                await asyncio.sleep(10)
            except CancelledError as e:
                print("body cancelled", repr(e), now(), repr(cm))
                raise
    except TimeoutError as e:
        print("TimeoutError", repr(e), now(), "cause:", repr(e.__cause__))
    print("expired:", cm.expired(), repr(cm), "cancelling:", current().cancelling())

async def timeout_errors():
    cm = asyncio.timeout(1)
    try:
        cm.reschedule(5)
    except RuntimeError as e:
        print("RuntimeError", e)
    async with cm:
        pass
    print(repr(cm))
    try:
        cm.reschedule(5)
    except RuntimeError as e:
        print("RuntimeError", e)
    try:
        async with cm:
            pass
    except RuntimeError as e:
        print("RuntimeError", e)
    try:
        async with asyncio.timeout(0.1) as cm2:
            await asyncio.sleep(1)
    except TimeoutError:
        pass
    try:
        cm2.reschedule(5)
    except RuntimeError as e:
        print("RuntimeError", e)


for name, main in [
    ("timeout_expire", timeout_expire),
    ("timeout_errors", timeout_errors),
]:
    print("==", name)
    run(main())
