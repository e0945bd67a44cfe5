/**
 * Concatenation of 200 input bundles of 500 x 1793 x 3 float32 (10.8 MB each, 2.15 GB in all):
 * total time and peak RSS, against copying the same data in the same run: `fs.cp` of the chunk
 * files (whole files, so with the padding of each input's last chunk: 17% more bytes) and
 * reading and writing exactly the bytes concat reads, chunk file by chunk file; and peak RSS at
 * 50 inputs against 200 to show that it does not grow with the number of inputs.
 *
 * Fairness: every run reads the inputs from a warm page cache (they were just written) and
 * starts with no dirty pages pending (`sync` after writing the inputs and after each run), so no
 * run pays for another's write-back. The three modes run in turn, twice, and the best of each is
 * compared: the machine is shared, and a single run can be slowed by others' load.
 *
 * Each measurement runs in its own plain Node process on the built packages
 * (`concat-child.mjs`; build first with `npx tsup` in schema, store-zarr, meta-parquet, query,
 * bundle and concat), peak RSS from /proc/self/status VmHWM. Everything is written under
 * os.tmpdir() and deleted at the end. Run: `npx -y pnpm@10 --filter @tt/concat bench`;
 * TT_BENCH_INPUTS picks fewer inputs, TT_BENCH_ROUNDS the number of rounds.
 */

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeDataset } from "@tt/bundle/fs";
import { columnFromCells, createTensor, MetaTable } from "@tt/schema";

const INPUTS = Number(process.env.TT_BENCH_INPUTS ?? 200);
const ROUNDS = Math.max(1, Number(process.env.TT_BENCH_ROUNDS ?? 2));
const FEW = Math.min(50, INPUTS);
const SHAPE = [500, 1793, 3] as const;
const here = fileURLToPath(new URL(".", import.meta.url));

interface Measurement {
  mode: string;
  inputs: number;
  seconds: number;
  /** Data bytes read (and written). */
  bytes: number;
  peakRssMb: number;
}

/** Flushes dirty pages, so that the next run does not pay for the last one's write-back. */
function flush(): void {
  try {
    execFileSync("sync");
  } catch {
    // No `sync` here: runs may then share write-back, which the rounds even out.
  }
}

function measure(mode: string, out: string, inputs: string[]): Measurement {
  const stdout = execFileSync(
    process.execPath,
    [join(here, "concat-child.mjs"), mode, out, ...inputs],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  rmSync(out, { recursive: true, force: true });
  flush();
  return JSON.parse(stdout.trim().split("\n").pop()!) as Measurement;
}

async function writeInputs(dir: string): Promise<string[]> {
  const [n, samples, channels] = SHAPE;
  const data = new Float32Array(n * samples * channels);
  let state = 12345;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state / 2 ** 32 - 0.5;
  }
  const paths: string[] = [];
  for (let k = 0; k < INPUTS; k++) {
    const path = join(dir, `rec-${String(k).padStart(3, "0")}`);
    await writeDataset(
      path,
      createTensor({
        data,
        shape: SHAPE,
        axes: ["instance", "sample", "channel"],
        axisIndex: {
          instance: Array.from({ length: n }, (_, i) => `e${i}`),
          channel: ["C3", "C4", "Cz"],
        },
        axisMeta: {
          instance: MetaTable.fromColumns({
            stage: columnFromCells(
              "string",
              Array.from({ length: n }, (_, i) => ["N1", "N2", "N3", "REM"][(i + k) % 4]!),
            ),
          }),
        },
      }),
    );
    paths.push(path);
  }
  return paths;
}

if (!existsSync(join(here, "../dist/fs.js"))) {
  throw new Error("build @tt/concat and its dependencies first (npx tsup in each package)");
}
const dir = mkdtempSync(join(tmpdir(), "tt-concat-bench-"));
try {
  const t = performance.now();
  const inputs = await writeInputs(join(dir, "inputs"));
  const bytes = INPUTS * SHAPE[0] * SHAPE[1] * SHAPE[2] * 4;
  console.log(
    `${INPUTS} inputs of ${SHAPE.join(" x ")} float32 (${(bytes / 1e9).toFixed(2)} GB) written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  flush();
  const out = join(dir, "out");
  const runs: Measurement[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["cp", "read-write", "concat"]) runs.push(measure(mode, out, inputs));
  }
  runs.push(measure("concat", out, inputs.slice(0, FEW)));
  for (const run of runs) {
    console.log(
      `${run.mode.padEnd(10)} ${String(run.inputs).padStart(3)} inputs  ${run.seconds.toFixed(2).padStart(6)} s  ${(run.bytes / 1e9 / run.seconds).toFixed(2)} GB/s of ${(run.bytes / 1e9).toFixed(2)} GB  peak RSS ${run.peakRssMb.toFixed(0)} MB`,
    );
  }
  const best = (mode: string, inputs = INPUTS) =>
    runs
      .filter((run) => run.mode === mode && run.inputs === inputs)
      .reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const [cp, readWrite, concat, few] = [
    best("cp"),
    best("read-write"),
    best("concat"),
    best("concat", FEW),
  ];
  const peak = Math.max(
    ...runs.filter((r) => r.mode === "concat" && r.inputs === INPUTS).map((r) => r.peakRssMb),
  );
  console.log(
    `best of ${ROUNDS}: cp ${cp.seconds.toFixed(2)} s, read-write ${readWrite.seconds.toFixed(2)} s, concat ${concat.seconds.toFixed(2)} s`,
  );
  console.log(
    `concat / cp: ${(concat.seconds / cp.seconds).toFixed(2)}x; concat / read-write: ${(concat.seconds / readWrite.seconds).toFixed(2)}x (goal: within 1.5x of copying the same bytes)`,
  );
  console.log(
    `peak RSS of concat: ${few.peakRssMb.toFixed(0)} MB at ${FEW} inputs, ${peak.toFixed(0)} MB at ${INPUTS}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
