// Seed 000, §2.3 实例2 — legacy form.
// Run: deno run examples/seed000/06_wait_named_tasks.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

// Python's print of a set: {a, b}, or set() when empty (a Task prints as its repr).
const pySet = (s: Set<unknown>) => (s.size === 0 ? "set()" : `{${[...s].join(", ")}}`);

const func = asyncio.coroutine(function* func() {
  console.log(1);
  yield* asyncio.sleep(2);
  console.log(2);
  return "返回值";
});
const main = asyncio.coroutine(function* main() {
  console.log("main开始");
  const taskList = [
    asyncio.createTask(func(), { name: "n1" }),
    asyncio.createTask(func(), { name: "n2" }),
  ];
  console.log("main结束");
  const [done, pending] = yield* asyncio.wait(taskList, { timeout: null });
  console.log(pySet(done), pySet(pending));
});
await asyncio.getEventLoop().runUntilComplete(main());
