/**
 * Compiles the AssemblyScript kernels in assembly/ into the four modules src/wasm-loader.ts loads
 * from wasm/: SIMD128 and relaxed SIMD, each with unshared memory (one thread, browsers) and shared
 * memory (worker threads). Run by the package build before tsup; `--if-stale` skips the work when
 * every module is newer than the sources (the test setup uses it).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const assemblyDir = join(packageDir, "assembly");
const outDir = join(packageDir, "wasm");
const asc = fileURLToPath(import.meta.resolve("assemblyscript/bin/asc.js"));

/** wasm32 memory tops out at 65536 pages of 64 KiB, i.e. 4 GiB. */
const MAX_PAGES = "65536";

const common = [
  join(assemblyDir, "index.ts"),
  "-O3",
  "--runtime",
  "stub",
  "--noAssert",
  "--use",
  "abort=",
  "--importMemory",
  "--noExportMemory",
  "--maximumMemory",
  MAX_PAGES,
  // v128 parameters of internal helpers trip a warning meant for exported functions.
  "--disableWarning",
  "112",
];
const simd = ["--enable", "simd"];
const relaxed = ["--enable", "simd", "--enable", "relaxed-simd"];
const shared = ["--enable", "threads", "--sharedMemory"];

/** The modules to build: file name and the features it is compiled with. */
const targets = [
  { name: "kernels-simd.wasm", flags: simd },
  { name: "kernels-relaxed-simd.wasm", flags: relaxed },
  { name: "kernels-simd-shared.wasm", flags: [...simd, ...shared] },
  { name: "kernels-relaxed-simd-shared.wasm", flags: [...relaxed, ...shared] },
];

/** The newest modification time of the kernel sources and of this script. */
function newestSource() {
  const files = readdirSync(assemblyDir).map((name) => join(assemblyDir, name));
  files.push(fileURLToPath(import.meta.url));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

/** Whether every module exists and is newer than the sources. */
function upToDate() {
  const sources = newestSource();
  return targets.every(({ name }) => {
    try {
      return statSync(join(outDir, name)).mtimeMs >= sources;
    } catch {
      return false;
    }
  });
}

/** Runs asc for one target in a child process, rejecting with its output when it fails. */
function compile({ name, flags }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [asc, ...common, ...flags, "-o", join(outDir, name)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    child.stderr.on("data", (data) => {
      output += data;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`asc failed for wasm/${name} (exit code ${code}):\n${output}`));
    });
  });
}

if (process.argv.includes("--if-stale") && upToDate()) process.exit(0);
mkdirSync(outDir, { recursive: true });
const started = performance.now();
// Two at a time: asc is single-threaded and the machines this runs on have two cores or more.
for (let at = 0; at < targets.length; at += 2) {
  const outputs = await Promise.all(targets.slice(at, at + 2).map(compile));
  for (const output of outputs) if (output.trim() !== "") process.stderr.write(output);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`built ${targets.length} kernel modules into wasm/ in ${seconds} s`);
