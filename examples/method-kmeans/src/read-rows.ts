/** Reads a view into an instances x features matrix of float64, block by block. */

import { DataError, type ReadableView } from "@tt/schema";

/** The rows of a view: the first axis, with every other axis flattened in C order. */
export interface RowMatrix {
  /** Row-major values, `n` x `p`. */
  data: Float64Array;
  /** The number of rows (instances). */
  n: number;
  /** The number of columns (the other axes flattened). */
  p: number;
}

/** How many values to read per block: a few MiB, so the copy never doubles a large input. */
const BLOCK_VALUES = 1 << 20;

/** The id of instance `row`, for messages. */
function idAt(view: ReadableView, row: number): string {
  const ids = view.ids(view.axes[0]!);
  return ids === undefined ? `#${row}` : String(ids[row]);
}

/**
 * Copies `view` into a float64 row matrix. A missing value (NaN, or 0 in the validity mask) is
 * a DataError naming how many instances have one and the first ids: k-means has no way to
 * place them.
 */
export async function readRows(
  view: ReadableView,
  signal: AbortSignal | undefined,
  onProgress: (fraction: number) => void,
): Promise<RowMatrix> {
  const n = view.shape[0]!;
  const p = view.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = new Float64Array(n * p);
  const missing: number[] = [];
  const size = Math.max(1, Math.floor(BLOCK_VALUES / Math.max(p, 1)));
  for await (const { start, tensor } of view.blocks({ size, signal })) {
    signal?.throwIfAborted();
    const values = tensor.data;
    const rows = tensor.shape[0]!;
    for (let r = 0; r < rows; r++) {
      let bad = false;
      for (let j = 0; j < p; j++) {
        const at = r * p + j;
        const value = Number(values[at]);
        if (Number.isNaN(value) || tensor.mask?.[at] === 0) bad = true;
        data[(start + r) * p + j] = value;
      }
      if (bad) missing.push(start + r);
    }
    onProgress((start + rows) / Math.max(n, 1));
  }
  if (missing.length > 0) {
    const first = missing.slice(0, 5).map((row) => idAt(view, row));
    throw new DataError(
      `axis '${view.axes[0]}'`,
      `${missing.length} instance(s) have missing values (NaN or masked), first: ${first.join(", ")}; k-means needs complete rows: select them first, e.g. with filter()`,
    );
  }
  return { data, n, p };
}
