// A user's Node ESM script on the installed `tensortools` and `@tt/arrow`: a PCA result written
// and reopened, its instance table and the joined view converted to Arrow and back, and to an
// IPC stream and back. The last line is a JSON report.
//
// node check-arrow.mjs <output folder>

import { rm } from "node:fs/promises";
import { join } from "node:path";
import { fromArrow, fromArrowIPC, toArrow, toArrowIPC } from "@tt/arrow";
import {
  createTensor,
  decompose,
  instanceTableOf,
  joinResult,
  MetaTable,
  openDataset,
  openResult,
  writeDataset,
  writeResult,
} from "tensortools";

const [out] = process.argv.slice(2);
await rm(out, { recursive: true, force: true });
const n = 40;
const tensor = createTensor({
  data: Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.41) + (i % 5)),
  shape: [n, 6],
  axes: ["instance", "feature"],
  axisIndex: { instance: Array.from({ length: n }, (_, i) => `e${i}`) },
  axisMeta: {
    instance: MetaTable.fromRecords(
      Array.from({ length: n }, (_, i) => ({
        label: i % 2 ? "target" : "standard",
        count: BigInt(i) * 10_000_000_000n,
        at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
        tags: i % 3 ? ["a"] : null,
      })),
    ),
  },
});
await writeDataset(join(out, "dataset"), tensor);
const dataset = await openDataset(join(out, "dataset"));
await writeResult(join(out, "pca"), await decompose(dataset, "pca", { rank: 2 }));
const result = await openResult(join(out, "pca"));

const scores = instanceTableOf(result);
const arrow = toArrow(scores);
const joined = joinResult(dataset, result).meta("instance");
const back = fromArrowIPC(toArrowIPC(joined));
const same = (a, b) =>
  JSON.stringify(a.toRecords(), (_, v) => (typeof v === "bigint" ? `${v}n` : v)) ===
  JSON.stringify(b.toRecords(), (_, v) => (typeof v === "bigint" ? `${v}n` : v));
console.log(
  JSON.stringify({
    arrowFields: arrow.schema.fields.map((field) => `${field.name}: ${field.type}`),
    rows: arrow.numRows,
    scoresRoundTrip: same(fromArrow(arrow), scores),
    zeroCopy: arrow.getChild("score_1").data[0].values === scores.column("score_1").values,
    joinedSchema: back.schema.map((field) => `${field.name}: ${field.type}`),
    joinedRoundTrip: same(back, joined),
    fileFormat: same(fromArrowIPC(toArrowIPC(joined, { format: "file" })), joined),
  }),
);
