/** Synthetic CP tensors with known factors, and the factor match score. */

import { type AxisAnnotatedTensor, createTensor } from "@tt/schema";

/** A seeded uniform [0, 1) generator (mulberry32). */
export function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal from a uniform generator (Box-Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-300)) * Math.cos(2 * Math.PI * random());
}

/** Known factors (row-major d × R each) and the tensor Σ_r a_r ∘ b_r ∘ c_r (+ noise). */
export interface Synthetic {
  factors: Float64Array[];
  tensor: AxisAnnotatedTensor;
  data: Float64Array;
}

/**
 * A rank-R CP tensor of `shape` with axes instance, sample, channel (, extra...): factors drawn
 * standard normal (or uniform [0, 1) when `nonnegative`), plus noise of relative norm `noise`.
 */
export function syntheticCp(
  shape: number[],
  rank: number,
  seed: number,
  options: { noise?: number; nonnegative?: boolean; dtype?: "float32" | "float64" } = {},
): Synthetic {
  const random = uniform(seed);
  const normal = gaussian(random);
  const draw = options.nonnegative ? random : normal;
  const factors = shape.map((d) => Float64Array.from({ length: d * rank }, draw));
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  const index = new Array<number>(shape.length).fill(0);
  for (let x = 0; x < size; x++) {
    let sum = 0;
    for (let r = 0; r < rank; r++) {
      let term = 1;
      for (let l = 0; l < shape.length; l++) term *= factors[l]![index[l]! * rank + r]!;
      sum += term;
    }
    data[x] = sum;
    for (let l = shape.length - 1; l >= 0; l--) {
      index[l]!++;
      if (index[l]! < shape[l]!) break;
      index[l] = 0;
    }
  }
  if (options.noise) {
    const noise = Float64Array.from({ length: size }, normal);
    const ratio = Math.sqrt(
      data.reduce((a, b) => a + b * b, 0) / noise.reduce((a, b) => a + b * b, 0),
    );
    for (let x = 0; x < size; x++) data[x]! += options.noise * ratio * noise[x]!;
  }
  const axes = ["instance", "sample", "channel", "band", "extra"].slice(0, shape.length);
  const tensorData = options.dtype === "float32" ? Float32Array.from(data) : data;
  const tensor = createTensor({
    data: tensorData,
    shape,
    axes,
    axisIndex: { instance: Array.from({ length: shape[0]! }, (_, i) => `s${i}`) },
  });
  return { factors, tensor, data };
}

function congruence(a: Float64Array, b: Float64Array, R: number, r: number, s: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length / R; i++) {
    ab += a[i * R + r]! * b[i * R + s]!;
    aa += a[i * R + r]! ** 2;
    bb += b[i * R + s]! ** 2;
  }
  return Math.abs(ab) / Math.sqrt(aa * bb);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]),
  );
}

/**
 * The factor match score (tensorly's `congruence_coefficient` over all modes): the mean over
 * components of the product over modes of |cosine| between matched columns, maximized over
 * the matchings. 1 means recovered up to permutation and scale.
 */
export function factorMatchScore(
  truth: Float64Array[],
  estimate: Float64Array[],
  rank: number,
): number {
  let best = 0;
  for (const perm of permutations(rank)) {
    let score = 0;
    for (let r = 0; r < rank; r++) {
      let product = 1;
      for (let l = 0; l < truth.length; l++)
        product *= congruence(truth[l]!, estimate[l]!, rank, r, perm[r]!);
      score += product / rank;
    }
    best = Math.max(best, score);
  }
  return best;
}
