/**
 * One measurement of `large-file.slow.test.ts`, in its own Node process so that its peak resident
 * memory is its own: opens a dataset of the large file (by path, or through a directory store),
 * streams every row in blocks into one reused buffer, reads a scattered row set, checks values
 * against the formula the file was written with, and prints one line of JSON with the peak RSS
 * (VmHWM) after each step, in MB.
 * Usage: `node --import tsx --conditions=@tt/source read-large.ts <path> <dataset> <path|store>`.
 */

import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { createDirectoryStore } from "@tt/storage/fs";
import { hdf5Store, openHdf5Array } from "../../src/index.js";

/** Peak resident memory of this process so far, in MB (Linux's VmHWM). */
function peakMb(): number {
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(kb![1]) / 1024;
}

const [path, dataset, via] = process.argv.slice(2) as [string, string, string];
const value = (row: number, column: number, columns: number) => (row * columns + column) % 1000003;
const loaded = peakMb();
const array =
  via === "store"
    ? await hdf5Store.open(createDirectoryStore(dirname(path)), `${basename(path)}:${dataset}`)
    : await openHdf5Array(path, dataset);
const [rows, columns] = array.metadata.shape as [number, number];
const opened = peakMb();
const blockRows = 1000;
const block = new Float32Array(blockRows * columns);
let mismatches = 0;
const started = Date.now();
for (let start = 0; start < rows; start += blockRows) {
  const stop = Math.min(rows, start + blockRows);
  await array.readInto!([{ start, stop }], block, 0);
  for (const [r, c] of [
    [start, 0],
    [stop - 1, columns - 1],
    [start + 7, 123],
  ] as const)
    if (r < stop && block[(r - start) * columns + c] !== value(r, c, columns)) mismatches++;
}
const streamMs = Date.now() - started;
const streamed = peakMb();
const picked = [rows - 1, 17, 40_000, 17, 12_345].filter((r) => r < rows);
const got = await array.read([picked]);
picked.forEach((r, i) => {
  for (let c = 0; c < columns; c += 97)
    if (got[i * columns + c] !== value(r, c, columns)) mismatches++;
});
const rowSet = peakMb();
(array as { close?: () => void }).close?.();
console.log(
  JSON.stringify({ rows, columns, mismatches, streamMs, loaded, opened, streamed, rowSet }),
);
