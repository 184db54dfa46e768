/**
 * Plain Deno async/await side of the side-by-side benchmark: the ceiling for
 * any JavaScript runtime (no loop of its own, no cancellation, no ordering
 * guarantees). "Yield to the loop once" is one microtask hop (`await null`).
 *
 * Usage: deno run --v8-flags=--expose-gc bench/compare/native.ts WORKLOAD SIZE...
 */
import {
  echoServerChild,
  lcgDelays,
  rssAfterGc,
  runWorkload,
  servedUntilStdinCloses,
} from "./_common.ts";

async function child() {
  await null;
  return 1;
}

async function w1(n: number) {
  const t0 = performance.now();
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = child();
  await Promise.all(ps);
  const dt = (performance.now() - t0) / 1000;
  return [dt, "tasks/s", n / dt] as const;
}

async function w2a(rounds: number) {
  let ping = Promise.withResolvers<number>();
  let pong = Promise.withResolvers<number>();
  const t0 = performance.now();
  const other = (async () => {
    for (let i = 0; i < rounds; i++) {
      const v = await ping.promise;
      ping = Promise.withResolvers<number>();
      pong.resolve(v + 1);
    }
  })();
  for (let i = 0; i < rounds; i++) {
    ping.resolve(i);
    await pong.promise;
    pong = Promise.withResolvers<number>();
  }
  await other;
  const dt = (performance.now() - t0) / 1000;
  return [dt, "switches/s", (2 * rounds) / dt] as const;
}

/** The smallest bounded (capacity 1) async queue. */
class Slot<T> {
  #items: T[] = [];
  #getters: ((v: T) => void)[] = [];
  #putters: (() => void)[] = [];
  async put(v: T) {
    while (this.#items.length >= 1) await new Promise<void>((r) => this.#putters.push(r));
    const g = this.#getters.shift();
    if (g) g(v);
    else this.#items.push(v);
  }
  async get(): Promise<T> {
    if (this.#items.length > 0) {
      const v = this.#items.shift()!;
      this.#putters.shift()?.();
      return v;
    }
    return await new Promise<T>((r) => this.#getters.push(r));
  }
}

async function w2b(rounds: number) {
  const q1 = new Slot<number>();
  const q2 = new Slot<number>();
  const t0 = performance.now();
  const other = (async () => {
    for (let i = 0; i < rounds; i++) await q2.put((await q1.get()) + 1);
  })();
  for (let i = 0; i < rounds; i++) {
    await q1.put(i);
    await q2.get();
  }
  await other;
  const dt = (performance.now() - t0) / 1000;
  return [dt, "switches/s", (2 * rounds) / dt] as const;
}

async function w3(m: number) {
  let count = 0;
  const cb = () => {
    count++;
  };
  const t0 = performance.now();
  const done = Promise.withResolvers<void>();
  for (let i = 0; i < m; i++) queueMicrotask(cb);
  queueMicrotask(() => done.resolve());
  await done.promise;
  const dt = (performance.now() - t0) / 1000;
  if (count !== m) throw new Error("lost callbacks");
  return [dt, "callbacks/s", m / dt] as const;
}

async function w4(n: number) {
  const delays = lcgDelays(n, 0.02);
  const t0 = performance.now();
  await Promise.all(delays.map((d) => new Promise((r) => setTimeout(r, d * 1000))));
  const dt = (performance.now() - t0) / 1000;
  return [dt, "s wall", dt] as const;
}

async function chain(depth: number, rounds: number): Promise<number> {
  if (depth === 0) {
    for (let i = 0; i < rounds; i++) await null;
    return rounds;
  }
  return await chain(depth - 1, rounds);
}

async function w5(depth: number, rounds: number) {
  const t0 = performance.now();
  await chain(depth, rounds);
  const dt = (performance.now() - t0) / 1000;
  return [dt, "resumes/s", rounds / dt] as const;
}

async function w7(n: number) {
  const ev = Promise.withResolvers<void>();
  const before = rssAfterGc();
  const t0 = performance.now();
  const ps = new Array(n);
  for (let i = 0; i < n; i++) ps[i] = (async () => await ev.promise)();
  await null;
  const after = rssAfterGc();
  const dt = (performance.now() - t0) / 1000;
  ev.resolve();
  await Promise.all(ps);
  return [dt, "bytes/task", (after - before) / n] as const;
}

/** The smallest FIFO async mutex. */
class Mutex {
  #locked = false;
  #waiters: (() => void)[] = [];
  async acquire() {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((r) => this.#waiters.push(r));
  }
  release() {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

async function w8(tasks: number, rounds: number) {
  const lock = new Mutex();
  const worker = async () => {
    for (let i = 0; i < rounds; i++) {
      await lock.acquire();
      try {
        await null;
      } finally {
        lock.release();
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: tasks }, worker));
  const dt = (performance.now() - t0) / 1000;
  return [dt, "acquisitions/s", (tasks * rounds) / dt] as const;
}

/** W6's echo server: Deno.listen, a read/write loop per connection. */
function serveEcho(): void {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  servedUntilStdinCloses((listener.addr as Deno.NetAddr).port);
  (async () => {
    for await (const conn of listener) {
      (async () => {
        conn.setNoDelay(true);
        const buf = new Uint8Array(65536);
        try {
          for (;;) {
            const n = await conn.read(buf);
            if (n === null) break;
            for (let off = 0; off < n;) off += await conn.write(buf.subarray(off, n));
          }
        } finally {
          conn.close();
        }
      })();
    }
  })();
}

let echoPort: number | undefined;

/** W6: C clients × R round trips of S bytes against the echo server, with async/await. */
async function w6(clients: number, rounds: number, size: number) {
  echoPort ??= await echoServerChild([]);
  const port = echoPort;
  const msg = new Uint8Array(size).fill(120);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    const buf = new Uint8Array(size);
    for (let i = 0; i < rounds; i++) {
      for (let off = 0; off < size;) off += await conn.write(msg.subarray(off));
      for (let got = 0; got < size;) {
        const n = await conn.read(buf.subarray(got));
        if (n === null) throw new Error("the echo server closed the connection");
        got += n;
      }
    }
    conn.close();
  }));
  const dt = (performance.now() - t0) / 1000;
  return [dt, "round trips/s", (clients * rounds) / dt] as const;
}

if (Deno.args[0] === "W6serve") serveEcho();
else {
  await runWorkload("deno-native", {
    W1: w1,
    W2a: w2a,
    W2b: w2b,
    W3: w3,
    W4: w4,
    W5: w5,
    W7: w7,
    W8: w8,
    W6a: w6,
    W6b: w6,
  });
}
