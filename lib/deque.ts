/**
 * @internal A double-ended queue on a growable ring buffer (CPython's
 * `collections.deque`, as far as the locks and queues need it): `push`,
 * `shift` and `pop` in O(1), `remove(x)` in O(position), never
 * `Array.prototype.shift`.
 *
 * The waiters of the synchronisation primitives live in one. A waiter almost
 * always leaves from the front (it is served in FIFO order), which costs
 * O(1); a cancelled waiter in the middle costs O(n), as in Python.
 *
 * @module
 */

const MIN_CAPACITY = 4;

/** @internal */
export class Deque<T> {
  /** @internal */ _buf: (T | undefined)[];
  /** @internal */ _head = 0;
  /** @internal */ _size = 0;
  /** @internal capacity - 1 (the capacity is a power of two) */ _mask: number;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this._buf = new Array(cap);
    this._mask = cap - 1;
  }

  /** The number of items. */
  get length(): number {
    return this._size;
  }

  /** The item at position `i` (0 is the front); `i` must be in range. */
  at(i: number): T {
    return this._buf[(this._head + i) & this._mask] as T;
  }

  /** Append at the back. */
  push(x: T): void {
    if (this._size > this._mask) this._resize((this._mask + 1) * 2);
    this._buf[(this._head + this._size) & this._mask] = x;
    this._size++;
  }

  /** Remove and return the front item (`undefined` when empty). */
  shift(): T | undefined {
    if (this._size === 0) return undefined;
    const buf = this._buf;
    const x = buf[this._head];
    buf[this._head] = undefined;
    this._head = (this._head + 1) & this._mask;
    this._size--;
    this._maybeShrink();
    return x;
  }

  /** Remove and return the back item (`undefined` when empty). */
  pop(): T | undefined {
    if (this._size === 0) return undefined;
    this._size--;
    const i = (this._head + this._size) & this._mask;
    const x = this._buf[i];
    this._buf[i] = undefined;
    this._maybeShrink();
    return x;
  }

  /**
   * Remove the first occurrence of `x` (compared with `===`).
   *
   * @returns Whether it was there.
   */
  remove(x: T): boolean {
    const n = this._size;
    const buf = this._buf;
    const mask = this._mask;
    const head = this._head;
    let i = 0;
    while (i < n && buf[(head + i) & mask] !== x) i++;
    if (i === n) return false;
    if (i < n >>> 1) {
      // Move the items before it one step back, then drop the front.
      for (let k = i; k > 0; k--) buf[(head + k) & mask] = buf[(head + k - 1) & mask];
      buf[head] = undefined;
      this._head = (head + 1) & mask;
    } else {
      // Move the items after it one step forward, then drop the back.
      for (let k = i; k < n - 1; k++) buf[(head + k) & mask] = buf[(head + k + 1) & mask];
      buf[(head + n - 1) & mask] = undefined;
    }
    this._size = n - 1;
    this._maybeShrink();
    return true;
  }

  /** The items, front first, as a new array. */
  toArray(): T[] {
    const out: T[] = new Array(this._size);
    for (let i = 0; i < this._size; i++) out[i] = this.at(i);
    return out;
  }

  /** @internal */
  _maybeShrink(): void {
    const cap = this._mask + 1;
    if (cap > 64 && this._size < cap >>> 2) this._resize(cap >>> 1);
  }

  /** @internal */
  _resize(cap: number): void {
    const buf: (T | undefined)[] = new Array(cap);
    for (let k = 0; k < this._size; k++) buf[k] = this._buf[(this._head + k) & this._mask];
    this._buf = buf;
    this._head = 0;
    this._mask = cap - 1;
  }
}
