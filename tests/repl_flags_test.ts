import { assertEquals, assertMatch, assertThrows } from "@std/assert";
import { parseFlags, UsageError } from "../repl/flags.ts";

Deno.test("flags: defaults", () => {
  assertEquals(parseFlags([]), {
    evals: [],
    evalFiles: [],
    debug: false,
    color: true,
    help: false,
    version: false,
  });
});

Deno.test("flags: every flag, short forms, repeats", () => {
  const f = parseFlags(["-e", "1", "--eval", "2", "--eval-file", "a.ts", "--debug", "--no-color"]);
  assertEquals(f.evals, ["1", "2"]);
  assertEquals(f.evalFiles, ["a.ts"]);
  assertEquals([f.debug, f.color], [true, false]);
  assertEquals(parseFlags(["-h"]).help, true);
  assertEquals(parseFlags(["--version"]).version, true);
  assertEquals(parseFlags(["-V"]).version, true);
});

Deno.test("flags: NO_COLOR turns colors off", () => {
  assertEquals(parseFlags([], true).color, false);
});

Deno.test("flags: a leading -- (from deno task repl -- ...) is accepted", () => {
  assertEquals(parseFlags(["--", "--eval", "X"]).evals, ["X"]);
});

Deno.test("flags: an unknown flag is an error that lists the valid ones", () => {
  const e = assertThrows(() => parseFlags(["--bogus"]), UsageError);
  assertMatch(e.message, /unknown flag --bogus; valid flags: --eval CODE/);
  assertMatch(e.message, /--no-color/);
  assertThrows(() => parseFlags(["stray"]), UsageError, "unexpected argument stray");
  assertThrows(() => parseFlags(["--eval"]), UsageError, "--eval needs a value");
});
