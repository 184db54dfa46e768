"""Reference traces for tests/task_groups_test.ts: asyncio.TaskGroup (3.11, 3.12 and 3.13 agree here)."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)


async def worker(name, delay, result):
    print("start", name)
    try:
        await asyncio.sleep(delay)
    except CancelledError as e:
        print("cancelled", name, repr(e), now())
        raise
    print("end", name, now())
    return result


async def fail(name, delay):
    print("start", name)
    await asyncio.sleep(delay)
    print("raise", name, now())
    raise ValueError(name)


def report(eg):
    print("ExceptionGroup:", str(eg), list(eg.exceptions), now())


async def tg_basic():
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(worker("a", 0.2, "A"))
        t2 = tg.create_task(worker("b", 0.1, "B"), name="bee")
        print("body done", now(), repr(tg))
    print("group done", now(), t1.result(), t2.result(), t2.get_name(), repr(tg))


async def tg_failure():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("sibling", 1, "s"))
            tg.create_task(fail("f", 0.1))
            try:
                await asyncio.sleep(10)
            except CancelledError as e:
                print("body cancelled", repr(e), now(), repr(tg))
                raise
    except ExceptionGroup as eg:
        report(eg)
    print("cancelling:", current().cancelling())
    await asyncio.sleep(0.1)
    print("the parent goes on", now())


async def tg_multiple_failures():
    async def grumpy():
        try:
            await asyncio.sleep(1)
        except CancelledError:
            print("grumpy fails while cancelled")
            raise TypeError("grumpy")

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("f1", 0.1))
            tg.create_task(fail("f2", 0.1))
            tg.create_task(grumpy())
    except ExceptionGroup as eg:
        report(eg)


async def tg_body_error():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("child", 1, "c"))
            await asyncio.sleep(0.05)
            raise ValueError("body")
    except ExceptionGroup as eg:
        report(eg)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("f", 0.1))
            try:
                await asyncio.sleep(1)
            except CancelledError:
                raise TypeError("body failed while cancelled")
    except ExceptionGroup as eg:
        report(eg)


async def tg_outside_cancel():
    async def runner(body_waits):
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("a", 1, "a"))
            tg.create_task(asyncio.sleep(2))  # silent: a set's order decides who is cancelled first
            if body_waits:
                try:
                    await asyncio.sleep(10)
                except CancelledError as e:
                    print("body cancelled", repr(e), now())
                    raise

    for body_waits in (True, False):
        t = asyncio.create_task(runner(body_waits))
        await asyncio.sleep(0.1)
        t.cancel("outside")
        try:
            await t
        except CancelledError as e:
            print("runner raised", repr(e), t.cancelled(), now())


async def tg_nested():
    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(worker("outer child", 1, "o"))
            async with asyncio.TaskGroup() as inner:
                inner.create_task(fail("inner fail", 0.1))
                inner.create_task(worker("inner child", 1, "i"))
            print("not reached")
    except ExceptionGroup as eg:
        print(repr(eg), now())

    async def inner_group():
        async with asyncio.TaskGroup() as inner:
            inner.create_task(fail("deep", 0.1))

    try:
        async with asyncio.TaskGroup() as outer:
            outer.create_task(inner_group())
            outer.create_task(worker("sibling", 1, "s"))
    except ExceptionGroup as eg:
        print(repr(eg), now())




async def tg_child_cancelled():
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(worker("victim", 1, "v"))
        t2 = tg.create_task(worker("other", 0.5, "o"))
        await asyncio.sleep(0.1)
        t1.cancel("alone")
    print("no error", now(), t1.cancelled(), t2.result())


async def tg_in_timeout():
    try:
        async with asyncio.timeout(0.5):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(worker("a", 1, "a"))
                tg.create_task(asyncio.sleep(2))
    except TimeoutError:
        print("TimeoutError", now(), "cancelling:", current().cancelling())
    try:
        async with asyncio.timeout(0.5):
            async with asyncio.TaskGroup() as tg:
                tg.create_task(fail("f", 0.1))
                await asyncio.sleep(1)
    except TimeoutError:
        print("TimeoutError (wrong)")
    except ExceptionGroup as eg:
        report(eg)
    print("cancelling:", current().cancelling())


async def tg_tasks():
    before = len(asyncio.all_tasks())
    async with asyncio.TaskGroup() as tg:
        for i in range(3):
            tg.create_task(asyncio.sleep(0.1 * i))
        print("during:", len(asyncio.all_tasks()))
    print("before:", before, "after:", len(asyncio.all_tasks()))


if __name__ == "__main__":
    for name, main in [
        ("tg_basic", tg_basic),
        ("tg_failure", tg_failure),
        ("tg_multiple_failures", tg_multiple_failures),
        ("tg_body_error", tg_body_error),
        ("tg_outside_cancel", tg_outside_cancel),
        ("tg_nested", tg_nested),
        ("tg_child_cancelled", tg_child_cancelled),
        ("tg_in_timeout", tg_in_timeout),
        ("tg_tasks", tg_tasks),
    ]:
        print("==", name)
        run(main())
