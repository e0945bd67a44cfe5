/**
 * The bookkeeping of one round while the engine waits for it: which tasks are settled, their
 * answers in task order, retries, progress, and the first failure. It knows jobs only by id, so
 * answers may come from queue events or from reading a job back, in any order, more than once.
 */

import { type JsonValue, type RoundProgress, TaskError } from "@tt/schema";

/** What a round needs to know of itself. */
export interface RoundSetup {
  /** The engine's name, for errors. */
  readonly engine: string;
  /** The round's name, for errors and progress. */
  readonly name: string | undefined;
  /** One job id per task, in task order. */
  readonly jobIds: readonly string[];
  /** One label per task, in task order. */
  readonly labels: readonly string[];
  readonly onProgress: ((progress: RoundProgress) => void) | undefined;
}

/** How a task failed for good, as the queue recorded it. */
export interface TaskFailure {
  /** The worker's error message. */
  readonly reason: string;
  /** Attempts made, if known. */
  readonly attempts: number | undefined;
  /** The worker's stack trace of the last attempt, if recorded (its first line names the kind). */
  readonly stack: string | undefined;
}

/** The state of one round; settles `result` once every task answered, or at the first failure. */
export class RoundState {
  /** The answers in task order, or the round's failure. */
  readonly result: Promise<JsonValue[]>;
  private readonly setup: RoundSetup;
  private readonly indexOf: Map<string, number>;
  private readonly answers: JsonValue[];
  private readonly settled: boolean[];
  private readonly retries: number[];
  private done = 0;
  private finished = false;
  private resolve!: (answers: JsonValue[]) => void;
  private reject!: (error: unknown) => void;

  constructor(setup: RoundSetup) {
    this.setup = setup;
    this.indexOf = new Map(setup.jobIds.map((id, index) => [id, index]));
    this.answers = new Array<JsonValue>(setup.jobIds.length).fill(null);
    this.settled = new Array<boolean>(setup.jobIds.length).fill(false);
    this.retries = new Array<number>(setup.jobIds.length).fill(0);
    this.result = new Promise<JsonValue[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // The failure reaches the caller through runRound, which awaits `result` once the jobs are
    // added; a failure before that (an abort while connecting) must not count as unhandled.
    this.result.catch(() => {});
  }

  /** Whether the round has answered or failed. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Whether `jobId` is a task of this round. */
  has(jobId: string): boolean {
    return this.indexOf.has(jobId);
  }

  /** The ids of the tasks that have not answered yet. */
  pendingJobIds(): string[] {
    return this.setup.jobIds.filter((_, index) => !this.settled[index]);
  }

  /** Reports the round's progress as it stands (`label` and `fraction` for one task). */
  report(index?: number, fraction?: number): void {
    const retried = this.retries.reduce((sum, count) => sum + count, 0);
    const progress: RoundProgress = {
      done: this.done,
      total: this.setup.jobIds.length,
      retried,
      ...(index === undefined ? {} : { label: this.setup.labels[index] }),
      ...(fraction === undefined ? {} : { fraction }),
    };
    this.setup.onProgress?.(progress);
  }

  /**
   * Records the answer of a task. `retriesAtLeast` raises the task's retry count to what the job
   * itself recorded (attempts started minus one), for retries whose events were not seen.
   */
  answered(jobId: string, value: JsonValue, retriesAtLeast = 0): void {
    const index = this.indexOf.get(jobId);
    if (index === undefined || this.settled[index] || this.finished) return;
    this.settled[index] = true;
    this.answers[index] = value;
    this.retries[index] = Math.max(this.retries[index]!, retriesAtLeast);
    this.done += 1;
    this.report(index, 1);
    if (this.done === this.answers.length) this.finish(() => this.resolve(this.answers));
  }

  /** Records that a task's attempt failed or its worker died, and the task was queued again. */
  retried(jobId: string): void {
    const index = this.indexOf.get(jobId);
    if (index === undefined || this.settled[index] || this.finished) return;
    this.retries[index]! += 1;
    this.report(index);
  }

  /** Relays a task's own progress (0 to 1) as its worker reported it. */
  progressed(jobId: string, fraction: number): void {
    const index = this.indexOf.get(jobId);
    if (index === undefined || this.settled[index] || this.finished) return;
    this.report(index, Math.min(1, Math.max(0, fraction)));
  }

  /** Fails the round: the task failed for good. */
  taskFailed(jobId: string, failure: TaskFailure): void {
    const index = this.indexOf.get(jobId);
    if (index === undefined || this.settled[index] || this.finished) return;
    // Its retries are its attempts but the first, whether or not their events were seen.
    const retries = Math.max(this.retries[index]!, (failure.attempts ?? 1) - 1);
    if (retries > this.retries[index]!) {
      this.retries[index] = retries;
      this.report(index);
    }
    const remote = new Error(failure.reason);
    if (failure.stack !== undefined) {
      remote.stack = failure.stack;
      // The kind of the worker's error, as its stack's first line names it (`DataError: …`).
      const kind = /^([A-Za-z_$][\w$]*): /.exec(failure.stack)?.[1];
      if (kind !== undefined) remote.name = kind;
    }
    const error = new TaskError(this.setup.engine, this.setup.labels[index]!, failure.reason, {
      attempts: failure.attempts,
      round: this.setup.name,
      cause: remote,
    });
    this.fail(error);
  }

  /** Fails the round with `error` (an abort's reason, a lost connection), unless it is over. */
  fail(error: unknown): void {
    this.finish(() => this.reject(error));
  }

  private finish(settle: () => void): void {
    if (this.finished) return;
    this.finished = true;
    settle();
  }
}
