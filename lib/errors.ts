/**
 * The exceptions of asyncio, named as in Python.
 *
 * Every class sets `name` on its prototype, so `String(err)` and Deno's
 * console print `CancelledError: ...` just as Python prints the class name.
 *
 * @module
 */

import { REPR, repr, shortRepr } from "./format_helpers.ts";

/**
 * Thrown into a coroutine when its task is cancelled, and raised by
 * `result()` of a cancelled future. It is not a failure: helpers that report
 * failures (gather with `returnExceptions`, TaskGroup, the exception handler)
 * never count it as one. Catch it to clean up; re-throw it unless you mean to
 * refuse the cancellation.
 *
 * @example
 * ```ts
 * import { CancelledError, createTask, run, sleep } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const t = createTask(sleep(10));
 *   yield* sleep(0);
 *   t.cancel("stop");
 *   try {
 *     yield* t;
 *   } catch (e) {
 *     console.log(e instanceof CancelledError, (e as Error).message); // true stop
 *   }
 * });
 * ```
 */
export class CancelledError extends Error {
  /**
   * Make a cancellation error.
   *
   * @param message The message given to `cancel(msg)`, or none.
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? "", options);
  }
}
CancelledError.prototype.name = "CancelledError";

/**
 * A deadline passed: thrown by `waitFor`, `timeout`, `timeoutAt` and
 * `asCompleted` (Python's built-in `TimeoutError`).
 *
 * @example
 * ```ts
 * import { run, sleep, TimeoutError, waitFor } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   try {
 *     await waitFor(sleep(10), 0.1);
 *   } catch (e) {
 *     console.log(e instanceof TimeoutError); // true
 *   }
 * }, { clock: "virtual" });
 * ```
 */
export class TimeoutError extends Error {
  /**
   * Make a timeout error.
   *
   * @param message What timed out.
   * @param options Standard error options (`cause`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message ?? "", options);
  }
}
TimeoutError.prototype.name = "TimeoutError";

/**
 * An operation was called on a Future or Task in the wrong state, such as
 * `setResult()` on a done future or `result()` on a pending one.
 *
 * @example
 * ```ts
 * import { InvalidStateError, newEventLoop } from "@yieldfrom/asyncio";
 * const fut = newEventLoop().createFuture();
 * try {
 *   fut.result();
 * } catch (e) {
 *   console.log(e instanceof InvalidStateError); // true
 * }
 * ```
 */
export class InvalidStateError extends Error {}
InvalidStateError.prototype.name = "InvalidStateError";

/**
 * Python's `RuntimeError`: the program did something that cannot work right
 * now (no running event loop, loop already running, loop closed, a bad
 * `yield` in a coroutine, ...). The message says what to do instead.
 *
 * @example
 * ```ts
 * import { getRunningLoop, RuntimeError } from "@yieldfrom/asyncio";
 * try {
 *   getRunningLoop();
 * } catch (e) {
 *   console.log(e instanceof RuntimeError, (e as Error).message); // true no running event loop
 * }
 * ```
 */
export class RuntimeError extends Error {}
RuntimeError.prototype.name = "RuntimeError";

/**
 * Python's `ValueError`: an argument has the right type but a wrong value
 * (a negative delay, an empty set of futures, a bad `returnWhen`...).
 *
 * @example
 * ```ts
 * import { sleep, ValueError } from "@yieldfrom/asyncio";
 * try {
 *   sleep(-1);
 * } catch (e) {
 *   console.log(e instanceof ValueError); // true
 * }
 * ```
 */
export class ValueError extends Error {}
ValueError.prototype.name = "ValueError";

/**
 * Python's `LookupError`: a context variable was read where it has no
 * value and no default (`ContextVar.get()`).
 *
 * @example
 * ```ts
 * import { ContextVar, LookupError } from "@yieldfrom/asyncio";
 * const v = new ContextVar<number>("v");
 * try {
 *   v.get();
 * } catch (e) {
 *   console.log(e instanceof LookupError, (e as Error).message); // true <ContextVar name='v'>
 * }
 * ```
 */
export class LookupError extends Error {}
LookupError.prototype.name = "LookupError";

/**
 * A failure whose thrown value was not an Error (`throw "boom"`, `throw
 * undefined`, a promise rejected with a string). Python can only raise
 * exceptions; here a task, future or job that fails with such a value holds
 * this wrapper instead, so a failure can never look like a success
 * (`exception()` returning `undefined`, a string among `gather`'s results).
 * `value` is what was thrown.
 *
 * @example
 * ```ts
 * import { createTask, gather, run, ThrownValueError } from "@yieldfrom/asyncio";
 * await run(function* () {
 *   const t = createTask(function* () {
 *     throw "boom";
 *   });
 *   const [r] = yield* gather([t], { returnExceptions: true });
 *   console.log(r instanceof ThrownValueError, (r as ThrownValueError).value); // true boom
 * });
 * ```
 */
export class ThrownValueError extends Error {
  /** The value that was thrown. */
  value: unknown;
  /**
   * Wrap a thrown value.
   *
   * @param value What was thrown.
   */
  constructor(value: unknown) {
    super(
      `a value that is not an Error was thrown: ${
        value === undefined ? "undefined" : value === null ? "null" : shortRepr(value)
      } (throw an Error ` +
        `instead; .value holds what was thrown)`,
    );
    this.value = value;
  }
}
ThrownValueError.prototype.name = "ThrownValueError";

/**
 * @internal What a failed future holds: `error` itself if it is an Error,
 * else a {@linkcode ThrownValueError} wrapping it.
 */
export function asError(error: unknown): unknown {
  return Error.isError(error) ? error : new ThrownValueError(error);
}

/**
 * Thrown by `Queue.getNowait()` when the queue is empty.
 *
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from "@yieldfrom/asyncio";
 * try {
 *   new Queue().getNowait();
 * } catch (e) {
 *   console.log(e instanceof QueueEmpty); // true
 * }
 * ```
 */
export class QueueEmpty extends Error {}
QueueEmpty.prototype.name = "QueueEmpty";

/**
 * Thrown by `Queue.putNowait()` when the queue is full.
 *
 * @example
 * ```ts
 * import { Queue, QueueFull } from "@yieldfrom/asyncio";
 * const q = new Queue<number>(1);
 * q.putNowait(1);
 * try {
 *   q.putNowait(2);
 * } catch (e) {
 *   console.log(e instanceof QueueFull); // true
 * }
 * ```
 */
export class QueueFull extends Error {}
QueueFull.prototype.name = "QueueFull";

/**
 * Thrown by `put`/`get` on a queue that was shut down (Python 3.13).
 *
 * @example
 * ```ts
 * import { Queue, QueueShutDown } from "@yieldfrom/asyncio";
 * const q = new Queue<number>();
 * q.shutdown();
 * try {
 *   q.putNowait(1);
 * } catch (e) {
 *   console.log(e instanceof QueueShutDown); // true
 * }
 * ```
 */
export class QueueShutDown extends Error {}
QueueShutDown.prototype.name = "QueueShutDown";

/**
 * A stream ended before `readexactly(n)` or `readuntil(sep)` could finish.
 * `partial` holds the bytes read before the end; `expected` the number of
 * bytes wanted, or `null` when reading up to a separator.
 *
 * @example
 * ```ts
 * import { IncompleteReadError } from "@yieldfrom/asyncio";
 * const e = new IncompleteReadError(new Uint8Array(2), 5);
 * console.log(e.message); // 2 bytes read on a total of 5 expected bytes
 * ```
 */
export class IncompleteReadError extends Error {
  /** The bytes read before the stream ended. */
  partial: Uint8Array;
  /** How many bytes were expected, or `null` when reading up to a separator. */
  expected: number | null;
  /**
   * Make the error for a stream that ended early.
   *
   * @param partial The bytes read before the stream ended.
   * @param expected The number of bytes wanted, or `null`.
   */
  constructor(partial: Uint8Array, expected: number | null) {
    super(
      `${partial.length} bytes read on a total of ${
        expected === null ? "undefined" : expected
      } expected bytes`,
    );
    this.partial = partial;
    this.expected = expected;
  }
}
IncompleteReadError.prototype.name = "IncompleteReadError";

/**
 * A stream's buffer limit was reached while looking for a separator.
 * `consumed` is how many bytes may be consumed.
 *
 * @example
 * ```ts
 * import { LimitOverrunError } from "@yieldfrom/asyncio";
 * const e = new LimitOverrunError("Separator is not found, and chunk exceed the limit", 10);
 * console.log(e.consumed); // 10
 * ```
 */
export class LimitOverrunError extends Error {
  /** How many bytes may be consumed. */
  consumed: number;
  /**
   * Make the error for an overrun buffer limit.
   *
   * @param message What went wrong.
   * @param consumed How many bytes may be consumed.
   */
  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}
LimitOverrunError.prototype.name = "LimitOverrunError";

/**
 * A `Barrier` was aborted or reset while tasks were waiting on it.
 *
 * @example
 * ```ts
 * import { BrokenBarrierError, RuntimeError } from "@yieldfrom/asyncio";
 * console.log(new BrokenBarrierError("Barrier aborted") instanceof RuntimeError); // true
 * ```
 */
export class BrokenBarrierError extends RuntimeError {}
BrokenBarrierError.prototype.name = "BrokenBarrierError";

/** A test applied to the exceptions of a group: an error class or a predicate. */
export type ExceptionMatcher =
  // deno-lint-ignore no-explicit-any
  | (abstract new (...args: any[]) => unknown)
  | ((exc: unknown) => boolean);

function isClass(f: unknown): boolean {
  if (typeof f !== "function") return false;
  if (f === Error || f.prototype instanceof Error) return true;
  return /^class[\s{]/.test(Function.prototype.toString.call(f));
}

function matches(cond: ExceptionMatcher, exc: unknown): boolean {
  // deno-lint-ignore no-explicit-any
  if (isClass(cond)) return exc instanceof (cond as any);
  return (cond as (exc: unknown) => boolean)(exc);
}

/**
 * Several errors raised together, as by a `TaskGroup` (Python 3.11's
 * `ExceptionGroup`). It is an `AggregateError`, so `errors` and
 * `exceptions` hold the same list; groups nest.
 *
 * @example
 * ```ts
 * import { ExceptionGroup, ValueError } from "@yieldfrom/asyncio";
 * const eg = new ExceptionGroup("two failures", [new ValueError("a"), new TypeError("b")]);
 * console.log(eg.message); // two failures (2 sub-exceptions)
 * const [values, rest] = eg.split(ValueError);
 * console.log(values?.exceptions.length, rest?.exceptions.length); // 1 1
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** The message without the count of sub-exceptions (Python's `eg.message`). */
  readonly groupMessage: string;

  /**
   * Group exceptions.
   *
   * @param message What the exceptions have in common.
   * @param exceptions The non-empty list of exceptions.
   * @param options Standard error options (`cause`: Python's `raise ... from`).
   */
  constructor(message: string, exceptions: readonly unknown[], options?: ErrorOptions) {
    if (typeof message !== "string") {
      throw new TypeError(
        `ExceptionGroup(): the message must be a string, got ${typeof message}`,
      );
    }
    if (!Array.isArray(exceptions) || exceptions.length === 0) {
      throw new ValueError(
        "ExceptionGroup(): the second argument (exceptions) must be a non-empty array",
      );
    }
    const n = exceptions.length;
    super(exceptions, `${message} (${n} sub-exception${n === 1 ? "" : "s"})`, options);
    this.groupMessage = message;
  }

  /** The exceptions in this group (the same array as `errors`). */
  get exceptions(): unknown[] {
    return this.errors;
  }

  /**
   * A group with the same message holding other exceptions; `subgroup` and
   * `split` use it, so a subclass keeps its type by overriding it.
   *
   * @param exceptions The exceptions of the new group.
   * @returns The new group.
   */
  derive(exceptions: readonly unknown[]): ExceptionGroup {
    return new ExceptionGroup(this.groupMessage, exceptions);
  }

  /**
   * The part of this group whose leaves match `cond`, keeping the nesting,
   * or `null` when nothing matches.
   *
   * @param cond An error class (matched with `instanceof`) or a predicate.
   * @returns The matching subgroup, or `null`.
   */
  subgroup(cond: ExceptionMatcher): ExceptionGroup | null {
    return this.split(cond)[0];
  }

  /**
   * Split this group into `[match, rest]`, each an `ExceptionGroup` keeping
   * the nesting, or `null` when empty. The condition is tried on the group
   * itself first, then on every nested group and leaf. The parts are new
   * groups (with this group's message, `cause` and `stack`); a group the
   * condition matches as a whole goes into `match` as it is.
   *
   * @param cond An error class (matched with `instanceof`) or a predicate.
   * @returns The matching and the non-matching parts.
   */
  split(cond: ExceptionMatcher): [ExceptionGroup | null, ExceptionGroup | null] {
    if (matches(cond, this)) return [this, null];
    const yes: unknown[] = [];
    const no: unknown[] = [];
    for (const exc of this.errors) {
      if (exc instanceof ExceptionGroup) {
        const [m, r] = exc.split(cond);
        if (m !== null) yes.push(m);
        if (r !== null) no.push(r);
      } else if (matches(cond, exc)) {
        yes.push(exc);
      } else {
        no.push(exc);
      }
    }
    // As in Python, a part is always a new group (made by `derive`) that
    // keeps this group's `cause` and `stack`; only a group the condition
    // matched as a whole is kept as it is.
    const part = (list: unknown[]): ExceptionGroup | null => {
      if (list.length === 0) return null;
      const derived = this.derive(list);
      if (Object.hasOwn(this, "cause")) {
        Object.defineProperty(derived, "cause", {
          value: this.cause,
          writable: true,
          configurable: true,
        });
      }
      if (this.stack !== undefined) derived.stack = this.stack;
      return derived;
    };
    return [part(yes), part(no)];
  }

  /** Python's repr: `ExceptionGroup('message', [ValueError('a')])`. */
  [REPR](): string {
    return `${this.constructor.name}(${repr(this.groupMessage)}, [${
      this.errors.map((e) => repr(e)).join(", ")
    }])`;
  }
}
ExceptionGroup.prototype.name = "ExceptionGroup";

/**
 * The program was interrupted with Ctrl-C (SIGINT): `run()` cancels the
 * main task on the first Ctrl-C and then rejects with this error, as
 * Python's `asyncio.run()` raises `KeyboardInterrupt`.
 *
 * @example
 * ```ts
 * import { KeyboardInterrupt, run, sleep } from "@yieldfrom/asyncio";
 * try {
 *   await run(() => sleep(3600));
 * } catch (e) {
 *   if (e instanceof KeyboardInterrupt) console.log("interrupted");
 * }
 * ```
 */
export class KeyboardInterrupt extends Error {}
KeyboardInterrupt.prototype.name = "KeyboardInterrupt";

// --- I/O errors: Python's OSError family ---------------------------------------

/** Linux errno numbers (Python's `errno` module) and their POSIX names. */
const ERRNO: Record<string, [number, string]> = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  ESRCH: [3, "No such process"],
  EINTR: [4, "Interrupted system call"],
  EBADF: [9, "Bad file descriptor"],
  EAGAIN: [11, "Resource temporarily unavailable"],
  EACCES: [13, "Permission denied"],
  EEXIST: [17, "File exists"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  EMFILE: [24, "Too many open files"],
  EPIPE: [32, "Broken pipe"],
  ELOOP: [40, "Too many levels of symbolic links"],
  ENOTSUP: [95, "Operation not supported"],
  EADDRINUSE: [98, "Address already in use"],
  EADDRNOTAVAIL: [99, "Cannot assign requested address"],
  ENETUNREACH: [101, "Network is unreachable"],
  ECONNABORTED: [103, "Software caused connection abort"],
  ECONNRESET: [104, "Connection reset by peer"],
  ENOTCONN: [107, "Transport endpoint is not connected"],
  ETIMEDOUT: [110, "Connection timed out"],
  ECONNREFUSED: [111, "Connection refused"],
  EHOSTUNREACH: [113, "No route to host"],
};

const ERRNO_NAMES = new Map<number, string>(
  Object.entries(ERRNO).map(([name, [n]]) => [n, name]),
);

/**
 * Python's `OSError`: a system call failed. `errno` is Python's number on
 * Linux (111 for a refused connection, 2 for a missing file), `strerror` its
 * text, `code` its POSIX name (`"ECONNREFUSED"`, as Deno names it in
 * `error.code`). The message reads as Python prints it:
 * `[Errno 111] Connect call failed ('127.0.0.1', 9)`. Made with one string
 * (`new OSError("text")`), `errno` and `strerror` are `null`, as in Python.
 *
 * Deno's errors are mapped onto this family where they enter the library
 * (`Deno.errors.ConnectionRefused` becomes `ConnectionRefusedError`...),
 * with Deno's error as `cause`.
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, OSError } from "@yieldfrom/asyncio";
 * const e = new ConnectionRefusedError(111, "Connection refused");
 * console.log(e instanceof OSError, e.errno, e.code, e.message);
 * // true 111 ECONNREFUSED [Errno 111] Connection refused
 * ```
 */
export class OSError extends Error {
  /** Python's error number (Linux), or `null`. */
  errno: number | null;
  /** The error's text without the number, or `null`. */
  strerror: string | null;
  /** The POSIX name of `errno` (`"ECONNREFUSED"`), or Deno's name for the error. */
  code: string | undefined;
  /** The file or address concerned, when there is one. */
  filename: string | undefined;

  /**
   * Make an OS error, as Python's `OSError(errno, strerror)` or `OSError(message)`.
   *
   * @param errnoOrMessage Python's error number, or a message alone.
   * @param strerror The error's text (with a number).
   * @param options `cause` (the original error), `code`, `filename`.
   */
  constructor(
    errnoOrMessage?: number | string,
    strerror?: string,
    options?: ErrorOptions & { code?: string; filename?: string },
  ) {
    const hasErrno = typeof errnoOrMessage === "number";
    const message = hasErrno
      ? `[Errno ${errnoOrMessage}] ${strerror ?? ""}${
        options?.filename !== undefined ? `: '${options.filename}'` : ""
      }`
      : (errnoOrMessage ?? "");
    super(message, options);
    this.errno = hasErrno ? errnoOrMessage : null;
    this.strerror = hasErrno ? (strerror ?? null) : null;
    this.code = options?.code ?? (hasErrno ? ERRNO_NAMES.get(errnoOrMessage) : undefined);
    this.filename = options?.filename;
  }

  /** Python's repr: `ConnectionRefusedError(111, 'Connection refused')`. */
  [REPR](): string {
    const args = this.errno !== null
      ? `${this.errno}, ${repr(this.strerror)}`
      : this.message === ""
      ? ""
      : repr(this.message);
    return `${this.name}(${args})`;
  }
}
OSError.prototype.name = "OSError";

/**
 * A connection failed (Python's `ConnectionError`): the base of
 * `ConnectionRefusedError`, `ConnectionResetError`,
 * `ConnectionAbortedError` and `BrokenPipeError`.
 *
 * @example
 * ```ts
 * import { ConnectionError, ConnectionResetError } from "@yieldfrom/asyncio";
 * console.log(new ConnectionResetError("Connection lost") instanceof ConnectionError); // true
 * ```
 */
export class ConnectionError extends OSError {}
ConnectionError.prototype.name = "ConnectionError";

/**
 * Nothing listens at the address (errno 111, `ECONNREFUSED`).
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError, openConnection, run } from "@yieldfrom/asyncio";
 * await run(async () => {
 *   try {
 *     await openConnection("127.0.0.1", 9); // the discard port: nothing listens
 *   } catch (e) {
 *     console.log(e instanceof ConnectionRefusedError); // true
 *   }
 * });
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {}
ConnectionRefusedError.prototype.name = "ConnectionRefusedError";

/**
 * The peer reset the connection (errno 104, `ECONNRESET`), or it was lost
 * before a write could be flushed (`drain()` on a lost connection).
 *
 * @example
 * ```ts
 * import { ConnectionResetError } from "@yieldfrom/asyncio";
 * console.log(new ConnectionResetError(104, "Connection reset by peer").message);
 * // [Errno 104] Connection reset by peer
 * ```
 */
export class ConnectionResetError extends ConnectionError {}
ConnectionResetError.prototype.name = "ConnectionResetError";

/**
 * The connection was aborted on this side (errno 103, `ECONNABORTED`).
 *
 * @example
 * ```ts
 * import { ConnectionAbortedError, ConnectionError } from "@yieldfrom/asyncio";
 * console.log(new ConnectionAbortedError(103, "Software caused connection abort") instanceof ConnectionError); // true
 * ```
 */
export class ConnectionAbortedError extends ConnectionError {}
ConnectionAbortedError.prototype.name = "ConnectionAbortedError";

/**
 * Writing to a connection the peer has closed (errno 32, `EPIPE`).
 *
 * @example
 * ```ts
 * import { BrokenPipeError } from "@yieldfrom/asyncio";
 * console.log(new BrokenPipeError(32, "Broken pipe").code); // EPIPE
 * ```
 */
export class BrokenPipeError extends ConnectionError {}
BrokenPipeError.prototype.name = "BrokenPipeError";

/**
 * A file or Unix socket path does not exist (errno 2, `ENOENT`).
 *
 * @example
 * ```ts
 * import { FileNotFoundError, OSError } from "@yieldfrom/asyncio";
 * console.log(new FileNotFoundError(2, "No such file or directory") instanceof OSError); // true
 * ```
 */
export class FileNotFoundError extends OSError {}
FileNotFoundError.prototype.name = "FileNotFoundError";

/**
 * Something to be created exists already (errno 17, `EEXIST`).
 *
 * @example
 * ```ts
 * import { FileExistsError } from "@yieldfrom/asyncio";
 * console.log(new FileExistsError(17, "File exists").errno); // 17
 * ```
 */
export class FileExistsError extends OSError {}
FileExistsError.prototype.name = "FileExistsError";

/**
 * Not allowed (errno 13, `EACCES`, or 1, `EPERM`). A missing Deno
 * permission (`--allow-net`...) is one too: its message says which flag.
 *
 * @example
 * ```ts
 * import { PermissionError } from "@yieldfrom/asyncio";
 * console.log(new PermissionError(13, "Permission denied").message); // [Errno 13] Permission denied
 * ```
 */
export class PermissionError extends OSError {}
PermissionError.prototype.name = "PermissionError";

/**
 * No such process (errno 3, `ESRCH`): signalling a process that has exited
 * and was reaped.
 *
 * @example
 * ```ts
 * import { OSError, ProcessLookupError } from "@yieldfrom/asyncio";
 * console.log(new ProcessLookupError() instanceof OSError); // true
 * ```
 */
export class ProcessLookupError extends OSError {}
ProcessLookupError.prototype.name = "ProcessLookupError";

/**
 * A host name could not be resolved (Python's `socket.gaierror`; `errno`
 * is the negative `EAI_*` number, -2 for an unknown name).
 *
 * @example
 * ```ts
 * import { GaiError } from "@yieldfrom/asyncio";
 * console.log(new GaiError(-2, "Name or service not known").message);
 * // [Errno -2] Name or service not known
 * ```
 */
export class GaiError extends OSError {}
GaiError.prototype.name = "GaiError";

/**
 * A TLS handshake or certificate check failed (Python's `ssl.SSLError`).
 *
 * @example
 * ```ts
 * import { OSError, SSLError } from "@yieldfrom/asyncio";
 * console.log(new SSLError("certificate verify failed") instanceof OSError); // true
 * ```
 */
export class SSLError extends OSError {}
SSLError.prototype.name = "SSLError";

/** The class Python's `OSError(errno, ...)` constructor picks for `errno`. */
function osErrorClass(errno: number): typeof OSError {
  switch (errno) {
    case 111:
      return ConnectionRefusedError;
    case 104:
      return ConnectionResetError;
    case 103:
      return ConnectionAbortedError;
    case 32:
      return BrokenPipeError;
    case 2:
      return FileNotFoundError;
    case 3:
      return ProcessLookupError;
    case 17:
      return FileExistsError;
    case 1:
    case 13:
      return PermissionError;
  }
  return OSError;
}

/**
 * @internal Python's `OSError(errno, strerror)`, which makes the subclass
 * that `errno` names (`ConnectionRefusedError` for 111...).
 */
export function _osError(
  errno: number,
  strerror?: string,
  options?: ErrorOptions & { code?: string; filename?: string },
): OSError {
  const cls = osErrorClass(errno);
  return new cls(errno, strerror ?? ERRNO[ERRNO_NAMES.get(errno) ?? ""]?.[1] ?? "", options);
}

/** Deno's error classes by name, with the POSIX name Deno gives them in `code`. */
const DENO_ERRORS: Record<string, string> = {
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BrokenPipe: "EPIPE",
  AlreadyExists: "EEXIST",
  TimedOut: "ETIMEDOUT",
  Interrupted: "EINTR",
  WouldBlock: "EAGAIN",
  BadResource: "EBADF",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  NetworkUnreachable: "ENETUNREACH",
  FilesystemLoop: "ELOOP",
  NotSupported: "ENOTSUP",
};

/**
 * @internal Map an error from a Deno API onto Python's OSError family at the
 * boundary, keeping Deno's error as `cause`. `strerror` replaces the system's
 * text (CPython's "Connect call failed ('127.0.0.1', 9)"). Errors that are not
 * Deno's I/O errors (a TypeError...) are returned as they are.
 */
export function _fromDenoError(e: unknown, strerror?: string, filename?: string): unknown {
  if (e instanceof OSError || !(e instanceof Error)) return e;
  const name = e.name;
  if (name === "NotCapable") {
    // A permission the program was not given: say which flag.
    return new PermissionError(13, e.message, { cause: e, code: "NotCapable", filename });
  }
  if (/failed to lookup address|Name or service not known|No address associated/.test(e.message)) {
    const again = /Temporary failure/.test(e.message);
    return new GaiError(
      again ? -3 : -2,
      again ? "Temporary failure in name resolution" : "Name or service not known",
      {
        cause: e,
        code: again ? "EAI_AGAIN" : "EAI_NONAME",
      },
    );
  }
  if (name === "InvalidData" && /certificate|tls|handshake|alert/i.test(e.message)) {
    return new SSLError(1, e.message, { cause: e, code: "InvalidData" });
  }
  const code = (e as { code?: unknown }).code;
  const posix = typeof code === "string" && code in ERRNO ? code : DENO_ERRORS[name];
  if (posix === undefined || !(posix in ERRNO)) {
    if (!(name in Deno.errors)) return e;
    return new OSError(e.message, undefined, { cause: e, code: name });
  }
  const [errno, text] = ERRNO[posix];
  return _osError(errno, strerror ?? text, { cause: e, code: posix, filename });
}
