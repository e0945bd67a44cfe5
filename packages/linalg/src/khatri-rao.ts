/**
 * The small dense pieces of CP (PARAFAC) algorithms on row-major `Float64Array` factors: the
 * Khatri-Rao product and the MTTKRP of a non-instance mode contracted from the partial product
 * `Aᵀ·U₀`. Together with `Kernels.multiply` and `Kernels.multiplyTransA` they form the MTTKRP of a
 * tensor stored as an instances × (d₁·…·dₘ) matrix in two GEMM passes (see `Kernels.mttkrp`).
 */
import { ArgumentError } from "@tt/schema";
import { checkDim, checkMatrix } from "./check.js";

/** Checks the factors against their row counts and the rank; returns the row counts. */
function factorRows(where: string, factors: readonly Float64Array[], rank: number): number[] {
  checkDim(where, "rank", rank);
  return factors.map((factor, k) => {
    if (!(factor instanceof Float64Array))
      throw new ArgumentError(where, "factors", `factor ${k} must be a Float64Array`);
    if (rank === 0 ? factor.length !== 0 : factor.length % rank !== 0)
      throw new ArgumentError(
        where,
        "factors",
        `factor ${k} has ${factor.length} elements, not a multiple of the rank ${rank}`,
      );
    return rank === 0 ? 0 : factor.length / rank;
  });
}

/**
 * The Khatri-Rao (column-wise Kronecker) product of row-major factors `U₁ (d₁ × R), …, Uₘ (dₘ × R)`:
 * a (d₁·…·dₘ) × R matrix whose row `(j₁, …, jₘ)` (C order: the last factor's index fastest, as
 * tensorly's `khatri_rao`) holds `U₁[j₁, r]·U₂[j₂, r]·…·Uₘ[jₘ, r]`, multiplied left to right.
 *
 * @example
 * ```ts
 * khatriRao([Float64Array.from([1, 2]), Float64Array.from([3, 4, 5])], 1);
 * // Float64Array [3, 4, 5, 6, 8, 10]
 * ```
 */
export function khatriRao(factors: readonly Float64Array[], rank: number): Float64Array {
  const rows = factorRows("khatriRao", factors, rank);
  if (factors.length === 0)
    throw new ArgumentError("khatriRao", "factors", "needs at least one factor");
  let out = Float64Array.from(factors[0]!);
  let outRows = rows[0]!;
  for (let k = 1; k < factors.length; k++) {
    const factor = factors[k]!;
    const d = rows[k]!;
    const next = new Float64Array(outRows * d * rank);
    for (let i = 0; i < outRows; i++)
      for (let j = 0; j < d; j++) {
        const to = (i * d + j) * rank;
        for (let r = 0; r < rank; r++) next[to + r] = out[i * rank + r]! * factor[j * rank + r]!;
      }
    out = next;
    outRows *= d;
  }
  return out;
}

/**
 * The MTTKRP of one non-instance mode, contracted from the partial product `P = Aᵀ·U₀`
 * ((d₁·…·dₘ) × R, row `(j₁, …, jₘ)` in C order) with the other non-instance factors:
 * `M[a, r] = Σ_{j : j_mode = a} P[j, r] · Π_{l ≠ mode} U_l[j_l, r]`, the product taken over the
 * factors left to right and the sum over the rows of P in order (so the bits are fixed).
 * `factors` lists `U₁ … Uₘ` (row-major dₗ × R; the one of `mode` is not read) and `mode` is
 * 0-based among them. Returns d_mode × R.
 *
 * @example
 * ```ts
 * // P = Aᵀ·U₀ of a 1 × 2 × 2 tensor [[1, 2], [3, 4]] with U₀ = [1], rank 1:
 * const P = Float64Array.from([1, 2, 3, 4]);
 * const U2 = Float64Array.from([1, 1]);
 * mttkrpFromPartial(P, [2, 2], [new Float64Array(2), U2], 0, 1); // Float64Array [3, 7]
 * ```
 */
export function mttkrpFromPartial(
  partial: Float64Array,
  dims: readonly number[],
  factors: readonly Float64Array[],
  mode: number,
  rank: number,
): Float64Array {
  const where = "mttkrpFromPartial";
  for (const [k, d] of dims.entries()) checkDim(where, `dims[${k}]`, d);
  if (factors.length !== dims.length)
    throw new ArgumentError(
      where,
      "factors",
      `has ${factors.length} factors for ${dims.length} dims`,
    );
  if (!Number.isInteger(mode) || mode < 0 || mode >= dims.length)
    throw new ArgumentError(
      where,
      "mode",
      `mode must be an integer from 0 to ${dims.length - 1}, got ${mode}`,
    );
  const rows = factorRows(where, factors, rank);
  for (const [k, d] of rows.entries())
    if (k !== mode && d !== dims[k])
      throw new ArgumentError(
        where,
        "factors",
        `factor ${k} has ${d} rows, expected dims[${k}] = ${dims[k]}`,
      );
  const p = dims.reduce((a, b) => a * b, 1);
  checkMatrix(where, "partial", partial, p, rank);
  const m = dims.length;
  const out = new Float64Array(dims[mode]! * rank);
  const index = new Array<number>(m).fill(0);
  const weight = new Float64Array(rank);
  for (let j = 0; j < p; j++) {
    weight.fill(1);
    let first = true;
    for (let l = 0; l < m; l++) {
      if (l === mode) continue;
      const row = index[l]! * rank;
      const factor = factors[l]!;
      if (first) for (let r = 0; r < rank; r++) weight[r] = factor[row + r]!;
      else for (let r = 0; r < rank; r++) weight[r]! *= factor[row + r]!;
      first = false;
    }
    const to = index[mode]! * rank;
    for (let r = 0; r < rank; r++) out[to + r]! += partial[j * rank + r]! * weight[r]!;
    for (let l = m - 1; l >= 0; l--) {
      index[l]!++;
      if (index[l]! < dims[l]!) break;
      index[l] = 0;
    }
  }
  return out;
}
