/**
 * Transports (CPython's `transports.py` and the socket transport of
 * `selector_events.py`): the abstract classes, write flow control, and
 * `SocketTransport`, which runs a protocol over a Deno connection (TCP,
 * Unix socket or TLS).
 *
 * Deno's I/O is promise-based, so the transport keeps at most one host read
 * in flight per socket (no new one is issued while reading is paused), and
 * bridges each completion into the loop as a loop callback, the way `wrap()`
 * does: the protocol's callbacks run in CPython's order, never re-entrantly.
 * The write side counts the bytes handed to `conn.write()` and not yet
 * confirmed, plus the bytes queued behind them, and calls the protocol's
 * `pauseWriting()` above the high-water mark and `resumeWriting()` at or
 * below the low one (64 KiB and 16 KiB by default), as CPython does.
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { _fromDenoError, OSError, RuntimeError, ValueError } from "./errors.ts";
import { describe, REPR, repr } from "./format_helpers.ts";
import { BaseProtocol, BufferedProtocol, type Protocol } from "./protocols.ts";

// --- host operations ------------------------------------------------------------

/**
 * @internal One host I/O operation (read, write, accept, connect...) starts on
 * `loop`: it counts as host work, which a virtual clock waits for only while
 * it is active (see `autojumpThreshold`): a socket waiting on a silent peer
 * never freezes virtual time.
 */
export function ioStart(loop: AbstractEventLoop): void {
  loop._hostWorkAdd(1);
}

/** @internal The host operation counted by {@linkcode ioStart} settled. */
export function ioEnd(loop: AbstractEventLoop): void {
  loop._hostWorkAdd(-1);
}

/**
 * @internal A Future of `loop` for a host promise (a connect, a TLS
 * handshake...), counted as host I/O while pending. Its error is mapped onto
 * Python's OSError family by `mapError`. When nobody waits any more (the
 * future was cancelled, or the loop closed) the value is handed to `dispose`
 * (close the connection that arrived too late).
 */
export function hostFuture<T>(
  loop: AbstractEventLoop,
  start: () => Promise<T>,
  mapError: (e: unknown) => unknown,
  dispose?: (value: T) => void,
): Future<T> {
  const fut = loop.createFuture<T>();
  let promise: Promise<T>;
  try {
    promise = start();
  } catch (e) {
    fut.setException(mapError(e));
    return fut;
  }
  ioStart(loop);
  promise.then((value) => {
    ioEnd(loop);
    if (fut.done() || loop.isClosed()) dispose?.(value);
    else fut.setResult(value);
  }, (e) => {
    ioEnd(loop);
    if (!fut.done() && !loop.isClosed()) fut.setException(mapError(e));
  });
  return fut;
}

const encoder = new TextEncoder();

/**
 * What can be written: bytes (a `Uint8Array`, or any other buffer or view,
 * written as its bytes) or a string (written as UTF-8).
 */
export type BytesLike = string | ArrayBufferView | ArrayBuffer;

/**
 * @internal The bytes of `data` for a write: a `Uint8Array` as it is, other
 * buffers and views as bytes, a string as UTF-8. Anything else is a
 * TypeError that says what was passed.
 */
export function toBytes(data: unknown, where: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError(
    `${where}: data must be bytes (a Uint8Array or another buffer) or a string, not ${
      describe(data)
    }`,
  );
}

// --- abstract transports ------------------------------------------------------------

/**
 * What every transport has (Python's `asyncio.BaseTransport`): extra
 * information about the connection, closing, and its protocol.
 *
 * @example
 * ```ts
 * import { BaseTransport } from "@yieldfrom/asyncio";
 * class Null extends BaseTransport {}
 * console.log(new Null({ peername: ["127.0.0.1", 80] }).getExtraInfo("peername"));
 * ```
 */
export class BaseTransport {
  /** @internal */ _extra: Record<string, unknown>;

  /**
   * Make a transport with extra information.
   *
   * @param extra What `getExtraInfo` answers.
   */
  constructor(extra?: Record<string, unknown>) {
    this._extra = extra ?? {};
  }

  /**
   * Information about the connection: `"peername"` and `"sockname"`
   * (`[host, port]` for TCP, a path for Unix sockets), `"socket"` (the Deno
   * connection), `"sslcontext"` (the TLS options, on TLS connections).
   *
   * @param name What to look up.
   * @param defaultValue What to return when the transport does not know it.
   * @returns The value, or `defaultValue`.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return name in this._extra ? this._extra[name] : defaultValue;
  }

  /** Whether the transport is closing or closed. */
  isClosing(): boolean {
    throw new RuntimeError(`${this.constructor.name} does not implement isClosing()`);
  }

  /**
   * Close the transport: buffered data is still sent, then the protocol's
   * `connectionLost(undefined)` is called.
   */
  close(): void {
    throw new RuntimeError(`${this.constructor.name} does not implement close()`);
  }

  /**
   * Use another protocol from now on.
   *
   * @param _protocol The new protocol.
   */
  setProtocol(_protocol: BaseProtocol): void {
    throw new RuntimeError(`${this.constructor.name} does not implement setProtocol()`);
  }

  /** The protocol. */
  getProtocol(): BaseProtocol {
    throw new RuntimeError(`${this.constructor.name} does not implement getProtocol()`);
  }
}

/**
 * A bidirectional stream transport (Python's `asyncio.Transport`, which is
 * both a `ReadTransport` and a `WriteTransport`). `loop.createConnection`
 * and servers give their protocols one.
 *
 * @example
 * ```ts
 * import { Protocol, type Transport } from "@yieldfrom/asyncio";
 * class Greeter extends Protocol {
 *   override connectionMade(transport: Transport) {
 *     transport.write("hello\n");
 *     transport.close();
 *   }
 * }
 * console.log(typeof new Greeter().connectionMade); // function
 * ```
 */
export abstract class Transport extends BaseTransport {
  /** Whether the transport is reading (not paused, not closing). */
  abstract isReading(): boolean;
  /** Stop calling `dataReceived` until `resumeReading()`. */
  abstract pauseReading(): void;
  /** Call `dataReceived` again. */
  abstract resumeReading(): void;
  /**
   * Write bytes (a string is written as UTF-8). Never blocks: the bytes are
   * buffered and sent in the background; see `pauseWriting` for flow control.
   */
  abstract write(data: BytesLike): void;
  /** Write every item of an iterable of bytes. */
  abstract writelines(list: Iterable<BytesLike>): void;
  /** Close the write side once the buffer is flushed (half-close). */
  abstract writeEof(): void;
  /** Whether `writeEof()` is supported. */
  abstract canWriteEof(): boolean;
  /** Close at once: buffered data is lost; `connectionLost(undefined)` follows. */
  abstract abort(): void;
  /** Bytes waiting to be sent. */
  abstract getWriteBufferSize(): number;
  /** `[low, high]` water marks. */
  abstract getWriteBufferLimits(): [number, number];
  /** Set the high and low water marks of the write buffer. */
  abstract setWriteBufferLimits(high?: number | WriteBufferLimits, low?: number): void;
}

/**
 * The read side of a transport (Python's `asyncio.ReadTransport`).
 * Every `Transport` counts as one (`instanceof` is true).
 *
 * @example
 * ```ts
 * import { ReadTransport, Transport } from "@yieldfrom/asyncio";
 * console.log(Object.getPrototypeOf(Transport) !== ReadTransport); // true: a check, not a base
 * ```
 */
export abstract class ReadTransport extends BaseTransport {
  /** Whether the transport is reading. */
  abstract isReading(): boolean;
  /** Stop calling `dataReceived` until `resumeReading()`. */
  abstract pauseReading(): void;
  /** Call `dataReceived` again. */
  abstract resumeReading(): void;

  /** `instanceof ReadTransport` holds for every Transport as well. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return x instanceof Transport || Function.prototype[Symbol.hasInstance].call(this, x);
  }
}

/**
 * The write side of a transport (Python's `asyncio.WriteTransport`).
 * Every `Transport` counts as one (`instanceof` is true).
 *
 * @example
 * ```ts
 * import { WriteTransport } from "@yieldfrom/asyncio";
 * console.log(typeof WriteTransport); // function
 * ```
 */
export abstract class WriteTransport extends BaseTransport {
  /** Write bytes. */
  abstract write(data: BytesLike): void;
  /** Close without flushing. */
  abstract abort(): void;

  /** `instanceof WriteTransport` holds for every Transport as well. */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return x instanceof Transport || Function.prototype[Symbol.hasInstance].call(this, x);
  }
}

/**
 * A UDP endpoint's transport (Python's `asyncio.DatagramTransport`).
 *
 * @example
 * ```ts
 * import { DatagramTransport } from "@yieldfrom/asyncio";
 * console.log(typeof DatagramTransport.prototype.sendto); // function
 * ```
 */
export abstract class DatagramTransport extends BaseTransport {
  /**
   * Send one datagram.
   *
   * @param data The bytes (a string is sent as UTF-8).
   * @param addr `[host, port]`; may be left out when the endpoint has a remote address.
   */
  abstract sendto(data: BytesLike, addr?: [string, number]): void;
  /** Close at once. */
  abstract abort(): void;
}

/** The write buffer's water marks, in bytes. */
export interface WriteBufferLimits {
  /** Above it, the protocol's `pauseWriting()` is called (default 64 KiB, or 4 × `low`). */
  high?: number;
  /** At or below it, `resumeWriting()` is called (default `high / 4`). */
  low?: number;
}

// --- write flow control (CPython's _FlowControlMixin) ------------------------------

/** @internal What the flow-control helpers need from a transport. */
export interface FlowControlled {
  _loop: AbstractEventLoop;
  _protocol: BaseProtocol;
  _protocolPaused: boolean;
  _high: number;
  _low: number;
  getWriteBufferSize(): number;
}

/** @internal Above the high-water mark: tell the protocol to pause writing. */
export function maybePauseProtocol(t: FlowControlled): void {
  if (t.getWriteBufferSize() <= t._high || t._protocolPaused) return;
  t._protocolPaused = true;
  try {
    t._protocol.pauseWriting();
  } catch (exc) {
    t._loop.callExceptionHandler({
      message: "protocol.pauseWriting() failed",
      exception: exc,
      transport: t,
      protocol: t._protocol,
    });
  }
}

/** @internal At or below the low-water mark: tell the protocol to resume writing. */
export function maybeResumeProtocol(t: FlowControlled): void {
  if (!t._protocolPaused || t.getWriteBufferSize() > t._low) return;
  t._protocolPaused = false;
  try {
    t._protocol.resumeWriting();
  } catch (exc) {
    t._loop.callExceptionHandler({
      message: "protocol.resumeWriting() failed",
      exception: exc,
      transport: t,
      protocol: t._protocol,
    });
  }
}

/** @internal CPython's `_set_write_buffer_limits`, with a ValueError that names the values. */
export function setLimits(
  t: FlowControlled,
  high: number | WriteBufferLimits | undefined | null,
  low: number | undefined | null,
): void {
  if (typeof high === "object" && high !== null) ({ high, low } = high);
  for (const [name, v] of [["high", high], ["low", low]] as const) {
    if (v !== undefined && v !== null && (typeof v !== "number" || Number.isNaN(v))) {
      throw new TypeError(`setWriteBufferLimits(): ${name} must be a number, got ${describe(v)}`);
    }
  }
  let h = high ?? undefined, l = low ?? undefined;
  if (h === undefined) h = l === undefined ? 64 * 1024 : 4 * l;
  if (l === undefined) l = Math.floor(h / 4);
  if (!(h >= l && l >= 0)) {
    throw new ValueError(
      `setWriteBufferLimits(): high (${h}) must be >= low (${l}) must be >= 0`,
    );
  }
  t._high = h;
  t._low = l;
}

// --- host operations and closing, shared by the socket and datagram transports ----------

/** @internal The state a transport on a Deno connection keeps for its host operations and closing. */
export interface HostTransport {
  _loop: AbstractEventLoop;
  _protocol: BaseProtocol;
  _conn: { close(): void };
  /** Host operations in flight on the connection. */
  _ops: number;
  /** The connection was closed on the host. */
  _connClosed: boolean;
  /** connectionLost waits for the operations in flight to settle. */
  _lostWaiting: boolean;
  /** The error connectionLost gets. */
  _lostExc: Error | undefined;
  /** close() or a fatal error. */
  _closing: boolean;
  /** Set once connectionLost is scheduled. */
  _connLost: number;
  /** The connection was handed over (startTls): not this transport's to close. */
  _detached?: boolean;
  /** Drop what waits to be written. */
  _clearWriteBuffer(): void;
  /** After connectionLost ran. */
  _afterLost?(): void;
}

const CALL_LOST = (t: HostTransport): void => callConnectionLost(t);
const NOTIFY_LOST = (t: HostTransport): void => notifyLost(t);

/**
 * @internal A host operation on `t` settled: queue `callback` with the
 * transport on the loop. Once the transport waits to report its loss, the
 * last operation to settle reports it instead; once the loop is closed,
 * the connection is closed.
 *
 * @returns Whether `callback` was queued.
 */
export function opSettled<T extends HostTransport>(t: T, callback: (t: T) => void): boolean {
  t._ops--;
  const loop = t._loop;
  ioEnd(loop);
  if (t._lostWaiting) {
    if (t._ops === 0) {
      t._lostWaiting = false;
      if (!loop.isClosed()) loop._schedule(NOTIFY_LOST, t);
    }
    return false;
  }
  if (loop.isClosed()) {
    closeConn(t);
    return false;
  }
  loop._schedule(callback, t);
  return true;
}

/** @internal Close the connection on the host (once; not one handed over to TLS). */
export function closeConn(t: HostTransport): void {
  if (t._connClosed || t._detached) return;
  t._connClosed = true;
  try {
    t._conn.close();
  } catch {
    // Already closed by the host.
  }
}

/**
 * @internal Close the connection, then tell the protocol once every host
 * operation on it has settled (closing cancels them): the socket is
 * released by then.
 */
export function callConnectionLost(t: HostTransport): void {
  closeConn(t);
  if (t._ops > 0) t._lostWaiting = true;
  else notifyLost(t);
}

/** @internal The protocol's connectionLost, its failure reported to the loop. */
export function notifyLost(t: HostTransport): void {
  try {
    t._protocol.connectionLost(t._lostExc);
  } catch (e) {
    t._loop.callExceptionHandler({
      message: "Exception in protocol.connectionLost()",
      exception: e,
      transport: t,
      protocol: t._protocol,
    });
  } finally {
    t._afterLost?.();
  }
}

/**
 * @internal `close()`: stop; once nothing waits to be written (`drained`,
 * or later when the last write completes), close and call connectionLost.
 */
export function closeTransport(t: HostTransport, drained: boolean): void {
  if (t._closing) return;
  t._closing = true;
  if (drained) {
    t._connLost++;
    t._lostExc = undefined;
    t._loop._schedule(CALL_LOST, t);
  }
}

/** @internal Close at once, dropping what waits to be written; connectionLost(exc) follows. */
export function forceClose(t: HostTransport, exc: Error | undefined): void {
  if (t._connLost) return;
  t._clearWriteBuffer();
  t._closing = true;
  t._connLost++;
  t._lostExc = exc;
  t._loop._schedule(CALL_LOST, t);
}

/**
 * @internal CPython's `_fatal_error`: an error that is not an OSError (a
 * protocol callback that threw...) is reported to the loop; either way the
 * transport closes with it.
 */
export function fatalError(t: HostTransport, exc: unknown, message: string): void {
  if (!(exc instanceof OSError)) {
    t._loop.callExceptionHandler({
      message,
      exception: exc,
      transport: t,
      protocol: t._protocol,
    });
  }
  forceClose(t, exc as Error);
}

// --- the socket transport -------------------------------------------------------------

/** The smallest read buffer, kept by an idle connection. */
const MIN_READ = 8 * 1024;
/** The largest read, as CPython's `max_size`. */
const MAX_READ = 256 * 1024;
/** CPython's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
const CONNLOST_WRITES_WARNING = 5;

/** What a socket transport runs on: Deno's TCP, Unix or TLS connection. */
export type SocketKind = "tcp" | "unix" | "tls";

/** @internal What a transport tells its server (see server.ts). */
export interface TransportOwner {
  _attach(t: SocketTransport): void;
  _detach(t: SocketTransport): void;
}

// The loop callbacks of a transport: module functions queued with the
// transport as argument (no closure, no Handle per event).
const MADE = (t: SocketTransport): void => t._connectionMade();
const START_READING = (t: SocketTransport): void => t._startReading();
const READ_DONE = (t: SocketTransport): void => t._readDone();
const DELIVER_HELD = (t: SocketTransport): void => {
  if (t._held && !t._paused && !t._closing) t._deliver();
};
const WRITE_DONE = (t: SocketTransport): void => t._writeDone();
const WAKE_IDLE = (t: SocketTransport): void => {
  const waiters = t._idleWaiters;
  if (waiters === null || t._ops > 0) return;
  t._idleWaiters = null;
  for (const w of waiters) if (!w.done()) w.setResult(undefined);
};
const SET_WAITER = (fut: Future<unknown>): void => {
  if (!fut.done()) fut.setResult(undefined);
};

/** @internal `[host, port]` of a Deno address, or its path for a Unix socket. */
export function addrInfo(addr: Deno.Addr | undefined): unknown {
  if (addr === undefined) return null;
  if (addr.transport === "tcp" || addr.transport === "udp") return [addr.hostname, addr.port];
  return (addr as Deno.UnixAddr).path ?? "";
}

/**
 * The transport of a stream connection on Deno (CPython's
 * `_SelectorSocketTransport`): TCP, Unix socket or TLS. Made by
 * `loop.createConnection`, `openConnection` and servers; not constructed
 * directly.
 *
 * @example
 * ```ts
 * import { openConnection, run, SocketTransport, startServer } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const server = await startServer((_r, w) => w.close(), "127.0.0.1", 0);
 *   const [, writer] = await openConnection("127.0.0.1", server.sockets[0].port!);
 *   console.log(writer.transport instanceof SocketTransport); // true
 *   writer.close();
 *   await writer.waitClosed();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export class SocketTransport extends Transport implements FlowControlled, HostTransport {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal */ _conn: Deno.Conn;
  /** @internal */ _kind: SocketKind;
  /** @internal */ _protocol!: BaseProtocol;
  /** @internal The protocol reads into its own buffers. */ _buffered = false;
  /** @internal */ _server: TransportOwner | null;
  /** @internal close() or a fatal error. */ _closing = false;
  /** @internal Set once connectionLost is scheduled (and counts writes after it). */
  _connLost = 0;
  /** @internal writeEof() was called. */ _eof = false;
  /** @internal pauseReading() is in effect. */ _paused = false;
  /** @internal The peer's EOF was seen: no more reads. */ _readEof = false;
  /** @internal The connection was handed over (startTls): this transport is done with it. */
  _detached = false;
  /** @internal startTls is taking the connection over: no new read. */ _detaching = false;
  /** @internal Futures waiting for every host operation to settle (startTls). */
  _idleWaiters: Future<void>[] | null = null;

  // Read side: one host read in flight at most.
  /** @internal */ _reading = false;
  /** @internal The buffer the next read goes into (not for a BufferedProtocol). */
  _rbuf: Uint8Array | null = null;
  /** @internal The size of the next read buffer. */ _rsize = MIN_READ;
  /** @internal The last read's byte count (`null` at EOF). */ _rn: number | null = 0;
  /** @internal The last read's error. */ _rerr: unknown = undefined;
  /** @internal A read finished while paused: delivered on resumeReading(). */ _held = false;

  // Write side: one host write in flight at most, the rest queued in one buffer.
  /** @internal Bytes not yet confirmed written (in flight and queued). */ _wsize = 0;
  /** @internal What the write in flight writes from. */ _inflight: Uint8Array | null = null;
  /** @internal How much of it is written. */ _inOff = 0;
  /** @internal */ _writing = false;
  /** @internal Bytes queued behind the write in flight. */ _pend: Uint8Array | null = null;
  /** @internal */ _pendLen = 0;
  /** @internal The last write's byte count. */ _wn = 0;
  /** @internal The last write's error. */ _werr: unknown = undefined;

  /** @internal Host operations in flight on the connection. */ _ops = 0;
  /** @internal The connection was closed on the host. */ _connClosed = false;
  /** @internal connectionLost waits for the operations in flight to settle. */ _lostWaiting =
    false;
  /** @internal */ _lostExc: Error | undefined = undefined;

  /** @internal */ _protocolPaused = false;
  /** @internal */ _high = 64 * 1024;
  /** @internal */ _low = 16 * 1024;

  /** @internal */ _onRead: (n: number | null) => void;
  /** @internal */ _onReadError: (e: unknown) => void;
  /** @internal */ _onWrite: (n: number) => void;
  /** @internal */ _onWriteError: (e: unknown) => void;

  /**
   * @internal Made by connections and servers: runs `protocol` over `conn`.
   * Schedules `connectionMade`, then the first read, then `waiter`'s result.
   */
  constructor(
    loop: AbstractEventLoop,
    conn: Deno.Conn,
    protocol: BaseProtocol,
    kind: SocketKind,
    extra?: Record<string, unknown>,
    server?: TransportOwner | null,
    waiter?: Future<unknown> | null,
    callConnectionMade = true,
  ) {
    super({
      peername: addrInfo(conn.remoteAddr),
      sockname: addrInfo(conn.localAddr),
      socket: conn,
      ...extra,
    });
    this._loop = loop;
    this._conn = conn;
    this._kind = kind;
    this.setProtocol(protocol);
    this._server = server ?? null;
    this._onRead = (n) => {
      this._rn = n;
      this._rerr = undefined;
      this._settled(READ_DONE);
    };
    this._onReadError = (e) => {
      this._rn = 0;
      this._rerr = e;
      this._settled(READ_DONE);
    };
    this._onWrite = (n) => {
      this._wn = n;
      this._werr = undefined;
      this._settled(WRITE_DONE);
    };
    this._onWriteError = (e) => {
      this._wn = 0;
      this._werr = e;
      this._settled(WRITE_DONE);
    };
    if (kind === "tcp") {
      // Small writes go out at once, as CPython's transports do (TCP_NODELAY).
      try {
        (conn as Deno.TcpConn).setNoDelay(true);
      } catch {
        // Not a plain TCP connection (or already closed): nothing to do.
      }
    }
    this._server?._attach(this);
    if (callConnectionMade) loop._schedule(MADE, this);
    // Reading starts once connectionMade has run.
    loop._schedule(START_READING, this);
    if (waiter) loop._schedule(SET_WAITER, waiter);
  }

  /** @internal A host operation settled: bring its outcome into the loop. */
  _settled(callback: (t: SocketTransport) => void): void {
    if (opSettled(this, callback) && this._ops === 0 && this._idleWaiters !== null) {
      this._loop._schedule(WAKE_IDLE, this);
    }
  }

  /** @internal A future done once no host operation is in flight on the connection. */
  _whenIdle(): Future<void> {
    const fut = this._loop.createFuture<void>();
    if (this._ops === 0) fut.setResult(undefined);
    else (this._idleWaiters ??= []).push(fut);
    return fut;
  }

  /** @internal Start a host operation on the connection. */
  _op<T>(start: () => Promise<T>, ok: (v: T) => void, fail: (e: unknown) => void): void {
    this._ops++;
    ioStart(this._loop);
    let p: Promise<T>;
    try {
      p = start();
    } catch (e) {
      fail(e);
      return;
    }
    p.then(ok, fail);
  }

  /**
   * Use another protocol from now on (a `BufferedProtocol` gets reads into its buffers).
   *
   * @param protocol The new protocol.
   */
  override setProtocol(protocol: BaseProtocol): void {
    if (
      !(protocol instanceof BaseProtocol) && (typeof protocol !== "object" || protocol === null)
    ) {
      throw new TypeError(`setProtocol(): expected a protocol, got ${describe(protocol)}`);
    }
    this._protocol = protocol;
    this._buffered = protocol instanceof BufferedProtocol ||
      (typeof (protocol as BufferedProtocol).getBuffer === "function" &&
        typeof (protocol as BufferedProtocol).bufferUpdated === "function");
  }

  /** The protocol. */
  override getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /** Whether `close()` or `abort()` was called, or the connection failed. */
  override isClosing(): boolean {
    return this._closing;
  }

  /** Whether the transport reads: not paused and not closing. */
  isReading(): boolean {
    return !this._closing && !this._paused;
  }

  /**
   * Stop calling `dataReceived`: no new host read is issued; a read already
   * in flight keeps its bytes until `resumeReading()`.
   */
  pauseReading(): void {
    if (!this.isReading()) return;
    this._paused = true;
  }

  /** Deliver what arrived while paused (as a loop callback) and read again. */
  resumeReading(): void {
    if (this._closing || !this._paused) return;
    this._paused = false;
    if (this._held) this._loop._schedule(DELIVER_HELD, this);
    else this._startReading();
  }

  // --- reading ---------------------------------------------------------------------

  /** @internal */
  _connectionMade(): void {
    if (this._connLost) return;
    try {
      this._protocol.connectionMade(this);
    } catch (exc) {
      fatalError(this, exc, "Fatal error: protocol.connectionMade() call failed.");
    }
  }

  /** @internal Issue the next host read, unless one is in flight or reading stopped. */
  _startReading(): void {
    if (
      this._reading || this._paused || this._closing || this._readEof || this._held ||
      this._detaching || this._detached
    ) return;
    let buf: Uint8Array;
    if (this._buffered) {
      try {
        buf = (this._protocol as BufferedProtocol).getBuffer(-1);
        if (!(buf instanceof Uint8Array)) {
          throw new TypeError(`getBuffer() must return a Uint8Array, got ${describe(buf)}`);
        }
        if (buf.length === 0) throw new RuntimeError("getBuffer() returned an empty buffer");
      } catch (exc) {
        fatalError(this, exc, "Fatal error: protocol.getBuffer() call failed.");
        return;
      }
    } else {
      buf = this._rbuf ??= new Uint8Array(this._rsize);
    }
    this._reading = true;
    const conn = this._conn;
    this._op(() => conn.read(buf), this._onRead, this._onReadError);
  }

  /** @internal A host read settled (a loop callback). */
  _readDone(): void {
    this._reading = false;
    // close() stops reading: what arrives afterwards is dropped, as CPython
    // stops polling the socket.
    if (this._closing || this._detached) return;
    if (this._paused) {
      this._held = true;
      return;
    }
    this._deliver();
  }

  /** @internal Hand the last read's outcome to the protocol. */
  _deliver(): void {
    this._held = false;
    const err = this._rerr;
    if (err !== undefined) {
      this._rerr = undefined;
      fatalError(this, _fromDenoError(err), "Fatal read error on socket transport");
      return;
    }
    const n = this._rn;
    if (n === null) {
      this._readEof = true;
      this._eofReceived();
      return;
    }
    if (n > 0) {
      try {
        if (this._buffered) (this._protocol as BufferedProtocol).bufferUpdated(n);
        else (this._protocol as Protocol).dataReceived(this._takeChunk(n));
      } catch (exc) {
        fatalError(
          this,
          exc,
          `Fatal error: protocol.${
            this._buffered ? "bufferUpdated" : "dataReceived"
          }() call failed.`,
        );
        return;
      }
    }
    // The next read is issued in the next iteration, after the code the data
    // woke up has run: it may pause reading or hand the connection over to
    // TLS (Deno cannot take a connection with a read in flight).
    if (!this._paused && !this._closing) this._loop._schedule(START_READING, this);
  }

  /** @internal The `n` bytes just read, as an array the protocol may keep. */
  _takeChunk(n: number): Uint8Array {
    const buf = this._rbuf!;
    const size = buf.length;
    // A full buffer means more is waiting: read more at once next time. A
    // short read means the socket is drained: the next read will wait, with
    // the smallest buffer.
    this._rsize = n === size ? Math.min(size * 2, MAX_READ) : MIN_READ;
    if (n > size >> 1) {
      this._rbuf = null; // handed over without a copy
      return n === size ? buf : buf.subarray(0, n);
    }
    if (size !== this._rsize) this._rbuf = null;
    return buf.slice(0, n);
  }

  /** @internal */
  _eofReceived(): void {
    let keepOpen: unknown;
    try {
      keepOpen = (this._protocol as Protocol).eofReceived?.();
    } catch (exc) {
      fatalError(this, exc, "Fatal error: protocol.eofReceived() call failed.");
      return;
    }
    // With keepOpen the transport stays open for writing; reading is over.
    if (!keepOpen) this.close();
  }

  // --- writing ---------------------------------------------------------------------

  /**
   * Write bytes (a string is written as UTF-8). The bytes are copied (as
   * Python's bytes cannot change) and sent in the background; the write
   * buffer counts them until the host confirms them.
   *
   * @param data The bytes.
   * @throws {TypeError} When `data` is not bytes or a string.
   * @throws {RuntimeError} After `writeEof()`.
   */
  write(data: BytesLike): void {
    const bytes = toBytes(data, "write()");
    if (this._eof) throw new RuntimeError("Cannot call write() after writeEof()");
    if (bytes.length === 0) return;
    if (this._connLost) {
      this._lostWrite();
      return;
    }
    this._append(bytes, typeof data === "string");
    maybePauseProtocol(this);
  }

  /**
   * Write every item of an iterable of bytes or strings.
   *
   * @param list The items.
   */
  writelines(list: Iterable<BytesLike>): void {
    if (this._eof) throw new RuntimeError("Cannot call writelines() after writeEof()");
    if (list === null || typeof (list as Iterable<unknown>)?.[Symbol.iterator] !== "function") {
      throw new TypeError(`writelines(): expected an iterable of bytes, got ${describe(list)}`);
    }
    const items = [...list].map((d) =>
      [toBytes(d, "writelines()"), typeof d === "string"] as const
    );
    if (this._connLost) {
      if (items.some(([b]) => b.length > 0)) this._lostWrite();
      return;
    }
    for (const [bytes, owned] of items) if (bytes.length > 0) this._append(bytes, owned);
    maybePauseProtocol(this);
  }

  /** @internal A write on a lost connection is dropped; many of them are reported once. */
  _lostWrite(): void {
    if (this._connLost >= CONNLOST_WRITES_WARNING) {
      console.warn("socket.send() raised exception.");
    }
    this._connLost++;
  }

  /** @internal Queue bytes (owned: no copy needed) and start writing if idle. */
  _append(bytes: Uint8Array, owned: boolean): void {
    const n = bytes.length;
    this._wsize += n;
    if (!this._writing) {
      this._inflight = owned ? bytes : bytes.slice();
      this._inOff = 0;
      this._flush();
      return;
    }
    const need = this._pendLen + n;
    let pend = this._pend;
    if (pend === null || need > pend.length) {
      const grown = new Uint8Array(Math.max(need * 2, 4096));
      if (pend !== null) grown.set(pend.subarray(0, this._pendLen));
      this._pend = pend = grown;
    }
    pend.set(bytes, this._pendLen);
    this._pendLen = need;
  }

  /** @internal Write what is left of the buffer in flight. */
  _flush(): void {
    this._writing = true;
    const data = this._inOff === 0 ? this._inflight! : this._inflight!.subarray(this._inOff);
    const conn = this._conn;
    this._op(() => conn.write(data), this._onWrite, this._onWriteError);
  }

  /** @internal A host write settled (a loop callback). */
  _writeDone(): void {
    this._writing = false;
    if (this._connLost && this._wsize === 0) return; // aborted meanwhile
    const err = this._werr;
    if (err !== undefined) {
      this._werr = undefined;
      this._clearWriteBuffer();
      fatalError(this, _fromDenoError(err), "Fatal write error on socket transport");
      return;
    }
    const n = this._wn;
    this._wsize -= n;
    this._inOff += n;
    if (this._inOff < this._inflight!.length) {
      this._flush();
    } else if (this._pendLen > 0) {
      this._inflight = this._pend!.subarray(0, this._pendLen);
      this._inOff = 0;
      this._pend = null;
      this._pendLen = 0;
      this._flush();
    } else {
      this._inflight = null;
    }
    maybeResumeProtocol(this); // may write more
    if (this._wsize === 0) {
      if (this._closing) {
        if (!this._connLost) {
          this._connLost++;
          this._lostExc = undefined;
          callConnectionLost(this);
        }
      } else if (this._eof) {
        this._shutdownWrite();
      }
    }
  }

  /** @internal */
  _clearWriteBuffer(): void {
    this._wsize = 0;
    this._inflight = null;
    this._inOff = 0;
    this._pend = null;
    this._pendLen = 0;
  }

  /** @internal Half-close: the peer reads EOF. */
  _shutdownWrite(): void {
    const conn = this._conn;
    const done = (): void => this._settled(NOOP);
    this._op(() => conn.closeWrite(), done, done);
  }

  /**
   * Close the write side after the buffered data is sent: the peer reads
   * EOF, and this side can still read.
   */
  writeEof(): void {
    if (this._closing || this._eof) return;
    this._eof = true;
    if (this._wsize === 0) this._shutdownWrite();
  }

  /** Whether `writeEof()` is supported: yes, except on TLS (as CPython's SSL transport). */
  canWriteEof(): boolean {
    return this._kind !== "tls";
  }

  /** Bytes buffered and not yet confirmed written by the host. */
  getWriteBufferSize(): number {
    return this._wsize;
  }

  /** The write buffer's `[low, high]` water marks. */
  getWriteBufferLimits(): [number, number] {
    return [this._low, this._high];
  }

  /**
   * Set the write buffer's water marks: `setWriteBufferLimits({ high, low })`
   * or `setWriteBufferLimits(high, low)`. Without `low` it is `high / 4`;
   * without `high` it is `4 * low` (64 KiB when neither is given).
   *
   * @param high The high-water mark, or `{ high, low }`.
   * @param low The low-water mark.
   * @throws {ValueError} Unless `high >= low >= 0`.
   */
  setWriteBufferLimits(high?: number | WriteBufferLimits, low?: number): void {
    setLimits(this, high, low);
    maybePauseProtocol(this);
  }

  // --- closing ---------------------------------------------------------------------

  /**
   * Close: no more reading; buffered data is still sent, then the
   * connection closes and the protocol's `connectionLost(undefined)` runs.
   */
  override close(): void {
    closeTransport(this, this._wsize === 0);
  }

  /** Close at once: buffered data is dropped; `connectionLost(undefined)` follows. */
  abort(): void {
    forceClose(this, undefined);
  }

  /** @internal After connectionLost: release the buffer, leave the server. */
  _afterLost(): void {
    this._rbuf = null;
    const server = this._server;
    this._server = null;
    server?._detach(this);
  }

  // --- repr --------------------------------------------------------------------------

  /** Python's repr: `<SocketTransport peername=('127.0.0.1', 8888) read=polling write=<idle, bufsize=0>>`. */
  [REPR](): string {
    const info = [this.constructor.name];
    if (this._connClosed) info.push("closed");
    else if (this._closing) info.push("closing");
    const peer = this._extra.peername;
    info.push(
      `peername=${Array.isArray(peer) ? `(${peer.map((p) => repr(p)).join(", ")})` : repr(peer)}`,
    );
    if (!this._connClosed) {
      info.push(`read=${this._reading ? "polling" : "idle"}`);
      info.push(`write=<${this._writing ? "polling" : "idle"}, bufsize=${this._wsize}>`);
    }
    return `<${info.join(" ")}>`;
  }

  /** The repr. */
  override toString(): string {
    return this[REPR]();
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

const NOOP = (): void => {};
