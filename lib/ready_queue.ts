/**
 * The loop's ready queue: the callbacks to run in the next iterations, in
 * FIFO order.
 *
 * It holds (function, argument) pairs, not Handles: a task's step or a done
 * callback is queued as `(STEP, task)` or `(callback, future)` with no
 * object made for it (`callSoon` queues `(runHandle, handle)`). The pairs
 * live in fixed-size chunks linked in a list, as CPython's deque keeps
 * blocks: the queue grows without copying and without ever-larger arrays,
 * and a drained chunk is kept for reuse, so a loop that runs a steady load
 * allocates nothing for it.
 *
 * @module
 */

/** Slots per chunk: 1024 (function, argument) pairs. */
const CHUNK_SLOTS = 2048;

interface Chunk {
  slots: unknown[];
  next: Chunk | null;
}

function newChunk(): Chunk {
  return { slots: new Array(CHUNK_SLOTS), next: null };
}

/**
 * @internal A FIFO queue of (function, argument) pairs.
 *
 * @example
 * ```ts ignore
 * const q = new ReadyQueue();
 * q.push(console.log, "first");
 * q.push(console.log, "second");
 * while (q.size > 0) {
 *   const fn = q.shift();
 *   fn(q.arg); // first, then second
 * }
 * ```
 */
export class ReadyQueue {
  /** How many pairs are queued. */
  size = 0;
  /** The argument of the pair the last `shift()` took. */
  arg: unknown = undefined;
  /** The chunk the next pair is taken from. */
  private head: Chunk = newChunk();
  /** Its next slot. */
  private headAt = 0;
  /** The chunk the next pair is put in. */
  private tail: Chunk = this.head;
  /** Its next free slot. */
  private tailAt = 0;
  /** A drained chunk kept for reuse. */
  private spare: Chunk | null = null;

  /** Append `fn(arg)`. */
  push(fn: (arg: never) => void, arg: unknown): void {
    let tail = this.tail;
    let at = this.tailAt;
    if (at === CHUNK_SLOTS) {
      const next = this.spare ?? newChunk();
      this.spare = null;
      tail.next = next;
      this.tail = tail = next;
      at = 0;
    }
    const a = tail.slots;
    a[at] = fn;
    a[at + 1] = arg;
    this.tailAt = at + 2;
    this.size++;
  }

  /**
   * Take the oldest pair (the queue must not be empty): returns its
   * function, and leaves its argument in {@linkcode arg}.
   */
  shift(): (arg: unknown) => void {
    if (this.headAt === CHUNK_SLOTS) {
      // The head chunk is drained: go on to the next one, keep this one.
      const head = this.head;
      this.head = head.next!;
      head.next = null;
      this.spare = head;
      this.headAt = 0;
    }
    const at = this.headAt;
    const a = this.head.slots;
    const fn = a[at] as (arg: unknown) => void;
    this.arg = a[at + 1];
    a[at] = undefined;
    a[at + 1] = undefined;
    this.headAt = at + 2;
    this.size--;
    return fn;
  }

  /** Drop every pair. */
  clear(): void {
    this.head = this.tail = newChunk();
    this.headAt = this.tailAt = 0;
    this.spare = null;
    this.size = 0;
    this.arg = undefined;
  }
}
