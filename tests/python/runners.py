"""Reference traces for tests/runners_test.ts."""
import asyncio
import concurrent.futures
import os
import signal


class RecordingExecutor(concurrent.futures.ThreadPoolExecutor):
    def shutdown(self, wait=True, *, cancel_futures=False):
        print("executor shutdown, wait =", wait)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


async def leftover():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("leftover cancelled")
        raise
    finally:
        print("leftover cleanup starts")
        await asyncio.sleep(1)  # run() waits for a finally block that awaits
        print("leftover cleanup done")


async def cleanup_main():
    loop = asyncio.get_running_loop()
    loop.set_default_executor(RecordingExecutor())
    orig_close = loop.close

    def close():
        print("loop closed")
        orig_close()

    loop.close = close
    # One leftover task: CPython cancels several in WeakSet order, which varies.
    asyncio.create_task(leftover())
    await asyncio.sleep(0)
    print("main returns")
    return "main result"


def cleanup_order():
    print("== cleanup_order")
    print(asyncio.run(cleanup_main()))


async def failing_cleanup_main():
    def handler(loop, context):
        print("handler:", context["message"], repr(context["exception"]))

    asyncio.get_running_loop().set_exception_handler(handler)

    async def bad():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise ValueError("refused to die")

    asyncio.create_task(bad())
    await asyncio.sleep(0)


def failing_cleanup():
    print("== failing_cleanup")
    asyncio.run(failing_cleanup_main())
    print("run returned")


async def interrupted_main():
    loop = asyncio.get_running_loop()
    loop.call_later(0.01, os.kill, os.getpid(), signal.SIGINT)
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("main cancelled by Ctrl-C")
        raise


def interrupted():
    print("== interrupted")
    try:
        asyncio.run(interrupted_main())
    except KeyboardInterrupt:
        print("KeyboardInterrupt")


async def nested_run_main():
    coro = asyncio.sleep(0)
    try:
        asyncio.run(coro)
    except RuntimeError as e:
        print("RuntimeError:", e)
    finally:
        coro.close()


def errors():
    print("== errors")
    asyncio.run(nested_run_main())
    try:
        asyncio.run("x")
    except ValueError as e:
        print("ValueError:", e)


def runner():
    print("== runner")
    with asyncio.Runner() as r:
        print(r.run(asyncio.sleep(0, "first")))
        print(r.run(asyncio.sleep(0, "second")))
        loop = r.get_loop()
        print("same loop:", loop is r.get_loop(), "closed:", loop.is_closed())
    print("closed after:", loop.is_closed())
    try:
        r.run(asyncio.sleep(0))
    except RuntimeError as e:
        print("RuntimeError:", e)


cleanup_order()
failing_cleanup()
interrupted()
errors()
runner()
