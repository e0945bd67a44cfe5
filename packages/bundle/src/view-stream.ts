/**
 * Any view as a stream of blocks for the bundle writer: a query of a bundle, a joined view, a
 * view of an in-memory tensor. Its ids, the metadata of every axis, the mask and the attributes
 * travel with it; nothing needs the whole tensor in memory.
 */

import {
  type AxisIndex,
  hashManifest,
  type MetaTable,
  type ReadableView,
  type TensorView,
} from "@tt/schema";
import type { StreamBlock, TensorStream } from "./stream.js";

/** Whether `source` is a view (it reads itself with `blocks()`), not a tensor or a stream. */
export function isReadableView(source: unknown): source is ReadableView {
  const candidate = source as Partial<ReadableView> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.blocks === "function" &&
    typeof candidate.ids === "function" &&
    typeof candidate.meta === "function"
  );
}

/** Where a view comes from, for the manifest of the bundle written from it. */
export async function viewOrigin(
  view: ReadableView,
): Promise<
  { location: string; manifest_hash: string; selectors: unknown[]; field?: string } | undefined
> {
  const selected = view as Partial<TensorView>;
  const dataset = selected.dataset as
    | (TensorView & { location?: string; manifest?: object })
    | undefined;
  if (dataset?.location === undefined || dataset.manifest === undefined) return undefined;
  const field = selected.toJSON?.().field;
  return {
    location: dataset.location,
    manifest_hash: await hashManifest(dataset.manifest as never),
    selectors: structuredClone([...(selected.selectors ?? [])]),
    ...(field === undefined ? {} : { field }),
  };
}

/** The view as a stream of blocks of about `rows` instances, ids and metadata included. */
export function streamFromView(view: ReadableView, rows: number): TensorStream {
  const [first, ...rest] = view.axes;
  const axisMeta: Record<string, MetaTable> = {};
  const axisIndex: Record<string, AxisIndex> = {};
  for (const axis of rest) {
    const meta = view.meta(axis);
    if (meta.columnNames.length > 0) axisMeta[axis] = meta;
    const ids = view.ids(axis);
    // Ids in the metadata's id column travel with it; others (an in-memory index) separately.
    const column = view.axisIndexColumns[axis];
    if (ids !== undefined && (column === undefined || !meta.has(column))) axisIndex[axis] = ids;
  }
  const firstColumn = view.axisIndexColumns[first!];
  async function* blocks(): AsyncGenerator<StreamBlock> {
    for await (const { tensor } of view.blocks({ size: Math.max(1, rows) })) {
      const meta = tensor.axisMeta[first!];
      const ids = tensor.axisIndex[first!];
      const withIds = meta !== undefined && firstColumn !== undefined && meta.has(firstColumn);
      yield {
        data: tensor.data,
        ...(meta !== undefined ? { meta } : {}),
        ...(withIds || ids === undefined ? {} : { ids }),
        ...(tensor.mask !== undefined ? { mask: tensor.mask } : {}),
      };
    }
  }
  const attrs = (view as Partial<TensorView>).attrs;
  return {
    axes: view.axes,
    dtype: view.dtype,
    shape: view.shape,
    axisMeta,
    axisIndex,
    ...(attrs !== undefined ? { attrs: { ...attrs } } : {}),
    withMask: view.hasMask,
    blocks: blocks(),
  };
}
