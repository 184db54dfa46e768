/**
 * A cancel request made inside a coroutine awaited by a task (here: the task
 * cancelling itself) that returns or fails without suspending again stays
 * with the task, for its next await, as in Python. Replays
 * tests/python/nested_cancel.py in both coroutine styles. (TaskGroup relies
 * on it: it cancels its parent task from inside the awaited group.)
 */
import { assertEquals } from "@std/assert";
import { coroutine, createTask, currentTask, run, sleep, ValueError } from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { makeClock, type Style, STYLES, virtual } from "./_structured.ts";

function both(
  file: string,
  section: string,
  program: (t: Trace, now: () => string, style: Style) => Promise<unknown>,
): void {
  for (const style of STYLES) {
    Deno.test(`${section.replaceAll("_", " ")} (${style})`, async () => {
      const t = new Trace();
      await program(t, makeClock(), style);
      assertEquals(t.lines, pythonTrace(file, section));
    });
  }
}

const cancelling = () => currentTask()!.cancelling();

both("nested_cancel", "self_cancel_then_return", (t, now, style) => {
  const cancelMeAndReturn = style === "generator"
    ? coroutine(function* () {
      currentTask()!.cancel();
      return "returned";
    })
    : coroutine(async () => {
      currentTask()!.cancel();
      return "returned";
    });
  const cancelMeAndFail = style === "generator"
    ? coroutine(function* (): Generator<unknown, never> {
      currentTask()!.cancel();
      throw new ValueError("failed");
    })
    : coroutine(async (): Promise<never> => {
      currentTask()!.cancel();
      throw new ValueError("failed");
    });
  const body = style === "generator"
    ? coroutine(function* () {
      const r = yield* cancelMeAndReturn();
      t.print("got", r, "cancelling:", cancelling());
      try {
        yield* sleep(1);
        t.print("not cancelled (wrong)");
      } catch (e) {
        t.print("the next await raises", e, now());
      }
      currentTask()!.uncancel();
      try {
        yield* cancelMeAndFail();
      } catch (e) {
        t.print("got", e, "cancelling:", cancelling());
      }
      yield* sleep(1);
      t.print("not cancelled (wrong)");
    })
    : coroutine(async () => {
      const r = await cancelMeAndReturn();
      t.print("got", r, "cancelling:", cancelling());
      try {
        await sleep(1);
        t.print("not cancelled (wrong)");
      } catch (e) {
        t.print("the next await raises", e, now());
      }
      currentTask()!.uncancel();
      try {
        await cancelMeAndFail();
      } catch (e) {
        t.print("got", e, "cancelling:", cancelling());
      }
      await sleep(1);
      t.print("not cancelled (wrong)");
    });
  return run(function* () {
    now();
    const task = createTask(body());
    try {
      yield* task;
    } catch {
      t.print("task cancelled:", task.cancelled(), now());
    }
  }, virtual);
});
