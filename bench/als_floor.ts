/**
 * The memory floor of a task context on Deno: N plain async functions
 * waiting on one promise, each started directly or inside one
 * `AsyncLocalStorage.run` (what the async facade does once per task).
 * Prints the resident memory per waiting function after a forced GC.
 *
 * Run: deno run --v8-flags=--expose-gc bench/als_floor.ts [plain|als] [N]
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { rssAfterGc } from "./compare/_common.ts";

const mode = Deno.args[0] ?? "als";
const n = Number(Deno.args[1] ?? 200_000);
const storage = new AsyncLocalStorage<object>();
const gate = Promise.withResolvers<void>();
const body = async () => await gate.promise;
const before = rssAfterGc();
const waiting = new Array(n);
for (let i = 0; i < n; i++) waiting[i] = mode === "als" ? storage.run({ i }, body) : body();
await null;
const after = rssAfterGc();
gate.resolve();
await Promise.all(waiting);
console.log(`${mode}: ${((after - before) / n).toFixed(0)} B per waiting async function`);
