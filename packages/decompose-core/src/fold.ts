/**
 * Folding a view's trailing per-position arithmetic (`view.divide(scaling, { axis: "sample" })`)
 * into the affine map a product kernel applies to each column anyway (centering and scaling):
 * streamed passes then read the view below the arithmetic and pay nothing for it, where applying
 * it costs a pass of arithmetic over every element of every block, every pass.
 */

import type { ColumnAffine } from "@tt/linalg";
import type { PreprocessConfig } from "./config-fields.js";
import type { Plan } from "./plan.js";
import type { Preprocessor } from "./preprocess.js";
import type { Reader } from "./source-scan.js";

/** A reader of the view below the folded arithmetic, and the composed map for a product kernel. */
export interface FoldedRead {
  readonly reader: Reader;
  readonly affine: ColumnAffine;
}

/**
 * The folded read of a streamed source, or `undefined` when it does not apply: the view ends with
 * no such arithmetic, the preprocessing is not one affine map per column, the blocks are rescaled
 * before it, or missing values are masked (their zeros are placed after preprocessing).
 *
 * The view's element is `x * a + b` (`x` below the arithmetic) and the kernel computes
 * `(y - s) * c`; so it computes `(x - (s - b) / a) * (a * c)` on `x`.
 */
export function foldedRead(
  reader: Reader,
  plan: Plan,
  config: PreprocessConfig,
  preprocess: Preprocessor,
  rescaled: boolean,
): FoldedRead | undefined {
  if (rescaled || config.missing === "mask") return undefined;
  const map = preprocess.columns ?? (preprocess.identity ? undefined : null);
  if (map === null) return undefined;
  const row = reader.options.view.rowAffine?.();
  if (row === undefined) return undefined;
  const { p, columnSource } = plan;
  const shift = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const k = columnSource === null ? j : columnSource[j]!;
    const a = row.scale[k]!;
    const s = map === undefined ? 0 : map.shift[j]!;
    const c = map === undefined ? 1 : map.scale[j]!;
    shift[j] = (s - row.shift[k]!) / a;
    scale[j] = a * c;
    if (!Number.isFinite(shift[j]!) || !Number.isFinite(scale[j]!)) return undefined;
  }
  return {
    reader: { ...reader, options: { ...reader.options, view: row.view } },
    affine: { shift, scale },
  };
}
