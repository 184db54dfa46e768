"""CPython's side of the executor measurements:

- two CPU-bound jobs through asyncio.to_thread() at once, against one after
  the other (as bench/executors_speedup.ts): the GIL lets one thread run
  Python code at a time, so there is no speed-up;
- the round trip of an empty job through loop.run_in_executor(), one at a
  time (as "1000 empty jobs ... one at a time" in bench/executors_bench.ts).

    python3 bench/executors_compare.py [rounds] [n]
"""
import asyncio
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def spin(n):
    s = 0
    for i in range(n):
        s = (s + i * i) % 1000003
    return s


def empty():
    pass


async def speedup(rounds, n):
    await asyncio.gather(asyncio.to_thread(spin, 1), asyncio.to_thread(spin, 1))
    sequential, threads = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        spin(n)
        spin(n)
        sequential.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await asyncio.gather(asyncio.to_thread(spin, n), asyncio.to_thread(spin, n))
        threads.append(time.perf_counter() - t0)
    return sequential, threads


async def round_trip(rounds, jobs=1000):
    loop = asyncio.get_running_loop()
    ex = ThreadPoolExecutor(max_workers=1)
    await loop.run_in_executor(ex, empty)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(jobs):
            await loop.run_in_executor(ex, empty)
        times.append((time.perf_counter() - t0) / jobs)
    ex.shutdown()
    return times


rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
seq, thr = asyncio.run(speedup(rounds, n))
rt = asyncio.run(round_trip(rounds))
med = lambda xs: sorted(xs)[len(xs) // 2]
ms = lambda x: f"{x * 1000:.1f} ms"
us = lambda x: f"{x * 1e6:.1f} µs"
print(f"Python {sys.version.split()[0]}, cores: {os.cpu_count()}, rounds: {rounds}, n: {n}")
print(f"one after the other: min {ms(min(seq))}, median {ms(med(seq))}")
print(f"to_thread, at once:  min {ms(min(thr))}, median {ms(med(thr))}")
print(f"speed-up: {min(seq) / min(thr):.2f}x (min), {med(seq) / med(thr):.2f}x (median)")
print(f"empty job round trip (run_in_executor, one at a time): min {us(min(rt))}, median {us(med(rt))}")
