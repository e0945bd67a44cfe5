/**
 * The error family of tensortools: one base class with a `tag`, typed subclasses, and a brand
 * that survives duplicate installs of this package.
 */

const BRAND = Symbol.for("tensortools.error");

/** The kinds of failure tensortools reports, one per error subclass. */
export type ErrorTag =
  | "not-found"
  | "manifest"
  | "selection"
  | "query"
  | "config"
  | "method"
  | "unsupported"
  | "data"
  | "exists"
  | "conflict"
  | "input-changed"
  | "argument"
  | "io"
  | "task";

/** Options common to every tensortools error. */
export interface ErrorOptions {
  /** The lower-level error this one explains, if any. */
  cause?: unknown;
}

/** Base class of every error tensortools throws on purpose; check it with {@link isTensorToolsError}. */
export class TensorToolsError extends Error {
  /** Which kind of failure this is. */
  readonly tag: ErrorTag;

  constructor(tag: ErrorTag, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.tag = tag;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }
}

/** A file, key, column, id, method or store that was asked for does not exist. */
export class NotFoundError extends TensorToolsError {
  /** What was looked for, for example `"column 'score'"` or `"meta/instance.parquet"`. */
  readonly what: string;
  /** The names that do exist, when there is a short list of them. */
  readonly available: readonly string[] | undefined;

  constructor(
    what: string,
    message: string,
    options: ErrorOptions & { available?: readonly string[] } = {},
  ) {
    super("not-found", message, options);
    this.what = what;
    this.available = options.available;
  }
}

/** A manifest that does not satisfy the bundle schema; `field` is a path such as `shape[1]`. */
export class InvalidManifestError extends TensorToolsError {
  /** The manifest field at fault, as a JSON path (`meta_files.channel`, `shape[2]`). */
  readonly field: string;

  constructor(field: string, message: string, options: ErrorOptions = {}) {
    super("manifest", `manifest field '${field}': ${message}`, options);
    this.field = field;
  }
}

/** A selection (slice, take, filter) that does not fit the axis it is applied to. */
export class InvalidSelectionError extends TensorToolsError {
  /** The axis the selection was applied to. */
  readonly axis: string;

  constructor(axis: string, message: string, options: ErrorOptions = {}) {
    super("selection", `selection on axis '${axis}': ${message}`, options);
    this.axis = axis;
  }
}

/** A metadata query that cannot be parsed or evaluated; the message carries a caret line. */
export class QueryError extends TensorToolsError {
  /** The expression as the user wrote it. */
  readonly expression: string;
  /** Zero-based character offset of the fault in `expression`. */
  readonly position: number;
  /** The message without the expression and caret lines. */
  readonly reason: string;

  constructor(expression: string, position: number, reason: string, options: ErrorOptions = {}) {
    const at = Math.max(0, Math.min(position, expression.length));
    super("query", `${reason} at position ${at}\n  ${expression}\n  ${" ".repeat(at)}^`, options);
    this.expression = expression;
    this.position = at;
    this.reason = reason;
  }
}

/** A decomposition or IO option with a wrong value; `field` names the config key. */
export class ConfigError extends TensorToolsError {
  /** The config key at fault, as a path (`rank`, `center.over[0]`). */
  readonly field: string;

  constructor(field: string, message: string, options: ErrorOptions = {}) {
    super("config", `config '${field}': ${message}`, options);
    this.field = field;
  }
}

/** The phases of running a decomposition method, named in a {@link MethodError}. */
export type MethodPhase = "validate" | "prepare" | "fit" | "assemble";

/** A decomposition method failed while running. */
export class MethodError extends TensorToolsError {
  /** The id of the method that failed. */
  readonly method: string;
  /** Where in the run it failed. */
  readonly phase: MethodPhase;

  constructor(method: string, phase: MethodPhase, message: string, options: ErrorOptions = {}) {
    super("method", `method '${method}' failed during ${phase}: ${message}`, options);
    this.method = method;
    this.phase = phase;
  }
}

/** A feature, dtype, codec or format that tensortools does not handle (yet). */
export class UnsupportedError extends TensorToolsError {
  /** The thing that is not supported, for example `"dtype complex64"`. */
  readonly feature: string;

  constructor(feature: string, message: string, options: ErrorOptions = {}) {
    super("unsupported", message, options);
    this.feature = feature;
  }
}

/** Data that contradicts its own description: lengths, ids, corrupt bytes. `where` locates it. */
export class DataError extends TensorToolsError {
  /** Where the bad data is, for example `"meta/instance.parquet column instance_id row 17"`. */
  readonly where: string;

  constructor(where: string, message: string, options: ErrorOptions = {}) {
    super("data", `${where}: ${message}`, options);
    this.where = where;
  }
}

/** A write that would replace something that already exists, without permission to do so. */
export class AlreadyExistsError extends TensorToolsError {
  /** The path or key that already exists. */
  readonly path: string;

  constructor(path: string, message: string, options: ErrorOptions = {}) {
    super("exists", message, options);
    this.path = path;
  }
}

/**
 * Another writer committed a new version of a bundle while this write was under way: the write
 * is abandoned (nothing of it is visible) and can be retried against the new version.
 */
export class ConflictError extends TensorToolsError {
  /** Where the bundle is: a path or URL. */
  readonly location: string;

  constructor(location: string, message: string, options: ErrorOptions = {}) {
    super("conflict", `${location}: ${message}`, options);
    this.location = location;
  }
}

/**
 * What about a result's input no longer matches what the result recorded: `"manifest"` (the
 * dataset was rewritten: the recorded version is not in its history), `"data"` (a later version
 * changed its data, an append for instance; annotations alone do not count), `"instances"` (the
 * view selects another number of instances) or `"ids"` (other instance ids).
 */
export type InputChange = "manifest" | "data" | "instances" | "ids";

/**
 * The input a result was computed from has changed since: it was rewritten, its data changed, or
 * its view selects other instances or ids. Raised when a result is traced back to its dataset.
 */
export class InputChangedError extends TensorToolsError {
  /** Where the dataset is: a path or URL. */
  readonly location: string;
  /** What changed. */
  readonly what: InputChange;

  constructor(location: string, what: InputChange, message: string, options: ErrorOptions = {}) {
    super("input-changed", `the input at ${location} has changed (${what}): ${message}`, options);
    this.location = location;
    this.what = what;
  }
}

/**
 * A function was called wrongly: an argument of the wrong length, dimension, kind or value, or an
 * object used after it was freed. This is a mistake of the calling code, not of the data it
 * passes on (that is a {@link DataError}); `where` names the function and `parameter` the argument.
 */
export class ArgumentError extends TensorToolsError {
  /** The function or method called wrongly, for example `"gram"` or `"KernelMatrix.withRows"`. */
  readonly where: string;
  /** The parameter at fault as the signature names it (`A`, `rank`, `factors`; `this` for the receiver). */
  readonly parameter: string;

  constructor(where: string, parameter: string, message: string, options: ErrorOptions = {}) {
    super("argument", `${where}: ${message}`, options);
    this.where = where;
    this.parameter = parameter;
  }
}

/** What an {@link IoError} knows of the failure besides its location. */
export interface IoErrorOptions extends ErrorOptions {
  /** The HTTP status the server answered with, when there was an answer. */
  status?: number;
  /** The system error code (`ECONNREFUSED`, `EACCES`), when the system gave one. */
  code?: string;
}

/**
 * Reading or writing storage failed for a reason other than absence: the network, a permission,
 * a server error. What is absent is a {@link NotFoundError}; an IoError says the answer is not
 * known, so the same request may succeed later or with other credentials.
 */
export class IoError extends TensorToolsError {
  /** The URL, path or key whose read or write failed. */
  readonly location: string;
  /** The HTTP status of the answer, if the server answered. */
  readonly status: number | undefined;
  /** The system error code, if there is one. */
  readonly code: string | undefined;

  constructor(location: string, message: string, options: IoErrorOptions = {}) {
    super("io", message, options);
    this.location = location;
    this.status = options.status;
    this.code = options.code;
  }
}

/** What a {@link TaskError} knows of the failure besides the engine, the task and the reason. */
export interface TaskErrorOptions extends ErrorOptions {
  /** How many times the task was tried, when the engine counts. */
  attempts?: number;
  /** The round the task belonged to, e.g. `"svd pass 3 of 7"`. */
  round?: string;
}

/**
 * A task that a job engine ran for a round failed for good: every attempt threw, or the engine
 * gave up on it (a worker died once too often). `reason` is the worker's own error message; the
 * round fails with this error, naming the task.
 */
export class TaskError extends TensorToolsError {
  /** The engine that ran the task, e.g. `"bullmq redis://127.0.0.1:6379"`. */
  readonly engine: string;
  /** The task: its label, or its kind and place in the round. */
  readonly task: string;
  /** What the worker reported, e.g. the message of the error its handler threw. */
  readonly reason: string;
  /** How many times the task was tried, if the engine counts. */
  readonly attempts: number | undefined;
  /** The round the task belonged to, if it has a name. */
  readonly round: string | undefined;

  constructor(engine: string, task: string, reason: string, options: TaskErrorOptions = {}) {
    const { attempts, round } = options;
    const of = round === undefined ? "" : ` of round '${round}'`;
    const after =
      attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    super("task", `${engine}: task '${task}'${of} failed${after}: ${reason}`, options);
    this.engine = engine;
    this.task = task;
    this.reason = reason;
    this.attempts = attempts;
    this.round = round;
  }
}

/** Maps each tag to its error class, so `isTensorToolsError(e, "query")` narrows the type. */
export interface ErrorByTag {
  "not-found": NotFoundError;
  manifest: InvalidManifestError;
  selection: InvalidSelectionError;
  query: QueryError;
  config: ConfigError;
  method: MethodError;
  unsupported: UnsupportedError;
  data: DataError;
  exists: AlreadyExistsError;
  conflict: ConflictError;
  "input-changed": InputChangedError;
  argument: ArgumentError;
  io: IoError;
  task: TaskError;
}

/**
 * Whether `error` is a tensortools error (optionally of one tag). Works across duplicate
 * installs of `@tt/schema`, where `instanceof` does not.
 *
 * @example
 * ```ts
 * try { validateManifest(json); } catch (e) {
 *   if (isTensorToolsError(e, "manifest")) console.error(e.field);
 * }
 * ```
 */
export function isTensorToolsError(error: unknown): error is TensorToolsError;
export function isTensorToolsError<T extends ErrorTag>(
  error: unknown,
  tag: T,
): error is ErrorByTag[T];
export function isTensorToolsError(error: unknown, tag?: ErrorTag): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return tag === undefined || (error as TensorToolsError).tag === tag;
}
