/**
 * The passes methods share (see `runPass`): the product `Aᵀ(A·Y)` of preprocessed blocks, and the
 * first read of norms and, for an SVD-based start, the Gram matrices of the modes' unfoldings
 * (CP's `init: "svd"`, Tucker's HOSVD).
 */

import type { Kernels } from "@tt/linalg";
import { ModeGrams } from "./mode-grams.js";
import { type PassFunction, type PassOutput, rowsStayOnWorkers, runPass } from "./passes.js";
import type { MatrixSource } from "./source.js";

/**
 * `T = Aᵀ(A·Y)` for `Y` of `l` columns, the preprocessing fused into the product where the
 * source can (see `forEachBlock`'s `fuseAffine`: the same bits). Methods register it under their
 * own pass names too (the SVD solvers' `svd.normalProduct`).
 */
export const normalProductPass: PassFunction = async (source, kernels, input) => {
  const Y = input.Y as Float64Array;
  const l = input.l as number;
  const T = new Float64Array(source.p * l);
  await source.forEachBlock(
    async (block, _row0, affine) => {
      await kernels.normalProduct(block, Y, l, T, affine);
    },
    { fuseAffine: true },
  );
  return { sums: { T }, rows: {} };
};

/**
 * The first read: each row's squared norm (`rowSquares`, unless the input's `rowSquares` is 0),
 * their sum (`totalSquares`) and, with `dims` given, the Gram matrix of every non-instance mode's unfolding (`gram0`, `gram1`, ...).
 */
const firstReadPass: PassFunction = async (source, kernels, input) => {
  const dims = input.dims instanceof Float64Array ? Array.from(input.dims) : undefined;
  const dtype = input.float32 === 1 ? "float32" : "float64";
  const grams = dims === undefined ? undefined : new ModeGrams(kernels, dims, dtype, source.n);
  const zero = new Float64Array(source.p);
  const totalSquares = new Float64Array(1);
  const keep = input.rowSquares !== 0;
  const rowSquares = new Float64Array(keep ? source.n : 0);
  try {
    await source.forEachBlock(async (block, row0) => {
      const { rowSumSquares } = await kernels.moments(block, zero);
      if (keep) rowSquares.set(rowSumSquares, row0);
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
  const rows: PassOutput["rows"] = keep ? { rowSquares: { values: rowSquares, width: 1 } } : {};
  return { sums, rows };
};

/** The shared passes, by the names they run under. */
export const CORE_PASSES: Readonly<Record<string, PassFunction>> = Object.freeze({
  "core.firstRead": firstReadPass,
  "core.normalProduct": normalProductPass,
});

/**
 * `Aᵀ(A·Y)`, p × l, of the preprocessed blocks, in one read (here or on the partitions).
 *
 * @example
 * ```ts
 * const T = await normalProduct(source, kernels, Y, 3); // p × 3
 * ```
 */
export async function normalProduct(
  source: MatrixSource,
  kernels: Kernels,
  Y: Float64Array,
  l: number,
): Promise<Float64Array> {
  const { sums } = await runPass(source, kernels, "core.normalProduct", normalProductPass, {
    Y,
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

/**
 * The first read (here or on the partitions); `dims` asks for the modes' Gram matrices.
 *
 * @example
 * ```ts
 * const { totalSquares, grams } = await firstRead(source, kernels, [1793, 3], "float32");
 * ```
 */
export async function firstRead(
  source: MatrixSource,
  kernels: Kernels,
  dims: readonly number[] | undefined,
  dtype: "float32" | "float64",
): Promise<FirstReadSums> {
  // Rows that stay on a split fit's workers do not send their norms.
  const keep = !rowsStayOnWorkers(source);
  const input = {
    float32: dtype === "float32" ? 1 : 0,
    ...(dims === undefined ? {} : { dims: Float64Array.from(dims) }),
    ...(keep ? {} : { rowSquares: 0 }),
  };
  const { sums, rows } = await runPass(source, kernels, "core.firstRead", firstReadPass, input);
  return {
    totalSquares: sums.totalSquares![0]!,
    rowSquares: keep ? rows.rowSquares!.values : new Float64Array(0),
    grams: dims?.map((_, k) => sums[`gram${k}`]!),
  };
}
