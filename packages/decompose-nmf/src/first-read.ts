/**
 * The first read of the data: refuses negative values (naming the first one), sums the data for
 * its mean and, for the NNDSVD starts, accumulates the Gram matrix XᵀX on the kernels.
 */

import { describeEntry, type MatrixSource, type Plan } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import { DataError, type ReadableView } from "@tt/schema";

/** What the first read gives. */
export interface FirstRead {
  /** The sum of all entries of the (preprocessed) data. */
  total: number;
  /** XᵀX (p × p), when asked for. */
  gram: Float64Array | undefined;
}

/**
 * Reads the data once: a negative entry is a DataError naming its instance and position on the
 * other axes; the Gram matrix is accumulated when `withGram`.
 */
export async function firstRead(
  view: ReadableView,
  plan: Plan,
  source: MatrixSource,
  kernels: Kernels,
  withGram: boolean,
): Promise<FirstRead> {
  let total = 0;
  let gram: Float64Array | undefined = withGram ? new Float64Array(source.p ** 2) : undefined;
  await source.forEachBlock(async (block, row0) => {
    const data = block.data;
    const entries = block.rows * source.p;
    for (let at = 0; at < entries; at++) {
      const x = data[at]!;
      if (x < 0) throw negativeError(view, plan, source, row0, at, x);
      total += x;
    }
    if (gram !== undefined) gram = await kernels.gram(block, gram);
  });
  return { total, gram };
}

function negativeError(
  view: ReadableView,
  plan: Plan,
  source: MatrixSource,
  row0: number,
  at: number,
  value: number,
): DataError {
  const row = row0 + Math.floor(at / source.p);
  const entry = { row: source.usedRows[row]!, column: at % source.p, value };
  return new DataError(
    describeEntry(view, plan, entry),
    `is negative (${value} after weights and scaling): NMF factors non-negative data only; shift or clip the data, or select the instances without negative values`,
  );
}
