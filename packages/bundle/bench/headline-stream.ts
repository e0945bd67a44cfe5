/** The headline tensor as a stream of blocks with their metadata rows, for the benches' writes. */

import type { MetaTable } from "@tt/schema";
import { HEADLINE } from "../../../tooling/bench/headline.js";
import type { TensorStream } from "../src/index.js";

/** `data` (instances x samples x channels, `meta.numRows` instances) in blocks of `rows`. */
export function headlineStream(data: Float32Array, meta: MetaTable, rows = 2048): TensorStream {
  const { samples, channels } = HEADLINE;
  const slab = samples * channels;
  const count = meta.numRows;
  return {
    axes: ["instance", "sample", "channel"],
    dtype: "float32",
    shape: [count, samples, channels],
    blocks: (function* () {
      for (let start = 0; start < count; start += rows) {
        const stop = Math.min(count, start + rows);
        yield { data: data.subarray(start * slab, stop * slab), meta: meta.slice(start, stop) };
      }
    })(),
  };
}
