// Seed 001, TcpEchoServer (对于socket，在accept()后，关键是recv()和send()) — async form.
// Run: deno run --allow-net examples/seed001/5_tcp_echo_server.async.ts [PORT]   (Ctrl-C stops it)
import * as asyncio from "@yieldfrom/asyncio";

/** Python's repr of an address tuple: ('127.0.0.1', 8888). */
const addr = ([host, port]: [string, number]) => `('${host}', ${port})`;

const handleEcho = asyncio.coroutine(
  async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
    const data = await reader.read(100);
    const message = new TextDecoder().decode(data);
    console.log(
      `Received '${message}' from ${addr(writer.getExtraInfo("peername") as [string, number])}`,
    );
    console.log(`Send: '${message}'`);
    writer.write(data);
    await writer.drain();
    console.log("Close the connection");
    writer.close();
    await writer.waitClosed();
  },
);

const main = asyncio.coroutine(async (port: number) => {
  const server = await asyncio.startServer(handleEcho, "127.0.0.1", port);
  const addrs = server.sockets.map((sock) => addr(sock.getsockname() as [string, number]));
  console.log(`Serving on ${addrs.join(", ")}`);
  await asyncio.asyncWith(server, () => server.serveForever());
});

try {
  await asyncio.run(main(Number(Deno.args[0] ?? 8888)));
} catch (e) {
  if (!(e instanceof asyncio.KeyboardInterrupt)) throw e;
}
