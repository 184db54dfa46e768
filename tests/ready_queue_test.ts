/** The loop's ready queue (lib/ready_queue.ts): FIFO pairs in reused chunks. */
import { assertEquals } from "@std/assert";
import { ReadyQueue } from "../lib/ready_queue.ts";

Deno.test("ready queue: pairs come out in the order they went in, across chunks", () => {
  const q = new ReadyQueue();
  const seen: number[] = [];
  const f = (x: number) => seen.push(x);
  for (let i = 0; i < 5000; i++) q.push(f as (arg: never) => void, i);
  assertEquals(q.size, 5000);
  while (q.size > 0) q.shift()(q.arg);
  assertEquals(seen, Array.from({ length: 5000 }, (_, i) => i));
});

Deno.test("ready queue: interleaved pushes and shifts keep FIFO order (steady load)", () => {
  const q = new ReadyQueue();
  const out: number[] = [];
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 700; i++) {
      q.push(((x: number) => out.push(x)) as (arg: never) => void, next++);
    }
    for (let i = 0; i < 650; i++) q.shift()(q.arg);
  }
  while (q.size > 0) q.shift()(q.arg);
  for (const x of out) assertEquals(x, expected++);
  assertEquals(expected, next);
});

Deno.test("ready queue: clear() drops everything", () => {
  const q = new ReadyQueue();
  for (let i = 0; i < 3000; i++) q.push(() => {}, i);
  q.clear();
  assertEquals(q.size, 0);
  assertEquals(q.arg, undefined);
  q.push(((x: string) => assertEquals(x, "after")) as (arg: never) => void, "after");
  q.shift()(q.arg);
});
