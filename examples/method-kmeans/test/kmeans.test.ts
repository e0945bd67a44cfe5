/**
 * The kmeans method on its own: scikit-learn's Iris optimum, reproducibility, empty clusters,
 * config and data errors, aborts, and the @tt/schema conformance kit.
 */

import { fileURLToPath } from "node:url";
import { createTensor, type FitContext, isTensorToolsError, type MethodOutput } from "@tt/schema";
import { testMethod, viewFromTensor } from "@tt/schema/testing";
import { readCsvFile, readNpyFile } from "tensortools";
import { describe, expect, it } from "vitest";
import { KMEANS_DEFAULTS, kmeans, validateKmeansConfig } from "../src/index.js";

const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

function context(seed = 0, signal?: AbortSignal, onProgress: FitContext["onProgress"] = () => {}) {
  return { seed, signal, onProgress };
}

const { data: irisData, shape: irisShape } = await readNpyFile(fixture("iris/tensor.npy"));
const iris = createTensor({
  data: irisData,
  shape: irisShape,
  axes: ["instance", "sample", "feature"],
  axisMeta: {
    instance: await readCsvFile(fixture("iris/axis0_flowers.csv")),
    feature: await readCsvFile(fixture("iris/axis2_features.csv")),
  },
});
const irisView = () => viewFromTensor(iris, { instance: "id", feature: "id" });

async function fitIris(config: object, seed = 0): Promise<MethodOutput> {
  return kmeans.fit(irisView(), kmeans.validate(config), context(seed));
}

function close(actual: number, expected: number, rtol: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    rtol * Math.abs(expected),
  );
}

describe("kmeans on Iris (150 x 4), k = 3", () => {
  it("reaches scikit-learn's optimum inertia 78.85144142614601 with clusters of 50, 62, 38", async () => {
    const output = await fitIris({ k: 3 });
    const d = output.diagnostics as { inertia: number; converged: boolean; n_init: number };
    close(d.inertia, 78.85144142614601, 1e-6);
    expect(d.converged).toBe(true);
    expect(d.n_init).toBe(10);
    const sizes = output.factorTables.component!.column("size").values as Int32Array;
    expect([...sizes].sort((a, b) => a - b)).toEqual([38, 50, 62]);
    // Numbered by first appearance: setosa (f000) is cluster 1.
    expect([...sizes]).toEqual([50, 62, 38]);
  });

  it("has scikit-learn's centroids, with the feature axis metadata", async () => {
    const centroids = (await fitIris({ k: 3 })).componentTensors.centroids!;
    expect(centroids.axes).toEqual(["component", "sample", "feature"]);
    expect(centroids.shape).toEqual([3, 1, 4]);
    expect(Array.from(centroids.axisIndex.component!)).toEqual([1, 2, 3]);
    expect(centroids.axisIndex.feature).toEqual([
      "sepal_length",
      "sepal_width",
      "petal_length",
      "petal_width",
    ]);
    expect(centroids.axisMeta.feature!.column("units").values).toEqual(["cm", "cm", "cm", "cm"]);
    const expected = [
      [5.006, 3.428, 1.462, 0.246],
      [5.9016129032, 2.7483870968, 4.3935483871, 1.4338709677],
      [6.85, 3.0736842105, 5.7421052632, 2.0710526316],
    ].flat();
    Array.from(centroids.data as Float64Array).forEach((value, i) => {
      expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(1e-9);
    });
  });

  it("keys the instance table by the view's ids, with cluster and distance", async () => {
    const table = (await fitIris({ k: 3 })).factorTables.instance!;
    expect(table.columnNames).toEqual(["instance_id", "cluster", "distance"]);
    expect(Array.from(table.column("instance_id").values as string[])).toEqual(
      Array.from(iris.axisMeta.instance!.column("id").values as string[]),
    );
    // All setosa flowers form cluster 1; distances from numpy for the first three flowers.
    const species = iris.axisMeta.instance!.column("species").values as string[];
    const cluster = table.column("cluster").values as Int32Array;
    species.forEach((name, i) => {
      expect(cluster[i] === 1).toBe(name === "setosa");
    });
    const distance = table.column("distance").values as Float64Array;
    [0.1413506279, 0.4476382468, 0.4171090984].forEach((d, i) => {
      expect(Math.abs(distance[i]! - d)).toBeLessThanOrEqual(1e-9);
    });
  });

  it("gives identical results for the same seed, and the same partition for another", async () => {
    const a = await fitIris({ k: 3, n_init: 3 }, 5);
    const b = await fitIris({ k: 3, n_init: 3 }, 5);
    expect(a.diagnostics).toEqual(b.diagnostics);
    expect(a.factorTables.instance!.toRecords()).toEqual(b.factorTables.instance!.toRecords());
    expect(Array.from(a.componentTensors.centroids!.data as Float64Array)).toEqual(
      Array.from(b.componentTensors.centroids!.data as Float64Array),
    );
    const other = await fitIris({ k: 3, seed: 123 }, 5);
    expect((other.diagnostics as { seed: number }).seed).toBe(123);
    expect(other.factorTables.instance!.column("cluster").values).toEqual(
      (await fitIris({ k: 3 }, 9)).factorTables.instance!.column("cluster").values,
    );
  });

  it("keeps the best of the starts", async () => {
    const d = (await fitIris({ k: 3, n_init: 10 }, 0)).diagnostics as {
      inertia: number;
      init_inertias: number[];
    };
    expect(d.init_inertias).toHaveLength(10);
    expect(d.inertia).toBe(Math.min(...d.init_inertias));
  });
});

describe("kmeans edge cases", () => {
  const tensorOf = (rows: number[][]) =>
    createTensor({
      data: Float64Array.from(rows.flat()),
      shape: [rows.length, rows[0]!.length],
      axes: ["instance", "feature"],
      axisIndex: { instance: rows.map((_, i) => `r${i}`) },
    });

  it("finishes with fewer distinct clusters than k when the rows are identical", async () => {
    // As scikit-learn: ties go to the first centroid, so the second cluster ends up empty.
    const view = viewFromTensor(
      tensorOf([
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    );
    const output = await kmeans.fit(view, kmeans.validate({ k: 2, n_init: 1 }), context());
    expect(Array.from(output.factorTables.component!.column("size").values as Int32Array)).toEqual([
      5, 0,
    ]);
    expect((output.diagnostics as { inertia: number }).inertia).toBe(0);
  });

  it("separates two obvious groups with k = 2 and one start", async () => {
    const view = viewFromTensor(
      tensorOf([
        [0, 0],
        [0, 1],
        [10, 10],
        [10, 11],
        [1, 0],
      ]),
    );
    const output = await kmeans.fit(view, kmeans.validate({ k: 2, n_init: 1 }), context(3));
    expect(
      Array.from(output.factorTables.instance!.column("cluster").values as Int32Array),
    ).toEqual([1, 1, 2, 2, 1]);
    close((output.diagnostics as { inertia: number }).inertia, 2 / 3 + 2 / 3 + 0.5, 1e-12);
  });

  it("rejects missing values with a data error naming the first ids", async () => {
    const view = viewFromTensor(
      tensorOf([
        [0, 0],
        [Number.NaN, 1],
        [10, 10],
      ]),
    );
    const error = await kmeans.fit(view, kmeans.validate({ k: 2 }), context()).catch((e) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("1 instance(s) have missing values");
    expect(error.message).toContain("r1");
  });

  it("rejects more clusters than instances with a config error on k", async () => {
    const view = viewFromTensor(
      tensorOf([
        [0, 0],
        [1, 1],
      ]),
    );
    const error = await kmeans.fit(view, kmeans.validate({ k: 3 }), context()).catch((e) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("k");
  });

  it("rejects with the signal's reason when aborted during the fit", async () => {
    // 4000 x 50 random rows, k = 20: long enough that the abort lands mid-fit.
    let state = 1;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return (state / 2147483647) * 10;
    };
    const rows = Array.from({ length: 4000 }, () => Array.from({ length: 50 }, random));
    const controller = new AbortController();
    const reason = new Error("stop");
    const phases: string[] = [];
    const fit = kmeans.fit(
      viewFromTensor(tensorOf(rows)),
      kmeans.validate({ k: 20, n_init: 5 }),
      context(0, controller.signal, (progress) => {
        phases.push(progress.phase);
        controller.abort(reason);
      }),
    );
    await expect(fit).rejects.toBe(reason);
    expect(phases).not.toContain("fit");
  });

  it("lets an abort from outside arrive between starts", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i % 7, (i * 3) % 11, i % 5]);
    const controller = new AbortController();
    const reason = new Error("stop from a timer");
    let starts = 0;
    const fit = kmeans.fit(
      viewFromTensor(tensorOf(rows)),
      kmeans.validate({ k: 4, n_init: 5 }),
      context(0, controller.signal, (progress) => {
        if (progress.phase !== "fit") return;
        starts++;
        // Not an abort from inside the callback: it arrives only if the fit yields.
        setTimeout(() => controller.abort(reason), 0);
      }),
    );
    await expect(fit).rejects.toBe(reason);
    expect(starts).toBe(1);
  });
});

describe("kmeans config", () => {
  it("fills in the defaults", () => {
    expect(validateKmeansConfig({ k: 3 })).toEqual({ ...KMEANS_DEFAULTS, k: 3 });
    expect(validateKmeansConfig(undefined)).toEqual(KMEANS_DEFAULTS);
  });

  it.each([
    [{ k: 0 }, "k", "must be a positive integer, got 0"],
    [{ k: 2.5 }, "k", "must be a positive integer, got 2.5"],
    [{ n_init: "10" }, "n_init", 'must be a positive integer, got "10"'],
    [{ max_iter: -1 }, "max_iter", "must be a positive integer, got -1"],
    [{ tol: -1e-4 }, "tol", "must be a finite number >= 0, got -0.0001"],
    [{ tol: null }, "tol", "must be a finite number >= 0, got null"],
    [{ seed: 1.5 }, "seed", "must be null or a non-negative integer, got 1.5"],
    [{ clusters: 3 }, "clusters", "is not a kmeans option; the options are k, n_init"],
    [[3], "(config)", "must be an object"],
  ])("rejects %j with a config error on '%s'", (config, field, message) => {
    let error: unknown;
    try {
      validateKmeansConfig(config);
    } catch (caught) {
      error = caught;
    }
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe(field);
    expect((error as Error).message).toContain(message);
  });
});

describe("the @tt/schema conformance kit", () => {
  const cases = testMethod(kmeans, [
    { name: "Iris", tensor: iris, axisIndexColumns: { instance: "id" }, config: { k: 3 } },
  ]);
  for (const c of cases) it(c.name, c.run);
});
