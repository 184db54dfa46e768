/**
 * Streams (CPython 3.12's `streams.py`, rule for rule): `openConnection`,
 * `startServer` and their Unix variants, `StreamReader`, `StreamWriter`,
 * and `StreamReaderProtocol`, which joins them to a transport.
 *
 * A task blocked in any read or in `drain()` is cancelled promptly: it
 * waits on a Future, never on the host read itself. The transport's read
 * goes on in the background and its bytes land in the reader's buffer, so
 * nothing is lost: the next read returns them.
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { _getRunningLoop, getRunningLoop } from "./events.ts";
import { type Coro, type Coroutine, coroutine, isGeneratorLike, isThenable } from "./coroutines.ts";
import { sleep, type Task } from "./tasks.ts";
import {
  ConnectionResetError,
  IncompleteReadError,
  LimitOverrunError,
  RuntimeError,
  ValueError,
} from "./errors.ts";
import { describe, REPR, repr } from "./format_helpers.ts";
import { Protocol } from "./protocols.ts";
import { type BytesLike, ioEnd, ioStart, toBytes, type Transport } from "./transports.ts";
import {
  checkConnectionOptions,
  checkHost,
  checkPort,
  type ConnectionOptions,
  createConnection,
  createServer,
  createUnixConnection,
  createUnixServer,
  type Server,
  type ServerOptions,
  type UnixServerOptions,
} from "./server.ts";
import { startTls, type TlsOptions } from "./tls.ts";

/** The default buffer limit of a `StreamReader`: 64 KiB, as in CPython. */
export const DEFAULT_LIMIT = 2 ** 16;

const EMPTY = new Uint8Array(0);

function checkLimit(limit: unknown, where: string): number {
  if (typeof limit !== "number" || Number.isNaN(limit)) {
    throw new TypeError(`${where}: limit must be a number of bytes, got ${describe(limit)}`);
  }
  if (limit <= 0) throw new ValueError(`${where}: Limit cannot be <= 0 (got ${limit})`);
  return limit;
}

/** `b"\n"`-style separators: bytes or a string, or a list of them (Python 3.13). */
function separators(separator: unknown): Uint8Array[] {
  const list = Array.isArray(separator) ? separator : [separator];
  const seps = list.map((s) => toBytes(s, "readuntil()")).sort((a, b) => a.length - b.length);
  if (seps.length === 0) throw new ValueError("Separator should contain at least one element");
  if (seps[0].length === 0) throw new ValueError("Separator should be at least one-byte string");
  return seps;
}

const NEWLINE = [new Uint8Array([10])];

// --- StreamReader --------------------------------------------------------------

/**
 * Reads from a stream (Python's `asyncio.StreamReader`). `openConnection`
 * and `startServer` make one per connection; tests and protocols can feed
 * one by hand with `feedData`/`feedEof`.
 *
 * The limit (64 KiB by default) bounds a line or chunk read with
 * `readline`/`readuntil`, and half the buffer: above twice the limit the
 * transport stops reading until the buffer drops back to the limit.
 * Every read method is a coroutine (`yield*` or `await` it); only one may
 * wait for data at a time. Returned arrays are the caller's: they are not
 * reused.
 *
 * @example
 * ```ts
 * import { run, StreamReader } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const reader = new StreamReader();
 *   reader.feedData(new TextEncoder().encode("one\ntwo\n"));
 *   reader.feedEof();
 *   for await (const line of reader) console.log(new TextDecoder().decode(line).trim());
 *   // one, two
 * });
 * ```
 */
export class StreamReader {
  /** @internal */ _limit: number;
  /** @internal Bound to the running loop on first wait when not given. */ _loop:
    | AbstractEventLoop
    | null;
  /** @internal The buffer: chunks from `_ci` on, the first one from byte `_head`. */
  _chunks: Uint8Array[] = [];
  /** @internal */ _ci = 0;
  /** @internal */ _head = 0;
  /** @internal Bytes buffered. */ _size = 0;
  /** @internal */ _eof = false;
  /** @internal The future a read waits on. */ _waiter: Future<void> | null = null;
  /** @internal */ _exception: unknown = null;
  /** @internal */ _transport: Transport | null = null;
  /** @internal The transport was paused because the buffer grew past twice the limit. */
  _paused = false;

  /**
   * Make a reader.
   *
   * @param limit The buffer limit in bytes (default 64 KiB).
   * @param loop The loop its reads wait on; by default the running loop at the first wait.
   * @throws {ValueError} When `limit <= 0`.
   */
  constructor(limit: number = DEFAULT_LIMIT, loop?: AbstractEventLoop) {
    this._limit = checkLimit(limit, "StreamReader()");
    this._loop = loop ?? null;
  }

  /** The buffer limit in bytes. */
  get limit(): number {
    return this._limit;
  }

  /** The error set by `setException` (the connection's), or `null`. */
  exception(): unknown {
    return this._exception;
  }

  /**
   * Fail the reader: the waiting read and every later one throw `exc`.
   *
   * @param exc The error.
   */
  setException(exc: unknown): void {
    this._exception = exc;
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setException(exc);
    }
  }

  /** @internal Wake the read waiting for data or EOF. */
  _wakeupWaiter(): void {
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setResult(undefined);
    }
  }

  /**
   * Use `transport` for flow control (pause/resume reading).
   *
   * @param transport The transport feeding this reader.
   */
  setTransport(transport: Transport): void {
    if (this._transport !== null) throw new RuntimeError("Transport already set");
    this._transport = transport;
  }

  /** @internal */
  _maybeResumeTransport(): void {
    if (this._paused && this._size <= this._limit) {
      this._paused = false;
      this._transport!.resumeReading();
    }
  }

  /** The peer sent EOF: reads return what is buffered, then empty arrays. */
  feedEof(): void {
    this._eof = true;
    this._wakeupWaiter();
  }

  /** Whether EOF was fed and the buffer is empty. */
  atEof(): boolean {
    return this._eof && this._size === 0;
  }

  /**
   * Add bytes to the buffer (the reader keeps the array: do not change it
   * afterwards). Pauses the transport above twice the limit.
   *
   * @param data The bytes (a string is added as UTF-8).
   * @throws {RuntimeError} After `feedEof()`.
   */
  feedData(data: BytesLike): void {
    if (this._eof) throw new RuntimeError("feedData() after feedEof()");
    const bytes = toBytes(data, "feedData()");
    if (bytes.length === 0) return;
    this._chunks.push(bytes);
    this._size += bytes.length;
    this._wakeupWaiter();
    const t = this._transport;
    if (t !== null && !this._paused && this._size > 2 * this._limit) {
      if (typeof t.pauseReading !== "function") {
        // The transport cannot pause: buffer everything.
        this._transport = null;
      } else {
        t.pauseReading();
        this._paused = true;
      }
    }
  }

  /** @internal The loop reads wait on. */
  _boundLoop(): AbstractEventLoop {
    const loop = this._loop ??= _getRunningLoop();
    if (loop === null) {
      throw new RuntimeError(
        "StreamReader: waiting for data needs a running event loop; read inside a coroutine " +
          "run by asyncio.run()",
      );
    }
    return loop;
  }

  // --- the buffer --------------------------------------------------------------

  /** @internal Remove and return the first `k` bytes (`k <= _size`). */
  _take(k: number): Uint8Array {
    if (k === 0) return EMPTY;
    const chunks = this._chunks;
    let ci = this._ci;
    let head = this._head;
    const first = chunks[ci];
    const avail = first.length - head;
    let out: Uint8Array;
    if (k <= avail) {
      // A large enough part of one chunk is handed out as a view, a small
      // one as a copy (so a small read does not keep a big chunk alive).
      out = head === 0 && k === first.length
        ? first
        : k * 4 >= first.length
        ? first.subarray(head, head + k)
        : first.slice(head, head + k);
      head += k;
      if (head === first.length) {
        chunks[ci++] = EMPTY;
        head = 0;
      }
    } else {
      out = new Uint8Array(k);
      let at = 0;
      while (at < k) {
        const c = chunks[ci];
        const n = Math.min(c.length - head, k - at);
        out.set(n === c.length ? c : c.subarray(head, head + n), at);
        at += n;
        head += n;
        if (head === c.length) {
          chunks[ci++] = EMPTY;
          head = 0;
        }
      }
    }
    this._size -= k;
    if (this._size === 0) {
      chunks.length = 0;
      ci = 0;
    } else if (ci > 32 && ci * 2 > chunks.length) {
      chunks.splice(0, ci);
      ci = 0;
    }
    this._ci = ci;
    this._head = head;
    return out;
  }

  /** @internal Drop the whole buffer. */
  _clear(): void {
    this._chunks.length = 0;
    this._ci = 0;
    this._head = 0;
    this._size = 0;
  }

  /** @internal The byte at buffer position `pos` (`pos < _size`). */
  _byteAt(pos: number): number {
    const chunks = this._chunks;
    let ci = this._ci;
    let p = pos + this._head;
    while (p >= chunks[ci].length) p -= chunks[ci++].length;
    return chunks[ci][p];
  }

  /** @internal Whether the buffer holds `sep` at position `pos`. */
  _startsWith(sep: Uint8Array, pos: number): boolean {
    if (pos + sep.length > this._size) return false;
    for (let i = 0; i < sep.length; i++) if (this._byteAt(pos + i) !== sep[i]) return false;
    return true;
  }

  /** @internal Python's `buffer.find(sep, offset)` over the chunks. */
  _find(sep: Uint8Array, offset: number): number {
    const chunks = this._chunks;
    const first = sep[0];
    let base = -this._head; // buffer position of the start of chunks[ci]
    for (let ci = this._ci; ci < chunks.length; ci++) {
      const c = chunks[ci];
      let from = Math.max(offset - base, ci === this._ci ? this._head : 0);
      while (from < c.length) {
        const i = c.indexOf(first, from);
        if (i < 0) break;
        const pos = base + i;
        if (sep.length === 1) return pos;
        if (pos + sep.length > this._size) return -1;
        if (this._startsWith(sep, pos)) return pos;
        from = i + 1;
      }
      base += c.length;
    }
    return -1;
  }

  // --- reading -----------------------------------------------------------------

  /**
   * Read a line: bytes up to and including `\n`. At EOF, the partial last
   * line (without `\n`), then empty arrays. A line longer than the limit is
   * a `ValueError`: the line is dropped from the buffer if its end was
   * found, else the whole buffer is dropped (CPython's rule).
   *
   * @returns A coroutine of the line.
   */
  readline(): Coroutine<Uint8Array> {
    return readlineCoro(this);
  }

  /**
   * Read up to and including `separator` (`"\n"` by default; bytes, a
   * string, or a list of them: the shortest match wins). At EOF without it:
   * `IncompleteReadError` with the rest of the buffer as `partial` (the
   * buffer is emptied). Past the limit: `LimitOverrunError` (`consumed`
   * says how far the search went) and the data stays in the buffer.
   *
   * @param separator What to read up to.
   * @returns A coroutine of the bytes, separator included.
   */
  readuntil(
    separator: BytesLike | BytesLike[] = "\n",
  ): Coroutine<Uint8Array> {
    return readuntilCoro(this, separators(separator));
  }

  /**
   * Read up to `n` bytes: what is buffered (at most `n`), waiting only when
   * the buffer is empty. With `n < 0` (the default), read until EOF. An
   * empty array means EOF.
   *
   * @param n The most bytes to return, or -1 for everything until EOF.
   * @returns A coroutine of the bytes.
   */
  read(n = -1): Coroutine<Uint8Array> {
    if (typeof n !== "number" || Number.isNaN(n)) {
      throw new TypeError(`read(): n must be a number of bytes, got ${describe(n)}`);
    }
    return readCoro(this, n);
  }

  /**
   * Read exactly `n` bytes; at EOF before that, `IncompleteReadError` with
   * the bytes read as `partial` and `n` as `expected`.
   *
   * @param n How many bytes.
   * @returns A coroutine of the bytes.
   * @throws {ValueError} When `n < 0`.
   */
  readexactly(n: number): Coroutine<Uint8Array> {
    if (typeof n !== "number" || Number.isNaN(n)) {
      throw new TypeError(`readexactly(): n must be a number of bytes, got ${describe(n)}`);
    }
    if (n < 0) throw new ValueError("readexactly size can not be less than zero");
    return readexactlyCoro(this, n);
  }

  /**
   * The stream in chunks of at most `n` bytes until EOF, for `for await`
   * (aiohttp's `StreamReader.iter_chunked`): each chunk is a `read(n)`, so
   * it is what is buffered (up to `n`), waiting only when nothing is.
   *
   * @param n The largest chunk, in bytes (a positive integer).
   * @returns An async iterator of the chunks.
   * @throws {ValueError} When `n` is not a positive integer.
   *
   * @example
   * ```ts
   * import { run, StreamReader } from "@yieldfrom/asyncio";
   * await run(async () => {
   *   const reader = new StreamReader();
   *   reader.feedData(new TextEncoder().encode("abcdefg"));
   *   reader.feedEof();
   *   for await (const chunk of reader.iterChunked(3)) console.log(chunk.length); // 3, 3, 1
   * });
   * ```
   */
  iterChunked(n: number): AsyncIterableIterator<Uint8Array> {
    if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
      throw new ValueError(`iterChunked(): n must be a positive integer, got ${describe(n)}`);
    }
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        const chunk = await this.read(n);
        return chunk.length === 0
          ? { done: true, value: undefined }
          : { done: false, value: chunk };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** `for await (const line of reader)`: the lines until EOF (Python's `async for`). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        const line = await this.readline();
        return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
      },
    };
  }

  /** Python's repr: `<StreamReader 5 bytes eof limit=10 paused>`. */
  [REPR](): string {
    const info = ["StreamReader"];
    if (this._size > 0) info.push(`${this._size} bytes`);
    if (this._eof) info.push("eof");
    if (this._limit !== DEFAULT_LIMIT) info.push(`limit=${this._limit}`);
    if (this._waiter !== null) info.push(`waiter=${repr(this._waiter)}`);
    if (this._exception !== null) info.push(`exception=${repr(this._exception)}`);
    if (this._transport !== null) info.push(`transport=${repr(this._transport)}`);
    if (this._paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }

  /** The repr. */
  toString(): string {
    return this[REPR]();
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

/** CPython's `_wait_for_data`: wait until feedData or feedEof (resuming a paused transport). */
function* waitForData(r: StreamReader, funcName: string): Coro<void> {
  if (r._waiter !== null) {
    throw new RuntimeError(
      `${funcName}() called while another coroutine is already waiting for incoming data`,
    );
  }
  // Waiting while paused would deadlock (readexactly(n) with n > limit).
  if (r._paused) {
    r._paused = false;
    r._transport!.resumeReading();
  }
  const waiter = r._waiter = r._boundLoop().createFuture<void>();
  try {
    yield* waiter;
  } finally {
    if (r._waiter === waiter) r._waiter = null;
  }
}

const readlineCoro = coroutine(function* readline(r: StreamReader): Coro<Uint8Array> {
  try {
    return yield* readuntilCoro(r, NEWLINE);
  } catch (e) {
    if (e instanceof IncompleteReadError) return e.partial;
    if (e instanceof LimitOverrunError) {
      if (r._startsWith(NEWLINE[0], e.consumed)) r._take(e.consumed + 1);
      else r._clear();
      r._maybeResumeTransport();
      throw new ValueError(e.message);
    }
    throw e;
  }
});

const readuntilCoro = coroutine(function* readuntil(
  r: StreamReader,
  seps: Uint8Array[],
): Coro<Uint8Array> {
  if (r._exception !== null) throw r._exception;
  const minLen = seps[0].length;
  const maxLen = seps[seps.length - 1].length;
  // `offset`: how far from the start of the buffer no separator can start.
  let offset = 0;
  let matchStart = -1;
  let matchEnd = -1;
  for (;;) {
    const buflen = r._size;
    if (buflen - offset >= minLen) {
      for (const sep of seps) {
        const isep = r._find(sep, offset);
        if (isep !== -1) {
          const end = isep + sep.length;
          if (matchEnd === -1 || end < matchEnd) {
            matchEnd = end;
            matchStart = isep;
          }
        }
      }
      if (matchEnd !== -1) break;
      offset = Math.max(0, buflen + 1 - maxLen);
      if (offset > r._limit) {
        throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
      }
    }
    // A complete separator may have arrived with the EOF: check the buffer first.
    if (r._eof) throw new IncompleteReadError(r._take(r._size), null);
    yield* waitForData(r, "readuntil");
  }
  if (matchStart > r._limit) {
    throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
  }
  const chunk = r._take(matchEnd);
  r._maybeResumeTransport();
  return chunk;
});

const readCoro = coroutine(function* read(r: StreamReader, n: number): Coro<Uint8Array> {
  if (r._exception !== null) throw r._exception;
  if (n === 0) return EMPTY;
  if (n < 0) {
    // Read the limit at a time until EOF, so the transport keeps flowing.
    const blocks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const block = yield* readCoro(r, r._limit);
      if (block.length === 0) break;
      blocks.push(block);
      total += block.length;
    }
    if (blocks.length === 1) return blocks[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }
  if (r._size === 0 && !r._eof) yield* waitForData(r, "read");
  const data = r._take(Math.min(n, r._size));
  r._maybeResumeTransport();
  return data;
});

const readexactlyCoro = coroutine(function* readexactly(
  r: StreamReader,
  n: number,
): Coro<Uint8Array> {
  if (r._exception !== null) throw r._exception;
  if (n === 0) return EMPTY;
  while (r._size < n) {
    if (r._eof) throw new IncompleteReadError(r._take(r._size), n);
    yield* waitForData(r, "readexactly");
  }
  const data = r._take(n);
  r._maybeResumeTransport();
  return data;
});

// --- a host stream into a reader ----------------------------------------------------

/**
 * @internal Feeds a {@linkcode StreamReader} from a host `ReadableStream`
 * (an HTTP body): one host read in flight at a time, counted as the loop's
 * host work, and none while the reader's buffer is full (it is the
 * reader's transport: the reader pauses it above twice its limit and
 * resumes it when read down to its limit). Subclasses hook the start and
 * the end of each read, the end of the stream and the mapping of an error.
 */
export class HostStreamFeed {
  /** @internal */ _stream: ReadableStreamDefaultReader<Uint8Array>;
  /** @internal */ _reader: StreamReader;
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal A host read is in flight. */ _reading = false;
  /** @internal The reader asked for a pause. */ _paused = false;
  /** @internal No more reads: EOF, an error, or aborted. */ _closed = false;

  constructor(loop: AbstractEventLoop, stream: ReadableStream<Uint8Array>, reader: StreamReader) {
    this._loop = loop;
    this._stream = stream.getReader();
    this._reader = reader;
    reader.setTransport(this as unknown as Transport);
  }

  /** The reader's buffer went past twice its limit. */
  pauseReading(): void {
    this._paused = true;
  }

  /** The reader was read from down to its limit. */
  resumeReading(): void {
    this._paused = false;
    this._next();
  }

  /** @internal Issue the next host read, unless one is in flight or the reader is full. */
  _next(): void {
    if (this._reading || this._paused || this._closed) return;
    const r = this._reader;
    if (r._size >= r._limit) {
      // Full: the next read of the reader that brings it down resumes us.
      this._paused = true;
      r._paused = true;
      return;
    }
    this._reading = true;
    ioStart(this._loop);
    this._readStarted();
    this._stream.read().then(this._onChunk, this._onError);
  }

  /** @internal A host read starts (a hook). */
  _readStarted(): void {}

  /** @internal The host read in flight settled (a hook). */
  _readSettled(): void {}

  /** @internal The stream ended (a hook), after the reader got its EOF. */
  _ended(): void {}

  /** @internal What the reader sees for a failed host read (a hook). */
  _mapError(e: unknown): unknown {
    return e;
  }

  /** @internal Whether a settled read is still wanted. */
  _settled(): boolean {
    this._reading = false;
    const loop = this._loop;
    if (!loop.isClosed()) ioEnd(loop);
    this._readSettled();
    return !this._closed && !loop.isClosed();
  }

  /** @internal A host read gave a chunk, or the end. */
  readonly _onChunk = (r: ReadableStreamReadResult<Uint8Array>): void => {
    if (!this._settled()) return;
    if (r.done) {
      this._closed = true;
      this._reader.feedEof();
      this._ended();
      return;
    }
    if (r.value.length > 0) this._reader.feedData(r.value);
    this._next();
  };

  /** @internal A host read failed (the connection broke, or the read was aborted). */
  readonly _onError = (e: unknown): void => {
    if (!this._settled()) return;
    this._closed = true;
    this._reader.setException(this._mapError(e));
  };

  /** @internal Stop reading: what is buffered stays readable; a read that would wait fails with `err`. */
  _abort(err: unknown): void {
    if (this._closed) return;
    this._closed = true;
    this._stream.cancel().catch(() => {});
    const r = this._reader;
    if (!r._eof) r.setException(err);
  }

  /** Python-style repr, shown in the reader's. */
  [REPR](): string {
    return `<BodyStream ${this._closed ? "closed" : this._paused ? "paused" : "reading"}>`;
  }
}

// --- flow control for writers -------------------------------------------------------

/**
 * A protocol with write flow control for `StreamWriter.drain()` (CPython's
 * `streams.FlowControlMixin`): it records `pauseWriting`/`resumeWriting`
 * and wakes the writers waiting in `drain()`. A subclass overriding these
 * methods or `connectionLost` must call `super`.
 *
 * @example
 * ```ts
 * import { FlowControlMixin } from "@yieldfrom/asyncio";
 * const p = new FlowControlMixin();
 * p.pauseWriting();
 * p.resumeWriting();
 * ```
 */
export class FlowControlMixin extends Protocol {
  /** @internal */ _loop: AbstractEventLoop | null;
  /** @internal */ _paused = false;
  /** @internal */ _drainWaiters: Future<void>[] = [];
  /** @internal */ _connectionLost = false;

  /**
   * Make the protocol.
   *
   * @param loop Its loop; by default the running loop when it first waits.
   */
  constructor(loop?: AbstractEventLoop) {
    super();
    this._loop = loop ?? null;
  }

  /** The transport's buffer is above its high-water mark: `drain()` waits from now on. */
  override pauseWriting(): void {
    this._paused = true;
  }

  /** The buffer drained: wake the writers waiting in `drain()`. */
  override resumeWriting(): void {
    this._paused = false;
    for (const w of this._drainWaiters) if (!w.done()) w.setResult(undefined);
  }

  /**
   * The connection is lost: writers waiting in `drain()` wake (with `exc`, if any).
   *
   * @param exc The error that ended the connection, or `undefined`.
   */
  override connectionLost(exc: Error | undefined): void {
    this._connectionLost = true;
    // Wake the writers, if they wait.
    if (!this._paused) return;
    for (const w of this._drainWaiters) {
      if (w.done()) continue;
      if (exc === undefined) w.setResult(undefined);
      else w.setException(exc);
    }
  }

  /** @internal What `drain()` waits on. */
  _drainHelper(): Coroutine<void> {
    return drainHelper(this);
  }

  /** @internal The future `StreamWriter.waitClosed()` waits on. */
  _getCloseWaiter(_stream: StreamWriter): Future<void> {
    throw new RuntimeError(`${this.constructor.name} has no close waiter`);
  }
}

const drainHelper = coroutine(function* drainHelper(p: FlowControlMixin): Coro<void> {
  if (p._connectionLost) throw new ConnectionResetError("Connection lost");
  if (!p._paused) return;
  const loop = p._loop ??= getRunningLoop();
  const waiter = loop.createFuture<void>();
  p._drainWaiters.push(waiter);
  try {
    yield* waiter;
  } finally {
    const i = p._drainWaiters.indexOf(waiter);
    if (i >= 0) p._drainWaiters.splice(i, 1);
  }
});

/** What `startServer` calls for each connection: `(reader, writer)`, any style. */
export type ClientConnectedCallback = (
  reader: StreamReader,
  writer: StreamWriter,
) => unknown;

/**
 * The protocol between a transport and a `StreamReader`/`StreamWriter`
 * pair (Python's `asyncio.StreamReaderProtocol`). With a
 * `clientConnected` callback (servers), it makes the writer and calls the
 * callback on `connectionMade`; a coroutine (or promise) result runs as a
 * Task, whose failure is reported and closes the connection.
 *
 * @example
 * ```ts
 * import { StreamReader, StreamReaderProtocol } from "@yieldfrom/asyncio";
 * const reader = new StreamReader();
 * const protocol = new StreamReaderProtocol(reader);
 * protocol.dataReceived(new TextEncoder().encode("hi"));
 * console.log(reader.exception(), reader.atEof()); // null false
 * ```
 */
export class StreamReaderProtocol extends FlowControlMixin {
  /** @internal */ _streamReader: StreamReader | null;
  /** @internal */ _streamWriter: StreamWriter | null = null;
  /** @internal */ _clientConnectedCb: ClientConnectedCallback | null;
  /** @internal The task running the callback's coroutine. */ _task: Task<unknown> | null = null;
  /** @internal */ _transport: Transport | null = null;
  /** @internal */ _overSsl = false;
  /** @internal */ _closed: Future<void> | null = null;

  /**
   * Make the protocol.
   *
   * @param streamReader The reader fed with the connection's data.
   * @param clientConnected Called with `(reader, writer)` once connected (servers).
   * @param loop Its loop; by default the running loop.
   */
  constructor(
    streamReader: StreamReader | null,
    clientConnected?: ClientConnectedCallback | null,
    loop?: AbstractEventLoop,
  ) {
    super(loop ?? _getRunningLoop() ?? undefined);
    this._streamReader = streamReader;
    this._clientConnectedCb = clientConnected ?? null;
    if (this._loop !== null) this._closed = this._loop.createFuture<void>();
  }

  /** @internal */
  _replaceWriter(writer: StreamWriter): void {
    const transport = writer.transport;
    this._streamWriter = writer;
    this._transport = transport;
    this._overSsl = transport.getExtraInfo("sslcontext") !== undefined;
    const reader = this._streamReader;
    if (reader !== null) {
      reader._transport = transport;
      if (reader._paused) transport.pauseReading();
    }
  }

  /**
   * The connection is made: the reader gets the transport; with a callback,
   * the writer is made and the callback called (a coroutine result runs as a Task).
   *
   * @param transport The connection's transport.
   */
  override connectionMade(transport: Transport): void {
    this._transport = transport;
    this._loop ??= getRunningLoop();
    this._closed ??= this._loop.createFuture<void>();
    const reader = this._streamReader;
    if (reader !== null) reader.setTransport(transport);
    this._overSsl = transport.getExtraInfo("sslcontext") !== undefined;
    const cb = this._clientConnectedCb;
    if (cb === null) return;
    const writer = this._streamWriter = new StreamWriter(transport, this, reader, this._loop);
    const res = cb(reader!, writer);
    if (isGeneratorLike(res) || isThenable(res)) {
      const loop = this._loop;
      const task = this._task = loop.createTask(res as Coro<unknown>);
      task.addDoneCallback((t) => {
        if (t.cancelled()) {
          transport.close();
          return;
        }
        const exc = t.exception();
        if (exc !== undefined) {
          loop.callExceptionHandler({
            message: "Unhandled exception in client_connected_cb",
            exception: exc,
            transport,
          });
          transport.close();
        }
      });
    }
  }

  /**
   * The connection is lost: the reader gets EOF (or the error), `waitClosed()` returns.
   *
   * @param exc The error that ended the connection, or `undefined`.
   */
  override connectionLost(exc: Error | undefined): void {
    const reader = this._streamReader;
    if (reader !== null) {
      if (exc === undefined) reader.feedEof();
      else reader.setException(exc);
    }
    const closed = this._closed;
    if (closed !== null && !closed.done()) {
      if (exc === undefined) closed.setResult(undefined);
      else {
        closed.setException(exc);
        // Not a failure nobody saw: the reader reports it (Python's __del__ does this).
        closed.exception();
      }
    }
    super.connectionLost(exc);
    this._streamReader = null;
    this._streamWriter = null;
    this._task = null;
    this._transport = null;
  }

  /**
   * Bytes arrived: they go to the reader.
   *
   * @param data The bytes.
   */
  override dataReceived(data: Uint8Array): void {
    this._streamReader?.feedData(data);
  }

  /**
   * The peer sent EOF: the reader gets it; the connection stays open for writing (not over TLS).
   *
   * @returns Whether to keep the connection open.
   */
  override eofReceived(): boolean {
    this._streamReader?.feedEof();
    // Over TLS the connection cannot stay half-open.
    return !this._overSsl;
  }

  /** @internal */
  override _getCloseWaiter(_stream: StreamWriter): Future<void> {
    return this._closed ??= (this._loop ??= getRunningLoop()).createFuture<void>();
  }
}

// --- StreamWriter -------------------------------------------------------------------

/**
 * Writes to a stream (Python's `asyncio.StreamWriter`): a transport plus
 * `drain()`, which waits while the transport's buffer is above its
 * high-water mark (64 KiB), so a writer that awaits it against a slow peer
 * stops growing its buffer there. Bytes and strings (UTF-8) are written.
 *
 * @example
 * ```ts
 * import { openConnection, run, startServer } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const server = yield* startServer(function* (reader, writer) {
 *     writer.write(yield* reader.readexactly(5));
 *     yield* writer.drain();
 *     writer.close();
 *   }, "127.0.0.1", 0);
 *   const [reader, writer] = yield* openConnection("127.0.0.1", server.sockets[0].port!);
 *   writer.write("hello");
 *   yield* writer.drain();
 *   console.log(new TextDecoder().decode(yield* reader.read())); // hello
 *   writer.close();
 *   yield* writer.waitClosed();
 *   server.close();
 *   yield* server.waitClosed();
 * });
 * ```
 */
export class StreamWriter {
  /** @internal */ _transport: Transport;
  /** @internal */ _protocol: FlowControlMixin;
  /** @internal */ _reader: StreamReader | null;
  /** @internal */ _loop: AbstractEventLoop;

  /**
   * Wrap a transport. `openConnection` and `startServer` make writers.
   *
   * @param transport The transport to write to.
   * @param protocol Its protocol (a `FlowControlMixin`, for `drain`).
   * @param reader The reader of the same connection, or `null`.
   * @param loop The loop.
   */
  constructor(
    transport: Transport,
    protocol: FlowControlMixin,
    reader: StreamReader | null,
    loop: AbstractEventLoop,
  ) {
    this._transport = transport;
    this._protocol = protocol;
    this._reader = reader;
    this._loop = loop;
  }

  /** The transport. */
  get transport(): Transport {
    return this._transport;
  }

  /**
   * Write bytes (a string as UTF-8); follow with `drain()` for flow control.
   *
   * @param data The bytes.
   * @throws {TypeError} When `data` is neither bytes nor a string (the message says what it was).
   */
  write(data: BytesLike): void {
    this._transport.write(data);
  }

  /**
   * Write every item of an iterable.
   *
   * @param data Bytes or strings.
   */
  writelines(data: Iterable<BytesLike>): void {
    this._transport.writelines(data);
  }

  /** Close the write side once the buffer is flushed (the peer reads EOF). */
  writeEof(): void {
    this._transport.writeEof();
  }

  /** Whether `writeEof()` is supported (not over TLS). */
  canWriteEof(): boolean {
    return this._transport.canWriteEof();
  }

  /** Close the connection (buffered data is still sent); see `waitClosed()`. */
  close(): void {
    this._transport.close();
  }

  /** Whether the connection is closing or closed. */
  isClosing(): boolean {
    return this._transport.isClosing();
  }

  /**
   * Wait until the connection is closed: it throws the error that ended it,
   * if one did.
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  waitClosed(): Coroutine<void> {
    return waitClosedCoro(this);
  }

  /**
   * Information about the connection: `"peername"`, `"sockname"`
   * (`[host, port]`), `"socket"`, `"sslcontext"`.
   *
   * @param name What to look up.
   * @param defaultValue What to return when unknown.
   * @returns The value.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return this._transport.getExtraInfo(name, defaultValue);
  }

  /**
   * Wait until the transport's buffer is at or below its low-water mark, if
   * it went above the high-water mark. Throws the connection's error if it
   * was lost (`ConnectionResetError` when it was lost without one).
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  drain(): Coroutine<void> {
    return drainCoro(this);
  }

  /**
   * Upgrade the connection to TLS (a client connection: Deno cannot upgrade
   * the server side). Call it right after reading the data that precedes the
   * handshake.
   *
   * @param ssl `true` or TLS options (`caCerts`).
   * @param options `serverHostname`: the name the certificate must carry (by default the peer's host).
   * @returns A coroutine: `yield*` or `await` it.
   */
  startTls(ssl: boolean | TlsOptions, options?: { serverHostname?: string }): Coroutine<void> {
    return startTlsCoro(this, ssl, options ?? {});
  }

  /** `async with writer`: returns the writer. */
  aenter(): StreamWriter {
    return this;
  }

  /** Leaving `async with writer`: close and wait for the connection to close. */
  aexit(): Coroutine<void> {
    return closeAndWaitCoro(this);
  }

  /** `await using writer = ...`: close and wait. */
  [Symbol.asyncDispose](): PromiseLike<void> {
    return closeAndWaitCoro(this);
  }

  /** Python's repr: `<StreamWriter transport=... reader=...>`. */
  [REPR](): string {
    const info = ["StreamWriter", `transport=${repr(this._transport)}`];
    if (this._reader !== null) info.push(`reader=${repr(this._reader)}`);
    return `<${info.join(" ")}>`;
  }

  /** The repr. */
  toString(): string {
    return this[REPR]();
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

const drainCoro = coroutine(function* drain(w: StreamWriter): Coro<void> {
  const reader = w._reader;
  if (reader !== null) {
    const exc = reader.exception();
    if (exc !== null) throw exc;
  }
  if (w._transport.isClosing()) {
    // Let connectionLost run, so a writer looping on write/drain sees the error.
    yield* sleep(0);
  }
  yield* w._protocol._drainHelper();
});

const waitClosedCoro = coroutine(function* waitClosed(w: StreamWriter): Coro<void> {
  yield* w._protocol._getCloseWaiter(w);
});

const closeAndWaitCoro = coroutine(function* aexit(w: StreamWriter): Coro<void> {
  w.close();
  yield* w._protocol._getCloseWaiter(w);
});

const startTlsCoro = coroutine(function* startTls_(
  w: StreamWriter,
  ssl: boolean | TlsOptions,
  options: { serverHostname?: string },
): Coro<void> {
  const protocol = w._protocol as StreamReaderProtocol;
  const serverSide = protocol._clientConnectedCb !== null &&
    protocol._clientConnectedCb !== undefined;
  yield* drainCoro(w);
  w._transport = yield* startTls(w._loop, w._transport, protocol, ssl, {
    serverSide,
    serverHostname: options.serverHostname,
  });
  protocol._replaceWriter(w);
});

// --- opening connections and servers --------------------------------------------------

/** Options of `openConnection`. */
export interface OpenConnectionOptions extends ConnectionOptions {
  /** The reader's buffer limit (default 64 KiB). */
  limit?: number;
}

/** Options of `startServer`. */
export interface StartServerOptions extends ServerOptions {
  /** Each reader's buffer limit (default 64 KiB). */
  limit?: number;
}

/** Options of `startUnixServer`. */
export interface StartUnixServerOptions extends UnixServerOptions {
  /** Each reader's buffer limit (default 64 KiB). */
  limit?: number;
}

const openConnectionCoro = coroutine(function* openConnection(
  host: string,
  port: number,
  limit: number,
  options: ConnectionOptions,
): Coro<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const reader = new StreamReader(limit, loop);
  const protocol = new StreamReaderProtocol(reader, null, loop);
  const [transport] = yield* createConnection(loop, () => protocol, host, port, options);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
});

/**
 * Connect to `host:port` over TCP (TLS with `ssl`) and return a
 * `[reader, writer]` pair (Python's `asyncio.open_connection`).
 *
 * @param host The host name or address (not empty).
 * @param port The port, 0–65535.
 * @param options `limit` (the reader's, default 64 KiB), `ssl` (`true` or
 * TLS options such as `{ caCerts: [pem] }`), `serverHostname`.
 * @returns A coroutine of `[reader, writer]`: `yield*` or `await` it.
 * @throws {ValueError} At the call, for an empty host, a port out of range, or `limit <= 0`.
 *
 * @example
 * ```ts
 * import { openConnection, run, startServer } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const server = await startServer(async (reader, writer) => {
 *     writer.write(await reader.readline());
 *     await writer.drain();
 *     writer.close();
 *   }, "127.0.0.1", 0);
 *   const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].port!);
 *   writer.write("Hello World!\n");
 *   console.log(new TextDecoder().decode(await reader.readline())); // Hello World!
 *   writer.close();
 *   await writer.waitClosed();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function openConnection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Coroutine<[StreamReader, StreamWriter]> {
  const where = "openConnection()";
  checkHost(host, where);
  const p = checkPort(port, where);
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT, where);
  checkConnectionOptions(options, where);
  return openConnectionCoro(host, p, limit, options);
}

const openUnixCoro = coroutine(function* openUnixConnection(
  path: string,
  limit: number,
): Coro<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const reader = new StreamReader(limit, loop);
  const protocol = new StreamReaderProtocol(reader, null, loop);
  const [transport] = yield* createUnixConnection(loop, () => protocol, path);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
});

/**
 * Connect to the Unix socket at `path` (Python's `asyncio.open_unix_connection`).
 *
 * @param path The socket's path.
 * @param options `limit`: the reader's buffer limit.
 * @returns A coroutine of `[reader, writer]`.
 *
 * @example
 * ```ts
 * import { openUnixConnection, run, startUnixServer } from "@yieldfrom/asyncio";
 * const path = Deno.makeTempDirSync() + "/echo.sock";
 * await run(async () => {
 *   const server = await startUnixServer(async (r, w) => {
 *     w.write(await r.read(100));
 *     w.close();
 *   }, path);
 *   const [reader, writer] = await openUnixConnection(path);
 *   writer.write("over a Unix socket");
 *   console.log(new TextDecoder().decode(await reader.read())); // over a Unix socket
 *   writer.close();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function openUnixConnection(
  path: string,
  options: { limit?: number } = {},
): Coroutine<[StreamReader, StreamWriter]> {
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT, "openUnixConnection()");
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `openUnixConnection(): path must be a non-empty string, got ${describe(path)}`,
    );
  }
  return openUnixCoro(path, limit);
}

/** @internal A callback ready to be called per connection (async functions run lazily, as tasks). */
function clientCallback(cb: unknown, where: string): ClientConnectedCallback {
  if (typeof cb !== "function") {
    throw new TypeError(
      `${where}: clientConnected must be a function (reader, writer) => ..., got ${describe(cb)}`,
    );
  }
  // An async function would start running outside any task: make it a
  // coroutine function, so each call runs as a cancellable task.
  return (Object.prototype.toString.call(cb) === "[object AsyncFunction]"
    ? coroutine(cb as (...args: unknown[]) => Promise<unknown>)
    : cb) as ClientConnectedCallback;
}

function streamFactory(loop: AbstractEventLoop, cb: ClientConnectedCallback, limit: number) {
  return () => new StreamReaderProtocol(new StreamReader(limit, loop), cb, loop);
}

const startServerCoro = coroutine(function* startServer(
  cb: ClientConnectedCallback,
  host: string | string[] | null | undefined,
  port: number,
  limit: number,
  options: ServerOptions,
): Coro<Server> {
  const loop = getRunningLoop();
  return yield* createServer(loop, streamFactory(loop, cb, limit), host, port, options);
});

/**
 * Start a TCP server calling `clientConnected(reader, writer)` for each
 * connection (Python's `asyncio.start_server`). The callback may be a
 * plain, generator or async function; a coroutine result runs as a Task,
 * whose failure is reported and closes that connection.
 *
 * @param clientConnected Called with `(reader, writer)` per connection.
 * @param host The address to listen on; `null` (or `""`) for every interface, or a list.
 * @param port The port; 0 picks a free one (see `server.sockets[0].port`).
 * @param options `limit`, `ssl` (`{ cert, key }`), `reusePort`, `startServing` (default `true`).
 * @returns A coroutine of the `Server`.
 * @throws {ValueError} At the call, for a port out of range or `limit <= 0`.
 *
 * @example
 * ```ts
 * import { openConnection, run, startServer } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const server = await startServer((_reader, writer) => {
 *     writer.write("hello\n");
 *     writer.close();
 *   }, "127.0.0.1", 0);
 *   const [reader] = await openConnection("127.0.0.1", server.sockets[0].port!);
 *   console.log(new TextDecoder().decode(await reader.readline())); // hello
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function startServer(
  clientConnected: ClientConnectedCallback,
  host: string | string[] | null | undefined,
  port: number,
  options: StartServerOptions = {},
): Coroutine<Server> {
  const where = "startServer()";
  const cb = clientCallback(clientConnected, where);
  checkPort(port, where);
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT, where);
  return startServerCoro(cb, host, port, limit, options);
}

const startUnixServerCoro = coroutine(function* startUnixServer(
  cb: ClientConnectedCallback,
  path: string,
  limit: number,
  options: UnixServerOptions,
): Coro<Server> {
  const loop = getRunningLoop();
  return yield* createUnixServer(loop, streamFactory(loop, cb, limit), path, options);
});

/**
 * Start a Unix socket server (Python's `asyncio.start_unix_server`); see
 * `startServer`. A socket file left at `path` by an earlier server is
 * replaced.
 *
 * @param clientConnected Called with `(reader, writer)` per connection.
 * @param path The socket's path.
 * @param options `limit`, `startServing`.
 * @returns A coroutine of the `Server`.
 *
 * @example
 * ```ts
 * import { run, startUnixServer } from "@yieldfrom/asyncio";
 * const path = Deno.makeTempDirSync() + "/s.sock";
 * await run(async () => {
 *   const server = await startUnixServer((_r, w) => w.close(), path);
 *   console.log(server.sockets[0].path === path); // true
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export function startUnixServer(
  clientConnected: ClientConnectedCallback,
  path: string,
  options: StartUnixServerOptions = {},
): Coroutine<Server> {
  const where = "startUnixServer()";
  const cb = clientCallback(clientConnected, where);
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT, where);
  return startUnixServerCoro(cb, path, limit, options);
}
