import { pca } from "@tt/decompose-svd";
import { createDataset, datasetFromTensor } from "@tt/query";
import { createTensor, MetaTable, type MethodOutput, type ReadableView } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Sparse, storedDatasetOf } from "../src/index.js";
import {
  groupOf,
  hdf5Bytes,
  randomSparse,
  type SparseParts,
  transposed,
} from "./sparse-helpers.js";

// A streamed PCA (memory_budget far below the dense matrix) of a sparse matrix read from an HDF5
// file equals the PCA of its dense copy under the same config, to float32 rounding: stored by
// rows (reads of instances touch only their entries), by columns (each block scans the entries),
// and 10X-style (genes x cells by columns, transposed so that cells are the instances).
const CELLS = 2500;
const GENES = 120;
const AXES = ["cell", "gene"];
const CONFIG = { rank: 5, center: { over: ["cell"] }, memory_budget: 150_000 };

async function fitPca(view: ReadableView): Promise<MethodOutput> {
  return pca.fit(view, pca.validate(CONFIG), { seed: 0, signal: undefined, onProgress() {} });
}

function column(out: MethodOutput, table: string, name: string): number[] {
  return Array.from(out.factorTables[table]!.column(name).values as ArrayLike<number>);
}

/** Asserts |a - b| <= tol · max|b| over each list. */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
) {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i]! - expected[i]!), `${what}[${i}]`).toBeLessThanOrEqual(tol * scale);
}

function expectSameFit(sparse: MethodOutput, dense: MethodOutput, tol: number): void {
  expect(sparse.diagnostics.in_memory).toBe(false);
  expect(dense.diagnostics.in_memory).toBe(false);
  const diagnostics = (out: MethodOutput) => out.diagnostics as Record<string, number[]>;
  for (const key of ["singular_values", "explained_variance", "explained_variance_ratio"])
    expectClose(diagnostics(sparse)[key]!, diagnostics(dense)[key]!, tol, key);
  for (let k = 1; k <= CONFIG.rank; k++)
    expectClose(
      column(sparse, "instance", `score_${k}`),
      column(dense, "instance", `score_${k}`),
      tol,
      `score_${k}`,
    );
  expectClose(
    sparse.componentTensors.components!.data as Float64Array,
    dense.componentTensors.components!.data as Float64Array,
    tol,
    "components",
  );
}

/** A cells x genes matrix with a few strong programmes (so the spectrum decays) and noise. */
function cellsByGenes(compressed: "rows" | "columns", dtype: "float32" | "int32"): SparseParts {
  return randomSparse({ shape: [CELLS, GENES], compressed, fill: 0.05, seed: 11, dtype });
}

describe("a streamed PCA of a sparse matrix equals the PCA of its dense copy", () => {
  it.each([
    ["rows", "float32"],
    ["columns", "float32"],
    ["rows", "int32"],
  ] as const)("stored compressed by %s, %s data", async (compressed, dtype) => {
    const parts = cellsByGenes(compressed, dtype);
    const matrix = await openHdf5Sparse(await hdf5Bytes([groupOf("/X", parts)]), "/X", {
      compressed,
      dimensionNames: AXES,
    });
    const data =
      dtype === "float32" ? Float32Array.from(parts.dense) : Int32Array.from(parts.dense);
    const dense = datasetFromTensor(createTensor({ data, shape: [CELLS, GENES], axes: AXES }));
    const sparse = createDataset(storedDatasetOf(matrix));
    expectSameFit(await fitPca(sparse), await fitPca(dense), 1e-5);
    matrix.close();
  });

  it("10X-style: genes x cells by columns, transposed so that cells come first", async () => {
    const byCells = cellsByGenes("rows", "int32");
    // The same entries seen as a genes x cells matrix compressed by columns (one indptr per cell).
    const genesByCells: SparseParts = {
      ...byCells,
      shape: [GENES, CELLS],
      compressed: "columns",
      dense: Float64Array.from(transposed(byCells.dense, CELLS, GENES)),
    };
    const matrix = await openHdf5Sparse(
      await hdf5Bytes([groupOf("/matrix", genesByCells, false)]),
      "/matrix",
      {
        compressed: "columns",
        transpose: true,
        dimensionNames: AXES,
      },
    );
    expect(matrix.sparse.compressedAxis).toBe(0);
    const data = Int32Array.from(byCells.dense);
    const dense = datasetFromTensor(createTensor({ data, shape: [CELLS, GENES], axes: AXES }));
    expectSameFit(await fitPca(createDataset(storedDatasetOf(matrix))), await fitPca(dense), 1e-5);
    matrix.close();
  });

  it("on a view that selects cells by their metadata", async () => {
    const parts = cellsByGenes("rows", "float32");
    const matrix = await openHdf5Sparse(await hdf5Bytes([groupOf("/X", parts)]), "/X", {
      compressed: "rows",
      dimensionNames: AXES,
    });
    const batch = Array.from({ length: CELLS }, (_, i) => (i % 3 === 0 ? "a" : "b"));
    const axisMeta = { cell: MetaTable.fromRecords(batch.map((b) => ({ batch: b }))) };
    const sparse = createDataset(storedDatasetOf(matrix, { axisMeta })).query(
      "cell",
      "batch == 'b'",
    );
    const tensor = createTensor({
      data: Float32Array.from(parts.dense),
      shape: [CELLS, GENES],
      axes: AXES,
      axisMeta,
    });
    const dense = datasetFromTensor(tensor).query("cell", "batch == 'b'");
    expect(sparse.shape).toEqual(dense.shape);
    const out = await fitPca(sparse);
    expect(column(out, "instance", "instance_id")).toEqual(
      column(await fitPca(dense), "instance", "instance_id"),
    );
    expectSameFit(out, await fitPca(dense), 1e-5);
    matrix.close();
  });
});
