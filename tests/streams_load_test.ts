/**
 * Load: 1 000 concurrent connections to one stream server, each echoing a
 * payload of its own through the server in 64 KiB writes with drain(),
 * every byte checked on return. By default each connection echoes 256 KiB
 * (about 7 s here); with STREAMS_LOAD_FULL=1 the full 1 MiB each (1 GiB
 * through the server each way, about 18 s here). Loopback only; a run that
 * does not finish within a minute fails.
 */
import { assertEquals } from "@std/assert";
import { createTask, gather, openConnection, run, startServer, timeout } from "../mod.ts";

const FULL = Deno.env.get("STREAMS_LOAD_FULL") === "1";
const CONNECTIONS = 1000;
const SIZE = FULL ? 1 << 20 : 256 << 10;
const CHUNK = 64 * 1024;

function payload(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed * 13 + (i >> 8)) & 255;
  return b;
}

Deno.test(`load: ${CONNECTIONS} concurrent connections each echo ${SIZE >> 10} KiB, every byte checked`, async () => {
  const t0 = performance.now();
  const checked = await run(async () => {
    const server = await startServer(
      async (reader, writer) => {
        for (;;) {
          const data = await reader.read(CHUNK);
          if (data.length === 0) break;
          writer.write(data);
          await writer.drain();
        }
        writer.close();
        await writer.waitClosed();
      },
      "127.0.0.1",
      0,
    );
    const port = server.sockets[0].port!;
    const client = async (k: number) => {
      const [reader, writer] = await openConnection("127.0.0.1", port);
      const data = payload(SIZE, k);
      const sender = createTask(async () => {
        for (let at = 0; at < SIZE; at += CHUNK) {
          writer.write(data.subarray(at, at + CHUNK));
          await writer.drain();
        }
        writer.writeEof();
      });
      let at = 0;
      let wrong = 0;
      for (;;) {
        const got = await reader.read(CHUNK);
        if (got.length === 0) break;
        for (let i = 0; i < got.length; i++) if (got[i] !== data[at + i]) wrong++;
        at += got.length;
      }
      await sender;
      writer.close();
      await writer.waitClosed();
      assertEquals([at, wrong], [SIZE, 0], `connection ${k}`);
      return at;
    };
    const sizes = await timeout(
      60,
      () => gather(Array.from({ length: CONNECTIONS }, (_, k) => client(k))),
    );
    server.close();
    await server.waitClosed();
    return sizes.reduce((a, b) => a + b, 0);
  });
  assertEquals(checked, CONNECTIONS * SIZE);
  console.log(
    `    ${CONNECTIONS} × ${SIZE >> 10} KiB echoed in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s` +
      (FULL ? "" : " (STREAMS_LOAD_FULL=1 for 1 MiB each)"),
  );
});
