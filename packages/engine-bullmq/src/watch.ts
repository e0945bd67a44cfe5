/**
 * How the engine learns what became of a round's jobs: the queue's events as they happen
 * (answers, failures, retries, progress) and, as a safety net, reading back the state of the
 * jobs it still waits for, once right after adding them (a job may finish before the events
 * reach this process) and then every `pollMs` (events are lost while a connection is down).
 */

import { IoError } from "@tt/schema";
import type { Queue, QueueEvents } from "bullmq";
import type { RoundState } from "./round.js";
import { GRACE_MS, settlesWithin } from "./shutdown.js";

/** The engine's queue, its event listener, and what a round needs to talk to them. */
export interface QueueAccess {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** The server, for errors: `redis://host:port`. */
  readonly where: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** The last connection error either reported, for the IoError of a round that gives up. */
  lastError: unknown;
}

/** What `error` says of itself, as an IoError's cause and code. */
function connectionFailure(access: QueueAccess, message: string): IoError {
  const cause = access.lastError;
  const code =
    typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : undefined;
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new IoError(access.where, `${message}${detail}`, {
    cause,
    ...(code === undefined ? {} : { code }),
  });
}

/** Removes finished jobs whose answer was read; a job left behind expires on its own. */
function removeJob(access: QueueAccess, jobId: string): void {
  access.queue.remove(jobId).catch((error: unknown) => {
    // Nothing depends on the removal: the job's age limit removes it later.
    access.lastError = error;
  });
}

/** Reads back a job that completed or failed for good, and settles its task in `state`. */
async function settleFinished(
  access: QueueAccess,
  state: RoundState,
  jobId: string,
  outcome: "completed" | "failed",
) {
  const job = await access.queue.getJob(jobId);
  if (job === undefined) return;
  if (outcome === "completed") {
    state.answered(jobId, job.returnvalue, Math.max(0, job.attemptsStarted - 1));
    removeJob(access, jobId);
  } else {
    state.taskFailed(jobId, {
      reason: job.failedReason ?? "failed without a reason",
      attempts: job.attemptsMade,
      stack: job.stacktrace?.at(-1) ?? undefined,
    });
  }
}

/** Reads the state of every job of `state` still pending, 100 at a time, and settles finished ones. */
async function sweep(access: QueueAccess, state: RoundState): Promise<void> {
  const pending = state.pendingJobIds();
  for (let start = 0; start < pending.length && !state.isFinished; start += 100) {
    const ids = pending.slice(start, start + 100);
    const states = await Promise.all(ids.map((id) => access.queue.getJobState(id)));
    const checks = ids.map(async (jobId, index) => {
      const jobState = states[index];
      if (jobState === "completed" || jobState === "failed")
        return settleFinished(access, state, jobId, jobState);
      if (jobState === "unknown" && state.pendingJobIds().includes(jobId))
        state.taskFailed(jobId, {
          reason: "its job is gone from the queue (removed, or the queue was emptied)",
          attempts: undefined,
          stack: undefined,
        });
    });
    await Promise.all(checks);
  }
}

/** The round among `rounds` that `jobId` belongs to. */
function roundOf(rounds: ReadonlySet<RoundState>, jobId: string): RoundState | undefined {
  for (const round of rounds) if (round.has(jobId)) return round;
  return undefined;
}

/**
 * Listens to the queue's events for the jobs of `rounds` (the rounds under way); returns the
 * function that stops listening.
 */
export function watchQueueEvents(access: QueueAccess, rounds: ReadonlySet<RoundState>) {
  const { queue, events } = access;
  const onError = (error: unknown) => {
    access.lastError = error;
  };
  const listeners = {
    completed: ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      const round = roundOf(rounds, jobId);
      if (round === undefined) return;
      round.answered(jobId, returnvalue as never);
      removeJob(access, jobId);
    },
    failed: ({ jobId }: { jobId: string }) => {
      const round = roundOf(rounds, jobId);
      if (round !== undefined) settleFinished(access, round, jobId, "failed").catch(onError);
    },
    // A job goes from active back to waiting when its worker died (stalled) or an attempt failed.
    waiting: ({ jobId, prev }: { jobId: string; prev?: string }) => {
      if (prev === "active") roundOf(rounds, jobId)?.retried(jobId);
    },
    // Jobs are added without delay, so a delayed one is a failed attempt waiting for its retry.
    delayed: ({ jobId }: { jobId: string }) => roundOf(rounds, jobId)?.retried(jobId),
    progress: ({ jobId, data }: { jobId: string; data: unknown }) => {
      if (typeof data === "number") roundOf(rounds, jobId)?.progressed(jobId, data);
    },
  };
  for (const [event, listener] of Object.entries(listeners))
    events.on(event as "completed", listener as never);
  events.on("error", onError);
  queue.on("error", onError);
  return () => {
    for (const [event, listener] of Object.entries(listeners))
      events.off(event as "completed", listener as never);
  };
}

/** Resolves when the queue and its event listener are connected, or fails after `timeoutMs`. */
async function connected(access: QueueAccess): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message = `could not reach Redis at ${access.where} within ${access.timeoutMs} ms`;
      reject(connectionFailure(access, message));
    }, access.timeoutMs);
  });
  try {
    await Promise.race([
      Promise.all([access.queue.waitUntilReady(), access.events.waitUntilReady()]),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The watch over one round: connection, safety-net reads, abort, and cleanup. */
export interface RoundWatch {
  /** Resolves once Redis is reachable; rejects after `timeoutMs`, or when the round fails. */
  ready(): Promise<void>;
  /** Reads back the round's jobs now and every `pollMs` until {@link RoundWatch.stop}. */
  start(): void;
  /** Stops reading and removes the jobs that were not answered (waiting or delayed ones). */
  stop(): Promise<void>;
}

/** Watches `state`: fails it on `signal`, or when Redis stays unreachable for `timeoutMs`. */
export function createRoundWatch(
  access: QueueAccess,
  state: RoundState,
  signal: AbortSignal | undefined,
): RoundWatch {
  const onAbort = () => state.fail(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setInterval> | undefined;
  let sweeping: Promise<void> | undefined;
  // Set when a read-back starts, cleared when one succeeds: how long Redis has not answered.
  let failingSince: number | undefined;
  let lost = false;
  const tick = () => {
    if (failingSince !== undefined && Date.now() - failingSince > access.timeoutMs) {
      const silent = Date.now() - failingSince;
      lost = true;
      state.fail(
        connectionFailure(access, `Redis at ${access.where} has not answered for ${silent} ms`),
      );
      return;
    }
    if (sweeping !== undefined) return;
    failingSince ??= Date.now();
    sweeping = sweep(access, state)
      .then(() => {
        failingSince = undefined;
      })
      .catch((error: unknown) => {
        access.lastError = error;
      })
      .finally(() => {
        sweeping = undefined;
      });
  };
  return {
    async ready() {
      await Promise.race([connected(access), state.result]);
    },
    start() {
      tick();
      timer = setInterval(tick, Math.max(access.pollMs, 50));
    },
    async stop() {
      clearInterval(timer);
      signal?.removeEventListener("abort", onAbort);
      const pending = state.pendingJobIds();
      const added = timer !== undefined;
      if (!added || pending.length === 0 || lost) return;
      // Jobs already taken by a worker are locked and stay; they expire once finished. Redis
      // may have stopped answering: the round has failed already, so do not wait for long.
      const removals = Promise.allSettled(pending.map((jobId) => access.queue.remove(jobId)));
      await settlesWithin(removals, GRACE_MS);
    },
  };
}
