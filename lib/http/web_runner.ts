/**
 * aiohttp's `web_runner` and `run_app`, on `Deno.serve`: an `AppRunner`
 * sets an application up, `TCPSite`s listen for it, `cleanup()` stops them
 * gracefully. Each request's handler runs as a Task on the running loop;
 * Deno's handler promise settles when that task is done, and a client that
 * goes away cancels it.
 *
 * @module
 */

import { checkSeconds } from "../seconds.ts";
import type { AbstractEventLoop } from "../events.ts";
import { getRunningLoop } from "../events.ts";
import { _fromDenoError, CancelledError, KeyboardInterrupt, RuntimeError } from "../errors.ts";
import { describe } from "../format_helpers.ts";
import { type Coro, type Coroutine, coroutine, wrap } from "../coroutines.ts";
import type { Future } from "../futures.ts";
import { currentTask, type Task } from "../tasks.ts";
import { run } from "../runners.ts";
import { Application, handleRequest, runSignal, serverError } from "./web_app.ts";
import type { HandlerResult } from "./web_urldispatcher.ts";
import { Request } from "./web_request.ts";

/** Options of {@linkcode AppRunner}. */
export interface AppRunnerOptions {
  /**
   * Seconds `cleanup()` waits for in-flight handlers before cancelling
   * them (default 60, as aiohttp).
   */
  shutdownTimeout?: number;
}

/** One request in flight: Deno's promise and the handler's task. */
class Pending {
  resolve!: (r: globalThis.Response) => void;
  readonly promise: Promise<globalThis.Response>;
  task: Task<HandlerResult> | null = null;
  request: Request | null = null;
  watching = false;
  constructor(
    readonly core: ServerCore,
    readonly req: globalThis.Request,
    readonly info: Deno.ServeHandlerInfo,
  ) {
    this.promise = new Promise((r) => (this.resolve = r));
  }
  /** The client went away (the request's signal aborted). */
  handleEvent(): void {
    const t = this.task;
    const loop = this.core.loop;
    if (t !== null && !t.done() && !loop.isClosed()) loop._schedule(cancelPending, this);
  }
}

function cancelPending(p: Pending): void {
  const t = p.task;
  if (t !== null && !t.done()) t.cancel();
}

const GONE = () => new globalThis.Response(null, { status: 503 });

function startPending(p: Pending): void {
  const core = p.core;
  const loop = core.loop;
  const request = new Request(p.req, { app: core.app, remote: p.info, loop });
  request._responder = p.resolve;
  p.request = request;
  const task = loop.createTask(handleRequest(core.app, request)) as Task<HandlerResult>;
  p.task = task;
  if (task.done()) {
    finishPending(p, task);
    return;
  }
  core.tasks.add(task);
  task._addCallback(() => finishPending(p, task));
  // Runs after the task's first step: only a handler that is still waiting
  // then listens for the client going away (touching request.signal costs,
  // and Deno notes it once per process).
  loop._schedule(watchPending, p);
}

function watchPending(p: Pending): void {
  const t = p.task!;
  if (t.done()) return;
  p.watching = true;
  p.req.signal.addEventListener("abort", p);
}

function finishPending(p: Pending, task: Task<HandlerResult>): void {
  const core = p.core;
  core.tasks.delete(task);
  if (p.watching) p.req.signal.removeEventListener("abort", p);
  const request = p.request!;
  if (task.cancelled()) {
    if (request._responder !== null) request._respond(GONE());
    else request._prepared?._finish();
  } else {
    let resp: HandlerResult;
    try {
      resp = task.result();
    } catch (e) {
      resp = serverError(core.app, request, e);
    }
    const prepared = request._prepared;
    if (request._responder === null) {
      // A prepared StreamResponse was sent already: end its body, or break
      // it off if the handler failed or answered with another response.
      if (resp === prepared) prepared._finish();
      else prepared?._abort();
    } else {
      let host: globalThis.Response;
      try {
        host = resp._toHost();
      } catch (e) {
        host = serverError(core.app, request, e)._toHost();
      }
      request._respond(host);
    }
  }
  if (core.tasks.size === 0) core.wakeIdle();
}

/** @internal Connects Deno.serve to an application on a loop. */
export class ServerCore {
  readonly tasks: Set<Task<HandlerResult>> = new Set();
  idleWaiters: Future<void>[] = [];
  constructor(readonly app: Application, readonly loop: AbstractEventLoop) {}

  readonly handler = (
    req: globalThis.Request,
    info: Deno.ServeHandlerInfo,
  ): Promise<globalThis.Response> | globalThis.Response => {
    const loop = this.loop;
    if (loop.isClosed()) return GONE();
    const p = new Pending(this, req, info);
    loop._schedule(startPending, p);
    return p.promise;
  };

  wakeIdle(): void {
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) if (!w.done()) w.setResult(undefined);
  }
}

/**
 * aiohttp's `web.AppRunner`: set the application up (`onStartup`), serve it
 * on sites, then `cleanup()`: the sites stop listening, `onShutdown` runs,
 * in-flight handlers get `shutdownTimeout` seconds to finish (then are
 * cancelled), and `onCleanup` runs.
 *
 * @example
 * ```ts
 * import { run } from "@yieldfrom/asyncio";
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addGet("/", () => new web.Response({ text: "hello" }));
 * await run(async () => {
 *   const runner = new web.AppRunner(app);
 *   await runner.setup();
 *   const site = new web.TCPSite(runner, "127.0.0.1", 0);
 *   await site.start();
 *   const resp = await fetch(`http://127.0.0.1:${site.port}/`);
 *   console.log(await resp.text()); // "hello"
 *   await runner.cleanup();
 * });
 * ```
 */
export class AppRunner {
  /** The application. */
  readonly app: Application;
  /** Seconds `cleanup()` waits for in-flight handlers. */
  readonly shutdownTimeout: number;
  /** @internal */ _core: ServerCore | null = null;
  /** @internal */ _sites: Set<TCPSite> = new Set();

  /**
   * Make a runner for `app` (set it up with `setup()`).
   *
   * @param app The application.
   * @param options `shutdownTimeout` (seconds, default 60).
   */
  constructor(app: Application, options: AppRunnerOptions = {}) {
    if (!(app instanceof Application)) {
      throw new TypeError(
        `web.AppRunner(): expected a web.Application, got ${
          describe(app)
        }; e.g. new web.AppRunner(new web.Application())`,
      );
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `web.AppRunner(): options must be an object such as { shutdownTimeout: 10 }, got ${
          describe(options)
        }`,
      );
    }
    this.app = app;
    this.shutdownTimeout = checkSeconds(
      options.shutdownTimeout ?? 60,
      "web.AppRunner()",
      "shutdownTimeout",
    );
  }

  /** The sites serving the app. */
  get sites(): TCPSite[] {
    return [...this._sites];
  }

  /** The `[host, port]` each site listens on. */
  get addresses(): [string, number][] {
    return this.sites.map((s) => [s.host, s.port]);
  }

  /** How many handlers are running now. */
  get inFlight(): number {
    return this._core?.tasks.size ?? 0;
  }

  /**
   * Freeze the application and run its `onStartup` callbacks.
   *
   * @returns A coroutine.
   */
  setup(): Coroutine<void> {
    return setupCoro(this);
  }

  /**
   * Stop the sites and shut the application down (see the class).
   *
   * @returns A coroutine.
   */
  cleanup(): Coroutine<void> {
    return cleanupCoro(this);
  }

  /** `async with` support: `setup()`. @returns A coroutine of the runner. */
  aenter(): Coroutine<AppRunner> {
    return coroutine(function* (r: AppRunner): Coro<AppRunner> {
      yield* setupCoro(r);
      return r;
    })(this);
  }

  /** `async with` support: `cleanup()`. @returns A coroutine. */
  aexit(): Coroutine<void> {
    return cleanupCoro(this);
  }

  /** `await using` support: `cleanup()`. @returns A promise. */
  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve(cleanupCoro(this));
  }
}

const setupCoro = coroutine(function* (r: AppRunner): Coro<void> {
  if (r._core !== null) throw new RuntimeError("AppRunner.setup(): the runner is set up already");
  const loop = getRunningLoop();
  if (r.app._frozen) {
    throw new RuntimeError(
      "AppRunner.setup(): the application is served by another runner; make a new Application",
    );
  }
  r.app._freeze();
  r._core = new ServerCore(r.app, loop);
  yield* runSignal(r.app.onStartup, r.app);
});

const cleanupCoro = coroutine(function* (r: AppRunner): Coro<void> {
  const core = r._core;
  if (core === null) return;
  const loop = core.loop;
  const stopping = [...r._sites].map((s) => s._stopListening());
  yield* runSignal(r.app.onShutdown, r.app);
  const deadline = loop.time() + r.shutdownTimeout;
  if (core.tasks.size > 0) {
    const w = loop.createFuture<void>();
    core.idleWaiters.push(w);
    const timer = loop.callAt(deadline, () => {
      if (!w.done()) w.setResult(undefined);
    });
    try {
      yield* w;
    } finally {
      timer.cancel();
    }
    if (core.tasks.size > 0) {
      const left = [...core.tasks];
      for (const t of left) t.cancel();
      for (const t of left) {
        try {
          yield* t;
        } catch {
          // cancelled or failed: its answer was sent
        }
      }
    }
  }
  for (const p of stopping) {
    if (p === null) continue;
    const w = wrap(p, { loop });
    const timer = loop.callAt(Math.max(deadline, loop.time() + 1), () => {
      if (!w.done()) w.cancel();
    });
    try {
      yield* w;
    } catch (e) {
      if (!(e instanceof CancelledError) || !w.cancelled()) throw e;
    } finally {
      timer.cancel();
    }
  }
  r._core = null;
  yield* runSignal(r.app.onCleanup, r.app);
});

/** Options of {@linkcode TCPSite}. */
export interface TCPSiteOptions {
  /** Let several processes listen on the same port (Linux). */
  reusePort?: boolean;
}

/**
 * aiohttp's `web.TCPSite`: listen on `host:port` for a set-up runner
 * (port 0 picks a free port; `site.port` tells which).
 *
 * @example
 * ```ts
 * import { run } from "@yieldfrom/asyncio";
 * import { web } from "@yieldfrom/asyncio/http";
 * await run(function* () {
 *   const runner = new web.AppRunner(new web.Application());
 *   yield* runner.setup();
 *   const site = new web.TCPSite(runner, "127.0.0.1", 0);
 *   yield* site.start();
 *   console.log(site.name); // e.g. "http://127.0.0.1:41234"
 *   yield* runner.cleanup();
 * });
 * ```
 */
export class TCPSite {
  /** The runner. */
  readonly runner: AppRunner;
  /** The host to listen on. */
  readonly host: string;
  /** @internal */ _port: number;
  /** @internal */ _reusePort: boolean;
  /** @internal */ _server: Deno.HttpServer<Deno.NetAddr> | null = null;
  /** @internal */ _loop: AbstractEventLoop | null = null;

  /**
   * Make a site; it listens once `start()` is called.
   *
   * @param runner A runner (call `runner.setup()` before `start()`).
   * @param host The address to listen on (default `0.0.0.0`).
   * @param port The port (default 8080; 0 picks a free one).
   * @param options `reusePort`.
   */
  constructor(
    runner: AppRunner,
    host: string = "0.0.0.0",
    port: number = 8080,
    options: TCPSiteOptions = {},
  ) {
    if (!(runner instanceof AppRunner)) {
      throw new TypeError(
        `web.TCPSite(): expected a web.AppRunner first, got ${
          describe(runner)
        }; e.g. new web.TCPSite(runner, "127.0.0.1", 8080)`,
      );
    }
    if (typeof host !== "string" || host === "") {
      throw new TypeError(
        `web.TCPSite(): host must be an address such as "127.0.0.1", got ${describe(host)}`,
      );
    }
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new TypeError(
        `web.TCPSite(): port must be an integer from 0 to 65535 (0 picks a free port), got ${
          describe(port)
        }`,
      );
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(`web.TCPSite(): options must be an object, got ${describe(options)}`);
    }
    this.runner = runner;
    this.host = host;
    this._port = port;
    this._reusePort = options.reusePort ?? false;
  }

  /** The port (the one picked, once started with port 0). */
  get port(): number {
    return this._port;
  }

  /** `http://host:port`. */
  get name(): string {
    const h = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `http://${h}:${this._port}`;
  }

  /**
   * Start listening.
   *
   * @returns A coroutine.
   * @throws {RuntimeError} Before `runner.setup()`.
   * @throws {OSError} When the address is in use (`errno` 98) or not available.
   */
  start(): Coroutine<void> {
    return startCoro(this);
  }

  /**
   * Stop listening (in-flight requests finish). `runner.cleanup()` stops every site.
   *
   * @returns A coroutine.
   */
  stop(): Coroutine<void> {
    return coroutine(function* (s: TCPSite): Coro<void> {
      const p = s._stopListening();
      if (p !== null) yield* wrap(p, { loop: s._loop! });
    })(this);
  }

  /** @internal Close the listener; the promise settles when in-flight requests are done. */
  _stopListening(): Promise<void> | null {
    const server = this._server;
    if (server === null) return null;
    this._server = null;
    this.runner._sites.delete(this);
    const loop = this._loop!;
    const done = server.shutdown();
    return done.finally(() => {
      if (!loop.isClosed()) loop._hostWorkAdd(-1);
    });
  }

  /** Python's repr. */
  toString(): string {
    return `<TCPSite ${this.name}>`;
  }
}

const startCoro = coroutine(function* (s: TCPSite): Coro<void> {
  const core = s.runner._core;
  if (core === null) {
    throw new RuntimeError("Call runner.setup() before making a site (TCPSite.start())");
  }
  if (s._server !== null) throw new RuntimeError("TCPSite.start(): the site is started already");
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: s.host,
      port: s._port,
      reusePort: s._reusePort,
      onListen: () => {},
      handler: core.handler,
    });
  } catch (e) {
    throw _fromDenoError(e);
  }
  s._server = server;
  s._loop = core.loop;
  s._port = server.addr.port;
  s.runner._sites.add(s);
  core.loop._hostWorkAdd(1);
});

/** Options of {@linkcode runApp}. */
export interface RunAppOptions {
  /** The address (default `0.0.0.0`). */
  host?: string;
  /** The port (default 8080; 0 picks a free one, printed in the banner). */
  port?: number;
  /** Print the banner (default true). */
  printUrl?: boolean;
  /** How to print it (default `console.log`; `null` prints nothing). */
  print?: ((message: string) => void) | null;
  /** Seconds to wait for in-flight handlers at exit (default 60). */
  shutdownTimeout?: number;
  /** Called with the started site (for instance to learn its port). */
  onStarted?: (site: TCPSite) => void;
}

/**
 * aiohttp's `web.run_app`: make a loop, start the application on
 * `host:port`, print `======== Running on http://HOST:PORT ========` and
 * `(Press CTRL+C to quit)`, serve until Ctrl-C (or SIGTERM), then shut
 * down gracefully (in-flight handlers finish, `onCleanup` runs).
 *
 * @param app The application, or an awaitable of one (as aiohttp accepts).
 * @param options `host`, `port`, `printUrl`, `print`, `shutdownTimeout`, `onStarted`.
 * @returns A promise that settles when the server has shut down.
 *
 * @example
 * ```ts ignore
 * import { web } from "@yieldfrom/asyncio/http";
 * const app = new web.Application();
 * app.router.addGet("/{id}", (req: web.Request) => new web.Response({ text: req.matchInfo.id }));
 * await web.runApp(app, { host: "127.0.0.1", port: 9999 });
 * ```
 */
export function runApp(
  app: Application | PromiseLike<Application> | Coro<Application>,
  options: RunAppOptions = {},
): Promise<void> {
  if (options === null || typeof options !== "object") {
    return Promise.reject(
      new TypeError(
        `web.runApp(): options must be an object such as { port: 8080 }, got ${describe(options)}`,
      ),
    );
  }
  const { host = "0.0.0.0", port = 8080, printUrl = true, shutdownTimeout = 60 } = options;
  const print = options.print === undefined ? console.log : options.print;
  if (
    !(app instanceof Application) &&
    !(app !== null && typeof app === "object" &&
      (typeof (app as PromiseLike<unknown>).then === "function" ||
        typeof (app as Coro<unknown>).next === "function"))
  ) {
    return Promise.reject(
      new TypeError(`web.runApp(): expected a web.Application, got ${describe(app)}`),
    );
  }
  let byTerm = false;
  const main = function* (): Coro<void> {
    let a: Application;
    if (app instanceof Application) a = app;
    else if (typeof (app as Coro<Application>).next === "function") {
      a = yield* app as Coro<Application>;
    } else a = yield* wrap(app as PromiseLike<Application>);
    if (!(a instanceof Application)) {
      throw new TypeError(`web.runApp(): the awaitable gave ${describe(a)}, not a web.Application`);
    }
    const runner = new AppRunner(a, { shutdownTimeout });
    const loop = getRunningLoop();
    const me = currentTask()!;
    // SIGTERM ends the server as Ctrl-C does (a Deno listener, not a loop
    // signal handler: the loop then sleeps without a keep-alive timer).
    const onTerm = (): void => {
      byTerm = true;
      if (!loop.isClosed()) loop._schedule((t: Task<unknown>) => t.cancel(), me);
    };
    let termListening = false;
    try {
      Deno.addSignalListener("SIGTERM", onTerm);
      termListening = true;
    } catch {
      // no signals here (a worker): Ctrl-C handling by run() remains
    }
    yield* runner.setup();
    try {
      const site = new TCPSite(runner, host, port);
      yield* site.start();
      if (printUrl && print !== null) {
        print(`======== Running on ${site.name} ========\n(Press CTRL+C to quit)`);
      }
      options.onStarted?.(site);
      yield* loop.createFuture<void>();
    } finally {
      if (termListening) Deno.removeSignalListener("SIGTERM", onTerm);
      yield* runner.cleanup();
    }
  };
  return run(main).catch((e) => {
    if (e instanceof KeyboardInterrupt) return;
    if (e instanceof CancelledError && byTerm) return;
    throw e;
  });
}
