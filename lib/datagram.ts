/**
 * UDP endpoints (CPython's `create_datagram_endpoint` and
 * `_SelectorDatagramTransport`) on `Deno.listenDatagram`, which Deno 2 only
 * provides with the `--unstable-net` flag.
 *
 * The transport keeps one `receive()` in flight and one `send()` in flight
 * (the rest queued, counted by `getWriteBufferSize()` for flow control).
 * Deno's UDP sockets cannot be connected: with `remoteAddr`, `sendto`
 * without an address goes there, and datagrams from other addresses are
 * dropped, as a connected socket would.
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { _fromDenoError, RuntimeError, ValueError } from "./errors.ts";
import { describe, REPR, repr } from "./format_helpers.ts";
import type { BaseProtocol, DatagramProtocol } from "./protocols.ts";
import {
  addrInfo,
  type BytesLike,
  callConnectionLost,
  closeTransport,
  DatagramTransport,
  fatalError,
  type FlowControlled,
  forceClose,
  type HostTransport,
  ioStart,
  maybePauseProtocol,
  maybeResumeProtocol,
  opSettled,
  setLimits,
  toBytes,
  type WriteBufferLimits,
} from "./transports.ts";
import {
  checkFactory,
  checkHost,
  checkPort,
  type ProtocolFactory,
  withProtocol,
} from "./server.ts";

/** Options of `loop.createDatagramEndpoint`. */
export interface DatagramEndpointOptions {
  /** `[host, port]` to bind; by default any address and a free port. */
  localAddr?: [string, number];
  /** `[host, port]` of the peer: `sendto(data)` goes there, other senders are ignored. */
  remoteAddr?: [string, number];
  /** Let several endpoints bind the same address (`SO_REUSEADDR`). */
  reuseAddress?: boolean;
  /** Accepted for compatibility; Deno's UDP sockets allow broadcast as the system does. */
  allowBroadcast?: boolean;
}

/** A UDP address: `[host, port]`. */
export type UdpAddress = [string, number];
type Addr = UdpAddress;

const CONNLOST_WRITES_WARNING = 5;

const RECEIVED = (t: UdpTransport): void => t._received();
const SENT = (t: UdpTransport): void => t._sent();
const MADE = (t: UdpTransport): void => {
  if (t._connLost) return;
  try {
    t._protocol.connectionMade(t);
  } catch (exc) {
    t._loop.callExceptionHandler({
      message: "Exception in protocol.connectionMade()",
      exception: exc,
      transport: t,
      protocol: t._protocol,
    });
    t.abort();
  }
};
const START = (t: UdpTransport): void => t._receive();
const SET_WAITER = (fut: Future<unknown>): void => {
  if (!fut.done()) fut.setResult(undefined);
};

/** `127.0.0.1` for `localhost`: what a received datagram's sender address reads. */
function canonicalHost(host: string): string {
  return host === "localhost" ? "127.0.0.1" : host;
}

/**
 * A UDP endpoint's transport on Deno, made by `loop.createDatagramEndpoint`.
 *
 * @example
 * ```ts ignore
 * // Needs `deno run --unstable-net`.
 * import { DatagramProtocol, getRunningLoop, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const [transport] = await getRunningLoop().createDatagramEndpoint(
 *     () => new DatagramProtocol(),
 *     { localAddr: ["127.0.0.1", 0] },
 *   );
 *   console.log(transport.getExtraInfo("sockname"));
 *   transport.close();
 * });
 * ```
 */
export class UdpTransport extends DatagramTransport implements FlowControlled, HostTransport {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal */ _conn: Deno.DatagramConn;
  /** @internal */ _protocol: DatagramProtocol;
  /** @internal */ _remote: Addr | null;
  /** @internal */ _closing = false;
  /** @internal */ _connLost = 0;
  /** @internal */ _ops = 0;
  /** @internal */ _connClosed = false;
  /** @internal */ _lostWaiting = false;
  /** @internal */ _lostExc: Error | undefined = undefined;
  /** @internal */ _receiving = false;
  /** @internal */ _rresult: [Uint8Array, Deno.Addr] | null = null;
  /** @internal */ _rerr: unknown = undefined;
  /** @internal Datagrams waiting to be sent, behind the one in flight. */
  _queue: [Uint8Array, Addr][] = [];
  /** @internal */ _sending = false;
  /** @internal The datagram in flight. */ _inflight: [Uint8Array, Addr] | null = null;
  /** @internal */ _serr: unknown = undefined;
  /** @internal Bytes in flight and queued. */ _bufferSize = 0;
  /** @internal */ _protocolPaused = false;
  /** @internal */ _high = 64 * 1024;
  /** @internal */ _low = 16 * 1024;

  /** @internal Made by createDatagramEndpoint. */
  constructor(
    loop: AbstractEventLoop,
    conn: Deno.DatagramConn,
    protocol: DatagramProtocol,
    remote: Addr | null,
    waiter: Future<unknown>,
  ) {
    super({ sockname: addrInfo(conn.addr), peername: remote, socket: conn });
    this._loop = loop;
    this._conn = conn;
    this._protocol = protocol;
    this._remote = remote;
    loop._schedule(MADE, this);
    loop._schedule(START, this);
    loop._schedule(SET_WAITER, waiter);
  }

  /** Whether the endpoint is closing or closed. */
  override isClosing(): boolean {
    return this._closing;
  }

  /** The protocol. */
  override getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /**
   * Use another protocol from now on.
   *
   * @param protocol The new protocol.
   */
  override setProtocol(protocol: BaseProtocol): void {
    this._protocol = protocol as DatagramProtocol;
  }

  /** Bytes handed to the host and not yet sent. */
  getWriteBufferSize(): number {
    return this._bufferSize;
  }

  /** The write buffer's `[low, high]` water marks. */
  getWriteBufferLimits(): [number, number] {
    return [this._low, this._high];
  }

  /**
   * Set the write buffer's water marks (see `SocketTransport.setWriteBufferLimits`).
   *
   * @param high The high-water mark, or `{ high, low }`.
   * @param low The low-water mark.
   */
  setWriteBufferLimits(high?: number | WriteBufferLimits, low?: number): void {
    setLimits(this, high, low);
    maybePauseProtocol(this);
  }

  /** @internal */
  _settled(callback: (t: UdpTransport) => void): void {
    opSettled(this, callback);
  }

  /** @internal Keep one receive in flight. */
  _receive(): void {
    if (this._receiving || this._closing) return;
    this._receiving = true;
    this._ops++;
    ioStart(this._loop);
    let p: Promise<[Uint8Array, Deno.Addr]>;
    try {
      p = this._conn.receive();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then((r) => {
      this._rresult = r;
      this._rerr = undefined;
      this._settled(RECEIVED);
    }, (e) => {
      this._rresult = null;
      this._rerr = e;
      this._settled(RECEIVED);
    });
  }

  /** @internal A receive settled (a loop callback). */
  _received(): void {
    this._receiving = false;
    if (this._closing) return;
    const r = this._rresult;
    this._rresult = null;
    try {
      if (r === null) {
        this._protocol.errorReceived(_fromDenoError(this._rerr) as Error);
      } else {
        const from = addrInfo(r[1]) as Addr;
        const remote = this._remote;
        if (remote === null || (from[0] === canonicalHost(remote[0]) && from[1] === remote[1])) {
          this._protocol.datagramReceived(r[0], from);
        }
      }
    } catch (exc) {
      fatalError(this, exc, "Fatal error: protocol.datagramReceived() call failed.");
      return;
    }
    this._receive();
  }

  /**
   * Send one datagram to `addr` (or to the remote address).
   *
   * @param data The bytes (a string is sent as UTF-8).
   * @param addr `[host, port]`.
   * @throws {TypeError} When `data` is not bytes or a string.
   * @throws {ValueError} When `addr` differs from the remote address, or no address is known.
   */
  sendto(data: BytesLike, addr?: UdpAddress): void {
    const bytes = toBytes(data, "sendto()");
    const remote = this._remote;
    if (remote !== null) {
      if (addr !== undefined && addr !== null && (addr[0] !== remote[0] || addr[1] !== remote[1])) {
        throw new ValueError(`Invalid address: must be None or ${repr(remote)}`);
      }
      addr = remote;
    }
    if (addr === undefined || addr === null) {
      throw new ValueError(
        "sendto(): no address; pass [host, port], or make the endpoint with remoteAddr",
      );
    }
    if (!Array.isArray(addr) || addr.length !== 2) {
      throw new TypeError(`sendto(): addr must be [host, port], got ${describe(addr)}`);
    }
    if (bytes.length === 0) return;
    if (this._connLost) {
      if (this._connLost >= CONNLOST_WRITES_WARNING) {
        console.warn("socket.send() raised exception.");
      }
      this._connLost++;
      return;
    }
    const item: [Uint8Array, Addr] = [typeof data === "string" ? bytes : bytes.slice(), addr];
    this._bufferSize += bytes.length;
    if (this._sending) this._queue.push(item);
    else this._send(item);
    maybePauseProtocol(this);
  }

  /** @internal */
  _send(item: [Uint8Array, Addr]): void {
    this._sending = true;
    this._inflight = item;
    this._ops++;
    ioStart(this._loop);
    const [data, [hostname, port]] = item;
    let p: Promise<number>;
    try {
      p = this._conn.send(data, { transport: "udp", hostname, port });
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(() => {
      this._serr = undefined;
      this._settled(SENT);
    }, (e) => {
      this._serr = e;
      this._settled(SENT);
    });
  }

  /** @internal A send settled (a loop callback). */
  _sent(): void {
    this._sending = false;
    const item = this._inflight!;
    this._inflight = null;
    if (this._connLost && this._bufferSize === 0) return;
    this._bufferSize -= item[0].length;
    if (this._serr !== undefined) {
      const err = _fromDenoError(this._serr) as Error;
      this._serr = undefined;
      try {
        this._protocol.errorReceived(err);
      } catch (exc) {
        fatalError(this, exc, "Fatal error: protocol.errorReceived() call failed.");
        return;
      }
    }
    const next = this._queue.shift();
    if (next !== undefined) this._send(next);
    maybeResumeProtocol(this);
    if (this._bufferSize === 0 && this._closing && !this._connLost) {
      this._connLost++;
      callConnectionLost(this);
    }
  }

  /** Close once the queued datagrams are sent; `connectionLost(undefined)` follows. */
  override close(): void {
    closeTransport(this, this._bufferSize === 0);
  }

  /** Close at once, dropping queued datagrams. */
  abort(): void {
    forceClose(this, undefined);
  }

  /** @internal */
  _clearWriteBuffer(): void {
    this._queue = [];
    this._bufferSize = 0;
  }

  /** Python's repr. */
  [REPR](): string {
    const state = this._connClosed ? " closed" : this._closing ? " closing" : "";
    return `<UdpTransport${state} sockname=${repr(this._extra.sockname)}>`;
  }

  /** @internal */
  [Symbol.for("Deno.customInspect")](): string {
    return this[REPR]();
  }
}

/**
 * The address an endpoint without `localAddr` binds: the loopback address
 * for a loopback peer (where a connected socket would be bound), else any
 * address of the peer's family.
 */
function anyAddress(remote: Addr | null): string {
  if (remote === null) return "0.0.0.0";
  const host = remote[0];
  if (host === "localhost" || host.startsWith("127.")) return "127.0.0.1";
  if (host === "::1") return "::1";
  return host.includes(":") ? "::" : "0.0.0.0";
}

function checkAddr(addr: unknown, where: string, name: string): Addr | null {
  if (addr === undefined || addr === null) return null;
  if (!Array.isArray(addr) || addr.length !== 2) {
    throw new TypeError(`${where}: ${name} must be [host, port], got ${describe(addr)}`);
  }
  return [checkHost(addr[0], where), checkPort(addr[1], where)];
}

const endpointCoro = coroutine(function* createDatagramEndpoint(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  local: Addr,
  remote: Addr | null,
  options: DatagramEndpointOptions,
): Coro<[UdpTransport, BaseProtocol]> {
  const listen = (Deno as unknown as {
    listenDatagram: (o: Deno.UdpListenOptions & { transport: "udp" }) => Deno.DatagramConn;
  }).listenDatagram;
  let conn: Deno.DatagramConn;
  try {
    conn = listen({
      transport: "udp",
      hostname: local[0],
      port: local[1],
      reuseAddress: options.reuseAddress,
    });
  } catch (e) {
    throw _fromDenoError(e);
  }
  return yield* withProtocol(
    loop,
    factory,
    "createDatagramEndpoint()",
    () => conn.close(),
    (protocol, waiter) =>
      new UdpTransport(loop, conn, protocol as DatagramProtocol, remote, waiter),
  );
});

/**
 * @internal `loop.createDatagramEndpoint`: a UDP endpoint bound to
 * `localAddr` (any address, a free port by default), sending to
 * `remoteAddr` by default.
 *
 * @throws {RuntimeError} Without Deno's `--unstable-net` flag.
 */
export function createDatagramEndpoint<P extends BaseProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  options: DatagramEndpointOptions = {},
): Coroutine<[UdpTransport, P]> {
  const where = "createDatagramEndpoint()";
  if (typeof (Deno as unknown as { listenDatagram?: unknown }).listenDatagram !== "function") {
    throw new RuntimeError(
      `${where}: UDP needs Deno's --unstable-net flag (Deno.listenDatagram is unstable in ` +
        "Deno 2): run with `deno run --unstable-net ...`",
    );
  }
  checkFactory(protocolFactory, where);
  const remote = checkAddr(options.remoteAddr, where, "remoteAddr");
  const local = checkAddr(options.localAddr, where, "localAddr") ?? [anyAddress(remote), 0] as Addr;
  return endpointCoro(loop, protocolFactory, local, remote, options) as Coroutine<
    [UdpTransport, P]
  >;
}
