// A long-running child under timeout(): when the deadline passes, the wait
// is cancelled (not the child), so the child is killed and reaped —
// generator form.
// Run: deno run --allow-run examples/subprocess/timeout_kill.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";

const main = asyncio.coroutine(function* () {
  const proc = yield* asyncio.createSubprocessExec("sleep", "30");
  try {
    yield* asyncio.timeout(0.5, function* () {
      yield* proc.wait();
    });
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("timed out; still running:", proc.returncode === null ? "True" : "False");
    proc.kill();
    console.log("killed, return code", yield* proc.wait());
  }
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(main());
loop.close();
