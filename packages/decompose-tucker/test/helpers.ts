/** Shared test helpers: the numpy goldens, the fixtures as views, subspace comparisons. */

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readCsvFile, readNpyFile } from "@tt/bundle/fs";
import {
  type AxisAnnotatedTensor,
  createTensor,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { fitContext } from "@tt/test-fixtures";
import { tucker } from "../src/index.js";

export { expectClose, factorColumns, fitContext as context } from "@tt/test-fixtures";

/** The repository's fixtures folder. */
export const FIXTURES = new URL("../../../fixtures/", import.meta.url);

/** Results of the numpy HOOI of scripts/golden/make_tucker_golden.py. */
export interface GoldenExpected {
  hosvd_factors: number[][];
  iterations: number;
  converged: boolean;
  relative_error_history: number[];
  relative_error: number;
  fit: number;
  factors: number[][];
  core: number[];
  recon_error: number[];
  /** Masked cases: the model's values at the missing entries, in `missing`'s order. */
  imputed?: number[];
}

/** One case of fixtures/golden/tucker.json. */
export interface GoldenCase {
  name: string;
  source?: string;
  axes?: string[];
  shape?: number[];
  data?: number[];
  /** Masked cases: the flat positions of the missing entries (`data` holds their true values). */
  missing?: number[];
  config: Record<string, unknown> & { ranks: number[] };
  expected: GoldenExpected;
}

/** The golden cases by name. */
export function goldenCases(): Map<string, GoldenCase> {
  const golden = JSON.parse(readFileSync(new URL("golden/tucker.json", FIXTURES), "utf8")) as {
    cases: GoldenCase[];
  };
  return new Map(golden.cases.map((c) => [c.name, c]));
}

/**
 * The tensor of a golden case with inline data, instance ids `i0`, `i1`, ...; the missing entries
 * of a masked case are NaN.
 */
export function goldenTensor(c: GoldenCase): AxisAnnotatedTensor {
  const data = Float64Array.from(c.data!);
  for (const position of c.missing ?? []) data[position] = Number.NaN;
  return createTensor({
    data,
    shape: c.shape!,
    axes: c.axes!,
    axisIndex: { [c.axes![0]!]: Array.from({ length: c.shape![0]! }, (_, i) => `i${i}`) },
  });
}

/** A fixture dataset folder (tensor.npy and axis CSVs with an `id` column) as a view. */
export async function fixtureView(folder: string, axes: string[]): Promise<ReadableView> {
  const path = (name: string) => fileURLToPath(new URL(`${folder}/${name}`, FIXTURES));
  const { data, shape } = await readNpyFile(path("tensor.npy"));
  const files = readdirSync(fileURLToPath(new URL(`${folder}/`, FIXTURES)));
  const axisMeta: Record<string, Awaited<ReturnType<typeof readCsvFile>>> = {};
  for (const [d, axis] of axes.entries()) {
    const file = files.find((name) => name.startsWith(`axis${d}_`) && name.endsWith(".csv"));
    if (file !== undefined) axisMeta[axis] = await readCsvFile(path(file));
  }
  const tensor = createTensor({ data, shape, axes, axisMeta });
  return viewFromTensor(tensor, Object.fromEntries(axes.map((axis) => [axis, "id"])));
}

/** Fits `tucker` with `config` (validated) to a view. */
export function fitTucker(
  view: ReadableView,
  config: Record<string, unknown>,
  seed = 0,
): Promise<MethodOutput> {
  return tucker.fit(view, tucker.validate(config), fitContext(seed));
}

/**
 * The largest principal angle's sine between the column spaces of two d × r matrices with
 * orthonormal columns: ‖(I − PPᵀ)Q‖₂ bounded by its Frobenius norm (0 for equal subspaces).
 */
export function subspaceDistance(P: ArrayLike<number>, Q: ArrayLike<number>, r: number): number {
  const d = P.length / r;
  let sum = 0;
  for (let s = 0; s < r; s++) {
    const coefficients = Array.from({ length: r }, (_, t) => {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += P[a * r + t]! * Q[a * r + s]!;
      return dot;
    });
    for (let a = 0; a < d; a++) {
      let residual = Q[a * r + s]!;
      for (let t = 0; t < r; t++) residual -= P[a * r + t]! * coefficients[t]!;
      sum += residual * residual;
    }
  }
  return Math.sqrt(sum);
}
