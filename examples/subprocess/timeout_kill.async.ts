// A long-running child under timeout(): when the deadline passes, the wait
// is cancelled (not the child), so the child is killed and reaped —
// async/await form.
// Run: deno run --allow-run examples/subprocess/timeout_kill.async.ts
import * as asyncio from "@yieldfrom/asyncio";

await asyncio.run(async () => {
  const proc = await asyncio.createSubprocessExec("sleep", "30");
  try {
    await asyncio.timeout(0.5, async () => {
      await proc.wait();
    });
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("timed out; still running:", proc.returncode === null ? "True" : "False");
    proc.kill();
    console.log("killed, return code", await proc.wait());
  }
});
