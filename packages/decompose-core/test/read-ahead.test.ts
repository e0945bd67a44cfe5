/**
 * Rows read straight into kernel memory (views with `readRowsInto`), block by block: in memory the
 * scan analyzes each block as it arrives, streamed the next block is read while the kernels work
 * on the current one. Both give the bits of the copying path; a read that kernel memory growth
 * moved away from is read again; a failed read is the fit's error.
 */

import { createKernels, KERNEL_CHUNK_ROWS, type Kernels } from "@tt/linalg";
import { createTensor, type ReadableView, type TypedArray } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MatrixSource,
  openSource,
  type PreprocessConfig,
  planMemory,
  planUnfolding,
  statLayouts,
  uniformGenerator,
} from "../src/index.js";
import { NO_PREPROCESSING } from "./helpers.js";

const P = 6;
/** Bytes of one chunk of rows (float64). */
const CHUNK_BYTES = KERNEL_CHUNK_ROWS * P * 8;

/** What the reading view saw: reads started and finished, in order, by first row. */
interface ReadLog {
  events: string[];
  failAt?: number;
}

/** An n × 3 × 2 float64 view; with `log`, it also reads rows straight in, a little later. */
function view(n: number, log?: ReadLog): ReadableView {
  const uniform = uniformGenerator(5);
  const data = Float64Array.from({ length: n * P }, (_, x) => (x % P) + 2 * uniform());
  const base = viewFromTensor(
    createTensor({
      data,
      shape: [n, 3, 2],
      axes: ["instance", "sample", "channel"],
      axisIndex: { instance: Array.from({ length: n }, (_, i) => `e${i}`) },
    }),
  );
  if (log === undefined) return base;
  const readRowsInto = async (start: number, stop: number, target: TypedArray, offset: number) => {
    log.events.push(`start ${start}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (log.failAt !== undefined && start <= log.failAt && log.failAt < stop)
      throw new Error(`disk error at row ${start}`);
    (target as Float64Array).set(data.subarray(start * P, stop * P), offset);
    log.events.push(`end ${start}`);
  };
  return Object.assign(Object.create(base), { readRowsInto }) as ReadableView;
}

const silent = { signal: undefined, onProgress() {} };

/** Two threads: kernel memory is shared, so reads may run ahead. */
let kernels: Kernels;
beforeAll(async () => {
  kernels = await createKernels({ threads: 2 });
});
afterAll(() => kernels.dispose());

function open(
  input: ReadableView,
  config: PreprocessConfig,
  memory_budget: number | "auto" = "auto",
  using = kernels,
): Promise<MatrixSource> {
  const plan = planUnfolding(input, config);
  const layouts = statLayouts(input, plan, config);
  const memory = planMemory(input, plan, layouts, { ...config, memory_budget });
  return openSource({
    view: input,
    plan,
    config,
    layouts,
    kernels: using,
    memory,
    context: silent,
  });
}

async function rowsOf(
  source: MatrixSource,
  during?: (row0: number) => void,
): Promise<Float64Array> {
  const out = new Float64Array(source.n * source.p);
  await source.forEachBlock(async (block, row0) => {
    during?.(row0);
    out.set(block.data.subarray(0, block.rows * source.p), row0 * source.p);
  });
  return out;
}

const PCA: PreprocessConfig = { ...NO_PREPROCESSING, center: { over: ["instance"] } };
const n = 9 * KERNEL_CHUNK_ROWS + 123;

describe("rows read straight into kernel memory", () => {
  it("give the statistics and rows of the copying path, in memory", async () => {
    const copied = await open(view(n), PCA);
    const log: ReadLog = { events: [] };
    const straight = await open(view(n, log), PCA);
    expect(log.events.length).toBeGreaterThan(0);
    expect(straight.center!.values).toEqual(copied.center!.values);
    expect(await rowsOf(straight)).toEqual(await rowsOf(copied));
  });

  it("stream with the next block read while the current one is visited, with the same bits", async () => {
    const budget = 8.5 * CHUNK_BYTES; // streamed in blocks of two chunks; two fit in half of it
    const copied = await open(view(n), PCA, budget);
    const log: ReadLog = { events: [] };
    const straight = await open(view(n, log), PCA, budget);
    expect(straight.inMemory).toBe(false);
    log.events.length = 0;
    const seen: { row0: number; events: string[] }[] = [];
    const rows = await rowsOf(straight, (row0) => seen.push({ row0, events: [...log.events] }));
    expect(straight.center!.values).toEqual(copied.center!.values);
    expect(rows).toEqual(await rowsOf(copied));
    expect(seen.map((s) => s.row0)).toEqual([0, 2, 4, 6, 8].map((c) => c * KERNEL_CHUNK_ROWS));
    // When a block is visited, the read of the next one has started.
    for (let k = 0; k + 1 < seen.length; k++)
      expect(seen[k]!.events).toContain(`start ${seen[k + 1]!.row0}`);
  });

  it("stream one block at a time when two blocks do not fit the budget", async () => {
    const budget = 2.5 * CHUNK_BYTES;
    const log: ReadLog = { events: [] };
    const straight = await open(view(n, log), PCA, budget);
    log.events.length = 0;
    const seen: { row0: number; events: string[] }[] = [];
    const rows = await rowsOf(straight, (row0) => seen.push({ row0, events: [...log.events] }));
    expect(rows).toEqual(await rowsOf(await open(view(n), PCA, budget)));
    expect(seen).toHaveLength(5);
    for (const { row0, events } of seen) expect(events.at(-1)).toBe(`end ${row0}`);
  });

  it("read one block at a time into unshared kernel memory, which moves when it grows", async () => {
    const budget = 8.5 * CHUNK_BYTES;
    for (const backend of ["js", "wasm-simd"] as const) {
      const unshared = await createKernels({ backend, threads: 1 });
      try {
        const log: ReadLog = { events: [] };
        const source = await open(view(n, log), PCA, budget, unshared);
        log.events.length = 0;
        const seen: { row0: number; events: string[] }[] = [];
        // Each visit allocates, so kernel memory grows (a new buffer) between the reads.
        const rows = await rowsOf(source, (row0) => {
          seen.push({ row0, events: [...log.events] });
          unshared.allocMatrix(8 * KERNEL_CHUNK_ROWS, P, "float64");
        });
        expect(rows).toEqual(await rowsOf(await open(view(n), PCA, budget)));
        for (const { row0, events } of seen) expect(events.at(-1)).toBe(`end ${row0}`);
      } finally {
        await unshared.dispose();
      }
    }
  });

  it("fail the pass with the read's error, in memory and streamed", async () => {
    for (const budget of ["auto", 4.5 * CHUNK_BYTES] as const) {
      const failing = view(n, { events: [], failAt: 2 * KERNEL_CHUNK_ROWS });
      await expect(open(failing, PCA, budget)).rejects.toThrow(/disk error at row/);
    }
  });
});
