/** Shared test helpers: the numpy goldens, views of them, fits and matching up to sign and order. */

import { readFileSync } from "node:fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { correlation, fitContext, fixture } from "@tt/test-fixtures";
import { ica } from "../src/index.js";

export { correlation, fitContext as context } from "@tt/test-fixtures";

/** One case of `fixtures/golden/ica.json` (written by scripts/golden/make_ica_golden.py). */
export interface GoldenCase {
  name: string;
  /** The case uses the first this many channels of the data. */
  channels: number;
  config: Record<string, unknown>;
  seed: number;
  expected: {
    unmixing: number[];
    mixing: number[];
    explained_variance: number[];
    total_variance: number;
    eigenvalues: number[];
    n_iter: number[];
    /** Infomax: restarts after the weights blew up. */
    restarts?: number;
  };
}

/** The golden file. */
export interface Golden {
  data: { axes: string[]; shape: number[]; values: number[]; true_mixing: number[] };
  cases: GoldenCase[];
}

/** The golden file, parsed. */
export function golden(): Golden {
  return JSON.parse(readFileSync(fixture("golden/ica.json"), "utf8")) as Golden;
}

/**
 * The golden data (its first `channels` channels) as a tensor with instance ids `i0`, `i1`, ...
 * and channel ids `c0`, ...
 */
export function goldenTensor(g: Golden, channels = g.data.shape[2]!): AxisAnnotatedTensor {
  const { axes, values } = g.data;
  const all = g.data.shape[2]!;
  const shape = [g.data.shape[0]!, g.data.shape[1]!, channels];
  return createTensor({
    data: Float64Array.from({ length: values.length / all }, (_, i) => i).reduce(
      (out, i) => {
        for (let c = 0; c < channels; c++) out[i * channels + c] = values[i * all + c]!;
        return out;
      },
      new Float64Array((values.length / all) * channels),
    ),
    shape,
    axes,
    axisIndex: {
      instance: Array.from({ length: shape[0]! }, (_, i) => `i${i}`),
      channel: Array.from({ length: shape[2]! }, (_, i) => `c${i}`),
    },
  });
}

/** Fits `ica` with `config` (validated) to a view. */
export function fitIca(view: ReadableView, config: unknown, seed = 0): Promise<MethodOutput> {
  return ica.fit(view, ica.validate(config), fitContext(seed));
}

/** A fresh view of a tensor. */
export function viewOf(tensor: AxisAnnotatedTensor): ReadableView {
  return viewFromTensor(tensor);
}

/** Row `k` of a row-major matrix with `cols` columns. */
export function row(M: ArrayLike<number>, k: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, j) => M[k * cols + j]!);
}

/**
 * Matches every row of `expected` to the row of `actual` with the largest absolute correlation;
 * returns the match (a permutation when it is one) and each match's |correlation|.
 */
export function matchRows(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rows: number,
  cols: number,
): { match: number[]; correlations: number[] } {
  const match: number[] = [];
  const correlations: number[] = [];
  for (let e = 0; e < rows; e++) {
    let best = -1;
    let bestCorrelation = -1;
    for (let a = 0; a < rows; a++) {
      const c = Math.abs(correlation(row(actual, a, cols), row(expected, e, cols)));
      if (c > bestCorrelation) {
        best = a;
        bestCorrelation = c;
      }
    }
    match.push(best);
    correlations.push(bestCorrelation);
  }
  return { match, correlations };
}

/** The unmixing matrix (component × channel) of a fit's output. */
export function unmixingOf(output: MethodOutput): Float64Array {
  return output.componentTensors.unmixing!.data as Float64Array;
}
