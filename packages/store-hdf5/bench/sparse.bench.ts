/**
 * The billion-cell sparse case of issue 20: a 100000 x 10000 matrix at 1% fill (10 million
 * entries, 4 GB dense as float32) stored as anndata writes a csr_matrix, read and decomposed in
 * place. Figures, each from its own plain Node process (peak RSS from /proc/self/status VmHWM):
 *
 * - writing the file (h5wasm, a slice of rows at a time);
 * - streaming every row into a dense buffer in blocks of 2048 rows, compressed along the
 *   instances (a block reads only its rows' entries) and along the features (the same entries
 *   stored 10000 x 100000 by rows and read transposed: every block scans all entries);
 * - a streamed PCA, rank 10, centred, memory_budget 256 MB, of the matrix compressed along the
 *   instances, with the members' bytes, the block and the peak RSS beside the dense size.
 *
 * - the scipy reference (bench/sparse_pca_reference.py): the same file loaded whole with h5py into
 *   a csr_matrix and a centred rank-10 PCA by ARPACK on an implicitly centred operator (scanpy's
 *   way), timed as a whole process, its explained variance ratios beside ours. It needs a python3
 *   with numpy, scipy and h5py (Debian: python3-numpy python3-scipy python3-h5py); TT_BENCH_PYTHON
 *   names another interpreter than `python3`.
 *
 * Files go under os.tmpdir() and are deleted at the end. Run: `npx -y pnpm@10 --filter
 * @tt/store-hdf5 bench`; TT_BENCH_ROWS / TT_BENCH_COLUMNS / TT_BENCH_FILL change the size,
 * TT_BENCH_SCAN_PCA=1 also runs the PCA of the scanned layout (many minutes at full size).
 */

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROWS = Number(process.env.TT_BENCH_ROWS ?? 100_000);
const COLUMNS = Number(process.env.TT_BENCH_COLUMNS ?? 10_000);
const FILL = Number(process.env.TT_BENCH_FILL ?? 0.01);
const BUDGET = 256 * 2 ** 20;
const children = resolve(import.meta.dirname, "../test/sparse-memory");
const packageDir = resolve(import.meta.dirname, "..");

type Figures = Record<string, number & number[]>;

function child(script: string, args: string[]): Figures {
  const prefix = script.endsWith(".ts") ? ["--import", "tsx", "--conditions=@tt/source"] : [];
  const started = performance.now();
  const stdout = execFileSync(process.execPath, [...prefix, join(children, script), ...args], {
    cwd: packageDir,
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  const figures = JSON.parse(stdout.trim().split("\n").pop()!) as Figures;
  return { ...figures, wall: ((performance.now() - started) / 1000) as Figures[string] };
}

const { numpyEnvironment, timeProcess } = await import("../../../tooling/bench/reference.js");
const PYTHON = process.env.TT_BENCH_PYTHON ?? "python3";

/** Why the scipy reference cannot run, or undefined when it can. */
function referenceMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import numpy, scipy, h5py"], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  const reason = probe.error?.message ?? probe.stderr.trim().split("\n").pop();
  return `${PYTHON} with numpy, scipy and h5py did not run (${reason}); set TT_BENCH_PYTHON`;
}

/** The scipy reference on `file`, timed as a whole process, against our fit `ours`. */
function reportReference(file: string, ours: Figures): void {
  const missing = referenceMissing();
  if (missing !== undefined) {
    console.log(`scipy reference skipped: ${missing}`);
    return;
  }
  const script = resolve(import.meta.dirname, "sparse_pca_reference.py");
  const run = timeProcess(PYTHON, [script, file, "10"], { env: numpyEnvironment(2) });
  const r = JSON.parse(run.stdout.trim().split("\n").pop()!) as Figures & { scipy: string };
  const theirs = r.ratio as unknown as number[];
  const mine = ours.ratio as unknown as number[];
  const worst = Math.max(...theirs.map((t, k) => Math.abs((mine[k] ?? Number.NaN) - t) / t));
  console.log(
    `scipy ${r.scipy} reference (h5py load into csr_matrix + ARPACK svds, centred operator): ` +
      `whole process ${run.seconds.toFixed(1)} s (load ${r.load_seconds.toFixed(1)} s, fit ${r.fit_seconds.toFixed(1)} s), ` +
      `peak RSS ${run.maxRssMb?.toFixed(0) ?? r.fitted_mb.toFixed(0)} MB; ours ${ours.wall.toFixed(1)} s whole process ` +
      `(${(ours.wall / run.seconds).toFixed(2)}x), peak RSS ${ours.fitted.toFixed(0)} MB ` +
      `(${(ours.fitted / (run.maxRssMb ?? r.fitted_mb)).toFixed(2)}x); explained variance ratios ` +
      `${theirs
        .slice(0, 3)
        .map((x) => x.toExponential(4))
        .join(", ")} (scipy) vs ` +
      `${mine
        .slice(0, 3)
        .map((x) => x.toExponential(4))
        .join(", ")} (ours), largest relative difference over ` +
      `${theirs.length} components ${worst.toExponential(2)}`,
  );
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function reportRead(label: string, r: Figures): void {
  console.log(
    `read ${label}: ${r.seconds.toFixed(2)} s per pass, ${(r.entriesPerSecond / 1e6).toFixed(1)} M entries/s, ` +
      `${(r.denseBytesPerSecond / 1e9).toFixed(2)} GB/s dense out; peak RSS ${r.opened.toFixed(0)} -> ${r.read.toFixed(0)} MB`,
  );
}

function reportFit(label: string, r: Figures): void {
  console.log(
    `PCA ${label} (rank 10, ${r.solver}, memory_budget ${r.budgetMb} MB): ${r.seconds.toFixed(1)} s; ` +
      `nnz ${r.nnz} = ${r.nnzMb.toFixed(0)} MB of members, dense ${r.denseMb.toFixed(0)} MB, ` +
      `blocks of ${r.blockRows} rows = ${r.blockMb.toFixed(0)} MB; peak RSS loaded ${r.loaded.toFixed(0)} MB, ` +
      `opened ${r.opened.toFixed(0)} MB, after the fit ${r.fitted.toFixed(0)} MB ` +
      `(growth ${(r.fitted - r.opened).toFixed(0)} MB = ${((r.fitted - r.opened) / (r.nnzMb + r.blockMb)).toFixed(2)} x (nnz + block))`,
  );
}

const folder = mkdtempSync(join(tmpdir(), "tt-sparse-bench-"));
try {
  const byRows = join(folder, "by-instances.h5");
  const byColumns = join(folder, "by-features.h5");
  const cells = `${ROWS} x ${COLUMNS} at ${FILL * 100}%`;
  const written = child("write-sparse.mjs", [byRows, `${ROWS}`, `${COLUMNS}`, `${FILL}`, "1"]);
  console.log(
    `wrote ${cells}: nnz ${written.nnz}, ${mb(written.bytes)}, ${written.wall.toFixed(1)} s`,
  );
  child("write-sparse.mjs", [byColumns, `${COLUMNS}`, `${ROWS}`, `${FILL}`, "2"]);
  reportRead("compressed along the instances", child("read-sparse.ts", [byRows, "rows", "2048"]));
  reportRead(
    "compressed along the features (scan)",
    child("read-sparse.ts", [byColumns, "transposed", "2048"]),
  );
  const fit = child("pca-sparse.ts", [byRows, "rows", `${BUDGET}`, "10"]);
  reportFit(`of ${cells}, compressed along the instances`, fit);
  reportReference(byRows, fit);
  if (process.env.TT_BENCH_SCAN_PCA === "1")
    reportFit(
      `of ${cells}, compressed along the features`,
      child("pca-sparse.ts", [byColumns, "transposed", `${BUDGET}`, "10"]),
    );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
