/**
 * Subprocesses (CPython's `asyncio/subprocess.py` and `base_subprocess.py`),
 * on `Deno.Command(...).spawn()`.
 *
 * `loop.subprocessExec` / `loop.subprocessShell` start a child and run a
 * `SubprocessProtocol` on it through a `SubprocessTransport`, whose pipe
 * transports read the child's stdout and stderr (one host read in flight
 * per pipe, none while paused: a reader that stops reading lets the OS pipe
 * fill and the child block, as in CPython) and write its stdin with
 * CPython's write flow control. `createSubprocessExec` /
 * `createSubprocessShell` wrap them in a `Process` with `StreamReader`s and
 * a `StreamWriter`.
 *
 * Deno cannot send a child's stderr into its stdout pipe; `stderr: STDOUT`
 * runs the child through `/bin/sh`, which redirects (see
 * `docs/subprocess.md`).
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import { getRunningLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { gather } from "./combinators.ts";
import {
  _fromDenoError,
  _osError,
  BrokenPipeError,
  ConnectionResetError,
  FileNotFoundError,
  OSError,
  PermissionError,
  ProcessLookupError,
  ValueError,
} from "./errors.ts";
import { describe, REPR, repr } from "./format_helpers.ts";
import type { BaseProtocol, SubprocessProtocol } from "./protocols.ts";
import {
  BaseTransport,
  type BytesLike,
  type FlowControlled,
  hostFuture,
  ioEnd,
  ioStart,
  maybePauseProtocol,
  maybeResumeProtocol,
  ReadTransport,
  setLimits,
  toBytes,
  type Transport,
  type WriteBufferLimits,
  WriteTransport,
} from "./transports.ts";
import { checkFactory, makeProtocol, type ProtocolFactory } from "./server.ts";
import { resolveSignal } from "./signals.ts";
import { DEFAULT_LIMIT, FlowControlMixin, StreamReader, StreamWriter } from "./streams.ts";

/**
 * Connect the stream to a new pipe (Python's `subprocess.PIPE`, -1).
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("echo", "piped", { stdout: PIPE });
 *   console.log(new TextDecoder().decode(await proc.stdout!.read())); // piped
 *   await proc.wait();
 * });
 * ```
 */
export const PIPE: -1 = -1;
/**
 * `stderr` only: send the child's stderr into its stdout pipe (Python's
 * `subprocess.STDOUT`, -2). Runs the child through `/bin/sh`, which
 * redirects; see docs/subprocess.md.
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, run, STDOUT } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("sh", "-c", "echo err >&2", { stdout: PIPE, stderr: STDOUT });
 *   const [out, err] = await proc.communicate();
 *   console.log(new TextDecoder().decode(out!), err); // err\n null
 * });
 * ```
 */
export const STDOUT: -2 = -2;
/**
 * Connect the stream to `/dev/null` (Python's `subprocess.DEVNULL`, -3).
 *
 * @example
 * ```ts
 * import { createSubprocessExec, DEVNULL, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("echo", "unseen", { stdout: DEVNULL });
 *   console.log(await proc.wait()); // 0
 * });
 * ```
 */
export const DEVNULL: -3 = -3;

/** What a child's stream is connected to: `PIPE`, `DEVNULL`, `STDOUT` (stderr only), or `null`/`undefined` (inherited). */
export type StdioOption = typeof PIPE | typeof DEVNULL | typeof STDOUT | null | undefined;

/** Options of `createSubprocessExec`, `createSubprocessShell` and the loop's methods. */
export interface SubprocessOptions {
  /** `PIPE`, `DEVNULL` or `null` (inherit, the default). */
  stdin?: StdioOption;
  /** `PIPE`, `DEVNULL` or `null` (inherit, the default). */
  stdout?: StdioOption;
  /** `PIPE`, `DEVNULL`, `STDOUT` or `null` (inherit, the default). */
  stderr?: StdioOption;
  /** The child's working directory. */
  cwd?: string | URL;
  /** The child's whole environment (it replaces the parent's, as in Python). */
  env?: Record<string, string>;
}

/** Options of `createSubprocessExec` and `createSubprocessShell`. */
export interface ProcessOptions extends SubprocessOptions {
  /** The buffer limit of the stdout and stderr readers (default 64 KiB). */
  limit?: number;
}

const OPTION_KEYS = new Set(["stdin", "stdout", "stderr", "cwd", "env", "limit"]);

// --- pipe transports ------------------------------------------------------------------

/** What a pipe transport tells: CPython's `WriteSubprocessPipeProto` / `ReadSubprocessPipeProto`. */
class PipeProto {
  disconnected = false;
  pipe: ReadPipeTransport | WritePipeTransport | null = null;
  constructor(public proc: SubprocessTransport | null, public fd: number) {}

  connectionMade(t: ReadPipeTransport | WritePipeTransport): void {
    this.pipe = t;
  }

  connectionLost(exc: Error | undefined): void {
    this.disconnected = true;
    this.proc!._pipeConnectionLost(this.fd, exc);
    this.proc = null;
  }

  pauseWriting(): void {
    this.proc?._protocol?.pauseWriting();
  }

  resumeWriting(): void {
    this.proc?._protocol?.resumeWriting();
  }

  dataReceived(data: Uint8Array): void {
    this.proc?._pipeDataReceived(this.fd, data);
  }
}

/** CPython's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
const CONNLOST_WRITES_WARNING = 5;

const PIPE_READ_DONE = (t: ReadPipeTransport): void => t._readDone();
const PIPE_START = (t: ReadPipeTransport): void => t._startReading();
const PIPE_LOST = (t: ReadPipeTransport | WritePipeTransport): void => t._callConnectionLost();

/**
 * The read end of a child's stdout or stderr (CPython's
 * `_UnixReadPipeTransport`). Made by `SubprocessTransport`; see
 * `getPipeTransport(1)`.
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, ReadPipeTransport, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("echo", "hi", { stdout: PIPE });
 *   console.log(proc._transport.getPipeTransport(1) instanceof ReadPipeTransport); // true
 *   await proc.communicate();
 * });
 * ```
 */
export class ReadPipeTransport extends ReadTransport {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal */ _protocol: PipeProto;
  /** @internal */ _reader: ReadableStreamDefaultReader<Uint8Array>;
  /** @internal */ _closing = false;
  /** @internal */ _paused = false;
  /** @internal */ _reading = false;
  /** @internal */ _eof = false;
  /** @internal A read finished while paused. */ _held = false;
  /** @internal */ _result: ReadableStreamReadResult<Uint8Array> | null = null;
  /** @internal */ _error: unknown = undefined;
  /** @internal */ _lost = false;
  /** @internal The error connectionLost gets. */ _lostExc: Error | undefined = undefined;
  /** @internal */ _onRead: (r: ReadableStreamReadResult<Uint8Array>) => void;
  /** @internal */ _onError: (e: unknown) => void;

  /** @internal */
  constructor(loop: AbstractEventLoop, stream: ReadableStream<Uint8Array>, protocol: PipeProto) {
    super({ pipe: stream });
    this._loop = loop;
    this._protocol = protocol;
    this._reader = stream.getReader();
    this._onRead = (r) => {
      this._result = r;
      this._settled();
    };
    this._onError = (e) => {
      this._error = e;
      this._settled();
    };
    protocol.connectionMade(this);
  }

  /** @internal */
  _settled(): void {
    ioEnd(this._loop);
    if (this._loop.isClosed()) {
      this._reader.cancel().catch(() => {});
      return;
    }
    this._loop._schedule(PIPE_READ_DONE, this);
  }

  /** @internal Issue the next read, unless one is in flight or reading stopped. */
  _startReading(): void {
    if (this._reading || this._paused || this._closing || this._eof || this._held) return;
    this._reading = true;
    ioStart(this._loop);
    this._reader.read().then(this._onRead, this._onError);
  }

  /** @internal */
  _readDone(): void {
    this._reading = false;
    if (this._closing) return;
    if (this._paused) {
      this._held = true;
      return;
    }
    this._deliver();
  }

  /** @internal */
  _deliver(): void {
    this._held = false;
    const err = this._error;
    if (err !== undefined) {
      this._error = undefined;
      this._forceClose(_fromDenoError(err) as Error);
      return;
    }
    const r = this._result!;
    this._result = null;
    if (r.done) {
      // CPython: eof_received (the pipe protocol has none), then connection_lost(None).
      this._eof = true;
      this._closing = true;
      this._loop._schedule(PIPE_LOST, this);
      return;
    }
    try {
      this._protocol.dataReceived(r.value);
    } catch (exc) {
      this._loop.callExceptionHandler({
        message: "Fatal error: protocol.dataReceived() call failed.",
        exception: exc,
        transport: this,
      });
      this._forceClose(exc as Error);
      return;
    }
    this._startReading();
  }

  /** Whether the transport reads (not paused, not closing). */
  isReading(): boolean {
    return !this._closing && !this._paused;
  }

  /** Stop reading: no new host read; the child blocks once the OS pipe is full. */
  pauseReading(): void {
    if (!this.isReading()) return;
    this._paused = true;
  }

  /** Read again (what arrived while paused is delivered first). */
  resumeReading(): void {
    if (this._closing || !this._paused) return;
    this._paused = false;
    if (this._held) {
      this._loop._schedule((t: ReadPipeTransport) => {
        if (t._held && !t._paused && !t._closing) t._deliver();
      }, this);
    } else this._startReading();
  }

  /** Whether the transport is closing or closed. */
  override isClosing(): boolean {
    return this._closing;
  }

  /** Close the pipe: nothing more is read; `connectionLost(undefined)` follows. */
  override close(): void {
    if (this._closing) return;
    this._forceClose(undefined);
  }

  /** @internal */
  _forceClose(exc: Error | undefined): void {
    this._closing = true;
    this._reader.cancel().catch(() => {});
    this._lostExc = exc;
    this._loop._schedule(PIPE_LOST, this);
  }

  /** @internal */
  _callConnectionLost(): void {
    if (this._lost) return;
    this._lost = true;
    const exc = this._lostExc;
    this._lostExc = undefined;
    if (!this._eof) this._reader.cancel().catch(() => {});
    this._protocol.connectionLost(exc);
  }

  /** The repr. */
  [REPR](): string {
    return `<ReadPipeTransport fd=${this._protocol.fd}${this._closing ? " closed" : ""}>`;
  }
  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

/**
 * The write end of a child's stdin (CPython's `_UnixWritePipeTransport`),
 * with CPython's write flow control (64 KiB high-water mark). Made by
 * `SubprocessTransport`; see `getPipeTransport(0)`.
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, run, WritePipeTransport } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
 *   console.log(proc._transport.getPipeTransport(0) instanceof WritePipeTransport); // true
 *   await proc.communicate("x");
 * });
 * ```
 */
export class WritePipeTransport extends WriteTransport implements FlowControlled {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal */ _protocol: BaseProtocol;
  /** @internal */ _pipeProto: PipeProto;
  /** @internal */ _writer: WritableStreamDefaultWriter<Uint8Array>;
  /** @internal */ _queue: Uint8Array[] = [];
  /** @internal Bytes not yet confirmed written. */ _size = 0;
  /** @internal */ _writing = false;
  /** @internal close() or writeEof(). */ _closing = false;
  /** @internal The pipe is closed or closing for good (close done, or an error). */
  _connLost = 0;
  /** @internal Writes dropped after close or loss (CPython warns from the fifth). */
  _dropped = 0;
  /** @internal */ _lostExc: Error | undefined = undefined;
  /** @internal */ _lost = false;
  /** @internal */ _protocolPaused = false;
  /** @internal */ _high = 64 * 1024;
  /** @internal */ _low = 16 * 1024;
  /** @internal */ _inflight = 0;

  /** @internal */
  constructor(loop: AbstractEventLoop, stream: WritableStream<Uint8Array>, protocol: PipeProto) {
    super({ pipe: stream });
    this._loop = loop;
    this._pipeProto = protocol;
    this._protocol = protocol as unknown as BaseProtocol;
    this._writer = stream.getWriter();
    protocol.connectionMade(this);
  }

  /**
   * Write bytes (a string as UTF-8). They are copied and sent in the background.
   *
   * @param data The bytes.
   */
  write(data: BytesLike): void {
    const bytes = toBytes(data, "write()");
    this._write(typeof data === "string" ? bytes : bytes.slice());
  }

  /** @internal Queue bytes the transport may keep. */
  _write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // CPython drops a write after close() or once the pipe is lost, and
    // warns when it keeps happening.
    if (this._connLost || this._closing) {
      if (++this._dropped >= CONNLOST_WRITES_WARNING) {
        console.warn("pipe closed by peer or os.write(pipe, data) raised exception.");
      }
      return;
    }
    this._queue.push(bytes);
    this._size += bytes.length;
    if (!this._writing) this._flush();
    maybePauseProtocol(this);
  }

  /**
   * Write every item of an iterable.
   *
   * @param list Bytes or strings.
   */
  writelines(list: Iterable<BytesLike>): void {
    for (const d of list) this.write(d);
  }

  /** @internal */
  _flush(): void {
    const q = this._queue;
    let chunk: Uint8Array;
    if (q.length === 1) chunk = q[0];
    else {
      let n = 0;
      for (const c of q) n += c.length;
      chunk = new Uint8Array(n);
      let off = 0;
      for (const c of q) {
        chunk.set(c, off);
        off += c.length;
      }
    }
    this._queue = [];
    this._writing = true;
    this._inflight = chunk.length;
    ioStart(this._loop);
    this._writer.write(chunk).then(
      () => this._settled(undefined),
      (e) => this._settled(e ?? new Error("write failed")),
    );
  }

  /** @internal */
  _settled(err: unknown): void {
    ioEnd(this._loop);
    if (this._loop.isClosed()) return;
    this._loop._schedule((t: WritePipeTransport) => t._writeDone(err), this);
  }

  /** @internal */
  _writeDone(err: unknown): void {
    this._writing = false;
    if (this._connLost) return;
    if (err !== undefined) {
      let exc = _fromDenoError(err);
      if (!(exc instanceof OSError)) exc = new BrokenPipeError(32, "Broken pipe", { cause: err });
      this._forceClose(exc as Error);
      return;
    }
    this._size -= this._inflight;
    this._inflight = 0;
    if (this._queue.length > 0) this._flush();
    maybeResumeProtocol(this);
    if (this._size === 0 && this._closing && !this._writing) this._finish();
  }

  /** @internal The buffer is flushed after close(): close the pipe, then connectionLost(undefined). */
  _finish(): void {
    if (this._connLost) return;
    this._connLost++;
    ioStart(this._loop);
    const done = () => {
      ioEnd(this._loop);
      if (!this._loop.isClosed()) this._loop._schedule(PIPE_LOST, this);
    };
    this._writer.close().then(done, done);
  }

  /** @internal */
  _forceClose(exc: Error | undefined): void {
    if (this._connLost) return;
    this._closing = true;
    this._connLost++;
    this._queue = [];
    this._size = 0;
    this._lostExc = exc;
    this._writer.abort().catch(() => {});
    this._loop._schedule(PIPE_LOST, this);
  }

  /** @internal */
  _callConnectionLost(): void {
    if (this._lost) return;
    this._lost = true;
    this._pipeProto.connectionLost(this._lostExc);
  }

  /** The child's stdin is a pipe: `writeEof()` closes it. */
  canWriteEof(): boolean {
    return true;
  }

  /** Close the pipe once the buffer is flushed (the child reads EOF). */
  writeEof(): void {
    if (this._closing) return;
    this._closing = true;
    if (!this._writing && this._size === 0) this._finish();
  }

  /** Close the pipe once the buffer is flushed (as `writeEof()`). */
  override close(): void {
    this.writeEof();
  }

  /** Whether the transport is closing or closed. */
  override isClosing(): boolean {
    return this._closing;
  }

  /** Close at once, dropping what is buffered. */
  abort(): void {
    this._forceClose(undefined);
  }

  /** Bytes buffered and not yet written. */
  getWriteBufferSize(): number {
    return this._size;
  }

  /** `[low, high]` water marks. */
  getWriteBufferLimits(): [number, number] {
    return [this._low, this._high];
  }

  /**
   * Set the water marks (as `Transport.setWriteBufferLimits`).
   *
   * @param high The high-water mark, or `{ high, low }`.
   * @param low The low-water mark.
   */
  setWriteBufferLimits(high?: number | WriteBufferLimits, low?: number): void {
    setLimits(this, high, low);
    maybePauseProtocol(this);
  }

  /** The repr. */
  [REPR](): string {
    return `<WritePipeTransport fd=0${this._closing ? " closing" : ""} bufsize=${this._size}>`;
  }
  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

// --- the subprocess transport --------------------------------------------------------

/** Live subprocess transports of each loop: closed (the child killed) when the loop closes. */
const live = new WeakMap<AbstractEventLoop, Set<SubprocessTransport>>();

/**
 * @internal The loop is closing: close the transports of its children still
 * alive (a running child is killed, as CPython does when an unclosed
 * transport is collected), so that no pipe or child outlives the loop.
 */
export function _closeSubprocesses(loop: AbstractEventLoop): void {
  const set = live.get(loop);
  if (set === undefined) return;
  live.delete(loop);
  for (const t of set) {
    try {
      t.close();
    } catch {
      // Already gone.
    }
  }
}

/** How a child is started. */
interface Spawn {
  where: string;
  program: string;
  cmd: string;
  args: string[];
  stdin: StdioOption;
  stdout: StdioOption;
  stderr: StdioOption;
  cwd?: string | URL;
  env?: Record<string, string>;
  /** stderr is an internal pipe reporting a failed exec (exec with STDOUT). */
  errpipe: boolean;
}

function denoStdio(v: StdioOption): "piped" | "null" | "inherit" {
  return v === PIPE ? "piped" : v === DEVNULL ? "null" : "inherit";
}

/**
 * A running child, as its protocol sees it (CPython's
 * `BaseSubprocessTransport`): its pid and return code, its pipe transports,
 * and signals. Made by `loop.subprocessExec` / `loop.subprocessShell`.
 *
 * @example
 * ```ts
 * import { getRunningLoop, run, SubprocessProtocol } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const [transport] = await getRunningLoop().subprocessExec(() => new SubprocessProtocol(), "true");
 *   console.log(await transport._wait()); // 0
 *   transport.close();
 * });
 * ```
 */
export class SubprocessTransport extends BaseTransport {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal */ _protocol: SubprocessProtocol | null;
  /** @internal */ _child: Deno.ChildProcess | null;
  /** @internal */ _pid: number;
  /** @internal */ _returncode: number | null = null;
  /** @internal */ _exitWaiters: Future<number>[] | null = [];
  /** @internal */ _pipes: Map<number, PipeProto> = new Map();
  /** @internal */ _finished = false;
  /** @internal */ _closed = false;

  /** @internal Start watching `child`; `connectionMade`, then `waiter`'s result, follow. */
  constructor(
    loop: AbstractEventLoop,
    protocol: SubprocessProtocol,
    child: Deno.ChildProcess,
    spec: Spawn,
    waiter: Future<void>,
  ) {
    super({ subprocess: child });
    this._loop = loop;
    this._protocol = protocol;
    this._child = child;
    this._pid = child.pid;
    let set = live.get(loop);
    if (set === undefined) live.set(loop, set = new Set());
    set.add(this);
    const reads: ReadPipeTransport[] = [];
    if (spec.stdin === PIPE) {
      const pp = new PipeProto(this, 0);
      this._pipes.set(0, pp);
      new WritePipeTransport(loop, child.stdin, pp);
    }
    if (spec.stdout === PIPE) {
      const pp = new PipeProto(this, 1);
      this._pipes.set(1, pp);
      reads.push(new ReadPipeTransport(loop, child.stdout, pp));
    }
    if (spec.stderr === PIPE) {
      const pp = new PipeProto(this, 2);
      this._pipes.set(2, pp);
      reads.push(new ReadPipeTransport(loop, child.stderr, pp));
    }
    ioStart(loop);
    child.status.then((status) => {
      ioEnd(loop);
      // Killed by a signal: Deno's code is 128 + the signal number; CPython's returncode is minus it.
      const code = status.signal !== null ? -(status.code - 128) : status.code;
      if (!loop.isClosed()) {
        loop._schedule((t: SubprocessTransport) => t._processExited(code), this);
      }
    });
    loop.callSoon(() => {
      try {
        this._protocol?.connectionMade(this);
      } catch (exc) {
        loop.callExceptionHandler({
          message: "Exception in protocol.connectionMade()",
          exception: exc,
          transport: this,
        });
      }
    });
    for (const r of reads) loop._schedule(PIPE_START, r);
    loop._schedule((w: Future<void>) => {
      if (!w.done()) w.setResult(undefined);
    }, waiter);
  }

  /** The child's process id. */
  getPid(): number {
    return this._pid;
  }

  /** The child's return code: `null` while it runs; minus the signal number when a signal killed it. */
  getReturncode(): number | null {
    return this._returncode;
  }

  /**
   * The transport of one of the child's pipes: 0 (stdin), 1 (stdout), 2
   * (stderr), or `null` when that stream is not a pipe.
   *
   * @param fd 0, 1 or 2.
   * @returns The pipe transport, or `null`.
   */
  getPipeTransport(fd: number): ReadPipeTransport | WritePipeTransport | null {
    return this._pipes.get(fd)?.pipe ?? null;
  }

  /** The protocol. */
  override getProtocol(): BaseProtocol {
    return this._protocol as BaseProtocol;
  }

  /** Whether `close()` was called. */
  override isClosing(): boolean {
    return this._closed;
  }

  /** @internal */
  _checkProc(where: string): Deno.ChildProcess {
    if (this._child === null) {
      throw new ProcessLookupError(3, `No such process: ${where} after the process ended`);
    }
    return this._child;
  }

  /**
   * Send a signal to the child (nothing happens once it has exited and not
   * yet been reaped, as Python's `Popen.send_signal`).
   *
   * @param sig A signal name such as `"SIGUSR1"`, or its number.
   * @throws {ProcessLookupError} After the process ended and the transport finished.
   */
  sendSignal(sig: Deno.Signal | number): void {
    const [name] = resolveSignal(sig, "sendSignal()");
    const child = this._checkProc("sendSignal()");
    if (this._returncode !== null) return;
    try {
      child.kill(name);
    } catch (e) {
      // The child exited and Deno reaped it before we heard: Python ignores ESRCH too.
      if (/terminated|ESRCH|No such process/i.test(String((e as Error)?.message))) {
        return;
      }
      throw _fromDenoError(e);
    }
  }

  /** Send SIGTERM. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Send SIGKILL. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** Close the pipes and kill the child if it still runs (CPython's `close()`). */
  override close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const pp of this._pipes.values()) pp.pipe?.close();
    if (this._child !== null && this._returncode === null) killQuietly(this._child);
  }

  /** @internal A coroutine of the return code, once the process exited and its pipes closed. */
  _wait(): Coroutine<number> {
    return waitCoro(this);
  }

  /** @internal */
  _call(fn: (...args: unknown[]) => void, ...args: unknown[]): void {
    this._loop.callSoon(fn, ...args);
  }

  /** @internal */
  _pipeConnectionLost(fd: number, exc: Error | undefined): void {
    const p = this._protocol;
    if (p !== null) {
      this._call((fd, exc) => p.pipeConnectionLost(fd as number, exc as Error), fd, exc);
    }
    this._tryFinish();
  }

  /** @internal */
  _pipeDataReceived(fd: number, data: Uint8Array): void {
    const p = this._protocol;
    if (p !== null) {
      this._call((fd, data) => p.pipeDataReceived(fd as number, data as Uint8Array), fd, data);
    }
  }

  /** @internal */
  _processExited(returncode: number): void {
    this._returncode = returncode;
    live.get(this._loop)?.delete(this);
    if (this._loop.getDebug()) {
      console.info(`${repr(this)} exited with return code ${returncode}`);
    }
    // CPython's write pipe transport sees the child's end close: its pipe closes
    // (BrokenPipeError if data was still waiting).
    const stdin = this._pipes.get(0)?.pipe as WritePipeTransport | undefined;
    if (stdin !== undefined && !stdin._connLost) {
      if (stdin._size > 0) stdin._forceClose(new BrokenPipeError(32, "Broken pipe"));
      else stdin._forceClose(undefined);
    }
    const p = this._protocol;
    if (p !== null) this._call(() => p.processExited());
    this._tryFinish();
  }

  /** @internal */
  _tryFinish(): void {
    if (this._finished || this._returncode === null) return;
    for (const pp of this._pipes.values()) if (!pp.disconnected) return;
    this._finished = true;
    this._call(() => this._callConnectionLost());
  }

  /** @internal */
  _callConnectionLost(): void {
    try {
      this._protocol?.connectionLost(undefined);
    } finally {
      for (const w of this._exitWaiters ?? []) if (!w.cancelled()) w.setResult(this._returncode!);
      this._exitWaiters = null;
      this._child = null;
      this._protocol = null;
    }
  }

  /** Python's repr: `<SubprocessTransport pid=123 running stdout=...>`. */
  [REPR](): string {
    const info = ["SubprocessTransport"];
    if (this._closed) info.push("closed");
    info.push(`pid=${this._pid}`);
    info.push(this._returncode !== null ? `returncode=${this._returncode}` : "running");
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

const waitCoro = coroutine(function* wait(t: SubprocessTransport): Coro<number> {
  // CPython: once the exit is known, at once; a waiter from before waits for
  // the pipes to close too (connection_lost).
  if (t._returncode !== null || t._exitWaiters === null) return t._returncode!;
  const waiter = t._loop.createFuture<number>();
  t._exitWaiters.push(waiter);
  return yield* waiter;
});

// --- starting a child ----------------------------------------------------------------

/**
 * Run the program through `/bin/sh` so that its stderr goes into its stdout
 * pipe. Before `exec`, the shell looks the program up and reports a missing
 * or non-executable one on its own stderr, which is an internal pipe: `exec`
 * replaces that descriptor, so the pipe reads EOF at once when the program
 * starts (CPython's error pipe in `_posixsubprocess` works the same way).
 */
const EXEC_MERGED = 'p=$(command -v -- "$0") || { printf ENOENT >&2; exit 127; }\n' +
  'case $p in */*) if [ -d "$p" ] || [ ! -x "$p" ]; then printf EACCES >&2; exit 126; fi;; esac\n' +
  'exec "$0" "$@" 2>&1';
/** A shell command with stderr into stdout: the outer shell redirects, then becomes the shell running `cmd`. */
const SHELL_MERGED = 'exec 2>&1; exec /bin/sh -c "$0"';

function spawnError(e: unknown, program: string): unknown {
  const mapped = _fromDenoError(e, undefined, program);
  if (mapped instanceof PermissionError && mapped.code === "NotCapable") {
    return new PermissionError(
      13,
      `${(e as Error).message} (give the program run permission: deno run --allow-run)`,
      { cause: e, code: "NotCapable" },
    );
  }
  if (mapped instanceof OSError && mapped.errno !== null && mapped.filename === undefined) {
    return _osError(mapped.errno, mapped.strerror ?? undefined, { cause: e, filename: program });
  }
  return mapped;
}

const spawnCoro = coroutine(function* subprocessSpawn(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  spec: Spawn,
): Coro<[SubprocessTransport, BaseProtocol]> {
  const protocol = makeProtocol(factory, spec.where) as SubprocessProtocol;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(spec.cmd, {
      args: spec.args,
      stdin: denoStdio(spec.stdin),
      stdout: denoStdio(spec.stdout),
      stderr: spec.errpipe ? "piped" : spec.stderr === STDOUT ? "null" : denoStdio(spec.stderr),
      cwd: spec.cwd,
      env: spec.env,
      clearEnv: spec.env !== undefined,
    }).spawn();
  } catch (e) {
    throw spawnError(e, spec.program);
  }
  if (spec.errpipe) {
    let report: string;
    try {
      report = yield* hostFuture(loop, () => new Response(child.stderr).text(), (e) => e);
    } catch (e) {
      killQuietly(child);
      throw e;
    }
    if (report !== "") {
      yield* hostFuture(loop, () => child.status, (e) => e);
      throw report.startsWith("ENOENT")
        ? new FileNotFoundError(2, "No such file or directory", { filename: spec.program })
        : new PermissionError(13, "Permission denied", { filename: spec.program });
    }
    spec = { ...spec, stderr: STDOUT };
  }
  const waiter = loop.createFuture<void>();
  const transport = new SubprocessTransport(loop, protocol, child, spec, waiter);
  try {
    yield* waiter;
  } catch (e) {
    transport.close();
    throw e;
  }
  return [transport, protocol];
});

function killQuietly(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // Exited already.
  }
}

function checkStdio(v: unknown, name: string, where: string): StdioOption {
  if (v === undefined || v === null || v === PIPE || v === DEVNULL) return v as StdioOption;
  if (v === STDOUT && name === "stderr") return v;
  throw new ValueError(
    `${where}: ${name} must be PIPE, DEVNULL${
      name === "stderr" ? ", STDOUT" : ""
    } or null (inherit), not ${describe(v)}${
      typeof v === "number" && v >= 0 ? " (Deno cannot hand a child a file descriptor)" : ""
    }`,
  );
}

function checkOptions(options: unknown, where: string): ProcessOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") {
    throw new TypeError(`${where}: options must be an object, not ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new TypeError(
        `${where}: unknown option ${repr(key)}; the options are ${[...OPTION_KEYS].join(", ")}`,
      );
    }
  }
  const o = options as ProcessOptions;
  checkStdio(o.stdin, "stdin", where);
  checkStdio(o.stdout, "stdout", where);
  checkStdio(o.stderr, "stderr", where);
  if (o.cwd !== undefined && typeof o.cwd !== "string" && !(o.cwd instanceof URL)) {
    throw new TypeError(`${where}: cwd must be a string or URL, not ${describe(o.cwd)}`);
  }
  if (o.env !== undefined) {
    if (typeof o.env !== "object" || o.env === null) {
      throw new TypeError(`${where}: env must be an object of strings, not ${describe(o.env)}`);
    }
    for (const [k, v] of Object.entries(o.env)) {
      if (typeof v !== "string") {
        throw new TypeError(`${where}: env[${repr(k)}] must be a string, not ${describe(v)}`);
      }
    }
  }
  if (
    o.limit !== undefined &&
    (typeof o.limit !== "number" || !Number.isInteger(o.limit) || o.limit <= 0)
  ) {
    throw new ValueError(`${where}: limit must be a positive integer, not ${describe(o.limit)}`);
  }
  return o;
}

/** The loop's methods pipe all three streams unless told otherwise, as CPython's. */
function withDefaults(o: ProcessOptions, byDefault: StdioOption): ProcessOptions {
  if (byDefault === null) return o;
  return {
    ...o,
    stdin: o.stdin === undefined ? byDefault : o.stdin,
    stdout: o.stdout === undefined ? byDefault : o.stdout,
    stderr: o.stderr === undefined ? byDefault : o.stderr,
  };
}

function isOptions(x: unknown): boolean {
  return typeof x === "object" && x !== null && !Array.isArray(x) &&
    (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);
}

/** Split `[program, ...args, options?]` and check every argument. */
function execSpec(
  where: string,
  rest: unknown[],
  firstPosition: number,
  byDefault: StdioOption = null,
): [Spawn, ProcessOptions] {
  let options: unknown = undefined;
  if (rest.length > 0 && isOptions(rest[rest.length - 1])) options = rest.pop();
  const o = withDefaults(checkOptions(options, where), byDefault);
  if (rest.length === 0) throw new TypeError(`${where}: the program is missing`);
  rest.forEach((a, i) => {
    if (typeof a !== "string") {
      const what = i === 0 ? "the program" : `args[${i - 1}]`;
      throw new TypeError(
        `${where}: argument ${i + firstPosition} (${what}) must be a string, not ${
          describe(a)
        }; convert it with String()`,
      );
    }
    if (a.includes("\0")) {
      throw new ValueError(`${where}: argument ${i + firstPosition} contains a NUL character`);
    }
  });
  const [program, ...args] = rest as string[];
  if (program === "") throw new FileNotFoundError(2, "No such file or directory", { filename: "" });
  const merged = o.stderr === STDOUT;
  return [{
    where,
    program,
    cmd: merged ? "/bin/sh" : program,
    args: merged ? ["-c", EXEC_MERGED, program, ...args] : args,
    stdin: o.stdin,
    stdout: o.stdout,
    stderr: merged ? PIPE : o.stderr,
    cwd: o.cwd,
    env: o.env,
    errpipe: merged,
  }, o];
}

function shellSpec(
  where: string,
  cmd: unknown,
  options: unknown,
  byDefault: StdioOption = null,
): [Spawn, ProcessOptions] {
  if (typeof cmd !== "string") {
    throw new ValueError(`${where}: cmd must be a string, not ${describe(cmd)}`);
  }
  const o = withDefaults(checkOptions(options, where), byDefault);
  const merged = o.stderr === STDOUT;
  return [{
    where,
    program: "/bin/sh",
    cmd: "/bin/sh",
    args: merged ? ["-c", SHELL_MERGED, cmd] : ["-c", cmd],
    stdin: o.stdin,
    stdout: o.stdout,
    stderr: o.stderr,
    cwd: o.cwd,
    env: o.env,
    errpipe: false,
  }, o];
}

/**
 * @internal `loop.subprocessExec(protocolFactory, program, ...args, options?)`.
 */
export function subprocessExec<P extends BaseProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  ...rest: unknown[]
): Coroutine<[SubprocessTransport, P]> {
  const where = "subprocessExec()";
  checkFactory(protocolFactory, where);
  const [spec, o] = execSpec(where, rest, 2, PIPE);
  if (o.limit !== undefined) {
    throw new TypeError(`${where}: limit is an option of createSubprocessExec`);
  }
  return spawnCoro(loop, protocolFactory, spec) as Coroutine<[SubprocessTransport, P]>;
}

/** @internal `loop.subprocessShell(protocolFactory, cmd, options?)`. */
export function subprocessShell<P extends BaseProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  cmd: string,
  options?: SubprocessOptions,
): Coroutine<[SubprocessTransport, P]> {
  const where = "subprocessShell()";
  checkFactory(protocolFactory, where);
  const [spec, o] = shellSpec(where, cmd, options, PIPE);
  if (o.limit !== undefined) {
    throw new TypeError(`${where}: limit is an option of createSubprocessShell`);
  }
  return spawnCoro(loop, protocolFactory, spec) as Coroutine<[SubprocessTransport, P]>;
}

// --- streams over a child ---------------------------------------------------------------

/**
 * The protocol behind a `Process` (CPython's `SubprocessStreamProtocol`):
 * feeds the stdout and stderr `StreamReader`s and gives stdin a
 * `StreamWriter` with `drain()`.
 *
 * @example
 * ```ts
 * import { getRunningLoop, run, SubprocessStreamProtocol } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const loop = getRunningLoop();
 *   const [t, p] = await loop.subprocessExec(() => new SubprocessStreamProtocol(2 ** 16, loop), "true");
 *   console.log(p.stdout); // null: stdout was not a pipe
 *   await t._wait();
 * });
 * ```
 */
export class SubprocessStreamProtocol extends FlowControlMixin implements SubprocessProtocol {
  /** The child's stdin, when it is a pipe. */
  stdin: StreamWriter | null = null;
  /** The child's stdout, when it is a pipe. */
  stdout: StreamReader | null = null;
  /** The child's stderr, when it is a pipe. */
  stderr: StreamReader | null = null;
  /** @internal */ _limit: number;
  /** @internal */ _transport: SubprocessTransport | null = null;
  /** @internal */ _processExited = false;
  /** @internal */ _pipeFds: number[] = [];
  /** @internal */ _stdinClosed: Future<void>;

  /**
   * Make the protocol.
   *
   * @param limit The readers' buffer limit.
   * @param loop The loop.
   */
  constructor(limit: number, loop: AbstractEventLoop) {
    super(loop);
    this._limit = limit;
    this._stdinClosed = loop.createFuture<void>();
  }

  /**
   * The child started: make the streams of its pipes.
   *
   * @param transport The subprocess transport.
   */
  override connectionMade(transport: BaseTransport): void {
    const t = transport as SubprocessTransport;
    this._transport = t;
    const loop = this._loop!;
    const out = t.getPipeTransport(1);
    if (out !== null) {
      this.stdout = new StreamReader(this._limit, loop);
      this.stdout.setTransport(out as unknown as Transport);
      this._pipeFds.push(1);
    }
    const err = t.getPipeTransport(2);
    if (err !== null) {
      this.stderr = new StreamReader(this._limit, loop);
      this.stderr.setTransport(err as unknown as Transport);
      this._pipeFds.push(2);
    }
    const inp = t.getPipeTransport(0);
    if (inp !== null) {
      this.stdin = new StreamWriter(inp as unknown as Transport, this, null, loop);
    }
  }

  /**
   * Bytes from the child's stdout (1) or stderr (2).
   *
   * @param fd 1 or 2.
   * @param data The bytes.
   */
  pipeDataReceived(fd: number, data: Uint8Array): void {
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    reader?.feedData(data);
  }

  /**
   * A pipe closed.
   *
   * @param fd 0, 1 or 2.
   * @param exc The error that closed it, if any.
   */
  pipeConnectionLost(fd: number, exc: Error | undefined): void {
    if (fd === 0) {
      this.stdin?.close();
      this.connectionLost(exc);
      if (exc === undefined) this._stdinClosed.setResult(undefined);
      else {
        this._stdinClosed.setException(exc);
        // Retrieved by waitClosed() if anyone asks; not a failure nobody saw.
        this._stdinClosed.exception();
      }
      return;
    }
    const reader = fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
    if (reader !== null) {
      if (exc === undefined) reader.feedEof();
      else reader.setException(exc);
    }
    const i = this._pipeFds.indexOf(fd);
    if (i >= 0) this._pipeFds.splice(i, 1);
    this._maybeCloseTransport();
  }

  /** The child exited. */
  processExited(): void {
    this._processExited = true;
    this._maybeCloseTransport();
  }

  /** @internal */
  _maybeCloseTransport(): void {
    if (this._pipeFds.length === 0 && this._processExited) {
      this._transport?.close();
      this._transport = null;
    }
  }

  /** @internal */
  override _getCloseWaiter(stream: StreamWriter): Future<void> {
    if (stream === this.stdin) return this._stdinClosed;
    return super._getCloseWaiter(stream);
  }

  /** @internal SubprocessProtocol's (the streams are fed through pipeDataReceived). */
  override dataReceived(_data: Uint8Array): void {}
}

/**
 * A child process started by `createSubprocessExec` or
 * `createSubprocessShell` (Python's `asyncio.subprocess.Process`).
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("echo", "hello", { stdout: PIPE });
 *   const [out] = await proc.communicate();
 *   console.log(new TextDecoder().decode(out!).trim(), proc.returncode); // hello 0
 * });
 * ```
 */
export class Process {
  /** @internal */ _transport: SubprocessTransport;
  /** @internal */ _protocol: SubprocessStreamProtocol;
  /** @internal */ _loop: AbstractEventLoop;
  /** The child's stdin (`stdin: PIPE`), else `null`. */
  readonly stdin: StreamWriter | null;
  /** The child's stdout (`stdout: PIPE`), else `null`. */
  readonly stdout: StreamReader | null;
  /** The child's stderr (`stderr: PIPE`), else `null`. */
  readonly stderr: StreamReader | null;
  /** The process id. */
  readonly pid: number;

  /**
   * @internal Made by `createSubprocessExec` / `createSubprocessShell`.
   */
  constructor(
    transport: SubprocessTransport,
    protocol: SubprocessStreamProtocol,
    loop: AbstractEventLoop,
  ) {
    this._transport = transport;
    this._protocol = protocol;
    this._loop = loop;
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
    this.pid = transport.getPid();
  }

  /** The return code: `null` while running; minus the signal number when a signal killed it. */
  get returncode(): number | null {
    return this._transport.getReturncode();
  }

  /**
   * Wait for the child to exit and return its return code. As in Python,
   * with `stdout`/`stderr` pipes that nobody reads this can wait forever:
   * the child blocks once a pipe is full; use `communicate()`. Cancelling
   * the wait does not stop the child.
   *
   * @returns A coroutine of the return code.
   */
  wait(): Coroutine<number> {
    return this._transport._wait();
  }

  /**
   * Send `input` (if given) to stdin and close it, read stdout and stderr
   * to EOF, and wait for the child to exit, all at once, so it never
   * deadlocks. Cancelling it stops the waiting, not the child.
   *
   * @param input Bytes or a string for stdin (needs `stdin: PIPE`).
   * @returns A coroutine of `[stdout, stderr]`, each `null` when that stream is not a pipe.
   */
  communicate(input?: BytesLike | null): Coroutine<[Uint8Array | null, Uint8Array | null]> {
    let bytes: Uint8Array | null = null;
    if (input !== undefined && input !== null) {
      bytes = toBytes(input, "communicate()");
      if (this.stdin === null) {
        throw new ValueError(
          "communicate(): input needs a pipe to the child's stdin: start it with { stdin: PIPE }",
        );
      }
    }
    return communicateCoro(this, bytes);
  }

  /**
   * Send a signal.
   *
   * @param sig A Deno signal name such as `"SIGUSR1"`, or its number.
   */
  sendSignal(sig: Deno.Signal | number): void {
    this._transport.sendSignal(sig);
  }

  /** Send SIGTERM. */
  terminate(): void {
    this._transport.terminate();
  }

  /** Send SIGKILL. */
  kill(): void {
    this._transport.kill();
  }

  /** Python's repr: `<Process 1234>`. */
  [REPR](): string {
    return `<Process ${this.pid}>`;
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

const feedStdin = coroutine(function* feedStdin(p: Process, input: Uint8Array): Coro<void> {
  const stdin = p.stdin!;
  stdin.write(input); // copied, as CPython's transport copies what it cannot send at once
  try {
    yield* stdin.drain();
  } catch (e) {
    if (!(e instanceof BrokenPipeError || e instanceof ConnectionResetError)) throw e;
  }
  stdin.close();
});

const readStream = coroutine(function* readStream(p: Process, fd: number): Coro<Uint8Array> {
  const stream = fd === 1 ? p.stdout! : p.stderr!;
  const output = yield* stream.read();
  p._transport.getPipeTransport(fd)?.close();
  return output;
});

const noop = coroutine(function* noop(): Coro<null> {
  return null;
});

const communicateCoro = coroutine(function* communicate(
  p: Process,
  input: Uint8Array | null,
): Coro<[Uint8Array | null, Uint8Array | null]> {
  const stdin = input !== null ? feedStdin(p, input) : noop();
  const stdout = p.stdout !== null ? readStream(p, 1) : noop();
  const stderr = p.stderr !== null ? readStream(p, 2) : noop();
  const [, out, err] = yield* gather(stdin, stdout, stderr);
  yield* p.wait();
  return [out as Uint8Array | null, err as Uint8Array | null];
});

const createProcess = coroutine(function* createSubprocess(
  spec: Spawn,
  limit: number,
): Coro<Process> {
  const loop = getRunningLoop();
  const [transport, protocol] = yield* spawnCoro(
    loop,
    () => new SubprocessStreamProtocol(limit, loop),
    spec,
  );
  return new Process(transport, protocol as SubprocessStreamProtocol, loop);
});

/**
 * Start a program with arguments (Python's `asyncio.create_subprocess_exec`).
 * A trailing plain object is the options: `stdin`, `stdout`, `stderr`
 * (`PIPE`, `DEVNULL`, `null` to inherit; `stderr` also `STDOUT`), `cwd`,
 * `env` (the whole environment), `limit`.
 *
 * @param program The program (looked up on `PATH` unless it contains a `/`).
 * @param argsAndOptions Its arguments (strings), then optionally the options.
 * @returns A coroutine of the `Process`.
 * @throws {TypeError} At the call, for an argument that is not a string (its position is named).
 * @throws {FileNotFoundError} When the program does not exist; {PermissionError}
 * when it is not executable or the program has no `--allow-run`.
 *
 * @example
 * ```ts
 * import { createSubprocessExec, PIPE, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
 *   const [out] = await proc.communicate("hi there");
 *   console.log(new TextDecoder().decode(out!)); // hi there
 * });
 * ```
 */
export function createSubprocessExec(
  program: string,
  ...argsAndOptions: (string | ProcessOptions)[]
): Coroutine<Process> {
  const [spec, o] = execSpec("createSubprocessExec()", [program, ...argsAndOptions], 1);
  return createProcess(spec, o.limit ?? DEFAULT_LIMIT);
}

/**
 * Run a command line through `/bin/sh -c` (Python's
 * `asyncio.create_subprocess_shell`). Quote what you interpolate.
 *
 * @param cmd The command line.
 * @param options `stdin`, `stdout`, `stderr`, `cwd`, `env`, `limit`.
 * @returns A coroutine of the `Process`.
 *
 * @example
 * ```ts
 * import { createSubprocessShell, PIPE, run, STDOUT } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const proc = await createSubprocessShell("echo out; echo err >&2", { stdout: PIPE, stderr: STDOUT });
 *   const [out] = await proc.communicate();
 *   console.log(new TextDecoder().decode(out!)); // out\nerr\n
 * });
 * ```
 */
export function createSubprocessShell(cmd: string, options?: ProcessOptions): Coroutine<Process> {
  const [spec, o] = shellSpec("createSubprocessShell()", cmd, options);
  return createProcess(spec, o.limit ?? DEFAULT_LIMIT);
}
