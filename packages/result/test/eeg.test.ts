/**
 * The whole path on real data: the EEGLAB epochs as a bundle on disk, a view with a metadata
 * query, PCA, the result written and reopened (from the directory and over HTTP), and the scores
 * joined back onto the epochs and queried next to their metadata.
 */

import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { openStoredDataset } from "@tt/bundle/fs";
import { pca } from "@tt/decompose-svd";
import { createDataset } from "@tt/query";
import { hashIds, hashManifest, isNullAt } from "@tt/schema";
import { serveDirectory, temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { openResult, writeResult } from "../src/fs.js";
import { joinResult, RESULT_KIND } from "../src/index.js";
import { expectSameResult, pcaResult } from "./helpers.js";

const QUERY = "rt_ms > 400";

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

describe("a PCA result of the EEGLAB epochs (80 x 384 x 32)", async () => {
  const dir = temporaryDirectory("tt-result-");
  afterAll(() => dir.cleanup());
  const bundle = join(dir.path, "eeg");
  await writeEegBundle(bundle);
  const dataset = createDataset(await openStoredDataset(bundle));
  const view = dataset.query("epoch", QUERY);
  const result = await pcaResult(view, 3);
  const resultPath = join(dir.path, "pca");
  const manifest = await writeResult(resultPath, result);

  it("records the input: dataset, manifest hash, selectors, instances and their ids", async () => {
    expect(view.shape).toEqual([42, 384, 32]);
    expect(result.inputRef).toEqual({
      dataset: { location: resolve(bundle), manifest_hash: await hashManifest(dataset.manifest) },
      selectors: [{ op: "query", axis: "epoch", expr: QUERY }],
      n_instances: 42,
      ids_hash: await hashIds(view.ids("epoch"), 42),
    });
    expect(result.attrs).toMatchObject({ seed: 0, duration_ms: 12.5 });
    expect(typeof result.attrs.created_at).toBe("string");
  });

  it("writes the spec's layout with a manifest naming every file", async () => {
    expect(manifest).toMatchObject({
      kind: RESULT_KIND,
      schema_version: "0.2.0",
      version: 1,
      previous: null,
      method: "pca",
      method_version: pca.version,
      config: result.config,
      input_ref: result.inputRef,
      seed: 0,
      attrs: { duration_ms: 12.5 },
      instance: { axis: "epoch", id_column: "id" },
    });
    expect(manifest.files.factor_tables).toEqual({
      instance: "factor_tables/instance.parquet",
      component: "factor_tables/component.parquet",
    });
    expect(Object.keys(manifest.files.component_tensors)).toEqual(["components", "center"]);
    expect(manifest.files.component_tensors.components).toMatchObject({
      array: "components/components.zarr",
      axis_index: {
        component: { form: "int32" },
        time: { form: "list" },
        channel: { form: "list" },
      },
    });
    const files = await listFiles(resultPath);
    // The inventory lists every file but the manifest, with its exact length.
    expect(Object.keys(manifest.inventory!).sort()).toEqual(
      files.filter((f) => f !== "manifest.json"),
    );
    for (const [file, { bytes }] of Object.entries(manifest.inventory!))
      expect((await readFile(join(resultPath, file))).length, file).toBe(bytes);
    expect(files).toContain("manifest.json");
    expect(files).toContain("diagnostics.json");
    expect(files).toContain("factor_tables/instance.parquet");
    expect(files).toContain("factor_tables/component.parquet");
    expect(files).toContain("components/components.zarr/zarr.json");
    expect(files).toContain("components/center.zarr/zarr.json");
    const zarr = JSON.parse(
      await readFile(join(resultPath, "components/components.zarr/zarr.json"), "utf8"),
    );
    expect(zarr.zarr_format).toBe(3);
    expect(zarr.dimension_names).toEqual(["component", "time", "channel"]);
  });

  it("reopens from the directory equal to what was written, floats bit for bit", async () => {
    expectSameResult(await openResult(resultPath), result);
  });

  it("reopens over HTTP, fetching only the files the manifest names", async () => {
    const server = await serveDirectory(dir.path);
    try {
      expectSameResult(await openResult(`${server.url}pca/`), result);
      const named = [
        "manifest.json",
        "diagnostics.json",
        ...Object.values(manifest.files.factor_tables),
        ...Object.values(manifest.files.component_tensors).flatMap((files) => [
          ...Object.values(files.axis_meta).filter((path) => path !== null),
          ...Object.values(files.axis_index).map(({ path }) => path),
        ]),
      ].map((path) => `/pca/${path}`);
      expect(server.requests).toContain("GET /pca/manifest.json");
      const arrays = Object.values(manifest.files.component_tensors).map((f) => `/pca/${f.array}/`);
      for (const request of server.requests) {
        const path = request.split(" ")[1]!;
        const allowed = named.includes(path) || arrays.some((prefix) => path.startsWith(prefix));
        expect(allowed, `unexpected request ${request}`).toBe(true);
      }
    } finally {
      await server.close();
    }
  });

  it("joins onto the dataset: a query mixing scores and metadata picks what the numbers say", async () => {
    const joined = joinResult(dataset, result);
    // Scores computed here from the raw data, the stored center and the stored components.
    const tensor = await view.materialize();
    const data = tensor.data as Float32Array;
    const center = result.componentTensors.center!.data as Float64Array;
    const component = result.componentTensors.components!.data as Float64Array;
    const p = center.length;
    const scores = Array.from({ length: 42 }, (_, i) => {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += (data[i * p + j]! - center[j]!) * component[j]!;
      return sum;
    });
    const table = result.factorTables.instance!.column("score_1").values as Float64Array;
    const scale = Math.max(...scores.map(Math.abs));
    scores.forEach((score, i) => {
      expect(Math.abs(score - table[i]!)).toBeLessThanOrEqual(1e-9 * scale);
    });
    const sorted = [...scores].sort((a, b) => a - b);
    const threshold = (sorted[20]! + sorted[21]!) / 2;
    const ids = view.ids("epoch") as string[];
    const position = view.meta("epoch").column("lock_position");
    const expected = ids.filter(
      (_, i) => scores[i]! > threshold && Number(position.values[i]) === 2,
    );
    expect(expected.length).toBeGreaterThan(3);
    const picked = joined.query("epoch", `score_1 > ${threshold} and lock_position == 2`);
    expect(Array.from(picked.ids("epoch")!).sort()).toEqual([...expected].sort());
  });

  it("gives the instances outside the view null scores", () => {
    const joined = joinResult(dataset, result);
    const meta = joined.meta("epoch");
    expect(meta.columnNames).toEqual([
      ...dataset.meta("epoch").columnNames,
      "score_1",
      "score_2",
      "score_3",
      "recon_error",
      "t2",
      "q",
      "outlier_score",
    ]);
    const inView = new Set(view.ids("epoch") as string[]);
    const ids = joined.ids("epoch") as string[];
    const score = meta.column("score_2");
    ids.forEach((id, row) => {
      expect(isNullAt(score, row), `epoch ${id}`).toBe(!inView.has(id));
    });
    expect(joined.query("epoch", "score_1.isnull()").shape[0]).toBe(80 - 42);
    expect(joined.getInstance(ids[0]!)?.meta).toHaveProperty("recon_error");
  });

  it("joins onto a view: the same selection, with the scores attached", () => {
    const joined = joinResult(view.slice("time", 0, 10), result, { prefix: "pca_" });
    expect(joined.shape).toEqual([42, 10, 32]);
    expect(joined.ids("epoch")).toEqual(view.ids("epoch"));
    expect(joined.meta("epoch").column("pca_score_1").values).toEqual(
      result.factorTables.instance!.column("score_1").values,
    );
  });
});
