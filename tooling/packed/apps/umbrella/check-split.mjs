// A user's Node ESM script on the installed `tensortools` and `@tt/engine-bullmq`: a small
// bundle written to a folder, PCA split over 3 partitions whose tasks the workers on the Redis
// server answer (split-worker.mjs), the same PCA written with decomposeTo (the workers write the
// instance table's parts into the result folder), and the same PCA in this process. The last
// line is a JSON report: the fits' singular values and first scores, and what the splits moved.
//
// node check-split.mjs <redis url> <output folder>

import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createBullmqEngine } from "@tt/engine-bullmq";
import {
  createTensor,
  decompose,
  decomposeTo,
  MetaTable,
  openDataset,
  openResult,
  writeDataset,
} from "tensortools";

const [connection, out] = process.argv.slice(2);
await rm(out, { recursive: true, force: true });

// 90 instances x 12 samples x 3 channels: three patterns of distinct strength (amplitudes
// around 3, 2 and 1) plus a little seeded noise, so the top three singular values are well apart.
const [n, t, c] = [90, 12, 3];
let state = 11;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32 - 0.5;
};
const data = new Float32Array(n * t * c);
for (let i = 0; i < n; i++) {
  const amplitudes = [3, 2, 1].map((scale) => scale * (1 + random()));
  for (let s = 0; s < t; s++)
    for (let k = 0; k < c; k++) {
      const patterns = [Math.sin(s / 2 + k), Math.cos(s / 3) * (k + 1), (s % 4) - k];
      const signal = patterns.reduce((sum, value, r) => sum + amplitudes[r] * value, 0);
      data[(i * t + s) * c + k] = signal + 0.05 * random();
    }
}
const ids = Array.from({ length: n }, (_, i) => `w${i}`);
const tensor = createTensor({
  data,
  shape: [n, t, c],
  axes: ["instance", "sample", "channel"],
  axisIndex: { instance: ids },
  axisMeta: { instance: MetaTable.fromRecords(ids.map((_, i) => ({ odd: i % 2 === 1 }))) },
});
await writeDataset(join(out, "waves"), tensor);
const view = await openDataset(join(out, "waves"));

const engine = createBullmqEngine({ connection });
const started = Date.now();
let split;
let manifest;
let splitMs;
try {
  split = await decompose(view, "pca", { rank: 3 }, { engine, partitions: 3 });
  splitMs = Date.now() - started;
  manifest = await decomposeTo(
    join(out, "pca-parts"),
    view,
    "pca",
    { rank: 3 },
    {
      engine,
      partitions: 3,
    },
  );
} finally {
  await engine.close();
}
const written = await openResult(join(out, "pca-parts"));
const one = await decompose(view, "pca", { rank: 3 });

const column = (result, table, name) => Array.from(result.factorTables[table].column(name).values);
const report = {
  singularValues: {
    one: column(one, "component", "singular_value"),
    split: column(split, "component", "singular_value"),
  },
  scores: { one: column(one, "instance", "score_1"), split: column(split, "instance", "score_1") },
  split: split.diagnostics.split,
  splitMs,
  written: {
    parts: manifest.files.factor_table_parts.instance,
    rounds: written.diagnostics.split.rounds,
    scores: column(written, "instance", "score_1"),
  },
};
console.log(`split PCA over ${report.split.partitions} partitions: ${report.split.rounds} rounds`);
console.log(JSON.stringify(report));
