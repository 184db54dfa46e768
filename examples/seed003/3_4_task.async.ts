// Seed 003, §3.4 Task — async form.
// Run: deno run examples/seed003/3_4_task.async.ts
import * as asyncio from "@yieldfrom/asyncio";

// Python's print of a set of tasks: {<Task ...>, <Task ...>}.
const pySet = (s: Set<unknown>) => (s.size === 0 ? "set()" : `{${[...s].join(", ")}}`);

const func = asyncio.coroutine(async function func() {
  console.log(1);
  await asyncio.sleep(2);
  console.log(2);
  return 3;
});

const main = asyncio.coroutine(async function main() {
  console.log("start main");
  const taskList = [asyncio.createTask(func()), asyncio.createTask(func())];
  console.log("end main");
  const [done, _pending] = await asyncio.wait(taskList);
  console.log(pySet(done));
});

if (import.meta.main) {
  await asyncio.run(main());
}
