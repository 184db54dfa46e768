/**
 * The REPL as a user meets it: time from starting the process to the first
 * prompt on a terminal (warm: dependencies cached, one run discarded), and
 * the overhead of one input end to end (read, parse, evaluate, run as a
 * task when it awaits, print), measured through piped stdin.
 *
 *     deno run -A bench/repl_startup.ts [runs]
 *
 * The terminal is `script` from util-linux when it is installed, else
 * python3's pty module (tests/repl_pty.py), whose own start is then
 * included.
 */

const MAIN = new URL("../repl/main.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url);
const PTY = new URL("../tests/repl_pty.py", import.meta.url).pathname;
const runs = Number(Deno.args[0] ?? 10);
const env = { NO_COLOR: "1", YIELDFROM_REPL_HISTORY: "/tmp/yieldfrom-repl-bench-history" };

function hasScript(): boolean {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const useScript = hasScript();
const repl = [Deno.execPath(), "run", "--allow-all", "--quiet", MAIN];

/** Milliseconds from spawn until the prompt shows. */
async function firstPrompt(repl: string[]): Promise<number> {
  const t0 = performance.now();
  const [program, args] = useScript
    ? ["script", ["-qfec", repl.join(" "), "/dev/null"]]
    : ["python3", [PTY, "80", "24", ...repl]];
  const child = new Deno.Command(program, {
    args,
    env,
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  let text = "";
  let elapsed = -1;
  const dec = new TextDecoder();
  const writer = child.stdin.getWriter();
  for await (const chunk of child.stdout) {
    text += dec.decode(chunk, { stream: true });
    if (elapsed < 0 && text.includes("> ")) {
      elapsed = performance.now() - t0;
      await writer.write(new TextEncoder().encode("\x04"));
      await writer.close();
    }
  }
  await child.status;
  return elapsed;
}

/** Milliseconds for a piped REPL to run `input` and exit. */
async function piped(input: string): Promise<number> {
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
  if (!status.success) throw new Error(`the REPL failed on ${JSON.stringify(input.slice(0, 40))}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const viaTask = [Deno.execPath(), "task", "--quiet", "repl"];
for (const [what, cmd] of [["deno run repl/main.ts", repl], ["deno task repl", viaTask]] as const) {
  await firstPrompt([...cmd]); // warm-up: caches
  const prompts: number[] = [];
  for (let i = 0; i < runs; i++) prompts.push(await firstPrompt([...cmd]));
  console.log(
    `first prompt, ${what} (${useScript ? "script" : "python3 pty"}), ${runs} warm runs: ` +
      `median ${median(prompts).toFixed(0)} ms, min ${Math.min(...prompts).toFixed(0)} ms`,
  );
}

const N = 3000;
const baseRuns: number[] = [];
for (let i = 0; i < 5; i++) baseRuns.push(await piped("1\n"));
const base = median(baseRuns);
for (
  const line of ["1 + 1", "let x = 1", "await 0", "yield", "await sleep(0)", "yield* sleep(0)"]
) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(await piped((line + "\n").repeat(N)));
  const per = (median(times) - base) / (N - 1);
  console.log(`per input ${JSON.stringify(line).padEnd(18)} ${(per * 1000).toFixed(0)} µs`);
}
