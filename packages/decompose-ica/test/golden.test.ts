/** ICA against numpy (scripts/golden/make_ica_golden.py): FastICA and Infomax, same start, same shuffles. */

import { describe, expect, it } from "vitest";
import { fitIca, golden, goldenTensor, matchRows, viewOf } from "./helpers.js";

const g = golden();

describe("golden: numpy's FastICA and Infomax", () => {
  for (const c of g.cases) {
    const tensor = goldenTensor(g, c.channels);
    const channels = c.channels;
    it(`${c.name}: unmixing rows match numpy's up to sign and order (|correlation| > 0.999)`, async () => {
      const output = await fitIca(viewOf(tensor), c.config, c.seed);
      const rank = c.expected.explained_variance.length;
      const unmixing = output.componentTensors.unmixing!;
      expect(unmixing.shape).toEqual([rank, channels]);
      const { match, correlations } = matchRows(
        unmixing.data as Float64Array,
        c.expected.unmixing,
        rank,
        channels,
      );
      expect(new Set(match).size, "a permutation").toBe(rank);
      expect(Math.min(...correlations)).toBeGreaterThan(0.999);
      // Same start, same shuffles: the matched rows agree to rounding, not only in direction.
      const actual = unmixing.data as Float64Array;
      const scale = Math.max(...c.expected.unmixing.map(Math.abs));
      match.forEach((a, e) => {
        let dot = 0;
        for (let j = 0; j < channels; j++)
          dot += actual[a * channels + j]! * c.expected.unmixing[e * channels + j]!;
        const sign = Math.sign(dot);
        for (let j = 0; j < channels; j++)
          expect(
            Math.abs(sign * actual[a * channels + j]! - c.expected.unmixing[e * channels + j]!),
          ).toBeLessThanOrEqual(1e-9 * scale);
      });
      const diagnostics = output.diagnostics as Record<string, unknown>;
      const nIter = diagnostics.n_iter;
      expect(Array.isArray(nIter) ? nIter : [nIter]).toEqual(c.expected.n_iter);
      if (c.expected.restarts !== undefined) expect(diagnostics.restarts).toBe(c.expected.restarts);
    });

    it(`${c.name}: explained variance, eigenvalues and the sorted order as numpy's`, async () => {
      const output = await fitIca(viewOf(tensor), c.config, c.seed);
      const table = output.factorTables.component!;
      const explained = table.column("explained_variance").values as Float64Array;
      c.expected.explained_variance.forEach((e, k) => {
        expect(Math.abs(explained[k]! - e)).toBeLessThanOrEqual(1e-6 * e);
      });
      const ratio = table.column("explained_variance_ratio").values as Float64Array;
      expect(ratio[0]).toBeCloseTo(
        c.expected.explained_variance[0]! / c.expected.total_variance,
        9,
      );
      const diagnostics = output.diagnostics as {
        whitening: { eigenvalues: number[] };
        total_variance: number;
      };
      expect(diagnostics.total_variance).toBeCloseTo(c.expected.total_variance, 9);
      diagnostics.whitening.eigenvalues.forEach((v, k) => {
        expect(Math.abs(v - c.expected.eigenvalues[k]!)).toBeLessThanOrEqual(
          1e-9 * c.expected.eigenvalues[0]!,
        );
      });
    });
  }
});
