/**
 * Writes the large test file of `large-file.slow.test.ts` with h5wasm's Node build (which writes
 * to the real file system), a block of chunks at a time: datasets /plain (chunked, uncompressed)
 * and /gzip (the same values, gzip level 1), both `rows` x `columns` float32 chunked in slabs of
 * `chunkRows` rows, element (r, c) = (r * columns + c) % 1000003.
 * Usage: `node write-large.mjs <path> <rows> <columns> <chunkRows>`.
 */

import h5wasm from "h5wasm/node";

const [path, rows, columns, chunkRows] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
await h5wasm.ready;
const file = new h5wasm.File(path, "w");
const block = new Float32Array(chunkRows * columns);
const fill = (row) => {
  for (let i = 0; i < block.length; i++) block[i] = (row * columns + i) % 1000003;
};
for (const [name, compression] of [
  ["plain", undefined],
  ["gzip", 1],
]) {
  fill(0);
  const dataset = file.create_dataset({
    name,
    data: block,
    shape: [chunkRows, columns],
    maxshape: [null, columns],
    chunks: [chunkRows, columns],
    ...(compression === undefined ? {} : { compression }),
  });
  for (let row = chunkRows; row < rows; row += chunkRows) {
    fill(row);
    dataset.resize([row + chunkRows, columns]);
    dataset.write_slice([[row, row + chunkRows]], block);
  }
}
file.close();
