/**
 * `TaskGroup` and `taskGroup`: structured concurrency (CPython's
 * `taskgroups.py`, with 3.13's handling of the parent's cancel count).
 *
 * @module
 */

import { CancelledError, ExceptionGroup, KeyboardInterrupt, RuntimeError } from "./errors.ts";
import { describe, inspectable, REPR } from "./format_helpers.ts";
import { getRunningLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import type { AbstractEventLoop } from "./events.ts";
import {
  type AwaitableOrThunk,
  type Coro,
  type Coroutine,
  coroutine,
  isGeneratorLike,
} from "./coroutines.ts";
import { withStatement } from "./context.ts";
import { currentTask, type Task, type TaskOptions } from "./tasks.ts";
import { coroutineStarted, debugState } from "./debug.ts";

/**
 * The body of `taskGroup()`: a generator function, an async function or a
 * plain function, given the `TaskGroup`.
 *
 * @example
 * ```ts
 * import { run, sleep, taskGroup, type TaskGroupBody } from "@yieldfrom/asyncio";
 * const body: TaskGroupBody<number> = (tg) => {
 *   tg.createTask(sleep(1));
 *   tg.createTask(sleep(2));
 *   return 2;
 * };
 * await run(function* () {
 *   console.log(yield* taskGroup(body), "tasks done"); // 2 tasks done (after 2 seconds)
 * }, { clock: "virtual" });
 * ```
 */
export type TaskGroupBody<R> = (
  tg: TaskGroup,
) => Generator<unknown, R, unknown> | PromiseLike<R> | R;

/** The errors that end a group at once and are thrown as they are (Python: SystemExit, KeyboardInterrupt). */
function isBaseError(exc: unknown): boolean {
  return exc instanceof KeyboardInterrupt;
}

/**
 * A group of tasks that ends only when all of them have (Python 3.11's
 * `asyncio.TaskGroup`). Use it through `taskGroup(body)`, `asyncWith(new
 * TaskGroup(), body)`, or `await using tg = await new TaskGroup().aenter()`.
 *
 * Cancellation rules: the first child that fails (with anything but
 * `CancelledError`) cancels the other children and the task running the
 * body; when all children are done, every failure (the body's own error
 * included) is thrown together as an `ExceptionGroup` ("unhandled errors
 * in a TaskGroup"). A child cancelled on its own is not a failure. If the
 * task running the group is cancelled from outside, the children are
 * cancelled and `CancelledError` comes out (failures take priority). The
 * cancellation the group makes itself is undone (`uncancel()`) before it
 * exits, so the parent's `cancelling()` count is as it was (Python 3.13;
 * 3.11–3.12 could leave it one too high).
 *
 * With `await using`, disposal cannot see an error thrown by the block: the
 * children are not cancelled by it (an outside cancellation of the task is
 * still noticed), and a failure of the children comes out as a
 * `SuppressedError` around the block's error. Prefer `taskGroup(body)`.
 *
 * @example
 * ```ts
 * import { asyncWith, run, sleep, TaskGroup } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const tg = new TaskGroup();
 *   yield* asyncWith(tg, function* (tg) {
 *     tg.createTask(sleep(1, "a"));
 *     tg.createTask(sleep(2, "b"));
 *   });
 *   console.log("both done"); // after 2 seconds
 * }, { clock: "virtual" });
 * ```
 */
export class TaskGroup {
  /** @internal */ _entered = false;
  /** @internal */ _exiting = false;
  /** @internal */ _aborting = false;
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _parentTask: Task<unknown> | null = null;
  /** @internal */ _parentCancelRequested = false;
  /** @internal */ _parentCancelling = 0;
  /** @internal */ _tasks: Set<Task<unknown>> = new Set();
  /** @internal */ _errors: unknown[] | null = [];
  /** @internal */ _baseError: unknown = null;
  /** @internal */ _onCompletedFut: Future<boolean> | null = null;

  /** Python's repr: `<TaskGroup tasks=2 entered>`. */
  [REPR](): string {
    let info = "";
    if (this._tasks.size > 0) info += ` tasks=${this._tasks.size}`;
    if (this._errors !== null && this._errors.length > 0) info += ` errors=${this._errors.length}`;
    if (this._aborting) info += " cancelling";
    else if (this._entered) info += " entered";
    return `<TaskGroup${info}>`;
  }

  /**
   * Start a task in this group (like `createTask()`). Only while the group
   * is entered and not shutting down.
   *
   * @param aw A coroutine, awaitable, or a function returning one.
   * @param options `name`: the task's name; `context`: the Context it runs in (by default a
   * copy of the current one).
   * @returns The new task.
   * @throws {RuntimeError} When the group has not been entered, is finished, or is shutting down.
   */
  createTask<T>(aw: AwaitableOrThunk<T>, options?: TaskOptions): Task<T> {
    let problem: string | null = null;
    if (!this._entered) {
      problem =
        `TaskGroup ${this[REPR]()} has not been entered; create tasks inside taskGroup()'s ` +
        `body`;
    } else if (this._exiting && this._tasks.size === 0) {
      problem = `TaskGroup ${this[REPR]()} is finished; create tasks while its body or its ` +
        `tasks run`;
    } else if (this._aborting) {
      problem = `TaskGroup ${this[REPR]()} is shutting down; a task failed or the group was ` +
        `cancelled, so no new tasks can start`;
    }
    if (problem !== null) {
      if (isGeneratorLike(aw)) {
        aw.return(undefined as never); // as Python closes the coroutine
        if (debugState.tracking) coroutineStarted(aw); // closed: not "never awaited"
      }
      throw new RuntimeError(problem);
    }
    const task = this._loop!.createTask(aw, options);
    if (task.done()) {
      // An eager task that already finished: no callback round trip.
      this._onTaskDone(task);
    } else {
      this._tasks.add(task);
      task.addDoneCallback(this._onTaskDone as (f: Future<T>) => void);
    }
    return task;
  }

  /** Enter (Python's `__aenter__`): the current task becomes the group's parent. */
  aenter(): Coroutine<TaskGroup> {
    return enterCoro(this);
  }

  /**
   * Exit (Python's `__aexit__`): wait for every task; throw the failures as
   * an `ExceptionGroup`, or the outside `CancelledError`.
   *
   * @param error What the body threw, or `undefined`.
   * @returns A coroutine of `false` (the body's error is never swallowed).
   */
  aexit(error: unknown): Coroutine<boolean> {
    return exitCoro(this, error);
  }

  /** `await using`: exit without knowing the block's error (see the class notes). */
  [Symbol.asyncDispose](): Promise<void> {
    return disposeCoro(this).then(() => undefined) as Promise<void>;
  }

  /** @internal */
  _enter(): void {
    if (this._entered) {
      throw new RuntimeError(
        `TaskGroup ${this[REPR]()} has already been entered; make a new one for each block`,
      );
    }
    this._loop ??= getRunningLoop();
    this._parentTask = currentTask(this._loop);
    if (this._parentTask === null) {
      throw new RuntimeError(
        `TaskGroup ${this[REPR]()} cannot determine the parent task; use it inside a task`,
      );
    }
    this._parentCancelling = this._parentTask.cancelling();
    this._entered = true;
  }

  /** @internal Python 3.13's `__aexit__`; returns `false` (the body's error is never swallowed). */
  *_exit(exc: unknown, disposing = false): Coro<false> {
    if (!this._entered || this._exiting) {
      throw new RuntimeError(
        `TaskGroup.aexit() called on ${this[REPR]()}, which is not inside its block; exit once, ` +
          `after aenter()`,
      );
    }
    this._exiting = true;
    const failed = exc !== undefined;
    if (failed && isBaseError(exc) && this._baseError === null) this._baseError = exc;
    let propagateCancellationError: CancelledError | null = exc instanceof CancelledError
      ? exc
      : null;
    // Our parent task is being cancelled, or the body failed: stop the children.
    if (failed && !this._aborting) this._abort();

    // A loop: the wait can be cancelled several times if the parent task is
    // cancelled repeatedly (or once while our own cancellation is underway).
    const parent = this._parentTask!;
    while (this._tasks.size > 0) {
      this._onCompletedFut ??= this._loop!.createFuture<boolean>();
      try {
        yield* this._onCompletedFut;
      } catch (ex) {
        if (!(ex instanceof CancelledError)) throw ex;
        if (!this._aborting) {
          // The parent task is cancelled while the children still run.
          propagateCancellationError = ex;
          this._abort();
        }
      }
      this._onCompletedFut = null;
    }

    if (this._parentCancelRequested) {
      // The cancellation we requested ourselves is undone; with none left, we
      // do not propagate the CancelledError it caused.
      if (parent.uncancel() === 0) propagateCancellationError = null;
    }
    if (this._baseError !== null) throw this._baseError;
    // Failures take priority over a CancelledError.
    const errors = this._errors!;
    // (When disposing, `exc` is only our guess: the block's own error is on its way.)
    if (
      propagateCancellationError !== null && errors.length === 0 &&
      !(disposing && propagateCancellationError === exc)
    ) {
      throw propagateCancellationError;
    }
    if (failed && !(exc instanceof CancelledError)) errors.push(exc);
    if (errors.length > 0) {
      // The parent is being cancelled from outside: keep that request alive
      // (re-cancel) so it is not lost when the group's error is caught.
      if (parent.cancelling() > 0) {
        parent.uncancel();
        parent.cancel();
      }
      this._errors = null;
      throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
    }
    return false;
  }

  /** @internal */
  _abort(): void {
    this._aborting = true;
    for (const t of this._tasks) if (!t.done()) t.cancel();
  }

  /** @internal */
  _onTaskDone = (task: Task<unknown>): void => {
    this._tasks.delete(task);
    const fut = this._onCompletedFut;
    if (fut !== null && this._tasks.size === 0 && !fut.done()) fut.setResult(true);
    if (task.cancelled()) return;
    const exc = task.exception();
    if (exc === undefined) return;
    this._errors?.push(exc);
    if (isBaseError(exc) && this._baseError === null) this._baseError = exc;
    const parent = this._parentTask!;
    if (parent.done()) {
      this._loop!.callExceptionHandler({
        message: `Task ${task[REPR]()} has errored out but its parent task ${
          parent[REPR]()
        } is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this._aborting && !this._parentCancelRequested) {
      // Stop what the body is doing, and mark it to be undone in _exit.
      this._abort();
      this._parentCancelRequested = true;
      parent.cancel();
    }
  };
}
inspectable(TaskGroup);

const enterCoro = coroutine(function* aenter(tg: TaskGroup): Coro<TaskGroup> {
  tg._enter();
  return tg;
});

const exitCoro = coroutine(function* aexit(tg: TaskGroup, error: unknown): Coro<boolean> {
  return yield* tg._exit(error);
});

const disposeCoro = coroutine(function* dispose(tg: TaskGroup): Coro<void> {
  // The block's error is unknown here; a cancel request that arrived since
  // the group was entered (and is not the group's own) means a
  // CancelledError is on its way out: stop the children as Python would.
  const parent = tg._parentTask;
  const ours = tg._parentCancelRequested ? 1 : 0;
  const cancelled = parent !== null && parent.cancelling() - ours > tg._parentCancelling;
  yield* tg._exit(cancelled ? new CancelledError() : undefined, true);
});

// Python's `async with TaskGroup() as tg:`.
const taskGroupCoro = coroutine(withStatement("taskGroup", {
  enter(tg: TaskGroup): TaskGroup {
    tg._enter();
    return tg;
  },
  awaitEnter: false,
  exit: (tg: TaskGroup, error: unknown): Coro<false> => tg._exit(error),
}));

/**
 * Run `body(tg)` with a new {@linkcode TaskGroup} (Python's `async with
 * asyncio.TaskGroup() as tg:`) and return the body's result once every task
 * it started with `tg.createTask()` has finished. `body` (a generator
 * function, an async function or a plain function) runs in the calling
 * task.
 *
 * The first task that fails cancels the others and the body; all the
 * failures then come out together as an `ExceptionGroup`. A cancellation
 * from outside cancels every task and comes out as `CancelledError`.
 * `tg.createTask()` after the group has finished throws `RuntimeError`.
 *
 * @param body What to run with the group.
 * @returns A coroutine of the body's result.
 * @throws {TypeError} When `body` is not a function.
 *
 * @example
 * ```ts
 * import { ExceptionGroup, run, sleep, taskGroup } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const [a, b] = await taskGroup(async (tg) => {
 *     const t1 = tg.createTask(sleep(1, "a"));
 *     const t2 = tg.createTask(sleep(2, "b"));
 *     return [t1, t2];
 *   });
 *   console.log(a.result(), b.result()); // a b
 *   try {
 *     await taskGroup(async (tg) => {
 *       tg.createTask(sleep(10)); // cancelled when the other one fails
 *       tg.createTask(async () => {
 *         await sleep(1);
 *         throw new Error("boom");
 *       });
 *     });
 *   } catch (e) {
 *     console.log((e as ExceptionGroup).exceptions); // [ Error: boom ... ]
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export function taskGroup<R>(body: TaskGroupBody<R>): Coroutine<R> {
  if (typeof body !== "function") {
    throw new TypeError(
      `taskGroup(): the body must be a function taking the TaskGroup, got ${describe(body)}`,
    );
  }
  return taskGroupCoro(
    new TaskGroup(),
    undefined,
    body as (value: unknown) => unknown,
  ) as Coroutine<R>;
}
