"""Reference traces for tests/timeouts_test.ts: asyncio.timeout, timeout_at, Timeout."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)




async def timeout_no_expire():
    async with asyncio.timeout(1) as cm:
        await asyncio.sleep(0.5)
        print("body done", now())
    print("expired:", cm.expired(), repr(cm))
    async with asyncio.timeout(None) as cm:
        print(repr(cm), cm.when())
        await asyncio.sleep(5)
    print("no deadline", now(), cm.expired())


async def timeout_reschedule():
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(1) as cm:
        await asyncio.sleep(0.5)
        cm.reschedule(cm.when() + 1)
        print(repr(cm))
        await asyncio.sleep(1)
        print("still here", now())
    try:
        async with asyncio.timeout(10) as cm:
            cm.reschedule(loop.time() + 0.2)
            await asyncio.sleep(1)
    except TimeoutError:
        print("earlier deadline", now(), cm.when())
    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 0.5)
            await asyncio.sleep(1)
    except TimeoutError:
        print("deadline set later", now())
    async with asyncio.timeout(0.5) as cm:
        cm.reschedule(None)
        await asyncio.sleep(1)
    print("deadline removed", now(), cm.expired())


async def timeout_past():
    loop = asyncio.get_running_loop()
    for name, make in [
        ("timeout_at(now - 1)", lambda: asyncio.timeout_at(loop.time() - 1)),
        ("timeout(0)", lambda: asyncio.timeout(0)),
        ("timeout(-1)", lambda: asyncio.timeout(-1)),
    ]:
        try:
            async with make():
                print(name, "body starts")
                await asyncio.sleep(0)
                print("never printed")
        except TimeoutError:
            print(name, "TimeoutError", now())


async def timeout_outside_cancel():
    async def body():
        async with asyncio.timeout(5) as cm:
            try:
                await asyncio.sleep(10)
            except CancelledError as e:
                print("body cancelled", repr(e), now(), "expired:", cm.expired())
                raise

    t = asyncio.create_task(body())
    await asyncio.sleep(1)
    t.cancel("from outside")
    try:
        await t
    except CancelledError as e:
        print("outside cancel stays", repr(e), t.cancelled())


async def timeout_same_time():
    async def body():
        try:
            async with asyncio.timeout(1) as cm:
                await asyncio.sleep(10)
        finally:
            print("expired:", cm.expired(), "cancelling:", current().cancelling())

    t = asyncio.create_task(body())
    await asyncio.sleep(1)
    t.cancel()
    try:
        await t
    except CancelledError as e:
        print("both at once: CancelledError", repr(e), now(), t.cancelled())
    except TimeoutError:
        print("TimeoutError (wrong)")


async def timeout_nested():
    async with asyncio.timeout(5) as outer:
        try:
            async with asyncio.timeout(1) as inner:
                await asyncio.sleep(10)
        except TimeoutError:
            print("inner TimeoutError", now(), inner.expired(), outer.expired())
        await asyncio.sleep(0.5)
        print("outer body goes on", now())
    try:
        async with asyncio.timeout(1) as outer:
            try:
                async with asyncio.timeout(5) as inner:
                    await asyncio.sleep(10)
            except CancelledError:
                print("inner timeout lets CancelledError through", now(), inner.expired())
                raise
    except TimeoutError:
        print("outer TimeoutError", now(), outer.expired())
    print("cancelling:", current().cancelling())




async def timeout_body_error():
    try:
        async with asyncio.timeout(1) as cm:
            await asyncio.sleep(0.1)
            raise ValueError("early")
    except ValueError as e:
        print("body error", repr(e), now(), cm.expired())
    try:
        async with asyncio.timeout(1) as cm:
            try:
                await asyncio.sleep(10)
            except CancelledError:
                raise ValueError("while cancelled")
    except ValueError as e:
        print("body error", repr(e), now(), cm.expired())
    print("cancelling:", current().cancelling())


async def timeout_swallow():
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
        except CancelledError:
            print("swallowed", now())
        await asyncio.sleep(0.5)
        print("body goes on", now())
    print("no error; expired:", cm.expired(), "cancelling:", current().cancelling())


async def timeout_result():
    async def body():
        async with asyncio.timeout(1):
            return await asyncio.sleep(0.5, "result")

    before = len(asyncio.all_tasks())
    print(await body(), now(), "tasks before:", before, "after:", len(asyncio.all_tasks()))


for name, main in [
    ("timeout_no_expire", timeout_no_expire),
    ("timeout_reschedule", timeout_reschedule),
    ("timeout_past", timeout_past),
    ("timeout_outside_cancel", timeout_outside_cancel),
    ("timeout_same_time", timeout_same_time),
    ("timeout_nested", timeout_nested),
    ("timeout_body_error", timeout_body_error),
    ("timeout_swallow", timeout_swallow),
    ("timeout_result", timeout_result),
]:
    print("==", name)
    run(main())
