/**
 * Subprocess measurements for docs/subprocess.md, in one process, one
 * after the other (compare the numbers as ratios within a run):
 *
 * 1. Spawn-to-exit round trip of `true`, N sequential spawns each:
 *    `createSubprocessExec("true")` + `wait()` (ours, both styles) against
 *    plain `new Deno.Command("true").spawn()` + `await status`.
 *    CPython's number comes from bench/subprocess_compare.py.
 * 2. Throughput of `cat` piping SIZE MiB through `communicate()` against
 *    plain `Deno.Command` with `output()` (stdin written in parallel).
 *
 *   deno run --allow-run bench/subprocess_compare.ts [N=200] [SIZE=100] [ROUNDS=3]
 */
import { coroutine, createSubprocessExec, PIPE, run, STDOUT } from "../mod.ts";

const N = Number(Deno.args[0] ?? 200);
const SIZE = Number(Deno.args[1] ?? 100) * 1024 * 1024;
const ROUNDS = Number(Deno.args[2] ?? 3);

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function spawnOurs(): Promise<void> {
  await run(async () => {
    for (let i = 0; i < N; i++) {
      const p = await createSubprocessExec("true");
      if (await p.wait() !== 0) throw new Error("true failed");
    }
  });
}

async function spawnOursGen(): Promise<void> {
  await run(coroutine(function* () {
    for (let i = 0; i < N; i++) {
      const p = yield* createSubprocessExec("true");
      if ((yield* p.wait()) !== 0) throw new Error("true failed");
    }
  }));
}

async function spawnOursMerged(): Promise<void> {
  await run(async () => {
    for (let i = 0; i < N; i++) {
      const p = await createSubprocessExec("true", { stdout: PIPE, stderr: STDOUT });
      await p.communicate();
      if (p.returncode !== 0) throw new Error("true failed");
    }
  });
}

async function spawnDeno(): Promise<void> {
  for (let i = 0; i < N; i++) {
    const status = await new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn()
      .status;
    if (status.code !== 0) throw new Error("true failed");
  }
}

const input = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i += 4096) input[i] = i & 255;

async function catOurs(): Promise<void> {
  await run(async () => {
    const p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    const [out] = await p.communicate(input);
    if (out!.length !== SIZE || p.returncode !== 0) throw new Error("cat lost data");
  });
}

async function catDeno(): Promise<void> {
  const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
  const writing = (async () => {
    const w = child.stdin.getWriter();
    await w.write(input);
    await w.close();
  })();
  const [out] = await Promise.all([child.output(), writing]);
  if (out.stdout.length !== SIZE || out.code !== 0) throw new Error("cat lost data");
}

const cases: [string, () => Promise<void>][] = [
  [`spawn+wait true x${N}: Deno.Command spawn + status`, spawnDeno],
  [`spawn+wait true x${N}: createSubprocessExec + wait (await)`, spawnOurs],
  [`spawn+wait true x${N}: createSubprocessExec + wait (yield*)`, spawnOursGen],
  [`spawn+communicate true x${N}: stdout PIPE, stderr STDOUT (sh)`, spawnOursMerged],
  [`cat ${SIZE / 1048576} MiB: Deno.Command output()`, catDeno],
  [`cat ${SIZE / 1048576} MiB: communicate()`, catOurs],
];

console.log(`best of ${ROUNDS} rounds (ms); rounds alternate between the cases`);
const best = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of cases) {
    const ms = await time(fn);
    best.set(name, Math.min(best.get(name) ?? Infinity, ms));
  }
}
for (const [name] of cases) {
  const ms = best.get(name)!;
  const per = name.startsWith("spawn")
    ? `  (${(ms / N).toFixed(3)} ms per process)`
    : `  (${(SIZE / 1048576 / (ms / 1000)).toFixed(0)} MiB/s)`;
  console.log(`${name.padEnd(60)} ${ms.toFixed(1).padStart(9)}${per}`);
}
