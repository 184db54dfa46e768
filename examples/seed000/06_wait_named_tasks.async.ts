// Seed 000, §2.3 实例2 — async form: wait() returns the done and pending sets.
// Run: deno run examples/seed000/06_wait_named_tasks.async.ts
import * as asyncio from "@yieldfrom/asyncio";

// Python's print of a set: {a, b}, or set() when empty (a Task prints as its repr).
const pySet = (s: Set<unknown>) => (s.size === 0 ? "set()" : `{${[...s].join(", ")}}`);

const func = asyncio.coroutine(async function func() {
  console.log(1);
  await asyncio.sleep(2);
  console.log(2);
  return "返回值";
});
const main = asyncio.coroutine(async function main() {
  console.log("main开始");
  const taskList = [
    asyncio.createTask(func(), { name: "n1" }),
    asyncio.createTask(func(), { name: "n2" }),
  ];
  console.log("main结束");
  // With a timeout of 1 (the work takes 2), done would be empty and both tasks pending.
  const [done, pending] = await asyncio.wait(taskList, { timeout: null });
  console.log(pySet(done), pySet(pending));
});
await asyncio.run(main());
