// Seed 003, §3.5 Future — legacy form.
// Run: deno run examples/seed003/3_5_future.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const setAfter = asyncio.coroutine(function* setAfter(fut: asyncio.Future<string>) {
  yield* asyncio.sleep(2);
  fut.setResult("2");
});

const main = asyncio.coroutine(function* main() {
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture<string>();
  yield* loop.createTask(setAfter(fut));
  const data = yield* fut;
  console.log(data);
});

if (import.meta.main) {
  await asyncio.getEventLoop().runUntilComplete(main());
}
