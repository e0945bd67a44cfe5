/**
 * `tt` on s3:// locations, end to end: a bundle written to a local S3-compatible server (s3rver
 * on 127.0.0.1, named by the standard AWS environment variables), `tt decompose s3://… -o s3://…`,
 * `tt info` and `tt scores` on it, with the numbers of the same run on directories; with a catalog
 * in use the run is recorded with its s3:// input and output; a malformed location is a usage
 * error naming it.
 */

import { join } from "node:path";
import { S3_CREDENTIALS, type S3Server, startS3Server } from "@tt/test-fixtures";
import { type DecompositionResult, openDataset, openResult, writeDataset } from "tensortools";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt, writeSmallDemo } from "./helpers.js";

let server: S3Server;
let dir: string;
let env: Record<string, string>;

/** Runs `work` with `env` in this process's environment (for the library calls of the test). */
async function withEnvironment<T>(work: () => Promise<T>): Promise<T> {
  const saved = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of saved)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
}

beforeAll(async () => {
  server = await startS3Server();
  env = {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
  };
  dir = tempDir();
  await writeSmallDemo(join(dir, "demo"));
  const local = await openDataset(join(dir, "demo", "dataset"));
  await withEnvironment(() => writeDataset("s3://test-bucket/in", local));
}, 120_000);

afterAll(async () => {
  removeTempDirs();
  await server?.close();
});

/** The numbers of a result: factor tables and component tensors, and its diagnostics. */
function numbersOf(result: DecompositionResult) {
  return {
    factors: Object.fromEntries(
      Object.entries(result.factorTables).map(([name, table]) => [name, table.toRecords()]),
    ),
    components: Object.fromEntries(
      Object.entries(result.componentTensors).map(([name, t]) => [
        name,
        Array.from(t.data as Float64Array),
      ]),
    ),
    diagnostics: result.diagnostics,
  };
}

describe("tt on s3:// locations", () => {
  it("decompose s3://… -o s3://… gives the result of the same run on directories", async () => {
    const inBucket = await tt(
      ["decompose", "s3://test-bucket/in", "-o", "s3://test-bucket/out", "-m", "pca", "-k", "2"],
      dir,
      env,
    );
    expect(inBucket.stderr).toMatch(/result written to s3:\/\/test-bucket\/out/);
    expect(inBucket.code).toBe(0);
    const local = await tt(
      ["decompose", join(dir, "demo", "dataset"), "-o", join(dir, "pca-2"), "-m", "pca", "-k", "2"],
      dir,
    );
    expect(local.code).toBe(0);
    const fromBucket = await withEnvironment(() => openResult("s3://test-bucket/out"));
    const fromDirectory = await openResult(join(dir, "pca-2"));
    expect(fromBucket.inputRef.dataset?.location).toBe("s3://test-bucket/in/");
    expect(fromBucket.inputRef.n_instances).toBe(40);
    expect(fromBucket.inputRef.ids_hash).toBe(fromDirectory.inputRef.ids_hash);
    expect(numbersOf(fromBucket)).toEqual(numbersOf(fromDirectory));

    const scores = await tt(["scores", "s3://test-bucket/out", "--json"], dir, env);
    expect(scores.code).toBe(0);
    const localScores = await tt(["scores", join(dir, "pca-2"), "--json"], dir);
    expect(JSON.parse(scores.stdout)).toEqual(JSON.parse(localScores.stdout));
  });

  it("query and result-info on s3:// locations answer as on directories", async () => {
    const query = await tt(["query", "s3://test-bucket/in", "qc_pass", "--count"], dir, env);
    expect(query.code).toBe(0);
    const localQuery = await tt(["query", join(dir, "demo", "dataset"), "qc_pass", "--count"], dir);
    expect(query.stdout).toBe(localQuery.stdout);
    const info = await tt(["result-info", "s3://test-bucket/out", "--json"], dir, env);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).input_ref.dataset.location).toBe("s3://test-bucket/in/");
  });

  it("info s3://… describes the bundle in the bucket", async () => {
    const info = await tt(["info", "s3://test-bucket/in", "--json"], dir, env);
    expect(info.code).toBe(0);
    const local = await tt(["info", join(dir, "demo", "dataset"), "--json"], dir);
    const [remote, here] = [JSON.parse(info.stdout), JSON.parse(local.stdout)];
    expect(remote.location).toBe("s3://test-bucket/in/");
    expect(remote.shape).toEqual(here.shape);
    expect(remote.axes).toEqual(here.axes);
  });

  it("with a catalog in use, decompose s3://… -o s3://… records its run and tt lineage follows it", async () => {
    const catalog = { ...env, TT_CATALOG: join(dir, "catalog.db") };
    const run = await tt(
      [
        "decompose",
        "s3://test-bucket/in",
        "-o",
        "s3://test-bucket/recorded",
        "-m",
        "pca",
        "-k",
        "2",
      ],
      dir,
      catalog,
    );
    expect(run.stderr).toMatch(/result written to s3:\/\/test-bucket\/recorded/);
    expect(run.code).toBe(0);
    const runs = JSON.parse((await tt(["catalog", "runs", "--json"], dir, catalog)).stdout);
    expect(runs[0]).toMatchObject({
      transform: "tt decompose",
      status: "done",
      outputs: [{ key: "s3/test-bucket/recorded", version: 1 }],
    });
    expect(runs[0].inputs[0]).toMatchObject({
      location: "s3://test-bucket/in",
      key: "s3/test-bucket/in",
    });
    const lineage = await tt(["lineage", "s3://test-bucket/recorded"], dir, catalog);
    expect(lineage.code).toBe(0);
    expect(lineage.stdout).toContain("s3/test-bucket/in");
  });

  it("a malformed s3:// location is a usage error naming it", async () => {
    const run = await tt(["info", "s3://Not_A_Bucket/in"], dir, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"s3://Not_A_Bucket/in" is not an S3 location');
    expect(run.stderr).toContain("'Not_A_Bucket' is not a bucket name");
  });
});
