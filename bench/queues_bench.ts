/**
 * Queue hot paths. Each bench runs one whole program on a fresh loop; divide
 * by the operation count in its name for the cost of one.
 *
 *   deno bench bench/queues_bench.ts
 */
import { coroutine, createTask, PriorityQueue, Queue, run } from "../mod.ts";

const N = 10_000;

Deno.bench(`Queue ping-pong: ${N} round trips (yield*)`, { group: "ping-pong" }, async () => {
  await run(function* () {
    const ping = new Queue<number>(1), pong = new Queue<number>(1);
    const echo = createTask(function* () {
      for (let i = 0; i < N; i++) yield* pong.put(yield* ping.get());
    });
    for (let i = 0; i < N; i++) {
      yield* ping.put(i);
      if ((yield* pong.get()) !== i) throw new Error("out of order");
    }
    yield* echo;
  });
});

Deno.bench(`Queue ping-pong: ${N} round trips (await)`, { group: "ping-pong" }, async () => {
  await run(async () => {
    const ping = new Queue<number>(1), pong = new Queue<number>(1);
    const echo = createTask(
      coroutine(async () => {
        for (let i = 0; i < N; i++) await pong.put(await ping.get());
      })(),
    );
    for (let i = 0; i < N; i++) {
      await ping.put(i);
      if ((await pong.get()) !== i) throw new Error("out of order");
    }
    await echo;
  });
});

Deno.bench(`Queue putNowait/getNowait: ${N} items`, { group: "nowait" }, async () => {
  await run(function* () {
    const q = new Queue<number>();
    for (let i = 0; i < N; i++) q.putNowait(i);
    for (let i = 0; i < N; i++) q.getNowait();
  });
});

Deno.bench(
  `PriorityQueue putNowait/getNowait: ${N} [priority, n] items`,
  { group: "nowait" },
  async () => {
    await run(function* () {
      const q = new PriorityQueue<[number, number]>();
      for (let i = 0; i < N; i++) q.putNowait([(i * 7919) % 1000, i]);
      for (let i = 0; i < N; i++) q.getNowait();
    });
  },
);
