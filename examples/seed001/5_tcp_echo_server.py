# Seed 001, TcpEchoServer: after accept(), what matters is recv() and send().
# Run: python3 5_tcp_echo_server.py [PORT]   (Ctrl-C stops it)
import asyncio
import sys


async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info('peername')
    print(f"Received {message!r} from {addr!r}")
    print(f"Send: {message!r}")
    writer.write(data)
    await writer.drain()
    print("Close the connection")
    writer.close()
    await writer.wait_closed()


async def main(port):
    server = await asyncio.start_server(handle_echo, '127.0.0.1', port)
    addrs = ', '.join(str(sock.getsockname()) for sock in server.sockets)
    print(f'Serving on {addrs}', flush=True)
    async with server:
        await server.serve_forever()


try:
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8888))
except KeyboardInterrupt:
    pass
