/**
 * The EEGLAB epochs (80 × 384 × 32): the eye components. Blinks are rare, large frontal
 * deflections, so the blink component is the most super-Gaussian one. EEGLAB's own Infomax
 * weights (`ref_icawinv.npy`, computed on differently preprocessed data) are a sanity check of
 * the patterns, not a golden.
 */

import { readFileSync } from "node:fs";
import { readNpyFile } from "@tt/bundle/fs";
import type { MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { EEG_INDEX_COLUMNS, eegTensor, fixture } from "@tt/test-fixtures";
import { describe, expect, it } from "vitest";
import { ica } from "../src/index.js";
import { context, correlation, type GoldenCase, matchRows } from "./helpers.js";

const tensor = await eegTensor();
const labels = tensor.axisMeta.channel!.column("id").values as string[];
const EOG1 = labels.indexOf("EOG1");
const EOG2 = labels.indexOf("EOG2");
const C = labels.length;

/** Column k (0-based) of EEGLAB's mixing matrix (icawinv, channels × components). */
const winv = (await readNpyFile(fixture("eeglab_epochs/ref_icawinv.npy"))).data as Float64Array;
const eeglabColumn = (k: number) => Array.from({ length: C }, (_, c) => winv[c * C + k]!);

/** Each component's mixing column, kurtosis and channels ranked by |weight|. */
function components(output: MethodOutput) {
  const table = output.factorTables.channel!;
  const kurtosis = output.factorTables.component!.column("kurtosis").values as Float64Array;
  return Array.from(kurtosis, (kurt, k) => {
    const mixing = Array.from(table.column(`mixing_${k + 1}`).values as Float64Array);
    const ranked = mixing
      .map((_, c) => c)
      .sort((a, b) => Math.abs(mixing[b]!) - Math.abs(mixing[a]!));
    const share = (c: number) => mixing[c]! ** 2 / mixing.reduce((a, x) => a + x * x, 0);
    return { kurt, mixing, top: ranked.map((c) => labels[c]!), share };
  });
}

/** numpy's fits of the same data (scripts/golden/make_ica_golden.py, float64 throughout). */
const goldens = new Map(
  (
    JSON.parse(readFileSync(fixture("golden/ica-eeg.json"), "utf8")) as { cases: GoldenCase[] }
  ).cases.map((c) => [c.config.algorithm as string, c]),
);

/** One fit per algorithm, shared by the checks. */
const fits = new Map<string, Promise<MethodOutput>>();
function fitOf(algorithm: "fastica" | "infomax"): Promise<MethodOutput> {
  if (!fits.has(algorithm))
    fits.set(
      algorithm,
      ica.fit(viewFromTensor(tensor, EEG_INDEX_COLUMNS), ica.validate({ algorithm }), context(0)),
    );
  return fits.get(algorithm)!;
}

describe("EEG epochs: the eye components", () => {
  for (const algorithm of ["infomax", "fastica"] as const) {
    it(`${algorithm}: the unmixing matrix matches numpy's up to sign and order`, async () => {
      const output = await fitOf(algorithm);
      const golden = goldens.get(algorithm)!;
      const unmixing = output.componentTensors.unmixing!.data as Float64Array;
      const { match, correlations } = matchRows(unmixing, golden.expected.unmixing, C, C);
      expect(new Set(match).size).toBe(C);
      // The data are float32, which our products keep and numpy's reference does not.
      expect(Math.min(...correlations)).toBeGreaterThan(0.999);
      const nIter = output.diagnostics.n_iter as number;
      expect(Math.abs(nIter - golden.expected.n_iter[0]!)).toBeLessThanOrEqual(3);
    }, 120_000);

    it(`${algorithm}: the blink component (largest kurtosis) is FPz with EOG1 of opposite sign`, async () => {
      const output = await fitOf(algorithm);
      const all = components(output);
      const blink = all.reduce((a, b) => (b.kurt > a.kurt ? b : a));
      expect(blink.kurt).toBeGreaterThan(30);
      expect(blink.top.slice(0, 2)).toEqual(["FPz", "EOG1"]);
      expect(Math.sign(blink.mixing[EOG1]!)).toBe(-Math.sign(blink.mixing[labels.indexOf("FPz")]!));
      // EEGLAB's blink component is its third (kurtosis 66 on these data).
      expect(Math.abs(correlation(blink.mixing, eeglabColumn(2)))).toBeGreaterThan(0.99);
      // The component with the largest EOG1 share is led by EOG1, with EOG2 among its top three,
      // and matches EEGLAB's eleventh component; another is led by EOG2 alone.
      const vertical = all.reduce((a, b) => (b.share(EOG1) > a.share(EOG1) ? b : a));
      expect(vertical.top[0]).toBe("EOG1");
      expect(vertical.top.slice(0, 3)).toContain("EOG2");
      expect(Math.abs(correlation(vertical.mixing, eeglabColumn(10)))).toBeGreaterThan(0.9);
      const horizontal = all.reduce((a, b) => (b.share(EOG2) > a.share(EOG2) ? b : a));
      expect(horizontal.top[0]).toBe("EOG2");
      expect(horizontal.share(EOG2)).toBeGreaterThan(0.5);
    }, 120_000);
  }
});
