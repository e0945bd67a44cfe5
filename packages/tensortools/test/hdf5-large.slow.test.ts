/**
 * The done-when check of issue 20, item 2, on a file of several hundred MB: an HDF5 file with two
 * planted components (100000 epochs x 250 samples x 4 channels float32, 400 MB of data), written
 * by h5wasm into a temporary folder, linked as a bundle with a Parquet instance table, opens at
 * once, is queried through the Parquet metadata, PCA'd streamed under a 64 MB memory budget (the
 * planted components recovered) and the result joined back by instance id; copied into Zarr its
 * peak memory stays a few blocks. Each step runs in its own Node process (`hdf5-large/run-large.ts`)
 * so that its time and peak RSS are its own; the figures are printed, never asserted as timings.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROWS = 100_000;
const SAMPLES = 250;
const CHANNELS = 4;
const DATA_MB = (ROWS * SAMPLES * CHANNELS * 4) / 2 ** 20;
/** Generous: h5wasm's module and heap, a block of 8 MB, Zarr's encoding, the tables written. */
const COPY_GROWTH_LIMIT_MB = 160;

const here = resolve(import.meta.dirname, "hdf5-large");
const packageDir = resolve(import.meta.dirname, "..");
let folder: string;
let file: string;
let metaPath: string;
let expectedCount: number;

function run(args: string[]): string {
  const child = spawnSync(process.execPath, args, {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 1 << 26,
  });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout;
}

/** Runs one step of run-large.ts and returns its report. */
function step(...args: string[]): Record<string, unknown> {
  const out = run([
    "--import",
    "tsx",
    "--conditions=@tt/source",
    join(here, "run-large.ts"),
    ...args,
  ]);
  return JSON.parse(out.trim().split("\n").pop()!);
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-hdf5-large-"));
  file = join(folder, "recordings.h5");
  const values = run([
    join(here, "write-large.mjs"),
    file,
    String(ROWS),
    String(SAMPLES),
    String(CHANNELS),
    "7",
  ]);
  writeFileSync(join(folder, "planted.json"), values);
  metaPath = join(folder, "epochs.parquet");
  const meta = step("meta", join(folder, "planted.json"), metaPath);
  expectedCount = meta.expectedCount as number;
}, 600_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe(`an HDF5 file with ${DATA_MB.toFixed(0)} MB of data`, () => {
  it("linked with Parquet metadata: opens at once, queries, PCA streamed, joins back by id", () => {
    const bundle = join(folder, "linked");
    const link = step("link", file, metaPath, bundle);
    const used = step("use", bundle, join(folder, "pca"));
    console.log(
      `file ${(statSync(file).size / 2 ** 20).toFixed(0)} MB: link (SHA-256 of the file) ${link.ms} ms; ` +
        `open ${used.openMs} ms (peak RSS ${(used.opened as number).toFixed(0)} MB, ${(used.loaded as number).toFixed(0)} MB before); ` +
        `query ${used.queryMs} ms; PCA rank 2 streamed under 64 MB ${used.pcaMs} ms ` +
        `(peak RSS ${(used.fitted as number).toFixed(0)} MB); ratios ${JSON.stringify(used.ratios)}`,
    );
    expect(used.shape).toEqual([ROWS, SAMPLES, CHANNELS]);
    expect(used.count).toBe(expectedCount);
    expect(used.inMemory).toBe(false);
    // The planted components, found in the components and in the scores joined back by id.
    expect(used.cosU).toBeGreaterThan(0.999);
    expect(used.cosV).toBeGreaterThan(0.999);
    expect(used.corrA).toBeGreaterThan(0.99);
    expect(used.corrB).toBeGreaterThan(0.99);
    expect(used.joinedFirst).toEqual(used.resultFirst);
    // Streamed: the peak stays far below the data's size.
    expect(used.fitted as number).toBeLessThan(DATA_MB);
  });

  it("copied into Zarr block by block with a peak RSS far below the data's size", () => {
    const copy = step("copy", file, metaPath, join(folder, "copied"));
    // From the metadata read on: the instance table (100000 rows) is the caller's, not the copy's.
    const growth = (copy.peak as number) - (copy.withMeta as number);
    console.log(
      `copy into Zarr ${copy.ms} ms: peak RSS ${(copy.peak as number).toFixed(0)} MB ` +
        `(${(copy.loaded as number).toFixed(0)} MB after loading, ${(copy.withMeta as number).toFixed(0)} MB with the metadata read, +${growth.toFixed(0)} MB copying)`,
    );
    expect(growth).toBeLessThan(COPY_GROWTH_LIMIT_MB);
  });
});
