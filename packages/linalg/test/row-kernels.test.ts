/**
 * The row kernels against the same steps written as JavaScript loops over a typed array of the
 * data's type (f64 arithmetic, each result stored as the data's type): the same bits, for every
 * step, both types, row sizes around the vector width, blocks of many chunks, and row numbering
 * from `firstRow`.
 */

import { describe, expect, it } from "vitest";
import {
  createKernels,
  type RowOperator,
  type RowStep,
  rowKernels,
  rowTransformOf,
} from "../src/index.js";

type Floats = Float32Array | Float64Array;

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function data(Type: typeof Float32Array | typeof Float64Array, size: number, seed: number): Floats {
  const next = random(seed);
  const out = new Type(size);
  for (let k = 0; k < size; k++) out[k] = (next() - 0.4) * 10 ** (6 * next() - 2);
  if (size > 20) [out[3], out[7], out[9], out[17]] = [0, -0, Number.NaN, Number.NEGATIVE_INFINITY];
  return out;
}

function apply(op: RowOperator, x: number, y: number): number {
  if (op === "add") return x + y;
  if (op === "subtract") return x - y;
  if (op === "multiply") return x * y;
  return x / y;
}

/** The reference: each step as a JavaScript loop on row `r` (numbered from `firstRow`). */
function reference(row: Floats, r: number, step: RowStep): void {
  const n = row.length;
  if (step.kind === "operands")
    for (let k = 0; k < n; k++) row[k] = apply(step.op, row[k]!, step.operands[k]!);
  else if (step.kind === "scalars")
    for (let k = 0; k < n; k++) row[k] = apply(step.op, row[k]!, step.value(r));
  else if (step.kind === "sqrt") for (let k = 0; k < n; k++) row[k] = Math.sqrt(row[k]!);
  else if (step.kind === "abs") for (let k = 0; k < n; k++) row[k] = Math.abs(row[k]!);
  else if (step.kind === "each-row") step.apply(row, r);
  else {
    const { outer, length, inner } = step.layout;
    const means = new Float64Array(outer * inner);
    if (step.kind === "given-means") step.fill(r, means);
    else
      for (let o = 0; o < outer; o++) {
        for (const j of step.columns)
          for (let i = 0; i < inner; i++)
            means[o * inner + i] = means[o * inner + i]! + row[(o * length + j) * inner + i]!;
        for (let i = 0; i < inner; i++)
          means[o * inner + i] = means[o * inner + i]! / step.columns.length;
      }
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < length; j++)
        for (let i = 0; i < inner; i++) {
          const k = (o * length + j) * inner + i;
          row[k] = row[k]! - means[o * inner + i]!;
        }
  }
}

function steps(outer: number, length: number, inner: number, seed: number): RowStep[] {
  const n = outer * length * inner;
  const next = random(seed);
  const operands = Float64Array.from({ length: n }, () => 0.5 + next() * 3);
  operands[1] = 0;
  const layout = { outer, length, inner };
  const columns = Int32Array.from({ length: Math.max(1, length >> 1) }, (_, c) => (c * 7) % length);
  return [
    { kind: "means", layout, columns },
    { kind: "operands", op: "divide", operands },
    { kind: "scalars", op: "multiply", value: (r) => (r % 3) - 1 + 0.1 * r },
    { kind: "operands", op: "add", operands },
    { kind: "abs" },
    { kind: "sqrt" },
    {
      kind: "given-means",
      layout,
      fill: (r, means) => {
        for (let m = 0; m < means.length; m++) means[m] = r * 0.25 - m;
      },
    },
    { kind: "scalars", op: "subtract", value: () => 1e-3 },
    { kind: "each-row", apply: (row, r) => row.fill(r, 0, 1) },
    { kind: "operands", op: "subtract", operands },
    { kind: "operands", op: "multiply", operands },
    { kind: "scalars", op: "divide", value: (r) => (r % 4 === 0 ? 0 : 3) },
    { kind: "scalars", op: "add", value: (r) => (r % 2 === 0 ? 0 : -0) },
  ];
}

const layouts: [number, number, number][] = [
  [1, 1, 1],
  [1, 5, 3],
  [2, 7, 1],
  [3, 4, 5],
  [1, 1793, 3],
  [1, 33, 2],
];

/** Rows of a layout at an offset into an array, and what the JavaScript loops make of them. */
function problem(Type: typeof Float32Array | typeof Float64Array, layout: number[], scale = 1) {
  const [outer, length, inner] = layout as [number, number, number];
  const n = outer * length * inner;
  // Enough rows for several chunks of the kernels, at an offset into the array.
  const rows = Math.max(3, Math.ceil((scale * 600 * 1024) / (n * Type.BYTES_PER_ELEMENT)));
  const offset = 5;
  const input = data(Type, offset + rows * n + 4, n + rows);
  const program = steps(outer, length, inner, n);
  const expected = input.slice();
  for (let r = 0; r < rows; r++) {
    const row = expected.subarray(offset + r * n, offset + (r + 1) * n);
    for (const step of program) reference(row, 40 + r, step);
  }
  return { n, rows, offset, input, program, expected };
}

/** Elements of `actual` other than `expected` (NaN equal to NaN). */
function mismatches(actual: Floats, expected: Floats): number {
  let count = 0;
  for (let k = 0; k < actual.length; k++)
    if (
      !Object.is(actual[k], expected[k]) &&
      !(Number.isNaN(actual[k]!) && Number.isNaN(expected[k]!))
    )
      count++;
  return count;
}

describe("rowKernels", () => {
  for (const Type of [Float32Array, Float64Array])
    for (const layout of layouts)
      it(`${Type.name} rows of ${layout.join(" x ")}: the bits of the JavaScript loops`, async () => {
        const kernels = await rowKernels();
        expect(kernels).toBeDefined();
        const { n, rows, offset, input, program, expected } = problem(Type, layout);
        const actual = input.slice();
        kernels!.transform(actual, offset, rows, n, program, 40);
        expect(mismatches(actual, expected)).toBe(0);
      });

  it("leaves the data alone with no steps or no rows", async () => {
    const kernels = (await rowKernels())!;
    const values = Float32Array.of(1, 2, 3);
    kernels.transform(values, 0, 1, 3, []);
    kernels.transform(values, 0, 0, 3, [{ kind: "sqrt" }]);
    expect([...values]).toEqual([1, 2, 3]);
  });
});

describe("rowTransformOf (rows in kernel memory, on the kernel threads)", () => {
  const cases = [Float32Array, Float64Array].flatMap((Type) => [
    ...layouts.map((layout) => ({ Type, layout, threads: 2 })),
    // One thread: unshared memory, the program on this thread alone.
    { Type, layout: [1, 1793, 3], threads: 1 },
  ]);
  for (const { Type, layout, threads } of cases)
    it(`${Type.name} rows of ${layout.join(" x ")} on ${threads} thread(s): the bits of the JavaScript loops`, async () => {
      const kernels = await createKernels({ backend: "wasm-simd", threads });
      try {
        // Rows for several chunks of each thread (a chunk is 1 MiB of rows).
        const { n, rows, offset, input, program, expected } = problem(Type, layout, 6);
        const dtype = Type === Float32Array ? "float32" : "float64";
        const matrix = kernels.allocMatrix(input.length, 1, dtype);
        matrix.data.set(input);
        const transform = rowTransformOf(matrix.data);
        expect(transform).toBeDefined();
        await transform!(offset, rows, n, program, 40);
        expect(mismatches(matrix.data, expected)).toBe(0);
      } finally {
        await kernels.dispose();
      }
    });

  it("is undefined for memory of no kernels, JavaScript kernels or disposed kernels", async () => {
    expect(rowTransformOf(new Float32Array(8))).toBeUndefined();
    const js = await createKernels({ backend: "js", threads: 1 });
    expect(rowTransformOf(js.allocMatrix(4, 2, "float32").data)).toBeUndefined();
    await js.dispose();
    const wasm = await createKernels({ backend: "wasm-simd", threads: 1 });
    const data = wasm.allocMatrix(4, 2, "float32").data;
    expect(rowTransformOf(data)).toBeDefined();
    await wasm.dispose();
    expect(rowTransformOf(data)).toBeUndefined();
  });
});
