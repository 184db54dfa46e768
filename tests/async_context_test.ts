/**
 * Which task an async body's code belongs to, across host promises, and
 * living beside the program's own AsyncLocalStorage: both storages (on
 * Deno's async context, and the AsyncLocalStorage fallback) keep the same
 * contract.
 */
import { assertEquals } from "@std/assert";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type DriverStorage,
  hostContext,
  keepsProgramStores,
  onAsyncLocalStorage,
  onHost,
  taskContext,
} from "../lib/async_context.ts";
import type { Driver } from "../lib/futures.ts";
import { CancelledError, createTask, currentTask, Event, run, sleep } from "../mod.ts";

const virtual = { clock: "virtual" } as const;
const host = hostContext();

/** A macrotask later: a host promise the loop knows nothing about. */
const hostTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

Deno.test("async context: on this Deno a task's body runs in the task's own context object, not in an AsyncLocalStorage mapping", async () => {
  const host = hostContext();
  assertEquals(host !== null, true);
  // AsyncLocalStorage's mappings have no prototype; the task's object is a class instance.
  const proto = await run(async () => Object.getPrototypeOf(host!.getAsyncContext()));
  assertEquals(proto !== null && proto !== Object.prototype, true);
  assertEquals(host!.getAsyncContext(), undefined); // and it is left when the body returns
});

Deno.test("async context: the start-up check takes the task's context and refuses one that drops the program's stores", () => {
  const host = hostContext()!;
  assertEquals(keepsProgramStores(host), true);
  // Contexts that replace the program's instead of adding the task to it.
  assertEquals(
    keepsProgramStores(host, (_previous, driver) => taskContext(undefined, driver)),
    false,
  );
  assertEquals(keepsProgramStores(host, () => ({})), false);
  // A host without Deno's AsyncVariable: the layout cannot be checked.
  assertEquals(keepsProgramStores({ ...host, AsyncVariable: undefined }), false);
});

const storages: [string, () => DriverStorage][] = [
  ["Deno's async context", () => onHost(host!)],
  ["AsyncLocalStorage", () => onAsyncLocalStorage(new AsyncLocalStorage<Driver>())],
];
for (const [name, make] of storages) {
  Deno.test(`async context (${name}): the store follows the code across awaits, nested calls and a program's own AsyncLocalStorage`, async () => {
    const storage = make();
    const mine = new AsyncLocalStorage<string>();
    const a = { name: "a" } as unknown as Driver;
    const b = { name: "b" } as unknown as Driver;
    const seen: unknown[] = [];
    const look = () => [storage.getStore(), mine.getStore()];
    assertEquals(storage.getStore(), undefined);
    await mine.run("outer", () =>
      storage.call(
        a,
        async function (this: string, x: unknown) {
          seen.push(this, x, ...look());
          await hostTurn();
          seen.push(...look());
          await mine.run("inner", async () => {
            await hostTurn();
            seen.push(...look());
            await (storage.call(
              b,
              async () => {
                await hostTurn();
                seen.push(...look());
              },
              null,
              [],
            ) as Promise<void>);
            seen.push(...look());
          });
          seen.push(...look());
        },
        "self",
        [1],
      ) as Promise<void>);
    assertEquals(storage.getStore(), undefined);
    assertEquals(seen, [
      "self",
      1,
      a,
      "outer",
      a,
      "outer",
      a,
      "inner",
      b,
      "inner",
      a,
      "inner",
      a,
      "outer",
    ]);
  });
}

Deno.test("async context: two tasks resumed by one host promise each keep their own task, and a cancel reaches only its own", async () => {
  const trace = await run(async () => {
    const gate = Promise.withResolvers<void>();
    const lines: string[] = [];
    const worker = async (name: string) => {
      await gate.promise;
      lines.push(`${name} in ${currentTask()?.getName()}`);
      try {
        await sleep(1);
        lines.push(`${name} slept`);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        lines.push(`${name} cancelled`);
      }
    };
    const a = createTask(() => worker("a"), { name: "A" });
    const b = createTask(() => worker("b"), { name: "B" });
    await sleep(0);
    gate.resolve(); // both bodies go on in the same host microtask checkpoint
    await hostTurn();
    a.cancel();
    await Promise.all([a, b]);
    return lines;
  }, virtual);
  assertEquals(trace, ["a in A", "b in B", "a cancelled", "b slept"]);
});

Deno.test("async context: a program's AsyncLocalStorage around run() and inside a task both hold", async () => {
  const mine = new AsyncLocalStorage<string>();
  const got = await mine.run("request-1", () =>
    run(async () => {
      const task = currentTask();
      const before = mine.getStore();
      const inner = await mine.run("step", async () => {
        await hostTurn();
        await sleep(0);
        return [mine.getStore(), currentTask() === task];
      });
      const ev = new Event();
      const waiter = createTask(async () => {
        await ev.wait();
        return mine.getStore();
      });
      await sleep(0);
      ev.set();
      return [before, ...inner, await waiter, mine.getStore()];
    }, virtual));
  assertEquals(got, ["request-1", "step", true, "request-1", "request-1"]);
});

Deno.test("async context: starting a task's body leaves the starting code in its own task", async () => {
  const names = await run(async () => {
    currentTask()!.setName("main");
    const names = [currentTask()?.getName()];
    const t = createTask(async () => {
      names.push(currentTask()?.getName());
      await hostTurn();
      names.push(currentTask()?.getName());
    }, { name: "child" });
    await sleep(0);
    names.push(currentTask()?.getName());
    await hostTurn();
    names.push(currentTask()?.getName());
    await t;
    return names;
  }, virtual);
  assertEquals(names, ["main", "child", "main", "child", "main"]);
});
