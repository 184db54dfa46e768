/**
 * The subprocess examples (examples/subprocess/), each in both forms, run
 * with `deno run --allow-run` as a user would, on the real clock (their
 * children take real time); the output is compared with the `.out` file
 * recorded from the CPython program beside them.
 */
import { assert, assertEquals } from "@std/assert";

const DIR = new URL("../examples/subprocess/", import.meta.url);
const dec = new TextDecoder();

const NAMES = ["three_commands", "timeout_kill", "slow_lines"];

Deno.test("examples/subprocess: every program comes in both forms with its .out and .py", () => {
  const files = [...Deno.readDirSync(DIR)].map((e) => e.name).sort();
  const expected = NAMES.flatMap((n) => [
    `${n}.async.ts`,
    `${n}.legacy.ts`,
    `${n}.out`,
    `${n}.py`,
  ]).sort();
  assertEquals(files, expected);
  assert(files.length > 0);
});

for (const name of NAMES) {
  for (const form of ["async", "legacy"]) {
    Deno.test(`examples/subprocess/${name}.${form}.ts prints what CPython printed`, async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-run", new URL(`${name}.${form}.ts`, DIR).pathname],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assertEquals(dec.decode(out.stderr), "");
      assertEquals(out.code, 0);
      assertEquals(dec.decode(out.stdout), Deno.readTextFileSync(new URL(`${name}.out`, DIR)));
    });
  }
}
