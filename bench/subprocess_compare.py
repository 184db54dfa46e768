# CPython's side of bench/subprocess_compare.ts:
#   python3 bench/subprocess_compare.py [N=200] [SIZE_MiB=100] [ROUNDS=3]
import asyncio
import subprocess
import sys
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SIZE = (int(sys.argv[2]) if len(sys.argv) > 2 else 100) * 1024 * 1024
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3

data = bytearray(SIZE)
for i in range(0, SIZE, 4096):
    data[i] = i & 255
data = bytes(data)


async def spawn():
    for _ in range(N):
        p = await asyncio.create_subprocess_exec("true")
        assert await p.wait() == 0


async def cat():
    p = await asyncio.create_subprocess_exec("cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate(data)
    assert len(out) == SIZE and p.returncode == 0


def cat_sync():
    out = subprocess.run(["cat"], input=data, stdout=subprocess.PIPE).stdout
    assert len(out) == SIZE


cases = [
    (f"spawn+wait true x{N}: asyncio.create_subprocess_exec + wait", lambda: asyncio.run(spawn())),
    (f"cat {SIZE // 1048576} MiB: asyncio communicate()", lambda: asyncio.run(cat())),
    (f"cat {SIZE // 1048576} MiB: subprocess.run(input=...)", cat_sync),
]
print(f"best of {ROUNDS} rounds (ms); Python {sys.version.split()[0]}")
best = {}
for _ in range(ROUNDS):
    for name, fn in cases:
        t0 = time.perf_counter()
        fn()
        ms = (time.perf_counter() - t0) * 1000
        best[name] = min(best.get(name, float("inf")), ms)
for name, _ in cases:
    ms = best[name]
    per = f"  ({ms / N:.3f} ms per process)" if name.startswith("spawn") else f"  ({SIZE / 1048576 / (ms / 1000):.0f} MiB/s)"
    print(f"{name:60} {ms:9.1f}{per}")
