/** Shared test helpers: a PCA result of a view, and checks that tables, tensors and results match. */

import { pca } from "@tt/decompose-svd";
import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  type DecompositionResult,
  type FitContext,
  isNullAt,
  type MetaTable,
  type TensorView,
} from "@tt/schema";
import { expect } from "vitest";
import { computeInputRef, createResult } from "../src/index.js";

/** A fit context with a seed and no cancellation. */
export function context(seed = 0): FitContext {
  return { seed, signal: undefined, onProgress() {} };
}

/** PCA of `view` as a checked result. */
export async function pcaResult(view: TensorView, rank = 3): Promise<DecompositionResult> {
  const config = pca.validate({ rank, solver: "exact" });
  const output = await pca.fit(view, config, context());
  return createResult({
    method: pca,
    config,
    inputRef: await computeInputRef(view),
    output,
    attrs: { seed: 0, duration_ms: 12.5 },
    instanceIds: view.ids(view.axes[0]!),
    instance: { axis: view.axes[0]!, idColumn: view.axisIndexColumns[view.axes[0]!] ?? null },
  });
}

/** Whether two cells are the same value: NaN equals NaN, -0 differs from 0 (bit-exact floats). */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return Object.is(a, b);
}

/** Asserts that two columns hold the same type, nulls and values (null slots are not compared). */
export function expectSameColumn(actual: AnyColumn, expected: AnyColumn, what: string): void {
  expect(actual.type, `${what}: type`).toBe(expected.type);
  expect(actual.values.length, `${what}: rows`).toBe(expected.values.length);
  const a = actual.values as ArrayLike<unknown>;
  const e = expected.values as ArrayLike<unknown>;
  for (let row = 0; row < e.length; row++) {
    const nullA = isNullAt(actual, row);
    if (nullA !== isNullAt(expected, row)) expect.fail(`${what} row ${row}: null differs`);
    if (!nullA && !same(a[row], e[row]))
      expect.fail(`${what} row ${row}: got ${String(a[row])}, expected ${String(e[row])}`);
  }
}

/** Asserts that two tables have the same schema, rows and values. */
export function expectSameTable(actual: MetaTable, expected: MetaTable, what: string): void {
  expect(actual.schema, `${what}: schema`).toEqual(expected.schema);
  expect(actual.numRows, `${what}: rows`).toBe(expected.numRows);
  for (const name of expected.columnNames)
    expectSameColumn(actual.column(name), expected.column(name), `${what} column '${name}'`);
}

/** Asserts that two tensors are equal: data bit for bit, axes, indexes, metadata, mask, attrs. */
export function expectSameTensor(
  actual: AxisAnnotatedTensor,
  expected: AxisAnnotatedTensor,
  what: string,
): void {
  expect(actual.dtype, `${what}: dtype`).toBe(expected.dtype);
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.axes, `${what}: axes`).toEqual(expected.axes);
  expect(actual.data.constructor).toBe(expected.data.constructor);
  expect(
    Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength).equals(
      Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength),
    ),
    `${what}: data bytes`,
  ).toBe(true);
  expect(actual.mask, `${what}: mask`).toEqual(expected.mask);
  expect(actual.attrs, `${what}: attrs`).toEqual(expected.attrs);
  expect(Object.keys(actual.axisIndex).sort(), `${what}: indexed axes`).toEqual(
    Object.keys(expected.axisIndex).sort(),
  );
  for (const [axis, index] of Object.entries(expected.axisIndex)) {
    expect(actual.axisIndex[axis]!.constructor, `${what}: index ${axis} kind`).toBe(
      index.constructor,
    );
    expect(actual.axisIndex[axis], `${what}: index ${axis}`).toEqual(index);
  }
  expect(Object.keys(actual.axisMeta).sort(), `${what}: axes with metadata`).toEqual(
    Object.keys(expected.axisMeta).sort(),
  );
  for (const [axis, table] of Object.entries(expected.axisMeta))
    expectSameTable(actual.axisMeta[axis]!, table, `${what} axisMeta.${axis}`);
}

/** Asserts that two results are equal in every part. */
export function expectSameResult(actual: DecompositionResult, expected: DecompositionResult): void {
  expect(actual.method).toBe(expected.method);
  expect(actual.methodVersion).toBe(expected.methodVersion);
  expect(actual.config).toEqual(expected.config);
  expect(actual.inputRef).toEqual(expected.inputRef);
  expect(actual.attrs).toEqual(expected.attrs);
  expect(actual.diagnostics).toEqual(expected.diagnostics);
  expect(Object.keys(actual.factorTables)).toEqual(Object.keys(expected.factorTables));
  for (const [name, table] of Object.entries(expected.factorTables))
    expectSameTable(actual.factorTables[name]!, table, `factor table ${name}`);
  expect(Object.keys(actual.componentTensors)).toEqual(Object.keys(expected.componentTensors));
  for (const [name, tensor] of Object.entries(expected.componentTensors))
    expectSameTensor(actual.componentTensors[name]!, tensor, `component tensor ${name}`);
}
