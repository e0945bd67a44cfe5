/**
 * The done-when, end to end: PCA of an Iris bundle, its scores clustered by hclust
 * through the joined view and by the k-means example, each compared with the species by the
 * adjusted Rand index (printed); hclust's labels join back onto the flowers by id.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toMatrix } from "@tt/mljs";
import {
  createDefaultRegistry,
  createTensor,
  type DecompositionResult,
  decompose,
  joinResult,
  openDataset,
  openResult,
  writeDataset,
  writeResult,
} from "tensortools";
import { kmeans } from "tensortools-example-kmeans";
import { afterAll, describe, expect, it } from "vitest";
import { hclust } from "../src/index.js";
import { adjustedRandIndex } from "./adjusted-rand.js";
import { irisTensor } from "./iris.js";

/**
 * scipy: linkage(scores, "ward") of numpy's two PCA scores of Iris, fcluster(..., 3,
 * "maxclust"), renumbered by first appearance; its ARI against the species is 0.744526430873875.
 */
const SCIPY_WARD_LABELS =
  "11111111111111111111111111111111111111111111111111" +
  "22222222222222222222222222232222222222222222222222" +
  "32333323333332233332323233223333323333233323332332";

const clusters = (result: DecompositionResult) =>
  Array.from(result.factorTables.instance!.column("cluster").values as Int32Array);

describe("clustering the Iris PCA scores: hclust (ml-hclust) against the k-means example", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-hclust-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  await writeDataset(join(dir, "iris"), await irisTensor(), {
    axisIndexColumns: { instance: "id", feature: "id" },
  });
  const dataset = await openDataset(join(dir, "iris"));
  const species = dataset.meta("instance").column("species").values as string[];
  const registry = createDefaultRegistry().register(kmeans).register(hclust);
  const pca = await decompose(dataset, "pca", { rank: 2 });
  const joined = joinResult(dataset, pca, { prefix: "pca_" });
  const columns = ["pca_score_1", "pca_score_2"];
  const result = await decompose(joined, "hclust", { k: 3, columns }, { registry });

  // The k-means example takes a view's values: the same scores as a 150 x 2 tensor.
  const scores = toMatrix(pca, ["score_1", "score_2"]);
  const scoreTensor = createTensor({
    data: Float64Array.from(scores.to1DArray()),
    shape: [scores.rows, scores.columns],
    axes: ["instance", "score"],
    axisIndex: { instance: dataset.ids("instance")! },
  });
  const kmeansScores = await decompose(scoreTensor, "kmeans", { k: 3 }, { registry, seed: 1 });
  const kmeansValues = await decompose(dataset, "kmeans", { k: 3 }, { registry, seed: 1 });

  const ari = {
    hclust: adjustedRandIndex(clusters(result), species),
    kmeansScores: adjustedRandIndex(clusters(kmeansScores), species),
    kmeansValues: adjustedRandIndex(clusters(kmeansValues), species),
  };
  console.log(
    `adjusted Rand index against the species (Iris, k = 3): hclust ward2 on PCA scores ${ari.hclust}; ` +
      `k-means example on PCA scores ${ari.kmeansScores}, on the four features ${ari.kmeansValues}`,
  );

  it("matches the species at least as well as the k-means example", () => {
    expect(ari.hclust).toBeGreaterThanOrEqual(ari.kmeansScores);
    expect(ari.hclust).toBeGreaterThanOrEqual(ari.kmeansValues);
  });

  it("gives scipy's Ward partition of numpy's PCA scores, and the k-means ARIs of scipy's optimum", () => {
    expect(clusters(result).join("")).toBe(SCIPY_WARD_LABELS);
    expect(ari.hclust).toBeCloseTo(0.744526430873875, 12);
    // scipy.cluster.vq.kmeans2, best of 20 k-means++ starts (inertia 63.8199 on the scores).
    expect(ari.kmeansScores).toBeCloseTo(0.7163421126838475, 12);
    expect(ari.kmeansValues).toBeCloseTo(0.7302382722834697, 12);
  });

  it("clusters the same whether given the scores as joined columns or as a tensor's values", async () => {
    const fromValues = await decompose(scoreTensor, "hclust", { k: 3 }, { registry });
    expect(clusters(fromValues)).toEqual(clusters(result));
  });

  it("records a result like the built-ins and joins back onto the flowers by id", async () => {
    expect(result.method).toBe("hclust");
    expect(result.config).toEqual({ k: 3, linkage: "ward2", columns });
    await writeResult(join(dir, "iris-hclust"), result);
    const again = await openResult(join(dir, "iris-hclust"));
    const back = joinResult(dataset, again, { prefix: "hc_" });
    expect(back.query("instance", "hc_cluster == 1").shape[0]).toBe(50);
    expect(back.query("instance", "hc_cluster == 1 and species != 'setosa'").shape[0]).toBe(0);
    const sizes = [1, 2, 3].map((c) => back.query("instance", `hc_cluster == ${c}`).shape[0]);
    expect(sizes).toEqual([50, 63, 37]);
  });
});
