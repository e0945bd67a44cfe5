/**
 * Real datasets: Iris against scikit-learn's published PCA figures, and the EEGLAB epochs through
 * the whole path (bundle on disk, view with a metadata query, PCA) against numpy.
 */

import { join } from "node:path";
import { openStoredDataset, readCsvFile, readNpyFile } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import { createTensor } from "@tt/schema";
import { fixture, temporaryDirectory, writeEegBundle } from "@tt/test-fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { pca } from "../src/index.js";
import { context, expectClose, goldenCases } from "./helpers.js";

const golden = goldenCases();

describe("Iris (150 x 1 x 4)", async () => {
  const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
  const instance = await readCsvFile(fixture("iris/axis0_flowers.csv"));
  const feature = await readCsvFile(fixture("iris/axis2_features.csv"));
  const dataset = createTensor({
    data,
    shape,
    axes: ["instance", "sample", "feature"],
    axisMeta: { instance, feature },
  });
  const { viewFromTensor } = await import("@tt/schema/testing");
  const view = viewFromTensor(dataset, { instance: "id", feature: "id" });

  it.each(["exact", "gram", "randomized"])(
    "PCA with the %s solver prints scikit-learn's figures",
    async (solver) => {
      const output = await pca.fit(view, pca.validate({ rank: 2, solver }), context());
      const d = output.diagnostics as { explained_variance_ratio: number[] };
      // As scikit-learn prints them: [0.92461872 0.05306648].
      expect(d.explained_variance_ratio.map((r) => Number(r.toFixed(8)))).toEqual([
        0.92461872, 0.05306648,
      ]);
      const components = output.componentTensors.components!;
      expect(components.axes).toEqual(["component", "sample", "feature"]);
      expect(components.axisIndex.feature).toEqual([
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
      ]);
      expectClose(
        Array.from(components.data.subarray(0, 4) as Float64Array),
        [0.36138659, -0.08452251, 0.85667061, 0.3582892],
        0,
        5e-9,
        "components_[0]",
      );
      const first = output.factorTables.instance!.row(0);
      expect(first.instance_id).toBe("f000");
      expectClose(
        [first.score_1 as number, first.score_2 as number],
        [-2.68412563, 0.31939725],
        0,
        5e-9,
        "first projected row",
      );
    },
  );
});

describe("EEGLAB epochs (80 x 384 x 32) through bundle, query and PCA", async () => {
  const c = golden.get("eeg")!;
  const e = c.expected as typeof c.expected & { components_head: number[]; scores_head: number[] };
  const selection = (c as unknown as { selection: { query: string; ids: string[] } }).selection;
  const dir = temporaryDirectory("tt-svd-eeg-");
  afterAll(() => dir.cleanup());
  await writeEegBundle(join(dir.path, "eeg"));
  const dataset = createDataset(await openStoredDataset(join(dir.path, "eeg")));
  const view = dataset.query("epoch", selection.query);

  it("selects the epochs numpy selects", () => {
    expect(Array.from(view.ids("epoch")!)).toEqual(selection.ids);
  });

  it.each([
    ["exact", 2e-6],
    ["randomized", 1e-3],
  ] as const)("PCA (%s) equals numpy on the selection", async (solver, rtol) => {
    // The EEG spectrum is flat (ratios 0.044 and 0.038 at 4 and 5): more power iterations than auto's 4.
    const extra = solver === "randomized" ? { power_iterations: 7 } : {};
    const output = await pca.fit(view, pca.validate({ rank: 5, solver, ...extra }), context());
    const d = output.diagnostics as {
      singular_values: number[];
      explained_variance_ratio: number[];
      total_variance: number;
    };
    expectClose(d.singular_values, e.singular_values.slice(0, 5), rtol, 0, "singular values");
    expectClose(d.explained_variance_ratio, e.explained_variance_ratio, rtol, 0, "ratio");
    expectClose([d.total_variance], [e.total_variance], 1e-6, 0, "total variance");
    const components = output.componentTensors.components!;
    expect(components.shape).toEqual([5, 384, 32]);
    // Randomized: components 4 and 5 are nearly tied (ratios 0.044, 0.038), so their vectors are
    // compared only with the exact solver.
    const compared = solver === "exact" ? 5 : 3;
    const head = Array.from({ length: compared }, (_, r) =>
      Array.from(components.data.subarray(r * 12288, r * 12288 + 20) as Float64Array),
    ).flat();
    expectClose(
      head,
      e.components_head.slice(0, compared * 20),
      0,
      solver === "exact" ? 1e-5 : 2e-3,
      "components head",
    );
    const table = output.factorTables.instance!;
    expect(Array.from(table.column("instance_id").values as string[])).toEqual(selection.ids);
    const scores = [0, 1, 2].flatMap((i) =>
      [1, 2, 3, 4, 5].slice(0, compared).map((c) => table.get(i, `score_${c}`) as number),
    );
    const expectedScores = [0, 1, 2].flatMap((i) => e.scores_head.slice(i * 5, i * 5 + compared));
    const scale = Math.max(...e.scores_head.map(Math.abs));
    expectClose(
      scores,
      expectedScores,
      0,
      (solver === "exact" ? 1e-5 : 2e-3) * scale,
      "scores head",
    );
  });
});
