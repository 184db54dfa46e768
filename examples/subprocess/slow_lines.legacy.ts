// Read a child's output line by line as it prints, slowly — generator form.
// Run: deno run --allow-run examples/subprocess/slow_lines.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";
import { PIPE } from "@yieldfrom/asyncio";

const SLOW = 'for i in 1 2 3 4 5; do echo "tick $i"; sleep 0.1; done';
const dec = new TextDecoder();

const main = asyncio.coroutine(function* () {
  const proc = yield* asyncio.createSubprocessExec("sh", "-c", SLOW, { stdout: PIPE });
  let n = 0;
  for (;;) {
    const line = yield* proc.stdout!.readline();
    if (line.length === 0) break; // EOF
    n += 1;
    console.log(`line ${n}: ${dec.decode(line).trimEnd()}`);
  }
  console.log("exit", yield* proc.wait());
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(main());
loop.close();
