"""needs python3.13: TaskGroup rules that 3.13 fixed and we follow (3.11 and 3.12 print otherwise)."""
import asyncio
from asyncio import CancelledError


from _vclock import current, now, run  # noqa: F401  (CPython on a virtual clock)


async def fail(name, delay):
    print("start", name)
    await asyncio.sleep(delay)
    print("raise", name, now())
    raise ValueError(name)


async def tg_failure_during_exit():
    # The body is done and the group waits for its children when one fails:
    # the cancellation the group requests for its parent is undone (3.11 and
    # 3.12 left cancelling() at 1).
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail("f", 0.1))
            tg.create_task(asyncio.sleep(1))
    except ExceptionGroup as eg:
        print("ExceptionGroup:", list(eg.exceptions), now())
    print("cancelling:", current().cancelling())
    await asyncio.sleep(0.1)
    print("the parent goes on", now())


async def tg_outside_cancel_with_errors():
    # Cancelled from outside while a child fails: the failure wins (an
    # ExceptionGroup comes out), and the outside cancellation is requested
    # again so it is not lost (3.11 and 3.12 lost it).
    async def grumpy():
        try:
            await asyncio.sleep(1)
        except CancelledError:
            raise ValueError("failed while cancelled")

    async def runner():
        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(grumpy())
                await asyncio.sleep(10)
        except ExceptionGroup as eg:
            print("ExceptionGroup:", list(eg.exceptions), now(), "cancelling:", current().cancelling())
        try:
            await asyncio.sleep(1)
            print("the outside cancellation was lost")
        except CancelledError as e:
            print("the outside cancellation arrives", repr(e), now())
            raise

    t = asyncio.create_task(runner())
    await asyncio.sleep(0.1)
    t.cancel("outside")
    try:
        await t
    except CancelledError:
        print("runner cancelled:", t.cancelled())


async def tg_eager():
    # 3.12+: a task that finished eagerly is never added to the group.
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)

    async def quick():
        print("quick runs inside create_task")
        return "q"

    async def quick_fail():
        print("quick_fail runs inside create_task")
        raise ValueError("eager")

    async with asyncio.TaskGroup() as tg:
        t = tg.create_task(quick())
        print(repr(tg), t.done())
    print(t.result())
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(quick_fail())
            print(repr(tg), "cancelling:", current().cancelling())
            await asyncio.sleep(1)
            print("not reached")
    except ExceptionGroup as eg:
        print("ExceptionGroup:", list(eg.exceptions), now(), "cancelling:", current().cancelling())


for name, main in [
    ("tg_failure_during_exit", tg_failure_during_exit),
    ("tg_outside_cancel_with_errors", tg_outside_cancel_with_errors),
    ("tg_eager", tg_eager),
]:
    print("==", name)
    run(main())
