/** FastICA streamed (data and whitened rows read block by block) equals the in-memory fit. */

import { createTensor } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { fitIca, matchRows, unmixingOf, viewOf } from "./helpers.js";

/** 2100 instances × 4 samples × 5 channels: three non-Gaussian sources and two noise channels. */
function synthetic() {
  const n = 2100;
  const t = 4;
  const C = 5;
  const data = new Float64Array(n * t * C);
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const mixing = [1, 0.5, -0.3, 0.2, 1, 0.4, -0.6, 0.3, 1, 0.5, 0.5, 0.5, 0.2, -0.7, 0.1];
  for (let i = 0; i < n * t; i++) {
    const s = [
      Math.log(uniform()) * (uniform() < 0.5 ? -1 : 1),
      uniform() * 2 - 1,
      Math.sin(i * 0.7),
    ];
    for (let c = 0; c < C; c++)
      data[i * C + c] =
        s[0]! * mixing[c * 3]! +
        s[1]! * mixing[c * 3 + 1]! +
        s[2]! * mixing[c * 3 + 2]! +
        0.01 * (uniform() - 0.5);
  }
  return createTensor({
    data,
    shape: [n, t, C],
    axes: ["instance", "sample", "channel"],
    axisIndex: { instance: Array.from({ length: n }, (_, i) => `i${i}`) },
  });
}

describe("streaming", () => {
  const tensor = synthetic();
  for (const mode of ["parallel", "deflation"] as const) {
    it(`${mode}: a budget below the data gives the in-memory fit`, async () => {
      const config = { rank: 3, fastica_mode: mode };
      const inMemory = await fitIca(viewOf(tensor), config, 1);
      const streamed = await fitIca(viewOf(tensor), { ...config, memory_budget: 200_000 }, 1);
      expect(streamed.diagnostics.in_memory).toBe(false);
      expect(streamed.diagnostics.whitened_in_memory).toBe(false);
      expect(inMemory.diagnostics.in_memory).toBe(true);
      const { match, correlations } = matchRows(unmixingOf(streamed), unmixingOf(inMemory), 3, 5);
      expect(match).toEqual([0, 1, 2]);
      expect(Math.min(...correlations)).toBeGreaterThan(1 - 1e-9);
      expect(streamed.diagnostics.n_iter).toEqual(inMemory.diagnostics.n_iter);
    });
  }
});
