// Serves 10 000 requests (50 at a time) and prints the heap before and after, both after GC.
// Run: deno run --v8-flags=--expose-gc --allow-net=127.0.0.1 tests/_http_memory.ts
import * as asyncio from "@yieldfrom/asyncio";
import { web } from "@yieldfrom/asyncio/http";

const gc = (globalThis as unknown as { gc: () => void }).gc;
const heap = () => {
  for (let i = 0; i < 3; i++) gc();
  return Deno.memoryUsage().heapUsed;
};
const app = new web.Application();
app.router.addGet("/{id}", async (r: web.Request) => new web.Response({ text: r.matchInfo.id }));
let before = 0;
let after = 0;
let requests = 0;
await asyncio.run(async () => {
  const runner = new web.AppRunner(app);
  await runner.setup();
  const site = new web.TCPSite(runner, "127.0.0.1", 0);
  await site.start();
  const base = `http://127.0.0.1:${site.port}`;
  const batch = async (n: number) => {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const r = await fetch(`${base}/${next}`);
        await r.text();
        requests++;
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
  };
  await batch(1000); // warm up
  requests = 0;
  before = heap();
  await batch(10_000);
  await asyncio.sleep(0.1);
  after = heap();
  await runner.cleanup();
});
console.log(JSON.stringify({ before, after, requests }));
