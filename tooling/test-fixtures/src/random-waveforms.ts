/** Small seeded random data: numbers in [-1, 1), and a dataset of waveforms with ids and tables. */

import { type AxisAnnotatedTensor, columnFromCells, createTensor, MetaTable } from "@tt/schema";

/** A seeded generator of numbers in [-1, 1) (a linear congruential one), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/**
 * Random waveforms, instance 12 x sample 5 x channel 3 in float64, from seed 7: value
 * `r * (1 + i % 3) + i % 5` at flat index `i` (r from {@link seededRandom}), so channels differ
 * in spread and samples in level. Ids `i0..i11` in `instance_id`, `sample_id` 0..4 and
 * `channel_id` a, b, c in the axis tables.
 */
export function randomWaveforms(): AxisAnnotatedTensor {
  const next = seededRandom(7);
  const ids = Array.from({ length: 12 }, (_, i) => `i${i}`);
  return createTensor({
    data: Float64Array.from({ length: 12 * 5 * 3 }, (_, i) => next() * (1 + (i % 3)) + (i % 5)),
    shape: [12, 5, 3],
    axes: ["instance", "sample", "channel"],
    axisMeta: {
      instance: MetaTable.fromColumns({ instance_id: columnFromCells("string", ids) }),
      sample: MetaTable.fromColumns({ sample_id: columnFromCells("int32", [0, 1, 2, 3, 4]) }),
      channel: MetaTable.fromColumns({ channel_id: columnFromCells("string", ["a", "b", "c"]) }),
    },
  });
}
