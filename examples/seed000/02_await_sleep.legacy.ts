// Seed 000, §2.2 await — legacy form (yield* is Python's yield from).
// Run: deno run examples/seed000/02_await_sleep.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const func = asyncio.coroutine(function* func() {
  console.log("执行协程函数内部代码");
  const response = yield* asyncio.sleep(2);
  console.log("IO请求结束,结果为:", response ?? "None");
});
await asyncio.getEventLoop().runUntilComplete(func());
