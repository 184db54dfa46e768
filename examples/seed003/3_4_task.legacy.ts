// Seed 003, §3.4 Task — legacy form.
// Run: deno run examples/seed003/3_4_task.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

// Python's print of a set of tasks: {<Task ...>, <Task ...>}.
const pySet = (s: Set<unknown>) => (s.size === 0 ? "set()" : `{${[...s].join(", ")}}`);

const func = asyncio.coroutine(function* func() {
  console.log(1);
  yield* asyncio.sleep(2);
  console.log(2);
  return 3;
});

const main = asyncio.coroutine(function* main() {
  console.log("start main");
  const taskList = [asyncio.createTask(func()), asyncio.createTask(func())];
  console.log("end main");
  const [done, _pending] = yield* asyncio.wait(taskList);
  console.log(pySet(done));
});

if (import.meta.main) {
  await asyncio.getEventLoop().runUntilComplete(main());
}
