"""Reference traces for tests/futures_test.ts."""
import asyncio
import re


def clean(text):
    # Our reprs name functions as JavaScript does (no "outer.<locals>." prefix)
    # and without source locations (CPython adds " at file:line").
    text = re.sub(r"\w+\.<locals>\.", "", text)
    return re.sub(r" at [^,\]>]+", "", text)


def r(obj):
    return clean(repr(obj))


def states():
    print("== states")
    loop = asyncio.new_event_loop()
    f = loop.create_future()
    print(r(f), f.done(), f.cancelled())
    try:
        f.result()
    except asyncio.InvalidStateError:
        print("result() while pending: InvalidStateError")
    try:
        f.exception()
    except asyncio.InvalidStateError:
        print("exception() while pending: InvalidStateError")
    f.set_result(1)
    print(r(f), f.done(), f.result(), f.exception())
    try:
        f.set_result(2)
    except asyncio.InvalidStateError:
        print("set_result twice: InvalidStateError")
    try:
        f.set_exception(ValueError())
    except asyncio.InvalidStateError:
        print("set_exception after: InvalidStateError")
    print("cancel done:", f.cancel())
    g = loop.create_future()
    g.set_exception(ValueError("bad"))
    print(r(g))
    print(repr(g.exception()))
    try:
        g.result()
    except ValueError as e:
        print("result raises", repr(e))
    h = loop.create_future()
    print("cancel:", h.cancel("why"), "again:", h.cancel(), h.cancelled(), h.done())
    print(r(h))
    try:
        h.result()
    except asyncio.CancelledError as e:
        print("result raises", repr(e))
    try:
        h.exception()
    except asyncio.CancelledError as e:
        print("exception raises", repr(e))
    loop.close()


async def callbacks_main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()

    def a(fut):
        print("a", fut.result())

    def b(fut):
        print("b", fut.result())

    f.add_done_callback(a)
    f.add_done_callback(b)
    f.add_done_callback(a)
    print(r(f))
    print("removed:", f.remove_done_callback(a))
    print(r(f))
    f.set_result("x")
    print("set_result returned")
    await asyncio.sleep(0)
    f.add_done_callback(a)
    print("added after done")
    await asyncio.sleep(0)


def callbacks():
    print("== callbacks")
    asyncio.run(callbacks_main())


async def failing_callback_main():
    loop = asyncio.get_running_loop()

    def handler(loop, context):
        print("handler:", clean(context["message"]), repr(context["exception"]))

    loop.set_exception_handler(handler)
    f = loop.create_future()

    def bad(fut):
        raise ValueError("in callback")

    f.add_done_callback(bad)
    f.add_done_callback(lambda fut: print("next callback runs"))
    f.set_result("x")
    await asyncio.sleep(0)


def failing_callback():
    print("== failing_callback")
    asyncio.run(failing_callback_main())


async def await_future_main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_later(1, f.set_result, "later")
    print("awaited:", await f)
    g = loop.create_future()
    loop.call_later(1, g.set_exception, KeyError("k"))
    try:
        await g
    except KeyError as e:
        print("raised:", repr(e))
    h = loop.create_future()
    loop.call_later(1, h.cancel, "bye")
    try:
        await h
    except asyncio.CancelledError as e:
        print("cancelled:", repr(e))


def await_future():
    print("== await_future")
    asyncio.run(await_future_main())


states()
callbacks()
failing_callback()
await_future()
