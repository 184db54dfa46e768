"""Reference traces for tests/streams_*_test.ts and tests/transports_*_test.ts (Python 3.11-3.13).

Everything runs on loopback with free ports; what is printed does not depend on
timing: each side of a connection records its own trace, printed at the end.
"""
import asyncio


def show(b):
    return repr(bytes(b))


async def reader_main():
    loop = asyncio.get_running_loop()
    r = asyncio.StreamReader(limit=10)
    print(r)
    r.feed_data(b"line one\nline")
    print(r, r.at_eof())
    print(show(await r.readline()))
    r.feed_data(b" two\n")
    print(show(await r.readuntil(b"\n")))
    r.feed_data(b"abcdefghijklmnop\nq")
    try:
        await r.readuntil(b"\n")
    except asyncio.LimitOverrunError as e:
        print("LimitOverrunError", e.args[0], e.consumed, len(r._buffer))
    try:
        await r.readline()
    except ValueError as e:
        print("ValueError", e, show(r._buffer))
    r.feed_data(b"0123456789abcdef")
    try:
        await r.readuntil(b"!")
    except asyncio.LimitOverrunError as e:
        print("LimitOverrunError", e.args[0], e.consumed, len(r._buffer))
    try:
        await r.readline()
    except ValueError as e:
        print("ValueError", e, show(r._buffer))
    r.feed_data(b"ab--cd--")
    print(show(await r.readuntil(b"--")), show(await r.readuntil(b"--")))
    r.feed_data(b"xyz")
    print(show(await r.read(2)), show(await r.read(100)))
    r.feed_data(b"12345")
    print(show(await r.readexactly(3)), show(await r.read(0)))
    r.feed_eof()
    print(r, r.at_eof())
    try:
        await r.readexactly(5)
    except asyncio.IncompleteReadError as e:
        print("IncompleteReadError", e, show(e.partial), e.expected)
    print(r.at_eof(), show(await r.read()), show(await r.readline()))
    try:
        await r.readuntil(b"\n")
    except asyncio.IncompleteReadError as e:
        print("IncompleteReadError", e, show(e.partial), e.expected)

    r2 = asyncio.StreamReader()
    r2.feed_data(b"a\nbb\nccc")
    r2.feed_eof()
    print([show(line) async for line in r2])

    r3 = asyncio.StreamReader()
    r3.feed_data(b"partial sep AB")
    r3.feed_eof()
    try:
        await r3.readuntil(b"ABC")
    except asyncio.IncompleteReadError as e:
        print("IncompleteReadError", show(e.partial), e.expected, r3.at_eof())

    r4 = asyncio.StreamReader()
    for chunk in [b"x" * 70000, b"y" * 70000, b"z"]:
        r4.feed_data(chunk)
    r4.feed_eof()
    data = await r4.read()
    print(len(data), data[:1], data[-2:])

    r5 = asyncio.StreamReader()
    t = loop.create_task(r5.read(10))
    await asyncio.sleep(0)
    try:
        await r5.read(10)
    except RuntimeError as e:
        print("RuntimeError", e)
    r5.set_exception(ConnectionResetError("boom"))
    try:
        await t
    except ConnectionResetError as e:
        print("waiting read:", repr(e))
    try:
        await r5.readline()
    except ConnectionResetError as e:
        print("next read:", repr(e), repr(r5.exception()))

    r6 = asyncio.StreamReader()
    reader_task = loop.create_task(r6.readexactly(6))
    await asyncio.sleep(0)
    r6.feed_data(b"abc")
    await asyncio.sleep(0)
    reader_task.cancel()
    try:
        await reader_task
    except asyncio.CancelledError:
        print("cancelled; buffer kept:", show(r6._buffer))
    r6.feed_data(b"def")
    print(show(await r6.readexactly(6)))
    for bad in [0, -1]:
        try:
            asyncio.StreamReader(limit=bad)
        except ValueError as e:
            print("ValueError", e)
    try:
        await r6.readexactly(-1)
    except ValueError as e:
        print("ValueError", e)
    try:
        await r6.readuntil(b"")
    except ValueError as e:
        print("ValueError", e)


def reader():
    print("== reader")
    asyncio.run(reader_main())


class Recorder(asyncio.Protocol):
    def __init__(self, name, trace, keep_open=True, reply=None):
        self.name = name
        self.trace = trace
        self.keep_open = keep_open
        self.reply = reply
        self.lost = asyncio.get_running_loop().create_future()
        self.data = b""

    def connection_made(self, transport):
        self.transport = transport
        self.trace.append(f"connection_made peername_is_pair={len(transport.get_extra_info('peername')) == 2}")

    def data_received(self, data):
        # Bytes may arrive in any number of chunks: record the run of calls once.
        if not self.trace[-1].startswith("data_received"):
            self.trace.append("data_received")
        self.data += data
        if self.reply is not None:
            self.transport.write(self.reply(data))

    def eof_received(self):
        self.trace.append(f"eof_received -> {self.keep_open}")
        if self.keep_open:
            self.transport.write(b"bye")
            self.transport.close()
        return self.keep_open

    def connection_lost(self, exc):
        self.trace.append(f"connection_lost {exc!r}")
        self.lost.set_result(None)


async def protocols_main():
    loop = asyncio.get_running_loop()
    server_trace, client_trace = [], []
    protos = []

    def factory():
        p = Recorder("server", server_trace, keep_open=True, reply=lambda d: d.upper())
        protos.append(p)
        return p

    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, client = await loop.create_connection(
        lambda: Recorder("client", client_trace, keep_open=False), "127.0.0.1", port)
    print("create_connection returned after connection_made:", client_trace)
    transport.write(b"hello")
    while len(client.data) < 5:
        await asyncio.sleep(0.01)
    print("can_write_eof", transport.can_write_eof(), transport.is_closing())
    transport.write_eof()
    await client.lost
    await protos[0].lost
    print("transport closing:", transport.is_closing())
    print("server:", server_trace, show(protos[0].data))
    print("client:", client_trace, show(client.data))
    server.close()
    await server.wait_closed()
    print(server.sockets, server.is_serving())


def protocols():
    print("== protocols")
    asyncio.run(protocols_main())


async def echo_main():
    trace = []

    async def handle(reader, writer):
        trace.append(f"peer is pair: {len(writer.get_extra_info('peername')) == 2}")
        while line := await reader.readline():
            trace.append(f"server got {show(line)}")
            writer.write(line.upper())
            await writer.drain()
        trace.append(f"server at_eof {reader.at_eof()}")
        writer.write(b"END\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        trace.append("server closed")

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print("port picked:", port > 0, server.is_serving())
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print("sockname", writer.get_extra_info("sockname")[0], "peername", writer.get_extra_info("peername") == ("127.0.0.1", port))
    for word in [b"one\n", b"two\n", "three\n"]:
        writer.write(word.encode() if isinstance(word, str) else word)
        await writer.drain()
        print("client got", show(await reader.readline()))
    writer.writelines([b"four", b"\n", b"five\n"])
    writer.write_eof()
    print("client got", show(await reader.readline()), show(await reader.readline()))
    print("client rest", show(await reader.read()), reader.at_eof())
    writer.close()
    await writer.wait_closed()
    print("writer closing", writer.is_closing())
    async with server:
        pass
    print(trace)


def echo():
    print("== echo")
    asyncio.run(echo_main())


async def errors_main():
    s = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = s.sockets[0].getsockname()[1]
    s.close()
    await s.wait_closed()
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError as e:
        print(type(e).__name__, e.errno, isinstance(e, ConnectionError), isinstance(e, OSError))
        print(str(e).replace(str(port), "PORT"))
    try:
        await asyncio.open_unix_connection("/nonexistent/dir/sock")
    except FileNotFoundError as e:
        print(type(e).__name__, e.errno, e.strerror)

    trace = []

    async def handle(reader, writer):
        data = await reader.read(5)
        trace.append(show(data))
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(42)
    except TypeError:
        print("write(42): TypeError")
    writer.write(b"ping!")
    print("read after the server closed:", show(await reader.read()))
    writer.close()
    await writer.wait_closed()
    try:
        await writer.drain()
    except ConnectionResetError as e:
        print("drain after close:", repr(e))
    server.close()
    await server.wait_closed()
    print(trace)


def errors():
    print("== errors")
    asyncio.run(errors_main())


if __name__ == "__main__":
    reader()
    protocols()
    echo()
    errors()
