/**
 * Context variables in use: `deno bench bench/context_vars_bench.ts`. Each
 * bench runs 100 000 operations in one task; divide by N for one.
 */
import { ContextVar, copyContext, run, sleep } from "../mod.ts";

const N = 100_000;
const v = new ContextVar<number>("v", { default: 0 });

Deno.bench(`get(): ${N} reads of a variable set in the task`, { group: "get" }, async () => {
  await run(function* () {
    v.set(1);
    let s = 0;
    for (let i = 0; i < N; i++) s += v.get();
    if (s !== N) throw new Error("bad sum");
  });
});

Deno.bench(`get(): ${N} reads of an unset variable's default`, { group: "get" }, async () => {
  await run(function* () {
    let s = 0;
    for (let i = 0; i < N; i++) s += v.get();
    if (s !== 0) throw new Error("bad sum");
  });
});

Deno.bench(`get(): ${N} reads in async code after an await`, { group: "get" }, async () => {
  await run(async () => {
    v.set(1);
    await sleep(0);
    let s = 0;
    for (let i = 0; i < N; i++) s += v.get();
    if (s !== N) throw new Error("bad sum");
  });
});

Deno.bench(`set(): ${N} sets in a task`, { group: "set" }, async () => {
  await run(function* () {
    for (let i = 0; i < N; i++) v.set(i);
  });
});

Deno.bench(`copyContext(): ${N} copies`, { group: "copy" }, async () => {
  await run(function* () {
    v.set(1);
    for (let i = 0; i < N; i++) copyContext();
  });
});
