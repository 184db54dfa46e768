/**
 * "Future exception was never retrieved": the loop remembers every failed
 * future until its exception is looked at (`result()`, `exception()`,
 * awaiting it, a done callback that reads it...). If the future is
 * garbage-collected first, or the loop closes first, the failure is
 * reported through the loop's exception handler, as CPython reports it
 * from `Future.__del__`.
 *
 * @module
 */

import type { ExceptionContext } from "./events.ts";
import type { Future } from "./futures.ts";
import { shortRepr } from "./format_helpers.ts";
import { createdAt } from "./debug.ts";

/** Debug mode: ` created at file:line`, as the repr of the future had it. */
function createdAtSuffix(stack: string | undefined): string {
  const where = createdAt(stack);
  return where === undefined ? "" : ` created at ${where}`;
}

/** A failed future nobody has looked at yet. */
interface Unretrieved {
  tracker: UnretrievedTracker;
  ref: WeakRef<Future<unknown>>;
  kind: string;
  name: string | undefined;
  coro: string | undefined;
  exception: unknown;
  sourceTraceback: string | undefined;
}

function report(rec: Unretrieved): void {
  rec.tracker.records.delete(rec);
  const fut = rec.ref.deref();
  const context: ExceptionContext = {
    message: `${rec.kind} exception was never retrieved`,
    exception: rec.exception,
    // A collected future is described by what was kept of it.
    future: fut ??
      `<${rec.kind} finished${rec.name ? ` name=${shortRepr(rec.name)}` : ""}${
        rec.coro ? ` coro=<${rec.coro}() done>` : ""
      } exception=${shortRepr(rec.exception)}${createdAtSuffix(rec.sourceTraceback)}>`,
  };
  if (rec.sourceTraceback !== undefined) context.sourceTraceback = rec.sourceTraceback;
  rec.tracker.handler(context);
}

const registry = new FinalizationRegistry<Unretrieved>(report);

/**
 * @internal The failed futures of one loop whose exception nobody has
 * looked at.
 *
 * @example
 * ```ts ignore
 * const tracker = new UnretrievedTracker((ctx) => loop.callExceptionHandler(ctx));
 * tracker.track(failedFuture); // reported if collected, or at reportAll()
 * tracker.untrack(failedFuture); // its exception was read
 * ```
 */
export class UnretrievedTracker {
  /** The records of the futures tracked now. */
  records: Set<Unretrieved> = new Set();
  /** Where reports go: the loop's exception handler. */
  handler: (context: ExceptionContext) => void;

  /** @param handler Called with the context of each report. */
  constructor(handler: (context: ExceptionContext) => void) {
    this.handler = handler;
  }

  /** Remember the failed future `fut`. */
  track(fut: Future<unknown>): void {
    const info = fut._reportInfo();
    const rec: Unretrieved = {
      tracker: this,
      ref: new WeakRef(fut),
      kind: fut.constructor.name,
      name: info.name,
      coro: info.coro,
      exception: fut._result,
      sourceTraceback: fut._extra?.sourceTraceback,
    };
    fut._x().unretrieved = rec;
    this.records.add(rec);
    registry.register(fut, rec, rec);
  }

  /** Forget `fut`: its exception was looked at. */
  untrack(fut: Future<unknown>): void {
    const rec = fut._extra?.unretrieved as Unretrieved | undefined;
    if (rec === undefined) return;
    fut._extra!.unretrieved = undefined;
    registry.unregister(rec);
    this.records.delete(rec);
  }

  /** Report `fut` now if it is still tracked, and stop tracking it. */
  reportNow(fut: Future<unknown>): void {
    const rec = fut._extra?.unretrieved as Unretrieved | undefined;
    if (rec === undefined) return;
    fut._retrieved(); // reported once: it counts as looked at
    report(rec);
  }

  /** Report every future still tracked (the loop is closing). */
  reportAll(): void {
    for (const rec of [...this.records]) {
      registry.unregister(rec);
      const fut = rec.ref.deref();
      if (fut !== undefined) fut._x().unretrieved = undefined;
      report(rec);
    }
  }
}
