/**
 * The headline benchmark dataset shared by every package's bench: instance x sample x channel =
 * 42337 x 1793 x 3 float32 of event-locked waveforms with noise, and an instance table.
 * TT_BENCH_INSTANCES picks a smaller first axis.
 */

import { columnFromCells, columnFromValues, MetaTable } from "@tt/schema";

/** The headline shape. */
export const HEADLINE = {
  instances: Number(process.env.TT_BENCH_INSTANCES ?? 42337),
  samples: 1793,
  channels: 3,
};
const { instances, samples, channels } = HEADLINE;
const slab = samples * channels;

/** A seeded uniform generator on [0, 1) (a linear congruential generator). */
export function uniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Event-locked waveforms: a few templates with random amplitude, latency jitter and noise. */
export function headlineSignal(): Float32Array {
  const data = new Float32Array(instances * slab);
  const random = uniform(12345);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  for (let i = 0; i < instances; i++) {
    const kind = i % 3;
    const amplitude = 1 + 0.3 * gauss();
    const shift = Math.round(20 * gauss());
    for (let t = 0; t < samples; t++) {
      const x = (t - 600 - 200 * kind - shift) / 80;
      const wave = Math.exp(-x * x) * Math.sin(0.05 * t);
      for (let c = 0; c < channels; c++)
        data[i * slab + t * channels + c] = amplitude * wave * (1 - 0.3 * c) + 0.2 * gauss();
    }
  }
  return data;
}

/** The instance table of the headline dataset: ids, labels, QC flags and scores. */
export function headlineMeta(): MetaTable {
  const labels = ["target", "standard", "novel"];
  return MetaTable.fromColumns({
    instance_id: columnFromCells(
      "string",
      Array.from({ length: instances }, (_, i) => `rec${String(i % 40).padStart(2, "0")}-e${i}`),
    ),
    label: columnFromCells(
      "string",
      Array.from({ length: instances }, (_, i) => labels[i % 3]!),
    ),
    qc_pass: columnFromCells(
      "boolean",
      Array.from({ length: instances }, (_, i) => i % 7 !== 0),
    ),
    score: columnFromValues(
      "float64",
      Float64Array.from({ length: instances }, (_, i) => ((i * 7919) % 1000) / 1000),
    ),
  });
}

/** The bytes of a little-endian float32 `.npy` file of `shape`, for the numpy references. */
export function npyBytes(data: Float32Array, shape: readonly number[]): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 78, 85, 77, 80, 89, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
