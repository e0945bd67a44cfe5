/**
 * Any chain of selections and delayed operations equals the same steps done eagerly on an
 * in-memory copy (a model written element by element, independent of the block-wise reader),
 * read whole, in blocks along each axis, and row by row into a buffer.
 */

import type { TensorDataset, TensorView } from "@tt/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datasetFromTensor, viewFromJSON } from "../../src/index.js";
import { datasetOf, positionalTensor } from "./fixture.js";

const tensor = positionalTensor(9, 6, 5);
const axes = ["instance", "sample", "channel"] as const;
const channelIds = ["Fz", "Cz", "Pz", "Oz", "T7"];

/** The eager model: the current values, C order, and the original position of each element. */
interface Model {
  shape: number[];
  data: Float64Array;
  origin: number[][];
}

function strides(shape: readonly number[]): number[] {
  const out = shape.map(() => 1);
  for (let a = shape.length - 2; a >= 0; a--) out[a] = out[a + 1]! * shape[a + 1]!;
  return out;
}

/** Every multi-index of `shape`, in C order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const size = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  for (let flat = 0; flat < size; flat++) yield shape.map((n, a) => Math.floor(flat / st[a]!) % n);
}

function at(model: Model, index: readonly number[]): number {
  const st = strides(model.shape);
  return model.data[index.reduce((sum, i, a) => sum + i * st[a]!, 0)]!;
}

function map(model: Model, f: (x: number, index: number[]) => number): Model {
  const data = new Float64Array(model.data.length);
  let flat = 0;
  for (const index of indices(model.shape)) data[flat++] = f(at(model, index), index);
  return { ...model, data };
}

function select(model: Model, axis: number, rows: number[]): Model {
  const shape = [...model.shape];
  shape[axis] = rows.length;
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let flat = 0;
  for (const index of indices(shape)) {
    const source = [...index];
    source[axis] = rows[index[axis]!]!;
    data[flat++] = at(model, source);
  }
  const origin = [...model.origin];
  origin[axis] = rows.map((r) => model.origin[axis]![r]!);
  return { shape, data, origin };
}

/** The mean over positions `window` of `axis`, subtracted. */
function subtractMean(model: Model, axis: number, window: number[]): Model {
  return map(model, (x, index) => {
    let sum = 0;
    for (const w of window) {
      const other = [...index];
      other[axis] = w;
      sum += at(model, other);
    }
    return x - sum / window.length;
  });
}

const operation = fc.record({
  kind: fc.constantFrom("slice", "take", "mask", "divide", "add", "sqrt", "mean", "element", "abs"),
  axis: fc.integer({ min: 0, max: 2 }),
  a: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  b: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  picks: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 7 }),
});
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** The step on the view and on the model; `undefined` when it does not apply to the current shape. */
function step(view: TensorView, model: Model, op: Operation): [TensorView, Model] | undefined {
  const name = axes[op.axis]!;
  const n = model.shape[op.axis]!;
  const reduced = op.axis === 0 ? 1 + Math.floor(op.a * 2) : op.axis;
  switch (op.kind) {
    case "slice": {
      const start = Math.floor(op.a * (n + 1));
      const stop = start + Math.floor(op.b * (n - start + 1));
      const rows = Array.from({ length: stop - start }, (_, i) => start + i);
      return [view.slice(name, start, stop), select(model, op.axis, rows)];
    }
    case "take": {
      if (n === 0) return undefined;
      const rows = op.picks.map((p) => Math.floor(p * n));
      return [view.take(name, rows), select(model, op.axis, rows)];
    }
    case "mask": {
      const mask = Array.from({ length: n }, (_, i) => (op.picks[i % 7] ?? op.a) < 0.6);
      if (n === 0) return undefined;
      const rows = mask.flatMap((keep, i) => (keep ? [i] : []));
      return [view.filter(name, mask), select(model, op.axis, rows)];
    }
    case "divide": {
      const values = Array.from({ length: n }, (_, i) => 1 + ((i * 7 + Math.floor(op.a * 5)) % 5));
      return [
        view.divide(values, { axis: name }),
        map(model, (x, index) => x / values[index[op.axis]!]!),
      ];
    }
    case "add": {
      const value = Math.round(op.a * 2000) - 1000;
      return [view.add(value), map(model, (x) => x + value)];
    }
    case "sqrt":
      return [view.sqrt(), map(model, Math.sqrt)];
    case "abs":
      return [view.abs(), map(model, Math.abs)];
    case "mean": {
      const length = model.shape[reduced]!;
      if (length === 0) return undefined;
      const start = Math.floor(op.a * length);
      const stop = start + 1 + Math.floor(op.b * (length - start));
      const window = Array.from({ length: stop - start }, (_, i) => start + i);
      return [
        view.subtractMean(axes[reduced]!, { start, stop }),
        subtractMean(model, reduced, window),
      ];
    }
    case "element": {
      const channels = model.origin[2]!;
      if (channels.length === 0) return undefined;
      const row = Math.floor(op.a * channels.length);
      const first = channels.indexOf(channels[row]!);
      return [
        view.subtractElement("channel", channelIds[channels[row]!]!),
        subtractMean(model, 2, [first]),
      ];
    }
  }
}

function expectSame(got: ArrayLike<number>, expected: Float64Array) {
  expect(got.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (Number.isNaN(e)) expect(got[i]).toBeNaN();
    else expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  }
}

const sources: [string, () => Promise<TensorDataset>][] = [
  ["of a bundle", async () => (await datasetOf(tensor)).dataset],
  [
    "of a tensor in memory",
    async () => datasetFromTensor(tensor, { axisIndexColumns: { sample: "sample_index" } }),
  ],
];

describe.each(sources)("any chain of selections and delayed operations %s", (_, open) => {
  it("equals the same steps done eagerly on an in-memory copy, however it is read", async () => {
    const dataset = await open();
    const start: Model = {
      shape: [...tensor.shape],
      data: Float64Array.from(tensor.data as Float64Array),
      origin: tensor.shape.map((n) => Array.from({ length: n }, (_, i) => i)),
    };
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 7 }), async (ops) => {
        let view: TensorView = dataset;
        let model = start;
        for (const op of ops) {
          const next = step(view, model, op);
          if (next !== undefined) [view, model] = next;
        }
        expect(view.shape).toEqual(model.shape);
        const whole = await view.materialize();
        expectSame(whole.data as Float64Array, model.data);
        const replayed = viewFromJSON(dataset, JSON.parse(JSON.stringify(view.toJSON())));
        expect(Array.from((await replayed.materialize()).data as Float64Array)).toEqual(
          Array.from(whole.data as Float64Array),
        );
        const read: Model = { ...model, data: Float64Array.from(whole.data as Float64Array) };
        for (const [a, axis] of axes.entries()) {
          for await (const { start, tensor: block } of view.blocks({ axis, size: 2 })) {
            const rows = Array.from({ length: block.shape[a]! }, (_, i) => start + i);
            expect(Array.from(block.data as Float64Array)).toEqual(
              Array.from(select(read, a, rows).data),
            );
          }
        }
        const target = new Float64Array(whole.data.length);
        const rows = view.shape[0]!;
        const slab = rows === 0 ? 0 : target.length / rows;
        for (let row = 0; row < rows; row++)
          await view.readRowsInto!(row, row + 1, target, row * slab);
        expect(Array.from(target)).toEqual(Array.from(whole.data as Float64Array));
      }),
      { numRuns: 120 },
    );
  });
});
