/**
 * Checks of the data before and after a fit: empty views, infinite and too-large values, data
 * rescaled by a power of two (the same bits streamed or in memory, results in the data's units)
 * and data with nothing to decompose.
 */

import { createKernels, type Kernels } from "@tt/linalg";
import {
  createTensor,
  DataError,
  InvalidSelectionError,
  isTensorToolsError,
  type ReadableView,
  type Selector,
} from "@tt/schema";
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
import { Magnitude } from "../src/magnitude.js";
import { NO_PREPROCESSING } from "./helpers.js";

const SAMPLES = 3;
const CHANNELS = 2;
const P = SAMPLES * CHANNELS;

/** An n × 3 × 2 float64 view of seeded values times `scale`, with ids on instances and channels. */
function scaledView(n: number, scale: number, edit?: (data: Float64Array) => void): ReadableView {
  const uniform = uniformGenerator(5);
  const data = Float64Array.from({ length: n * P }, (_, x) => ((x % P) + uniform()) * scale);
  edit?.(data);
  return viewFromTensor(
    createTensor({
      data,
      shape: [n, SAMPLES, CHANNELS],
      axes: ["instance", "sample", "channel"],
      axisIndex: {
        instance: Array.from({ length: n }, (_, i) => `e${i}`),
        channel: ["Cz", "Pz"],
      },
    }),
  );
}

const silent = { signal: undefined, onProgress() {} };
const CENTERED: PreprocessConfig = { ...NO_PREPROCESSING, center: { over: ["instance"] } };

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

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return expect.fail("no error");
}

describe("empty views", () => {
  const emptyTensor = (shape: number[]) =>
    createTensor({
      data: new Float64Array(shape.reduce((a, b) => a * b, 1)),
      shape,
      axes: ["epoch", "sample", "channel"],
    });

  it("a view with no instances and no selectors is a DataError", () => {
    const error = thrown(() => planUnfolding(viewFromTensor(emptyTensor([0, 3, 2])), CENTERED));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe("axis 'epoch': has no instances: there is nothing to decompose");
  });

  it("an empty feature axis is named too", () => {
    const error = thrown(() => planUnfolding(viewFromTensor(emptyTensor([4, 0, 2])), CENTERED));
    expect(error.message).toBe("axis 'sample': has no elements: there is nothing to decompose");
  });

  it("a view whose selectors select nothing is an InvalidSelectionError listing them", () => {
    const selectors: Selector[] = [
      { op: "query", axis: "epoch", expr: `label == '${"x".repeat(100)}'` },
      { op: "filter", axis: "epoch", ids: ["e1", "e2", "e3"] },
      { op: "filter", axis: "channel", mask: [true, false] },
      { op: "slice", axis: "sample", start: 1, stop: 3 },
      { op: "take", axis: "epoch", indices: [] },
    ];
    const view = {
      ...viewFromTensor(emptyTensor([0, 3, 2])),
      selectors,
      dataset: { shape: [40, 3, 2] },
    } as unknown as ReadableView;
    const error = thrown(() => planUnfolding(view, CENTERED));
    expect(error).toBeInstanceOf(InvalidSelectionError);
    expect((error as InvalidSelectionError).axis).toBe("epoch");
    expect(error.message).toBe(
      `selection on axis 'epoch': the view selects no instances (the dataset has 40), so there is nothing to decompose; its selectors: query(epoch, "label == '${"x".repeat(50)}…"), filter(epoch, 3 ids: "e1", "e2", "e3"), filter(channel, a mask keeping 1 of 2), slice(sample, 1, 3), take(epoch, 0 positions)`,
    );
  });
});

describe("infinite and too large values", () => {
  it("names the instance, the sample and the channel id of an infinite value", async () => {
    const view = scaledView(20, 1, (data) => {
      data[7 * P + 3] = Number.NEGATIVE_INFINITY; // sample 1, channel Pz
    });
    const error = (await open(view, CENTERED).catch((e: unknown) => e)) as Error;
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      'instance e7, sample 1, channel Pz: has an infinite value (-Infinity); a decomposition needs finite numbers: replace it, or make it missing (NaN) and set missing to "drop" or "mask"',
    );
  });

  it("names the instance axis by its name", async () => {
    const data = Float64Array.from({ length: 12 }, (_, i) =>
      i === 7 ? Number.POSITIVE_INFINITY : i,
    );
    const view = viewFromTensor(
      createTensor({
        data,
        shape: [4, 3],
        axes: ["epoch", "time"],
        axisIndex: { epoch: ["w", "x", "y", "z"] },
      }),
    );
    const error = (await open(view, CENTERED).catch((e: unknown) => e)) as DataError;
    expect(error.where).toBe("epoch y, time 1");
  });

  it("finds an infinity in a row that also has a missing value", async () => {
    const view = scaledView(20, 1, (data) => {
      data[3 * P] = Number.NaN;
      data[3 * P + 5] = Number.POSITIVE_INFINITY;
    });
    const error = await open(view, { ...CENTERED, missing: "drop" }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^instance e3, sample 2, channel Pz: has an infinite value \(Infinity\)/,
    );
  });

  it("does not call a finite 1e308 infinite, and refuses results float64 cannot hold", async () => {
    const view = scaledView(20, 1, (data) => {
      data[2 * P + 4] = 1e308; // sample 2, channel Cz
      data[9 * P + 4] = -1e308;
    });
    const source = await open(view, CENTERED);
    expect(source.unitExponent).toBeGreaterThan(1000);
    // Singular values of such data fit float64; their squares do not.
    expect(source.toDataUnits(Float64Array.of(2 ** -30), 1, "singular values")[0]).toBe(
      2 ** (source.unitExponent - 30),
    );
    const error = thrown(() => source.toDataUnits(Float64Array.of(0.5), 2, "explained variance"));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).where).toBe("instance e2, sample 2, channel Cz");
    expect(error.message).toBe(
      `instance e2, sample 2, channel Cz: the value 1e+308 is finite, but its square is not: the explained variance (about 2^${2 * source.unitExponent - 1}) would exceed the float64 range (1.8e308); divide the data by 1e${Math.ceil(((2 * source.unitExponent - 1) * Math.log10(2) - 300) / 2)} or more and decompose again`,
    );
  });
});

describe("rescaling by a power of two", () => {
  it.each([
    ["2^600", 2 ** 600],
    ["2^-700", 2 ** -700],
  ])(
    "data times %s gives the preprocessed matrix of the data, times a power of two",
    async (_, scale) => {
      const plain = await open(scaledView(300, 1), CENTERED);
      const scaled = await open(scaledView(300, scale), CENTERED);
      expect(plain.unitExponent).toBe(0);
      expect(scaled.unitExponent).not.toBe(0);
      const shift = 2 ** (Math.log2(scale) - scaled.unitExponent);
      const expected = (await rowsOf(plain)).map((x) => x * shift);
      expect(await rowsOf(scaled)).toEqual(expected);
      // Statistics are reported in the data's units.
      expect(scaled.center!.values).toEqual(plain.center!.values.map((x) => x * scale));
      expect(scaled.toDataUnits(Float64Array.of(3), 1, "scores")).toEqual(
        Float64Array.of(3 * 2 ** scaled.unitExponent),
      );
    },
  );

  it("streams the same bits as it reads in memory, rescaled", async () => {
    const n = 5000; // streamed in blocks of whole chunks
    const view = scaledView(n, 2 ** 800);
    const config = { ...CENTERED, scale: { zscore: { over: ["instance"] } } } as PreprocessConfig;
    const whole = await open(view, config);
    const streamed = await open(view, config, n * P * 8 - 8);
    expect(whole.inMemory).toBe(true);
    expect(streamed.inMemory).toBe(false);
    expect(streamed.unitExponent).toBe(whole.unitExponent);
    expect(streamed.center!.values).toEqual(whole.center!.values);
    expect(streamed.scale!.values).toEqual(whole.scale!.values);
    expect(await rowsOf(streamed)).toEqual(await rowsOf(whole));
  });

  it("keeps the bits of ordinary data: no rescaling for norms between 2^-100 and 2^100", async () => {
    for (const scale of [2 ** -90, 1, 2 ** 90]) {
      const view = scaledView(50, scale);
      const source = await open(view, NO_PREPROCESSING);
      expect(source.unitExponent).toBe(0);
      expect(await rowsOf(source)).toEqual((await view.materialize()).data);
    }
  });

  it("centers away a constant column of 1e308: its mean is finite and the rest unchanged", async () => {
    const plain = await open(scaledView(40, 1), CENTERED);
    const offset = await open(
      scaledView(40, 1, (data) => {
        for (let i = 0; i < 40; i++) data[i * P + 1] = 1e308;
      }),
      CENTERED,
    );
    expect(offset.unitExponent).toBe(0);
    expect(offset.center!.values[1]).toBe(1e308);
    const rows = await rowsOf(offset);
    const expected = await rowsOf(plain);
    for (let i = 0; i < 40; i++) expected[i * P + 1] = 0;
    expect(rows).toEqual(expected);
  });
});

describe("nothing to decompose", () => {
  it.each([
    [
      CENTERED,
      "has zero variance after centering (every value equals its mean): nothing to decompose",
    ],
    [NO_PREPROCESSING, "is all zeros: nothing to decompose"],
    [
      { ...NO_PREPROCESSING, weights: { channel: [0, 0] } },
      "is all zeros after scaling and weights: nothing to decompose",
    ],
  ] as const)("the message depends on the preprocessing (%#)", async (config, message) => {
    const source = await open(scaledView(10, 1), config as PreprocessConfig);
    expect(() => source.assertNotAllZero(1e-300)).not.toThrow();
    const error = thrown(() => source.assertNotAllZero(0));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(`the data (10 instances x 6 features): ${message}`);
  });
});

describe("Magnitude", () => {
  it("reads rows with overflowing, missing or underflowing sums of squares entry by entry", () => {
    const p = 3;
    const data = Float64Array.from([1, 2, 2, 1e200, -3e200, 1, Number.NaN, 4, 0, 1e-170, 0, 0]);
    // The kernels' row sums of squares: 9, Infinity (overflow), NaN (missing), 0 (underflow).
    const sums = Float64Array.from([9, Number.POSITIVE_INFINITY, Number.NaN, 0]);
    const magnitude = new Magnitude();
    const { missing, infinite } = magnitude.observe(data, 4, p, sums, 10);
    expect(missing).toEqual([2]);
    expect(infinite).toBeUndefined();
    expect(magnitude.firstHuge).toEqual({ row: 11, column: 0, value: 1e200 });
    expect(magnitude.largest).toEqual({ row: 11, column: 1, value: -3e200 });
    expect(magnitude.log2Norm).toBeCloseTo(Math.log2(3e200) + 0.5 * Math.log2(3), 12);
  });
});
