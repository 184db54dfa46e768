// Seed 003, §3.7 上下文管理器 — async form: asyncWith is Python's `async with`.
// Run: deno run examples/seed003/3_7_context_manager.async.ts
import * as asyncio from "@yieldfrom/asyncio";

class ContextManager {
  conn: unknown = null;

  async func() {
    // 异步操作数据库
    return 1;
  }

  async aenter() {
    // 异步连接数据库
    this.conn = await asyncio.sleep(1);
    return this;
  }

  async aexit(_error: unknown) {
    // 异步关闭连接
    await asyncio.sleep(1);
  }
}

const main = asyncio.coroutine(async function main() {
  await asyncio.asyncWith(new ContextManager(), async (f) => {
    const res = await f.func();
    console.log(res);
  });
});

if (import.meta.main) {
  await asyncio.run(main());
}
