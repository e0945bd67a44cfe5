/**
 * Check 6: a split fit from the tarballs. In the umbrella app (npm and pnpm), where
 * `@tt/engine-bullmq` is installed beside `tensortools`, one worker process
 * (apps/umbrella/split-worker.mjs: `startBullmqWorker` running the umbrella's
 * `partitionHandler()`) answers the partition tasks of `decompose(view, "pca", { rank: 3 },
 * { engine, partitions: 3 })` (apps/umbrella/check-split.mjs, `createBullmqEngine`) through a
 * redis-server started here; the numbers equal those of the same PCA in one process. The same PCA
 * through `decomposeTo` has the worker write the instance table's parts into the result folder.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../src/redis.js";
import { installApp } from "../src/apps.js";
import { cleanEnvironment, lastJsonLine, runCommand } from "../src/run.js";

interface SplitReport {
  singularValues: { one: number[]; split: number[] };
  scores: { one: number[]; split: number[] };
  split: { engine: string; partitions: number; rounds: number; retried: number };
  splitMs: number;
  written: { parts: string[]; rounds: number; scores: number[] };
}

/** A worker process of the scratch app: the labels of the tasks it answered. */
interface WorkerProcess {
  child: ChildProcess;
  answered: string[];
  stderr: string;
}

/** Starts split-worker.mjs in `dir`; resolves once it is connected, rejects if it exits first. */
function startWorker(dir: string, url: string): Promise<WorkerProcess> {
  const child = spawn("node", ["split-worker.mjs", url], {
    cwd: dir,
    env: cleanEnvironment(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker: WorkerProcess = { child, answered: [], stderr: "" };
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    worker.stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`split-worker.mjs was not ready within 60 s:\n${worker.stderr}`));
    }, 60_000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`split-worker.mjs exited (${signal ?? code}):\n${worker.stderr}`));
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === "ready") {
        clearTimeout(timer);
        resolve(worker);
      } else if (line.startsWith("task ")) worker.answered.push(line.slice("task ".length));
    });
  });
}

/** Sends SIGTERM (the worker finishes its task and disconnects), SIGKILL after 5 s. */
function stopWorker({ child }: WorkerProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The largest difference relative to the largest magnitude of `a`. */
function maxRelative(a: readonly number[], b: readonly number[]): number {
  expect(b).toHaveLength(a.length);
  const scale = Math.max(...a.map(Math.abs));
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!))) / scale;
}

describe.each(["npm", "pnpm"] as const)("a split fit installed with %s", (manager) => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer((line) => console.log(`[packed] ${line}`));
  }, 600_000);

  afterAll(async () => {
    await redis?.stop();
  });

  it("one worker answers every partition task, and the PCA equals the single-process one", async () => {
    const app = await installApp(`${manager}-umbrella`);
    const worker = await startWorker(app.dir, redis.url);
    let stdout: string;
    let ms: number;
    try {
      ({ stdout, ms } = await runCommand(
        "node",
        ["check-split.mjs", redis.url, join(app.dir, "split-out")],
        { cwd: app.dir, timeout: 120_000 },
      ));
    } finally {
      await stopWorker(worker);
    }
    const report = lastJsonLine<SplitReport>(stdout);
    console.log(
      `${manager}: node check-split.mjs ${ms} ms (split fit ${report.splitMs} ms, ` +
        `${report.split.rounds} rounds of ${report.split.partitions} tasks)`,
    );
    expect(report.split).toMatchObject({
      engine: `bullmq ${redis.url} queue tt-tasks`,
      partitions: 3,
      retried: 0,
    });
    // The worker process ran every task of both fits: scan rounds and passes, 3 partitions each.
    expect(report.split.rounds).toBeGreaterThanOrEqual(2);
    expect(worker.answered).toHaveLength(3 * (report.split.rounds + report.written.rounds));
    // Two fits (decompose, then decomposeTo): each scans every partition once.
    expect(worker.answered.filter((label) => label.endsWith("(scan)")).sort()).toEqual(
      [1, 1, 2, 2, 3, 3].map((q) => `partition ${q} of 3 (scan)`),
    );
    const { singularValues, scores } = report;
    expect(singularValues.one).toHaveLength(3);
    expect(maxRelative(singularValues.one, singularValues.split)).toBeLessThan(1e-6);
    expect(scores.one).toHaveLength(90);
    expect(maxRelative(scores.one, scores.split)).toBeLessThan(1e-5);
    // decomposeTo: the worker wrote the instance table's three parts into the result folder.
    expect(report.written.parts).toEqual(
      [0, 1, 2].map((q) => `factor_tables/instance/part-0000${q}.parquet`),
    );
    expect(worker.answered.filter((label) => label.endsWith("(svd.instances)"))).toHaveLength(3);
    expect(maxRelative(scores.one, report.written.scores)).toBeLessThan(1e-5);
  });
});
