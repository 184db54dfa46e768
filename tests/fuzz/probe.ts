/**
 * Diagnosis only (it never changes what a program does): counts, while a
 * program runs, how often the runtime takes the code paths of the known
 * divergences, so that a long fuzz run can sort thousands of divergent
 * programs by cause without shrinking each one. It watches private members
 * of Task; if they are gone (the core was refactored) it watches nothing and
 * every divergence counts as unexplained.
 *
 * - "early cancel": an `await` in an async body threw a pending cancel
 *   request at once (`_takeMustCancel`), where CPython's task step cancels
 *   the awaited future, or waits for the awaited coroutine's first
 *   suspension, and throws one loop iteration later.
 * - "late cancel": a future awaited by an async body completed while its
 *   task had a pending cancel request (`_mustCancel` when the waiter is
 *   removed): CPython throws `CancelledError` at that await; the body gets
 *   the future's outcome instead.
 * - "nested uncancel": `uncancel()` brought a task's count to 0 while the
 *   pending request sat on the driver of a coroutine (or body) its async code
 *   awaits, at any depth (`_extra.waiters`): 3.13's uncancel drops the
 *   request, ours stays there.
 */
import { Task } from "../../mod.ts";

/** How often each known path was taken since the last `reset()`. */
export const probes = { earlyCancel: 0, lateCancel: 0, nestedUncancel: 0 };

/** Zero the counts. */
export function resetProbes(): void {
  probes.earlyCancel = 0;
  probes.lateCancel = 0;
  probes.nestedUncancel = 0;
}

type Watched = {
  _extra?: { waiters?: Watched[]; awaiter?: unknown };
  uncancel: (this: Watched) => number;
  _takeMustCancel?: (this: Watched) => unknown;
  _removeAsyncWaiter?: (this: Watched, fut: unknown) => void;
  _mustCancel?: boolean;
};

/** Whether a coroutine the task's async code awaits (at any depth) holds a cancel request. */
function requestInside(t: Watched): boolean {
  return t._extra?.waiters?.some((w) => w._mustCancel === true || requestInside(w)) ?? false;
}

let installed = false;

/** Start watching (once per process). Returns false if the members are gone. */
export function installProbes(): boolean {
  if (installed) return true;
  const proto = Task.prototype as unknown as Watched;
  const take = proto._takeMustCancel;
  const remove = proto._removeAsyncWaiter;
  const uncancel = proto.uncancel;
  if (typeof take !== "function" || typeof remove !== "function") return false;
  proto._takeMustCancel = function () {
    const r = take.call(this);
    if (r !== null) probes.earlyCancel++;
    return r;
  };
  proto._removeAsyncWaiter = function (fut) {
    // (A coroutine awaited from the body that leaves its own cancel request
    // with the task on its way out is Python's rule: not counted.)
    const nested = (fut as Watched)._extra?.awaiter === this;
    if (this._mustCancel === true && !nested) probes.lateCancel++;
    return remove.call(this, fut);
  };
  proto.uncancel = function () {
    const n = uncancel.call(this);
    if (n === 0 && requestInside(this)) {
      probes.nestedUncancel++;
    }
    return n;
  };
  installed = true;
  return true;
}
