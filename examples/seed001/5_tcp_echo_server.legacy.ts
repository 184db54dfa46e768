// Seed 001, TcpEchoServer — legacy form (generator coroutines, yield* as yield from).
// Run: deno run --allow-net examples/seed001/5_tcp_echo_server.legacy.ts [PORT]   (Ctrl-C stops it)
import * as asyncio from "@yieldfrom/asyncio";

/** Python's repr of an address tuple: ('127.0.0.1', 8888). */
const addr = ([host, port]: [string, number]) => `('${host}', ${port})`;

const handleEcho = asyncio.coroutine(
  function* (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) {
    const data = yield* reader.read(100);
    const message = new TextDecoder().decode(data);
    console.log(
      `Received '${message}' from ${addr(writer.getExtraInfo("peername") as [string, number])}`,
    );
    console.log(`Send: '${message}'`);
    writer.write(data);
    yield* writer.drain();
    console.log("Close the connection");
    writer.close();
    yield* writer.waitClosed();
  },
);

const main = asyncio.coroutine(function* (port: number) {
  const server = yield* asyncio.startServer(handleEcho, "127.0.0.1", port);
  const addrs = server.sockets.map((sock) => addr(sock.getsockname() as [string, number]));
  console.log(`Serving on ${addrs.join(", ")}`);
  yield* asyncio.asyncWith(server, () => server.serveForever());
});

const loop = asyncio.getEventLoop();
const task = loop.createTask(main(Number(Deno.args[0] ?? 8888)));
// Ctrl-C stops the server: cancelling serveForever closes it.
loop.addSignalHandler("SIGINT", () => task.cancel());
try {
  await loop.runUntilComplete(task);
} catch (e) {
  if (!(e instanceof asyncio.CancelledError)) throw e;
} finally {
  loop.close();
}
