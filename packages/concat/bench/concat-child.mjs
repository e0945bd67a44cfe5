/**
 * One measurement of `concat.bench.ts`, in its own plain Node process on the built packages, so
 * that its peak RSS is its own and carries no TypeScript loader. Prints one line of JSON.
 * Usage: `node concat-child.mjs <concat|cp|read-write> <out> <input>...`.
 */

import { readFileSync } from "node:fs";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { concatDatasets } from "@tt/concat/fs";

/**
 * Peak resident memory of this process in MB. Linux's VmHWM belongs to this program's own address
 * space; `resourceUsage().maxRSS` would also count the parent's resident memory at the fork.
 */
function peakRssMb() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (kb) return Number(kb[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

/** Every chunk file of an input's data array, relative to the bundle. */
async function chunkFiles(bundle) {
  const root = join(bundle, "arrays/data.zarr/c");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const [mode, out, ...inputs] = process.argv.slice(2);
const start = performance.now();
if (mode === "concat") {
  await concatDatasets(inputs, { out });
} else if (mode === "cp") {
  // The kernel's copy of the same chunk files (copy_file_range where the filesystem has it).
  for (const [i, input] of inputs.entries()) {
    await cp(join(input, "arrays/data.zarr/c"), join(out, `${i}`), { recursive: true });
  }
} else if (mode === "read-write") {
  // The same bytes read into memory and written again, file by file.
  await mkdir(out, { recursive: true });
  for (const [i, input] of inputs.entries()) {
    for (const [j, file] of (await chunkFiles(input)).entries()) {
      await writeFile(join(out, `${i}-${j}`), await readFile(file));
    }
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ mode, inputs: inputs.length, seconds, peakRssMb: peakRssMb() }));
