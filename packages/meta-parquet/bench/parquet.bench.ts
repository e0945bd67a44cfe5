/**
 * Write and read times and file sizes of a realistic 1M-row metadata table in each Parquet codec
 * that can be written synchronously: hyparquet-writer's SNAPPY and UNCOMPRESSED, hysnappy's wasm
 * SNAPPY, GZIP and BROTLI from node:zlib, ZSTD from @bokuweb/zstd-wasm. Reads use the package's
 * defaults (hyparquet's SNAPPY, hyparquet-compressors for the rest) except for hysnappy. Run: `npx -y pnpm@10 bench` in this folder;
 * ROWS and REPEATS override the table size and the number of timed rounds (the best is shown).
 */

import { brotliCompressSync, gzipSync, constants as zlib } from "node:zlib";
import { columnFromValues, MetaTable } from "@tt/schema";
import { snappyUncompress } from "hyparquet";
import { decompressBrotli, decompressGzip, decompressZstd } from "hyparquet-compressors";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { snappyCompressor, snappyUncompressor } from "hysnappy";
import {
  type ParquetCodec,
  type ParquetCompressors,
  type ParquetDecompressors,
  readParquet,
  writeParquet,
} from "../src/index.js";

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const REPEATS = Number(process.env.REPEATS ?? 2);

/** A deterministic generator of numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-instance metadata like a single-cell or imaging experiment's: ids, categories, QC numbers. */
function realisticTable(n: number): MetaTable {
  const next = random(42);
  const cellTypes = Array.from({ length: 24 }, (_, i) => `cell_type_${i.toString(36)}`);
  const tagNames = [
    "doublet",
    "low_counts",
    "mito_high",
    "rerun",
    "batch_a",
    "batch_b",
    "edge",
    "qc_ok",
  ];
  const valid = (rate: number) => Uint8Array.from({ length: n }, () => (next() < rate ? 0 : 1));
  const start = 1_577_836_800_000_000n; // 2020-01-01
  return MetaTable.fromColumns({
    instance_id: columnFromValues(
      "string",
      Array.from({ length: n }, (_, i) => `AAACCTG${i.toString(16).padStart(8, "0")}-1`),
    ),
    cell_type: columnFromValues(
      "string",
      Array.from({ length: n }, () => cellTypes[Math.floor(next() ** 2 * cellTypes.length)]!),
      valid(0.02),
    ),
    qc_pass: columnFromValues(
      "boolean",
      Uint8Array.from({ length: n }, () => (next() < 0.9 ? 1 : 0)),
    ),
    n_counts: columnFromValues(
      "int32",
      Int32Array.from({ length: n }, () => Math.round(Math.exp(7 + 1.5 * next()))),
    ),
    barcode: columnFromValues(
      "int64",
      BigInt64Array.from({ length: n }, (_, i) => 10_000_000_000n + BigInt(i) * 7n),
    ),
    pct_mito: columnFromValues(
      "float32",
      Float32Array.from({ length: n }, () => next() * 20),
      valid(0.01),
    ),
    umap_x: columnFromValues(
      "float64",
      Float64Array.from({ length: n }, () => next() * 30 - 15),
    ),
    collected_at: columnFromValues(
      "timestamp",
      BigInt64Array.from({ length: n }, () => start + BigInt(Math.floor(next() * 1.26e14))),
    ),
    flags: columnFromValues(
      "list<string>",
      Array.from({ length: n }, () =>
        Array.from(
          { length: Math.floor(next() * 3) },
          () => tagNames[Math.floor(next() * tagNames.length)]!,
        ),
      ),
      valid(0.05),
    ),
  });
}

interface CodecCase {
  label: string;
  codec: ParquetCodec;
  compressors?: ParquetCompressors;
  /** Decompressors passed to reads; the package's defaults when absent. */
  decompressors?: ParquetDecompressors;
  /** The decompressor reads use for this codec, for the throughput table. */
  decompress?: (input: Uint8Array, outputLength: number) => Uint8Array;
}

async function codecCases(): Promise<CodecCase[]> {
  const cases: CodecCase[] = [
    { label: "UNCOMPRESSED", codec: "UNCOMPRESSED" },
    {
      label: "SNAPPY (built in, default)",
      codec: "SNAPPY",
      compressors: { SNAPPY: snappyCompress },
      decompress: (input, length) => {
        const output = new Uint8Array(length);
        snappyUncompress(input, output);
        return output;
      },
    },
    {
      label: "SNAPPY (hysnappy wasm)",
      codec: "SNAPPY",
      compressors: { SNAPPY: snappyCompressor() },
      decompressors: { SNAPPY: snappyUncompressor() },
      decompress: snappyUncompressor(),
    },
    {
      label: "GZIP level 1 (node:zlib)",
      codec: "GZIP",
      compressors: { GZIP: (b) => gzipSync(b, { level: 1 }) },
      decompress: decompressGzip,
    },
    {
      label: "GZIP level 6 (node:zlib)",
      codec: "GZIP",
      compressors: { GZIP: (b) => gzipSync(b) },
      decompress: decompressGzip,
    },
    {
      label: "BROTLI quality 1 (node:zlib)",
      codec: "BROTLI",
      compressors: {
        BROTLI: (b) => brotliCompressSync(b, { params: { [zlib.BROTLI_PARAM_QUALITY]: 1 } }),
      },
      decompress: decompressBrotli,
    },
  ];
  const zstd = await import("@bokuweb/zstd-wasm");
  await zstd.init();
  for (const level of [1, 3]) {
    cases.push({
      label: `ZSTD level ${level} (zstd-wasm)`,
      codec: "ZSTD",
      compressors: { ZSTD: (b) => zstd.compress(b, level) },
      decompress: (input) => decompressZstd(input),
    });
  }
  return cases;
}

/** Collects garbage when run with --expose-gc, so one run's garbage is not billed to the next. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

function timed<T>(run: () => T): { ms: number; result: T } {
  collectGarbage();
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  collectGarbage();
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

const METRICS = ["write", "readAll", "readTwo", "readRange"] as const;

async function main(): Promise<void> {
  const table = realisticTable(ROWS);
  const cases = await codecCases();
  console.log(
    `${ROWS} rows x ${table.columnNames.length} columns (${table.schema.map((f) => f.type).join(", ")})`,
  );
  console.log(
    `node ${process.version}, best of ${REPEATS} interleaved rounds${(globalThis as { gc?: unknown }).gc ? ", gc between runs" : ""}\n`,
  );
  // Warm up the JIT on every code path first, so the first codec timed is not penalised.
  const warmUp = realisticTable(Math.min(ROWS, 50_000));
  for (const { codec, compressors, decompressors } of cases) {
    await readParquet(writeParquet(warmUp, { codec, compressors }), { decompressors });
  }

  const times = cases.map(() => Object.fromEntries(METRICS.map((m) => [m, [] as number[]])));
  const sizes = cases.map(() => 0);
  const middle = Math.floor(ROWS / 2);
  for (let round = 0; round < REPEATS; round++) {
    for (const [i, { label, codec, compressors, decompressors }] of cases.entries()) {
      const write = timed(() => writeParquet(table, { codec, compressors }));
      const bytes = write.result;
      sizes[i] = bytes.byteLength;
      const readAll = await timedAsync(() => readParquet(bytes, { decompressors }));
      if (readAll.result.numRows !== ROWS)
        throw new Error(`${label}: read ${readAll.result.numRows} rows`);
      const readTwo = await timedAsync(() =>
        readParquet(bytes, { columns: ["cell_type", "n_counts"], decompressors }),
      );
      const readRange = await timedAsync(() =>
        readParquet(bytes, { rowStart: middle, rowEnd: middle + 10_000, decompressors }),
      );
      const row = times[i]!;
      row.write!.push(write.ms);
      row.readAll!.push(readAll.ms);
      row.readTwo!.push(readTwo.ms);
      row.readRange!.push(readRange.ms);
    }
  }

  console.log(
    "| codec | write ms | size MB | read all ms | read 2 columns ms | read 10k rows ms |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [i, { label }] of cases.entries()) {
    const best = (metric: (typeof METRICS)[number]) => Math.min(...times[i]![metric]!).toFixed(0);
    const cells = [
      label,
      best("write"),
      (sizes[i]! / 1e6).toFixed(1),
      best("readAll"),
      best("readTwo"),
      best("readRange"),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
  codecThroughput(table, cases);
}

/**
 * The codecs alone, on 1 MB slices of the uncompressed file (about a page each): whole-file
 * timings above vary by a second or more from run to run on a shared machine, while a codec's
 * share of them is measured here without the encoding and decoding around it.
 */
function codecThroughput(table: MetaTable, cases: readonly CodecCase[]): void {
  const file = writeParquet(table, { codec: "UNCOMPRESSED" });
  const pages: Uint8Array[] = [];
  for (let offset = 0; offset < file.byteLength; offset += 1 << 20) {
    pages.push(file.subarray(offset, Math.min(file.byteLength, offset + (1 << 20))));
  }
  const megabytes = file.byteLength / 1e6;
  const rate = (ms: number) => (megabytes / (ms / 1000)).toFixed(0);
  console.log(
    `\ncodecs alone on the ${megabytes.toFixed(1)} MB uncompressed file, in 1 MB slices:\n`,
  );
  console.log("| codec | compress MB/s | decompress MB/s (of output) | ratio |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const { label, codec, compressors, decompress } of cases) {
    const compress = compressors?.[codec];
    if (compress === undefined || decompress === undefined) continue;
    let compressed: Uint8Array[] = [];
    let compressMs = Number.POSITIVE_INFINITY;
    let decompressMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < REPEATS; round++) {
      compressed = timed(() => pages.map((page) => compress(page))).result;
      compressMs = Math.min(compressMs, timed(() => pages.map((page) => compress(page))).ms);
      decompressMs = Math.min(
        decompressMs,
        timed(() => compressed.map((bytes, i) => decompress(bytes, pages[i]!.byteLength))).ms,
      );
    }
    const size = compressed.reduce((total, bytes) => total + bytes.byteLength, 0);
    const cells = [
      label,
      rate(compressMs),
      rate(decompressMs),
      (file.byteLength / size).toFixed(2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}

await main();
