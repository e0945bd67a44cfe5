/**
 * Delayed operations are applied by @tt/linalg's row kernels (WebAssembly SIMD) where they run,
 * and by JavaScript loops where they do not: the two give the same bits, for float32 and float64
 * data, through every kind of operation, on blocks larger than the kernels' chunk of rows.
 */

import { createTensor, type TensorView } from "@tt/schema";
import { describe, expect, it, vi } from "vitest";

const kernelsOff = vi.hoisted(() => ({ value: false }));
vi.mock("@tt/linalg", async (original) => {
  const linalg = await original<typeof import("@tt/linalg")>();
  return {
    ...linalg,
    rowKernels: () => (kernelsOff.value ? Promise.resolve(undefined) : linalg.rowKernels()),
  };
});

const { rowKernels } = await import("@tt/linalg");
const { datasetFromTensor } = await import("../../src/index.js");

const [instances, samples, channels] = [37, 301, 7];

/** Values of every sign and scale, with zeros, a NaN, an infinity and a negative zero. */
function values(size: number): Float64Array {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const data = Float64Array.from({ length: size }, () => (random() - 0.3) * 10 ** (4 * random()));
  for (let k = 0; k < size; k += 97) data[k] = 0;
  data[5] = Number.NaN;
  data[11] = Number.POSITIVE_INFINITY;
  data[13] = -0;
  return data;
}

function view(dtype: "float32" | "float64"): TensorView {
  const raw = values(instances * samples * channels);
  const data = dtype === "float32" ? Float32Array.from(raw) : raw;
  const tensor = createTensor({
    data,
    shape: [instances, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisIndex: { channel: Array.from({ length: channels }, (_, c) => `c${c}`) },
  });
  return datasetFromTensor(tensor);
}

const scaling = Array.from({ length: samples }, (_, t) => 1 + 0.5 * Math.sin(t / 10));
const perInstance = Array.from({ length: instances }, (_, i) => (i % 5) - 2);

/** Chains of delayed operations, each on a view of the data. */
const chains: Record<string, (v: TensorView) => TensorView> = {
  "baseline then divide along samples": (v) =>
    v.subtractMean("sample", { start: 0, stop: 40 }).divide(scaling, { axis: "sample" }),
  "re-reference, scalar arithmetic": (v) =>
    v.subtractElement("channel", "c2").multiply(0.1).add(3).subtract(-7.25).divide(3),
  "mean over channels, per-instance operands": (v) =>
    v.subtractMean("channel").multiply(perInstance, { axis: "instance" }).divide(perInstance, {
      axis: "instance",
    }),
  functions: (v) => v.abs().sqrt().log1p().add(-1).sqrt(),
  "baseline of samples a later selection drops": (v) =>
    v
      .subtractMean("sample", { start: 0, stop: 50 })
      .slice("sample", 60, 250)
      .take("channel", [6, 0, 3])
      .multiply([1, 2, 3], { axis: "channel" }),
  "selections between operations": (v) =>
    v
      .take("instance", [36, 0, 5, 5, 20])
      .divide(scaling, { axis: "sample" })
      .slice("sample", 3, 290)
      .subtractMean("channel", { start: 1, stop: 4 })
      .abs(),
};

async function read(v: TensorView): Promise<Float32Array | Float64Array> {
  return (await v.materialize()).data as Float32Array | Float64Array;
}

describe("delayed operations on the row kernels and in JavaScript", () => {
  it("runs on the row kernels here", async () => {
    expect(await rowKernels()).toBeDefined();
  });

  for (const dtype of ["float32", "float64"] as const)
    for (const [name, chain] of Object.entries(chains))
      it(`${name} (${dtype}): the same bits`, async () => {
        const transformed = chain(view(dtype));
        kernelsOff.value = false;
        const withKernels = await read(transformed);
        kernelsOff.value = true;
        const withLoops = await read(transformed);
        kernelsOff.value = false;
        expect(withKernels.constructor).toBe(withLoops.constructor);
        expect(withKernels.length).toBeGreaterThan(0);
        // Bit for bit, NaN payloads aside: the same NaN positions, every other value identical.
        const mismatches: string[] = [];
        for (let k = 0; k < withLoops.length && mismatches.length < 5; k++) {
          const [a, b] = [withKernels[k]!, withLoops[k]!];
          if (!Object.is(a, b) && !(Number.isNaN(a) && Number.isNaN(b)))
            mismatches.push(`element ${k}: kernels ${a}, loops ${b}`);
        }
        expect(mismatches).toEqual([]);
      });
});
