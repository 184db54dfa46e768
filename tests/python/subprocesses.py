# Reference traces for tests/subprocess_test.ts and tests/signals_test.ts:
#   python3 tests/python/subprocesses.py > tests/python/subprocesses.out
import asyncio
import signal
from asyncio.subprocess import PIPE, STDOUT, DEVNULL


async def basics():
    print("== basics")
    p = await asyncio.create_subprocess_exec("echo", "hello", stdout=PIPE)
    out, err = await p.communicate()
    print(out, err, p.returncode)
    p = await asyncio.create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE, stderr=PIPE)
    out, err = await p.communicate(b"piped through cat")
    print(out, err, p.returncode)
    p = await asyncio.create_subprocess_shell("echo out; echo err >&2; exit 3", stdout=PIPE, stderr=STDOUT)
    out, err = await p.communicate()
    print(out, err, p.returncode)
    p = await asyncio.create_subprocess_exec("sh", "-c", "echo out; echo err >&2", stdout=PIPE, stderr=STDOUT)
    out, err = await p.communicate()
    print(out, err, p.returncode)
    p = await asyncio.create_subprocess_exec("sh", "-c", "echo out; echo err >&2", stdout=PIPE, stderr=PIPE)
    out, err = await p.communicate()
    print(out, err, p.returncode)
    p = await asyncio.create_subprocess_exec("echo", "quiet", stdout=DEVNULL)
    print(await p.communicate(), p.returncode)
    p = await asyncio.create_subprocess_exec("sh", "-c", "echo $FOO; pwd", stdout=PIPE, env={"FOO": "bar"}, cwd="/tmp")
    out, _ = await p.communicate()
    print(out)
    p = await asyncio.create_subprocess_exec("sleep", "30")
    p.terminate()
    print(await p.wait(), p.returncode)
    p = await asyncio.create_subprocess_exec("sleep", "30")
    p.kill()
    print(await p.wait())
    p = await asyncio.create_subprocess_exec("sleep", "30")
    p.send_signal(signal.SIGUSR1)
    print(await p.wait())
    p = await asyncio.create_subprocess_exec("true")
    await p.wait()
    try:
        p.send_signal(signal.SIGTERM)
    except ProcessLookupError as e:
        print("ProcessLookupError")


async def lines():
    print("== lines")
    p = await asyncio.create_subprocess_exec("sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.02; done", stdout=PIPE)
    async for line in p.stdout:
        print(line)
    print(await p.wait())


async def cancel_wait():
    print("== cancel_wait")
    p = await asyncio.create_subprocess_exec("sleep", "30")
    try:
        await asyncio.wait_for(p.wait(), 0.1)
    except asyncio.TimeoutError:
        print("timed out", p.returncode)
    p.kill()
    print(await p.wait())
    p = await asyncio.create_subprocess_exec("sh", "-c", "sleep 1; echo late", stdout=PIPE)
    t = asyncio.ensure_future(p.communicate())
    await asyncio.sleep(0.05)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("communicate cancelled", p.returncode)
    print(await p.stdout.read(), await p.wait())


class Proto(asyncio.SubprocessProtocol):
    def __init__(self, done):
        self.done = done
        self.events = []

    def connection_made(self, transport):
        print("connection_made", transport.get_pid() > 0)

    def pipe_data_received(self, fd, data):
        self.events.append(f"pipe_data_received {fd} {data!r}")

    def pipe_connection_lost(self, fd, exc):
        self.events.append(f"pipe_connection_lost {fd} {exc!r}")

    def process_exited(self):
        self.events.append("process_exited")

    def connection_lost(self, exc):
        for e in sorted(self.events):
            print(e)
        print("connection_lost", exc)
        self.done.set_result(None)


async def protocol():
    print("== protocol")
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    transport, proto = await loop.subprocess_exec(lambda: Proto(done), "sh", "-c", "echo hi; exit 4", stdout=PIPE)
    await done
    print(transport.get_returncode(), transport.get_pipe_transport(1) is not None, transport.get_pipe_transport(0) is not None)
    transport.close()


async def errors():
    print("== errors")
    for prog in ["/nonexistent/prog", "/etc/passwd"]:
        for kw in [{}, {"stderr": STDOUT}]:
            try:
                await asyncio.create_subprocess_exec(prog, **kw)
            except OSError as e:
                print(type(e).__name__, e.errno)
    loop = asyncio.get_running_loop()
    for sig in [signal.SIGKILL, signal.SIGSTOP, 0]:
        try:
            loop.add_signal_handler(sig, print)
        except (RuntimeError, ValueError) as e:
            print(type(e).__name__, e)
    loop.add_signal_handler(signal.SIGUSR1, print, 1)
    loop.add_signal_handler(signal.SIGUSR1, print, 2)
    print(loop.remove_signal_handler(signal.SIGUSR1), loop.remove_signal_handler(signal.SIGUSR1))


async def shell():
    print("== shell")
    for cmd in ["if", "echo $0; nope-cmd", "echo out; echo err >&2"]:
        p = await asyncio.create_subprocess_shell(cmd, stdout=PIPE, stderr=STDOUT)
        print(await p.communicate(), p.returncode)
    loop = asyncio.get_running_loop()
    t, _ = await loop.subprocess_shell(asyncio.SubprocessProtocol, "exit 5")
    print([t.get_pipe_transport(i) is not None for i in range(3)])
    t.close()


async def main():
    await basics()
    await shell()
    await lines()
    await cancel_wait()
    await protocol()
    await errors()

asyncio.run(main())
