/**
 * The program of tests/python/streams_udp.py, run by tests/transports_udp_test.ts
 * under `deno run --unstable-net` (Deno.listenDatagram needs it).
 *
 * Usage: deno run --unstable-net --allow-net=127.0.0.1 tests/_udp_program.ts generator|async
 */
import {
  DatagramProtocol,
  type DatagramTransport,
  Event,
  getRunningLoop,
  run,
  sleep,
  ValueError,
} from "../mod.ts";
import { pythonTrace, Trace } from "./_trace.ts";
import { show } from "./_streams.ts";

const t = new Trace();
const trace: string[] = [];
const upper = (d: Uint8Array) =>
  new TextEncoder().encode(new TextDecoder().decode(d).toUpperCase());

class EchoServer extends DatagramProtocol {
  transport!: DatagramTransport;
  override connectionMade(transport: DatagramTransport) {
    this.transport = transport;
    trace.push("server connection_made");
  }
  override datagramReceived(data: Uint8Array, addr: [string, number]) {
    trace.push(
      `server got ${show(data)} from a ${
        Array.isArray(addr) ? "tuple" : typeof addr
      } of ${addr.length}`,
    );
    this.transport.sendto(upper(data), addr);
  }
  override connectionLost(exc: Error | undefined) {
    trace.push(`server connection_lost ${exc === undefined ? "None" : exc}`);
  }
}

class Client extends DatagramProtocol {
  done = getRunningLoop().createFuture<void>();
  replied = new Event();
  constructor(public expected: number) {
    super();
  }
  override connectionMade() {
    trace.push("client connection_made");
  }
  override datagramReceived(data: Uint8Array) {
    trace.push(`client got ${show(data)}`);
    this.replied.set();
    if (--this.expected === 0) this.done.setResult(undefined);
  }
  override errorReceived(exc: Error) {
    trace.push(`client error ${exc}`);
  }
  override connectionLost(exc: Error | undefined) {
    trace.push(`client connection_lost ${exc === undefined ? "None" : exc}`);
  }
}

function finish(ct: DatagramTransport, st: DatagramTransport, port: number) {
  try {
    ct.sendto("x", ["127.0.0.1", port < 65535 ? port + 1 : port - 1]);
  } catch (e) {
    if (e instanceof ValueError) t.print("ValueError", e.message.split(":")[0]);
  }
  ct.close();
  st.close();
}

if (Deno.args[0] === "generator") {
  await run(function* () {
    const loop = getRunningLoop();
    const [st] = yield* loop.createDatagramEndpoint(() => new EchoServer(), {
      localAddr: ["127.0.0.1", 0],
    });
    const [host, port] = st.getExtraInfo("sockname") as [string, number];
    t.print("server bound:", host, port > 0);
    const [ct, cp] = yield* loop.createDatagramEndpoint(() => new Client(3), {
      remoteAddr: ["127.0.0.1", port],
    });
    const peer = ct.getExtraInfo("peername") as [string, number];
    t.print("client peername:", peer[0] === "127.0.0.1" && peer[1] === port);
    for (const word of ["one", "two", "three"]) {
      ct.sendto(word);
      yield* cp.replied.wait();
      cp.replied.clear();
    }
    yield* cp.done;
    finish(ct, st, port);
    yield* sleep(0.01);
    t.print(ct.isClosing(), st.isClosing());
  });
} else {
  await run(async () => {
    const loop = getRunningLoop();
    const [st] = await loop.createDatagramEndpoint(() => new EchoServer(), {
      localAddr: ["127.0.0.1", 0],
    });
    const [host, port] = st.getExtraInfo("sockname") as [string, number];
    t.print("server bound:", host, port > 0);
    const [ct, cp] = await loop.createDatagramEndpoint(() => new Client(3), {
      remoteAddr: ["127.0.0.1", port],
    });
    const peer = ct.getExtraInfo("peername") as [string, number];
    t.print("client peername:", peer[0] === "127.0.0.1" && peer[1] === port);
    for (const word of ["one", "two", "three"]) {
      ct.sendto(word);
      await cp.replied.wait();
      cp.replied.clear();
    }
    await cp.done;
    finish(ct, st, port);
    await sleep(0.01);
    t.print(ct.isClosing(), st.isClosing());
  });
}
for (const line of trace) t.print(line);
const expected = pythonTrace("streams_udp", "udp");
console.log(JSON.stringify({ lines: t.lines, expected }));
