// Seed 004, 4.1 异步操作redis — legacy form (generator coroutines, yield* as yield from).
// The seed uses aioredis; this is the same program on a small RESP client written on
// openConnection (see redis_client.py).
// Run: deno run --allow-net examples/seed004/redis_client.legacy.ts [PORT]
import * as asyncio from "@yieldfrom/asyncio";

class RedisError extends Error {}
RedisError.prototype.name = "RedisError";

type Reply = string | number | Uint8Array | null | Reply[];

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Python's repr of a reply: b'1', None, 2, OK. */
const show = (r: Reply): string =>
  r === null ? "None" : r instanceof Uint8Array ? `b'${dec.decode(r)}'` : String(r);

class Redis {
  constructor(public reader: asyncio.StreamReader, public writer: asyncio.StreamWriter) {}

  send(...args: (string | number)[]): void {
    let out = `*${args.length}\r\n`;
    for (const arg of args) {
      const s = String(arg);
      out += `$${enc.encode(s).length}\r\n${s}\r\n`;
    }
    this.writer.write(out);
  }

  *reply(): asyncio.Coro<Reply> {
    const line = dec.decode(yield* this.reader.readuntil("\r\n"));
    const kind = line[0], rest = line.slice(1, -2);
    switch (kind) {
      case "+":
        return rest;
      case "-":
        throw new RedisError(rest);
      case ":":
        return Number(rest);
      case "$": {
        const n = Number(rest);
        return n < 0 ? null : (yield* this.reader.readexactly(n + 2)).subarray(0, n);
      }
      case "*": {
        const n = Number(rest);
        if (n < 0) return null;
        const items: Reply[] = [];
        for (let i = 0; i < n; i++) items.push(yield* this.reply());
        return items;
      }
    }
    throw new RedisError(`bad reply ${JSON.stringify(line)}`);
  }

  *execute(...args: (string | number)[]): asyncio.Coro<Reply> {
    this.send(...args);
    yield* this.writer.drain();
    return yield* this.reply();
  }

  *pipeline(commands: (string | number)[][]): asyncio.Coro<Reply[]> {
    for (const args of commands) this.send(...args);
    yield* this.writer.drain(); // one drain for the whole batch
    const replies: Reply[] = [];
    for (let i = 0; i < commands.length; i++) replies.push(yield* this.reply());
    return replies;
  }

  set(key: string, value: string | number) {
    return this.execute("SET", key, value);
  }
  get(key: string) {
    return this.execute("GET", key);
  }
  incr(key: string) {
    return this.execute("INCR", key);
  }

  close(): void {
    this.writer.close();
  }

  waitClosed() {
    return this.writer.waitClosed();
  }
}

const createRedis = asyncio.coroutine(function* (address: [string, number]) {
  const [reader, writer] = yield* asyncio.openConnection(...address);
  return new Redis(reader, writer);
});

const func = asyncio.coroutine(function* (address: [string, number]) {
  console.log("start process");
  const redis = yield* createRedis(address);
  console.log("SET car 1 ->", show(yield* redis.set("car", 1)));
  console.log("GET car ->", show(yield* redis.get("car")));
  console.log("INCR car ->", show(yield* redis.incr("car")));
  const replies = yield* redis.pipeline(Array.from({ length: 1000 }, () => ["INCR", "counter"]));
  const inOrder = replies.every((r, i) => r === i + 1);
  console.log(
    "pipelined 1000 INCR, last ->",
    show(replies[999]),
    "in order:",
    inOrder ? "True" : "False",
  );
  console.log("GET missing ->", show(yield* redis.get("missing")));
  try {
    yield* redis.execute("INCR", "car", "extra");
  } catch (e) {
    if (!(e instanceof RedisError)) throw e;
    console.log("error ->", e.message);
  }
  console.log("DEL ->", show(yield* redis.execute("DEL", "car", "counter")));
  redis.close();
  yield* redis.waitClosed();
  console.log("end");
});

const loop = asyncio.getEventLoop();
await loop.runUntilComplete(func(["127.0.0.1", Number(Deno.args[0] ?? 6379)]));
loop.close();
