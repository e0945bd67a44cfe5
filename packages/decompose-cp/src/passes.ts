/**
 * CP's own pass over the data of an unconstrained fit without missing values, as a function of a
 * source that splits by instances (see `runPass` of @tt/decompose-core): the last read (U₀ = A·y,
 * per-instance errors, `AᵀU₀`). The first read and the sweep product `Aᵀ(A·Y)` are the shared
 * passes of @tt/decompose-core (`firstRead`, `normalProduct`).
 */

import { type MatrixSource, type PassFunction, runPass } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";

/**
 * The last read of a fused model (`U₀ = A·Y` implicit): per row, U₀'s row (`U0`, R) and the
 * squared error `‖x‖² − 2⟨x, x̂⟩ + ‖x̂‖²` (`rowErrors`, with `H = ∘_k F_kᵀF_k`); summed, ‖X‖²
 * (`total`) and, with `withT` 1, `T = AᵀU₀`.
 */
const lastReadPass: PassFunction = async (source, kernels, input) => {
  const Y = input.Y as Float64Array;
  const KR = input.KR as Float64Array;
  const H = input.H as Float64Array;
  const R = input.R as number;
  const { n, p } = source;
  const both = new Float64Array(p * 2 * R);
  for (let j = 0; j < p; j++) {
    both.set(Y.subarray(j * R, (j + 1) * R), j * 2 * R);
    both.set(KR.subarray(j * R, (j + 1) * R), j * 2 * R + R);
  }
  const U0 = new Float64Array(n * R);
  const rowErrors = new Float64Array(n);
  const total = new Float64Array(1);
  const T = input.withT === 1 ? new Float64Array(p * R) : undefined;
  const zero = new Float64Array(p);
  await source.forEachBlock(async (block, row0) => {
    const product = await kernels.multiply(block, both, 2 * R);
    const { rowSumSquares } = await kernels.moments(block, zero);
    for (let i = 0; i < block.rows; i++) {
      let fitted = 0;
      let model = 0;
      for (let r = 0; r < R; r++) {
        const a = product[i * 2 * R + r]!;
        U0[(row0 + i) * R + r] = a;
        fitted += a * product[i * 2 * R + R + r]!;
        for (let s = 0; s < R; s++) model += a * H[r * R + s]! * product[i * 2 * R + s]!;
      }
      rowErrors[row0 + i] = rowSumSquares[i]! - 2 * fitted + model;
      total[0]! += rowSumSquares[i]!;
    }
    if (T !== undefined)
      await kernels.multiplyTransA(block, U0.subarray(row0 * R, (row0 + block.rows) * R), R, T);
  });
  const sums: Record<string, Float64Array> = T === undefined ? { total } : { total, T };
  return {
    sums,
    rows: { U0: { values: U0, width: R }, rowErrors: { values: rowErrors, width: 1 } },
  };
};

/** The passes of the CP fit, by the names they run under (see `runPass`). */
export const CP_PASSES: Readonly<Record<string, PassFunction>> = Object.freeze({
  "cp.lastRead": lastReadPass,
});

/** The last read of a fused model (here or on the partitions); see {@link lastReadPass}. */
export async function fusedLastRead(
  source: MatrixSource,
  kernels: Kernels,
  model: { Y: Float64Array; KR: Float64Array; H: Float64Array; R: number; withT: boolean },
): Promise<{
  U0: Float64Array;
  T: Float64Array | undefined;
  rowErrors: Float64Array;
  total: number;
}> {
  const { Y, KR, H, R, withT } = model;
  const input = { Y, KR, H, R, withT: withT ? 1 : 0 };
  const { sums, rows } = await runPass(source, kernels, "cp.lastRead", lastReadPass, input);
  return {
    U0: rows.U0!.values,
    T: sums.T,
    rowErrors: rows.rowErrors!.values,
    total: sums.total![0]!,
  };
}
