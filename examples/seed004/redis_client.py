# Seed 004, 4.1 异步操作redis: the seed uses aioredis; this is the same program on a
# small RESP client written on asyncio's streams (open_connection), so it runs with
# nothing but the standard library and a redis-server.
# Run: python3 redis_client.py [PORT]
import asyncio
import sys


class RedisError(Exception):
    pass


class Redis:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    def send(self, *args):
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            b = arg if isinstance(arg, bytes) else str(arg).encode()
            parts.append(f"${len(b)}\r\n".encode() + b + b"\r\n")
        self.writer.write(b"".join(parts))

    async def reply(self):
        line = await self.reader.readuntil(b"\r\n")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else (await self.reader.readexactly(n + 2))[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [await self.reply() for _ in range(n)]
        raise RedisError(f"bad reply {line!r}")

    async def execute(self, *args):
        self.send(*args)
        await self.writer.drain()
        return await self.reply()

    async def pipeline(self, commands):
        for args in commands:
            self.send(*args)
        await self.writer.drain()  # one drain for the whole batch
        return [await self.reply() for _ in commands]

    async def set(self, key, value):
        return await self.execute("SET", key, value)

    async def get(self, key):
        return await self.execute("GET", key)

    async def incr(self, key):
        return await self.execute("INCR", key)

    def close(self):
        self.writer.close()

    async def wait_closed(self):
        await self.writer.wait_closed()


async def create_redis(address):
    reader, writer = await asyncio.open_connection(*address)
    return Redis(reader, writer)


async def func(address):
    print("start process")
    redis = await create_redis(address)
    print("SET car 1 ->", await redis.set('car', 1))
    print("GET car ->", await redis.get('car'))
    print("INCR car ->", await redis.incr('car'))
    replies = await redis.pipeline([("INCR", "counter")] * 1000)
    print("pipelined 1000 INCR, last ->", replies[-1], "in order:", replies == list(range(1, 1001)))
    print("GET missing ->", await redis.get('missing'))
    try:
        await redis.execute("INCR", "car", "extra")
    except RedisError as e:
        print("error ->", e)
    print("DEL ->", await redis.execute("DEL", "car", "counter"))
    redis.close()
    await redis.wait_closed()
    print("end")


if __name__ == '__main__':
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
    asyncio.run(func(("127.0.0.1", port)))
