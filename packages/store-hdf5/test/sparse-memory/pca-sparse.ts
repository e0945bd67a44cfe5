/**
 * One measurement of the sparse memory test and bench, in its own Node process so that its peak
 * resident memory is its own: opens the matrix /X of a file written by write-sparse.mjs (as
 * stored, or transposed so that instances are the uncompressed axis), runs a streamed PCA under
 * `memory_budget` and prints one line of JSON: the shape, nnz and the bytes of its members, the
 * dense size, the block the fit streamed, and the peak RSS (VmHWM, MB) after loading, after
 * opening and after the fit, with the fit's seconds.
 * Usage: `node --import tsx --conditions=@tt/source pca-sparse.ts <path> <rows|transposed> <budget> <rank>`.
 */

import { readFileSync } from "node:fs";
import { pca } from "@tt/decompose-svd";
import { createDataset } from "@tt/query";
import { bytesPerElement } from "@tt/schema";
import { openHdf5Sparse, storedDatasetOf } from "../../src/index.js";

/** Peak resident memory of this process so far, in MB (Linux's VmHWM). */
function peakMb(): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(kb![1]) / 2 ** 10;
}

const [path, layout, budget, rank] = process.argv.slice(2) as [string, string, string, string];
const loaded = peakMb();
const matrix = await openHdf5Sparse(path, "/X", {
  compressed: "rows",
  transpose: layout === "transposed",
  dimensionNames: ["instance", "feature"],
});
const opened = peakMb();
const [n, p] = matrix.metadata.shape as [number, number];
const { nnz, storedShape, indexDType, pointerDType } = matrix.sparse;
const nnzBytes =
  nnz * (bytesPerElement(matrix.metadata.dtype) + bytesPerElement(indexDType)) +
  (storedShape[0] + 1) * bytesPerElement(pointerDType);
const config = {
  rank: Number(rank),
  center: { over: ["instance"] },
  memory_budget: Number(budget),
};
const view = createDataset(storedDatasetOf(matrix));
const started = performance.now();
const out = await pca.fit(view, pca.validate(config), {
  seed: 0,
  signal: undefined,
  onProgress() {},
});
const seconds = (performance.now() - started) / 1000;
const fitted = peakMb();
const diagnostics = out.diagnostics as Record<string, unknown>;
const blockRows = diagnostics.block_rows as number;
matrix.close();
console.log(
  JSON.stringify({
    shape: [n, p],
    layout,
    compressedAxis: matrix.sparse.compressedAxis,
    nnz,
    nnzMb: nnzBytes / 2 ** 20,
    denseMb: (n * p * 4) / 2 ** 20,
    budgetMb: Number(budget) / 2 ** 20,
    inMemory: diagnostics.in_memory,
    blockRows,
    blockMb: (blockRows * p * 4) / 2 ** 20,
    solver: diagnostics.solver,
    loaded,
    opened,
    fitted,
    seconds,
    ratio: diagnostics.explained_variance_ratio as number[],
  }),
);
