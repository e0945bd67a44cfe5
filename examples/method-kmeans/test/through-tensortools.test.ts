/**
 * The plugin design end to end: a user registers kmeans into the default registry and runs it
 * through decompose, writeResult, openResult and joinResult exactly like the built-in methods.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createDefaultRegistry,
  createTensor,
  decompose,
  isTensorToolsError,
  joinResult,
  openDataset,
  openResult,
  readCsvFile,
  readNpyFile,
  reopenInput,
  writeDataset,
  writeResult,
} from "tensortools";
import { afterAll, describe, expect, it } from "vitest";
import { kmeans } from "../src/index.js";

const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

describe("kmeans through tensortools on an Iris bundle", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-kmeans-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
  await writeDataset(
    join(dir, "iris"),
    createTensor({
      data,
      shape,
      axes: ["instance", "sample", "feature"],
      axisMeta: {
        instance: await readCsvFile(fixture("iris/axis0_flowers.csv")),
        feature: await readCsvFile(fixture("iris/axis2_features.csv")),
      },
    }),
    { axisIndexColumns: { instance: "id", feature: "id" } },
  );
  const dataset = await openDataset(join(dir, "iris"));
  const registry = createDefaultRegistry().register(kmeans);
  const result = await decompose(dataset, "kmeans", { k: 3 }, { registry, seed: 1 });

  it("is found by id only in the registry it was registered into", async () => {
    expect(registry.ids("method")).toEqual(["cp", "ica", "kmeans", "nmf", "pca", "svd", "tucker"]);
    const error = await decompose(dataset, "kmeans", { k: 3 }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "not-found")).toBe(true);
    expect((error as Error).message).toBe(
      "unknown method 'kmeans'; registered: cp, ica, nmf, pca, svd, tucker",
    );
  });

  it("gives a result like the built-ins: complete config, attrs, ids, scikit-learn's optimum", () => {
    expect(result.method).toBe("kmeans");
    expect(result.methodVersion).toBe(kmeans.version);
    expect(result.config).toEqual({ k: 3, n_init: 10, max_iter: 300, tol: 1e-4, seed: null });
    expect(result.attrs.seed).toBe(1);
    expect(result.inputRef.n_instances).toBe(150);
    const inertia = result.diagnostics.inertia as number;
    expect(Math.abs(inertia - 78.85144142614601) / 78.85144142614601).toBeLessThanOrEqual(1e-6);
    expect(
      Array.from(result.factorTables.instance!.column("instance_id").values as string[]),
    ).toEqual(Array.from(dataset.ids("instance")!));
  });

  it("rejects a bad config with the ConfigError naming the field", async () => {
    const error = await decompose(dataset, "kmeans", { k: -2 }, { registry }).catch((e) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("k");
  });

  it("writes and reads back as a result bundle", async () => {
    await writeResult(join(dir, "iris-kmeans"), result);
    const again = await openResult(join(dir, "iris-kmeans"));
    expect(again.method).toBe("kmeans");
    expect(again.config).toEqual(result.config);
    expect(again.diagnostics).toEqual(result.diagnostics);
    expect(again.attrs).toEqual(result.attrs);
    for (const name of ["instance", "component"])
      expect(again.factorTables[name]!.toRecords()).toEqual(result.factorTables[name]!.toRecords());
    const centroids = again.componentTensors.centroids!;
    expect(centroids.axes).toEqual(["component", "sample", "feature"]);
    expect(Array.from(centroids.data as Float64Array)).toEqual(
      Array.from(result.componentTensors.centroids!.data as Float64Array),
    );
    expect(Array.from((await reopenInput(again)).ids("instance")!)).toEqual(
      Array.from(dataset.ids("instance")!),
    );
  });

  it("joins back so that clusters and species are queried together", () => {
    const joined = joinResult(dataset, result, { prefix: "km_" });
    const setosa = joined.query("instance", "km_cluster == 1");
    expect(setosa.shape[0]).toBe(50);
    expect(joined.query("instance", "km_cluster == 1 and species != 'setosa'").shape[0]).toBe(0);
    const sizes = [1, 2, 3].map((c) => joined.query("instance", `km_cluster == ${c}`).shape[0]);
    expect(sizes).toEqual([50, 62, 38]);
  });

  it("gives the identical result for the same seed", async () => {
    const again = await decompose(dataset, "kmeans", { k: 3 }, { registry, seed: 1 });
    expect(again.diagnostics).toEqual(result.diagnostics);
    expect(again.factorTables.instance!.toRecords()).toEqual(
      result.factorTables.instance!.toRecords(),
    );
  });
});
