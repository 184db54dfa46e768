"""Reference traces for tests/combinators_test.ts: gather, wait, wait_for, as_completed, shield."""
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


# --- gather -------------------------------------------------------------------


async def gather_order():
    res = await asyncio.gather(worker("a", 0.3, 1), worker("b", 0.1, 2), worker("c", 0.2, 3))
    print(res, now())


async def gather_first_exception():
    g = asyncio.gather(worker("w", 0.2, "w"), fail("f", 0.1), fail("g", 0.3))
    try:
        await g
    except ValueError as e:
        print("gather raised", repr(e), now())
    print("cancel() after it failed ->", g.cancel())
    await asyncio.sleep(1)
    print("the others kept running", now())


async def gather_return_exceptions():
    loop = asyncio.get_running_loop()
    victim = asyncio.ensure_future(worker("victim", 1, "v"))
    loop.call_later(0.15, victim.cancel, "by hand")
    res = await asyncio.gather(
        worker("a", 0.2, "a"), fail("f", 0.1), victim, return_exceptions=True
    )
    print(res, now())


async def gather_cancel():
    g = asyncio.gather(worker("a", 1, 1), worker("b", 2, 2))
    await asyncio.sleep(0.1)
    print("cancel ->", g.cancel("stop"))
    try:
        await g
    except CancelledError as e:
        print("gather raised", repr(e), now())
    print("done:", g.done(), "cancelled:", g.cancelled())
    g2 = asyncio.gather(worker("c", 1, 1), return_exceptions=True)
    await asyncio.sleep(0.1)
    g2.cancel()
    try:
        await g2
    except CancelledError as e:
        print("with return_exceptions too:", repr(e), now())


async def gather_child_cancelled():
    ta = asyncio.ensure_future(worker("a", 1, 1))
    tb = asyncio.ensure_future(worker("b", 0.5, 2))
    g = asyncio.gather(ta, tb)
    await asyncio.sleep(0.1)
    ta.cancel("alone")
    try:
        await g
    except CancelledError as e:
        print("gather raised", repr(e), now())
    print("gather cancelled:", g.cancelled())
    print("b goes on:", await tb, now())


async def gather_duplicate():
    c = worker("once", 0.1, "r")
    print(await asyncio.gather(c, c, worker("other", 0.1, "o"), c))
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_later(0.1, f.set_result, "f")
    print(await asyncio.gather(f, f, f), now())
    print(await asyncio.gather())


# --- wait ---------------------------------------------------------------------


def labels(fs, names):
    return sorted(names[f] for f in fs)


async def wait_return_when():
    a = asyncio.ensure_future(worker("a", 0.1, "a"))
    b = asyncio.ensure_future(fail("b", 0.2))
    c = asyncio.ensure_future(worker("c", 0.3, "c"))
    names = {a: "a", b: "b", c: "c"}
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_COMPLETED)
    print("FIRST_COMPLETED", labels(done, names), labels(pending, names), now())
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.FIRST_EXCEPTION)
    print("FIRST_EXCEPTION", labels(done, names), labels(pending, names), now())
    done, pending = await asyncio.wait([a, b, c], return_when=asyncio.ALL_COMPLETED)
    print("ALL_COMPLETED", labels(done, names), labels(pending, names), now())
    print(repr(b.exception()))


async def wait_timeout():
    a = asyncio.ensure_future(worker("a", 0.1, "a"))
    b = asyncio.ensure_future(worker("b", 1, "b"))
    names = {a: "a", b: "b"}
    done, pending = await asyncio.wait([a, b], timeout=0.5)
    print("timeout", labels(done, names), labels(pending, names), now())
    print("b cancelled:", b.cancelled())
    print(await b, now())


async def wait_coroutines():
    # Python 3.11 refuses coroutines in wait(); the TS test passes the
    # coroutines themselves and gets the same trace (wrapped in this order).
    fs = [asyncio.ensure_future(worker("x", 0.2, "x")), asyncio.ensure_future(worker("y", 0.1, "y"))]
    done, pending = await asyncio.wait(fs, return_when=asyncio.FIRST_COMPLETED)
    print(sorted(f.result() for f in done), len(pending), now())
    done, pending = await asyncio.wait(pending)
    print(sorted(f.result() for f in done), len(pending), now())


# --- wait_for -----------------------------------------------------------------


async def slow_cleanup():
    try:
        print("inner started", now())
        await asyncio.sleep(10)
    except CancelledError:
        print("inner cancelled", now())
        await asyncio.sleep(0.5)
        print("inner cleanup done", now())
        raise


async def wait_for_ok():
    print(await asyncio.wait_for(worker("w", 0.1, "r"), 1), now())
    print(await asyncio.wait_for(worker("n", 0.1, "no timeout"), None), now())


async def wait_for_timeout():
    try:
        await asyncio.wait_for(slow_cleanup(), 1)
    except TimeoutError as e:
        print("TimeoutError", repr(e), now(), "cause:", repr(e.__cause__))


async def wait_for_zero():
    for t in (0, -1):
        try:
            await asyncio.wait_for(worker("never", 0.1, "x"), t)
        except TimeoutError:
            print("timeout", t, now())
    f = asyncio.get_running_loop().create_future()
    f.set_result("ready")
    print(await asyncio.wait_for(f, 0))


async def wait_for_outer_cancel():
    async def outer():
        try:
            return await asyncio.wait_for(slow_cleanup(), 5)
        except CancelledError:
            print("outer got CancelledError", now())
            raise

    t = asyncio.create_task(outer())
    await asyncio.sleep(0.1)
    t.cancel()
    try:
        await t
    except CancelledError:
        print("outer cancelled:", t.cancelled(), now())


async def wait_for_swallow():
    async def stubborn():
        try:
            await asyncio.sleep(10)
        except CancelledError:
            print("inner swallowed the cancellation", now())
            await asyncio.sleep(0.2)
            return "inner value"

    print(await asyncio.wait_for(stubborn(), 0.1), now())


async def wait_for_error_on_cancel():
    async def grumpy():
        try:
            await asyncio.sleep(10)
        except CancelledError:
            raise ValueError("failed while cancelled")

    try:
        await asyncio.wait_for(grumpy(), 0.1)
    except ValueError as e:
        print("raised", repr(e), now())


async def wait_for_tasks():
    before = len(asyncio.all_tasks())
    print(await asyncio.wait_for(worker("w", 0.1, "r"), 1))
    try:
        await asyncio.wait_for(worker("slow", 1, "x"), 0.1)
    except TimeoutError:
        print("timeout", now())
    print("tasks before:", before, "after:", len(asyncio.all_tasks()))


# --- as_completed -------------------------------------------------------------


async def as_completed_order():
    fs = [
        asyncio.ensure_future(worker("a", 0.3, "a")),
        asyncio.ensure_future(worker("b", 0.1, "b")),
        asyncio.ensure_future(fail("c", 0.2)),
    ]
    for f in asyncio.as_completed(fs):
        try:
            print("got", await f, now())
        except ValueError as e:
            print("failed", repr(e), now())


async def as_completed_timeout():
    fs = [asyncio.ensure_future(worker("a", 0.1, "a")), asyncio.ensure_future(worker("b", 1, "b"))]
    n = 0
    try:
        for f in asyncio.as_completed(fs, timeout=0.5):
            n += 1
            print("got", await f, now())
    except TimeoutError:
        print("TimeoutError", now(), "after", n, "awaitables")
    print("b cancelled:", fs[1].cancelled())
    print(await fs[1], now())


async def as_completed_duplicates():
    t = asyncio.ensure_future(worker("t", 0.1, "t"))
    aws = list(asyncio.as_completed([t, t]))
    print(len(aws))
    for aw in aws:
        aw.close()
    print(await t)


# --- shield -------------------------------------------------------------------


async def shield_outer_cancel():
    inner = asyncio.ensure_future(worker("inner", 1, "inner result"))

    async def outer():
        try:
            return await asyncio.shield(inner)
        except CancelledError:
            print("outer cancelled", now())
            raise

    o = asyncio.create_task(outer())
    await asyncio.sleep(0.1)
    o.cancel()
    try:
        await o
    except CancelledError:
        print("outer task cancelled:", o.cancelled(), "inner done:", inner.done())
    print(await inner, now())


async def shield_inner_cancel():
    inner = asyncio.ensure_future(worker("inner", 1, "x"))
    s = asyncio.shield(inner)
    await asyncio.sleep(0.1)
    inner.cancel()
    try:
        await s
    except CancelledError as e:
        print("shield raised", repr(e), "cancelled:", s.cancelled(), now())
    s2 = asyncio.shield(fail("f", 0.1))
    try:
        await s2
    except ValueError as e:
        print("shield raised", repr(e))


async def shield_done():
    f = asyncio.get_running_loop().create_future()
    f.set_result(1)
    print(asyncio.shield(f) is f)
    print(await asyncio.shield(worker("coro", 0.1, "from a coroutine")))


for name, main in [
    ("gather_order", gather_order),
    ("gather_first_exception", gather_first_exception),
    ("gather_return_exceptions", gather_return_exceptions),
    ("gather_cancel", gather_cancel),
    ("gather_child_cancelled", gather_child_cancelled),
    ("gather_duplicate", gather_duplicate),
    ("wait_return_when", wait_return_when),
    ("wait_timeout", wait_timeout),
    ("wait_coroutines", wait_coroutines),
    ("wait_for_ok", wait_for_ok),
    ("wait_for_timeout", wait_for_timeout),
    ("wait_for_zero", wait_for_zero),
    ("wait_for_outer_cancel", wait_for_outer_cancel),
    ("wait_for_swallow", wait_for_swallow),
    ("wait_for_error_on_cancel", wait_for_error_on_cancel),
    ("wait_for_tasks", wait_for_tasks),
    ("as_completed_order", as_completed_order),
    ("as_completed_timeout", as_completed_timeout),
    ("as_completed_duplicates", as_completed_duplicates),
    ("shield_outer_cancel", shield_outer_cancel),
    ("shield_inner_cancel", shield_inner_cancel),
    ("shield_done", shield_done),
]:
    print("==", name)
    run(main())
