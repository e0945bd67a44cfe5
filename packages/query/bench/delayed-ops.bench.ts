/**
 * The streaming read of a transformed view against a plain read of the same data: the headline
 * bundle (TT_BENCH_INSTANCES x 1793 x 3 float32; 20000 instances, 430 MB, unless set), read block
 * by block with readRowsInto (the decompositions' read) and with blocks(). The transform is a
 * baseline (the mean of samples 0..200 subtracted per instance and channel) and a division by a
 * vector along the sample axis. TT_BENCH_CODEC writes the bundle compressed (zstd, gzip, blosc)
 * instead of uncompressed. Runs alternate (plain, transformed, ...) so load falls on both;
 * best and median of each are printed with their ratio (goal: at most 1.2).
 *
 * Run: `npx -y pnpm@10 --filter @tt/query bench` (TT_BENCH_QUIET=1 waits for a quiet machine).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TensorView } from "@tt/schema";

process.env.TT_BENCH_INSTANCES ??= "20000";
const { HEADLINE, headlineMeta, headlineSignal } = await import(
  "../../../tooling/bench/headline.js"
);
const { bestAndMedian, machineLoadLine, printTable, waitForQuiet } = await import(
  "../../../tooling/bench/reference.js"
);
const { openStoredDataset, writeDataset } = await import("@tt/bundle/fs");
const { createDataset } = await import("../src/index.js");

const RUNS = Number(process.env.TT_BENCH_RUNS ?? 7);
const CODEC = process.env.TT_BENCH_CODEC ?? "none";
/** Rows per read: 2048 instances, 44 MB of float32, about a streamed decomposition's block. */
const BLOCK_ROWS = 2048;

/** Reads every row of `view` into reused buffers, `inFlight` blocks at a time; milliseconds. */
async function readRows(view: TensorView, inFlight: number): Promise<number> {
  const n = view.shape[0]!;
  const slab = view.shape[1]! * view.shape[2]!;
  const buffers = Array.from({ length: inFlight }, () => new Float32Array(BLOCK_ROWS * slab));
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let block = 0, row = 0; row < n; block++, row += BLOCK_ROWS) {
    if (pending.length === inFlight) await pending.shift();
    const buffer = buffers[block % inFlight]!;
    pending.push(view.readRowsInto!(row, Math.min(n, row + BLOCK_ROWS), buffer, 0));
  }
  await Promise.all(pending);
  return performance.now() - start;
}

/** Reads the view with blocks(), a new array per block; milliseconds. */
async function readBlocks(view: TensorView): Promise<number> {
  const start = performance.now();
  for await (const _ of view.blocks({ size: BLOCK_ROWS })) void _;
  return performance.now() - start;
}

const root = mkdtempSync(join(tmpdir(), "tt-bench-delayed-"));
try {
  const { instances, samples, channels } = HEADLINE;
  const bytes = instances * samples * channels * 4;
  await writeDataset(
    join(root, "headline"),
    {
      axes: ["instance", "sample", "channel"],
      dtype: "float32",
      shape: [instances, samples, channels],
      blocks: [{ data: headlineSignal(), meta: headlineMeta() }],
    },
    { codec: CODEC },
  );
  const plain = createDataset(await openStoredDataset(join(root, "headline")));
  const scaling = Array.from({ length: samples }, (_, t) => 1 + 0.5 * Math.sin(t / 100));
  const transformed = plain
    .subtractMean("sample", { start: 0, stop: 200 })
    .divide(scaling, { axis: "sample" });
  console.log(
    `${instances} x ${samples} x ${channels} float32 (${(bytes / 2 ** 20).toFixed(0)} MiB, codec ${CODEC}), blocks of ${BLOCK_ROWS} rows; ${machineLoadLine()}`,
  );
  console.log(
    `transformed view: ${JSON.stringify(transformed.toJSON().selectors.map((s) => s.op))}`,
  );
  const readers: [string, (view: TensorView) => Promise<number>][] = [
    ["readRowsInto, one block at a time", (view) => readRows(view, 1)],
    ["readRowsInto, two blocks in flight", (view) => readRows(view, 2)],
    ["blocks()", readBlocks],
  ];
  const rows: string[][] = [];
  for (const [name, read] of readers) {
    await read(plain);
    await read(transformed);
    const times: [number[], number[]] = [[], []];
    for (let run = 0; run < RUNS; run++)
      for (const [j, view] of [plain, transformed].entries()) {
        waitForQuiet();
        times[j]!.push(await read(view));
      }
    const [a, b] = times.map(bestAndMedian) as [
      ReturnType<typeof bestAndMedian>,
      ReturnType<typeof bestAndMedian>,
    ];
    const rate = (ms: number) => `${(bytes / 2 ** 30 / (ms / 1000)).toFixed(2)} GiB/s`;
    rows.push([
      name,
      `${a.best.toFixed(0)} / ${a.median.toFixed(0)} ms (${rate(a.best)})`,
      `${b.best.toFixed(0)} / ${b.median.toFixed(0)} ms (${rate(b.best)})`,
      `${(b.best / a.best).toFixed(2)} / ${(b.median / a.median).toFixed(2)}`,
    ]);
  }
  printTable(
    ["read", "plain best / median", "transformed best / median", "ratio best / median"],
    rows,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
