// Seed 003, §3.7 上下文管理器 — legacy form: aenter/aexit as generator coroutines.
// Run: deno run examples/seed003/3_7_context_manager.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

class ContextManager {
  conn: unknown = null;

  *func() {
    // 异步操作数据库
    return 1;
  }

  *aenter() {
    // 异步连接数据库
    this.conn = yield* asyncio.sleep(1);
    return this;
  }

  *aexit(_error: unknown) {
    // 异步关闭连接
    yield* asyncio.sleep(1);
  }
}

const main = asyncio.coroutine(function* main() {
  yield* asyncio.asyncWith(new ContextManager(), function* (f) {
    const res = yield* f.func();
    console.log(res);
  });
});

if (import.meta.main) {
  await asyncio.getEventLoop().runUntilComplete(main());
}
