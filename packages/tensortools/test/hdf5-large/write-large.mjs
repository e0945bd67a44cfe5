/**
 * Writes the HDF5 file of `hdf5-large.slow.test.ts` with h5wasm's Node build (which writes to the
 * real file system) a chunk at a time: `/recordings/epochs`, `rows` x `samples` x `channels`
 * float32 chunked in slabs of 500 rows, holding two planted components and unit noise:
 * x[i, f] = a_i u_f + b_i v_f + e_if with a_i ~ N(0, 3^2), b_i ~ N(0, 2^2), e ~ N(0, 1),
 * u_f = sqrt(2) sin(6 pi f / P), v_f = sqrt(2) cos(10 pi f / P) over the P = samples x channels
 * features (f in C order). Prints a_i and b_i as JSON arrays on stdout (one line).
 * Usage: `node write-large.mjs <path> <rows> <samples> <channels> <seed>`.
 */

import h5wasm from "h5wasm/node";

const [path, rows, samples, channels, seed] = [
  process.argv[2],
  ...process.argv.slice(3, 7).map(Number),
];
const features = samples * channels;
const CHUNK = 500;

/** xorshift32 uniforms, and normals from them by Box-Muller. */
let state = seed >>> 0 || 1;
const uniform = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return ((state >>> 0) + 0.5) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());

const u = Float64Array.from(
  { length: features },
  (_, f) => Math.SQRT2 * Math.sin((6 * Math.PI * f) / features),
);
const v = Float64Array.from(
  { length: features },
  (_, f) => Math.SQRT2 * Math.cos((10 * Math.PI * f) / features),
);
const a = new Float64Array(rows);
const b = new Float64Array(rows);
const block = new Float32Array(CHUNK * features);
const fill = (start) => {
  for (let r = 0; r < CHUNK; r++) {
    const i = start + r;
    a[i] = 3 * normal();
    b[i] = 2 * normal();
    for (let f = 0; f < features; f++)
      block[r * features + f] = a[i] * u[f] + b[i] * v[f] + normal();
  }
};

await h5wasm.ready;
const file = new h5wasm.File(path, "w");
file.create_group("recordings");
fill(0);
const dataset = file.get("recordings").create_dataset({
  name: "epochs",
  data: block,
  shape: [CHUNK, samples, channels],
  maxshape: [null, samples, channels],
  chunks: [CHUNK, samples, channels],
});
for (let start = CHUNK; start < rows; start += CHUNK) {
  fill(start);
  dataset.resize([start + CHUNK, samples, channels]);
  dataset.write_slice([[start, start + CHUNK]], block);
}
file.close();
console.log(JSON.stringify({ a: Array.from(a), b: Array.from(b) }));
