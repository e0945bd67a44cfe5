/**
 * The E step of a masked fit (`missing: "mask"`, EM imputation): every missing entry of the
 * in-memory matrix set to the model's value there, with what that changed.
 */

import type { MatrixSource } from "./source.js";

/** What an imputation step changed: Σ(old − new)² and Σ new² over the missing entries. */
export interface ImputedSquares {
  changeSquares: number;
  fillSquares: number;
}

/**
 * Sets every missing entry (row `i`, column `j`) of the source's in-memory matrix to
 * `valueAt(i, j)`, the model's value; returns Σ(old − new)² and Σ new² (of the values as stored,
 * rounded to the matrix's type).
 *
 * @example
 * ```ts
 * const { changeSquares } = await replaceMissing(source, (i, j) => model(i, j));
 * ```
 */
export async function replaceMissing(
  source: MatrixSource,
  valueAt: (i: number, j: number) => number,
): Promise<ImputedSquares> {
  const { p } = source;
  let changeSquares = 0;
  let fillSquares = 0;
  await source.forEachBlock(async (block) => {
    const data = block.data;
    for (const position of source.missing) {
      const i = Math.floor(position / p);
      const value = valueAt(i, position - i * p);
      const old = data[position]!;
      data[position] = value;
      changeSquares += (old - value) * (old - value);
      fillSquares += data[position]! * data[position]!;
    }
  });
  return { changeSquares, fillSquares };
}
