/**
 * StreamReader on its own (fed by hand): the program of section "reader" of
 * tests/python/streams.py in both coroutine styles, printing what CPython
 * printed — limits, LimitOverrunError.consumed and what stays buffered,
 * readline on overrun, IncompleteReadError, cancellation keeping the bytes.
 */
import { assertEquals, assertThrows } from "@std/assert";
import {
  ConnectionResetError,
  createTask,
  IncompleteReadError,
  LimitOverrunError,
  run,
  RuntimeError,
  sleep,
  StreamReader,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { bytes, caught, show } from "./_streams.ts";

const buffered = (r: StreamReader): Uint8Array => {
  const all = new Uint8Array(r._size);
  let at = 0;
  for (let i = r._ci; i < r._chunks.length; i++) {
    const c = i === r._ci ? r._chunks[i].subarray(r._head) : r._chunks[i];
    all.set(c, at);
    at += c.length;
  }
  return all;
};

function* readerGen(t: Trace) {
  const r = new StreamReader(10);
  t.print(r);
  r.feedData(bytes("line one\nline"));
  t.print(r, r.atEof());
  t.print(show(yield* r.readline()));
  r.feedData(bytes(" two\n"));
  t.print(show(yield* r.readuntil("\n")));
  r.feedData(bytes("abcdefghijklmnop\nq"));
  try {
    yield* r.readuntil("\n");
  } catch (e) {
    const err = caught(e, LimitOverrunError);
    t.print("LimitOverrunError", err.message, err.consumed, r._size);
  }
  try {
    yield* r.readline();
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message, show(buffered(r)));
  }
  r.feedData(bytes("0123456789abcdef"));
  try {
    yield* r.readuntil("!");
  } catch (e) {
    const err = caught(e, LimitOverrunError);
    t.print("LimitOverrunError", err.message, err.consumed, r._size);
  }
  try {
    yield* r.readline();
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message, show(buffered(r)));
  }
  r.feedData(bytes("ab--cd--"));
  t.print(show(yield* r.readuntil("--")), show(yield* r.readuntil(bytes("--"))));
  r.feedData(bytes("xyz"));
  t.print(show(yield* r.read(2)), show(yield* r.read(100)));
  r.feedData(bytes("12345"));
  t.print(show(yield* r.readexactly(3)), show(yield* r.read(0)));
  r.feedEof();
  t.print(r, r.atEof());
  try {
    yield* r.readexactly(5);
  } catch (e) {
    const err = caught(e, IncompleteReadError);
    t.print("IncompleteReadError", err.message, show(err.partial), err.expected);
  }
  t.print(r.atEof(), show(yield* r.read()), show(yield* r.readline()));
  try {
    yield* r.readuntil("\n");
  } catch (e) {
    const err = caught(e, IncompleteReadError);
    t.print("IncompleteReadError", err.message, show(err.partial), err.expected);
  }
}

async function readerAsync(t: Trace) {
  const r = new StreamReader(10);
  t.print(r);
  r.feedData(bytes("line one\nline"));
  t.print(r, r.atEof());
  t.print(show(await r.readline()));
  r.feedData(bytes(" two\n"));
  t.print(show(await r.readuntil("\n")));
  r.feedData(bytes("abcdefghijklmnop\nq"));
  try {
    await r.readuntil("\n");
  } catch (e) {
    const err = caught(e, LimitOverrunError);
    t.print("LimitOverrunError", err.message, err.consumed, r._size);
  }
  try {
    await r.readline();
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message, show(buffered(r)));
  }
  r.feedData(bytes("0123456789abcdef"));
  try {
    await r.readuntil("!");
  } catch (e) {
    const err = caught(e, LimitOverrunError);
    t.print("LimitOverrunError", err.message, err.consumed, r._size);
  }
  try {
    await r.readline();
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message, show(buffered(r)));
  }
  r.feedData(bytes("ab--cd--"));
  t.print(show(await r.readuntil("--")), show(await r.readuntil(bytes("--"))));
  r.feedData(bytes("xyz"));
  t.print(show(await r.read(2)), show(await r.read(100)));
  r.feedData(bytes("12345"));
  t.print(show(await r.readexactly(3)), show(await r.read(0)));
  r.feedEof();
  t.print(r, r.atEof());
  try {
    await r.readexactly(5);
  } catch (e) {
    const err = caught(e, IncompleteReadError);
    t.print("IncompleteReadError", err.message, show(err.partial), err.expected);
  }
  t.print(r.atEof(), show(await r.read()), show(await r.readline()));
  try {
    await r.readuntil("\n");
  } catch (e) {
    const err = caught(e, IncompleteReadError);
    t.print("IncompleteReadError", err.message, show(err.partial), err.expected);
  }
}

/** The second half of the section: iteration, long reads, one waiter, errors, cancellation. */
async function rest(t: Trace) {
  const r2 = new StreamReader();
  r2.feedData(bytes("a\nbb\nccc"));
  r2.feedEof();
  const lines: string[] = [];
  for await (const line of r2) lines.push(show(line));
  t.print(lines);

  const r3 = new StreamReader();
  r3.feedData(bytes("partial sep AB"));
  r3.feedEof();
  try {
    await r3.readuntil("ABC");
  } catch (e) {
    const err = caught(e, IncompleteReadError);
    t.print("IncompleteReadError", show(err.partial), err.expected, r3.atEof());
  }

  const r4 = new StreamReader();
  for (const [c, n] of [["x", 70000], ["y", 70000], ["z", 1]] as const) {
    r4.feedData(bytes(c.repeat(n)));
  }
  r4.feedEof();
  const data = await r4.read();
  t.print(data.length, show(data.subarray(0, 1)), show(data.subarray(-2)));

  const r5 = new StreamReader();
  const task = createTask(r5.read(10));
  await sleep(0);
  try {
    await r5.read(10);
  } catch (e) {
    const err = caught(e, RuntimeError);
    t.print("RuntimeError", err.message);
  }
  r5.setException(new ConnectionResetError("boom"));
  try {
    await task;
  } catch (e) {
    t.print("waiting read:", e);
  }
  try {
    await r5.readline();
  } catch (e) {
    t.print("next read:", e, r5.exception());
  }

  const r6 = new StreamReader();
  const readerTask = createTask(r6.readexactly(6));
  await sleep(0);
  r6.feedData(bytes("abc"));
  await sleep(0);
  readerTask.cancel();
  try {
    await readerTask;
  } catch {
    t.print("cancelled; buffer kept:", show(buffered(r6)));
  }
  r6.feedData(bytes("def"));
  t.print(show(await r6.readexactly(6)));
  for (const bad of [0, -1]) {
    try {
      new StreamReader(bad);
    } catch (e) {
      const err = caught(e, ValueError);
      t.print(
        "ValueError",
        err.message.replace(/^StreamReader\(\): /, "").replace(/ \(got .*\)$/, ""),
      );
    }
  }
  try {
    await r6.readexactly(-1);
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message);
  }
  try {
    await r6.readuntil("");
  } catch (e) {
    const err = caught(e, ValueError);
    t.print("ValueError", err.message);
  }
}

Deno.test("StreamReader: limits, overruns, readline on overrun, EOF, errors — CPython's trace (generator style)", async () => {
  const t = new Trace();
  await run(function* () {
    yield* readerGen(t);
  });
  await run(() => rest(t));
  assertEquals(t.lines, pythonTrace("streams", "reader"));
});

Deno.test("StreamReader: the same program in the async style", async () => {
  const t = new Trace();
  await run(async () => {
    await readerAsync(t);
    await rest(t);
  });
  assertEquals(t.lines, pythonTrace("streams", "reader"));
});

Deno.test("StreamReader: a separator split across chunks is found; a list of separators takes the shortest match (3.13)", async () => {
  await run(function* () {
    const r = new StreamReader();
    for (const c of ["ab", "c\r", "\nde", "f--x", "yz"]) r.feedData(bytes(c));
    assertEquals(show(yield* r.readuntil("\r\n")), "b'abc\\r\\n'");
    assertEquals(show(yield* r.readuntil(["--", "f-"])), "b'def-'");
    r.feedEof();
    assertEquals(show(yield* r.read()), "b'-xyz'");
  });
});

Deno.test("StreamReader: bad arguments are refused at the call, with the value named", () => {
  const r = new StreamReader();
  assertThrows(() => r.read("3" as unknown as number), TypeError, "'3' (a string)");
  assertThrows(() => r.readexactly(-1), ValueError, "less than zero");
  assertThrows(() => new StreamReader("big" as unknown as number), TypeError, "'big' (a string)");
  assertThrows(() => r.feedData(42 as unknown as Uint8Array), TypeError, "not 42 (a number)");
  r.feedEof();
  assertThrows(() => r.feedData("x"), RuntimeError, "after feedEof");
});

Deno.test("StreamReader: reads wait for data in both styles and a read of n returns what is there", async () => {
  const order: string[] = [];
  await run(function* () {
    const r = new StreamReader();
    const reader = createTask(function* () {
      order.push(show(yield* r.read(100)));
      order.push(show(yield* r.readexactly(4)));
    });
    const asyncReader = createTask(async () => {
      await sleep(0.5);
      order.push("async " + show(await r.readline()));
    });
    yield* sleep(0.1);
    r.feedData("ab");
    yield* sleep(0.1);
    r.feedData("cd");
    r.feedData("ef");
    yield* reader;
    r.feedData("line\n");
    yield* asyncReader;
  }, { clock: "virtual" });
  assertEquals(order, ["b'ab'", "b'cdef'", "async b'line\\n'"]);
});
