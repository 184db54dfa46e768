/**
 * The code a `ThreadPoolExecutor` worker runs, and the messages it exchanges
 * with the executor.
 *
 * `workerMain` is not imported by the worker: its source text is the
 * worker's whole program (`(workerMain)(parentPort, skewMs)`), so starting a
 * worker needs no permission and no file. It must therefore stay
 * self-contained: no imports, no references to anything outside its body
 * (a test checks this with the executor's own free-variable scan).
 *
 * @module
 */

/** @internal Messages from the executor to a worker. */
export type ToWorker =
  /** Clock ping: answer with this thread's clock reading. */
  | { k: "p" }
  /** Clock correction in milliseconds, to add to this thread's clock; jobs follow. */
  | { k: "o"; ms: number }
  /** Run a job: function `f` (with its source or module the first time) on arguments `a`. */
  | {
    k: "j";
    id: number;
    f: number;
    src?: string;
    url?: string;
    name?: string;
    a: unknown[];
  };

/** @internal Messages from a worker to the executor. */
export type FromWorker =
  | { k: "p"; t: number }
  | { k: "r"; id: number; v: unknown }
  | { k: "e"; id: number; e: EncodedError };

/** @internal A thrown value, made structured-clonable. */
export interface EncodedError {
  /** Whether it was an Error (else `value` is what was thrown). */
  error: boolean;
  value?: unknown;
  ctor?: string;
  name?: string;
  message?: string;
  stack?: string;
  props?: Record<string, unknown>;
  cause?: EncodedError;
  errors?: EncodedError[];
}

/** @internal What `workerMain` needs of `parentPort`. */
export interface WorkerPort {
  on(event: "message", listener: (message: ToWorker) => void): unknown;
  postMessage(message: FromWorker): void;
}

/**
 * @internal The name the worker's own frames carry in stacks (its
 * `//# sourceURL`), so the executor can drop them from job errors.
 */
export const WORKER_SOURCE_URL = "yieldfrom-asyncio:executor-worker";

/**
 * @internal The program of a worker thread. Self-contained: its source is
 * sent, not imported.
 *
 * @param port The worker's `parentPort`.
 * @param skewMs Tests only: pretend this thread's wall clock was stepped by
 *   this many milliseconds before it started.
 */
export function workerMain(port: WorkerPort, skewMs: number): void {
  const g = globalThis as unknown as Record<string | symbol, unknown>;
  // Web code expects `self` in a worker; Node's workers have none.
  if (g.self === undefined) g.self = globalThis;
  // The same key as CLOCK_OFFSET_KEY in lib/clocks.ts (a test checks it).
  const offsetKey = Symbol.for("@yieldfrom/asyncio.clockOffsetMs");
  if (skewMs !== 0) g[offsetKey] = skewMs;
  const clock = (): number =>
    performance.timeOrigin + performance.now() + ((g[offsetKey] as number | undefined) ?? 0);
  const fns = new Map<number, (...args: unknown[]) => unknown>();

  const encode = (e: unknown, depth: number): EncodedError => {
    const x = e as Record<string, unknown> | null;
    if (
      e instanceof Error ||
      (typeof x === "object" && x !== null && typeof x.message === "string" &&
        typeof x.stack === "string")
    ) {
      const err = e as Error & { errors?: unknown };
      const out: EncodedError = {
        error: true,
        ctor: (err.constructor as { name?: string } | undefined)?.name,
        name: String(err.name),
        message: String(err.message),
        stack: typeof err.stack === "string" ? err.stack : undefined,
      };
      const props: Record<string, unknown> = {};
      let any = false;
      for (const key of Object.keys(err)) {
        if (key === "cause" || key === "errors" || key === "stack" || key === "message") continue;
        try {
          props[key] = structuredClone((err as unknown as Record<string, unknown>)[key]);
          any = true;
        } catch {
          // a property that cannot cross threads is left behind
        }
      }
      if (any) out.props = props;
      if (depth < 8 && err.cause !== undefined) out.cause = encode(err.cause, depth + 1);
      if (depth < 8 && Array.isArray(err.errors)) {
        out.errors = err.errors.map((sub: unknown) => encode(sub, depth + 1));
      }
      return out;
    }
    try {
      return { error: false, value: structuredClone(e) };
    } catch {
      return { error: false, value: String(e) };
    }
  };

  const kind = (v: unknown): string => {
    if (v === null) return "null";
    if (typeof v !== "object") return `a ${typeof v}`;
    const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)
      ?.constructor?.name;
    return name ? `a ${name} object` : "an object";
  };

  const load = async (m: Extract<ToWorker, { k: "j" }>): Promise<(...a: unknown[]) => unknown> => {
    if (m.src !== undefined) {
      const name = (m.name || "anonymous").replace(/[^\w$.-]/g, "_");
      // Indirect eval: the function sees the globals and nothing else.
      return (0, eval)(`${m.src}\n//# sourceURL=job-source:${name}`);
    }
    const what = `workerFunction(${JSON.stringify(m.url)}, ${JSON.stringify(m.name)})`;
    let mod: Record<string, unknown>;
    try {
      mod = await import(m.url!);
    } catch (e) {
      const err = e as Error;
      if (err && typeof err.message === "string") {
        err.message = `${what}: the worker could not import the module: ${err.message}` +
          (/--allow-/.test(err.message)
            ? " (the worker imports the module itself, with the permissions of the program)"
            : "");
      }
      throw err;
    }
    const isClass = (f: unknown): boolean =>
      typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));
    const fn = mod[m.name!];
    if (typeof fn !== "function" || isClass(fn)) {
      const names = Object.keys(mod).filter((k) =>
        typeof mod[k] === "function" && !isClass(mod[k])
      );
      throw new TypeError(
        `${what}: the module has no exported function named ${JSON.stringify(m.name)}` +
          (fn === undefined ? "" : isClass(fn) ? " (it is a class)" : ` (it is ${kind(fn)})`) +
          `; its exported functions: ${names.length > 0 ? names.join(", ") : "none"}`,
      );
    }
    return fn as (...a: unknown[]) => unknown;
  };

  const run = async (m: Extract<ToWorker, { k: "j" }>): Promise<void> => {
    try {
      let fn = fns.get(m.f);
      if (fn === undefined) {
        fn = await load(m);
        fns.set(m.f, fn);
      }
      let v = fn(...m.a);
      if (
        v !== null && typeof v === "object" &&
        typeof (v as PromiseLike<unknown>).then === "function"
      ) {
        v = await v;
      }
      try {
        port.postMessage({ k: "r", id: m.id, v });
      } catch (e) {
        throw new TypeError(
          `the result of the job (${kind(v)}) cannot be structured-cloned to send it back ` +
            `from the worker: ${(e as Error).message}; return plain data`,
        );
      }
    } catch (e) {
      port.postMessage({ k: "e", id: m.id, e: encode(e, 0) });
    }
  };

  port.on("message", (m: ToWorker) => {
    switch (m.k) {
      case "p":
        port.postMessage({ k: "p", t: clock() });
        break;
      case "o":
        if (m.ms !== 0) g[offsetKey] = ((g[offsetKey] as number | undefined) ?? 0) + m.ms;
        break;
      case "j":
        run(m);
        break;
    }
  });
}
