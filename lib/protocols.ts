/**
 * Protocol base classes (CPython's `protocols.py`): the callbacks a
 * transport calls. Subclass one and override what you need; every method
 * here does nothing.
 *
 * A transport calls them as loop callbacks, never re-entrantly, in this
 * order: `connectionMade(transport)` once, then `dataReceived(data)` any
 * number of times (or `getBuffer`/`bufferUpdated` for a
 * `BufferedProtocol`), then `eofReceived()` at most once, then
 * `connectionLost(error)` exactly once (`undefined` for a clean close).
 * `pauseWriting()`/`resumeWriting()` come in pairs when the transport's
 * write buffer crosses its high and low water marks.
 *
 * @module
 */

import type { BaseTransport, DatagramTransport, Transport } from "./transports.ts";

/**
 * What every protocol has (Python's `asyncio.BaseProtocol`): the
 * connection's start and end, and write flow control.
 *
 * @example
 * ```ts
 * import { BaseProtocol } from "@yieldfrom/asyncio";
 * const p = new BaseProtocol();
 * p.connectionLost(undefined); // does nothing
 * ```
 */
export class BaseProtocol {
  /**
   * The connection is made.
   *
   * @param _transport The transport of the connection: keep it to write.
   */
  connectionMade(_transport: BaseTransport): void {}

  /**
   * The connection is lost or closed.
   *
   * @param _error The error that ended it, or `undefined` for a normal close or EOF.
   */
  connectionLost(_error: Error | undefined): void {}

  /** The transport's write buffer went above its high-water mark: stop writing. */
  pauseWriting(): void {}

  /** The transport's write buffer drained below its low-water mark: write again. */
  resumeWriting(): void {}
}

/**
 * A stream protocol (Python's `asyncio.Protocol`): bytes arrive in
 * `dataReceived`, the end of the peer's data in `eofReceived`.
 *
 * @example
 * ```ts
 * import { Protocol, type Transport } from "@yieldfrom/asyncio";
 *
 * class Echo extends Protocol {
 *   transport: Transport | null = null;
 *   override connectionMade(transport: Transport) {
 *     this.transport = transport;
 *   }
 *   override dataReceived(data: Uint8Array) {
 *     this.transport!.write(data);
 *   }
 * }
 * console.log(new Echo() instanceof Protocol); // true
 * ```
 */
export class Protocol extends BaseProtocol {
  /**
   * The connection is made.
   *
   * @param _transport The transport of the connection: keep it to write.
   */
  override connectionMade(_transport: Transport): void {}

  /**
   * Bytes arrived. The array is the protocol's to keep.
   *
   * @param _data The bytes (never empty).
   */
  dataReceived(_data: Uint8Array): void {}

  /**
   * The peer ended its side (sent EOF). Return `true` to keep the connection
   * open for writing (half-close); anything else closes the transport.
   *
   * @returns Whether to keep the connection open.
   */
  eofReceived(): boolean | void {}
}

/**
 * A stream protocol that gives the transport its own buffer to read into
 * (Python's `asyncio.BufferedProtocol`): the transport calls
 * `getBuffer(sizeHint)` before each read and `bufferUpdated(n)` once `n`
 * bytes are in it. Here the read happens after `getBuffer` returns and may
 * take a while: leave the buffer alone until `bufferUpdated` (or
 * `connectionLost`) is called.
 *
 * @example
 * ```ts
 * import { BufferedProtocol } from "@yieldfrom/asyncio";
 *
 * class Counter extends BufferedProtocol {
 *   buf = new Uint8Array(4096);
 *   total = 0;
 *   override getBuffer(_sizeHint: number) {
 *     return this.buf;
 *   }
 *   override bufferUpdated(n: number) {
 *     this.total += n;
 *   }
 * }
 * console.log(new Counter().getBuffer(-1).length); // 4096
 * ```
 */
export class BufferedProtocol extends BaseProtocol {
  /**
   * The connection is made.
   *
   * @param _transport The transport of the connection: keep it to write.
   */
  override connectionMade(_transport: Transport): void {}

  /**
   * A buffer to read into (not empty).
   *
   * @param _sizeHint How many bytes the transport would like to read, or -1 (any).
   * @returns The buffer.
   */
  getBuffer(_sizeHint: number): Uint8Array {
    return new Uint8Array(0);
  }

  /**
   * `nbytes` bytes were read into the start of the last buffer.
   *
   * @param _nbytes How many bytes arrived.
   */
  bufferUpdated(_nbytes: number): void {}

  /**
   * The peer ended its side. Return `true` to keep the connection open for writing.
   *
   * @returns Whether to keep the connection open.
   */
  eofReceived(): boolean | void {}
}

/**
 * A UDP protocol (Python's `asyncio.DatagramProtocol`).
 *
 * @example
 * ```ts
 * import { DatagramProtocol } from "@yieldfrom/asyncio";
 *
 * class Printer extends DatagramProtocol {
 *   override datagramReceived(data: Uint8Array, addr: [string, number]) {
 *     console.log(new TextDecoder().decode(data), "from", addr);
 *   }
 * }
 * new Printer().datagramReceived(new TextEncoder().encode("hi"), ["127.0.0.1", 5000]);
 * ```
 */
export class DatagramProtocol extends BaseProtocol {
  /**
   * The endpoint is ready.
   *
   * @param _transport The datagram transport: keep it to send.
   */
  override connectionMade(_transport: DatagramTransport): void {}

  /**
   * A datagram arrived.
   *
   * @param _data Its bytes.
   * @param _addr The sender, as `[host, port]`.
   */
  datagramReceived(_data: Uint8Array, _addr: [string, number]): void {}

  /**
   * A send or receive failed (an `OSError`); the endpoint stays open.
   *
   * @param _error The error.
   */
  errorReceived(_error: Error): void {}
}

/**
 * A protocol for a child process's pipes (Python's
 * `asyncio.SubprocessProtocol`).
 *
 * @example
 * ```ts
 * import { SubprocessProtocol } from "@yieldfrom/asyncio";
 *
 * class Collector extends SubprocessProtocol {
 *   out: Uint8Array[] = [];
 *   override pipeDataReceived(fd: number, data: Uint8Array) {
 *     if (fd === 1) this.out.push(data);
 *   }
 * }
 * console.log(new Collector().out.length); // 0
 * ```
 */
export class SubprocessProtocol extends BaseProtocol {
  /**
   * The child wrote to its stdout (fd 1) or stderr (fd 2).
   *
   * @param _fd 1 or 2.
   * @param _data The bytes.
   */
  pipeDataReceived(_fd: number, _data: Uint8Array): void {}

  /**
   * One of the child's pipes closed.
   *
   * @param _fd 0, 1 or 2.
   * @param _error The error, or `undefined`.
   */
  pipeConnectionLost(_fd: number, _error: Error | undefined): void {}

  /** The child exited. */
  processExited(): void {}
}
