/**
 * Bundle IO on the headline shape (42337 x 1793 x 3 float32, 911 MB) with a realistic signal:
 * write, open, random and contiguous reads, a full read, and numpy.save / numpy.load of the
 * same array when python3 with numpy is present. Run: `npx -y pnpm@10 --filter @tt/bundle bench`.
 * Set TT_BENCH_INSTANCES to run a smaller shape.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HEADLINE,
  headlineMeta,
  headlineSignal,
  npyBytes,
  uniform,
} from "../../../tooling/bench/headline.js";
import { openStoredDataset, writeDataset } from "../src/fs.js";
import { headlineStream } from "./headline-stream.js";

const { instances, samples, channels } = HEADLINE;
const slab = samples * channels;
const bytes = instances * slab * 4;
const mb = bytes / 1e6;

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, (performance.now() - start) / 1000];
}

function numpyReference(path: string): { save: number; load: number } | undefined {
  const script = `
import numpy as np, time, sys
a = np.load(sys.argv[1]); np.load(sys.argv[1])
t = time.perf_counter(); np.save(sys.argv[1] + ".copy.npy", a); s = time.perf_counter() - t
np.load(sys.argv[1] + ".copy.npy")
t = time.perf_counter(); np.load(sys.argv[1] + ".copy.npy"); l = time.perf_counter() - t
print(s, l)`;
  try {
    const [save, load] = execFileSync("python3", ["-c", script, path], { encoding: "utf8" })
      .trim()
      .split(" ")
      .map(Number);
    return { save: save!, load: load! };
  } catch {
    return undefined;
  }
}

const rows: string[][] = [];
const report = (what: string, seconds: number, megabytes: number, reference?: number) =>
  rows.push([
    what,
    `${(seconds * 1000).toFixed(0)} ms`,
    megabytes ? `${(megabytes / seconds).toFixed(0)} MB/s` : "",
    reference ? `${(seconds / reference).toFixed(2)}x numpy` : "",
  ]);

const root = mkdtempSync(join(tmpdir(), "tt-bench-bundle-"));
try {
  console.log(
    `generating ${instances} x ${samples} x ${channels} float32 (${mb.toFixed(0)} MB)...`,
  );
  const data = headlineSignal();
  const meta = headlineMeta();
  writeFileSync(join(root, "data.npy"), npyBytes(data, [instances, samples, channels]));
  const numpy = numpyReference(join(root, "data.npy"));

  const path = join(root, "bundle");
  const [, writeSeconds] = await time(() => writeDataset(path, headlineStream(data, meta)));
  report("write bundle (codec none)", writeSeconds, mb, numpy?.save);
  const [dataset, openSeconds] = await time(() => openStoredDataset(path));
  report("open (manifest + all metadata), first", openSeconds, 0);
  let warmOpen = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 4; run++)
    warmOpen = Math.min(warmOpen, (await time(() => openStoredDataset(path)))[1]);
  report("open again (best of 4)", warmOpen, 0);

  const random = uniform(7);
  const picks = Array.from({ length: 1000 }, () => Math.floor(random() * instances));
  const [, randomSeconds] = await time(() => dataset.read([picks]));
  report("read 1000 random instances", randomSeconds, (1000 * slab * 4) / 1e6);
  const start = Math.floor(instances / 3);
  const [, blockSeconds] = await time(() =>
    dataset.read([{ start, stop: Math.min(instances, start + 5000) }]),
  );
  report("read 5000 contiguous instances", blockSeconds, (5000 * slab * 4) / 1e6);
  const [whole, fullSeconds] = await time(() => dataset.read([]));
  report("full read", fullSeconds, mb, numpy?.load);
  if (whole.length !== data.length || whole[whole.length - 1] !== data[data.length - 1])
    throw new Error("full read differs");

  const subset = Math.min(instances, 5000);
  const subsetMb = (subset * slab * 4) / 1e6;
  for (const codec of ["none", "zstd", "gzip", "blosc-lz4"]) {
    const codecPath = join(root, `codec-${codec}`);
    const sub = headlineStream(data.subarray(0, subset * slab), meta.slice(0, subset));
    const [, w] = await time(() => writeDataset(codecPath, sub, { codec }));
    const opened = await openStoredDataset(codecPath);
    const [, r] = await time(() => opened.read([]));
    const onDisk = Number(
      execFileSync("du", ["-sb", join(codecPath, "arrays")], { encoding: "utf8" }).split("\t")[0],
    );
    rows.push([
      `codec ${codec} (${subset} instances)`,
      `write ${(subsetMb / w).toFixed(0)} MB/s`,
      `read ${(subsetMb / r).toFixed(0)} MB/s`,
      `size ${(onDisk / (subset * slab * 4)).toFixed(2)}`,
    ]);
  }
  if (numpy)
    rows.push([
      "numpy.save / numpy.load",
      `${(numpy.save * 1000).toFixed(0)} ms`,
      `${(numpy.load * 1000).toFixed(0)} ms`,
      "",
    ]);
  else rows.push(["numpy reference", "python3 with numpy not found", "", ""]);
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(width[i]!)).join("  "));
} finally {
  rmSync(root, { recursive: true, force: true });
}
