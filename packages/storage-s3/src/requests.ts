/**
 * Requests to an S3-compatible server as a bundle's store makes them: at most `concurrency` at
 * once, and those that fail for a reason that may pass (a dropped connection, HTTP 500, 502, 503,
 * 504, 429: throttling) tried again after a growing, randomised wait, up to `retries` times.
 */

import { IoError } from "@tt/schema";
import { systemErrorCode } from "@tt/storage";

/** The statuses that are worth another try. */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** How requests are paced and retried. */
export interface RequestPolicy {
  /** Requests in flight at most. */
  concurrency: number;
  /** Tries after the first one. */
  retries: number;
  /** The first wait before a retry, in ms; it doubles with every retry (full jitter). */
  backoffMs: number;
}

/** A function that sends one request (signed) and answers. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** Waits `ms`, or rejects when `signal` aborts. */
function wait(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((done, fail) => {
    if (signal?.aborted) return fail(signal.reason);
    const timer = setTimeout(done, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        fail(signal.reason);
      },
      { once: true },
    );
  });
}

/** A limit on requests in flight, shared by every request of one store. */
export class Limiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  /** The most requests that were ever in flight at once (for tests and figures). */
  peak = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((go) => this.#waiting.push(go));
    this.#active++;
    this.peak = Math.max(this.peak, this.#active);
    try {
      return await task();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

/** The wait before retry `attempt` (1, 2, ...): `Retry-After` when the server says, else jitter. */
function backoff(policy: RequestPolicy, attempt: number, response?: Response): number {
  const after = Number(response?.headers.get("retry-after"));
  if (Number.isFinite(after) && after > 0) return Math.min(after * 1000, 30_000);
  return Math.random() * policy.backoffMs * 2 ** (attempt - 1);
}

/**
 * Sends the request through `limiter`, retrying as the policy says; returns the last answer
 * (retryable statuses included once the retries are spent: the caller turns it into an error) or
 * throws an IoError naming `url` when the server could not be reached at all.
 */
export async function sendWithRetries(
  send: Send,
  limiter: Limiter,
  policy: RequestPolicy,
  url: string,
  init: () => RequestInit,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const request = init();
    let response: Response | undefined;
    let failure: unknown;
    try {
      response = await limiter.run(() => send(url, request));
    } catch (error) {
      if ((error as Error)?.name === "AbortError" || request.signal?.aborted) throw error;
      failure = error;
    }
    const retry = response === undefined || RETRYABLE.has(response.status);
    if (!retry || attempt >= policy.retries) {
      if (response !== undefined) return response;
      const code = systemErrorCode(failure);
      throw new IoError(
        url,
        `could not reach ${url} after ${attempt + 1} tries: ${(failure as Error)?.message ?? failure}`,
        { cause: failure, ...(code === undefined ? {} : { code }) },
      );
    }
    // The body of an answer that is not read is released, so the connection can be reused.
    await response?.body?.cancel().catch(() => undefined);
    await wait(backoff(policy, attempt + 1, response), request.signal);
  }
}
