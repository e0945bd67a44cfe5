import { readFileSync } from "node:fs";
import { type AxisSelection, allocate, gather } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Sparse } from "../src/index.js";
import { expectedSparse, numbers, sparseFixture, transposed } from "./sparse-helpers.js";

// Each matrix of the fixtures (10X, anndata CSR/CSC, a non-canonical CSR with unsorted and
// repeated indices) read back against scipy.sparse's toarray(), stored and transposed, whole and
// by selections on either axis, by path and from bytes.
const SELECTIONS: [string, (shape: number[]) => AxisSelection[]][] = [
  ["everything", () => [null, null]],
  ["a range of rows", (s) => [{ start: 1, stop: Math.min(s[0]!, 4) }, null]],
  ["rows in any order with repeats", (s) => [[s[0]! - 1, 0, 2, 2], null]],
  ["columns only", (s) => [null, [s[1]! - 1, 1, 1]]],
  ["rows and columns", (s) => [[3, 1], { start: 1, stop: s[1]! - 1 }]],
  ["nothing", () => [{ start: 2, stop: 2 }, null]],
];

describe.each(expectedSparse.matrices)("$file:$group ($compressed)", (matrix) => {
  const path = sparseFixture(matrix.file);
  const [rows, columns] = matrix.shape;
  const layout = { compressed: matrix.compressed };

  it("reads as scipy.sparse's toarray(), with its shape, dtype and layout", async () => {
    const array = await openHdf5Sparse(path, matrix.group, layout);
    expect(array.metadata).toMatchObject({ shape: matrix.shape, dtype: matrix.dtype });
    expect(array.sparse).toMatchObject({
      name: `${path}:${matrix.group}`,
      compressed: matrix.compressed,
      storedShape: matrix.shape,
      transposed: false,
      compressedAxis: matrix.compressed === "rows" ? 0 : 1,
      nnz: matrix.nnz,
      indexDType: matrix.indices_dtype,
      pointerDType: matrix.indptr_dtype,
    });
    expect(numbers(await array.read([null, null]))).toEqual(matrix.values);
    array.close();
  });

  it.each(SELECTIONS)("reads %s as the same selection of the dense matrix", async (_, pick) => {
    const array = await openHdf5Sparse(path, matrix.group, layout);
    const dense = Float64Array.from(matrix.values);
    for (const transpose of [false, true]) {
      const shape = transpose ? [columns, rows] : [rows, columns];
      const values = transpose ? Float64Array.from(transposed(dense, rows, columns)) : dense;
      const view = transpose
        ? await openHdf5Sparse(path, matrix.group, { ...layout, transpose })
        : array;
      const selection = pick(shape);
      expect(numbers(await view.read(selection)), `transpose ${transpose}`).toEqual([
        ...gather(values, shape, selection),
      ]);
      view.close();
    }
  });

  it("reads into a buffer at an offset, zeroing what it covers and nothing else", async () => {
    const array = await openHdf5Sparse(path, matrix.group, { ...layout, transpose: true });
    const size = rows * columns;
    const target = allocate(matrix.dtype, size + 3) as Float64Array;
    target.fill(9);
    await array.readInto!([null, null], target, 2);
    expect(numbers(target)).toEqual([9, 9, ...transposed(matrix.values, rows, columns), 9]);
    array.close();
  });

  it("opens the file's bytes as well as its path", async () => {
    const array = await openHdf5Sparse(readFileSync(path), matrix.group, layout);
    expect(numbers(await array.read([]))).toEqual(matrix.values);
    array.close();
  });
});

describe("a 10X matrix (genes x cells, compressed by columns)", () => {
  it("reports cells first with transpose: true, and reading cells reads only theirs", async () => {
    const tenx = expectedSparse.matrices.find((m) => m.file === "tenx.h5")!;
    const cells = await openHdf5Sparse(sparseFixture("tenx.h5"), "/matrix", {
      compressed: "columns",
      transpose: true,
      dimensionNames: ["cell", "gene"],
    });
    expect(cells.metadata).toMatchObject({
      shape: [11, 8],
      dimensionNames: ["cell", "gene"],
      codec: "csr",
    });
    expect(cells.sparse).toMatchObject({ transposed: true, compressedAxis: 0 });
    const byCell = transposed(tenx.values, 8, 11);
    expect(numbers(await cells.read([[5], null]))).toEqual(new Array(8).fill(0));
    expect(numbers(await cells.read([[10, 0], null]))).toEqual([
      ...byCell.slice(80, 88),
      ...byCell.slice(0, 8),
    ]);
    cells.close();
  });
});
