import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A streamed PCA of a sparse matrix holds its non-zeros' worth of reads and one dense block,
// never the dense matrix. Files are written by h5wasm's Node build into a temporary folder and
// decomposed in a child process whose peak RSS (VmHWM) is checked against a generous bound:
// the process after opening the file + the members' bytes + the memory budget (which bounds
// the dense blocks) + 128 MB for the kernels' scratch and the read pieces; that bound lies far
// below the dense matrix. Sizes are kept to seconds on a shared two-core machine: the billion-
// cell case (100000 x 10000 at 1%) takes about a minute and runs in bench/sparse.bench.ts.
const SLACK_MB = 128;
const BUDGET = 32 * 2 ** 20;
const CASES = [
  // Compressed along the instances: a block reads its rows' entries only.
  { name: "compressed by rows", rows: 30_000, columns: 4000, fill: 0.01, layout: "rows" },
  // Compressed along the features: every block scans all entries, in bounded pieces.
  { name: "compressed by columns", rows: 2000, columns: 10_000, fill: 0.01, layout: "transposed" },
] as const;

const here = resolve(import.meta.dirname, "sparse-memory");
const packageDir = resolve(import.meta.dirname, "..");
let folder: string;

/** What the child scripts print (the writer prints less). */
interface Report {
  shape: number[];
  nnz: number;
  nnzMb: number;
  denseMb: number;
  budgetMb: number;
  inMemory: boolean;
  blockRows: number;
  blockMb: number;
  loaded: number;
  opened: number;
  fitted: number;
  seconds: number;
}

function run(args: string[]): Report {
  const child = spawnSync(process.execPath, args, {
    cwd: packageDir,
    encoding: "utf8",
    timeout: 300_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split("\n").pop()!);
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "tt-sparse-memory-"));
  for (const c of CASES)
    run([
      join(here, "write-sparse.mjs"),
      join(folder, `${c.layout}.h5`),
      `${c.rows}`,
      `${c.columns}`,
      `${c.fill}`,
    ]);
}, 300_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("a streamed PCA of a sparse matrix", () => {
  it.each(CASES)("$name: peak RSS within baseline + nnz bytes + one block", (c) => {
    const file = join(folder, `${c.layout}.h5`);
    const r = run([
      "--import",
      "tsx",
      "--conditions=@tt/source",
      join(here, "pca-sparse.ts"),
      file,
      c.layout,
      `${BUDGET}`,
      "5",
    ]);
    const bound = r.opened + r.nnzMb + r.budgetMb + SLACK_MB;
    console.log(
      `${c.name}: ${r.shape.join(" x ")}, nnz ${r.nnz} (${r.nnzMb.toFixed(1)} MB), dense ${r.denseMb.toFixed(0)} MB; ` +
        `blocks of ${r.blockRows} rows (${r.blockMb.toFixed(1)} MB); peak RSS loaded ${r.loaded.toFixed(0)} MB, ` +
        `opened ${r.opened.toFixed(0)} MB, after the fit ${r.fitted.toFixed(0)} MB (bound ${bound.toFixed(0)} MB); ` +
        `fit ${r.seconds.toFixed(1)} s`,
    );
    expect(r.inMemory).toBe(false);
    expect(r.fitted).toBeLessThan(bound);
    if (c.layout === "rows") expect(bound).toBeLessThan(r.denseMb);
  });
});
