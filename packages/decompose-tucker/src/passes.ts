/**
 * Tucker's own pass over the data, as a function of a source that splits by instances (see
 * `runPass` of @tt/decompose-core): the last read (the instance factor and each instance's
 * error). The first read (norms, the modes' Grams for `init: "hosvd"`) and the iteration product
 * `Aᵀ(A·K)` are the shared passes of @tt/decompose-core (`firstRead`, `normalProduct`).
 */

import { type MatrixSource, type PassFunction, runPass } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";

/**
 * The last read. Input: `K` (p × 2q: per row the last iteration's Kronecker product, then the
 * final one), `Vs` (q × r₀: the instance factor is `U₀ = A·K_last·Vs`), `core` (the core unfolded
 * on the instance mode, r₀ × q). Per row: U₀'s row (`U0`) and the squared error
 * `‖x‖² − 2⟨h, x·K⟩ + ‖h‖²` with `h = U₀[i]·core` (`rowErrors`).
 */
const lastReadPass: PassFunction = async (source, kernels, input) => {
  const K = input.K as Float64Array;
  const Vs = input.Vs as Float64Array;
  const core = input.core as Float64Array;
  const r0 = input.r0 as number;
  const q = input.q as number;
  const U0 = new Float64Array(source.n * r0);
  const rowErrors = new Float64Array(source.n);
  const zero = new Float64Array(source.p);
  const h = new Float64Array(q);
  await source.forEachBlock(async (block, row0) => {
    const product = await kernels.multiply(block, K, 2 * q);
    const { rowSumSquares } = await kernels.moments(block, zero);
    for (let i = 0; i < block.rows; i++) {
      const z = i * 2 * q;
      const u = (row0 + i) * r0;
      for (let s = 0; s < r0; s++) {
        let sum = 0;
        for (let c = 0; c < q; c++) sum += product[z + c]! * Vs[c * r0 + s]!;
        U0[u + s] = sum;
      }
      h.fill(0);
      for (let s = 0; s < r0; s++)
        for (let c = 0; c < q; c++) h[c]! += U0[u + s]! * core[s * q + c]!;
      let cross = 0;
      let model = 0;
      for (let c = 0; c < q; c++) {
        cross += h[c]! * product[z + q + c]!;
        model += h[c]! * h[c]!;
      }
      rowErrors[row0 + i] = Math.max(0, rowSumSquares[i]! - 2 * cross + model);
    }
  });
  return {
    sums: {},
    rows: { U0: { values: U0, width: r0 }, rowErrors: { values: rowErrors, width: 1 } },
  };
};

/** The passes of the Tucker fit, by the names they run under (see `runPass`). */
export const TUCKER_PASSES: Readonly<Record<string, PassFunction>> = Object.freeze({
  "tucker.lastRead": lastReadPass,
});

/** The last read (here or on the partitions); see {@link lastReadPass}. */
export async function lastRead(
  source: MatrixSource,
  kernels: Kernels,
  model: { K: Float64Array; Vs: Float64Array; core: Float64Array; r0: number; q: number },
): Promise<{ U0: Float64Array; rowErrors: Float64Array }> {
  const { rows } = await runPass(source, kernels, "tucker.lastRead", lastReadPass, model);
  return { U0: rows.U0!.values, rowErrors: rows.rowErrors!.values };
}
