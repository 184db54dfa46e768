/**
 * The expected traces in tests/python/*.out were recorded from CPython. This
 * test re-runs every reference program and checks the recordings still match,
 * so they cannot drift from what Python does. A program whose docstring says
 * it needs a newer Python (e.g. "needs python3.12", or "needs python3.11.7"
 * for a rule a bug-fix release changed) runs under the first interpreter found
 * that is new enough; machines without one skip it. The rest needs 3.11.
 */
import { assertEquals } from "@std/assert";

const dir = new URL("./python/", import.meta.url);

type Version = [major: number, minor: number, micro: number];

async function version(cmd: string): Promise<Version | null> {
  try {
    const out = await new Deno.Command(cmd, {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const m = /Python (\d+)\.(\d+)\.(\d+)/.exec(new TextDecoder().decode(out.stdout));
    return out.success && m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
  } catch {
    return null;
  }
}

/** Interpreters installed by pyenv, if it is there. */
function pyenvPythons(): string[] {
  const root = Deno.env.get("PYENV_ROOT") ?? `${Deno.env.get("HOME")}/.pyenv`;
  try {
    return [...Deno.readDirSync(`${root}/versions`)].map((e) =>
      `${root}/versions/${e.name}/bin/python3`
    );
  } catch {
    return [];
  }
}

const atLeast = (v: Version, need: Version) =>
  v[0] === need[0] && (v[1] > need[1] || (v[1] === need[1] && v[2] >= need[2]));

async function interpreter(need: Version): Promise<string | null> {
  const candidates = ["python3", "python3.13", "python3.12", "python3.11", ...pyenvPythons()];
  for (const cmd of candidates) {
    const v = await version(cmd);
    if (v !== null && atLeast(v, need)) return cmd;
  }
  return null;
}

const names = [...Deno.readDirSync(dir)].map((e) => e.name)
  .filter((n) => n.endsWith(".py") && !n.startsWith("_")) // _vclock.py is a module they share
  .sort();
const runs = await Promise.all(names.map(async (name) => {
  const source = Deno.readTextFileSync(new URL(name, dir));
  const need = /needs python3\.(\d+)(?:\.(\d+))?/.exec(source.split("\n")[0]);
  const python = await interpreter(need ? [3, Number(need[1]), Number(need[2] ?? 0)] : [3, 11, 0]);
  if (python === null) return { name, python, output: null };
  const out = await new Deno.Command(python, {
    args: [name],
    cwd: dir,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { name, python, output: out.success ? new TextDecoder().decode(out.stdout) : null };
}));

for (const { name, python, output } of runs) {
  Deno.test({
    name: `tests/python/${name} still prints what ${name.replace(".py", ".out")} recorded`,
    ignore: python === null,
    fn: () => {
      const expected = Deno.readTextFileSync(new URL(name.replace(".py", ".out"), dir));
      assertEquals(output, expected, `${python} ${name}`);
    },
  });
}
