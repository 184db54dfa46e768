/**
 * Subprocess hot paths: a child's output through the pipe transport into
 * a StreamReader (line by line, and in bulk through `communicate()`), and
 * the spawn-to-exit round trip. Needs --allow-run (skipped without it).
 * Each bench runs a whole program on a fresh loop.
 *
 *   deno bench --allow-run bench/subprocess_bench.ts
 */
import { coroutine, createSubprocessExec, PIPE, run } from "../mod.ts";

const allowed = Deno.permissions.querySync({ name: "run" }).state === "granted";
const LINES = 20_000;
const BULK = 16 * 1024 * 1024;
const input = new Uint8Array(BULK);

Deno.bench("spawn + wait: true (await)", { group: "spawn", ignore: !allowed }, async () => {
  await run(async () => {
    const p = await createSubprocessExec("true");
    await p.wait();
  });
});

Deno.bench("spawn + wait: Deno.Command true", { group: "spawn", ignore: !allowed }, async () => {
  await new Deno.Command("true").spawn().status;
});

Deno.bench(`readline: seq ${LINES} (yield*)`, { group: "lines", ignore: !allowed }, async () => {
  await run(coroutine(function* () {
    const p = yield* createSubprocessExec("seq", String(LINES), { stdout: PIPE });
    let n = 0;
    while ((yield* p.stdout!.readline()).length > 0) n++;
    if (n !== LINES) throw new Error(`read ${n} lines`);
    yield* p.wait();
  }));
});

Deno.bench(`readline: seq ${LINES} (await)`, { group: "lines", ignore: !allowed }, async () => {
  await run(async () => {
    const p = await createSubprocessExec("seq", String(LINES), { stdout: PIPE });
    let n = 0;
    for await (const _ of p.stdout!) n++;
    if (n !== LINES) throw new Error(`read ${n} lines`);
    await p.wait();
  });
});

Deno.bench("communicate: cat 16 MiB", { group: "bulk", ignore: !allowed }, async () => {
  await run(async () => {
    const p = await createSubprocessExec("cat", { stdin: PIPE, stdout: PIPE });
    const [out] = await p.communicate(input);
    if (out!.length !== BULK) throw new Error("lost data");
  });
});

Deno.bench("Deno.Command output(): cat 16 MiB", { group: "bulk", ignore: !allowed }, async () => {
  const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
  const w = child.stdin.getWriter();
  const writing = w.write(input).then(() => w.close());
  const [out] = await Promise.all([child.output(), writing]);
  if (out.stdout.length !== BULK) throw new Error("lost data");
});
