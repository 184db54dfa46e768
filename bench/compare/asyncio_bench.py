"""CPython asyncio side of the side-by-side benchmark (bench/compare/compare.ts).

Usage: python3 asyncio_bench.py WORKLOAD [SIZE...] [--uvloop] [--once]
With --uvloop (Debian's python3-uvloop, for /usr/bin/python3.11) the loop is uvloop's.
With --once the workload runs once, with no warm-up: its first run in a fresh process.
Prints one JSON line: {"system", "workload", "seconds", "unit", "value"} where
"seconds" is the time of the workload alone (measured inside this process).
"""
import asyncio
import gc
import json
import subprocess
import sys
import time

UVLOOP = "--uvloop" in sys.argv
ONCE = "--once" in sys.argv
if UVLOOP:
    import uvloop
    uvloop.install()


WARMUP_SECONDS = 1.0


def lcg_delays(n, max_seconds):
    """The same pseudo-random delays as the TypeScript runners (fixed seed)."""
    seed = 42
    out = []
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) % 2147483648
        out.append(seed / 2147483648 * max_seconds)
    return out


async def child():
    await asyncio.sleep(0)
    return 1


async def w1(n):
    t0 = time.perf_counter()
    results = await asyncio.gather(*[child() for _ in range(n)])
    dt = time.perf_counter() - t0
    assert sum(results) == n
    return dt, "tasks/s", n / dt


async def w2a(rounds):
    loop = asyncio.get_running_loop()
    state = {"ping": loop.create_future(), "pong": loop.create_future()}

    async def other():
        for _ in range(rounds):
            v = await state["ping"]
            state["ping"] = loop.create_future()
            state["pong"].set_result(v + 1)

    t0 = time.perf_counter()
    t = asyncio.create_task(other())
    for i in range(rounds):
        state["ping"].set_result(i)
        await state["pong"]
        state["pong"] = loop.create_future()
    await t
    dt = time.perf_counter() - t0
    return dt, "switches/s", 2 * rounds / dt


async def w2b(rounds):
    q1 = asyncio.Queue(1)
    q2 = asyncio.Queue(1)

    async def other():
        for _ in range(rounds):
            v = await q1.get()
            await q2.put(v + 1)

    t0 = time.perf_counter()
    t = asyncio.create_task(other())
    for i in range(rounds):
        await q1.put(i)
        await q2.get()
    await t
    dt = time.perf_counter() - t0
    return dt, "switches/s", 2 * rounds / dt


def w3(m):
    loop = asyncio.new_event_loop()
    count = [0]

    def cb():
        count[0] += 1

    t0 = time.perf_counter()
    for _ in range(m):
        loop.call_soon(cb)
    loop.call_soon(loop.stop)
    loop.run_forever()
    dt = time.perf_counter() - t0
    loop.close()
    assert count[0] == m
    return dt, "callbacks/s", m / dt


async def w4(n):
    delays = lcg_delays(n, 0.02)
    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.sleep(d) for d in delays])
    dt = time.perf_counter() - t0
    return dt, "s wall", dt


async def chain(depth, rounds):
    if depth == 0:
        for _ in range(rounds):
            await asyncio.sleep(0)
        return rounds
    return await chain(depth - 1, rounds)


async def w5(depth, rounds):
    t0 = time.perf_counter()
    await chain(depth, rounds)
    dt = time.perf_counter() - t0
    return dt, "resumes/s", rounds / dt


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


async def w7(n):
    ev = asyncio.Event()

    async def waiter():
        await ev.wait()

    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(waiter()) for _ in range(n)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    gc.collect()
    after = rss_bytes()
    dt = time.perf_counter() - t0
    ev.set()
    await asyncio.gather(*tasks)
    return dt, "bytes/task", (after - before) / n


async def w8(tasks, rounds):
    lock = asyncio.Lock()

    async def worker():
        for _ in range(rounds):
            async with lock:
                await asyncio.sleep(0)

    t0 = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(tasks)])
    dt = time.perf_counter() - t0
    return dt, "acquisitions/s", tasks * rounds / dt


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def serve_echo(kind):
    """W6's echo server (streams or protocols), in a child process until stdin closes."""
    loop = asyncio.get_running_loop()
    if kind == "b":
        server = await loop.create_server(EchoProtocol, "127.0.0.1", 0)
    else:
        async def handle(reader, writer):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
            writer.close()
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)


ECHO_PORTS = {}


def echo_server_port(kind):
    """Start this script as the W6 server (same interpreter, same loop kind) once per process."""
    if kind not in ECHO_PORTS:
        child = subprocess.Popen(
            [sys.executable, __file__, "W6serve", kind] + (["--uvloop"] if UVLOOP else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        ECHO_PORTS[kind] = int(child.stdout.readline())
        CHILDREN.append(child)
    return ECHO_PORTS[kind]


CHILDREN = []


async def w6a(clients, rounds, size):
    port = echo_server_port("a")
    msg = b"x" * size

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(rounds):
            writer.write(msg)
            await writer.drain()
            await reader.readexactly(size)
        writer.close()
        await writer.wait_closed()

    t0 = time.perf_counter()
    await asyncio.gather(*[client() for _ in range(clients)])
    dt = time.perf_counter() - t0
    return dt, "round trips/s", clients * rounds / dt


async def w6b(clients, rounds, size):
    port = echo_server_port("b")
    loop = asyncio.get_running_loop()
    msg = b"x" * size

    class Client(asyncio.Protocol):
        def __init__(self):
            self.n = 0
            self.got = 0
            self.done = loop.create_future()

        def connection_made(self, transport):
            self.transport = transport
            transport.write(msg)

        def data_received(self, data):
            self.got += len(data)
            while self.got >= size:
                self.got -= size
                self.n += 1
                if self.n == rounds:
                    self.transport.close()
                else:
                    self.transport.write(msg)

        def connection_lost(self, exc):
            self.done.set_result(None)

    t0 = time.perf_counter()
    made = await asyncio.gather(*[loop.create_connection(Client, "127.0.0.1", port)
                                  for _ in range(clients)])
    await asyncio.gather(*[p.done for _, p in made])
    dt = time.perf_counter() - t0
    return dt, "round trips/s", clients * rounds / dt


def run_workload(workload, sizes):
    if workload == "W3":
        return w3(*sizes)
    fn = {"W1": w1, "W2a": w2a, "W2b": w2b, "W4": w4, "W5": w5, "W7": w7, "W8": w8,
          "W6a": w6a, "W6b": w6b}[workload]
    return asyncio.run(fn(*sizes))


def main():
    workload, *sizes = [a for a in sys.argv[1:] if not a.startswith("--")]
    if workload == "W6serve":
        asyncio.run(serve_echo(sizes[0]))
        return
    sizes = [int(s) for s in sizes]
    # Every system warms up the same way before the timed run: the workload
    # repeated for at least a second (the JavaScript ones need it to compile
    # it: the table compares throughput, not JIT warm-up); for W7, one run
    # at a tenth of the size (enough to compile it, without growing the heap
    # the measurement starts from).
    if ONCE:
        pass  # the first run in a fresh process: no warm-up
    elif workload == "W7":
        run_workload(workload, [max(1, n // 10) for n in sizes])
    else:
        end = time.perf_counter() + WARMUP_SECONDS
        while True:
            run_workload(workload, sizes)
            if time.perf_counter() >= end:
                break
    dt, unit, value = run_workload(workload, sizes)
    for child in CHILDREN:
        child.stdin.close()
        child.wait()
    print(json.dumps({"system": "uvloop" if UVLOOP else "cpython", "workload": workload,
                      "seconds": dt, "unit": unit, "value": value}))


main()
