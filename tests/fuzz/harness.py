"""CPython's side of the differential fuzzer (tests/fuzz/).

Runs generated programs on CPython 3.11's own event loop with a virtual clock
and prints their traces. A generated program is the source of one function,
`async def main(S)`, that uses the names defined here; `S` is its `State`.

The reference is CPython 3.11 with the rules the TypeScript runtime follows
from later versions patched in, so the fuzzer reports bugs, not deliberate
version choices:
- TaskGroup.__aexit__ is 3.13's (the parent's cancellation is undone after the
  children finish; an outside cancellation losing to an ExceptionGroup is
  requested again);
- Task.uncancel() is 3.13's (the count reaching 0 also drops a pending
  cancel request);
- timers with equal deadlines run in the order they were scheduled (CPython's
  heap may reorder exact ties, which a virtual clock makes common).
- TaskGroup keeps its tasks in creation order, so aborting cancels them in
  that order (CPython's set orders them by address, which varies from run to
  run: the same program could print two traces);
- Timeout counts the task's cancel requests made before it was entered
  (3.11.7's fix; Debian's 3.11.2 lacks it).
wait_for is 3.11's, as ours is.

Usage: python3 harness.py < programs.json > traces.json, where programs.json is
[{"id": ..., "code": "..."}, ...] and each output line is
{"id": ..., "lines": [...], "error": null | "..."}.
Or import it and call run_standalone(main) to run one program.
"""
import asyncio
import gc
import heapq
import itertools
import json
import re
import signal
import sys
from asyncio import CancelledError, events, exceptions, tasks, timeouts

DEADLINE = 60.0
"""Virtual seconds after which main cancels what is still pending (deadlocks end there)."""


class Hang(BaseException):
    """A program that would never end (an idle virtual loop, or too much real time)."""


class FuzzTimerHandle(events.TimerHandle):
    """A timer that breaks ties of its deadline by scheduling order."""

    __slots__ = ("_seq",)

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


class FuzzTask(tasks._PyTask):
    """CPython's Task with 3.13's uncancel()."""

    def uncancel(self):
        if self._num_cancels_requested > 0:
            self._num_cancels_requested -= 1
            if self._num_cancels_requested == 0:
                self._must_cancel = False
        return self._num_cancels_requested


class FuzzLoop(asyncio.SelectorEventLoop):
    """CPython's selector loop on a virtual clock (as tests/python/_vclock.py), with FIFO ties."""

    def __init__(self):
        super().__init__()
        self._now = 0.0
        self._seqs = itertools.count()
        self._idle = 0
        select = self._selector.select

        def virtual_select(timeout=None):
            if timeout is not None and timeout > 0:
                self._now = max(self._now, self._scheduled[0]._when)
            if timeout is None and not self._ready:
                self._idle += 1
                if self._idle > 1000:
                    raise Hang("idle virtual loop: nothing ready and no timer")
            else:
                self._idle = 0
            return select(0)

        self._selector.select = virtual_select
        self.set_task_factory(
            lambda loop, coro, context=None: FuzzTask(coro, loop=loop, context=context))

    def time(self):
        return self._now

    def call_at(self, when, callback, *args, context=None):
        self._check_closed()
        timer = FuzzTimerHandle(when, callback, args, self, context)
        timer._seq = next(self._seqs)
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer


class _OrderedSet:
    """The part of set that TaskGroup uses, iterating in insertion order."""

    def __init__(self):
        self._d = {}

    def add(self, x):
        self._d[x] = None

    def discard(self, x):
        self._d.pop(x, None)

    def __iter__(self):
        return iter(list(self._d))

    def __len__(self):
        return len(self._d)

    def __contains__(self, x):
        return x in self._d


class TaskGroup(asyncio.TaskGroup):
    """asyncio.TaskGroup with 3.13's __aexit__, its tasks in creation order."""

    def __init__(self):
        super().__init__()
        self._tasks = _OrderedSet()

    async def __aexit__(self, et, exc, tb):
        self._exiting = True
        if exc is not None and self._is_base_error(exc) and self._base_error is None:
            self._base_error = exc
        if et is not None and issubclass(et, exceptions.CancelledError):
            propagate_cancellation_error = exc
        else:
            propagate_cancellation_error = None
        if et is not None and not self._aborting:
            self._abort()
        while self._tasks:
            if self._on_completed_fut is None:
                self._on_completed_fut = self._loop.create_future()
            try:
                await self._on_completed_fut
            except exceptions.CancelledError as ex:
                if not self._aborting:
                    propagate_cancellation_error = ex
                    self._abort()
            self._on_completed_fut = None
        assert not self._tasks
        if self._base_error is not None:
            raise self._base_error
        if self._parent_cancel_requested:
            if self._parent_task.uncancel() == 0:
                propagate_cancellation_error = None
        if propagate_cancellation_error is not None and not self._errors:
            raise propagate_cancellation_error
        if et is not None and not issubclass(et, exceptions.CancelledError):
            self._errors.append(exc)
        if self._errors:
            if self._parent_task.cancelling():
                self._parent_task.uncancel()
                self._parent_task.cancel()
            try:
                me = BaseExceptionGroup("unhandled errors in a TaskGroup", self._errors)
                raise me from None
            finally:
                self._errors = None


class Timeout(asyncio.Timeout):
    """asyncio.Timeout with 3.11.7's __aenter__/__aexit__ (a cancel made before entry stays)."""

    async def __aenter__(self):
        self._cancelling = asyncio.current_task().cancelling()
        return await super().__aenter__()

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if self._timeout_handler is not None:
            self._timeout_handler.cancel()
            self._timeout_handler = None
        if self._state is timeouts._State.EXPIRING:
            self._state = timeouts._State.EXPIRED
            if self._task.uncancel() <= self._cancelling and exc_type is CancelledError:
                raise TimeoutError from exc_val
        elif self._state is timeouts._State.ENTERED:
            self._state = timeouts._State.EXITED
        return None


def timeout(delay):
    loop = asyncio.get_running_loop()
    return Timeout(loop.time() + delay if delay is not None else None)


wait_for = asyncio.wait_for  # 3.11's: a task for a coroutine, cancelled and waited for on timeout


class Missing(Exception):
    """A statement used a task slot that was never spawned."""


_ANON = re.compile(r"Task-(\d+)$")


def name_of(task):
    """A task's name, 'main', or '~' for a task the library made (its number differs)."""
    if task is None:
        return "-"
    name = task.get_name()
    return "~" if _ANON.match(name) else name


def fmt(x):
    """A value as both sides print it."""
    if x is None:
        return "None"
    if isinstance(x, bool):
        return "True" if x else "False"
    if isinstance(x, (int, str)):
        return str(x)
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in x) + "]"
    if isinstance(x, (set, frozenset)):
        return "{" + ", ".join(sorted(name_of(t) for t in x)) + "}"
    if isinstance(x, BaseExceptionGroup):
        return f"{type(x).__name__}({x.message}: {', '.join(fmt(e) for e in x.exceptions)})"
    if isinstance(x, BaseException):
        # Only our own errors carry a message both sides agree on.
        if isinstance(x, (ValueError, Missing)):
            return f"{type(x).__name__}({x})"
        return type(x).__name__
    if isinstance(x, (asyncio.Task, tasks._PyTask)):
        return name_of(x)
    return type(x).__name__


def kind_of(fut):
    if fut is None:
        return "-"
    if isinstance(fut, (asyncio.Task, tasks._PyTask)):
        return "Task"
    return type(fut).__name__.lstrip("_")


def state_of(task):
    if not task.done():
        return "pending"
    if task.cancelled():
        return "cancelled"
    if task.exception() is not None:
        return "!! " + fmt(task.exception())
    return "-> " + fmt(task.result())


class State:
    """What a program shares: its trace, task slots, locks, events, queues, futures."""

    def __init__(self, lines, reports):
        self.lines = lines
        self.reports = reports
        self.T = {}
        self.spawned = []

    def init(self, locks, events, queues, futures):
        self.loop = asyncio.get_running_loop()
        self.t0 = self.loop.time()
        asyncio.current_task().set_name("main")
        self.loop.set_exception_handler(self._report)
        self.L = [asyncio.Lock() for _ in range(locks)]
        self.E = [asyncio.Event() for _ in range(events)]
        self.Q = [asyncio.Queue(maxsize) for maxsize in queues]
        self.F = [self.loop.create_future() for _ in range(futures)]

    def _report(self, loop, ctx):
        fut = ctx.get("future") or ctx.get("task")
        self.reports.append(f"report {kind_of(fut)} {fmt(ctx.get('exception'))}")

    def P(self, *parts):
        t = "t=" + format(round(self.loop.time() - self.t0, 3), "g")
        self.lines.append(" ".join([t, name_of(asyncio.current_task()), *map(str, parts)]))

    def t(self, slot):
        if slot not in self.T:
            raise Missing(f"T{slot}")
        return self.T[slot]

    def spawn(self, slot, coro):
        task = self.T[slot] = asyncio.create_task(coro, name=f"T{slot}")
        self.spawned.append(task)

    def adopt(self, slot, task):
        self.T[slot] = task
        self.spawned.append(task)

    def cancel(self, sid, slot):
        if slot in self.T:
            self.P(sid, f"cancel T{slot}", fmt(self.T[slot].cancel()))
        else:
            self.P(sid, f"cancel T{slot}", "missing")

    def cancel_me(self, sid):
        self.P(sid, "cancel me", fmt(asyncio.current_task().cancel()))

    def uncancel(self, sid):
        self.P(sid, "uncancel", asyncio.current_task().uncancel())

    def cancelling(self, sid):
        self.P(sid, "cancelling", asyncio.current_task().cancelling())

    def set(self, sid, ev):
        self.E[ev].set()
        self.P(sid, f"set E{ev}")

    def clear(self, sid, ev):
        self.E[ev].clear()
        self.P(sid, f"clear E{ev}")

    def put_nowait(self, sid, q):
        try:
            self.Q[q].put_nowait(sid)
        except Exception as e:
            self.P(sid, f"put_nowait Q{q}", "!!", fmt(e))
        else:
            self.P(sid, f"put_nowait Q{q}", "ok")

    def get_nowait(self, sid, q):
        try:
            r = self.Q[q].get_nowait()
        except Exception as e:
            self.P(sid, f"get_nowait Q{q}", "!!", fmt(e))
        else:
            self.P(sid, f"get_nowait Q{q}", "->", fmt(r))

    def resolve(self, sid, fut, ok):
        f = self.F[fut]
        if f.done():
            self.P(sid, f"resolve F{fut}", "already done")
        elif ok:
            f.set_result(sid)
            self.P(sid, f"resolve F{fut}", "result")
        else:
            f.set_exception(ValueError(sid))
            self.P(sid, f"resolve F{fut}", "exception")

    def _pending(self):
        me = asyncio.current_task()
        named = [t for t in self.spawned if not t.done()]
        seen = set(named)
        anon = sorted(
            (t for t in asyncio.all_tasks() if t is not me and t not in seen),
            key=lambda t: int(_ANON.match(t.get_name()).group(1)) if _ANON.match(t.get_name()) else -1)
        out = []
        for t in named + anon:
            if t not in out:
                out.append(t)
        return out

    async def finish(self):
        """Wait for every task until the deadline, then cancel what is left; print the slots."""
        rounds = 0
        while True:
            pending = self._pending()
            if not pending:
                break
            left = DEADLINE - (self.loop.time() - self.t0)
            if left > 0:
                await asyncio.wait(pending, timeout=left)
                continue
            rounds += 1
            if rounds > 50:
                self.P("main: stuck", " ".join(name_of(t) for t in pending))
                break
            for t in pending:
                self.P("deadline: cancel", name_of(t), fmt(t.cancel()))
            await asyncio.wait(pending, timeout=1)
        for slot in sorted(self.T):
            self.P(f"end T{slot}", state_of(self.T[slot]))

    def drop(self):
        self.T = self.spawned = self.L = self.E = self.Q = self.F = None


def run_program(main):
    """Run `async def main(S)` on a fresh virtual loop; return its trace."""
    lines, reports = [], []
    state = State(lines, reports)
    try:
        with asyncio.Runner(loop_factory=FuzzLoop) as runner:
            runner.run(main(state))
    finally:
        state.drop()
        state = main = None
        gc.collect()
    return lines + sorted(reports)


def run_standalone(main):
    for line in run_program(main):
        print(line)


def _alarm(signum, frame):
    raise Hang("more than 20 s of real time")


def batch():
    programs = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, _alarm)
    for p in programs:
        ns = dict(globals())
        error = None
        lines = []
        signal.alarm(20)
        try:
            exec(compile(p["code"], f"<program {p['id']}>", "exec"), ns)
            lines = run_program(ns["main"])
        except BaseException as e:  # noqa: B902 - a failing program is reported, not fatal
            error = f"{type(e).__name__}: {e}"
        finally:
            signal.alarm(0)
            ns.clear()
        sys.stdout.write(json.dumps({"id": p["id"], "lines": lines, "error": error}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    batch()
