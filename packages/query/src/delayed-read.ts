/**
 * Reading a view through its delayed operations: the stored data of the selected elements lands
 * in the caller's buffer (straight from storage where the store can and no conversion is needed),
 * then the operations transform it there in place: where the buffer is kernel memory (a streamed
 * decomposition's block), as a row program on the kernel threads without a copy; else on
 * @tt/linalg's row kernels (WebAssembly SIMD, a cache-sized chunk of rows at a time, every
 * operation in turn while the chunk is in cache), or where they do not run, in JavaScript loops a
 * row at a time; the same bits every way. An operation
 * that needs values the block does not hold (a mean over positions a later selection dropped)
 * reads them first, through the operations before it.
 */

import {
  type RowStep as KernelStep,
  type RowKernels,
  rowKernels,
  rowTransformOf,
} from "@tt/linalg";
import {
  type IOOptions,
  type StoredDataset,
  sizeOf,
  type TypedArray,
  typedArrayConstructor,
} from "@tt/schema";
import {
  applyLinearMap,
  applyOperands,
  applyScalar,
  applyUnary,
  type Floats,
  meanLayout,
  rowMeans,
  subtractRowMeans,
} from "./apply-ops.js";
import type { DelayedOp, Lineage, Positions, UnaryOperator } from "./delayed-ops.js";
import { asSelection } from "./positions.js";

/** Where a read lands: `data` from element `offset` on, C order. */
export interface Destination {
  readonly data: TypedArray;
  readonly offset: number;
}

/** One operation of a read: the operation and the positions of the block in its input view. */
interface Stage {
  readonly op: DelayedOp;
  readonly selection: Positions;
}

/** Bytes of a piece of an uncompressed read, transformed while the next pieces are read. */
const PIECE_BYTES = 4 * 2 ** 20;

/** Transforms row `r` of the block in place. */
type RowStep = (row: Floats, r: number) => void;

/** A step of a read: for the row kernels, and the same step as a JavaScript loop. */
interface Step {
  readonly kernel: KernelStep;
  readonly js: RowStep;
}

/** `index[selection[i]]` for every `i` (the selection is known to be in range). */
function through(index: Int32Array, selection: Int32Array): Int32Array {
  const out = new Int32Array(selection.length);
  for (let i = 0; i < selection.length; i++) out[i] = index[selection[i]!]!;
  return out;
}

/** Whether `selection` is `0, 1, ..., length - 1`. */
function isIdentity(selection: Int32Array, length: number): boolean {
  if (selection.length !== length) return false;
  for (let i = 0; i < length; i++) if (selection[i] !== i) return false;
  return true;
}

/**
 * Where each position of `window` is in `selection` (positions of an axis of `length`), or
 * `undefined` when one is missing.
 */
function positionsWithin(
  selection: Int32Array,
  window: Int32Array,
  length: number,
): Int32Array | undefined {
  if (isIdentity(selection, length)) return window;
  const inverse = new Int32Array(length).fill(-1);
  for (let j = selection.length - 1; j >= 0; j--) inverse[selection[j]!] = j;
  const columns = new Int32Array(window.length);
  for (let k = 0; k < window.length; k++) {
    const at = inverse[window[k]!]!;
    if (at < 0) return undefined;
    columns[k] = at;
  }
  return columns;
}

/** Copies `source` into `target` from `offset` on, as numbers (int64 and uint64 too). */
function copyConverted(source: TypedArray, target: TypedArray, offset: number): void {
  if (source instanceof BigInt64Array || source instanceof BigUint64Array) {
    const out = target as Float64Array;
    for (let i = 0; i < source.length; i++) out[offset + i] = Number(source[i]!);
  } else (target as Float64Array).set(source as Float64Array, offset);
}

/** Whether `target` holds elements of `dtype` exactly (so the store may write into it). */
function holds(target: TypedArray, dtype: StoredDataset["dtype"]): boolean {
  return dtype !== "bool" && target instanceof typedArrayConstructor(dtype);
}

/** Reads stored elements at `positions` picked by `selection` into `destination`. */
async function readStored(
  stored: StoredDataset,
  positions: Positions,
  selection: Positions,
  destination: Destination,
  options: IOOptions,
): Promise<void> {
  const picked = selection.map((s, a) => asSelection(through(positions[a]!, s)));
  const { data, offset } = destination;
  if (stored.readInto !== undefined && holds(data, stored.dtype))
    return stored.readInto(picked, data, offset, options);
  copyConverted(await stored.read(picked, options), data, offset);
}

/** Each element of a row of `selection` (the axes after the first), its operand along `axis`. */
function rowOperands(values: Float64Array, selection: Positions, axis: number): Float64Array {
  const shape = selection.slice(1).map((s) => s.length);
  let inner = 1;
  for (let a = axis + 1; a < selection.length; a++) inner *= selection[a]!.length;
  const along = selection[axis]!;
  const operands = new Float64Array(sizeOf(shape));
  for (let k = 0; k < operands.length; k++)
    operands[k] = values[along[Math.floor(k / inner) % along.length]!]!;
  return operands;
}

/** The step of an arithmetic operation. */
function arithmeticStep(stage: Stage): Step {
  const { selection, op } = stage;
  const step = op.step as Extract<DelayedOp["step"], { kind: "arithmetic" }>;
  const { axis, values } = step;
  if (axis <= 0) {
    const value = axis < 0 ? () => values[0]! : (r: number) => values[selection[0]![r]!]!;
    return {
      kernel: { kind: "scalars", op: step.op, value },
      js: (row, r) => applyScalar(row, step.op, value(r)),
    };
  }
  const operands = rowOperands(values, selection, axis);
  return {
    kernel: { kind: "operands", op: step.op, operands },
    js: (row) => applyOperands(row, step.op, operands),
  };
}

/**
 * The step of a mean subtracted. The window is the row's own elements when the block holds them;
 * else it is read first, through the operations before this one.
 */
async function meanStep(stored: StoredDataset, stage: Stage, options: IOOptions): Promise<Step> {
  const { op, selection } = stage;
  const { axis, window } = op.step as Extract<DelayedOp["step"], { kind: "mean" }>;
  const layout = meanLayout(
    selection.slice(1).map((s) => s.length),
    axis - 1,
  );
  const means = new Float64Array(layout.outer * layout.inner);
  const covered = positionsWithin(selection[axis]!, window, op.shape[axis]!);
  if (covered !== undefined)
    return {
      kernel: { kind: "means", layout, columns: covered },
      js: (row) => {
        rowMeans(row, layout, layout.length, covered, means);
        subtractRowMeans(row, layout.meanOf, means);
      },
    };
  const windowSelection = selection.map((s, a) => (a === axis ? window : s));
  const values = new (typedArrayConstructor(op.dtype))(
    sizeOf(windowSelection.map((s) => s.length)),
  );
  await readLineage(stored, op.input, windowSelection, { data: values, offset: 0 }, options);
  const size = values.length / Math.max(1, selection[0]!.length);
  const columns = window.map((_, k) => k);
  const fill = (r: number, into: Float64Array) =>
    rowMeans(values.subarray(r * size, (r + 1) * size), layout, window.length, columns, into);
  return {
    kernel: { kind: "given-means", layout, fill },
    js: (row, r) => {
      fill(r, means);
      subtractRowMeans(row, layout.meanOf, means);
    },
  };
}

/**
 * The step of a linear map along an axis. Every output needs every input of the axis: when the
 * block holds them all, in order, the row is its own source; else the inputs are read first,
 * through the operations before this one.
 */
async function linearStep(stored: StoredDataset, stage: Stage, options: IOOptions): Promise<Step> {
  const { op, selection } = stage;
  const { axis, matrix, offset } = op.step as Extract<DelayedOp["step"], { kind: "linear" }>;
  const n = op.shape[axis]!;
  const layout = meanLayout(
    selection.slice(1).map((s) => s.length),
    axis - 1,
  );
  const outputs = selection[axis]!;
  const map = { matrix, offset, outputs };
  const inputs = new Float64Array(n);
  if (isIdentity(outputs, n)) {
    const js: RowStep = (row) => applyLinearMap(row, row, layout, map, inputs);
    return { kernel: { kind: "each-row", apply: js }, js };
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const full = selection.map((s, a) => (a === axis ? all : s));
  const values = new (typedArrayConstructor(op.dtype))(sizeOf(full.map((s) => s.length)));
  await readLineage(stored, op.input, full, { data: values, offset: 0 }, options);
  const size = values.length / Math.max(1, selection[0]!.length);
  const js: RowStep = (row, r) =>
    applyLinearMap(row, values.subarray(r * size, (r + 1) * size), layout, map, inputs);
  return { kernel: { kind: "each-row", apply: js }, js };
}

/** The step of a function applied to every element. */
function unaryStep(op: UnaryOperator): Step {
  const js: RowStep = (row) => applyUnary(row, op);
  if (op === "log1p") return { kernel: { kind: "each-row", apply: js }, js };
  return { kernel: { kind: op }, js };
}

/** The steps of the stages, in order. */
function rowSteps(
  stored: StoredDataset,
  stages: readonly Stage[],
  options: IOOptions,
): Promise<Step[]> {
  return Promise.all(
    stages.map(async (stage): Promise<Step> => {
      const { step } = stage.op;
      if (step.kind === "unary") return unaryStep(step.op);
      if (step.kind === "arithmetic") return arithmeticStep(stage);
      if (step.kind === "linear") return linearStep(stored, stage, options);
      return meanStep(stored, stage, options);
    }),
  );
}

/**
 * Reads the elements `selection` (per axis, positions in the view) of the view whose data comes
 * about by `lineage` into `destination`, every delayed operation applied.
 */
export async function readLineage(
  stored: StoredDataset,
  lineage: Lineage,
  selection: Positions,
  destination: Destination,
  options: IOOptions,
): Promise<void> {
  const stages: Stage[] = [];
  let source = lineage;
  let positions = selection;
  while (source.top !== undefined) {
    const { op, index } = source.top;
    positions = positions.map((s, a) => through(index[a]!, s));
    stages.unshift({ op, selection: positions });
    source = op.input;
  }
  const rows = selection[0]!.length;
  const rowSize = rows === 0 ? 0 : sizeOf(selection.map((s) => s.length)) / rows;
  const data = destination.data as Floats;
  // Uncompressed data is read in pieces, all at once: each piece is transformed as soon as it
  // has landed, while the reads of the next ones go on (compressed chunks would be decoded once
  // per piece, so they are read whole).
  const pieceRows =
    stored.array.metadata.codec === "none"
      ? Math.max(1, Math.floor(PIECE_BYTES / Math.max(1, rowSize * data.BYTES_PER_ELEMENT)))
      : Math.max(1, rows);
  const steps = rowSteps(stored, stages, options);
  // Loaded beside the reads (never rejects: undefined where the kernels do not run).
  const loading = stages.length > 0 ? rowKernels() : Promise.resolve(undefined);
  const reads: Promise<void>[] = [];
  for (let r0 = 0; r0 < Math.max(1, rows); r0 += pieceRows) {
    const piece = [positions[0]!.subarray(r0, r0 + pieceRows), ...positions.slice(1)];
    const at = destination.offset + r0 * rowSize;
    reads.push(readStored(stored, source.positions, piece, { data, offset: at }, options));
  }
  // Awaited in order below; a read that fails meanwhile must not go unhandled.
  for (const read of [steps, ...reads]) read.catch(() => undefined);
  try {
    const ready = await steps;
    // Rows read straight into kernel memory (a streamed decomposition's block) are transformed
    // there, in place, on the kernel threads, once all have landed.
    const inPlace = ready.length > 0 && rows > 0 ? rowTransformOf(data) : undefined;
    if (inPlace !== undefined) {
      await Promise.all(reads);
      const kernelSteps = ready.map((step) => step.kernel);
      await inPlace(destination.offset, rows, rowSize, kernelSteps, 0);
      return;
    }
    const kernels = await loading;
    for (const [i, read] of reads.entries()) {
      await read;
      const r0 = i * pieceRows;
      const to = Math.min(rows, r0 + pieceRows);
      applyRows(data, destination.offset, r0, to, rowSize, ready, kernels);
    }
  } catch (error) {
    // The caller may release the destination once this fails: let every read land first.
    await Promise.allSettled(reads);
    throw error;
  }
}

/**
 * Every step on rows `from..to` of the block at `offset`: on the row kernels when there are, else
 * a row at a time in JavaScript (the same bits).
 */
function applyRows(
  data: Floats,
  offset: number,
  from: number,
  to: number,
  rowSize: number,
  steps: readonly Step[],
  kernels: RowKernels | undefined,
): void {
  if (steps.length === 0) return;
  if (kernels !== undefined) {
    const kernelSteps = steps.map((step) => step.kernel);
    kernels.transform(data, offset + from * rowSize, to - from, rowSize, kernelSteps, from);
    return;
  }
  for (let r = from, at = offset + from * rowSize; r < to; r++, at += rowSize) {
    const row = data.subarray(at, at + rowSize);
    for (const step of steps) step.js(row, r);
  }
}
