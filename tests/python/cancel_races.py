"""Reference traces: a cancel() that arrives after the awaited future is done, and coroutine
objects awaited twice (tests/tasks_test.ts, tests/combinators_test.ts, tests/coroutines_test.ts)."""
import asyncio

from _vclock import run


def report(loop, context):
    print("report:", context["message"], repr(context.get("exception")))


async def cancel_after_result_main(outcome):
    f = asyncio.get_running_loop().create_future()

    async def body():
        try:
            v = await f
            print("body got", v)
        except asyncio.CancelledError:
            print("body: CancelledError at the await")
            raise

    t = asyncio.create_task(body())
    await asyncio.sleep(0)
    if outcome == "result":
        f.set_result(1)
    else:
        f.set_exception(ValueError("boom"))
    print("cancel() ->", t.cancel())
    await asyncio.gather(t, return_exceptions=True)
    print("cancelled:", t.cancelled())


def cancel_after_result():
    print("== cancel_after_result")
    run(cancel_after_result_main("result"))
    run(cancel_after_result_main("exception"))


async def gather_cancel_after_children_main():
    asyncio.get_running_loop().set_exception_handler(report)

    async def fail(what):
        raise ValueError(what)

    c1 = asyncio.create_task(fail("first"))
    c2 = asyncio.create_task(fail("second"))

    async def waiter():
        await asyncio.gather(c1, c2)

    t = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    print("cancel() ->", t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("waiter cancelled")
    print("c1:", repr(c1.exception()), "c2:", repr(c2.exception()))


def gather_cancel_after_children():
    print("== gather_cancel_after_children")
    run(gather_cancel_after_children_main())
    print("closed")


async def worker():
    await asyncio.sleep(0.01)
    return 1


async def reuse_main():
    x = worker()
    print(await x)
    try:
        await x
    except RuntimeError as e:
        print("RuntimeError:", e)
    y = worker()
    t1 = asyncio.create_task(y)
    t2 = asyncio.create_task(y)
    print(await asyncio.gather(t1, t2, return_exceptions=True))
    z = worker()
    u1 = asyncio.create_task(z)
    await asyncio.sleep(0)
    u2 = asyncio.create_task(z)
    print(await asyncio.gather(u1, u2, return_exceptions=True))


def reuse():
    print("== reuse")
    run(reuse_main())


async def raw():
    await asyncio.sleep(0.05)
    return "done"


async def awaited_inside_task_main():
    print(await asyncio.create_task(raw()), asyncio.get_running_loop().time())
    print(await asyncio.gather(raw()), asyncio.get_running_loop().time())
    print(await asyncio.ensure_future(raw()), asyncio.get_running_loop().time())


def awaited_inside_task():
    print("== awaited_inside_task")
    run(awaited_inside_task_main())


async def noop():
    return "x"


async def early_cancel_body(f):
    asyncio.current_task().cancel()
    print("await noop():", await noop())  # no suspension: the request waits
    try:
        await f  # the step cancels f, then the await throws
    except asyncio.CancelledError:
        print("CancelledError at await f")
        raise


async def early_cancel_main():
    f = asyncio.get_running_loop().create_future()
    t = asyncio.create_task(early_cancel_body(f))
    await asyncio.gather(t, return_exceptions=True)
    print("task cancelled:", t.cancelled(), "future cancelled:", f.cancelled())


def early_cancel():
    print("== early_cancel")
    run(early_cancel_main())


async def wait_retrieves_main():
    asyncio.get_running_loop().set_exception_handler(report)

    async def fail():
        raise ValueError("only wait() saw me")

    slow = asyncio.create_task(asyncio.sleep(1))
    done, pending = await asyncio.wait(
        [asyncio.create_task(fail()), slow], return_when=asyncio.FIRST_EXCEPTION)
    print(len(done), len(pending))
    await slow


def wait_retrieves():
    print("== wait_retrieves")
    run(wait_retrieves_main())
    print("closed")


cancel_after_result()
gather_cancel_after_children()
reuse()
awaited_inside_task()
early_cancel()
wait_retrieves()
