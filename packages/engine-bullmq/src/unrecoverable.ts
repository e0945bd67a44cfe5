/**
 * Which errors of a task handler are worth another attempt. A tensortools error says what was
 * wrong with the task's input or the data it reads (a DataError, a ConfigError, a dataset that
 * is not there), and the next attempt would read the same and fail the same way; an IoError (a
 * lost connection, a read that failed) or a ConflictError (another writer was first) may not
 * happen again, and neither may an error tensortools knows nothing about.
 */

import { isTensorToolsError } from "@tt/schema";
import { UnrecoverableError } from "bullmq";

/** Tags of tensortools errors that a later attempt may not meet. */
const TRANSIENT_TAGS: ReadonlySet<string> = new Set(["io", "conflict"]);

/** Causes followed when looking for an IoError under another error. */
const MAX_CAUSES = 8;

/**
 * Whether another attempt of the task that threw `error` could succeed: yes unless it is a
 * tensortools error other than an IoError or ConflictError, with no IoError among its causes.
 */
export function isRetryable(error: unknown): boolean {
  if (!isTensorToolsError(error)) return true;
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined; depth++) {
    if (isTensorToolsError(current) && TRANSIENT_TAGS.has(current.tag)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/**
 * What the worker throws for `error`: `error` itself when another attempt could succeed, else a
 * BullMQ UnrecoverableError, which fails the job at once whatever attempts are left. The
 * UnrecoverableError keeps `error`'s message (the engine's TaskError quotes it), its stack (whose
 * first line, `DataError: …`, tells the engine the error's kind), its tag and, as its cause,
 * `error` itself.
 */
export function forQueue(error: unknown): unknown {
  if (isRetryable(error) || !isTensorToolsError(error)) return error;
  const unrecoverable = new UnrecoverableError(error.message);
  unrecoverable.stack = error.stack ?? `${error.name}: ${error.message}`;
  return Object.assign(unrecoverable, { tag: error.tag, cause: error });
}
