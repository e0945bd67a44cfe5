/**
 * The hclust method on its own: scipy's linkages on Iris, small cases, config and data errors,
 * aborts, and the @tt/schema conformance kit.
 */

import { createTensor, type FitContext, isTensorToolsError, type MethodOutput } from "@tt/schema";
import { testMethod, viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { HCLUST_DEFAULTS, hclust, validateHclustConfig } from "../src/index.js";
import { adjustedRandIndex } from "./adjusted-rand.js";
import { irisTensor } from "./iris.js";

function context(signal?: AbortSignal, onProgress: FitContext["onProgress"] = () => {}) {
  return { seed: 0, signal, onProgress };
}

const iris = await irisTensor();
const irisView = () => viewFromTensor(iris, { instance: "id", feature: "id" });
const species = iris.axisMeta.instance!.column("species").values as string[];

async function fitIris(config: object): Promise<MethodOutput> {
  return hclust.fit(irisView(), hclust.validate(config), context());
}

const clusterOf = (output: MethodOutput) =>
  Array.from(output.factorTables.instance!.column("cluster").values as Int32Array);

const sizesOf = (output: MethodOutput) =>
  Array.from(output.factorTables.component!.column("size").values as Int32Array);

describe("hclust on Iris (150 x 1 x 4), k = 3, against scipy.cluster.hierarchy", () => {
  it.each([
    // scipy's linkage(X, method) cut by fcluster(..., 3, "maxclust"); ARI against the species.
    ["ward2", "ward", 0.7311985567707745, [50, 64, 36]],
    ["average", "average", 0.7591987071071522, [50, 64, 36]],
    ["complete", "complete", 0.64225125183629, [50, 72, 28]],
  ])("linkage %s gives scipy's '%s' partition (ARI %d)", async (linkage, _scipy, ari, sizes) => {
    const output = await fitIris({ k: 3, linkage });
    expect(adjustedRandIndex(clusterOf(output), species)).toBeCloseTo(ari as number, 12);
    expect(sizesOf(output)).toEqual(sizes);
  });

  it("keys the instance table by the view's ids, clusters numbered by first appearance", async () => {
    const output = await fitIris({ k: 3 });
    const table = output.factorTables.instance!;
    expect(table.schema).toEqual([
      { name: "instance_id", type: "string" },
      { name: "cluster", type: "int32" },
    ]);
    expect(Array.from(table.column("instance_id").values as string[])).toEqual(
      Array.from(iris.axisMeta.instance!.column("id").values as string[]),
    );
    expect(clusterOf(output)[0]).toBe(1);
    const d = output.diagnostics as { linkage: string; input: string; cut_heights: number[] };
    expect(d.linkage).toBe("ward2");
    expect(d.input).toBe("values");
    expect(d.cut_heights).toHaveLength(2);
    expect(d.cut_heights[0]!).toBeGreaterThan(d.cut_heights[1]!);
  });

  it("clusters first-axis metadata columns when asked", async () => {
    const output = await fitIris({ k: 2, columns: ["target"] });
    expect(clusterOf(output)).toEqual(Array.from({ length: 150 }, (_, i) => (i < 50 ? 1 : 2)));
    expect((output.diagnostics as { input: string }).input).toBe("columns");
  });
});

describe("hclust edge cases", () => {
  const tensorOf = (rows: number[][], mask?: Uint8Array) =>
    createTensor({
      data: Float64Array.from(rows.flat()),
      shape: [rows.length, rows[0]!.length],
      axes: ["instance", "feature"],
      axisIndex: { instance: rows.map((_, i) => `r${i}`) },
      ...(mask ? { mask } : {}),
    });

  it("separates two obvious groups", async () => {
    const view = viewFromTensor(
      tensorOf([
        [0, 0],
        [0, 1],
        [10, 10],
        [10, 11],
        [1, 0],
      ]),
    );
    const output = await hclust.fit(view, hclust.validate({ k: 2 }), context());
    expect(clusterOf(output)).toEqual([1, 1, 2, 2, 1]);
    expect(sizesOf(output)).toEqual([3, 2]);
  });

  it("rejects NaN values with a data error naming the first ids", async () => {
    const view = viewFromTensor(
      tensorOf([
        [0, 0],
        [Number.NaN, 1],
        [10, 10],
      ]),
    );
    const error = await hclust.fit(view, hclust.validate({ k: 2 }), context()).catch((e) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("instances have NaN values, first: r1");
  });

  it("rejects masked values with @tt/mljs's data error naming row and id", async () => {
    const view = viewFromTensor(tensorOf([[0], [1], [2]], Uint8Array.from([1, 0, 1])));
    const error = await hclust.fit(view, hclust.validate({ k: 2 }), context()).catch((e) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("view row 1 (id r1) column 0: is masked");
  });

  it("rejects a non-numeric column with @tt/mljs's data error", async () => {
    const config = hclust.validate({ k: 2, columns: ["species"] });
    const error = await hclust.fit(irisView(), config, context()).catch((e) => e);
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toContain("column 'species': is string, not numeric");
  });

  it("rejects more clusters than instances with a config error on k", async () => {
    const view = viewFromTensor(tensorOf([[0], [1]]));
    const error = await hclust.fit(view, hclust.validate({ k: 3 }), context()).catch((e) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(error.field).toBe("k");
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    const fit = hclust.fit(irisView(), hclust.validate({ k: 3 }), context(controller.signal));
    await expect(fit).rejects.toBe(reason);
  });
});

describe("hclust config", () => {
  it("fills in the defaults", () => {
    expect(validateHclustConfig({ k: 4 })).toEqual({ ...HCLUST_DEFAULTS, k: 4 });
    expect(validateHclustConfig(undefined)).toEqual(HCLUST_DEFAULTS);
  });

  it.each([
    [{ k: 0 }, "k", "must be a positive integer, got 0"],
    [{ k: "3" }, "k", 'must be a positive integer, got "3"'],
    [{ linkage: "ward.D2" }, "linkage", "must be one of ward2, ward, complete"],
    [{ columns: [] }, "columns", "must be null or a non-empty list of column names"],
    [{ columns: "score_1" }, "columns", "must be null or a non-empty list of column names"],
    [{ clusters: 3 }, "clusters", "is not an hclust option; the options are k, linkage, columns"],
    [[3], "(config)", "must be an object"],
  ])("rejects %j with a config error on '%s'", (config, field, message) => {
    let error: unknown;
    try {
      validateHclustConfig(config);
    } catch (caught) {
      error = caught;
    }
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as { field: string }).field).toBe(field);
    expect((error as Error).message).toContain(message);
  });
});

describe("the @tt/schema conformance kit", () => {
  const cases = testMethod(hclust, [
    { name: "Iris", tensor: iris, axisIndexColumns: { instance: "id" }, config: { k: 3 } },
    {
      name: "Iris, a metadata column",
      tensor: iris,
      axisIndexColumns: { instance: "id" },
      config: { k: 2, columns: ["row_index"], linkage: "average" },
    },
  ]);
  for (const c of cases) it(c.name, c.run);
});
