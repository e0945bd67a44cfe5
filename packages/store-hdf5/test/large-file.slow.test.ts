import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A file of 300 MB of float32 data per dataset, written by h5wasm's Node build into a temporary
// folder, is read in a child process: opened, streamed in blocks of 1000 rows into one buffer,
// and read by a scattered row set. Peak RSS (VmHWM) must stay far below the data's size: the file
// is read in place, a box of chunks at a time, never loaded whole.
const ROWS = 75_000;
const COLUMNS = 1000;
const CHUNK_ROWS = 500;
const DATA_MB = (ROWS * COLUMNS * 4) / 2 ** 20;
/** Generous: streaming holds a 4 MB buffer and HDF5 a box of at most 16 MiB at a time. */
const GROWTH_LIMIT_MB = 120;

const here = resolve(import.meta.dirname, "large-file");
const packageDir = resolve(import.meta.dirname, "..");
let folder: string;
let file: string;

function run(args: string[]): string {
  const child = spawnSync(process.execPath, args, {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 300_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout;
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-hdf5-large-"));
  file = join(folder, "large.h5");
  run([join(here, "write-large.mjs"), file, String(ROWS), String(COLUMNS), String(CHUNK_ROWS)]);
}, 300_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe(`a file with ${DATA_MB.toFixed(0)} MB of data per dataset`, () => {
  for (const [dataset, via] of [
    ["/plain", "path"],
    ["/gzip", "path"],
    ["/plain", "store"],
  ] as const) {
    it(`${dataset}, opened by ${via}, streams and reads rows with a small peak RSS`, () => {
      const out = run([
        "--import",
        "tsx",
        "--conditions=@tt/source",
        join(here, "read-large.ts"),
        file,
        dataset,
        via,
      ]);
      const report = JSON.parse(out.trim().split("\n").pop()!);
      console.log(
        `${dataset} by ${via} (file ${(statSync(file).size / 2 ** 20).toFixed(0)} MB): peak RSS after loading ${report.loaded.toFixed(0)} MB, ` +
          `after opening ${report.opened.toFixed(0)} MB, after streaming ${DATA_MB.toFixed(0)} MB ${report.streamed.toFixed(0)} MB ` +
          `(${report.streamMs} ms), after a row set ${report.rowSet.toFixed(0)} MB`,
      );
      expect(report).toMatchObject({ rows: ROWS, columns: COLUMNS, mismatches: 0 });
      expect(report.rowSet - report.loaded).toBeLessThan(GROWTH_LIMIT_MB);
      expect(report.rowSet).toBeLessThan(DATA_MB);
    });
  }
});
