/**
 * Connections and servers (CPython's `base_events.py`: `create_connection`,
 * `create_server`, the Unix variants, and `Server`), on `Deno.connect`,
 * `Deno.listen` and `Deno.listenTls`.
 *
 * A server keeps one `accept()` in flight per listening socket while it is
 * serving; each accepted connection gets a protocol from the factory and a
 * `SocketTransport`. `Server.waitClosed()` returns once the server is closed,
 * every connection it accepted is gone, and the accepts in flight have
 * settled, so the port is released (a new connection is refused).
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import type { Future } from "./futures.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { sleep } from "./tasks.ts";
import { _fromDenoError, _osError, OSError, RuntimeError, ValueError } from "./errors.ts";
import { describe, REPR, repr } from "./format_helpers.ts";
import type { BaseProtocol } from "./protocols.ts";
import { hostFuture, ioEnd, ioStart, type SocketKind, SocketTransport } from "./transports.ts";
import { clientTls, listenTlsOptions, type TlsOptions } from "./tls.ts";

/** Options of `loop.createConnection` and `openConnection`. */
export interface ConnectionOptions {
  /** Use TLS: `true` (the system's trust store) or Deno TLS options (`caCerts`...). */
  ssl?: boolean | TlsOptions;
  /** The name the server's certificate must carry; by default the host. */
  serverHostname?: string;
  /** Not supported by Deno's `Deno.connect` (a RuntimeError says so). */
  localAddr?: [string, number];
}

/** Options of `loop.createServer` and `startServer`. */
export interface ServerOptions {
  /** TLS: `{ cert, key }` in PEM (as Deno's `listenTls` takes them). */
  ssl?: TlsOptions;
  /** Accepted for compatibility; Deno's listen queue has a fixed length. */
  backlog?: number;
  /** Accepted for compatibility: Deno always sets `SO_REUSEADDR` on listening sockets. */
  reuseAddress?: boolean;
  /** Let several servers listen on the same port (`SO_REUSEPORT`, Linux). */
  reusePort?: boolean;
  /** Start accepting at once (default `true`); otherwise call `startServing()` or `serveForever()`. */
  startServing?: boolean;
}

/** Options of the Unix socket variants. */
export interface UnixServerOptions {
  /** Accepted for compatibility; Deno's listen queue has a fixed length. */
  backlog?: number;
  /** Start accepting at once (default `true`). */
  startServing?: boolean;
}

/** A listening socket of a server: `{ hostname, port }` for TCP, `{ path }` for a Unix socket. */
export interface ServerSocket {
  /** The address it listens on (TCP). */
  hostname?: string;
  /** The port it listens on (TCP): the one picked when 0 was asked for. */
  port?: number;
  /** The path it listens on (Unix socket). */
  path?: string;
  /** Python's `sock.getsockname()`: `[hostname, port]`, or the path. */
  getsockname(): [string, number] | string;
}

/** A function making a protocol for each connection. */
export type ProtocolFactory<P extends BaseProtocol = BaseProtocol> = () => P;

// --- argument checks -------------------------------------------------------------

/** @internal A port number: an integer 0–65535 (a string of digits is accepted). */
export function checkPort(port: unknown, where: string): number {
  let p = port;
  if (typeof p === "string" && /^\d+$/.test(p)) p = Number(p);
  if (typeof p !== "number") {
    throw new TypeError(`${where}: port must be a number, got ${describe(port)}`);
  }
  if (!Number.isInteger(p) || p < 0 || p > 65535) {
    throw new ValueError(`${where}: port must be an integer 0-65535, got ${repr(port)}`);
  }
  return p;
}

/** @internal A host to connect to: a non-empty string. */
export function checkHost(host: unknown, where: string): string {
  if (typeof host !== "string") {
    throw new TypeError(`${where}: host must be a string, got ${describe(host)}`);
  }
  if (host === "") {
    throw new ValueError(
      `${where}: host is empty; give a host name or address such as "127.0.0.1"`,
    );
  }
  return host;
}

/** @internal The options of a connection that can be checked before connecting. */
export function checkConnectionOptions(options: ConnectionOptions, where: string): void {
  if (options.serverHostname !== undefined && !options.ssl) {
    throw new ValueError(`${where}: serverHostname is only meaningful with ssl`);
  }
  if (options.localAddr !== undefined) {
    throw new RuntimeError(
      `${where}: localAddr is not supported: Deno.connect cannot bind the local address`,
    );
  }
  const ssl = options.ssl;
  if (ssl !== undefined && typeof ssl !== "boolean" && (typeof ssl !== "object" || ssl === null)) {
    throw new TypeError(
      `${where}: ssl must be true or TLS options { caCerts }, got ${describe(ssl)}`,
    );
  }
}

/** @internal A protocol factory: a function. */
export function checkFactory(factory: unknown, where: string): void {
  if (typeof factory !== "function") {
    throw new TypeError(
      `${where}: protocolFactory must be a function returning a protocol, got ${describe(factory)}`,
    );
  }
}

function checkPath(path: unknown, where: string): string {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`${where}: path must be a non-empty string, got ${describe(path)}`);
  }
  return path;
}

/** @internal Make a protocol, checking what the factory returned. */
export function makeProtocol(factory: ProtocolFactory, where: string): BaseProtocol {
  const protocol = factory();
  if (typeof protocol !== "object" || protocol === null) {
    throw new TypeError(`${where}: protocolFactory returned ${describe(protocol)}, not a protocol`);
  }
  return protocol;
}

/** `('127.0.0.1', 8888)`: an address as Python prints it. */
function pyAddr(host: string, port: number): string {
  return `(${repr(host)}, ${port})`;
}

// --- connections -------------------------------------------------------------------

const connectCoro = coroutine(function* createConnection(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  host: string,
  port: number,
  options: ConnectionOptions,
): Coro<[SocketTransport, BaseProtocol]> {
  let conn: Deno.Conn = yield* hostFuture(
    loop,
    () => Deno.connect({ hostname: host, port, transport: "tcp" }),
    (e) => _fromDenoError(e, `Connect call failed ${pyAddr(host, port)}`),
    (c) => c.close(),
  );
  let kind: SocketKind = "tcp";
  const extra: Record<string, unknown> = {};
  if (options.ssl) {
    const tls = options.ssl === true ? {} : options.ssl;
    conn = yield* clientTls(loop, conn as Deno.TcpConn, tls, options.serverHostname ?? host);
    kind = "tls";
    extra.sslcontext = options.ssl;
  }
  return yield* connected(loop, conn, factory, kind, extra);
});

const connectUnixCoro = coroutine(function* createUnixConnection(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  path: string,
): Coro<[SocketTransport, BaseProtocol]> {
  const conn: Deno.Conn = yield* hostFuture(
    loop,
    () => Deno.connect({ transport: "unix", path }),
    (e) => _fromDenoError(e, undefined, path),
    (c) => c.close(),
  );
  return yield* connected(loop, conn, factory, "unix", {});
});

/** A connection is open: make the protocol and transport, wait for connectionMade. */
function connected(
  loop: AbstractEventLoop,
  conn: Deno.Conn,
  factory: ProtocolFactory,
  kind: SocketKind,
  extra: Record<string, unknown>,
): Coro<[SocketTransport, BaseProtocol]> {
  return withProtocol(
    loop,
    factory,
    "createConnection()",
    () => conn.close(),
    (protocol, waiter) => new SocketTransport(loop, conn, protocol, kind, extra, null, waiter),
  );
}

/**
 * @internal Make the protocol (`cleanup` runs if the factory fails), then
 * the transport, and wait until the transport has called `connectionMade`
 * (closing the transport if the wait is cancelled).
 */
export function* withProtocol<T extends { close(): void }>(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  where: string,
  cleanup: () => void,
  makeTransport: (protocol: BaseProtocol, waiter: Future<void>) => T,
): Coro<[T, BaseProtocol]> {
  let protocol: BaseProtocol;
  try {
    protocol = makeProtocol(factory, where);
  } catch (e) {
    cleanup();
    throw e;
  }
  const waiter = loop.createFuture<void>();
  const transport = makeTransport(protocol, waiter);
  try {
    yield* waiter;
  } catch (e) {
    transport.close();
    throw e;
  }
  return [transport, protocol];
}

/**
 * @internal `loop.createConnection`: connect to `host:port` over TCP (and
 * TLS with `ssl`), make the protocol, return `[transport, protocol]` once
 * `connectionMade` has run. Arguments are checked at the call.
 */
export function createConnection<P extends BaseProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  host: string,
  port: number,
  options: ConnectionOptions = {},
): Coroutine<[SocketTransport, P]> {
  const where = "createConnection()";
  checkFactory(protocolFactory, where);
  checkHost(host, where);
  const p = checkPort(port, where);
  checkConnectionOptions(options, where);
  return connectCoro(loop, protocolFactory, host, p, options) as Coroutine<
    [SocketTransport, P]
  >;
}

/**
 * @internal `loop.createUnixConnection`: connect to the Unix socket at `path`.
 */
export function createUnixConnection<P extends BaseProtocol>(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory<P>,
  path: string,
): Coroutine<[SocketTransport, P]> {
  checkFactory(protocolFactory, "createUnixConnection()");
  checkPath(path, "createUnixConnection()");
  return connectUnixCoro(loop, protocolFactory, path) as Coroutine<[SocketTransport, P]>;
}

// --- servers ------------------------------------------------------------------------

/** CPython's ACCEPT_RETRY_DELAY: after running out of file descriptors, retry in a second. */
const ACCEPT_RETRY_DELAY = 1;

/**
 * A listening server (Python's `asyncio.Server`), made by `startServer`,
 * `startUnixServer`, `loop.createServer` and `loop.createUnixServer`.
 *
 * `close()` stops listening (the connections it accepted stay open);
 * `waitClosed()` waits until it is closed and every connection is gone;
 * `closeClients()`/`abortClients()` close those connections (Python 3.13).
 * As an async context manager (`asyncWith`, `await using`) it closes and
 * waits on exit.
 *
 * @example
 * ```ts
 * import { openConnection, run, startServer } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   const server = await startServer(async (reader, writer) => {
 *     writer.write(await reader.readline());
 *     writer.close();
 *   }, "127.0.0.1", 0);
 *   const [reader, writer] = await openConnection("127.0.0.1", server.sockets[0].port!);
 *   writer.write("ping\n");
 *   console.log(new TextDecoder().decode(await reader.read())); // ping
 *   writer.close();
 *   await writer.waitClosed();
 *   server.close();
 *   await server.waitClosed();
 * });
 * ```
 */
export class Server {
  /** @internal */ _loop: AbstractEventLoop;
  /** @internal `null` once closed. */ _listeners: Deno.Listener[] | null;
  /** @internal */ _socketInfo: ServerSocket[];
  /** @internal */ _factory: ProtocolFactory;
  /** @internal */ _kind: SocketKind;
  /** @internal */ _ssl: TlsOptions | undefined;
  /** @internal The connections it accepted and that are not lost yet. */
  _clients: Set<SocketTransport> = new Set();
  /** @internal `null` once woken (closed and every client gone). */
  _waiters: Future<void>[] | null = [];
  /** @internal */ _serving = false;
  /** @internal */ _servingForeverFut: Future<void> | null = null;
  /** @internal Host operations in flight (accepts, TLS handshakes). */ _ops = 0;

  /** @internal Made by createServer and friends. */
  constructor(
    loop: AbstractEventLoop,
    listeners: Deno.Listener[],
    factory: ProtocolFactory,
    kind: SocketKind,
    ssl?: TlsOptions,
  ) {
    this._loop = loop;
    this._listeners = listeners;
    this._factory = factory;
    this._kind = kind;
    this._ssl = ssl;
    this._socketInfo = listeners.map((l) => serverSocket(l.addr));
  }

  /** The loop the server runs on. */
  getLoop(): AbstractEventLoop {
    return this._loop;
  }

  /**
   * The listening sockets: `{ hostname, port }` each (`{ path }` for a Unix
   * socket), with `getsockname()`; empty once the server is closed.
   */
  get sockets(): ServerSocket[] {
    return this._listeners === null ? [] : this._socketInfo.slice();
  }

  /** Whether the server is accepting connections. */
  isServing(): boolean {
    return this._serving;
  }

  /** @internal */
  _attach(t: SocketTransport): void {
    this._clients.add(t);
  }

  /** @internal */
  _detach(t: SocketTransport): void {
    this._clients.delete(t);
    this._maybeWakeup();
  }

  /** @internal Wake waitClosed() once closed, with no client and no accept in flight. */
  _maybeWakeup(): void {
    if (this._listeners !== null || this._clients.size > 0 || this._ops > 0) return;
    const waiters = this._waiters;
    if (waiters === null) return;
    this._waiters = null;
    for (const w of waiters) if (!w.done()) w.setResult(undefined);
  }

  /** @internal */
  _startServing(): void {
    if (this._serving || this._listeners === null) return;
    this._serving = true;
    for (const l of this._listeners) this._accept(l);
  }

  /** @internal Keep one accept in flight on `listener`. */
  _accept(listener: Deno.Listener): void {
    if (!this._serving || this._listeners === null) return;
    const loop = this._loop;
    this._ops++;
    ioStart(loop);
    listener.accept().then((conn) => {
      this._opDone();
      if (loop.isClosed() || this._listeners === null) {
        conn.close();
        return;
      }
      loop._schedule((s: Server) => s._accepted(listener, conn), this);
    }, (e) => {
      this._opDone();
      if (loop.isClosed() || this._listeners === null) return; // closed: expected
      loop._schedule((s: Server) => s._acceptFailed(listener, e), this);
    });
  }

  /** @internal */
  _opDone(): void {
    this._ops--;
    ioEnd(this._loop);
    if (this._listeners === null && !this._loop.isClosed()) {
      this._loop._schedule((s: Server) => s._maybeWakeup(), this);
    }
  }

  /** @internal A connection arrived (a loop callback). */
  _accepted(listener: Deno.Listener, conn: Deno.Conn): void {
    if (this._listeners === null) {
      conn.close();
      return;
    }
    this._accept(listener);
    if (this._kind === "tls") this._handshake(conn as Deno.TlsConn);
    else this._serve(conn);
  }

  /** @internal A TLS connection does its handshake before the protocol sees it. */
  _handshake(conn: Deno.TlsConn): void {
    const loop = this._loop;
    this._ops++;
    ioStart(loop);
    conn.handshake().then(() => {
      this._opDone();
      if (loop.isClosed() || this._listeners === null) conn.close();
      else loop._schedule((s: Server) => s._serve(conn), this);
    }, (e) => {
      this._opDone();
      try {
        conn.close();
      } catch {
        // already closed
      }
      if (loop.getDebug() && !loop.isClosed()) {
        loop.callExceptionHandler({
          message: "Error on transport creation for incoming connection",
          exception: _fromDenoError(e),
        });
      }
    });
  }

  /** @internal Give an accepted connection its protocol and transport. */
  _serve(conn: Deno.Conn): void {
    if (this._listeners === null) {
      conn.close();
      return;
    }
    let protocol: BaseProtocol;
    try {
      protocol = makeProtocol(this._factory, "server");
    } catch (exc) {
      conn.close();
      this._loop.callExceptionHandler({
        message: "Error on transport creation for incoming connection",
        exception: exc,
      });
      return;
    }
    const extra = this._kind === "tls" ? { sslcontext: this._ssl } : undefined;
    new SocketTransport(this._loop, conn, protocol, this._kind, extra, this);
  }

  /** @internal accept() failed: report it and try again later. */
  _acceptFailed(listener: Deno.Listener, e: unknown): void {
    if (this._listeners === null) return;
    this._loop.callExceptionHandler({
      message: "socket.accept() out of system resource",
      exception: _fromDenoError(e),
      socket: listener.addr,
    });
    this._loop.callLater(ACCEPT_RETRY_DELAY, () => this._accept(listener));
  }

  /**
   * Stop listening and release the listening sockets. Connections already
   * accepted stay open (see `closeClients`). `serveForever()` is cancelled.
   */
  close(): void {
    const listeners = this._listeners;
    if (listeners === null) return;
    this._listeners = null;
    for (const l of listeners) {
      try {
        l.close();
      } catch {
        // already closed
      }
    }
    this._serving = false;
    const fut = this._servingForeverFut;
    if (fut !== null && !fut.done()) {
      fut.cancel();
      this._servingForeverFut = null;
    }
    this._maybeWakeup();
  }

  /** Close every connection the server accepted (Python 3.13's `close_clients`). */
  closeClients(): void {
    for (const t of [...this._clients]) t.close();
  }

  /** Abort every connection the server accepted, dropping their buffers (`abort_clients`). */
  abortClients(): void {
    for (const t of [...this._clients]) t.abort();
  }

  /**
   * Start accepting connections (when made with `startServing: false`).
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  startServing(): Coroutine<void> {
    return startServingCoro(this);
  }

  /**
   * Accept connections until cancelled; cancelling closes the server and
   * waits for it to close.
   *
   * @returns A coroutine that never returns normally.
   * @throws {RuntimeError} When the server is closed, or already serving forever.
   */
  serveForever(): Coroutine<void> {
    return serveForeverCoro(this);
  }

  /**
   * Wait until the server is closed, every connection it accepted is lost,
   * and its listening sockets are released.
   *
   * @returns A coroutine: `yield*` or `await` it.
   */
  waitClosed(): Coroutine<void> {
    return waitClosedCoro(this);
  }

  /** `async with server`: returns the server. */
  aenter(): Server {
    return this;
  }

  /** Leaving `async with server`: close and wait for it to close. */
  aexit(): Coroutine<void> {
    return closeAndWait(this);
  }

  /** `await using server = ...`: close and wait for it to close. */
  [Symbol.asyncDispose](): PromiseLike<void> {
    return closeAndWait(this);
  }

  /** Python's repr: `<Server sockets=(('127.0.0.1', 8888),)>`. */
  [REPR](): string {
    const socks = this.sockets.map((s) => {
      const n = s.getsockname();
      return Array.isArray(n) ? pyAddr(n[0], n[1]) : repr(n);
    });
    return `<Server sockets=(${socks.join(", ")}${socks.length === 1 ? "," : ""})>`;
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

function serverSocket(addr: Deno.Addr): ServerSocket {
  if (addr.transport === "unix" || addr.transport === "unixpacket") {
    const path = (addr as Deno.UnixAddr).path ?? "";
    return { path, getsockname: () => path };
  }
  const { hostname, port } = addr as Deno.NetAddr;
  return { hostname, port, getsockname: () => [hostname, port] };
}

const startServingCoro = coroutine(function* startServing(server: Server): Coro<void> {
  server._startServing();
  // One loop iteration, as CPython, so the first accepts are in flight.
  yield* sleep(0);
});

const serveForeverCoro = coroutine(function* serveForever(server: Server): Coro<void> {
  if (server._servingForeverFut !== null) {
    throw new RuntimeError(`server ${server[REPR]()} is already being awaited on serveForever()`);
  }
  if (server._listeners === null) throw new RuntimeError(`server ${server[REPR]()} is closed`);
  server._startServing();
  const fut = server._servingForeverFut = server._loop.createFuture<void>();
  try {
    yield* fut;
  } catch (e) {
    try {
      server.close();
      yield* waitClosedCoro(server);
    } finally {
      // deno-lint-ignore no-unsafe-finally
      throw e;
    }
  } finally {
    server._servingForeverFut = null;
  }
});

const waitClosedCoro = coroutine(function* waitClosed(server: Server): Coro<void> {
  if (server._waiters === null) return;
  const waiter = server._loop.createFuture<void>();
  server._waiters.push(waiter);
  yield* waiter;
});

const closeAndWait = coroutine(function* aexit(server: Server): Coro<void> {
  server.close();
  yield* waitClosedCoro(server);
});

function listenError(e: unknown, host: string, port: number): unknown {
  const mapped = _fromDenoError(e);
  if (mapped instanceof OSError && mapped.errno !== null && mapped.errno > 0) {
    return _osError(
      mapped.errno,
      `error while attempting to bind on address ${pyAddr(host, port)}: ${
        mapped.strerror!.toLowerCase()
      }`,
      { cause: e },
    );
  }
  return mapped;
}

const createServerCoro = coroutine(function* createServer(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  hosts: string[],
  port: number,
  options: ServerOptions,
): Coro<Server> {
  const listeners: Deno.Listener[] = [];
  const ssl = options.ssl;
  try {
    for (const hostname of hosts) {
      try {
        listeners.push(
          ssl
            ? Deno.listenTls({ hostname, port, transport: "tcp", ...listenTlsOptions(ssl) })
            : Deno.listen({ hostname, port, transport: "tcp", reusePort: options.reusePort }),
        );
      } catch (e) {
        throw listenError(e, hostname, port);
      }
    }
  } catch (e) {
    for (const l of listeners) l.close();
    throw e;
  }
  const server = new Server(loop, listeners, factory, ssl ? "tls" : "tcp", ssl);
  if (options.startServing !== false) {
    server._startServing();
    yield* sleep(0);
  }
  return server;
});

/**
 * @internal `loop.createServer`: listen on `host:port` (every interface for
 * `null`, `undefined` or `""`; each of a list of hosts), with TLS when
 * `ssl` is given. Port 0 picks a free port (see `server.sockets`).
 */
export function createServer(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory,
  host: string | string[] | null | undefined,
  port: number,
  options: ServerOptions = {},
): Coroutine<Server> {
  const where = "createServer()";
  checkFactory(protocolFactory, where);
  const p = checkPort(port, where);
  let hosts: string[];
  if (host === null || host === undefined || host === "") hosts = ["0.0.0.0"];
  else if (typeof host === "string") hosts = [host];
  else if (Array.isArray(host) && host.length > 0) {
    hosts = [...new Set(host.map((h) => checkHost(h, where)))];
  } else {
    throw new TypeError(
      `${where}: host must be a string or an array of them, got ${describe(host)}`,
    );
  }
  if (options.ssl !== undefined && options.ssl !== null) {
    if (typeof options.ssl !== "object") {
      throw new TypeError(
        `${where}: ssl for a server must be TLS options { cert, key } (PEM text), got ${
          describe(options.ssl)
        }`,
      );
    }
  }
  return createServerCoro(loop, protocolFactory, hosts, p, options);
}

const createUnixServerCoro = coroutine(function* createUnixServer(
  loop: AbstractEventLoop,
  factory: ProtocolFactory,
  path: string,
  options: UnixServerOptions,
): Coro<Server> {
  // A socket file left by an earlier server is removed first, as CPython does.
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch {
    // No such file, or not ours to remove: listen() reports it.
  }
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (e) {
    throw _fromDenoError(e, undefined, path);
  }
  const server = new Server(loop, [listener], factory, "unix");
  if (options.startServing !== false) {
    server._startServing();
    yield* sleep(0);
  }
  return server;
});

/** @internal `loop.createUnixServer`: listen on the Unix socket at `path`. */
export function createUnixServer(
  loop: AbstractEventLoop,
  protocolFactory: ProtocolFactory,
  path: string,
  options: UnixServerOptions = {},
): Coroutine<Server> {
  checkFactory(protocolFactory, "createUnixServer()");
  checkPath(path, "createUnixServer()");
  return createUnixServerCoro(loop, protocolFactory, path, options);
}
