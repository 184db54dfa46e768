import { assertEquals } from "@std/assert";
import { Deque } from "../lib/deque.ts";

Deno.test("Deque (the waiters' queue) behaves like an array under random push/shift/pop/remove", () => {
  // A fixed-seed generator: the same sequence every run.
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const d = new Deque<number>();
  const model: number[] = [];
  let next = 0;
  for (let step = 0; step < 50_000; step++) {
    // Grow to a few hundred items, then drain, so that resizing both ways happens.
    const phase = Math.floor(step / 5_000) % 2 === 0;
    const op = rand(phase ? 10 : 16);
    if (op < 6) {
      d.push(next);
      model.push(next++);
    } else if (op < 9) {
      assertEquals(d.shift(), model.shift());
    } else if (op < 11) {
      assertEquals(d.pop(), model.pop());
    } else {
      const x = model.length > 0 && rand(4) > 0 ? model[rand(model.length)] : -1;
      const i = model.indexOf(x);
      if (i >= 0) model.splice(i, 1);
      assertEquals(d.remove(x), i >= 0);
    }
    assertEquals(d.length, model.length);
    if (step % 997 === 0) assertEquals(d.toArray(), model);
  }
  assertEquals(d.toArray(), model);
  for (let i = 0; i < model.length; i++) assertEquals(d.at(i), model[i]);
});
