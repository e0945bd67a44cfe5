/**
 * One measured run of the pyramid bench, in a process of its own so that its peak RSS is its
 * own: `read <bundle>` reads the whole data block by block (the plain streamed read a pyramid
 * build is measured against), `build <bundle> <factor> [sort column]` builds a pyramid. Prints
 * one JSON line: seconds (inside the process) and what was done.
 */

import { allocate, sizeOf } from "@tt/schema";
import { buildDatasetPyramid, openStoredDataset } from "../src/fs.js";

const [mode, path, factor, sortBy] = process.argv.slice(2);

async function plainRead(bundle: string) {
  const dataset = await openStoredDataset(bundle);
  const rows = dataset.array.metadata.chunkShape[0]!;
  const slab = sizeOf(dataset.shape.slice(1));
  const buffer = allocate(dataset.dtype, rows * slab) as Float32Array;
  let checksum = 0;
  for (let start = 0; start < dataset.shape[0]!; start += rows) {
    const stop = Math.min(dataset.shape[0]!, start + rows);
    const block = buffer.subarray(0, (stop - start) * slab);
    await dataset.readInto!([{ start, stop }, null, null], block, 0);
    for (let i = 0; i < block.length; i += 97) checksum += block[i]!;
  }
  return { rows: dataset.shape[0], checksum };
}

async function build(bundle: string) {
  const manifest = await buildDatasetPyramid(bundle, {
    factor: Number(factor),
    ...(sortBy ? { sortBy } : {}),
  });
  const entry = manifest.pyramids!.at(-1)!;
  return { levels: entry.levels, path: entry.path };
}

const start = performance.now();
const done = mode === "read" ? await plainRead(path!) : await build(path!);
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000, ...done }));
