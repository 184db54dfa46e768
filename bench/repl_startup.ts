/**
 * The REPL as a user meets it: the time from starting the command to the
 * first prompt on a terminal, side by side with `python3 -m asyncio` (and
 * `deno repl`) in one run, then the overhead of one input end to end (read,
 * parse, evaluate, run as a task when it awaits, print) through piped stdin.
 *
 *     deno run -A bench/repl_startup.ts [RUNS] [--no-inputs]
 *
 * Each command runs RUNS times (default 15) in a pseudo-terminal made by
 * tests/repl_pty.py, which measures from the moment it starts the command to
 * the first `> ` the command writes (Python's `>>> ` ends with one), so the
 * relay's own start is not counted. The commands take turns, after one
 * discarded warm-up round (caches). `deno run -A repl/main.ts` is the
 * command the README gives, as a user types it (no `--quiet`);
 * `deno task repl` is the same through the task runner. Python is the
 * interpreter `python3` names, started directly (a version manager's shim
 * would add its own start).
 */

const ROOT = new URL("../", import.meta.url);
const MAIN = new URL("../repl/main.ts", import.meta.url).pathname;
const PTY = new URL("../tests/repl_pty.py", import.meta.url).pathname;
const runs = Number(Deno.args.find((a) => /^\d+$/.test(a)) ?? 15);
const inputs = !Deno.args.includes("--no-inputs");
const env = {
  NO_COLOR: "1",
  TERM: "xterm-256color",
  YIELDFROM_REPL_HISTORY: "/tmp/yieldfrom-repl-bench-history",
};

function python(): string {
  const out = new Deno.Command("python3", {
    args: ["-c", "import sys; print(sys.executable)"],
    stdout: "piped",
  }).outputSync();
  return new TextDecoder().decode(out.stdout).trim();
}

const PYTHON = python();
const pyVersion = new TextDecoder().decode(
  new Deno.Command(PYTHON, { args: ["--version"], stdout: "piped" }).outputSync().stdout,
).trim();

const systems: Array<[string, string[]]> = [
  ["deno run -A repl/main.ts", [Deno.execPath(), "run", "-A", "repl/main.ts"]],
  ["deno task repl", [Deno.execPath(), "task", "repl"]],
  [`python3 -m asyncio (${pyVersion})`, [PYTHON, "-m", "asyncio"]],
  ["deno repl", [Deno.execPath(), "repl"]],
];

/** Milliseconds from starting `cmd` until its first prompt, measured by the relay. */
async function firstPrompt(cmd: string[]): Promise<number> {
  const child = new Deno.Command("python3", {
    args: [PTY, "--first-prompt", "120", "40", ...cmd],
    env,
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = child.stdout.pipeTo(new WritableStream());
  const writer = child.stdin.getWriter();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let elapsed = NaN;
  let report = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stderr) {
    report += dec.decode(chunk, { stream: true });
    const m = /repl_pty: first prompt ([\d.]+) ms/.exec(report);
    if (m !== null && Number.isNaN(elapsed)) {
      elapsed = Number(m[1]);
      await writer.write(new TextEncoder().encode("\x04"));
      await writer.close();
    }
  }
  await drained;
  await child.status;
  clearTimeout(timer);
  if (Number.isNaN(elapsed)) throw new Error(`no prompt from ${cmd.join(" ")}:\n${report}`);
  return elapsed;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const times = new Map<string, number[]>(systems.map(([name]) => [name, []]));
for (let round = -1; round < runs; round++) {
  // Take turns, starting with a different command each round.
  for (let i = 0; i < systems.length; i++) {
    const [name, cmd] = systems[(i + Math.max(round, 0)) % systems.length];
    const t = await firstPrompt(cmd);
    if (round >= 0) times.get(name)!.push(t);
  }
}
const pythonMedian = median(times.get(systems[2][0])!);
console.log(
  `time to the first prompt in a pseudo-terminal, ${runs} runs each, taking turns ` +
    `(${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}):`,
);
for (const [name] of systems) {
  const ts = times.get(name)!;
  const m = median(ts);
  console.log(
    `  ${name.padEnd(34)} median ${m.toFixed(0).padStart(4)} ms  ` +
      `min ${Math.min(...ts).toFixed(0).padStart(4)} ms  ` +
      `${(m / pythonMedian).toFixed(2)}× python3 -m asyncio`,
  );
}

if (inputs) {
  const repl = [Deno.execPath(), "run", "--allow-all", MAIN];

  /** Milliseconds for a piped REPL to run `input` and exit. */
  const piped = async (input: string): Promise<number> => {
    const t0 = performance.now();
    const child = new Deno.Command(repl[0], {
      args: repl.slice(1),
      env,
      cwd: ROOT,
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
    const status = await child.status;
    if (!status.success) {
      throw new Error(`the REPL failed on ${JSON.stringify(input.slice(0, 40))}`);
    }
    return performance.now() - t0;
  };

  const N = 3000;
  const baseRuns: number[] = [];
  for (let i = 0; i < 5; i++) baseRuns.push(await piped("1\n"));
  const base = median(baseRuns);
  for (
    const line of ["1 + 1", "let x = 1", "await 0", "yield", "await sleep(0)", "yield* sleep(0)"]
  ) {
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) ts.push(await piped((line + "\n").repeat(N)));
    const per = (median(ts) - base) / (N - 1);
    console.log(`per input ${JSON.stringify(line).padEnd(18)} ${(per * 1000).toFixed(0)} µs`);
  }
}
