/**
 * Split fits end to end, as the "done when" reads: a bundle written to a bucket of a
 * local S3-compatible server, three `tt worker` processes on a Redis started here, `tt decompose
 * --engine` of PCA and of CP while one worker is killed in the middle of a task; the results
 * equal the single-process `tt decompose` of the same bucket (singular values to 1e-6, scores
 * and factors to 1e-5), and the killed worker's task cost a retry (PCA's worker is killed as it
 * writes its part of the instance table, which the workers write, one part per partition, into
 * the result directory or the bucket). A task the workers cannot do fails at once, noted by the
 * worker that took it.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createBullmqEngine } from "@tt/engine-bullmq";
import { S3_CREDENTIALS, type S3Server, startS3Server } from "@tt/test-fixtures";
import {
  columnFromCells,
  createTensor,
  type DecompositionResult,
  isTensorToolsError,
  MetaTable,
  openResult,
  writeDataset,
} from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../tooling/src/redis.js";
import { describeError } from "../src/errors.js";
import { BIN, removeTempDirs, tempDir, tt } from "./helpers.js";

const BUCKET = "s3://test-bucket/waves";
let s3: S3Server;
let redis: RedisServer;
let dir: string;
let env: Record<string, string>;
const workers: Array<{ child: ChildProcess; stderr: string }> = [];

/**
 * A seeded tensor of 1200 waveforms x 400 samples x 4 channels: three bumps at distinct
 * latencies with distinct channel loadings and random amplitudes, plus 1% noise (a well-posed
 * rank-3 CP, so that both fits converge to the same model well within the tolerance).
 */
function waves() {
  const [n, t, c] = [1200, 400, 4];
  let state = 7;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const latencies = [80, 200, 320];
  const loadings = [
    [1, 0.5, 0.2, 0.1],
    [0.1, 1, 0.5, 0.2],
    [0.2, 0.1, 0.3, 1],
  ];
  const data = new Float32Array(n * t * c);
  for (let i = 0; i < n; i++) {
    const amplitude = latencies.map(() => 0.5 + random());
    for (let s = 0; s < t; s++)
      for (let k = 0; k < c; k++) {
        let value = 0.01 * (random() - 0.5);
        latencies.forEach((latency, r) => {
          value += amplitude[r]! * Math.exp(-(((s - latency) / 25) ** 2)) * loadings[r]![k]!;
        });
        data[(i * t + s) * c + k] = value;
      }
  }
  const ids = Array.from({ length: n }, (_, i) => `w${i}`);
  return createTensor({
    data,
    shape: [n, t, c],
    axes: ["instance", "sample", "channel"],
    axisMeta: { instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }) },
  });
}

/** Starts a `tt worker` and resolves once it is ready. */
function startWorker(): Promise<{ child: ChildProcess; stderr: string }> {
  // A short lock: a killed worker's task goes to another within seconds (the answers are small).
  const args = [BIN, "worker", redis.url, "--threads", "1", "--lock-ms", "5000"];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker = { child, stderr: "" };
  child.stderr!.on("data", (chunk: Buffer) => {
    worker.stderr += chunk.toString();
  });
  workers.push(worker);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) resolve(worker);
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${worker.stderr}`)));
  });
}

/**
 * Stops `worker` the moment it starts a task of `pass` (SIGSTOP: it cannot finish the task) and
 * kills it (SIGKILL), as a machine lost mid-task.
 */
function killOnTask(worker: { child: ChildProcess }, pass: string): Promise<void> {
  return new Promise((resolve) => {
    const watch = (chunk: Buffer) => {
      if (!chunk.toString().includes(`(${pass}): started`)) return;
      worker.child.kill("SIGSTOP");
      worker.child.kill("SIGKILL");
      worker.child.stderr!.off("data", watch);
      resolve();
    };
    worker.child.stderr!.on("data", watch);
  });
}

/** Runs `tt decompose` of the bucket, in one process or split over the workers. */
function decompose(method: string, rank: number, out: string, split: boolean) {
  const engine = split ? ["--engine", redis.url, "--partitions", "6"] : [];
  return tt(
    ["decompose", BUCKET, "-m", method, "-k", String(rank), ...engine, "-o", out],
    dir,
    env,
  );
}

/** The parts of a result's instance table its manifest lists (the workers wrote them). */
async function instanceParts(result: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(result, "manifest.json"), "utf8"));
  return manifest.files.factor_table_parts?.instance ?? [];
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

/** Residual columns: small differences of large numbers, their leading digits set by rounding. */
const RESIDUALS = new Set(["recon_error", "q", "outlier_score"]);

/**
 * Every float column of every factor table and every component tensor to `tol`, but the
X difference of large numbers, which the
 * rounding of two fits (and where CP stops within its tolerance) leaves different in its leading
 * digits. Their sums are checked by the callers.
 */
function expectSameNumbers(one: DecompositionResult, split: DecompositionResult, tol: number) {
  for (const [name, table] of Object.entries(one.factorTables))
    for (const column of table.columnNames) {
      const values = table.column(column).values;
      if (!(values instanceof Float64Array) || RESIDUALS.has(column)) continue;
      const other = split.factorTables[name]!.column(column).values as Float64Array;
      expect(maxRelative(values, other), `${name}.${column}`).toBeLessThan(tol);
    }
  for (const [name, tensor] of Object.entries(one.componentTensors))
    expect(
      maxRelative(tensor.data as Float64Array, split.componentTensors[name]!.data as Float64Array),
      name,
    ).toBeLessThan(tol);
}

beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server(), startRedisServer()]);
  env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
  };
  dir = tempDir();
  Object.assign(process.env, env);
  try {
    await writeDataset(BUCKET, waves());
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
  }
  await Promise.all([startWorker(), startWorker(), startWorker()]);
}, 120_000);

afterAll(async () => {
  for (const { child } of workers) child.kill("SIGKILL");
  await Promise.all([redis?.stop(), s3?.close()]);
  removeTempDirs();
});

describe("tt decompose --engine with three tt workers", () => {
  it("PCA: a worker killed mid-task costs a retry; the numbers are the single-process fit's", async () => {
    const one = await decompose("pca", 3, join(dir, "pca-one"), false);
    expect(one.code).toBe(0);
    // Killed as it writes its part of the instance table: the retry writes it again.
    const killed = killOnTask(workers[0]!, "svd.instances");
    const split = await decompose("pca", 3, join(dir, "pca-split"), true);
    await killed;
    expect(split.stderr).toMatch(/round \d+ \(svd\.instances\): 6\/6 partitions, 1 retried/);
    expect(split.code).toBe(0);
    expect(await instanceParts(join(dir, "pca-split"))).toHaveLength(6);
    const [a, b] = await Promise.all([
      openResult(join(dir, "pca-one")),
      openResult(join(dir, "pca-split")),
    ]);
    const sv = (r: DecompositionResult) =>
      r.factorTables.component!.column("singular_value").values as Float64Array;
    expect(maxRelative(sv(a), sv(b))).toBeLessThan(1e-6);
    expectSameNumbers(a, b, 1e-5);
    expect(b.diagnostics.split).toMatchObject({ partitions: 6, retried: 1 });
    expect(b.inputRef).toEqual(a.inputRef);
  }, 180_000);

  it("CP: the same with another worker killed mid-sweep", async () => {
    await startWorker();
    const one = await decompose("cp", 3, join(dir, "cp-one"), false);
    expect(one.code).toBe(0);
    const killed = killOnTask(workers[1]!, "core.normalProduct");
    const split = await decompose("cp", 3, join(dir, "cp-split"), true);
    await killed;
    expect(split.stderr).toMatch(/\(core\.normalProduct\): 6\/6 partitions, 1 retried/);
    expect(split.code).toBe(0);
    expect(await instanceParts(join(dir, "cp-split"))).toHaveLength(6);
    const [a, b] = await Promise.all([
      openResult(join(dir, "cp-one")),
      openResult(join(dir, "cp-split")),
    ]);
    // Both stop when a sweep changes the error by less than tol (1e-8): within that of each other.
    const error = a.diagnostics.relative_error as number;
    expect(Math.abs((b.diagnostics.relative_error as number) - error)).toBeLessThan(1e-6);
    expectSameNumbers(a, b, 1e-5);
    expect(b.diagnostics.split).toMatchObject({ partitions: 6, retried: 1 });
  }, 180_000);

  it("PCA written to an s3:// prefix: the workers put the instance table's parts in the bucket", async () => {
    const out = "s3://test-bucket/results/pca-split";
    const split = await decompose("pca", 3, out, true);
    expect(split.code).toBe(0);
    const info = await tt(["result-info", out, "--json"], dir, env);
    expect(info.code).toBe(0);
    const tables = JSON.parse(info.stdout).factor_tables as Record<string, object>;
    expect(tables.instance).toMatchObject({ rows: 1200, parts: 6 });
    const rows = async (result: string) => {
      const scores = await tt(["scores", result, "--json"], dir, env);
      expect(scores.code).toBe(0);
      return JSON.parse(scores.stdout) as Array<{ instance_id: unknown; score_1: number }>;
    };
    const [mine, theirs] = await Promise.all([rows(out), rows(join(dir, "pca-one"))]);
    expect(mine.map((row) => row.instance_id)).toEqual(theirs.map((row) => row.instance_id));
    expect(
      maxRelative(
        theirs.map((row) => row.score_1),
        mine.map((row) => row.score_1),
      ),
    ).toBeLessThan(1e-5);
  }, 180_000);

  it("a task no worker can do fails at once: its worker notes why, tt names it and points there", async () => {
    const engine = createBullmqEngine({ connection: redis.url });
    const failure = await engine
      .runRound([{ kind: "tt.split.unknown", data: {}, label: "the odd task" }], {
        name: "odd round",
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await engine.close();
    // A ConfigError of the handler: not retried (the engine's default is 3 attempts).
    expect(isTensorToolsError(failure, "task")).toBe(true);
    expect(failure).toMatchObject({
      task: "the odd task",
      round: "odd round",
      attempts: 1,
      reason: "config 'task.kind': 'tt.split.unknown' is not a task of a split fit",
    });
    expect(((failure as Error).cause as Error).name).toBe("ConfigError");
    const { line, hint, code } = describeError(failure, { name: "decompose", options: {} });
    expect(line).toContain("task 'the odd task' of round 'odd round' failed after 1 attempt: ");
    expect(hint).toContain("the stderr of the tt worker that took the task");
    expect(code).toBe(1);
    const noted =
      /task the odd task: failed after \d+ ms: .*'tt\.split\.unknown' is not a task of a split fit\n/;
    const deadline = Date.now() + 5000;
    while (!workers.some(({ stderr }) => noted.test(stderr)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(workers.filter(({ stderr }) => noted.test(stderr))).toHaveLength(1);
  });
});
