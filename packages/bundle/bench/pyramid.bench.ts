/**
 * Pyramid builds on the headline tensor (42337 x 1793 x 3 float32, 911 MB; TT_BENCH_INSTANCES
 * for fewer instances): time and peak RSS of a build (factor 2, factor 4, sorted by a metadata
 * column) against a plain streamed read of the same bundle, each in a process of its own, and
 * numpy's same reduction (mean, min, max of every level, NaN skipped; levels cascaded from sums,
 * counts, minima and maxima) of the tensor held in memory, when python3 with numpy is present.
 * Run: `npx -y pnpm@10 --filter @tt/bundle bench`.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  npyBytes,
} from "../../../tooling/bench/headline.js";
import {
  numpyEnvironment,
  type ProcessRun,
  pinningInEnvironment,
  timeProcess,
} from "../../../tooling/bench/reference.js";
import { writeDataset } from "../src/fs.js";
import { headlineStream } from "./headline-stream.js";

const { instances, samples, channels } = HEADLINE;
const slab = samples * channels;
const mb = (instances * slab * 4) / 1e6;

const NUMPY_SCRIPT = `
import json, sys, time, resource
import numpy as np
path, factor, sort = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "sorted"
t0 = time.perf_counter()
x = np.load(path + "/data.npy")
if sort:
    x = x[np.argsort(np.load(path + "/score.npy"), kind="stable")]
t1 = time.perf_counter()
valid = ~np.isnan(x)
s = np.where(valid, x, 0).astype(np.float64); c = valid.astype(np.int64)
lo = np.where(valid, x, np.inf); hi = np.where(valid, x, -np.inf)
levels = 0
while True:
    def red(u, a):
        a = u.reduceat(a, np.arange(0, a.shape[0], factor), axis=0)
        return u.reduceat(a, np.arange(0, a.shape[1], factor), axis=1)
    s, c, lo, hi = red(np.add, s), red(np.add, c), red(np.minimum, lo), red(np.maximum, hi)
    empty = c == 0
    mean = np.where(empty, np.nan, s / np.maximum(c, 1)).astype(np.float32)
    low = np.where(empty, np.nan, lo).astype(np.float32); high = np.where(empty, np.nan, hi).astype(np.float32)
    levels += 1
    if mean.nbytes <= 4 * 1024 * 1024 or (mean.shape[0] <= 1 and mean.shape[1] <= 1):
        break
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "reduce": t2 - t1, "levels": levels}))
`;

/** A child node process on the package's sources, timed with its peak RSS. */
function nodeRun(...args: string[]): ProcessRun & { inside: Record<string, unknown> } {
  const run = timeProcess(process.execPath, [
    "--conditions=@tt/source",
    "--import",
    "tsx",
    join(import.meta.dirname, "pyramid-run.ts"),
    ...args,
  ]);
  return { ...run, inside: JSON.parse(run.stdout.trim().split("\n").pop()!) };
}

function numpyRun(root: string, factor: number, order: "stored" | "sorted") {
  try {
    const run = timeProcess("python3", ["-c", NUMPY_SCRIPT, root, String(factor), order], {
      env: numpyEnvironment(1),
    });
    return { ...run, inside: JSON.parse(run.stdout.trim().split("\n").pop()!) };
  } catch (error) {
    return { error: String(error).split("\n")[0] };
  }
}

const root = mkdtempSync(join(tmpdir(), "tt-bench-pyramid-"));
const lines: string[][] = [["what", "wall s", "peak RSS MB", "vs plain read", "notes"]];
const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "?" : n.toFixed(digits));
try {
  console.log(
    `pyramid bench: ${instances} x ${samples} x ${channels} float32 (${mb.toFixed(0)} MB)`,
  );
  const pinned = pinningInEnvironment();
  if (pinned.length > 0) console.log(`(numpy runs without ${pinned.join(", ")})`);
  {
    const data = headlineSignal();
    const bundle = join(root, "bundle");
    await writeDataset(bundle, headlineStream(data, headlineMeta()));
    writeFileSync(join(root, "data.npy"), npyBytes(data, [instances, samples, channels]));
    const score = headlineMeta().column("score").values as Float64Array;
    const bytes = npyBytes(new Float32Array(score), [instances]);
    writeFileSync(join(root, "score.npy"), bytes);
  }
  const bundle = join(root, "bundle");
  const read = nodeRun("read", bundle);
  lines.push([
    "plain streamed read",
    fmt(read.seconds),
    fmt(read.maxRssMb, 0),
    "1.00",
    `${fmt(mb / read.seconds, 0)} MB/s, ${fmt(read.inside.seconds as number)} s inside the process`,
  ]);
  const builds: [string, string[]][] = [
    ["pyramid factor 2", ["build", bundle, "2"]],
    ["pyramid factor 4", ["build", bundle, "4"]],
    ["pyramid factor 2 sorted by score", ["build", bundle, "2", "score"]],
  ];
  for (const [what, args] of builds) {
    const run = nodeRun(...args);
    lines.push([
      what,
      fmt(run.seconds),
      fmt(run.maxRssMb, 0),
      `${fmt(run.seconds / read.seconds)}x time, ${fmt((run.maxRssMb ?? 0) / (read.maxRssMb ?? 1))}x RSS`,
      `${run.inside.levels} levels, ${fmt(run.inside.seconds as number)} s inside the process`,
    ]);
  }
  for (const [factor, order] of [
    [2, "stored"],
    [4, "stored"],
    [2, "sorted"],
  ] as const) {
    const run = numpyRun(root, factor, order);
    if ("error" in run) {
      lines.push([`numpy factor ${factor} ${order}`, "-", "-", "-", run.error ?? ""]);
      continue;
    }
    const inside = run.inside as { load: number; reduce: number; levels: number };
    lines.push([
      `numpy factor ${factor} ${order} (in memory)`,
      fmt(run.seconds),
      fmt(run.maxRssMb, 0),
      `${fmt(run.seconds / read.seconds)}x time`,
      `load${order === "sorted" ? "+sort" : ""} ${fmt(inside.load)} s, reduce ${fmt(inside.reduce)} s, ${inside.levels} levels`,
    ]);
  }
  const width = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(width[i]!)).join("  "));
  console.log(`other processes kept ${fmt(read.otherCores, 1)} cores busy during the plain read`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
