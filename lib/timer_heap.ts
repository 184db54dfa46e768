/**
 * The loop's timers: a binary heap of TimerHandles keyed by (when,
 * sequence), so timers with equal `when` run in scheduling order.
 *
 * A cancelled timer stays in the heap until it reaches the top, or until
 * more than half of a large heap is cancelled, when the heap is rebuilt
 * without them (CPython's `_run_once` rule).
 *
 * @module
 */

import type { TimerHandle } from "./handles.ts";

/** Heaps smaller than this are never rebuilt for their cancelled timers. */
const MIN_SCHEDULED_TIMER_HANDLES = 100;
/** Rebuild when more than this fraction of the heap is cancelled. */
const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

function timerLess(a: TimerHandle, b: TimerHandle): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/**
 * @internal A min-heap of TimerHandles, earliest first.
 *
 * @example
 * ```ts ignore
 * const heap = new TimerHeap();
 * heap.push(loop.callLater(2, f)); // the loop pushes its own timers
 * heap.nextWhen(); // the earliest live timer's time, or null
 * heap.popDue(loop.time(), (h) => ready.push(runHandle, h));
 * ```
 */
export class TimerHeap {
  /** The heap, in array form. */
  private items: TimerHandle[] = [];
  /** How many timers in the heap are cancelled. */
  private cancelled = 0;
  /** The sequence number of the next timer. */
  private seq = 0;

  /** How many timers are in the heap, cancelled ones included. */
  get size(): number {
    return this.items.length;
  }

  /** The next sequence number: the tie-breaker between equal times. */
  nextSeq(): number {
    return this.seq++;
  }

  /** Add a timer. */
  push(h: TimerHandle): void {
    const heap = this.items;
    h._scheduled = true;
    let i = heap.length;
    heap.push(h);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!timerLess(h, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = h;
  }

  /** A timer in the heap was cancelled (it leaves lazily). */
  timerCancelled(h: TimerHandle): void {
    if (h._scheduled) this.cancelled++;
  }

  /** The time of the earliest timer that is not cancelled, or `null` when there is none. */
  nextWhen(): number | null {
    this.dropCancelledTop();
    return this.items.length > 0 ? this.items[0]._when : null;
  }

  /**
   * Take out every live timer due before `end`, in order, and give each to
   * `due`; first rebuild the heap if most of it is cancelled.
   */
  popDue(end: number, due: (h: TimerHandle) => void): void {
    const n = this.items.length;
    if (n === 0) return;
    if (
      n > MIN_SCHEDULED_TIMER_HANDLES && this.cancelled / n > MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ) {
      this.rebuild();
    } else {
      this.dropCancelledTop();
    }
    const heap = this.items;
    while (heap.length > 0 && heap[0]._when < end) {
      const h = this.pop();
      h._scheduled = false;
      due(h);
    }
  }

  /** Drop every timer. */
  clear(): void {
    for (const h of this.items) h._scheduled = false;
    this.items = [];
    this.cancelled = 0;
  }

  private dropCancelledTop(): void {
    const heap = this.items;
    while (heap.length > 0 && heap[0]._cancelled) {
      this.pop()._scheduled = false;
      this.cancelled--;
    }
  }

  private rebuild(): void {
    const kept = this.items.filter((h) => {
      if (h._cancelled) h._scheduled = false;
      return !h._cancelled;
    });
    this.items = [];
    this.cancelled = 0;
    for (const h of kept) this.push(h);
  }

  private pop(): TimerHandle {
    const heap = this.items;
    const top = heap[0];
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && timerLess(heap[r], heap[l]) ? r : l;
        if (!timerLess(heap[c], last)) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
