/**
 * The memory and rate floor of a task context on Deno: plain async
 * functions waiting on one promise, each started directly (`plain`),
 * inside one `AsyncLocalStorage.run` (`als`), or with the host's async
 * context set to one small object holding its task, as the async facade
 * does (`context`, `lib/async_context.ts`). Prints the resident memory per
 * waiting function after a forced GC, then the rate of 5 × 100 000 of them
 * each doing two `await null`.
 *
 * Run: deno run --v8-flags=--expose-gc bench/als_floor.ts [plain|als|context] [N]
 *
 * @module
 */
import { hostContext, onHost } from "../lib/async_context.ts";
import type { Driver } from "../lib/futures.ts";
import { rssAfterGc } from "./compare/_common.ts";

const mode = Deno.args[0] ?? "als";
const n = Number(Deno.args[1] ?? 200_000);
// Only the `als` run loads node:async_hooks: loading any node: module slows
// every promise of the process (see docs/performance.md).
const storage = mode === "als"
  ? new (await import("node:async_hooks")).AsyncLocalStorage<object>()
  : null;
const host = hostContext();
if (mode === "context" && host === null) throw new Error("Deno's async context is not reachable");
const context = host === null ? null : onHost(host);

/** Start `body` the way `mode` says, with `store` as its task. */
function start(store: object, body: () => Promise<unknown>): Promise<unknown> {
  if (mode === "als") return storage!.run(store, body);
  if (mode === "context") return context!.call(store as Driver, body, null, []) as Promise<unknown>;
  return body();
}

const gate = Promise.withResolvers<void>();
const wait = async () => await gate.promise;
const before = rssAfterGc();
const waiting = new Array(n);
for (let i = 0; i < n; i++) waiting[i] = start({ i }, wait);
await null;
const after = rssAfterGc();
gate.resolve();
await Promise.all(waiting);
console.log(`${mode}: ${((after - before) / n).toFixed(0)} B per waiting async function`);

const hop = async () => {
  await null;
  await null;
};
const t0 = performance.now();
for (let r = 0; r < 5; r++) {
  const all = new Array(100_000);
  for (let i = 0; i < 100_000; i++) all[i] = start({ i }, hop);
  await Promise.all(all);
}
console.log(`${mode}: ${(500_000 / (performance.now() - t0)).toFixed(0)}k async functions/s`);
