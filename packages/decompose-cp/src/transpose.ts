/** The transpose of a small dense matrix, for the factor and component layouts of the fit. */

/** The cols × rows transpose of a row-major rows × cols matrix, as a new array. */
export function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[i * cols + j]!;
  return out;
}
