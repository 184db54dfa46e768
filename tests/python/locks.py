"""Reference traces for tests/locks_test.ts (the same under Python 3.11, 3.12 and 3.13)."""
import asyncio
import re


def r(obj):
    """repr() without the module path and the address: <Lock [locked, waiters:1]>."""
    return re.sub(r"<asyncio\.locks\.(\w+) object at 0x[0-9a-f]+", r"<\1", repr(obj))


# --- Lock ---------------------------------------------------------------------


async def lock_fairness_main():
    lock = asyncio.Lock()

    async def greedy(name, n):
        for i in range(n):
            await lock.acquire()
            print(name, "got", i)
            await asyncio.sleep(0)
            lock.release()
            # Trying again at once: with FIFO fairness the other waiter goes first.

    ta = asyncio.create_task(greedy("a", 3))
    tb = asyncio.create_task(greedy("b", 3))
    await asyncio.sleep(0)
    print(r(lock))
    await ta
    await tb
    print(r(lock), lock.locked())


def lock_fairness():
    print("== lock_fairness")
    asyncio.run(lock_fairness_main())


async def lock_fifo_main():
    lock = asyncio.Lock()

    async def worker(name):
        print(name, "wants it")
        async with lock:
            print(name, "has it")
            await asyncio.sleep(0)
        print(name, "let go")

    tasks = [asyncio.create_task(worker(n)) for n in "abcd"]
    await asyncio.sleep(0)
    print(r(lock))
    await asyncio.gather(*tasks)
    print(r(lock))


def lock_fifo():
    print("== lock_fifo")
    asyncio.run(lock_fifo_main())


async def lock_release_unlocked_main():
    lock = asyncio.Lock()
    try:
        lock.release()
    except RuntimeError as e:
        print("release() unlocked:", type(e).__name__)
    await lock.acquire()
    lock.release()
    try:
        lock.release()
    except RuntimeError as e:
        print("release() twice:", type(e).__name__)
    print("locked:", lock.locked())


def lock_release_unlocked():
    print("== lock_release_unlocked")
    asyncio.run(lock_release_unlocked_main())


async def lock_cancel_after_wakeup_main():
    lock = asyncio.Lock()
    await lock.acquire()

    async def waiter(name):
        try:
            await lock.acquire()
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        print(name, "got the lock")
        await asyncio.sleep(0)
        lock.release()
        print(name, "released")

    tb = asyncio.create_task(waiter("b"))
    tc = asyncio.create_task(waiter("c"))
    await asyncio.sleep(0)
    print(r(lock))
    lock.release()  # wakes b ...
    tb.cancel()  # ... which is cancelled before it can take the lock
    print("after release+cancel:", r(lock))
    await asyncio.sleep(0)
    print("b cancelled:", tb.cancelled(), r(lock))
    await tc
    print("end:", r(lock))


def lock_cancel_after_wakeup():
    print("== lock_cancel_after_wakeup")
    asyncio.run(lock_cancel_after_wakeup_main())


async def lock_cancel_waiting_main():
    lock = asyncio.Lock()
    await lock.acquire()
    order = []

    async def waiter(name):
        try:
            async with lock:
                order.append(name)
                print(name, "has it")
        except asyncio.CancelledError:
            print(name, "cancelled while waiting")
            raise

    tasks = {n: asyncio.create_task(waiter(n)) for n in "abc"}
    await asyncio.sleep(0)
    print(r(lock))
    tasks["b"].cancel()
    await asyncio.sleep(0)
    print(r(lock))
    lock.release()
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    print(order, r(lock))
    # Every waiter cancelled: a newcomer takes the lock at once.
    await lock.acquire()
    t = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    t.cancel()
    lock.release()
    print("free again:", r(lock))
    await asyncio.sleep(0)
    print("cancelled:", t.cancelled(), r(lock))


def lock_cancel_waiting():
    print("== lock_cancel_waiting")
    asyncio.run(lock_cancel_waiting_main())


async def lock_async_with_main():
    lock = asyncio.Lock()
    try:
        async with lock as value:
            print("inside:", value, lock.locked())
            raise ValueError("boom")
    except ValueError as e:
        print("body raised", repr(e), "locked:", lock.locked())
    async with lock:
        print("again:", lock.locked())
    print("after:", lock.locked())


def lock_async_with():
    print("== lock_async_with")
    asyncio.run(lock_async_with_main())


# --- Event --------------------------------------------------------------------


async def event_main():
    ev = asyncio.Event()
    print(r(ev), ev.is_set())

    async def waiter(name):
        print(name, "waiting")
        result = await ev.wait()
        print(name, "woke", result)

    tasks = [asyncio.create_task(waiter(n)) for n in "abc"]
    await asyncio.sleep(0)
    print(r(ev))
    ev.set()
    ev.set()
    print("set:", r(ev), ev.is_set())
    await asyncio.gather(*tasks)
    print("already set:", await ev.wait())
    ev.clear()
    print("cleared:", r(ev), ev.is_set())
    t = asyncio.create_task(waiter("d"))
    u = asyncio.create_task(waiter("e"))
    await asyncio.sleep(0)
    t.cancel()
    await asyncio.sleep(0)
    print("d cancelled:", t.cancelled(), r(ev))
    ev.set()
    ev.clear()  # set() then clear() still wakes e
    await u
    print(r(ev))


def event():
    print("== event")
    asyncio.run(event_main())


# --- Condition ----------------------------------------------------------------


async def condition_main():
    cond = asyncio.Condition()
    items = []

    async def consumer(name):
        async with cond:
            print(name, "waiting")
            n = await cond.wait_for(lambda: len(items))
            print(name, "got", items.pop(0), "predicate was", n)

    tasks = [asyncio.create_task(consumer(n)) for n in "abc"]
    await asyncio.sleep(0)
    print(r(cond))
    async with cond:
        items.append(1)
        items.append(2)
        cond.notify(2)
        print("notified 2:", r(cond))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(r(cond))
    async with cond:
        items.append(3)
        cond.notify_all()
    await asyncio.gather(*tasks)
    print(r(cond))


def condition():
    print("== condition")
    asyncio.run(condition_main())


async def condition_wait_notify_main():
    cond = asyncio.Condition()

    async def waiter(name):
        async with cond:
            result = await cond.wait()
            print(name, "woke", result, "holding the lock:", cond.locked())
            await asyncio.sleep(0)
        print(name, "out")

    tasks = [asyncio.create_task(waiter(n)) for n in "abcd"]
    await asyncio.sleep(0)
    async with cond:
        cond.notify()
        print("notify() ->", r(cond))
    await asyncio.sleep(0)
    async with cond:
        cond.notify_all()
        print("notify_all() ->", r(cond))
        await asyncio.sleep(0)
        print("still holding:", r(cond))
    await asyncio.gather(*tasks)


def condition_wait_notify():
    print("== condition_wait_notify")
    asyncio.run(condition_wait_notify_main())


async def condition_errors_main():
    cond = asyncio.Condition()
    try:
        await cond.wait()
    except RuntimeError as e:
        print("wait:", type(e).__name__)
    try:
        cond.notify()
    except RuntimeError as e:
        print("notify:", type(e).__name__)
    try:
        cond.notify_all()
    except RuntimeError as e:
        print("notify_all:", type(e).__name__)
    print("locked:", cond.locked())


def condition_errors():
    print("== condition_errors")
    asyncio.run(condition_errors_main())


async def condition_shared_lock_main():
    lock = asyncio.Lock()
    not_empty = asyncio.Condition(lock)
    not_full = asyncio.Condition(lock)
    buf = []

    async def producer():
        for i in range(4):
            async with not_full:
                await not_full.wait_for(lambda: len(buf) < 2)
                buf.append(i)
                print("put", i, "locked:", lock.locked())
                not_empty.notify()

    async def consumer():
        for _ in range(4):
            async with not_empty:
                await not_empty.wait_for(lambda: len(buf) > 0)
                print("took", buf.pop(0))
                not_full.notify()

    await asyncio.gather(producer(), consumer())
    print("lock:", r(lock), "conditions:", r(not_empty), r(not_full))


def condition_shared_lock():
    print("== condition_shared_lock")
    asyncio.run(condition_shared_lock_main())


async def condition_cancel_main():
    cond = asyncio.Condition()

    async def waiter():
        async with cond:
            try:
                await cond.wait()
            except asyncio.CancelledError:
                print("waiter cancelled, holding the lock again:", cond.locked())
                raise

    t = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    async with cond:
        t.cancel()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        print("holder still has it; waiter done:", t.done(), r(cond))
    await asyncio.sleep(0)
    print("waiter done:", t.done(), "cancelled:", t.cancelled(), r(cond))


def condition_cancel():
    print("== condition_cancel")
    asyncio.run(condition_cancel_main())


# --- Semaphore ----------------------------------------------------------------


async def semaphore_main():
    sem = asyncio.Semaphore(2)
    print(r(sem), sem.locked())

    async def job(name):
        async with sem:
            print(name, "in", r(sem))
            await asyncio.sleep(0)
            await asyncio.sleep(0)
        print(name, "out")

    tasks = [asyncio.create_task(job(n)) for n in "abcde"]
    await asyncio.sleep(0)
    print(r(sem), sem.locked())
    await asyncio.gather(*tasks)
    print(r(sem), sem.locked())
    try:
        asyncio.Semaphore(-1)
    except ValueError as e:
        print("Semaphore(-1):", type(e).__name__)
    zero = asyncio.Semaphore(0)
    print("Semaphore(0):", r(zero), zero.locked())
    zero.release()
    zero.release()
    print("released twice:", r(zero))


def semaphore():
    print("== semaphore")
    asyncio.run(semaphore_main())


async def semaphore_fifo_main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()

    async def waiter(name):
        await sem.acquire()
        print(name, "acquired", r(sem))

    tasks = [asyncio.create_task(waiter(n)) for n in "abc"]
    await asyncio.sleep(0)
    sem.release()  # a is chosen; the value stays 0
    print("released:", r(sem), sem.locked())
    late = asyncio.create_task(waiter("late"))
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    sem.release()
    await asyncio.gather(*tasks, late)
    print(r(sem))


def semaphore_fifo():
    print("== semaphore_fifo")
    asyncio.run(semaphore_fifo_main())


async def semaphore_cancel_main():
    sem = asyncio.Semaphore(0)

    async def waiter(name):
        try:
            await sem.acquire()
        except asyncio.CancelledError:
            print(name, "cancelled")
            raise
        print(name, "acquired")

    tasks = {n: asyncio.create_task(waiter(n)) for n in "abc"}
    await asyncio.sleep(0)
    tasks["a"].cancel()  # while waiting
    await asyncio.sleep(0)
    print(r(sem))
    sem.release()  # wakes b
    print("after release:", r(sem))
    tasks["b"].cancel()  # after it was woken: its unit goes to c
    await asyncio.gather(*tasks.values(), return_exceptions=True)
    print("end:", r(sem), [t.cancelled() for t in tasks.values()])


def semaphore_cancel():
    print("== semaphore_cancel")
    asyncio.run(semaphore_cancel_main())


async def bounded_main():
    sem = asyncio.BoundedSemaphore(2)
    await sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as e:
        print("over-release:", type(e).__name__, r(sem))
    async with sem:
        async with sem:
            print("both taken:", r(sem))
    print(r(sem))


def bounded():
    print("== bounded")
    asyncio.run(bounded_main())


# --- Barrier ------------------------------------------------------------------


async def barrier_main():
    barrier = asyncio.Barrier(3)
    print(r(barrier), barrier.parties, barrier.n_waiting, barrier.broken)

    async def party(name):
        print(name, "arrives")
        index = await barrier.wait()
        print(name, "passed as", index)
        return index

    ta = asyncio.create_task(party("a"))
    tb = asyncio.create_task(party("b"))
    await asyncio.sleep(0)
    print("waiting:", barrier.n_waiting, r(barrier))
    print(await party("c"))
    print("draining:", r(barrier))
    print(await ta, await tb)
    print("after:", r(barrier))
    # A second round, with async with.

    async def party2(name):
        async with barrier as index:
            print(name, "round 2 index", index)

    await asyncio.gather(party2("x"), party2("y"), party2("z"))
    print(r(barrier))


def barrier():
    print("== barrier")
    asyncio.run(barrier_main())


async def barrier_abort_main():
    barrier = asyncio.Barrier(3)

    async def party(name):
        try:
            return await barrier.wait()
        except asyncio.BrokenBarrierError as e:
            print(name, "broken:", type(e).__name__)
            return "broken"

    tasks = [asyncio.create_task(party(n)) for n in "ab"]
    await asyncio.sleep(0)
    print(r(barrier))
    await barrier.abort()
    print("aborted:", r(barrier), barrier.broken, barrier.n_waiting)
    print(await asyncio.gather(*tasks))
    print("late:", await party("late"))
    await barrier.reset()
    print("reset:", r(barrier), barrier.broken)
    tasks = [asyncio.create_task(party(n)) for n in "cd"]
    await asyncio.sleep(0)
    await barrier.reset()
    print("reset while waiting:", r(barrier))
    print(await asyncio.gather(*tasks))
    print("end:", r(barrier))
    print(await asyncio.gather(party("e"), party("f"), party("g")))
    try:
        asyncio.Barrier(0)
    except ValueError as e:
        print("Barrier(0):", type(e).__name__)


def barrier_abort():
    print("== barrier_abort")
    asyncio.run(barrier_abort_main())


async def barrier_cancel_main():
    barrier = asyncio.Barrier(2)
    t = asyncio.create_task(barrier.wait())
    await asyncio.sleep(0)
    print(r(barrier))
    t.cancel()
    await asyncio.sleep(0)
    print("cancelled:", t.cancelled(), r(barrier))
    print(await asyncio.gather(barrier.wait(), barrier.wait()))


def barrier_cancel():
    print("== barrier_cancel")
    asyncio.run(barrier_cancel_main())


lock_fairness()
lock_fifo()
lock_release_unlocked()
lock_cancel_after_wakeup()
lock_cancel_waiting()
lock_async_with()
event()
condition()
condition_wait_notify()
condition_errors()
condition_shared_lock()
condition_cancel()
semaphore()
semaphore_fifo()
semaphore_cancel()
bounded()
barrier()
barrier_abort()
barrier_cancel()
