/**
 * The leading singular triplets of the data for the NNDSVD starts: from the eigenvectors of XᵀX
 * when the features are few, else by subspace iteration on XᵀX (one fused pass `Xᵀ(X·Q)` per
 * iteration); the left vectors come from one more pass `X·V`.
 */

import { type MatrixSource, normalGenerator } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import { qr } from "@tt/linalg";

/** Above this many features the Gram matrix is not formed (p² doubles, an O(p³) eigensolve). */
export const GRAM_MAX_FEATURES = 2048;
/** Extra columns of the subspace iteration, as scikit-learn's randomized_svd. */
const OVERSAMPLES = 10;
/** Subspace iterations, as randomized_svd's "auto" for few components. */
const POWER_ITERATIONS = 7;

/** The leading k singular triplets: U n × k, s, V p × k (columns). */
export interface Triplets {
  U: Float64Array;
  s: Float64Array;
  V: Float64Array;
}

/**
 * The leading `k` singular triplets of the source's data; `gram` (XᵀX from the first read) when
 * the features are at most {@link GRAM_MAX_FEATURES}.
 */
export async function truncatedSvd(
  source: MatrixSource,
  kernels: Kernels,
  k: number,
  gram: Float64Array | undefined,
  seed: number,
): Promise<Triplets> {
  const { p } = source;
  const basis = gram === undefined ? await rowSpace(source, kernels, k, seed) : undefined;
  // Eigenvectors of XᵀX (Gram) or of (XQ)ᵀ(XQ), whose columns are then rotated by Q.
  const l = basis === undefined ? p : basis.l;
  const small = gram ?? (await projectedGram(source, kernels, basis!.Q, l));
  const { values, vectors } = await kernels.symmetricEigen(small, l);
  const s = new Float64Array(k);
  const V = new Float64Array(p * k);
  for (let c = 0; c < k; c++) {
    s[c] = Math.sqrt(Math.max(values[c]!, 0));
    for (let j = 0; j < p; j++) {
      if (basis === undefined) V[j * k + c] = vectors[j * l + c]!;
      else {
        let sum = 0;
        for (let r = 0; r < l; r++) sum += basis.Q[j * l + r]! * vectors[r * l + c]!;
        V[j * k + c] = sum;
      }
    }
  }
  const U = await leftVectors(source, kernels, V, s, k);
  return { U, s, V };
}

/** An orthonormal basis (p × l) of the leading row space of the data, by subspace iteration. */
async function rowSpace(
  source: MatrixSource,
  kernels: Kernels,
  k: number,
  seed: number,
): Promise<{ Q: Float64Array; l: number }> {
  const { p } = source;
  const l = Math.min(p, k + OVERSAMPLES);
  const normal = normalGenerator(seed);
  let Q = qr(
    Float64Array.from({ length: p * l }, () => normal()),
    p,
    l,
  ).Q;
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    let Y: Float64Array | undefined;
    await source.forEachBlock(async (block) => {
      Y = await kernels.normalProduct(block, Q, l, Y);
    });
    Q = qr(Y!, p, l).Q;
  }
  return { Q, l };
}

/** (XQ)ᵀ(XQ), l × l, from one pass X·Q. */
async function projectedGram(
  source: MatrixSource,
  kernels: Kernels,
  Q: Float64Array,
  l: number,
): Promise<Float64Array> {
  const out = new Float64Array(l * l);
  await source.forEachBlock(async (block) => {
    const M = await kernels.multiply(block, Q, l);
    for (let i = 0; i < block.rows; i++)
      for (let a = 0; a < l; a++) {
        const x = M[i * l + a]!;
        for (let b = 0; b < l; b++) out[a * l + b]! += x * M[i * l + b]!;
      }
  });
  return out;
}

/** U = X·V / s (n × k); a zero singular value leaves its column 0. */
async function leftVectors(
  source: MatrixSource,
  kernels: Kernels,
  V: Float64Array,
  s: Float64Array,
  k: number,
): Promise<Float64Array> {
  const U = new Float64Array(source.n * k);
  await source.forEachBlock(async (block, row0) => {
    const XV = await kernels.multiply(block, V, k);
    for (let i = 0; i < block.rows; i++)
      for (let c = 0; c < k; c++) U[(row0 + i) * k + c] = s[c]! > 0 ? XV[i * k + c]! / s[c]! : 0;
  });
  return U;
}
