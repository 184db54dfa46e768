"""Executors: run_in_executor, to_thread, ThreadPoolExecutor (the TS tests use Web Workers)."""
import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def double(x, delay=0.0):
    time.sleep(delay)
    return x * 2


def mark(ran, i, delay):
    # ran: a list shared with the thread (a SharedArrayBuffer in the TS tests)
    ran[2 * i] = 1  # started
    time.sleep(delay)
    ran[2 * i + 1] = 1  # finished
    return i


def hold(ran, gate, i):
    # like mark(), but runs until the main thread opens the gate (an Int32Array
    # and Atomics in the TS tests), so that "running" does not depend on timing
    ran[2 * i] = 1
    gate.wait(10)
    ran[2 * i + 1] = 1
    return i


def fail(message):
    raise ValueError(message)


async def wait_started(ran, i):
    while not ran[2 * i]:
        await asyncio.sleep(0.005)


async def run_in_executor():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=2)
    fut = loop.run_in_executor(ex, double, 21)
    print(type(fut).__name__, fut.done())
    print(await fut)
    print(await asyncio.gather(*(loop.run_in_executor(ex, double, i) for i in range(4))))
    ex.shutdown(wait=True)


async def loop_runs_meanwhile():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)

    async def ticker():
        for i in range(3):
            print("tick", i)
            await asyncio.sleep(0.02)
        return "ticks"

    print(await asyncio.gather(ticker(), loop.run_in_executor(ex, double, 5, 0.3)))
    ex.shutdown(wait=True)


async def cancel_queued():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)
    ran = [0] * 4
    a = loop.run_in_executor(ex, mark, ran, 0, 0.1)
    b = loop.run_in_executor(ex, mark, ran, 1, 0)
    print(b.cancel(), b.cancelled())
    print(await a)
    ex.shutdown(wait=True)
    print(ran)


async def cancel_running():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)
    ran = [0] * 2
    gate = threading.Event()
    fut = loop.run_in_executor(ex, hold, ran, gate, 0)
    await wait_started(ran, 0)
    print(fut.cancel(), fut.cancelled(), ran)
    try:
        await fut
    except asyncio.CancelledError:
        print("CancelledError")
    gate.set()
    ex.shutdown(wait=True)  # waits for the running job
    print(ran)


async def shutdown_cancel_futures():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)
    ran = [0] * 6
    gate = threading.Event()
    futs = [loop.run_in_executor(ex, hold, ran, gate, i) for i in range(3)]
    await wait_started(ran, 0)
    ex.shutdown(wait=False, cancel_futures=True)
    gate.set()
    results = await asyncio.gather(*futs, return_exceptions=True)
    print([type(r).__name__ if isinstance(r, BaseException) else r for r in results])
    print(ran)


async def shutdown_runs_queued_jobs():
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)
    ran = [0] * 6
    futs = [loop.run_in_executor(ex, mark, ran, i, 0.01) for i in range(3)]
    ex.shutdown(wait=True)
    print(ran)
    print(await asyncio.gather(*futs))
    try:
        ex.submit(double, 1)
    except RuntimeError as e:
        print(type(e).__name__)


async def exception():
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, fail, "m")
    except ValueError as e:
        print(repr(e))
    try:
        await asyncio.to_thread(fail, "n")
    except ValueError as e:
        print(repr(e))


async def to_thread():
    print(await asyncio.to_thread(double, 5))
    print(await asyncio.gather(asyncio.to_thread(double, 1), asyncio.to_thread(double, 2)))


async def default_executor_shut_down():
    loop = asyncio.get_running_loop()
    print(await loop.run_in_executor(None, double, 3))
    await loop.shutdown_default_executor()
    try:
        loop.run_in_executor(None, double, 1)
    except RuntimeError as e:
        print(type(e).__name__)


def bad_max_workers():
    for n in (0, -1):
        try:
            ThreadPoolExecutor(max_workers=n)
        except ValueError as e:
            print(type(e).__name__)


for name, fn in [
    ("run_in_executor", run_in_executor),
    ("loop_runs_meanwhile", loop_runs_meanwhile),
    ("cancel_queued", cancel_queued),
    ("cancel_running", cancel_running),
    ("shutdown_cancel_futures", shutdown_cancel_futures),
    ("shutdown_runs_queued_jobs", shutdown_runs_queued_jobs),
    ("exception", exception),
    ("to_thread", to_thread),
    ("default_executor_shut_down", default_executor_shut_down),
]:
    print("==", name)
    asyncio.run(fn())

print("== bad_max_workers")
bad_max_workers()
