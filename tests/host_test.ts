/**
 * The loop's bridge to the host: how many host timers a sleeping loop arms.
 * A loop woken again and again (a server, one wake-up per request) must not
 * arm and clear a host timer at each wake-up.
 */
import { assertEquals } from "@std/assert";
import { HostBridge } from "../lib/host.ts";

/** Run `body` counting setTimeout/clearTimeout calls. */
async function countingTimers(
  body: () => Promise<void>,
): Promise<{ set: number; cleared: number }> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const counts = { set: 0, cleared: 0 };
  globalThis.setTimeout = ((...a: Parameters<typeof setTimeout>) => {
    counts.set++;
    return realSet(...a);
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id?: number) => {
    counts.cleared++;
    realClear(id);
  }) as typeof clearTimeout;
  try {
    await body();
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
  return counts;
}

/** Spin for `ms` milliseconds (no timer). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* wait */ }
}

Deno.test("host: a keep-alive sleep woken 20 times, milliseconds apart, arms one host timer", async () => {
  const host = new HostBridge();
  const counts = await countingTimers(async () => {
    for (let i = 0; i < 20; i++) {
      const slept = host.sleep(24 * 3600 * 1000, "alive");
      host.wake();
      await slept;
      spin(2); // the next sleep's due time differs by more than the 1 ms tolerance
    }
  });
  host.close();
  assertEquals(counts.set, 1);
});

Deno.test("host: a plain sleep's timer is cleared by the wake-up; a kept one for the same time is reused", async () => {
  const host = new HostBridge();
  const plain = await countingTimers(async () => {
    for (let i = 0; i < 10; i++) {
      const slept = host.sleep(60_000);
      host.wake();
      await slept;
    }
  });
  assertEquals(plain, { set: 10, cleared: 10 });
  const kept = await countingTimers(async () => {
    for (let i = 0; i < 10; i++) {
      const slept = host.sleep(60_000, true);
      host.wake();
      await slept;
    }
  });
  host.close();
  // One timer armed; sleeps a few milliseconds apart may re-arm it (1 ms tolerance).
  assertEquals(kept.set <= 3, true, `armed ${kept.set} timers`);
});

Deno.test("host: a keep-alive sleep ends when its timer fires", async () => {
  const host = new HostBridge();
  const t0 = performance.now();
  await host.sleep(20, "alive");
  host.close();
  assertEquals(performance.now() - t0 >= 15, true);
  assertEquals(host.timerFired, true);
});
