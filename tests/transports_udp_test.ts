/**
 * UDP endpoints. Deno 2 provides Deno.listenDatagram only with
 * `--unstable-net`: this process runs without it (as a user's program
 * would by default), so createDatagramEndpoint must refuse with a
 * RuntimeError naming the flag; the UDP program itself
 * (tests/_udp_program.ts, CPython's trace in tests/python/streams_udp.py)
 * runs in a child process with the flag, in both coroutine styles.
 */
import { assert, assertEquals, assertThrows } from "@std/assert";
import { DatagramProtocol, getRunningLoop, run, RuntimeError } from "../mod.ts";

Deno.test("createDatagramEndpoint without --unstable-net: a RuntimeError that names the flag", async () => {
  const flagged = typeof (Deno as unknown as { listenDatagram?: unknown }).listenDatagram;
  await run(() => {
    if (flagged === "function") return; // this run was started with the flag
    assertThrows(
      () => getRunningLoop().createDatagramEndpoint(() => new DatagramProtocol()),
      RuntimeError,
      "--unstable-net",
    );
  });
});

for (const style of ["generator", "async"]) {
  Deno.test(`UDP round trips under --unstable-net print CPython's trace (${style} style)`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--unstable-net",
        "--allow-net=127.0.0.1",
        "--allow-read",
        new URL("./_udp_program.ts", import.meta.url).pathname,
        style,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert(out.success, err);
    assertEquals(err, "");
    const { lines, expected } = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(lines, expected);
  });
}
