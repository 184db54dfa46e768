// Seed 004, §1 — a generator computes while it is iterated (plain JavaScript generators,
// the mechanism generator coroutines are built on).
// Run: deno run examples/seed004/1_generator_squares.ts

function* num(x: number) {
  while (x < 10) {
    yield x * x; // 返回结果,下次从这个地方继续
    x += 1;
  }
}
const g = num(1); // 返回的是generator对象
for (const item of g) {
  console.log(item);
}
