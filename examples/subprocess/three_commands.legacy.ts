// Run three commands concurrently, at most two at a time (a Semaphore), and
// collect their outputs in the order of the list — generator form.
// Run: deno run --allow-run examples/subprocess/three_commands.legacy.ts
import * as asyncio from "@yieldfrom/asyncio";
import { PIPE } from "@yieldfrom/asyncio";

const COMMANDS = [
  ["echo", "one"],
  ["sh", "-c", "sleep 0.2; echo two"],
  ["sh", "-c", "echo three; echo warning >&2; exit 1"],
];
const dec = new TextDecoder();

const runOne = asyncio.coroutine(function* (sem: asyncio.Semaphore, argv: string[]) {
  yield* sem.acquire();
  try {
    const proc = yield* asyncio.createSubprocessExec(argv[0], ...argv.slice(1), {
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = yield* proc.communicate();
    return [argv.at(-1)!, proc.returncode, dec.decode(out!).trim(), dec.decode(err!).trim()];
  } finally {
    sem.release();
  }
});

const main = asyncio.coroutine(function* () {
  const sem = new asyncio.Semaphore(2);
  const results = yield* asyncio.gather(...COMMANDS.map((argv) => runOne(sem, argv)));
  for (const [cmd, code, out, err] of results) {
    console.log(`'${cmd}': exit ${code}, stdout '${out}', stderr '${err}'`);
  }
});
const loop = asyncio.getEventLoop();
await loop.runUntilComplete(main());
loop.close();
