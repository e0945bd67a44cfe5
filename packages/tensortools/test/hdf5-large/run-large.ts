/**
 * One step of `hdf5-large.slow.test.ts`, in its own Node process so that its time and peak
 * resident memory are its own; prints one line of JSON. Steps:
 * - `meta <values.json> <meta.parquet>`: the instance table (ids, a group, the planted a and b,
 *   a QC flag) as a Parquet file;
 * - `link <file.h5> <meta.parquet> <bundle>` / `copy ...`: `importHdf5` linked / copied to Zarr;
 * - `use <bundle> <result>`: open, query through the Parquet metadata, PCA streamed, the result
 *   written and joined back by instance id.
 * Usage: `node --import tsx --conditions=@tt/source run-large.ts <step> ...`.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { writeParquet } from "@tt/meta-parquet";
import { columnFromCells, columnFromValues, MetaTable } from "@tt/schema";
import {
  decompose,
  importHdf5,
  joinResult,
  openDataset,
  openResult,
  readParquetFile,
  writeResult,
} from "../../src/index.js";

/** Peak resident memory of this process so far, in MB (Linux's VmHWM). */
function peakMb(): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(kb![1]) / 1024;
}

const AXES = ["epoch", "sample", "channel"];
const [step, ...args] = process.argv.slice(2) as [string, ...string[]];
const loaded = peakMb();
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work();
  return [value, Math.round(performance.now() - started)];
};

async function meta(values: string, out: string) {
  const { a, b } = JSON.parse(readFileSync(values, "utf8")) as { a: number[]; b: number[] };
  const ids = a.map((_, i) => `ep${String(i).padStart(6, "0")}`);
  const table = MetaTable.fromColumns({
    epoch_id: columnFromCells("string", ids),
    group: columnFromCells(
      "string",
      ids.map((_, i) => `g${i % 5}`),
    ),
    planted_a: columnFromValues("float64", Float64Array.from(a)),
    planted_b: columnFromValues("float64", Float64Array.from(b)),
    qc_pass: columnFromCells(
      "boolean",
      ids.map((_, i) => i % 10 !== 0),
    ),
  });
  writeFileSync(out, await writeParquet(table));
  const count = a.filter((value, i) => i % 5 === 3 && value > 2 && i % 10 !== 0).length;
  return { rows: a.length, expectedCount: count };
}

async function importStep(link: boolean, file: string, metaPath: string, bundle: string) {
  const epochs = await readParquetFile(metaPath);
  const withMeta = peakMb();
  const [, ms] = await timed(() =>
    importHdf5(bundle, file, {
      dataset: "/recordings/epochs",
      axes: AXES,
      axisMeta: { epoch: epochs },
      axisIndexColumns: { epoch: "epoch_id" },
      link,
    }),
  );
  return { ms, loaded, withMeta, peak: peakMb() };
}

/** |cos| of the angle between `x` and `y`. */
function cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += x[i]! * y[i]!;
    xx += x[i]! * x[i]!;
    yy += y[i]! * y[i]!;
  }
  return Math.abs(xy) / Math.sqrt(xx * yy);
}

async function use(bundle: string, out: string) {
  const [dataset, openMs] = await timed(() => openDataset(bundle));
  const opened = peakMb();
  const [picked, queryMs] = await timed(async () =>
    dataset.query("epoch", "group == 'g3' and planted_a > 2 and qc_pass"),
  );
  const view = dataset.query("epoch", "qc_pass");
  const config = { rank: 2, memory_budget: 64 * 2 ** 20 };
  const [result, pcaMs] = await timed(() => decompose(view, "pca", config, { seed: 1 }));
  const fitted = peakMb();
  await writeResult(out, result);
  const joined = joinResult(dataset, await openResult(out), { prefix: "pca_" });
  const rows = joined.query("epoch", "qc_pass").meta("epoch");
  const column = (name: string) => Array.from(rows.column(name).values as Float64Array);
  const features = dataset.shape[1]! * dataset.shape[2]!;
  const u = Array.from({ length: features }, (_, f) => Math.sin((6 * Math.PI * f) / features));
  const v = Array.from({ length: features }, (_, f) => Math.cos((10 * Math.PI * f) / features));
  const components = result.componentTensors.components!.data as Float64Array;
  const instance = result.factorTables.instance!;
  const firstId = instance.get(0, "instance_id") as string;
  return {
    shape: dataset.shape,
    openMs,
    queryMs,
    count: picked.shape[0],
    pcaMs,
    inMemory: result.diagnostics.in_memory,
    ratios: result.diagnostics.explained_variance_ratio,
    cosU: cosine(components.subarray(0, features), u),
    cosV: cosine(components.subarray(features, 2 * features), v),
    corrA: cosine(column("pca_score_1"), column("planted_a")),
    corrB: cosine(column("pca_score_2"), column("planted_b")),
    joinedFirst: [firstId, joined.filter("epoch", [firstId]).meta("epoch").get(0, "pca_score_1")],
    resultFirst: [firstId, instance.get(0, "score_1")],
    loaded,
    opened,
    fitted,
  };
}

const report =
  step === "meta"
    ? await meta(args[0]!, args[1]!)
    : step === "use"
      ? await use(args[0]!, args[1]!)
      : await importStep(step === "link", args[0]!, args[1]!, args[2]!);
console.log(JSON.stringify(report));
