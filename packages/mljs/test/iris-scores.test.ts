/**
 * toMatrix on real scores: the PCA of Iris through `decompose`, read from the result and from
 * the joined view, against numpy's SVD of the centred data (up to the sign of each component).
 */

import { fileURLToPath } from "node:url";
import { createTensor, decompose, joinResult, readCsvFile, readNpyFile } from "tensortools";
import { describe, expect, it } from "vitest";
import { fromMatrix, readMatrix, toMatrix } from "../src/index.js";

const fixture = (path: string) =>
  fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

const { data, shape } = await readNpyFile(fixture("iris/tensor.npy"));
const flowers = await readCsvFile(fixture("iris/axis0_flowers.csv"));
const iris = createTensor({
  data,
  shape,
  axes: ["instance", "sample", "feature"],
  axisMeta: { instance: flowers },
  axisIndex: { instance: flowers.column("id").values as string[] },
});
const pca = await decompose(iris, "pca", { rank: 2 });

/** numpy: U * S of the centred Iris, rows 0, 50 and 100, and the squared singular values. */
const NUMPY_ROWS = [
  [-2.6841256259695383, -0.3193972465851019],
  [1.2848256888583507, -0.685160470467308],
  [2.5311927278036275, 0.009849109498802364],
];
const NUMPY_SQUARES = [630.0080141991948, 36.15794144136637];

describe("toMatrix on the Iris PCA scores", () => {
  it("reads the result's scores as numpy's, up to sign (1e-9)", () => {
    const scores = toMatrix(pca, ["score_1", "score_2"]);
    expect([scores.rows, scores.columns]).toEqual([150, 2]);
    for (let j = 0; j < 2; j++) {
      const column = scores.getColumn(j);
      const sign = Math.sign(column[0]!) * Math.sign(NUMPY_ROWS[0]![j]!);
      [0, 50, 100].forEach((row, r) => {
        expect(Math.abs(sign * column[row]! - NUMPY_ROWS[r]![j]!)).toBeLessThanOrEqual(1e-9);
      });
      const squares = column.reduce((sum, value) => sum + value * value, 0);
      expect(Math.abs(squares - NUMPY_SQUARES[j]!) / NUMPY_SQUARES[j]!).toBeLessThanOrEqual(1e-12);
    }
  });

  it("reads the same scores from the joined view, in the view's order after a query", () => {
    const joined = joinResult(iris, pca, { prefix: "pca_" });
    const all = toMatrix(joined, ["pca_score_1", "pca_score_2"]);
    expect(all.to2DArray()).toEqual(toMatrix(pca, ["score_1", "score_2"]).to2DArray());
    const virginica = toMatrix(joined.query("instance", "species == 'virginica'"), ["pca_score_1"]);
    expect(virginica.to1DArray()).toEqual(all.getColumn(0).slice(100));
  });

  it("reads the values of the flattened view, and writes a table that joins back", async () => {
    const values = await readMatrix(joinResult(iris, pca), { flatten: true });
    expect(values.getRow(0)).toEqual([5.1, 3.5, 1.4, 0.2]);
    const centred = values.clone().center("column");
    const table = fromMatrix(centred, {
      ids: iris.axisIndex.instance!,
      columns: ["c1", "c2", "c3", "c4"],
    });
    const joined = joinResult(iris, { ...pca, factorTables: { instance: table } });
    expect(joined.query("instance", "c3 > 2.5").shape[0]).toBe(
      centred.getColumn(2).filter((value) => value > 2.5).length,
    );
  });
});
