# Seed 001, the TcpEchoServer's client.
# Run: python3 5_tcp_echo_client.py [PORT]
import asyncio
import sys


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection('127.0.0.1', port)
    print(f'Send: {message!r}')
    writer.write(message.encode())
    await writer.drain()
    data = await reader.read(100)
    print(f'Received: {data.decode()!r}')
    print('Close the connection')
    writer.close()
    await writer.wait_closed()


asyncio.run(tcp_echo_client('Hello World!', int(sys.argv[1]) if len(sys.argv) > 1 else 8888))
