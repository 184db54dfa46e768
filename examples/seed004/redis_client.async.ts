// Seed 004, 4.1 异步操作redis — async form. The seed uses aioredis; this is the same
// program on a small RESP client written on openConnection (see redis_client.py).
// Run: deno run --allow-net examples/seed004/redis_client.async.ts [PORT]
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

  reply = asyncio.coroutine(async (): Promise<Reply> => {
    const line = dec.decode(await this.reader.readuntil("\r\n"));
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
        return n < 0 ? null : (await this.reader.readexactly(n + 2)).subarray(0, n);
      }
      case "*": {
        const n = Number(rest);
        if (n < 0) return null;
        const items: Reply[] = [];
        for (let i = 0; i < n; i++) items.push(await this.reply());
        return items;
      }
    }
    throw new RedisError(`bad reply ${JSON.stringify(line)}`);
  });

  execute = asyncio.coroutine(async (...args: (string | number)[]): Promise<Reply> => {
    this.send(...args);
    await this.writer.drain();
    return await this.reply();
  });

  pipeline = asyncio.coroutine(async (commands: (string | number)[][]): Promise<Reply[]> => {
    for (const args of commands) this.send(...args);
    await this.writer.drain(); // one drain for the whole batch
    const replies: Reply[] = [];
    for (let i = 0; i < commands.length; i++) replies.push(await this.reply());
    return replies;
  });

  set = (key: string, value: string | number) => this.execute("SET", key, value);
  get = (key: string) => this.execute("GET", key);
  incr = (key: string) => this.execute("INCR", key);

  close(): void {
    this.writer.close();
  }

  waitClosed() {
    return this.writer.waitClosed();
  }
}

const createRedis = asyncio.coroutine(async (address: [string, number]) => {
  const [reader, writer] = await asyncio.openConnection(...address);
  return new Redis(reader, writer);
});

const func = asyncio.coroutine(async (address: [string, number]) => {
  console.log("start process");
  const redis = await createRedis(address);
  console.log("SET car 1 ->", show(await redis.set("car", 1)));
  console.log("GET car ->", show(await redis.get("car")));
  console.log("INCR car ->", show(await redis.incr("car")));
  const replies = await redis.pipeline(Array.from({ length: 1000 }, () => ["INCR", "counter"]));
  const inOrder = replies.every((r, i) => r === i + 1);
  console.log(
    "pipelined 1000 INCR, last ->",
    show(replies[999]),
    "in order:",
    inOrder ? "True" : "False",
  );
  console.log("GET missing ->", show(await redis.get("missing")));
  try {
    await redis.execute("INCR", "car", "extra");
  } catch (e) {
    if (!(e instanceof RedisError)) throw e;
    console.log("error ->", e.message);
  }
  console.log("DEL ->", show(await redis.execute("DEL", "car", "counter")));
  redis.close();
  await redis.waitClosed();
  console.log("end");
});

await asyncio.run(func(["127.0.0.1", Number(Deno.args[0] ?? 6379)]));
