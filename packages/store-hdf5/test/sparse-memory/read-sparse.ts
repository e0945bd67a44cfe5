/**
 * Streams every row of the matrix /X of a file written by write-sparse.mjs (as stored, or
 * transposed so that rows are the uncompressed axis) in blocks of `blockRows` dense rows into one
 * buffer, twice, and prints one line of JSON: seconds per pass (best of two), stored entries per
 * second, dense bytes per second and the peak RSS (VmHWM, MB) after opening and after reading.
 * Usage: `node --import tsx --conditions=@tt/source read-sparse.ts <path> <rows|transposed> <blockRows>`.
 */

import { readFileSync } from "node:fs";
import { openHdf5Sparse } from "../../src/index.js";

function peakMb(): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(kb![1]) / 2 ** 10;
}

const [path, layout, blockRowsArgument] = process.argv.slice(2) as [string, string, string];
const matrix = await openHdf5Sparse(path, "/X", {
  compressed: "rows",
  transpose: layout === "transposed",
});
const opened = peakMb();
const [n, p] = matrix.metadata.shape as [number, number];
const blockRows = Number(blockRowsArgument);
const block = new Float32Array(blockRows * p);
const passes: number[] = [];
for (let pass = 0; pass < 2; pass++) {
  const started = performance.now();
  for (let start = 0; start < n; start += blockRows) {
    const stop = Math.min(n, start + blockRows);
    await matrix.readInto!([{ start, stop }, null], block, 0);
  }
  passes.push((performance.now() - started) / 1000);
}
const seconds = Math.min(...passes);
matrix.close();
console.log(
  JSON.stringify({
    shape: [n, p],
    layout,
    blockRows,
    nnz: matrix.sparse.nnz,
    seconds,
    entriesPerSecond: matrix.sparse.nnz / seconds,
    denseBytesPerSecond: (n * p * 4) / seconds,
    opened,
    read: peakMb(),
  }),
);
