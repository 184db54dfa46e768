"""Reference trace for tests/transports_udp_test.ts: UDP endpoints on loopback."""
import asyncio


class EchoServer(asyncio.DatagramProtocol):
    def __init__(self, trace):
        self.trace = trace

    def connection_made(self, transport):
        self.transport = transport
        self.trace.append("server connection_made")

    def datagram_received(self, data, addr):
        self.trace.append(f"server got {data!r} from a {type(addr).__name__} of {len(addr)}")
        self.transport.sendto(data.upper(), addr)

    def connection_lost(self, exc):
        self.trace.append(f"server connection_lost {exc!r}")


class Client(asyncio.DatagramProtocol):
    def __init__(self, trace, expected):
        self.trace = trace
        self.expected = expected
        self.done = asyncio.get_running_loop().create_future()
        self.replied = asyncio.Event()

    def connection_made(self, transport):
        self.trace.append("client connection_made")

    def datagram_received(self, data, addr):
        self.trace.append(f"client got {data!r}")
        self.replied.set()
        self.expected -= 1
        if self.expected == 0:
            self.done.set_result(None)

    def error_received(self, exc):
        self.trace.append(f"client error {exc!r}")

    def connection_lost(self, exc):
        self.trace.append(f"client connection_lost {exc!r}")


async def main():
    loop = asyncio.get_running_loop()
    trace = []
    st, sp = await loop.create_datagram_endpoint(lambda: EchoServer(trace), local_addr=("127.0.0.1", 0))
    host, port = st.get_extra_info("sockname")
    print("server bound:", host, port > 0)
    ct, cp = await loop.create_datagram_endpoint(lambda: Client(trace, 3), remote_addr=("127.0.0.1", port))
    print("client peername:", ct.get_extra_info("peername") == ("127.0.0.1", port))
    for word in [b"one", b"two", b"three"]:
        ct.sendto(word)
        await cp.replied.wait()
        cp.replied.clear()
    await cp.done
    try:
        ct.sendto(b"x", ("127.0.0.1", port + 1 if port < 65535 else port - 1))
    except ValueError as e:
        print("ValueError", str(e).split(":")[0])
    ct.close()
    st.close()
    await asyncio.sleep(0.01)
    print(ct.is_closing(), st.is_closing())
    for line in trace:
        print(line)


def udp():
    print("== udp")
    asyncio.run(main())


if __name__ == "__main__":
    udp()
