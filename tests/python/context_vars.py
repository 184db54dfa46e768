"""Reference traces for tests/context_vars_test.ts: contextvars with tasks and callbacks."""
import asyncio
import contextvars
import re

from _vclock import now, run  # noqa: F401  (CPython on a virtual clock)

v = contextvars.ContextVar("v", default="unset")
w = contextvars.ContextVar("w")


def msg(e):
    """An exception as type and message, without addresses."""
    return type(e).__name__ + ": " + re.sub(r" at 0x[0-9a-f]+", "", str(e))


async def inheritance():
    v.set("main")

    async def child(name):
        print(name, "starts with", v.get())
        v.set(name)
        await asyncio.sleep(0.1)
        print(name, "after sleep", v.get(), now())
        return v.get()

    t1 = asyncio.create_task(child("a"))
    v.set("main2")  # after t1 was created: t1 does not see it
    t2 = asyncio.create_task(child("b"))
    print("results", await t1, await t2)
    print("main still", v.get())


async def isolation():
    async def setter(name, delay):
        for i in range(3):
            v.set(f"{name}{i}")
            await asyncio.sleep(delay)
            print(name, "sees", v.get(), now())

    await asyncio.gather(setter("x", 0.1), setter("y", 0.15))
    print("main sees", v.get())


async def callbacks():
    loop = asyncio.get_running_loop()
    v.set("scheduled")
    done = loop.create_future()

    def cb(tag):
        print("callback", tag, v.get())
        v.set("set in callback")

    loop.call_soon(cb, "soon")
    loop.call_later(0.1, cb, "later")
    loop.call_at(loop.time() + 0.2, cb, "at")
    v.set("changed after scheduling")
    ctx = contextvars.copy_context()
    ctx.run(v.set, "in ctx")
    loop.call_soon(cb, "with context", context=ctx)
    loop.call_later(0.3, done.set_result, None)
    await done
    print("main", v.get(), "ctx", ctx[v])

    fut = loop.create_future()
    v.set("when added")
    fut.add_done_callback(lambda f: print("done callback", v.get()))
    v.set("when completed")
    fut.set_result(1)
    await asyncio.sleep(0)


async def children():
    v.set("parent")

    async def child(name):
        before = v.get()
        v.set(name)
        await asyncio.sleep(0.1)
        return f"{name}: {before} -> {v.get()}"

    print(await asyncio.gather(child("g1"), child("g2")))
    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(child("tg1"))
        v.set("parent2")
        t2 = tg.create_task(child("tg2"))
    print(t1.result(), "|", t2.result())
    ctx = contextvars.copy_context()
    ctx.run(v.set, "given")
    t3 = asyncio.create_task(child("explicit"), context=ctx)
    print(await t3, "| ctx now", ctx[v], "| parent", v.get())


async def context_api():
    ctx = contextvars.Context()
    print("empty", len(ctx), list(ctx), v in ctx, ctx.get(v), ctx.get(v, "dflt"))
    ctx.run(v.set, "one")
    ctx.run(w.set, 2)
    print("after run", len(ctx), sorted(k.name for k in ctx), ctx[v], ctx.get(w))
    print("items", sorted((k.name, val) for k, val in ctx.items()))
    print("values", sorted(map(str, ctx.values())))
    cp = ctx.copy()
    cp.run(v.set, "two")
    print("copy", cp[v], "original", ctx[v])
    print("outside", v.get(), w.get("no w"))
    try:
        w.get()
    except LookupError as e:
        print("lookup", msg(e))

    def reenter():
        ctx.run(lambda: None)

    try:
        ctx.run(reenter)
    except RuntimeError as e:
        print("reenter", msg(e))
    print("run returns", ctx.run(lambda a, b: a + b, 1, 2))


async def tokens():
    t = v.set("first")
    print("old", t.old_value is contextvars.Token.MISSING, t.var is v, v.get())
    t2 = v.set("second")
    print("old2", t2.old_value, v.get())
    v.reset(t2)
    print("after reset", v.get())
    try:
        v.reset(t2)
    except RuntimeError as e:
        print("twice", msg(e))
    t3 = w.set(1)
    try:
        v.reset(t3)
    except ValueError as e:
        print("other var", msg(e))
    t4 = v.set("third")
    ctx = contextvars.copy_context()
    try:
        ctx.run(v.reset, t4)
    except ValueError as e:
        print("other context", msg(e))

    async def child():
        try:
            v.reset(t4)
        except ValueError as e:
            print("in a task", msg(e))

    await asyncio.create_task(child())
    v.reset(t)
    print("back to", v.get())


async def callback_tokens():
    loop = asyncio.get_running_loop()
    tokens = []

    def first():
        tokens.append(v.set("first callback"))
        print("first sees", v.get())

    def second():
        print("second sees", v.get())
        try:
            v.reset(tokens[0])
        except ValueError as e:
            print("reset in another callback", msg(e))

    loop.call_soon(first)
    loop.call_soon(second)
    await asyncio.sleep(0)
    print("main sees", v.get())


for name, main in [
    ("inheritance", inheritance),
    ("isolation", isolation),
    ("callbacks", callbacks),
    ("children", children),
    ("context_api", context_api),
    ("tokens", tokens),
    ("callback_tokens", callback_tokens),
]:
    print("==", name)
    run(main())
