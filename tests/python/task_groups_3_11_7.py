"""needs python3.11.7: TaskGroup wording that a 3.11 bug-fix release changed and we follow (3.11.2 says "has been already entered")."""
import asyncio
from asyncio import CancelledError


from _vclock import now, run  # noqa: F401  (CPython on a virtual clock)
from task_groups import fail, report, worker


async def tg_errors():
    async with asyncio.TaskGroup() as tg:
        pass
    c = worker("never", 0.1, "x")
    try:
        tg.create_task(c)
    except RuntimeError as e:
        c.close()
        print("RuntimeError", e)
    tg2 = asyncio.TaskGroup()
    c = worker("never", 0.1, "x")
    try:
        tg2.create_task(c)
    except RuntimeError as e:
        c.close()
        print("RuntimeError", e)
    try:
        async with tg:
            pass
    except RuntimeError as e:
        print("RuntimeError", e)
    try:
        async with asyncio.TaskGroup() as tg3:
            tg3.create_task(fail("f", 0.1))
            try:
                await asyncio.sleep(1)
            except CancelledError:
                c = worker("never", 0.1, "x")
                try:
                    tg3.create_task(c)
                except RuntimeError as e:
                    c.close()
                    print("RuntimeError", e)
                raise
    except ExceptionGroup as eg:
        report(eg)


for name, main in [
    ("tg_errors", tg_errors),
]:
    print("==", name)
    run(main())
