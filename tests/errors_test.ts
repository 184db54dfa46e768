/**
 * ExceptionGroup: replays tests/python/errors.py (the same in 3.11–3.13).
 * Python's `eg.message` is our `groupMessage` (`message` is the Error's,
 * with the count, like Python's `str(eg)`).
 */
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { CancelledError, ExceptionGroup, RuntimeError, ValueError } from "../mod.ts";
import { repr } from "../lib/format_helpers.ts";
import { pythonTrace, Trace } from "./_trace.ts";

Deno.test("ExceptionGroup: message, exceptions, repr, nesting", () => {
  const t = new Trace();
  const eg = new ExceptionGroup("two failures", [new ValueError("a"), new TypeError("b")]);
  t.print(eg.message);
  t.print(eg.groupMessage);
  t.print(eg.exceptions);
  t.print(eg);
  const nested = new ExceptionGroup("outer", [
    new ValueError(),
    new ExceptionGroup("inner", [new TypeError("t")]),
  ]);
  t.print(nested);
  t.print(nested.message, nested.exceptions.length);
  t.print(new ExceptionGroup("one", [new ValueError("x")]).message);
  t.print(eg instanceof Error);
  try {
    new ExceptionGroup("empty", []);
  } catch (e) {
    if (e instanceof ValueError) t.print("ValueError");
  }
  assertEquals(t.lines, pythonTrace("errors", "eg_basic"));
  // It is an AggregateError: `errors` is the same list.
  assertInstanceOf(eg, AggregateError);
  assertStrictEquals(eg.errors, eg.exceptions);
  assertEquals(String(eg), "ExceptionGroup: two failures (2 sub-exceptions)");
  assertThrows(() => new ExceptionGroup(42 as never, [new Error()]), TypeError, "message");
});

function sample(): ExceptionGroup {
  return new ExceptionGroup("top", [
    new ValueError("v1"),
    new ExceptionGroup("mid", [new TypeError("t1"), new ValueError("v2")]),
    new RuntimeError("r"),
  ]);
}

Deno.test("ExceptionGroup.subgroup: by class or predicate, keeping the nesting", () => {
  const t = new Trace();
  const eg = sample();
  t.print(eg.subgroup(ValueError));
  t.print(eg.subgroup((e) => e instanceof TypeError));
  t.print(eg.subgroup(CancelledError)); // nothing matches (Python: KeyboardInterrupt)
  t.print(eg.subgroup(() => true) === eg);
  t.print(eg.subgroup(ExceptionGroup) === eg);
  const onlyValues = new ExceptionGroup("vals", [new ValueError("a"), new ValueError("b")]);
  const sub = onlyValues.subgroup(ValueError)!;
  t.print(sub, sub === onlyValues, sub.exceptions[0] === onlyValues.exceptions[0]);
  const mid = eg.subgroup((e) => e instanceof ExceptionGroup && e.groupMessage === "mid");
  t.print(mid);
  assertEquals(t.lines, pythonTrace("errors", "eg_subgroup"));
});

Deno.test("ExceptionGroup.split: [match, rest], predicate order, cause kept", () => {
  const t = new Trace();
  const eg = sample();
  let [match, rest] = eg.split(ValueError);
  t.print(match);
  t.print(rest);
  t.print(eg.split(() => true)[0] === eg, eg.split(() => true)[1]);
  t.print(eg.split(CancelledError)[0], eg.split(CancelledError)[1]);
  t.print("rest is a new group:", eg.split(CancelledError)[1] !== eg);
  [match, rest] = eg.split((e) => e instanceof ExceptionGroup && e.groupMessage === "mid");
  t.print("a matching nested group is kept:", match!.exceptions[0] === eg.exceptions[1]);
  t.print("leaves are kept:", rest!.exceptions[0] === eg.exceptions[0]);
  const eg2 = new ExceptionGroup("top2", [new ExceptionGroup("m", [new TypeError("x")])]);
  t.print(
    "a nested group whose leaves all match is new:",
    eg2.split(TypeError)[0]!.exceptions[0] !== eg2.exceptions[0],
  );
  const seen: string[] = [];
  [match, rest] = eg.split((e) => {
    seen.push(e instanceof ExceptionGroup ? `group ${e.groupMessage}` : repr(e));
    return e instanceof TypeError;
  });
  t.print(seen);
  t.print(match, rest);
  const caused = new ExceptionGroup("caused", [new ValueError("a"), new TypeError("b")], {
    cause: new RuntimeError("why"),
  });
  [match, rest] = caused.split(ValueError);
  t.print(match!.cause, rest!.cause, match!.groupMessage, rest!.groupMessage);
  assertEquals(t.lines, pythonTrace("errors", "eg_split"));
  assertStrictEquals(match!.stack, caused.stack); // Python keeps __traceback__ too
});

Deno.test("ExceptionGroup: a subclass keeps its type through derive()", () => {
  class MyGroup extends ExceptionGroup {
    override derive(exceptions: readonly unknown[]): MyGroup {
      return new MyGroup(this.groupMessage, exceptions);
    }
  }
  const g = new MyGroup("mine", [new ValueError("a"), new TypeError("b")]);
  const [match] = g.split(ValueError);
  assertInstanceOf(match, MyGroup);
  assertEquals(repr(match), "MyGroup('mine', [ValueError('a')])");
  assert(g.subgroup(TypeError) instanceof MyGroup);
});
