import { readdirSync } from "node:fs";
import { createLocalEngine } from "@tt/distribute";
import { temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  decompose,
  decomposeTo,
  joinResult,
  openDataset,
  openResult,
  partitionHandler,
  reopenInput,
  type TensorDataset,
  writeResult,
} from "../src/index.js";

const dir = temporaryDirectory("tt-split-");
const handler = partitionHandler();
let dataset: TensorDataset;

beforeAll(async () => {
  await writeEegBundle(`${dir.path}/eeg`);
  dataset = await openDataset(`${dir.path}/eeg`);
});

afterAll(async () => {
  await handler.close();
  dir.cleanup();
});

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

describe("decompose with an engine", () => {
  it("a split PCA of a query is an ordinary result with the single-process numbers", async () => {
    const view = dataset.query("epoch", "epoch_index >= 3");
    const engine = createLocalEngine(handler.handle);
    const split = await decompose(view, "pca", { rank: 4 }, { engine, partitions: 3 });
    const one = await decompose(view, "pca", { rank: 4 });
    const sv = (r: typeof one) =>
      r.factorTables.component!.column("singular_value").values as Float64Array;
    expect(maxRelative(sv(one), sv(split))).toBeLessThan(1e-6);
    const scores = (r: typeof one) =>
      r.factorTables.instance!.column("score_1").values as Float64Array;
    expect(maxRelative(scores(one), scores(split))).toBeLessThan(1e-5);
    expect(split.diagnostics.split).toMatchObject({ engine: "in-process", partitions: 3 });
    // Written, reopened, traced back to its input and joined like any result.
    await writeResult(`${dir.path}/pca-split`, split);
    const reopened = await openResult(`${dir.path}/pca-split`);
    expect(reopened.inputRef).toEqual(one.inputRef);
    const input = await reopenInput(reopened);
    expect(input.shape).toEqual(view.shape);
    const joined = joinResult(dataset, reopened, { prefix: "pca_" });
    expect(joined.query("epoch", "pca_score_1 > 0").shape[0]).toBeGreaterThan(0);
  });

  it("a split PCA of a small view: auto picks krylov, as exact needs the data in one process", async () => {
    const view = dataset.slice("time", 0, 10);
    const engine = createLocalEngine(handler.handle);
    const split = await decompose(view, "pca", { rank: 3 }, { engine, partitions: 3 });
    const one = await decompose(view, "pca", { rank: 3 });
    expect([one.diagnostics.solver, split.diagnostics.solver]).toEqual(["exact", "krylov"]);
    const sv = (r: typeof one) =>
      r.factorTables.component!.column("singular_value").values as Float64Array;
    expect(maxRelative(sv(one), sv(split))).toBeLessThan(1e-6);
  });

  it("partitions without an engine, and a method that does not split, are ConfigErrors", async () => {
    await expect(decompose(dataset, "pca", { rank: 2 }, { partitions: 3 })).rejects.toThrow(
      ConfigError,
    );
    const engine = createLocalEngine(handler.handle);
    const kmeans = { ...(await import("../src/index.js")).pca, id: "kmeans-like" };
    await expect(decompose(dataset, kmeans, { rank: 2 }, { engine })).rejects.toThrow(
      /does not split/,
    );
  });
});

describe("decomposeTo with an engine", () => {
  it("the workers write the instance table in parts; the result opens with the single-process numbers", async () => {
    const view = dataset.query("epoch", "epoch_index >= 3");
    const engine = createLocalEngine(handler.handle);
    const out = `${dir.path}/pca-parts`;
    const manifest = await decomposeTo(out, view, "pca", { rank: 4 }, { engine, partitions: 3 });
    expect(manifest.schema_version).toBe("0.3.0");
    expect(manifest.files.factor_table_parts?.instance).toEqual([
      "factor_tables/instance/part-00000.parquet",
      "factor_tables/instance/part-00001.parquet",
      "factor_tables/instance/part-00002.parquet",
    ]);
    // Nothing of the write is left beside the result.
    expect(readdirSync(dir.path).filter((name) => name.includes("pca-parts"))).toEqual([
      "pca-parts",
    ]);
    const written = await openResult(out);
    const one = await decompose(view, "pca", { rank: 4 });
    const table = (r: typeof one) => r.factorTables.instance!;
    expect(table(written).columnNames).toEqual(table(one).columnNames);
    expect(table(written).column("instance_id").values).toEqual(
      table(one).column("instance_id").values,
    );
    for (const name of ["score_1", "score_4", "t2"])
      expect(
        maxRelative(
          table(one).column(name).values as Float64Array,
          table(written).column(name).values as Float64Array,
        ),
        name,
      ).toBeLessThan(1e-5);
    expect(written.inputRef).toEqual(one.inputRef);
    const joined = joinResult(dataset, written, { prefix: "pca_" });
    expect(joined.query("epoch", "pca_score_1 > 0").shape[0]).toBeGreaterThan(0);
  });

  it("without an engine it is decompose and writeResult; writeRowsTo needs an engine", async () => {
    const view = dataset.slice("time", 0, 10);
    const manifest = await decomposeTo(`${dir.path}/pca-one`, view, "pca", { rank: 2 });
    expect(manifest.schema_version).toBe("0.2.0");
    expect(manifest.files.factor_tables.instance).toBe("factor_tables/instance.parquet");
    const error = await decompose(view, "pca", { rank: 2 }, { writeRowsTo: dir.path }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe("writeRowsTo");
  });

  it("a worker writes no part into a directory that is gone, nor to an http(s) URL", async () => {
    const engine = createLocalEngine(handler.handle);
    const error = await decompose(
      dataset.slice("time", 0, 10),
      "pca",
      { rank: 2 },
      { engine, partitions: 2, writeRowsTo: `${dir.path}/no-such-result` },
    ).catch((e) => e);
    expect(error.message).toMatch(/no-such-result is not there/);
    expect(readdirSync(dir.path)).not.toContain("no-such-result");
    const http = await decompose(
      dataset.slice("time", 0, 10),
      "pca",
      { rank: 2 },
      { engine, partitions: 2, writeRowsTo: "http://127.0.0.1:9/result" },
    ).catch((e) => e);
    expect(http.message).toContain(
      "http://127.0.0.1:9/result: a worker writes a result's parts into a directory or an s3:// prefix",
    );
  });
});
