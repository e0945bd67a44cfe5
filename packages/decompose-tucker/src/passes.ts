/**
 * The passes over the data of a Tucker fit, as functions of a source that split by instances (see
 * `runPass` of @tt/decompose-core): the first read (norms and, for `init: "hosvd"`, the modes'
 * Gram matrices), the fused iteration product `Aᵀ(A·K)` and the last read (the instance factor
 * and each instance's error).
 */

import { type MatrixSource, ModeGrams, type PassFunction, runPass } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";

/** `T = Aᵀ(A·K)` for `K` of `l` columns, one pass. */
const normalProductPass: PassFunction = async (source, kernels, input) => {
  const K = input.K as Float64Array;
  const l = input.l as number;
  const T = new Float64Array(source.p * l);
  await source.forEachBlock(async (block) => {
    await kernels.normalProduct(block, K, l, T);
  });
  return { sums: { T }, rows: {} };
};

/**
 * The first read: each row's squared norm (`rowSquares`), their sum (`totalSquares`) and, with
 * `dims` given, the Gram matrix of every non-instance mode's unfolding (`gram0`, `gram1`, ...).
 */
const firstReadPass: PassFunction = async (source, kernels, input) => {
  const dims = input.dims instanceof Float64Array ? Array.from(input.dims) : undefined;
  const dtype = input.float32 === 1 ? "float32" : "float64";
  const grams = dims === undefined ? undefined : new ModeGrams(kernels, dims, dtype, source.n);
  const zero = new Float64Array(source.p);
  const totalSquares = new Float64Array(1);
  const rowSquares = new Float64Array(source.n);
  try {
    await source.forEachBlock(async (block, row0) => {
      const { rowSumSquares } = await kernels.moments(block, zero);
      rowSquares.set(rowSumSquares, row0);
      for (const s of rowSumSquares) totalSquares[0]! += s;
      await grams?.add(block);
    });
  } finally {
    grams?.free();
  }
  const sums: Record<string, Float64Array> = { totalSquares };
  grams?.sums().forEach((gram, k) => {
    sums[`gram${k}`] = gram;
  });
  return { sums, rows: { rowSquares: { values: rowSquares, width: 1 } } };
};

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
  "tucker.firstRead": firstReadPass,
  "tucker.lastRead": lastReadPass,
  "tucker.normalProduct": normalProductPass,
});

/** `Aᵀ(A·K)`, p × l, in one read (here or on the partitions). */
export async function normalProduct(
  source: MatrixSource,
  kernels: Kernels,
  K: Float64Array,
  l: number,
): Promise<Float64Array> {
  const { sums } = await runPass(source, kernels, "tucker.normalProduct", normalProductPass, {
    K,
    l,
  });
  return sums.T!;
}

/** What {@link firstRead} gives. */
export interface FirstReadSums {
  totalSquares: number;
  rowSquares: Float64Array;
  /** The modes' Gram matrices, when `dims` were given. */
  grams: Float64Array[] | undefined;
}

/** The first read (here or on the partitions); `dims` asks for the modes' Gram matrices. */
export async function firstRead(
  source: MatrixSource,
  kernels: Kernels,
  dims: readonly number[] | undefined,
  dtype: "float32" | "float64",
): Promise<FirstReadSums> {
  const input = {
    float32: dtype === "float32" ? 1 : 0,
    ...(dims === undefined ? {} : { dims: Float64Array.from(dims) }),
  };
  const { sums, rows } = await runPass(source, kernels, "tucker.firstRead", firstReadPass, input);
  return {
    totalSquares: sums.totalSquares![0]!,
    rowSquares: rows.rowSquares!.values,
    grams: dims?.map((_, k) => sums[`gram${k}`]!),
  };
}

/** The last read (here or on the partitions); see {@link lastReadPass}. */
export async function lastRead(
  source: MatrixSource,
  kernels: Kernels,
  model: { K: Float64Array; Vs: Float64Array; core: Float64Array; r0: number; q: number },
): Promise<{ U0: Float64Array; rowErrors: Float64Array }> {
  const { rows } = await runPass(source, kernels, "tucker.lastRead", lastReadPass, model);
  return { U0: rows.U0!.values, rowErrors: rows.rowErrors!.values };
}
