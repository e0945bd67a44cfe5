/**
 * Writes a random compressed sparse matrix for the memory test and bench of sparse reads, with
 * h5wasm's Node build (which writes to the real file system), a slice of rows at a time, so that
 * writing never holds the matrix: group /X as anndata writes a csr_matrix (`encoding-type`,
 * `shape` attribute), data float32, indices int32, indptr int64, members chunked in 64 Ki
 * entries. Row r holds about `fill` x `columns` entries at distinct ascending columns, drawn
 * from a generator seeded by `seed`; values are 0.5..50 in steps of 0.5. Prints one line of
 * JSON: rows, columns, nnz and the file's size.
 * Usage: `node write-sparse.mjs <path> <rows> <columns> <fill> [seed]`.
 */

import { statSync } from "node:fs";
import h5wasm from "h5wasm/node";

const [path, rows, columns, fill, seed] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
  Number(process.argv[6] ?? 1),
];
const CHUNK = 1 << 16;
const ROWS_PER_SLICE = 1000;

let state = seed >>> 0 || 1;
const next = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return (state + 0.5) / 2 ** 32;
};
/** Columns of a row: geometric gaps, so each column is present with probability `fill`. */
function rowEntries(indices, data) {
  const logSkip = Math.log(1 - fill);
  let n = 0;
  for (let column = Math.floor(Math.log(next()) / logSkip); column < columns; ) {
    indices[n] = column;
    data[n++] = (1 + Math.floor(next() * 100)) / 2;
    column += 1 + Math.floor(Math.log(next()) / logSkip);
  }
  return n;
}

await h5wasm.ready;
const file = new h5wasm.File(path, "w");
const group = file.create_group("X");
group.create_attribute("encoding-type", "csr_matrix");
group.create_attribute("encoding-version", "0.1.0");
group.create_attribute("shape", BigInt64Array.of(BigInt(rows), BigInt(columns)));
const grow = (name, dtype) =>
  group.create_dataset({ name, data: [], shape: [0], maxshape: [null], chunks: [CHUNK], dtype });
const data = grow("data", "<f");
const indices = grow("indices", "<i");
const indptr = grow("indptr", "<q");

const capacity = Math.ceil(ROWS_PER_SLICE * columns * Math.min(1, fill * 2 + 0.01)) + columns;
const sliceData = new Float32Array(capacity);
const sliceIndices = new Int32Array(capacity);
let nnz = 0;
const pointers = [0n];
for (let row0 = 0; row0 < rows; row0 += ROWS_PER_SLICE) {
  let filled = 0;
  for (let r = row0; r < Math.min(rows, row0 + ROWS_PER_SLICE); r++) {
    filled += rowEntries(sliceIndices.subarray(filled), sliceData.subarray(filled));
    pointers.push(BigInt(nnz + filled));
  }
  if (filled > 0) {
    for (const [dataset, values] of [
      [data, sliceData],
      [indices, sliceIndices],
    ]) {
      dataset.resize([nnz + filled]);
      dataset.write_slice([[nnz, nnz + filled]], values.subarray(0, filled));
    }
  }
  nnz += filled;
}
indptr.resize([rows + 1]);
indptr.write_slice([[0, rows + 1]], BigInt64Array.from(pointers));
file.close();
console.log(JSON.stringify({ rows, columns, nnz, bytes: statSync(path).size }));
