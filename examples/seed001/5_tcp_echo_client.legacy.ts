// Seed 001, the TcpEchoServer's client — legacy form (generator coroutines).
// Run: deno run --allow-net examples/seed001/5_tcp_echo_client.legacy.ts [PORT]
import * as asyncio from "@yieldfrom/asyncio";

const tcpEchoClient = asyncio.coroutine(function* (message: string, port: number) {
  const [reader, writer] = yield* asyncio.openConnection("127.0.0.1", port);
  console.log(`Send: '${message}'`);
  writer.write(message);
  yield* writer.drain();
  const data = yield* reader.read(100);
  console.log(`Received: '${new TextDecoder().decode(data)}'`);
  console.log("Close the connection");
  writer.close();
  yield* writer.waitClosed();
});

const loop = asyncio.getEventLoop();
await loop.runUntilComplete(tcpEchoClient("Hello World!", Number(Deno.args[0] ?? 8888)));
loop.close();
