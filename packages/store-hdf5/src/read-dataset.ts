/** Reading a selection of a dataset: the plan's boxes read by HDF5 one at a time, then scattered. */

import {
  ArgumentError,
  type AxisSelection,
  allocate,
  DataError,
  matchesDType,
  type ResolvedSelection,
  resolveSelection,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import type { DatasetInfo } from "./dataset-info.js";
import { hdf5Call, hdf5Reason } from "./h5wasm.js";
import type { OpenFile } from "./hdf5-file.js";
import { type Box, planBoxes } from "./read-plan.js";
import { scatter } from "./scatter.js";

/** The most bytes HDF5 reads in one call: larger selections are read in pieces of chunks. */
const BOX_BYTES = 16 * 1024 * 1024;
/** How long a read may hold the thread before it lets other work run. */
const SLICE_MS = 50;

/** What a read needs: the open file, the dataset, and whether axes are reported reversed. */
export interface ReadContext {
  readonly file: OpenFile;
  /** The dataset as it is now (a writable array's shape changes). */
  info(): DatasetInfo;
  /** Axes reported in reverse of the file's order (MATLAB's order). */
  readonly reversed: boolean;
  /** Axis names in the reported order, for messages. */
  dimensionNames(): readonly string[];
  /** Where the dataset is, for messages: `file:/path`. */
  readonly where: string;
}

function reportedShape(context: ReadContext): number[] {
  const { shape } = context.info();
  return context.reversed ? [...shape].reverse() : [...shape];
}

/** Reads one box into `pointer` of the WebAssembly memory. */
function readBox(context: ReadContext, box: Box, pointer: number): void {
  const { module, fileId } = context.file;
  const path = context.info().path;
  let status: number;
  try {
    status = hdf5Call(module, () =>
      module.get_dataset_data(
        fileId,
        path,
        box.map((axis) => BigInt(axis.count)),
        box.map((axis) => BigInt(axis.start)),
        box.map(() => 1n),
        BigInt(pointer),
      ),
    );
  } catch (error) {
    throw new DataError(context.where, `HDF5 cannot read it: ${hdf5Reason(error)}`, {
      cause: error,
    });
  }
  if (status < 0) throw new DataError(context.where, `HDF5 read failed with status ${status}`);
}

/** Lets other work run if this read has held the thread for a while. */
async function pause(since: { at: number }): Promise<void> {
  if (Date.now() - since.at < SLICE_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  since.at = Date.now();
}

/** Reads `resolved` (reported order) into `target` at `offset`, box by box. */
async function readResolved(
  context: ReadContext,
  resolved: ResolvedSelection,
  target: TypedArray,
  offset: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const info = context.info();
  const lengths = resolved.map((p) => p.length);
  const strides = lengths.map((_, a) => sizeOf(lengths.slice(a + 1)));
  const positions = context.reversed ? [...resolved].reverse() : resolved;
  const boxStrides = context.reversed ? [...strides].reverse() : strides;
  const boxes = planBoxes(info.shape, info.chunks, positions, info.itemSize, BOX_BYTES);
  if (boxes.length === 0) return;
  const { module } = context.file;
  const largest = Math.max(...boxes.map((box) => box.reduce((n, a) => n * a.count, 1)));
  const pointer = module._malloc(Math.max(1, largest * info.itemSize));
  if (pointer === 0)
    throw new DataError(context.where, `no WebAssembly memory for ${largest} elements`);
  const Element = typedArrayConstructor(info.dtype);
  const since = { at: Date.now() };
  try {
    for (const box of boxes) {
      signal?.throwIfAborted();
      readBox(context, box, pointer);
      const elements = box.reduce((n, a) => n * a.count, 1);
      // The memory may have grown during the read: take its buffer afresh.
      const data = new Element(module.HEAPU8.buffer, pointer, elements);
      scatter(data, box, target, offset, boxStrides);
      await pause(since);
    }
  } finally {
    module._free(pointer);
  }
}

/** Reads `selection` (reported order) into a new typed array. */
export async function readSelection(
  context: ReadContext,
  selection: readonly AxisSelection[],
  signal?: AbortSignal,
): Promise<TypedArray> {
  signal?.throwIfAborted();
  const resolved = resolveSelection(reportedShape(context), selection, context.dimensionNames());
  const out = allocate(context.info().dtype, sizeOf(resolved.map((p) => p.length)));
  await readResolved(context, resolved, out, 0, signal);
  return out;
}

/** Reads `selection` (reported order) into `target` at `offset`, after checking the target. */
export async function readSelectionInto(
  context: ReadContext,
  selection: readonly AxisSelection[],
  target: TypedArray,
  offset: number,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const { dtype } = context.info();
  const resolved = resolveSelection(reportedShape(context), selection, context.dimensionNames());
  const size = sizeOf(resolved.map((p) => p.length));
  if (!matchesDType(target, dtype))
    throw new ArgumentError(
      "readInto",
      "target",
      `${context.where}: target is a ${target.constructor.name}, the array holds ${dtype}`,
    );
  if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length)
    throw new ArgumentError(
      "readInto",
      "offset",
      `${context.where}: ${size} elements at ${offset} do not fit a target of ${target.length}`,
    );
  await readResolved(context, resolved, target, offset, signal);
}
