// Read a child's output line by line as it prints, slowly — async/await form.
// Run: deno run --allow-run examples/subprocess/slow_lines.async.ts
import * as asyncio from "@yieldfrom/asyncio";
import { PIPE } from "@yieldfrom/asyncio";

const SLOW = 'for i in 1 2 3 4 5; do echo "tick $i"; sleep 0.1; done';
const dec = new TextDecoder();

await asyncio.run(async () => {
  const proc = await asyncio.createSubprocessExec("sh", "-c", SLOW, { stdout: PIPE });
  let n = 0;
  for await (const line of proc.stdout!) {
    n += 1;
    console.log(`line ${n}: ${dec.decode(line).trimEnd()}`);
  }
  console.log("exit", await proc.wait());
});
