/** readMatrix: the values of a two-axis view (or a flattened one) as a Matrix, block by block. */

import { ConfigError, DataError, type IOOptions, type ReadableView } from "@tt/schema";
import { Matrix } from "ml-matrix";
import { exactNumber, idSuffix, type NullPolicy, nullPolicy } from "./numbers.js";

/**
 * Options of {@link readMatrix}.
 *
 * @example
 * ```ts
 * const options: ReadMatrixOptions = { flatten: true, nulls: "nan", signal: AbortSignal.timeout(5000) };
 * const x = await readMatrix(view, options);
 * ```
 */
export interface ReadMatrixOptions extends IOOptions {
  /**
   * Flatten every axis after the first into the matrix columns, in C order (the last axis
   * fastest). Needed for a view of more than two axes; off by default, so that a three-axis
   * view is never flattened by accident.
   */
  flatten?: boolean;
  /** A masked element: a DataError naming row and column (`"error"`, the default) or NaN (`"nan"`). */
  nulls?: NullPolicy;
}

/** Rows per block: about a million values, so reading never holds a second copy of the view. */
const BLOCK_VALUES = 1 << 20;

/** The number of matrix columns of `view`, or a ConfigError saying how to get two axes. */
function columnCount(view: ReadableView, flatten: boolean): number {
  const { axes, shape } = view;
  if (axes.length > 2 && !flatten) {
    throw new ConfigError(
      "flatten",
      `the view has ${axes.length} axes (${axes.join(", ")}) and a Matrix has two: pass { flatten: true } to make '${axes[0]}' the rows and ${axes
        .slice(1)
        .map((axis) => `'${axis}'`)
        .join(
          " x ",
        )} the columns (C order), or take metadata columns such as joined scores with toMatrix(view, columns)`,
    );
  }
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Where element (`row`, `column`) of the matrix is, for messages. */
function position(view: ReadableView, row: number, column: number): string {
  const [first, second] = view.axes;
  const columnIds = view.axes.length === 2 ? view.ids(second!) : undefined;
  return `view row ${row}${idSuffix(view.ids(first!), row)} column ${column}${idSuffix(columnIds, column)}`;
}

/**
 * The values of `view` as an ml-matrix `Matrix`: the first axis as rows (in the view's order),
 * the second as columns. A view of one axis gives one column; a view of more than two axes is a
 * ConfigError on `flatten` unless `flatten: true` turns the other axes into columns in C order.
 * A masked (missing) element is a DataError naming its row, column and ids unless `nulls: "nan"`
 * asks for NaN; NaN values in the data stay NaN. Read in blocks along the first axis, honouring
 * `signal`.
 *
 * @example
 * ```ts
 * import { readMatrix } from "@tt/mljs";
 *
 * const x = await readMatrix(dataset.query("instance", "species != 'setosa'"), { flatten: true });
 * console.log(x.rows, x.columns, x.mean("column"));
 * ```
 */
export async function readMatrix(
  view: ReadableView,
  options: ReadMatrixOptions = {},
): Promise<Matrix> {
  const nulls = nullPolicy(options);
  const { signal } = options;
  const p = columnCount(view, options.flatten === true);
  const n = view.shape[0] ?? 0;
  const matrix = new Matrix(n, p);
  const size = Math.max(1, Math.floor(BLOCK_VALUES / Math.max(p, 1)));
  for await (const { start, tensor } of view.blocks({ ...options, size })) {
    signal?.throwIfAborted();
    const values = tensor.data as ArrayLike<number | bigint>;
    const rows = tensor.shape[0] ?? 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < p; j++) {
        const at = r * p + j;
        if (tensor.mask !== undefined && tensor.mask[at] === 0) {
          if (nulls === "error") {
            throw new DataError(
              position(view, start + r, j),
              `is masked (missing); select complete rows first, or pass { nulls: "nan" } to read it as NaN`,
            );
          }
          matrix.set(start + r, j, Number.NaN);
        } else {
          const value = exactNumber(values[at]!, () => position(view, start + r, j));
          matrix.set(start + r, j, value);
        }
      }
    }
  }
  return matrix;
}
