/**
 * TLS with a self-signed certificate made at test time with openssl:
 * servers with `ssl: { cert, key }`, clients with `ssl: { caCerts }`
 * (both styles), certificate failures as SSLError, and
 * `StreamWriter.startTls` upgrading a connection to a Python server that
 * speaks a small STARTTLS protocol.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  getRunningLoop,
  openConnection,
  Protocol,
  run,
  RuntimeError,
  SSLError,
  startServer,
} from "../mod.ts";
import { caught, python, text } from "./_streams.ts";

function makeCert(): { dir: string; cert: string; key: string } | null {
  const dir = Deno.makeTempDirSync({ prefix: "streams_tls_" });
  try {
    const out = new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  } catch (e) {
    Deno.removeSync(dir, { recursive: true });
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  return {
    dir,
    cert: Deno.readTextFileSync(`${dir}/cert.pem`),
    key: Deno.readTextFileSync(`${dir}/key.pem`),
  };
}

const tls = makeCert();
if (tls === null) console.log("openssl is not installed: the TLS tests are skipped");
const ignore = tls === null;

Deno.test({
  name:
    "TLS: an echo server and client over TLS, both styles; sslcontext in extra info; no writeEof",
  ignore,
  fn: async () => {
    const { cert, key } = tls!;
    await run(async () => {
      const server = await startServer(
        async (reader, writer) => {
          writer.write((await reader.readline()).reverse());
          await writer.drain();
          writer.close();
        },
        "127.0.0.1",
        0,
        { ssl: { cert, key } },
      );
      const port = server.sockets[0].port!;
      const [reader, writer] = await openConnection("localhost", port, {
        ssl: { caCerts: [cert] },
      });
      assert(writer.getExtraInfo("sslcontext"));
      assertEquals(writer.canWriteEof(), false);
      writer.write("secret\n");
      assertEquals(text(await reader.read()), "\nterces");
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
    await run(function* () {
      const server = yield* startServer(
        function* (reader, writer) {
          writer.write(yield* reader.readexactly(3));
          yield* writer.drain();
          writer.close();
        },
        "127.0.0.1",
        0,
        { ssl: { cert, key } },
      );
      const [reader, writer] = yield* openConnection("127.0.0.1", server.sockets[0].port!, {
        ssl: { caCerts: [cert] },
      });
      writer.write("abc");
      assertEquals(text(yield* reader.read()), "abc");
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
    });
  },
});

Deno.test({
  name:
    "TLS: a certificate nobody trusts is an SSLError with Deno's error as cause; the server goes on",
  ignore,
  fn: async () => {
    const { cert, key } = tls!;
    await run(async () => {
      const server = await startServer(
        async (r, w) => {
          w.write(await r.read(10));
          w.close();
        },
        "127.0.0.1",
        0,
        { ssl: { cert, key } },
      );
      const port = server.sockets[0].port!;
      try {
        await openConnection("localhost", port, { ssl: true });
        throw new Error("connected");
      } catch (e) {
        const err = caught(e, SSLError);
        assert(err.cause instanceof Error, "Deno's error is the cause");
        assert(/certificate|UnknownIssuer/i.test(err.message), err.message);
      }
      // The wrong name fails too.
      try {
        await openConnection("127.0.0.1", port, {
          ssl: { caCerts: [cert] },
          serverHostname: "example.com",
        });
        throw new Error("connected");
      } catch (e) {
        caught(e, SSLError);
      }
      const [reader, writer] = await openConnection("localhost", port, {
        ssl: { caCerts: [cert] },
      });
      writer.write("still ok");
      assertEquals(text(await reader.read()), "still ok");
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
  },
});

// A server that speaks plain text until STARTTLS, then TLS (Python's ssl).
const STARTTLS_SERVER = `
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
f = c.makefile("rb")
assert f.readline() == b"STARTTLS\\n"
c.sendall(b"GO AHEAD\\n")
t = ctx.wrap_socket(c, server_side=True)
line = t.makefile("rb").readline()
t.sendall(b"over tls: " + line)
t.close()
`;

Deno.test({
  name:
    "StreamWriter.startTls: upgrade a plain connection after the server's go-ahead (both styles)",
  ignore,
  fn: async () => {
    const { dir, cert } = tls!;
    for (const style of ["async", "generator"]) {
      const peer = python(STARTTLS_SERVER, [`${dir}/cert.pem`, `${dir}/key.pem`]);
      try {
        const port = Number(await peer.line());
        const got = style === "async"
          ? await run(async () => {
            const [reader, writer] = await openConnection("127.0.0.1", port);
            writer.write("STARTTLS\n");
            assertEquals(text(await reader.readline()), "GO AHEAD\n");
            await writer.startTls({ caCerts: [cert] }, { serverHostname: "localhost" });
            assert(writer.getExtraInfo("sslcontext"));
            writer.write("hello\n");
            const line = text(await reader.readline());
            writer.close();
            await writer.waitClosed().then(undefined, () => {});
            return line;
          })
          : await run(function* () {
            const [reader, writer] = yield* openConnection("127.0.0.1", port);
            writer.write("STARTTLS\n");
            assertEquals(text(yield* reader.readline()), "GO AHEAD\n");
            yield* writer.startTls({ caCerts: [cert] }, { serverHostname: "localhost" });
            writer.write("hello\n");
            const line = text(yield* reader.readline());
            writer.close();
            try {
              yield* writer.waitClosed();
            } catch {
              // the peer may close without TLS close_notify
            }
            return line;
          });
        assertEquals(got, "over tls: hello\n", style);
        assert((await peer.done).success);
      } finally {
        peer.kill();
      }
    }
  },
});

Deno.test({
  name:
    "startTls: the server side cannot be upgraded on Deno (a RuntimeError that says what to do)",
  ignore,
  fn: async () => {
    await run(async () => {
      const loop = getRunningLoop();
      let refused: unknown;
      const server = await startServer(
        async (_r, w) => {
          try {
            await w.startTls(true);
          } catch (e) {
            refused = e;
          }
          w.close();
        },
        "127.0.0.1",
        0,
      );
      const [t, p] = await loop.createConnection(
        () => new Protocol(),
        "127.0.0.1",
        server.sockets[0].port!,
      );
      assertThrows(
        () => loop.startTls(t, p, true, { serverSide: true }),
        RuntimeError,
        "listen with",
      );
      while (refused === undefined) await new Promise((r) => setTimeout(r, 5));
      assert(caught(refused, RuntimeError).message.includes("server-side"));
      t.close();
      server.close();
      await server.waitClosed();
    });
  },
});

if (tls !== null) {
  globalThis.addEventListener("unload", () => Deno.removeSync(tls.dir, { recursive: true }));
}
