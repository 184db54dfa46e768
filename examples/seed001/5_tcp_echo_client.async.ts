// Seed 001, the TcpEchoServer's client — async form.
// Run: deno run --allow-net examples/seed001/5_tcp_echo_client.async.ts [PORT]
import * as asyncio from "@yieldfrom/asyncio";

const tcpEchoClient = asyncio.coroutine(async (message: string, port: number) => {
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  console.log(`Send: '${message}'`);
  writer.write(message);
  await writer.drain();
  const data = await reader.read(100);
  console.log(`Received: '${new TextDecoder().decode(data)}'`);
  console.log("Close the connection");
  writer.close();
  await writer.waitClosed();
});

await asyncio.run(tcpEchoClient("Hello World!", Number(Deno.args[0] ?? 8888)));
