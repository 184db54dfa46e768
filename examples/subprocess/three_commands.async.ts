// Run three commands concurrently, at most two at a time (a Semaphore), and
// collect their outputs in the order of the list — async/await form.
// Run: deno run --allow-run examples/subprocess/three_commands.async.ts
import * as asyncio from "@yieldfrom/asyncio";
import { PIPE } from "@yieldfrom/asyncio";

const COMMANDS = [
  ["echo", "one"],
  ["sh", "-c", "sleep 0.2; echo two"],
  ["sh", "-c", "echo three; echo warning >&2; exit 1"],
];
const dec = new TextDecoder();

const runOne = asyncio.coroutine(async (sem: asyncio.Semaphore, argv: string[]) => {
  return await asyncio.asyncWith(sem, async () => {
    const proc = await asyncio.createSubprocessExec(argv[0], ...argv.slice(1), {
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = await proc.communicate();
    return [argv.at(-1)!, proc.returncode, dec.decode(out!).trim(), dec.decode(err!).trim()];
  });
});

await asyncio.run(async () => {
  const sem = new asyncio.Semaphore(2);
  const results = await asyncio.gather(...COMMANDS.map((argv) => runOne(sem, argv)));
  for (const [cmd, code, out, err] of results) {
    console.log(`'${cmd}': exit ${code}, stdout '${out}', stderr '${err}'`);
  }
});
