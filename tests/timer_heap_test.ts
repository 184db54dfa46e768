/** The loop's timer heap (lib/timer_heap.ts): (when, sequence) order, lazy cancellation. */
import { assertEquals } from "@std/assert";
import { newEventLoop, TimerHandle } from "../mod.ts";
import { TimerHeap } from "../lib/timer_heap.ts";

const loop = newEventLoop({ clock: "virtual" });

function timer(heap: TimerHeap, when: number, label: string): TimerHandle {
  const h = new TimerHandle(when, heap.nextSeq(), () => label, null, loop);
  heap.push(h);
  return h;
}

function drain(heap: TimerHeap, end = Infinity): string[] {
  const out: string[] = [];
  heap.popDue(end, (h) => out.push(h._callback!() as string));
  return out;
}

Deno.test("timer heap: earliest first, equal times in scheduling order", () => {
  const heap = new TimerHeap();
  timer(heap, 3, "c");
  timer(heap, 1, "a1");
  timer(heap, 2, "b");
  timer(heap, 1, "a2");
  timer(heap, 1, "a3");
  assertEquals(heap.nextWhen(), 1);
  assertEquals(drain(heap, 2), ["a1", "a2", "a3"]); // due before 2 only
  assertEquals(drain(heap), ["b", "c"]);
  assertEquals(heap.nextWhen(), null);
});

Deno.test("timer heap: cancelled timers never come out; nextWhen skips them", () => {
  const heap = new TimerHeap();
  const a = timer(heap, 1, "a");
  timer(heap, 2, "b");
  a._callback = null; // cancelled, as cancel() leaves it
  heap.timerCancelled(a);
  assertEquals(heap.nextWhen(), 2);
  assertEquals(a._scheduled, false);
  assertEquals(drain(heap), ["b"]);
});

Deno.test("timer heap: a mostly cancelled large heap is rebuilt, order kept", () => {
  const heap = new TimerHeap();
  const hs: TimerHandle[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 1000; i++) hs.push(timer(heap, Math.floor(rand() * 50), `t${i}`));
  const kept = hs.filter((_, i) => i % 4 === 0);
  for (const [i, h] of hs.entries()) {
    if (i % 4 !== 0) {
      h._callback = null;
      heap.timerCancelled(h);
    }
  }
  const expected = kept.slice().sort((x, y) => x._when - y._when || x._seq - y._seq)
    .map((h) => h._callback!() as string);
  assertEquals(drain(heap), expected);
  assertEquals(heap.size, 0);
  for (const h of hs) assertEquals(h._scheduled, false);
});

Deno.test("timer heap: clear() unschedules every timer", () => {
  const heap = new TimerHeap();
  const hs = [timer(heap, 1, "a"), timer(heap, 2, "b")];
  heap.clear();
  assertEquals(heap.size, 0);
  for (const h of hs) assertEquals(h._scheduled, false);
  loop.close();
});
