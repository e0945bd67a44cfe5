/** Seeded synthetic tensors of low multilinear rank for the tests. */

import { type AxisAnnotatedTensor, createTensor } from "@tt/schema";

/** A seeded standard normal generator (mulberry32 and Box-Muller). */
export function normal(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A 3-way tensor n × d1 × d2 (axes instance, sample, channel; instance ids `e0`…) of multilinear
 * rank (r, r, r) plus Gaussian noise of `noise` times a unit entry.
 */
export function syntheticTucker(
  shape: [number, number, number],
  r: number,
  seed: number,
  noise = 0.05,
  dtype: "float32" | "float64" = "float64",
): { tensor: AxisAnnotatedTensor; data: Float64Array } {
  const draw = normal(seed);
  const [n, d1, d2] = shape;
  const A = Float64Array.from({ length: n * r }, draw);
  const B = Float64Array.from({ length: d1 * r }, draw);
  const C = Float64Array.from({ length: d2 * r }, draw);
  const G = Float64Array.from({ length: r * r * r }, draw);
  const data = new Float64Array(n * d1 * d2);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d1; j++)
      for (let k = 0; k < d2; k++) {
        let sum = 0;
        for (let a = 0; a < r; a++)
          for (let b = 0; b < r; b++)
            for (let c = 0; c < r; c++)
              sum += G[(a * r + b) * r + c]! * A[i * r + a]! * B[j * r + b]! * C[k * r + c]!;
        data[(i * d1 + j) * d2 + k] = sum + noise * draw();
      }
  const tensor = createTensor({
    data: dtype === "float32" ? Float32Array.from(data) : data,
    shape,
    axes: ["instance", "sample", "channel"],
    axisIndex: { instance: Array.from({ length: n }, (_, i) => `e${i}`) },
  });
  return { tensor, data };
}
