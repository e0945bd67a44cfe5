/**
 * `missing: "mask"` by EM imputation. The missing entries of the preprocessed matrix start at 0,
 * which is each cell's mean after centering (the statistics take the observed entries only), as
 * in CP; after every HOOI iteration each is set to that iteration's model value, so the next
 * iteration fits the observed entries and the model's own values elsewhere. A HOOI iteration
 * cannot increase the error on the filled data and the imputation then lowers it to the error on
 * the observed entries, which is the error reported: it never increases. The values the input
 * holds at missing entries are never read.
 *
 * The imputed matrix is held in memory: `planMemory` refuses "mask" when the data exceeds the
 * memory budget (streaming would have to write the blocks back), and a split fit refuses it too.
 * The instance factor is explicit (n × r₀, from `Z = A·K`), since imputing needs its rows.
 */

import { type ImputedSquares, type MatrixSource, replaceMissing } from "@tt/decompose-core";
import { type Kernels, matmul } from "@tt/linalg";

/**
 * The iteration product of a masked fit, two GEMMs on the kernels: `Z = A·K` (n × q) and
 * `T = AᵀZ` (p × q, the bits of the fused `normalProduct`).
 */
export async function maskedProduct(
  source: MatrixSource,
  kernels: Kernels,
  K: Float64Array,
  q: number,
): Promise<{ T: Float64Array; Z: Float64Array }> {
  const Z = new Float64Array(source.n * q);
  const T = new Float64Array(source.p * q);
  await source.forEachBlock(async (block, row0) => {
    const rows = await kernels.multiply(block, K, q);
    Z.set(rows, row0 * q);
    await kernels.multiplyTransA(block, rows, q, T);
  });
  return { T, Z };
}

/**
 * Sets every missing entry (i, j) of the in-memory matrix to the model's value `H[i]·K[j]`,
 * `H = U₀·G₍₀₎` (n × q) and K (p × q) the Kronecker product of the non-instance factors;
 * returns Σ(old − new)² and Σ new² over the missing entries.
 */
export function imputeMissing(
  source: MatrixSource,
  model: { U0: Float64Array; core: Float64Array; K: Float64Array; r0: number; q: number },
): Promise<ImputedSquares> {
  const { U0, core, K, r0, q } = model;
  const H = matmul(U0, source.n, r0, core, q);
  return replaceMissing(source, (i, j) => {
    let value = 0;
    for (let c = 0; c < q; c++) value += H[i * q + c]! * K[j * q + c]!;
    return value;
  });
}

/**
 * The last read of a masked fit, with U₀ (n × r₀) explicit: per row the squared error
 * `‖x‖² − 2⟨h, x·K⟩ + ‖h‖²`, `h = U₀[i]·G₍₀₎`. The missing entries hold the model's values
 * (imputed after the last iteration), so they add nothing: the error is over the observed entries.
 */
export async function maskedLastRead(
  source: MatrixSource,
  kernels: Kernels,
  model: { U0: Float64Array; core: Float64Array; K: Float64Array; r0: number; q: number },
): Promise<Float64Array> {
  const { U0, core, K, r0, q } = model;
  const H = matmul(U0, source.n, r0, core, q);
  const rowErrors = new Float64Array(source.n);
  const zero = new Float64Array(source.p);
  await source.forEachBlock(async (block, row0) => {
    const product = await kernels.multiply(block, K, q);
    const { rowSumSquares } = await kernels.moments(block, zero);
    for (let i = 0; i < block.rows; i++) {
      const h = (row0 + i) * q;
      let cross = 0;
      let model = 0;
      for (let c = 0; c < q; c++) {
        cross += H[h + c]! * product[i * q + c]!;
        model += H[h + c]! * H[h + c]!;
      }
      rowErrors[row0 + i] = Math.max(0, rowSumSquares[i]! - 2 * cross + model);
    }
  });
  return rowErrors;
}
