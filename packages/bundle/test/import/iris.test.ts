import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/import/csv.js";
import { parseNpy } from "../../src/import/npy.js";

// The Iris dataset in bundle layout, copied into the repository (fixtures/iris/README.md).
const IRIS = resolve(import.meta.dirname, "../../../../fixtures/iris");

describe("the Iris dataset layout", () => {
  it("reads tensor.npy as float64 150 x 1 x 4 with Fisher's first flower", async () => {
    const { data, dtype, shape } = parseNpy(await readFile(join(IRIS, "tensor.npy")));
    expect(dtype).toBe("float64");
    expect(shape).toEqual([150, 1, 4]);
    // The well-known first row of Iris (setosa): sepal length, sepal width, petal length, petal width.
    expect(data.subarray(0, 4)).toEqual(new Float64Array([5.1, 3.5, 1.4, 0.2]));
  });

  it("matches the summary statistics published in iris_descr.rst", async () => {
    const { data } = parseNpy(await readFile(join(IRIS, "tensor.npy")));
    const values = data as Float64Array;
    // Published: min, max (exact, one decimal) and mean (two decimals; sklearn prints the sepal
    // width mean 3.057 as 3.05, so the stated tolerance is 0.01).
    const published = [
      [4.3, 7.9, 5.84],
      [2.0, 4.4, 3.05],
      [1.0, 6.9, 3.76],
      [0.1, 2.5, 1.2],
    ];
    published.forEach(([min, max, mean], feature) => {
      const column = Array.from({ length: 150 }, (_, flower) => values[flower * 4 + feature]!);
      expect(Math.min(...column)).toBe(min);
      expect(Math.max(...column)).toBe(max);
      expect(Math.abs(column.reduce((a, b) => a + b) / 150 - mean!)).toBeLessThan(0.01);
    });
  });

  it("reads the axis CSVs with sensible types", async () => {
    const flowers = parseCsv(await readFile(join(IRIS, "axis0_flowers.csv"), "utf8"));
    expect(flowers.numRows).toBe(150);
    expect(flowers.schema).toEqual([
      { name: "id", type: "string" },
      { name: "row_index", type: "int32" },
      { name: "target", type: "int32" },
      { name: "species", type: "string" },
    ]);
    expect(flowers.row(0)).toEqual({ id: "f000", row_index: 0, target: 0, species: "setosa" });
    expect(flowers.row(149)).toEqual({
      id: "f149",
      row_index: 149,
      target: 2,
      species: "virginica",
    });

    // axis1_sample.csv has CRLF line ends.
    const sample = parseCsv(await readFile(join(IRIS, "axis1_sample.csv"), "utf8"));
    expect(sample.toRecords()).toEqual([{ id: "measurement", index: 0 }]);

    const features = parseCsv(await readFile(join(IRIS, "axis2_features.csv"), "utf8"));
    expect(features.toRecords().map((r) => r.id)).toEqual([
      "sepal_length",
      "sepal_width",
      "petal_length",
      "petal_width",
    ]);
    expect(features.typedColumn("feature_index", "int32").values).toEqual(
      new Int32Array([0, 1, 2, 3]),
    );
  });
});
