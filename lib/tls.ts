/**
 * TLS on Deno's `Deno.startTls` and `Deno.listenTls` (what CPython does with
 * `ssl.SSLContext` and its SSL protocol): client connections, servers, and
 * `loop.startTls` / `StreamWriter.startTls` to upgrade a client connection.
 *
 * Options are Deno's (PEM text), not an `SSLContext`: a client passes
 * `ssl: true` (the system's trust store) or `{ caCerts: [pem] }`; a server
 * passes `{ cert, key }`.
 *
 * @module
 */

import type { AbstractEventLoop } from "./events.ts";
import { type Coro, type Coroutine, coroutine } from "./coroutines.ts";
import { _fromDenoError, RuntimeError, ValueError } from "./errors.ts";
import { describe } from "./format_helpers.ts";
import type { BaseProtocol } from "./protocols.ts";
import { hostFuture, SocketTransport } from "./transports.ts";

/**
 * TLS options, as Deno takes them (PEM text). A client uses `caCerts`
 * (certificates to trust besides the system's) and `alpnProtocols`; a
 * server needs `cert` and `key`.
 */
export interface TlsOptions {
  /** PEM certificates a client trusts, besides the system's. */
  caCerts?: string[];
  /** The server's certificate chain (PEM). */
  cert?: string;
  /** The server's private key (PEM). */
  key?: string;
  /** ALPN protocols to offer or accept. */
  alpnProtocols?: string[];
}

/** Options of `loop.startTls`. */
export interface StartTlsOptions {
  /** The name the server's certificate must carry. */
  serverHostname?: string;
  /** Deno cannot upgrade a server-side connection: `true` is a RuntimeError. */
  serverSide?: boolean;
}

/** @internal The options of `Deno.listenTls` for a server's TLS options. */
export function listenTlsOptions(
  ssl: TlsOptions,
): { cert: string; key: string; alpnProtocols?: string[] } {
  if (typeof ssl.cert !== "string" || typeof ssl.key !== "string") {
    throw new TypeError(
      `a TLS server needs ssl: { cert, key } with the certificate and private key in PEM, got ${
        describe(ssl)
      }`,
    );
  }
  return { cert: ssl.cert, key: ssl.key, alpnProtocols: ssl.alpnProtocols };
}

/**
 * @internal Upgrade a fresh TCP connection to TLS as a client and complete
 * the handshake (so certificate errors surface here, as SSLError).
 */
export function* clientTls(
  loop: AbstractEventLoop,
  conn: Deno.TcpConn,
  ssl: TlsOptions,
  hostname: string,
): Coro<Deno.TlsConn> {
  let tls: Deno.TlsConn;
  try {
    tls = yield* hostFuture(
      loop,
      () =>
        Deno.startTls(conn, { hostname, caCerts: ssl.caCerts, alpnProtocols: ssl.alpnProtocols }),
      (e) => _fromDenoError(e),
      (c) => c.close(),
    );
  } catch (e) {
    try {
      conn.close();
    } catch {
      // taken over by startTls
    }
    throw e;
  }
  try {
    yield* hostFuture(loop, () => tls.handshake(), (e) => _fromDenoError(e));
  } catch (e) {
    tls.close();
    throw e;
  }
  return tls;
}

const startTlsCoro = coroutine(function* startTls(
  loop: AbstractEventLoop,
  transport: SocketTransport,
  protocol: BaseProtocol,
  ssl: TlsOptions,
  hostname: string,
): Coro<SocketTransport> {
  // Deno takes the connection over only when nothing is in flight on it:
  // stop reading (a read in flight cannot be recalled) and let the writes
  // finish.
  transport._detaching = true;
  if (transport._reading) {
    transport._detaching = false;
    throw new RuntimeError(
      "startTls(): a read is in flight on the connection (Deno cannot take it over until the " +
        "peer sends something); call startTls right after reading the data that precedes the " +
        "handshake, before the next read is issued",
    );
  }
  while (transport._ops > 0) yield* transport._whenIdle();
  if (transport._closing) {
    throw new RuntimeError("startTls(): the transport was closed meanwhile");
  }
  transport._detached = true;
  transport._closing = true;
  transport._connLost = 1;
  const tls = yield* clientTls(loop, transport._conn as Deno.TcpConn, ssl, hostname);
  const waiter = loop.createFuture<void>();
  const upgraded = new SocketTransport(
    loop,
    tls,
    protocol,
    "tls",
    { sslcontext: ssl, peername: transport._extra.peername, sockname: transport._extra.sockname },
    null,
    waiter,
    false,
  );
  upgraded.setWriteBufferLimits(transport._high, transport._low);
  yield* waiter;
  return upgraded;
});

/**
 * @internal `loop.startTls`: upgrade a client connection to TLS and return
 * the new transport, which serves the same protocol (its `connectionMade`
 * is not called again). The old transport is done with.
 */
export function startTls(
  loop: AbstractEventLoop,
  transport: unknown,
  protocol: BaseProtocol,
  ssl: boolean | TlsOptions,
  options: StartTlsOptions = {},
): Coroutine<SocketTransport> {
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError(`startTls(): expected a socket transport, got ${describe(transport)}`);
  }
  if (ssl !== true && (typeof ssl !== "object" || ssl === null)) {
    throw new TypeError(
      `startTls(): ssl must be true or TLS options { caCerts }, got ${describe(ssl)}`,
    );
  }
  if (options.serverSide) {
    throw new RuntimeError(
      "startTls(): Deno cannot upgrade a server-side connection to TLS; listen with " +
        "ssl: { cert, key } instead",
    );
  }
  if (transport._kind !== "tcp") {
    throw new RuntimeError(
      `startTls(): only a TCP connection can be upgraded (this one is ${transport._kind})`,
    );
  }
  if (transport.isClosing()) throw new RuntimeError("startTls(): the transport is closing");
  const hostname = options.serverHostname ?? (transport._extra.peername as [string, number])[0];
  if (typeof hostname !== "string" || hostname === "") {
    throw new ValueError("startTls(): give serverHostname, the name the certificate must carry");
  }
  return startTlsCoro(loop, transport, protocol, ssl === true ? {} : ssl, hostname);
}
