import { gather, type TensorDataset, type TensorView } from "@tt/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { datasetFromTensor } from "../../src/index.js";
import { datasetOf, positionalTensor } from "./fixture.js";

const tensor = positionalTensor(17, 6, 5);
const axes = ["instance", "sample", "channel"] as const;

/** One view operation with its random choices as fractions, resolved against the current lengths. */
const operation = fc.record({
  kind: fc.constantFrom("slice", "take", "mask", "ids", "query"),
  axis: fc.integer({ min: 0, max: 2 }),
  a: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  b: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  picks: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 8 }),
});

/** The in-memory model's answer for a query selector on each axis. */
const queries = [
  {
    expr: (a: number) => `k < ${Math.floor(a * 11)}`,
    keep: (i: number, a: number) => (i * 7) % 10 < Math.floor(a * 11),
  },
  {
    expr: (a: number) => `t >= ${Math.floor(a * 6) / 10}`,
    keep: (j: number, a: number) => j / 10 >= Math.floor(a * 6) / 10,
  },
  { expr: () => "region == 'back' or region == 'side'", keep: (k: number) => k >= 2 },
];
const idOf: ((index: number) => string | number)[] = [
  (i: number) => `e${i}`,
  (j: number) => j * 4,
  (k: number) => ["Fz", "Cz", "Pz", "Oz", "T7"][k]!,
];

/** The same tensor as a bundle (chunks of 5 instances) and as a dataset held in memory. */
const sources: [string, () => Promise<TensorDataset>][] = [
  ["of a bundle", async () => (await datasetOf(tensor)).dataset],
  [
    "of a tensor in memory",
    async () => datasetFromTensor(tensor, { axisIndexColumns: { sample: "sample_index" } }),
  ],
];

describe.each(sources)("any chain of query, filter, slice and take %s", (_, open) => {
  it("equals direct indexing of an in-memory copy, for data and metadata", async () => {
    const dataset = await open();
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 6 }), async (ops) => {
        const model = tensor.shape.map((n) => Array.from({ length: n }, (_, i) => i));
        let view: TensorView = dataset;
        for (const op of ops) {
          const name = axes[op.axis]!;
          const current = model[op.axis]!;
          const n = current.length;
          if (op.kind === "slice") {
            const start = Math.floor(op.a * (n + 1));
            const stop = start + Math.floor(op.b * (n - start + 1));
            view = view.slice(name, start, stop);
            model[op.axis] = current.slice(start, stop);
          } else if (n === 0) {
          } else if (op.kind === "take") {
            const indices = op.picks.map((p) => Math.floor(p * n));
            view = view.take(name, indices);
            model[op.axis] = indices.map((i) => current[i]!);
          } else if (op.kind === "mask") {
            const mask = current.map(
              (_, i) => (op.picks[i % Math.max(1, op.picks.length)] ?? op.a) < 0.5,
            );
            view = view.filter(name, mask);
            model[op.axis] = current.filter((_, i) => mask[i]);
          } else if (op.kind === "ids") {
            const chosen = [...new Set(op.picks.map((p) => current[Math.floor(p * n)]!))];
            view = view.filter(name, chosen.map(idOf[op.axis]!) as (string | number)[]);
            model[op.axis] = chosen;
          } else {
            const q = queries[op.axis]!;
            view = view.query(name, q.expr(op.a));
            model[op.axis] = current.filter((p) => q.keep(p, op.a));
          }
        }
        expect(view.shape).toEqual(model.map((m) => m.length));
        for (const [a, axis] of axes.entries()) {
          expect(Array.from(view.ids(axis) as ArrayLike<unknown>)).toEqual(model[a]!.map(idOf[a]!));
        }
        expect(view.meta("instance").select(["group", "k", "qc_pass"]).toRecords()).toEqual(
          tensor.axisMeta.instance!.take(model[0]!).toRecords(),
        );
        const got = await view.materialize();
        expect([...got.data]).toEqual([...gather(tensor.data, tensor.shape, model)]);
      }),
      { numRuns: 150 },
    );
  });
});
