/**
 * Query and view costs: a three-clause query over a 1,000,000-row table of 8 columns, 1000
 * random instances materialized from the headline bundle (42337 x 1793 x 3 float32), and views
 * chained 10 deep. Run: `npx -y pnpm@10 --filter @tt/query bench`.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { columnFromCells, columnFromValues, MetaTable } from "@tt/schema";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  uniform,
} from "../../../tooling/bench/headline.js";
import { compileQuery, createDataset } from "../src/index.js";

function best(runs: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const rows = 1_000_000;
const random = uniform(3);
const labels = ["target", "standard", "novel", "noise"];
const table = MetaTable.fromColumns({
  instance_id: columnFromCells(
    "string",
    Array.from({ length: rows }, (_, i) => `e${i}`),
  ),
  label: columnFromCells(
    "string",
    Array.from({ length: rows }, () => labels[Math.floor(random() * 4)]!),
  ),
  qc_pass: columnFromCells(
    "boolean",
    Array.from({ length: rows }, () => random() < 0.9),
  ),
  score: columnFromValues(
    "float64",
    Float64Array.from({ length: rows }, () => random()),
  ),
  group: columnFromCells(
    "string",
    Array.from({ length: rows }, (_, i) => `g${i % 200}`),
  ),
  n_events: columnFromValues(
    "int32",
    Int32Array.from({ length: rows }, () => Math.floor(random() * 50)),
  ),
  latency_ms: columnFromValues(
    "float32",
    Float32Array.from({ length: rows }, () => 300 * random()),
  ),
  rt_ms: columnFromCells(
    "float64",
    Array.from({ length: rows }, () => (random() < 0.2 ? null : 200 + 600 * random())),
  ),
});
const expression = "label == 'target' and qc_pass and score > 0.8";
const query = compileQuery(expression);
const selected = query.rows(table).length;
const ms = best(10, () => query.rows(table));
const parsing = best(10, () => compileQuery(expression).rows(table));
console.log(
  `query over ${rows} rows x 8 columns: ${ms.toFixed(1)} ms (${parsing.toFixed(1)} ms with parsing), ${selected} rows selected`,
);
const wider =
  "group in ['g1', 'g7', 'g42'] or (rt_ms.notnull() and latency_ms / 2 < 10 and not qc_pass)";
console.log(`query "${wider}": ${best(10, () => compileQuery(wider).rows(table)).toFixed(1)} ms`);

const root = mkdtempSync(join(tmpdir(), "tt-bench-query-"));
try {
  const { instances, samples, channels } = HEADLINE;
  const data = headlineSignal();
  const meta = headlineMeta();
  await writeDataset(join(root, "headline"), {
    axes: ["instance", "sample", "channel"],
    dtype: "float32",
    shape: [instances, samples, channels],
    blocks: [{ data, meta }],
  });
  const dataset = createDataset(await openStoredDataset(join(root, "headline")));
  const picks = Array.from({ length: 1000 }, () => Math.floor(random() * instances));
  const timings: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    await dataset.take("instance", picks).materialize();
    timings.push(performance.now() - start);
  }
  console.log(
    `materialize 1000 random instances: best ${Math.min(...timings).toFixed(0)} ms, first ${timings[0]!.toFixed(0)} ms`,
  );
  const chained = best(20, () => {
    let view = dataset.query("instance", "qc_pass");
    for (let depth = 1; depth < 10; depth++) view = view.slice("sample", 0, samples - depth);
    void view.shape;
  });
  const single = best(20, () => void dataset.query("instance", "qc_pass").shape);
  console.log(
    `views chained 10 deep: ${chained.toFixed(2)} ms (one query view: ${single.toFixed(2)} ms); no array data read`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
