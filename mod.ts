/**
 * Python's asyncio, rebuilt natively for Deno: generator coroutines in the
 * `@asyncio.coroutine` / `yield from` model (`function*` with `yield*`),
 * driven by tasks on an explicit event loop with Python's scheduling order,
 * and an async/await facade over the same awaitables.
 *
 * ```ts
 * import * as asyncio from "@yieldfrom/asyncio";
 *
 * const worker = asyncio.coroutine(function* (name: string) {
 *   yield* asyncio.sleep(1);
 *   return `${name} done`;
 * });
 * const helper = asyncio.coroutine(async (name: string) => {
 *   await asyncio.sleep(1);
 *   return `${name} helped`;
 * });
 *
 * await asyncio.run(async () => {
 *   const t = asyncio.createTask(worker("a"));
 *   console.log(await t); // "a done"
 *   console.log(await helper("b")); // "b helped"
 * });
 * ```
 *
 * Durations are seconds, as in Python. See the README for the mapping of
 * every Python name to this module's.
 *
 * @module
 */

export {
  BrokenBarrierError,
  CancelledError,
  ExceptionGroup,
  type ExceptionMatcher,
  IncompleteReadError,
  InvalidStateError,
  KeyboardInterrupt,
  LimitOverrunError,
  LookupError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  ThrownValueError,
  TimeoutError,
  ValueError,
} from "./lib/errors.ts";
export { type ClockKind, monotonic } from "./lib/clocks.ts";
export { type Callback, type CallbackOptions, Handle, TimerHandle } from "./lib/handles.ts";
export { Context, ContextVar, copyContext, type Missing, Token } from "./lib/context_vars.ts";
export {
  type AbstractEventLoop,
  type EventLoopOptions,
  type ExceptionContext,
  type ExceptionHandler,
  type Executor,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  setEventLoop,
} from "./lib/events.ts";
export { EventLoop } from "./lib/loop.ts";
export { type DoneCallback, Future, isFuture } from "./lib/futures.ts";
export {
  allTasks,
  createTask,
  currentSignal,
  currentTask,
  eagerTaskFactory,
  ensureFuture,
  sleep,
  Task,
  type TaskFactory,
  type TaskOptions,
} from "./lib/tasks.ts";
export {
  type Awaitable,
  type AwaitableOrThunk,
  type Coro,
  type Coroutine,
  coroutine,
  isCoroutine,
  isCoroutineFunction,
  wrap,
  type WrapOptions,
} from "./lib/coroutines.ts";
export { run, Runner, type RunOptions } from "./lib/runners.ts";
export {
  ALL_COMPLETED,
  type AwaitablesOf,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  gather,
  GatheringFuture,
  type GatherOptions,
  type GatherResults,
  type ReturnWhen,
  wait,
  type WaitOptions,
} from "./lib/combinators.ts";
export {
  type AsyncContextManager,
  asyncWith,
  type Entered,
  type EnteredByAenter,
  type EnteredValue,
  type WithBody,
} from "./lib/context.ts";
// Structured concurrency: waitFor, asCompleted, shield, timeouts, task groups.
export {
  AsCompleted,
  asCompleted,
  type AsCompletedOptions,
  shield,
  waitFor,
} from "./lib/combinators.ts";
export { Timeout, timeout, timeoutAt, type TimeoutBody } from "./lib/timeouts.ts";
export { TaskGroup, taskGroup, type TaskGroupBody } from "./lib/task_groups.ts";
// Synchronisation primitives and queues.
export {
  Barrier,
  BoundedSemaphore,
  Condition,
  ContextManagerMixin,
  Event,
  Lock,
  Semaphore,
} from "./lib/locks.ts";
export { type Comparator, LifoQueue, PriorityQueue, Queue } from "./lib/queues.ts";
// Executors (Web Workers as threads): ThreadPoolExecutor, toThread, workerFunction, blockingSleep.
export {
  blockingSleep,
  type ShutdownOptions,
  ThreadPoolExecutor,
  type ThreadPoolExecutorOptions,
  toThread,
  workerFunction,
} from "./lib/executors.ts";
// Streams, transports and protocols; Python's OSError family for I/O errors.
export {
  type ClientConnectedCallback,
  DEFAULT_LIMIT,
  FlowControlMixin,
  openConnection,
  type OpenConnectionOptions,
  openUnixConnection,
  startServer,
  type StartServerOptions,
  startUnixServer,
  type StartUnixServerOptions,
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
} from "./lib/streams.ts";
export {
  type ConnectionOptions,
  type ProtocolFactory,
  Server,
  type ServerOptions,
  type ServerSocket,
  type UnixServerOptions,
} from "./lib/server.ts";
export {
  BaseProtocol,
  BufferedProtocol,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./lib/protocols.ts";
export {
  BaseTransport,
  type BytesLike,
  DatagramTransport,
  ReadTransport,
  type SocketKind,
  SocketTransport,
  Transport,
  type WriteBufferLimits,
  WriteTransport,
} from "./lib/transports.ts";
export {
  createSubprocessExec,
  createSubprocessShell,
  DEVNULL,
  PIPE,
  Process,
  type ProcessOptions,
  ReadPipeTransport,
  type StdioOption,
  STDOUT,
  type SubprocessOptions,
  SubprocessStreamProtocol,
  SubprocessTransport,
  WritePipeTransport,
} from "./lib/subprocess.ts";
export { SIGNALS } from "./lib/signals.ts";
export { type DatagramEndpointOptions, type UdpAddress, UdpTransport } from "./lib/datagram.ts";
export { type StartTlsOptions, type TlsOptions } from "./lib/tls.ts";
export {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  FileExistsError,
  FileNotFoundError,
  GaiError,
  OSError,
  PermissionError,
  ProcessLookupError,
  SSLError,
} from "./lib/errors.ts";
