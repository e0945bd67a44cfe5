/**
 * One measurement of `concat.bench.ts`, in its own plain Node process on the built packages, so
 * that its peak RSS is its own and carries no TypeScript loader. Prints one line of JSON with the
 * data bytes it read (`bytes`). Usage: `node concat-child.mjs <concat|cp|read-write> <out> <input>...`.
 */

import { readFileSync } from "node:fs";
import { cp, mkdir, open, readdir, readFile, stat, writeFile } from "node:fs/promises";
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

/** Every chunk file of an input's data array, with the bytes of its slabs inside the array's shape. */
async function chunkFiles(bundle) {
  const array = join(bundle, "arrays/data.zarr");
  const meta = JSON.parse(await readFile(join(array, "zarr.json"), "utf8"));
  const [rows, ...rest] = meta.shape;
  const chunkRows = meta.chunk_grid.configuration.chunk_shape[0];
  const slabBytes = rest.reduce((a, b) => a * b, 1) * 4;
  const entries = await readdir(join(array, "c"), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      const chunk = Number(path.slice(join(array, "c").length + 1).split("/")[0]);
      return { path, bytes: Math.min(chunkRows, rows - chunk * chunkRows) * slabBytes };
    });
}

const [mode, out, ...inputs] = process.argv.slice(2);
const start = performance.now();
let bytes = 0;
if (mode === "concat") {
  const { manifest } = await concatDatasets(inputs, { out });
  bytes = manifest.shape.reduce((a, b) => a * b, 1) * 4;
} else if (mode === "cp") {
  // The kernel's copy of the same chunk files (copy_file_range where the filesystem has it):
  // whole files, so the padding of each input's last chunk too.
  for (const [i, input] of inputs.entries()) {
    await cp(join(input, "arrays/data.zarr/c"), join(out, `${i}`), { recursive: true });
  }
} else if (mode === "read-write") {
  // The bytes concat reads (each chunk's slabs inside the array's shape), read into memory and
  // written again, file by file.
  await mkdir(out, { recursive: true });
  for (const [i, input] of inputs.entries()) {
    for (const [j, file] of (await chunkFiles(input)).entries()) {
      const handle = await open(file.path, "r");
      const buffer = Buffer.allocUnsafe(file.bytes);
      try {
        await handle.read(buffer, 0, file.bytes, 0);
      } finally {
        await handle.close();
      }
      await writeFile(join(out, `${i}-${j}`), buffer);
      bytes += file.bytes;
    }
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const seconds = (performance.now() - start) / 1000;
if (mode === "cp") {
  for (const input of inputs) {
    for (const file of await chunkFiles(input)) bytes += (await stat(file.path)).size;
  }
}
console.log(
  JSON.stringify({ mode, inputs: inputs.length, seconds, bytes, peakRssMb: peakRssMb() }),
);
