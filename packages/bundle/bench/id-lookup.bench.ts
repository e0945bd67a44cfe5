/**
 * Random access by id: open + first lookup, and 10,000 random lookups of the data field, on the
 * headline bundle (42337 x 1793 x 3 float32, string ids) and on a synthetic bundle of 10 million
 * instances of 16 float32 (int ids), through the on-disk id index (`openInstances`) and through
 * `openBundle`'s Map of every id, against a reference in the style of the sharded design (a tar
 * of .npy members plus an SQLite index of byte offsets, `id_lookup_reference.py`). Each reader
 * runs in its own process (`id-lookup-probe.ts`), so its RSS is its own.
 * Each reader runs three times in turn (TT_BENCH_RUNS) and the medians are printed: a single run
 * of 10,000 lookups in a fresh process varies by a third on a shared machine.
 * TT_BENCH_SYNTHETIC picks another synthetic size, TT_BENCH_INSTANCES another headline size.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MetaTable } from "@tt/schema";
import { headlineMeta, headlineSignal, uniform } from "../../../tooling/bench/headline.js";
import { writeDataset } from "../src/fs.js";
import type { TensorStream } from "../src/index.js";
import { headlineStream } from "./headline-stream.js";

const here = dirname(fileURLToPath(import.meta.url));
const LOOKUPS = 10_000;
const SYNTHETIC = Number(process.env.TT_BENCH_SYNTHETIC ?? 10_000_000);
const WIDTH = 16;
/** Runs of each reader (fresh processes, in turn); TT_BENCH_RUNS picks another count. */
const RUNS = Number(process.env.TT_BENCH_RUNS ?? 3);

/** The synthetic bundle: SYNTHETIC x 16 float32 in blocks, int ids `7 * row + 3`. */
function syntheticStream(): TensorStream {
  const rows = 65_536;
  return {
    axes: ["instance", "feature"],
    dtype: "float32",
    shape: [SYNTHETIC, WIDTH],
    blocks: (function* () {
      for (let start = 0; start < SYNTHETIC; start += rows) {
        const count = Math.min(rows, SYNTHETIC - start);
        const data = Float32Array.from(
          { length: count * WIDTH },
          (_, k) => (((start + Math.floor(k / WIDTH)) * 2654435761) % 1000) / 1000 + (k % WIDTH),
        );
        const ids = Int32Array.from({ length: count }, (_, i) => 7 * (start + i) + 3);
        yield { data, ids, meta: MetaTable.empty(count) };
      }
    })(),
  };
}

const seconds = async <T>(run: () => Promise<T>): Promise<number> => {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
};

interface Probe {
  open_ms: number;
  rss_after_open_mb: number;
  rss_before_mb: number;
  first_ms: number;
  per_lookup_us: number;
  second_pass_us: number;
  batched_us?: number;
  checksum: number;
}

interface Reference {
  open_first_ms: number;
  per_lookup_us: number;
  second_pass_us: number;
  checksum: number;
}

/** Each numeric field's median over `runs` (the first run's other fields). */
function medians<T extends object>(runs: readonly T[]): T {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const first = runs[0]! as Record<string, unknown>;
  const out: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(first))
    if (typeof value === "number" && key !== "checksum")
      out[key] = median(runs.map((run) => (run as Record<string, number>)[key]!));
  return out as T;
}

function probe(mode: string, bundle: string, lookups: string): Probe {
  const out = execFileSync(
    "npx",
    ["tsx", "--conditions=@tt/source", join(here, "id-lookup-probe.ts"), mode, bundle, lookups],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

function python(...args: string[]): string {
  return execFileSync("python3", [join(here, "id_lookup_reference.py"), ...args], {
    encoding: "utf8",
  });
}

/** Writes the bundle, the reference, the lookups; measures every reader; prints the rows. */
async function benchDataset(
  name: string,
  root: string,
  write: (path: string) => Promise<unknown>,
  ids: readonly (string | number)[],
  rowsPerMember: number,
): Promise<void> {
  const bundle = join(root, name);
  const writeS = await seconds(() => write(bundle));
  writeFileSync(join(root, `${name}.ids`), `${ids.join("\n")}\n`);
  const random = uniform(2024);
  const wanted = Array.from({ length: LOOKUPS }, () => ids[Math.floor(random() * ids.length)]!);
  const lookups = join(root, `${name}.lookups`);
  writeFileSync(lookups, `${wanted.join("\n")}\n`);
  const reference = join(root, `${name}-reference`);
  const buildS = await seconds(async () =>
    python("build", bundle, join(root, `${name}.ids`), reference, String(rowsPerMember)),
  );
  // Every reader runs RUNS times, in turn, each in a fresh process; medians are reported.
  const refRuns: Reference[] = [];
  const indexedRuns: Probe[] = [];
  const currentRuns: Probe[] = [];
  for (let run = 0; run < RUNS; run++) {
    refRuns.push(JSON.parse(python("lookup", reference, lookups).trim()));
    indexedRuns.push(probe("index", bundle, lookups));
    currentRuns.push(probe("current", bundle, lookups));
  }
  const ref = medians(refRuns);
  const indexed = medians(indexedRuns);
  const current = medians(currentRuns);
  const agree = [indexed, current].every(
    (p) => Math.abs(p.checksum - ref.checksum) <= 1e-6 * Math.max(1, Math.abs(ref.checksum)),
  );
  console.log(
    `\n${name}: ${ids.length} ids; bundle written in ${writeS.toFixed(1)} s, reference (tar + SQLite, ${rowsPerMember} row(s) per .npy) in ${buildS.toFixed(1)} s; values agree: ${agree}; medians of ${RUNS} runs`,
  );
  console.log(
    "| reader | open (ms) | RSS after open (MB) | open + first lookup (ms) | per lookup (us) | vs reference | second pass (us) | vs reference |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  const row = (label: string, p: Probe) =>
    console.log(
      `| ${label} | ${p.open_ms.toFixed(1)} | ${p.rss_after_open_mb.toFixed(0)} (+${(p.rss_after_open_mb - p.rss_before_mb).toFixed(0)}) | ${(p.open_ms + p.first_ms).toFixed(1)} | ${p.per_lookup_us.toFixed(1)} | ${(p.per_lookup_us / ref.per_lookup_us).toFixed(2)}x | ${p.second_pass_us.toFixed(1)} | ${(p.second_pass_us / ref.second_pass_us).toFixed(2)}x |`,
    );
  row("openInstances (id index)", indexed);
  row("openBundle (Map of all ids)", current);
  console.log(
    `| reference: tar + SQLite (python) | | | ${ref.open_first_ms.toFixed(1)} | ${ref.per_lookup_us.toFixed(1)} | 1x | ${ref.second_pass_us.toFixed(1)} | 1x |`,
  );
  console.log(
    `getMany of all ${LOOKUPS} ids at once: ${indexed.batched_us!.toFixed(1)} us per id (${(indexed.batched_us! / ref.per_lookup_us).toFixed(2)}x the reference's one-by-one lookup)`,
  );
  rmSync(reference, { recursive: true, force: true });
  rmSync(bundle, { recursive: true, force: true });
}

const root = mkdtempSync(join(tmpdir(), "tt-bench-ids-"));
try {
  const meta = headlineMeta();
  await benchDataset(
    "headline",
    root,
    (path) => writeDataset(path, headlineStream(headlineSignal(), meta)),
    meta.column("instance_id").values as string[],
    1,
  );
  await benchDataset(
    "synthetic",
    root,
    (path) => writeDataset(path, syntheticStream()),
    Array.from({ length: SYNTHETIC }, (_, row) => 7 * row + 3),
    1024,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
