/**
 * The one check of a number of seconds: what each rule lets through, and
 * the one class and wording of each refusal.
 */
import { assertEquals, assertThrows } from "@std/assert";
import { checkSeconds, DURATION, LIMIT, MOMENT } from "../lib/seconds.ts";
import { ValueError } from "../mod.ts";

Deno.test("a duration is a number >= 0 (Infinity included)", () => {
  for (const ok of [0, 0.5, 3, Infinity]) assertEquals(checkSeconds(ok, "f()", "delay"), ok);
  assertEquals(checkSeconds(2, "f()", "delay", DURATION), 2);
  assertThrows(
    () => checkSeconds(-1, "f()", "delay"),
    ValueError,
    "f(): delay must be a number of seconds >= 0, got -1",
  );
  assertThrows(() => checkSeconds(-Infinity, "f()", "delay"), ValueError, "got -Infinity");
  assertThrows(() => checkSeconds(null, "f()", "delay"), TypeError, "got null");
  assertThrows(() => checkSeconds(undefined, "f()", "delay"), TypeError, "got undefined");
});

Deno.test("a moment may be in the past", () => {
  assertEquals(checkSeconds(-1, "callLater()", "delay", MOMENT), -1);
  assertEquals(checkSeconds(-Infinity, "callAt()", "when", MOMENT), -Infinity);
  assertThrows(() => checkSeconds(null, "callAt()", "when", MOMENT), TypeError);
});

Deno.test("a limit may be null (or undefined) for none, and past", () => {
  assertEquals(checkSeconds(null, "wait()", "timeout", LIMIT), null);
  assertEquals(checkSeconds(undefined, "wait()", "timeout", LIMIT), null);
  assertEquals(checkSeconds(-5, "wait()", "timeout", LIMIT), -5);
  assertEquals(checkSeconds(1.5, "wait()", "timeout", LIMIT), 1.5);
});

Deno.test("the refusals have one class and wording whatever the rule", () => {
  for (const rules of [DURATION, MOMENT, LIMIT]) {
    const orNull = rules === LIMIT ? " or null" : "";
    assertThrows(
      () => checkSeconds("1", "f()", "delay", rules),
      TypeError,
      `f(): delay must be a number of seconds${orNull}, got '1' (a string)`,
    );
    assertThrows(
      () => checkSeconds(1n, "f()", "delay", rules),
      TypeError,
      `must be a number of seconds${orNull}, got 1 (a bigint)`,
    );
    assertThrows(
      () => checkSeconds(NaN, "f()", "delay", rules),
      ValueError,
      "f(): delay is NaN; check the arithmetic that produced it",
    );
  }
});
