/** Failed futures nobody looked at (lib/unretrieved.ts). */
import { assertEquals } from "@std/assert";
import { type ExceptionContext, Future, newEventLoop, ValueError } from "../mod.ts";
import { UnretrievedTracker } from "../lib/unretrieved.ts";

Deno.test("unretrieved: reportAll reports what nobody looked at, once", () => {
  const loop = newEventLoop();
  const reports: ExceptionContext[] = [];
  const tracker = new UnretrievedTracker((ctx) => reports.push(ctx));
  const seen = new Future(loop), unseen = new Future(loop);
  for (const f of [seen, unseen]) {
    f._state = 2; // EXCEPTION, set by hand: this tracker is not the loop's
    f._result = new ValueError(f === seen ? "seen" : "unseen");
    tracker.track(f);
  }
  tracker.untrack(seen);
  tracker.reportAll();
  tracker.reportAll();
  assertEquals(reports.length, 1);
  assertEquals(reports[0].message, "Future exception was never retrieved");
  assertEquals((reports[0].exception as Error).message, "unseen");
  assertEquals(reports[0].future, unseen);
  loop.close();
});

Deno.test("unretrieved: a failed future the loop closes on is reported; a read one is not", async () => {
  const loop = newEventLoop();
  const reports: string[] = [];
  loop.setExceptionHandler((_l, ctx) => reports.push(`${ctx.message}: ${ctx.exception}`));
  const a = loop.createFuture(), b = loop.createFuture();
  a.setException(new ValueError("a"));
  b.setException(new ValueError("b"));
  b.exception();
  await loop.runUntilComplete(Promise.resolve());
  loop.close();
  assertEquals(reports, ["Future exception was never retrieved: ValueError: a"]);
});
