/**
 * One measurement of the id-lookup bench in a fresh process (so RSS is this reader's alone):
 * `index`: openDatasetInstances (files kept open) and its on-disk id index; `current`:
 * openBundle, whose open reads the instance table and builds a Map of every id. Prints one JSON line: open time, RSS after the
 * open (before the first lookup), first lookup, then per-lookup time over the ids of LOOKUPS
 * (one by one, twice: the first pass is reported, the second shows a warmed-up process; and
 * as one getMany for `index`) and a checksum of the values read.
 *
 *   tsx --conditions=@tt/source bench/id-lookup-probe.ts index|current BUNDLE LOOKUPS
 */

import { readFileSync } from "node:fs";
import type { TypedArray } from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { openDatasetInstances } from "../src/fs.js";
import { openBundle } from "../src/index.js";

const [mode, bundle, lookupsPath] = process.argv.slice(2) as [string, string, string];
const lines = readFileSync(lookupsPath, "utf8").trim().split("\n");
const wanted: (string | number)[] = /^-?\d+$/.test(lines[0]!) ? lines.map(Number) : lines;

const sum = (data: TypedArray) => {
  let total = 0;
  for (let i = 0; i < data.length; i++) total += Number(data[i]);
  return total;
};
const mb = () => process.memoryUsage().rss / 2 ** 20;

/** Opens the bundle the way `mode` says; a function reading one id's row. */
async function open(): Promise<(id: string | number) => Promise<TypedArray>> {
  if (mode === "index") {
    const reader = await openDatasetInstances(bundle);
    return async (id) => (await reader.getInstance(id)).fields.data!.data;
  }
  const dataset = await openBundle(createDirectoryStore(bundle));
  return async (id) => dataset.read([[dataset.indexOf("instance", id)!]]);
}

const rssBefore = mb();
let start = performance.now();
const read = await open();
const openMs = performance.now() - start;
const rssAfterOpen = mb();
start = performance.now();
const firstSum = sum(await read(wanted[0]!));
const firstMs = performance.now() - start;

/** One pass over the lookups: microseconds per lookup and the checksum of the values. */
async function pass(): Promise<[number, number]> {
  const started = performance.now();
  let total = 0;
  for (const id of wanted) total += sum(await read(id));
  return [((performance.now() - started) * 1000) / wanted.length, total];
}
const [perLookupUs, checksum] = await pass();
const [secondPassUs] = await pass();

let batchedUs: number | undefined;
if (mode === "index") {
  const reader = await openDatasetInstances(bundle);
  start = performance.now();
  const { fields } = await reader.getMany(wanted);
  batchedUs = ((performance.now() - start) * 1000) / wanted.length;
  const many = sum(fields.data!.data);
  if (Math.abs(many - checksum) > 1e-6 * Math.max(1, Math.abs(checksum)))
    throw new Error(`getMany's sum ${many} differs from the lookups' ${checksum}`);
}

console.log(
  JSON.stringify({
    mode,
    open_ms: openMs,
    rss_before_mb: rssBefore,
    rss_after_open_mb: rssAfterOpen,
    first_ms: firstMs,
    per_lookup_us: perLookupUs,
    second_pass_us: secondPassUs,
    batched_us: batchedUs,
    first_sum: firstSum,
    checksum,
  }),
);
