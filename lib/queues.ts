/**
 * Queues (CPython's `queues.py`): `Queue` (FIFO), `PriorityQueue` (lowest
 * first) and `LifoQueue` (last in, first out), with Python 3.13's
 * `shutdown()`.
 *
 * @module
 */

import { QueueEmpty, QueueFull, QueueShutDown, ValueError } from "./errors.ts";
import { describe, inspectable, REPR, repr } from "./format_helpers.ts";
import type { Future } from "./futures.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import type { AbstractEventLoop } from "./events.ts";
import { Deque } from "./deque.ts";
import { Event } from "./locks.ts";
import { boundLoop } from "./waiters.ts";

function shutDownError(where: string): QueueShutDown {
  return new QueueShutDown(
    `${where}: the queue was shut down (shutdown() was called); stop putting and getting`,
  );
}

const queuePut = coroutine(function* put<T>(q: Queue<T>, item: T): Coro<void> {
  while (q.full()) {
    if (q._isShutdown) throw shutDownError("Queue.put()");
    const putter = boundLoop(q).createFuture<void>();
    q._putters.push(putter);
    try {
      yield* putter;
    } catch (e) {
      putter.cancel(); // in case it is not done yet
      // getNowait() or shutdown() may have removed it already.
      q._putters.remove(putter);
      // Woken by getNowait() but unable to take the slot: pass it on.
      if (!q.full() && !putter.cancelled()) q._wakeupNext(q._putters);
      throw e;
    }
  }
  q.putNowait(item);
});

const queueGet = coroutine(function* get<T>(q: Queue<T>): Coro<T> {
  while (q.empty()) {
    if (q._isShutdown) throw shutDownError("Queue.get()");
    const getter = boundLoop(q).createFuture<void>();
    q._getters.push(getter);
    try {
      yield* getter;
    } catch (e) {
      getter.cancel(); // in case it is not done yet
      // putNowait() or shutdown() may have removed it already.
      q._getters.remove(getter);
      // Woken by putNowait() but unable to take the item: pass it on.
      if (!q.empty() && !getter.cancelled()) q._wakeupNext(q._getters);
      throw e;
    }
  }
  return q.getNowait();
});

const queueJoin = coroutine(function* join(q: Queue<unknown>): Coro<void> {
  if (q._unfinishedTasks > 0) yield* q._finished.wait();
});

/**
 * A first-in, first-out queue for coordinating producer and consumer tasks
 * (Python's `asyncio.Queue`).
 *
 * With `maxsize > 0`, `put()` waits while the queue holds `maxsize` items;
 * `get()` waits while it is empty. Waiting putters and getters are served in
 * the order they came, and a cancelled one leaves no trace. Every item put
 * counts as an unfinished task until a consumer calls `taskDone()`; `join()`
 * waits until none is left. `shutdown()` (Python 3.13) makes further puts,
 * and gets once the queue is empty, throw `QueueShutDown`.
 *
 * @typeParam T The items' type.
 *
 * @example
 * ```ts
 * import { createTask, Queue, run } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const queue = new Queue<number>(2);
 *   const consumer = createTask(function* () {
 *     for (;;) {
 *       const item = yield* queue.get();
 *       console.log("got", item);
 *       queue.taskDone();
 *     }
 *   });
 *   for (let i = 0; i < 5; i++) yield* queue.put(i); // waits while 2 items are queued
 *   yield* queue.join(); // every item was processed
 *   consumer.cancel();
 * });
 * ```
 */
export class Queue<T = unknown> {
  /** @internal */ _loop: AbstractEventLoop | null = null;
  /** @internal */ _maxsize: number;
  /** @internal */ _getters: Deque<Future<void>> = new Deque();
  /** @internal */ _putters: Deque<Future<void>> = new Deque();
  /** @internal */ _unfinishedTasks = 0;
  /** @internal */ _finished: Event = new Event();
  /** @internal */ _isShutdown = false;
  /** @internal FIFO storage (subclasses use their own). */ _queue!: Deque<T>;

  /**
   * Make a queue.
   *
   * @param maxsize The most items it holds; 0 or less means no limit (the default).
   */
  constructor(maxsize = 0) {
    if (typeof maxsize !== "number") {
      throw new TypeError(
        `${new.target.name}(): maxsize must be a number (0 for no limit), got ${describe(maxsize)}`,
      );
    }
    if (Number.isNaN(maxsize)) {
      throw new ValueError(`${new.target.name}(): maxsize is NaN; pass 0 for no limit`);
    }
    this._maxsize = maxsize;
    this._finished.set();
    this._init();
  }

  // The storage, overridden by subclasses.

  /** @internal */
  _init(): void {
    this._queue = new Deque();
  }

  /** @internal */
  _put(item: T): void {
    this._queue.push(item);
  }

  /** @internal */
  _get(): T {
    return this._queue.shift() as T;
  }

  /** @internal */
  _items(): T[] {
    return this._queue.toArray();
  }

  /** The number of items in the queue. */
  qsize(): number {
    return this._queue.length;
  }

  /** The most items the queue holds (0 or less: no limit). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** Whether the queue is empty. */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Whether the queue holds `maxsize` items (never true when there is no limit). */
  full(): boolean {
    return this._maxsize > 0 && this.qsize() >= this._maxsize;
  }

  /** @internal Wake the next waiter that is not cancelled. */
  _wakeupNext(waiters: Deque<Future<void>>): void {
    while (waiters.length > 0) {
      const w = waiters.shift()!;
      if (!w.done()) {
        w._setResult(undefined);
        break;
      }
    }
  }

  /**
   * Put an item into the queue, waiting while it is full.
   *
   * @param item The item.
   * @returns A coroutine.
   * @throws {QueueShutDown} (from the coroutine) When the queue was shut down.
   */
  put(item: T): Coroutine<void> {
    return queuePut(this, item);
  }

  /**
   * Put an item into the queue without waiting.
   *
   * @param item The item.
   * @throws {QueueFull} When the queue is full.
   * @throws {QueueShutDown} When the queue was shut down.
   */
  putNowait(item: T): void {
    if (this._isShutdown) throw shutDownError("Queue.putNowait()");
    if (this.full()) {
      throw new QueueFull(
        `Queue.putNowait(): the queue is full (maxsize ${this._maxsize}); use put() to wait ` +
          `for a free slot`,
      );
    }
    this._put(item);
    this._unfinishedTasks++;
    this._finished.clear();
    this._wakeupNext(this._getters);
  }

  /**
   * Remove and return an item, waiting while the queue is empty.
   *
   * @returns A coroutine of the item.
   * @throws {QueueShutDown} (from the coroutine) When the queue was shut
   * down and is empty, or was shut down with `immediate`.
   */
  get(): Coroutine<T> {
    return queueGet(this) as Coroutine<T>;
  }

  /**
   * Remove and return an item without waiting.
   *
   * @returns The item.
   * @throws {QueueEmpty} When the queue is empty.
   * @throws {QueueShutDown} When the queue is empty and was shut down.
   */
  getNowait(): T {
    if (this.empty()) {
      if (this._isShutdown) throw shutDownError("Queue.getNowait()");
      throw new QueueEmpty("Queue.getNowait(): the queue is empty; use get() to wait for an item");
    }
    const item = this._get();
    this._wakeupNext(this._putters);
    return item;
  }

  /**
   * Tell the queue that an item taken with `get()` was processed. When every
   * item put has been processed, `join()` returns.
   *
   * @throws {ValueError} When called more times than items were put.
   */
  taskDone(): void {
    if (this._unfinishedTasks <= 0) {
      throw new ValueError(
        "taskDone() called too many times: call it once for each item taken from the queue",
      );
    }
    this._unfinishedTasks--;
    if (this._unfinishedTasks === 0) this._finished.set();
  }

  /**
   * Wait until every item put into the queue was taken and processed
   * (`taskDone()` called for it).
   *
   * @returns A coroutine.
   */
  join(): Coroutine<void> {
    return queueJoin(this);
  }

  /**
   * Shut the queue down (Python 3.13): `put()` and `putNowait()` throw
   * `QueueShutDown` from now on, and so do `get()` and `getNowait()` once
   * the queue is empty. Blocked putters and getters wake up and throw it
   * too. With `immediate`, the items left are dropped (each counted as
   * done, which may release `join()`), so gets throw at once.
   *
   * @param immediate Drop the remaining items (default `false`).
   */
  shutdown(immediate = false): void {
    this._isShutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this._get();
        if (this._unfinishedTasks > 0) this._unfinishedTasks--;
      }
      if (this._unfinishedTasks === 0) this._finished.set();
    }
    // Every getter must look at the queue again, to throw QueueShutDown.
    for (const waiters of [this._getters, this._putters]) {
      while (waiters.length > 0) {
        const w = waiters.shift()!;
        if (!w.done()) w._setResult(undefined);
      }
    }
  }

  /** @internal */
  _format(): string {
    let result = `maxsize=${repr(this._maxsize)}`;
    if (this.qsize() > 0) result += ` _queue=${repr(this._items())}`;
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinishedTasks > 0) result += ` tasks=${this._unfinishedTasks}`;
    if (this._isShutdown) result += " shutdown";
    return result;
  }

  /** Python's `str()`: `<Queue maxsize=0 _queue=[1, 2] tasks=2>`. */
  [REPR](): string {
    return `<${this.constructor.name} ${this._format()}>`;
  }
}
inspectable(Queue);

/**
 * How a `PriorityQueue` orders its items: negative when `a` comes first,
 * positive when `b` does, 0 when equal (like `Array.prototype.sort`'s).
 *
 * @example
 * ```ts
 * import { type Comparator, PriorityQueue } from "@yieldfrom/asyncio";
 * const byDeadline: Comparator<{ deadline: number }> = (a, b) => a.deadline - b.deadline;
 * const q = new PriorityQueue(0, byDeadline);
 * q.putNowait({ deadline: 5 });
 * q.putNowait({ deadline: 1 });
 * console.log(q.getNowait().deadline); // 1
 * ```
 */
export type Comparator<T> = (a: T, b: T) => number;

function kind(x: unknown): "number" | "string" | "array" | null {
  switch (typeof x) {
    case "number":
    case "bigint":
    case "boolean":
      return "number";
    case "string":
      return "string";
  }
  return Array.isArray(x) ? "array" : null;
}

/**
 * Python's ordering, for the default `PriorityQueue` comparator: numbers
 * (bigints and booleans too) by value, strings as `<` orders them, arrays
 * element-wise like tuples (the first unequal element decides, a prefix
 * comes first). Anything else only equals itself; ordering it throws
 * `TypeError`, as comparing unorderable values does in Python.
 *
 * @internal
 */
export function pythonCompare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ka = kind(a), kb = kind(b);
  if (ka !== null && ka === kb) {
    if (ka === "array") {
      const x = a as unknown[], y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = pythonCompare(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    if (ka === "string") {
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    }
    // Numbers, bigints and booleans compare with each other (true is 1, as
    // in Python). NaN is unordered: every comparison is false, as in Python.
    const x = a as number, y = b as number;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new TypeError(
    `PriorityQueue: cannot order ${describe(a)} and ${describe(b)} (only numbers, strings and ` +
      `arrays of them have a default order); add a counter so that equal priorities never ` +
      `compare the items ([priority, n++, item]), or pass a comparator: ` +
      `new PriorityQueue(0, (a, b) => …)`,
  );
}

/**
 * A queue that gives the smallest item first (Python's
 * `asyncio.PriorityQueue`), kept in a binary heap exactly as Python's
 * `heapq` keeps it, so items of equal priority come out in the same order
 * as in Python.
 *
 * JavaScript has no ordering of its own: by default items are compared as
 * Python compares them — numbers by value, strings as `<` orders them, and
 * arrays element-wise like tuples, so `[priority, data]` entries work as
 * `(priority, data)` do in Python. Items that cannot be ordered (two
 * different objects at the same priority, say) throw `TypeError`; add a
 * counter (`[priority, n++, item]`) or pass a comparator.
 *
 * @typeParam T The items' type.
 *
 * @example
 * ```ts
 * import { PriorityQueue } from "@yieldfrom/asyncio";
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "write"]);
 * q.putNowait([1, "read"]);
 * console.log(q.getNowait()); // [1, "read"]
 *
 * const byDeadline = new PriorityQueue<{ deadline: number }>(0, (a, b) => a.deadline - b.deadline);
 * byDeadline.putNowait({ deadline: 5 });
 * byDeadline.putNowait({ deadline: 3 });
 * console.log(byDeadline.getNowait().deadline); // 3
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /** @internal */ declare _heap: T[];
  /** @internal */ _compare: Comparator<T>;

  /**
   * Make a priority queue.
   *
   * @param maxsize The most items it holds; 0 or less means no limit (the default).
   * @param compare How to order items; by default Python's ordering (see the class).
   */
  constructor(maxsize = 0, compare?: Comparator<T>) {
    super(maxsize);
    if (compare !== undefined && typeof compare !== "function") {
      throw new TypeError(
        `PriorityQueue(): compare must be a function (a, b) => number, got ${describe(compare)}`,
      );
    }
    this._compare = compare ?? pythonCompare;
  }

  /** @internal */
  override _init(): void {
    this._heap = [];
  }

  /** @internal heapq.heappush, comparing before moving anything (a throwing comparator changes nothing). */
  override _put(item: T): void {
    const heap = this._heap;
    const compare = this._compare;
    // heapq's _siftdown: the same comparisons, then the moves.
    let pos = heap.length;
    while (pos > 0) {
      const parentpos = (pos - 1) >> 1;
      if (compare(item, heap[parentpos]) < 0) pos = parentpos;
      else break;
    }
    heap.push(item);
    for (let p = heap.length - 1; p > pos;) {
      const parentpos = (p - 1) >> 1;
      heap[p] = heap[parentpos];
      p = parentpos;
    }
    heap[pos] = item;
  }

  /** @internal heapq.heappop (a throwing comparator loses no item). */
  override _get(): T {
    const heap = this._heap;
    const last = heap.pop()!;
    if (heap.length === 0) return last;
    const top = heap[0];
    heap[0] = last;
    try {
      siftUp(heap, 0, this._compare);
    } catch (e) {
      heap.push(top);
      throw e;
    }
    return top;
  }

  /** @internal */
  override _items(): T[] {
    return this._heap.slice();
  }

  /** The number of items in the queue. */
  override qsize(): number {
    return this._heap.length;
  }
}

/**
 * heapq's _siftup (and the _siftdown it ends with): move the smaller child
 * up until a leaf, then the item up to its place. It swaps rather than
 * copies, so the array holds every item even if the comparator throws.
 */
function siftUp<T>(heap: T[], pos: number, compare: Comparator<T>): void {
  const endpos = heap.length;
  const startpos = pos;
  const newitem = heap[pos];
  let childpos = 2 * pos + 1;
  while (childpos < endpos) {
    const rightpos = childpos + 1;
    if (rightpos < endpos && !(compare(heap[childpos], heap[rightpos]) < 0)) childpos = rightpos;
    heap[pos] = heap[childpos];
    heap[childpos] = newitem;
    pos = childpos;
    childpos = 2 * pos + 1;
  }
  while (pos > startpos) {
    const parentpos = (pos - 1) >> 1;
    const parent = heap[parentpos];
    if (compare(newitem, parent) < 0) {
      heap[pos] = parent;
      heap[parentpos] = newitem;
      pos = parentpos;
      continue;
    }
    break;
  }
}

/**
 * A queue that gives the most recently added item first (Python's
 * `asyncio.LifoQueue`).
 *
 * @typeParam T The items' type.
 *
 * @example
 * ```ts
 * import { LifoQueue } from "@yieldfrom/asyncio";
 * const q = new LifoQueue<number>();
 * q.putNowait(1);
 * q.putNowait(2);
 * console.log(q.getNowait()); // 2
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */ declare _stack: T[];

  /** @internal */
  override _init(): void {
    this._stack = [];
  }

  /** @internal */
  override _put(item: T): void {
    this._stack.push(item);
  }

  /** @internal */
  override _get(): T {
    return this._stack.pop()!;
  }

  /** @internal */
  override _items(): T[] {
    return this._stack.slice();
  }

  /** The number of items in the queue. */
  override qsize(): number {
    return this._stack.length;
  }
}
