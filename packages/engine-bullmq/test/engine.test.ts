/**
 * The BullMQ engine against a real redis-server (Debian's, installed by the tests when missing,
 * started on 127.0.0.1 for this file) and three worker processes that sum float64 arrays sent as
 * base64: answers in task order, progress, a failing task, a DataError that fails at once and an
 * IoError that is retried, an abort, and a worker killed with SIGKILL in the middle of a job.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type EngineTask, isTensorToolsError, type RoundProgress } from "@tt/schema";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../tooling/src/redis.js";
import { createBullmqEngine } from "../src/index.js";

const QUEUE = "sums";
const workerScript = join(import.meta.dirname, "sum-worker.ts");

interface WorkerProcess {
  readonly child: ChildProcess;
  /** Labels of the tasks this worker started, in order. */
  readonly started: string[];
  /** Resolves with the label of the next task this worker starts. */
  nextStart(): Promise<string>;
}

let redis: RedisServer;
let workers: WorkerProcess[] = [];

/** Starts a worker process and resolves once it is connected. */
function startWorker(url: string): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@tt/source", workerScript, url, QUEUE],
    { cwd: join(import.meta.dirname, ".."), stdio: ["ignore", "pipe", "inherit"] },
  );
  const started: string[] = [];
  let waiters: ((label: string) => void)[] = [];
  return new Promise((resolve, reject) => {
    const worker: WorkerProcess = {
      child,
      started,
      nextStart: () => new Promise((settle) => waiters.push(settle)),
    };
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === "ready") resolve(worker);
      if (!line.startsWith("started ")) return;
      const label = line.slice("started ".length);
      started.push(label);
      const waiting = waiters;
      waiters = [];
      for (const settle of waiting) settle(label);
    });
  });
}

/**
 * How many times the workers started the task labelled `label`, once their output has arrived
 * (a worker prints a task's start before the task can fail, but the pipe may lag the queue).
 */
async function startsOf(label: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return workers.flatMap((worker) => worker.started).filter((started) => started === label).length;
}

/** `count` pseudo-random float64 values from `seed` (xorshift), and their base64 text. */
function values(seed: number, count: number): { base64: string; sum: number } {
  const floats = new Float64Array(count);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    floats[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 1000;
  }
  let sum = 0;
  for (const value of floats) sum += value;
  return { base64: Buffer.from(floats.buffer).toString("base64"), sum };
}

/** Tasks that sum `sizes[i]` values each after `delayMs`, with the sums they must answer. */
function sumTasks(sizes: readonly number[], delayMs: number, kind = "sum") {
  const made = sizes.map((size, index) => values(index + 1 + size, size));
  const tasks: EngineTask[] = made.map(({ base64 }, index) => ({
    kind,
    data: { values: base64, delayMs },
    label: `partition ${index + 1} of ${sizes.length}`,
  }));
  return { tasks, sums: made.map(({ sum }) => sum) };
}

beforeAll(async () => {
  redis = await startRedisServer((line) => console.log(line));
  workers = await Promise.all([1, 2, 3].map(() => startWorker(redis.url)));
}, 600_000);

afterAll(async () => {
  for (const { child } of workers) if (child.exitCode === null) child.kill("SIGKILL");
  await redis?.stop();
});

describe("a BullMQ engine with three worker processes", () => {
  it("answers a round in task order, with progress, including a task of several MB", async () => {
    const engine = createBullmqEngine({ connection: redis.url, queue: QUEUE });
    // 400 000 float64 values are 3.2 MB, 4.3 MB as base64.
    const { tasks, sums } = sumTasks([1000, 400_000, 10, 5000, 1, 2000, 300, 7, 64], 300);
    const progress: RoundProgress[] = [];
    const answers = await engine.runRound(tasks, {
      name: "sums",
      onProgress: (p) => progress.push(p),
    });
    await engine.close();
    expect(answers.map((answer) => (answer as { sum: number }).sum)).toEqual(sums);
    expect(answers.map((answer) => (answer as { count: number }).count)).toEqual([
      1000, 400_000, 10, 5000, 1, 2000, 300, 7, 64,
    ]);
    const pids = new Set(answers.map((answer) => (answer as { pid: number }).pid));
    expect(pids.size).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toEqual({ done: 0, total: 9, retried: 0 });
    expect(progress.at(-1)).toMatchObject({ done: 9, total: 9, retried: 0 });
    const done = progress.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // Each task reports 0.5 half-way through, relayed with its label.
    const halfWay = progress.filter((p) => p.fraction === 0.5).map((p) => p.label);
    expect(new Set(halfWay)).toEqual(new Set(tasks.map((task) => task.label)));
  });

  it("fails the round with a TaskError naming the task once its attempts are spent", async () => {
    const engine = createBullmqEngine({
      connection: redis.url,
      queue: QUEUE,
      attempts: 2,
      backoffMs: 50,
    });
    const { tasks } = sumTasks([10, 10, 10], 50);
    tasks[1] = { ...tasks[1]!, kind: "fail" };
    const progress: RoundProgress[] = [];
    const failure = await engine
      .runRound(tasks, { name: "sums with a bad one", onProgress: (p) => progress.push(p) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await engine.close();
    expect(isTensorToolsError(failure, "task")).toBe(true);
    expect(failure).toMatchObject({
      name: "TaskError",
      task: "partition 2 of 3",
      round: "sums with a bad one",
      attempts: 2,
      reason: "cannot sum partition 2 of 3: refused on purpose",
    });
    expect((failure as Error).message).toBe(
      `bullmq ${redis.url} queue sums: task 'partition 2 of 3' of round 'sums with a bad one' ` +
        "failed after 2 attempts: cannot sum partition 2 of 3: refused on purpose",
    );
    expect(((failure as Error).cause as Error).stack).toContain("sum-worker.ts");
    expect(progress.at(-1)?.retried).toBe(1);
  });

  it("fails the round after one attempt when a task throws a DataError, which retrying cannot fix", async () => {
    const engine = createBullmqEngine({
      connection: redis.url,
      queue: QUEUE,
      attempts: 3,
      backoffMs: 50,
    });
    const { tasks } = sumTasks([10, 10, 10], 50);
    tasks[1] = { ...tasks[1]!, kind: "bad-data", label: "the bad data" };
    const progress: RoundProgress[] = [];
    const failure = await engine
      .runRound(tasks, { name: "bad data", onProgress: (p) => progress.push(p) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await engine.close();
    expect(isTensorToolsError(failure, "task")).toBe(true);
    expect(failure).toMatchObject({
      task: "the bad data",
      round: "bad data",
      attempts: 1,
      reason: "the bad data: not numbers, on purpose",
    });
    expect((failure as Error).message).toBe(
      `bullmq ${redis.url} queue sums: task 'the bad data' of round 'bad data' failed after 1 ` +
        "attempt: the bad data: not numbers, on purpose",
    );
    // The worker's error's kind, from its stack.
    const cause = (failure as Error).cause as Error;
    expect(cause.name).toBe("DataError");
    expect(cause.stack).toMatch(/^DataError: the bad data: not numbers, on purpose\n/);
    expect(progress.map((p) => p.retried)).toEqual(progress.map(() => 0));
    expect(await startsOf("the bad data")).toBe(1);
  });

  it("retries a task that throws an IoError, as a read may succeed the next time", async () => {
    const engine = createBullmqEngine({
      connection: redis.url,
      queue: QUEUE,
      attempts: 2,
      backoffMs: 50,
    });
    const { tasks } = sumTasks([10, 10, 10], 50);
    tasks[2] = { ...tasks[2]!, kind: "lost-read", label: "the lost read" };
    const progress: RoundProgress[] = [];
    const failure = await engine
      .runRound(tasks, { name: "lost read", onProgress: (p) => progress.push(p) })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await engine.close();
    expect(failure).toMatchObject({
      name: "TaskError",
      task: "the lost read",
      attempts: 2,
      reason: "the read failed on purpose",
    });
    expect(((failure as Error).cause as Error).name).toBe("IoError");
    expect(progress.at(-1)?.retried).toBe(1);
    expect(await startsOf("the lost read")).toBe(2);
  });

  it("stops waiting on abort and removes the round's jobs that no worker has taken", async () => {
    const engine = createBullmqEngine({ connection: redis.url, queue: QUEUE });
    const { tasks } = sumTasks([5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 600);
    const controller = new AbortController();
    const firstStart = Promise.race(workers.map((worker) => worker.nextStart()));
    const round = engine.runRound(tasks, { signal: controller.signal });
    await firstStart;
    const reason = new Error("stopped by the test");
    controller.abort(reason);
    await expect(round).rejects.toBe(reason);
    await engine.close();
    const queue = new Queue(QUEUE, { connection: { url: redis.url } });
    const counts = await queue.getJobCounts("wait", "delayed", "prioritized");
    await queue.close();
    expect(counts).toEqual({ wait: 0, delayed: 0, prioritized: 0 });
  });

  it("loses a retry, not the result, when a worker is killed with SIGKILL mid-job", async () => {
    const engine = createBullmqEngine({ connection: redis.url, queue: QUEUE });
    const { tasks, sums } = sumTasks([100, 200, 300, 400, 500, 600], 1500);
    const progress: RoundProgress[] = [];
    const victim = workers[0]!;
    const victimStart = victim.nextStart();
    const round = engine.runRound(tasks, { onProgress: (p) => progress.push(p) });
    const killedTask = await victimStart;
    victim.child.kill("SIGKILL");
    const answers = (await round) as { sum: number; pid: number }[];
    await engine.close();
    expect(answers.map((answer) => answer.sum)).toEqual(sums);
    expect(answers.map((answer) => answer.pid)).not.toContain(victim.child.pid);
    const killedIndex = tasks.findIndex((task) => task.label === killedTask);
    expect(killedIndex).toBeGreaterThanOrEqual(0);
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6 });
    expect(progress.at(-1)!.retried).toBeGreaterThanOrEqual(1);
    const others = workers.slice(1).flatMap((worker) => worker.started);
    expect(others).toContain(killedTask);
  }, 30_000);
});
