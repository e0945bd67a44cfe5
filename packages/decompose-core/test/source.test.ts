/**
 * The preprocessed source: statistics against direct computation, streamed blocks equal to the
 * in-memory matrix bit for bit, the missing-value policies and the memory plan's refusals.
 */

import { createKernels, KERNEL_CHUNK_ROWS, type Kernels } from "@tt/linalg";
import { createTensor, isTensorToolsError, type ReadableView } from "@tt/schema";
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

const SAMPLES = 3;
const CHANNELS = 2;
const P = SAMPLES * CHANNELS;

/** An n × 3 × 2 float64 view of seeded values with column-dependent offsets and spreads. */
function waveView(n: number, edit?: (data: Float64Array) => void): ReadableView {
  const uniform = uniformGenerator(11);
  const data = Float64Array.from(
    { length: n * P },
    (_, x) => (x % P) * 3 + (1 + (x % 4)) * uniform(),
  );
  edit?.(data);
  return viewFromTensor(
    createTensor({
      data,
      shape: [n, SAMPLES, CHANNELS],
      axes: ["instance", "sample", "channel"],
      axisIndex: { instance: Array.from({ length: n }, (_, i) => `e${i}`) },
    }),
  );
}

const silent = { signal: undefined, onProgress() {} };

let kernels: Kernels;
beforeAll(async () => {
  kernels = await createKernels({ threads: 1 });
});
afterAll(async () => {
  await kernels.dispose();
});

async function open(
  view: ReadableView,
  config: PreprocessConfig,
  memory_budget: number | "auto" = "auto",
): Promise<MatrixSource> {
  const plan = planUnfolding(view, config);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, { ...config, memory_budget });
  return openSource({ view, plan, config, layouts, kernels, memory, context: silent });
}

async function rowsOf(source: MatrixSource): Promise<Float64Array> {
  const out = new Float64Array(source.n * source.p);
  await source.forEachBlock(async (block, row0) => {
    out.set(block.data.subarray(0, block.rows * source.p), row0 * source.p);
  });
  return out;
}

describe("openSource", () => {
  it("centers per column and scales by each channel's std of the data (ddof 0)", async () => {
    const n = 50;
    const view = waveView(n);
    const raw = await rowsOf(await open(view, NO_PREPROCESSING));
    const source = await open(view, {
      ...NO_PREPROCESSING,
      center: { over: ["instance"] },
      scale: { zscore: { over: ["instance", "sample"] } },
    });
    const mean = new Float64Array(P);
    for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) mean[j]! += raw[i * P + j]! / n;
    expect(source.center!.values).toHaveLength(P);
    for (let j = 0; j < P; j++) expect(source.center!.values[j]).toBeCloseTo(mean[j]!, 12);
    for (let c = 0; c < CHANNELS; c++) {
      const values: number[] = [];
      for (let i = 0; i < n; i++)
        for (let s = 0; s < SAMPLES; s++) {
          const j = s * CHANNELS + c;
          values.push(raw[i * P + j]!);
        }
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
      expect(source.scale!.values[c]).toBeCloseTo(std, 12);
    }
    const rows = await rowsOf(source);
    for (let j = 0; j < P; j++) {
      const expected = (raw[j]! - mean[j]!) / source.scale!.values[j % CHANNELS]!;
      expect(rows[j]).toBeCloseTo(expected, 12);
    }
  });

  it("streams under a small budget with the same bits as in memory, in blocks of whole chunks", async () => {
    const n = 2 * KERNEL_CHUNK_ROWS + 300;
    const view = waveView(n);
    const config: PreprocessConfig = {
      ...NO_PREPROCESSING,
      center: { over: ["instance"] },
      scale: { zscore: { over: ["instance"] } },
      weights: { channel: [1, 0.5] },
    };
    const whole = await open(view, config);
    const streamed = await open(view, config, n * P * 8 - 1);
    expect(whole.inMemory).toBe(true);
    expect(streamed.inMemory).toBe(false);
    expect(streamed.center!.values).toEqual(whole.center!.values);
    expect(streamed.scale!.values).toEqual(whole.scale!.values);
    const blocks: number[] = [];
    const rows = new Float64Array(n * P);
    await streamed.forEachBlock(async (block, row0) => {
      blocks.push(block.rows);
      rows.set(block.data.subarray(0, block.rows * P), row0 * P);
    });
    // Two chunks fit the budget: a block has two, so that two threads share it.
    expect(blocks).toEqual([2 * KERNEL_CHUNK_ROWS, 300]);
    expect(rows).toEqual(await rowsOf(whole));
    expect(streamed.passes).toBe(2);
  });

  it('drops instances with missing values under missing: "drop", in memory and streamed', async () => {
    const n = KERNEL_CHUNK_ROWS + 10;
    const view = waveView(n, (data) => {
      data[3 * P + 1] = Number.NaN;
      data[(KERNEL_CHUNK_ROWS + 2) * P] = Number.NaN;
    });
    const config: PreprocessConfig = { ...NO_PREPROCESSING, center: "global", missing: "drop" };
    const whole = await open(view, config);
    const streamed = await open(view, config, 1000);
    for (const source of [whole, streamed]) {
      expect(source.n).toBe(n - 2);
      expect(source.usedRows).not.toContain(3);
      expect(source.usedRows).not.toContain(KERNEL_CHUNK_ROWS + 2);
    }
    expect(streamed.center!.values).toEqual(whole.center!.values);
    expect(await rowsOf(streamed)).toEqual(await rowsOf(whole));
  });

  it("gives each row's squared norm from the scan when the rows are used as read", async () => {
    const n = KERNEL_CHUNK_ROWS + 40;
    const view = waveView(n);
    for (const budget of ["auto", n * P * 8 - 1] as const) {
      const source = await open(view, NO_PREPROCESSING, budget);
      const expected = new Float64Array(n);
      await source.forEachBlock(async (block, row0) => {
        const { rowSumSquares } = await kernels.moments(block, new Float64Array(P));
        expected.set(rowSumSquares.subarray(0, block.rows), row0);
      });
      expect(source.rowSquares).toEqual(expected);
    }
    const centered = await open(view, { ...NO_PREPROCESSING, center: "global" });
    expect(centered.rowSquares).toBeUndefined();
    const weighted = await open(view, { ...NO_PREPROCESSING, weights: { channel: [1, 1] } });
    expect(weighted.rowSquares).toBeUndefined();
  });

  it('records missing positions and zeroes them under missing: "mask"', async () => {
    const view = waveView(20, (data) => {
      data[5 * P + 4] = Number.NaN;
    });
    const source = await open(view, { ...NO_PREPROCESSING, missing: "mask" });
    expect(Array.from(source.missing)).toEqual([5 * P + 4]);
    expect((await rowsOf(source))[5 * P + 4]).toBe(0);
  });

  it("names the count and the first instance ids of missing values, and infinite values", async () => {
    const missing = waveView(20, (data) => {
      data[2 * P] = Number.NaN;
      data[7 * P + 5] = Number.NaN;
    });
    await expect(open(missing, NO_PREPROCESSING)).rejects.toThrow(
      /2 instance\(s\) have missing values \(NaN or masked\), first: e2, e7; set missing to "drop" or "mask"/,
    );
    const infinite = waveView(20, (data) => {
      data[4 * P + 1] = Number.POSITIVE_INFINITY;
    });
    await expect(open(infinite, NO_PREPROCESSING)).rejects.toThrow(/instance e4.*infinite value/);
  });
});

describe("planMemory", () => {
  const view = waveView(100);
  const plan = planUnfolding(view, NO_PREPROCESSING);

  it("keeps data within the budget in memory and streams beyond it", () => {
    expect(planMemory(view, plan, {}, { memory_budget: "auto", missing: "error" })).toMatchObject({
      dtype: "float64",
      bytesPerValue: 8,
      budget: 2 ** 30,
      inMemory: true,
    });
    const streamed = planMemory(view, plan, {}, { memory_budget: 100, missing: "error" });
    expect(streamed.inMemory).toBe(false);
    expect(streamed.blockRows % KERNEL_CHUNK_ROWS).toBe(0);
  });

  it("reads data held in memory in blocks of at least two chunks, scanned on every kernel thread", () => {
    const wide = waveView(10);
    const widePlan = planUnfolding(wide, NO_PREPROCESSING);
    const memory = planMemory(
      wide,
      { ...widePlan, n: 100 * KERNEL_CHUNK_ROWS },
      {},
      { memory_budget: 2 ** 40, missing: "error" },
    );
    expect(memory).toMatchObject({ inMemory: true, readAhead: false });
    expect(memory.blockRows).toBeGreaterThanOrEqual(2 * KERNEL_CHUNK_ROWS);
    expect(memory.blockRows % KERNEL_CHUNK_ROWS).toBe(0);
  });

  it("streams in blocks of two chunks when they fit, and reads ahead when two fit in half the budget", () => {
    const wide = waveView(10);
    const widePlan = planUnfolding(wide, NO_PREPROCESSING);
    const chunk = KERNEL_CHUNK_ROWS * P * 8;
    const plan = (budget: number) =>
      planMemory(
        wide,
        { ...widePlan, n: 100 * KERNEL_CHUNK_ROWS },
        {},
        {
          memory_budget: budget,
          missing: "error",
        },
      );
    expect(plan(1.5 * chunk)).toMatchObject({ blockRows: KERNEL_CHUNK_ROWS, readAhead: false });
    expect(plan(3 * chunk)).toMatchObject({ blockRows: 2 * KERNEL_CHUNK_ROWS, readAhead: false });
    expect(plan(4 * chunk)).toMatchObject({ blockRows: 2 * KERNEL_CHUNK_ROWS, readAhead: false });
    expect(plan(7.9 * chunk)).toMatchObject({ blockRows: 2 * KERNEL_CHUNK_ROWS, readAhead: false });
    expect(plan(8 * chunk)).toMatchObject({ blockRows: 2 * KERNEL_CHUNK_ROWS, readAhead: true });
    expect(plan(13 * chunk)).toMatchObject({ blockRows: 3 * KERNEL_CHUNK_ROWS, readAhead: true });
  });

  it.each<[PreprocessConfig, string, RegExp]>([
    [
      { ...NO_PREPROCESSING, scale: { robust: { over: ["instance"] } } },
      "scale.robust",
      /need the data in memory/,
    ],
    [
      { ...NO_PREPROCESSING, missing: "mask" },
      "missing",
      /"mask" imputes in memory, but the data \(4800 bytes\)/,
    ],
  ])("refuses what cannot stream (%#)", (config, field, message) => {
    const layouts = statLayouts(view, plan, config);
    try {
      planMemory(view, plan, layouts, { ...config, memory_budget: 100 });
      expect.fail("no error");
    } catch (error) {
      expect(isTensorToolsError(error, "config"), String(error)).toBe(true);
      expect((error as { field: string }).field).toBe(field);
      expect(String(error)).toMatch(message);
    }
  });
});
