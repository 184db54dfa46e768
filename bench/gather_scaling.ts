/**
 * Is gather linear in N? Prints the time per task of `gather` over N
 * generator tasks that finish at once, for N = 10k, 100k and 1M (best of
 * three runs each). Run: `deno run bench/gather_scaling.ts`.
 */
import { coroutine, gather, run } from "../mod.ts";

const quick = coroutine(function* quick(i: number) {
  return i;
});

async function once(n: number): Promise<number> {
  const start = performance.now();
  await run(function* () {
    const coros = new Array(n);
    for (let i = 0; i < n; i++) coros[i] = quick(i);
    const results = yield* gather(coros);
    if (results.length !== n || results[n - 1] !== n - 1) throw new Error("bad gather");
  });
  return performance.now() - start;
}

await once(10_000); // warm up
console.log("N          best ms   ns/task   tasks/s");
for (const n of [10_000, 100_000, 1_000_000]) {
  let best = Infinity;
  for (let r = 0; r < 3; r++) best = Math.min(best, await once(n));
  const ns = (best * 1e6) / n;
  console.log(
    `${String(n).padEnd(10)} ${best.toFixed(1).padStart(7)} ${ns.toFixed(0).padStart(9)} ${
      Math.round(n / (best / 1000)).toLocaleString("en").padStart(11)
    }`,
  );
}
