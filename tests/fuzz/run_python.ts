/**
 * Runs a batch of generated programs under CPython in one process
 * (tests/fuzz/harness.py) and collects their traces.
 */

const HARNESS = new URL("./harness.py", import.meta.url).pathname;

/** One program's CPython trace, or why it has none. */
export interface PythonResult {
  lines: string[];
  error: string | null;
}

async function version(cmd: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    }).output();
    const m = /Python (3\.\d+\.\d+)/.exec(new TextDecoder().decode(out.stdout));
    return out.success && m ? m[1] : null;
  } catch {
    return null;
  }
}

let found: Promise<string | null> | undefined;

/**
 * A CPython 3.11 interpreter (the fuzzer's reference: its wait_for is the
 * one this runtime follows), or null when the machine has none.
 */
export function findPython(): Promise<string | null> {
  found ??= (async () => {
    const home = Deno.env.get("HOME") ?? "";
    for (
      const cmd of [
        "python3",
        "python3.11",
        "/usr/bin/python3.11",
        `${home}/.pyenv/versions/3.11.7/bin/python3`,
      ]
    ) {
      if ((await version(cmd))?.startsWith("3.11.")) return cmd;
    }
    return null;
  })();
  return found;
}

/**
 * Run programs (Python source from `emitPython`) and return their traces by
 * id. A program the interpreter could not run has `error` set.
 */
export async function runPython(
  programs: { id: string; code: string }[],
): Promise<Map<string, PythonResult>> {
  const python = await findPython();
  if (python === null) throw new Error("no CPython 3.11 found (python3, python3.11)");
  const child = new Deno.Command(python, {
    args: ["-X", "utf8", HARNESS],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONWARNINGS: "ignore" },
  }).spawn();
  const input = new TextEncoder().encode(JSON.stringify(programs));
  const writer = child.stdin.getWriter();
  const [out] = await Promise.all([
    child.output(),
    writer.write(input).then(() => writer.close()),
  ]);
  const results = new Map<string, PythonResult>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    if (line === "") continue;
    const r = JSON.parse(line) as { id: string } & PythonResult;
    results.set(r.id, { lines: r.lines, error: r.error });
  }
  if (results.size !== programs.length) {
    const err = new TextDecoder().decode(out.stderr);
    throw new Error(`harness.py answered ${results.size} of ${programs.length} programs:\n${err}`);
  }
  return results;
}
