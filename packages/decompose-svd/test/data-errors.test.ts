/**
 * Data at the edges: values far from 1 (rescaled by powers of two, results in the data's units,
 * equal to numpy), finite values too large for float64 results, data without variance, and
 * empty selections, each with the error a user sees.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStoredDataset, writeDataset } from "@tt/bundle/fs";
import { createDataset } from "@tt/query";
import {
  createTensor,
  type DataError,
  type InvalidSelectionError,
  isTensorToolsError,
  type MethodOutput,
} from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { afterAll, describe, expect, it } from "vitest";
import { pca, svd } from "../src/index.js";
import { context, expectClose, scoreColumns } from "./helpers.js";

/** A 6 x 4 matrix of small integers; the numpy references below are of this matrix, scaled. */
const X = [2, 0, 1, 3, 1, 4, 0, 2, 0, 1, 5, 1, 3, 2, 2, 0, 4, 1, 3, 5, 1, 3, 1, 2];
const IDS = ["a", "b", "c", "d", "e", "f"];

function view(data: ArrayLike<number>, p = 4, dtype: "float64" | "float32" = "float64") {
  const n = data.length / p;
  return viewFromTensor(
    createTensor({
      data: dtype === "float64" ? Float64Array.from(data) : Float32Array.from(data),
      shape: [n, p],
      axes: ["instance", "feature"],
      axisIndex: { instance: IDS.slice(0, n) },
    }),
  );
}

interface Diagnostics {
  singular_values: number[];
  explained_variance: number[];
  explained_variance_ratio: number[];
  total_sum_squares: number;
}

/**
 * numpy 2 on X times each scale: `Xc = X - X.mean(0)` for PCA (X itself for SVD),
 * `U, s, Vt = np.linalg.svd(Xc, full_matrices=False)`, `ev = s**2 / 5`,
 * `ratio = s**2 / (Xc**2).sum()`; the first two of each and Vt[0].
 */
const NUMPY = {
  pca: {
    "1e150": {
      s: [4.744108124118145e150, 4.392305141104864e150],
      ev: [4.5013123786647574e300, 3.858468890515244e300],
      ratio: [0.42869641701569117, 0.36747322766811846],
      total: 5.25e301,
    },
    "1e100": {
      s: [4.7441081241181475e100, 4.392305141104865e100],
      ev: [4.501312378664762e200, 3.858468890515245e200],
      ratio: [0.4286964170156916, 0.3674732276681186],
      total: 5.25e201,
    },
    "1e-150": {
      s: [4.744108124118145e-150, 4.3923051411048634e-150],
      ev: [4.5013123786647565e-300, 3.858468890515243e-300],
      ratio: [0.42869641701569117, 0.3674732276681184],
      total: 5.249999999999999e-299,
    },
    component: [
      -0.40318389121198495, 0.5676690703335717, -0.46467599426239703, -0.5470564841129602,
    ],
  },
  svd: {
    "1e150": {
      s: [1.0102198422483049e151, 4.484856733123245e150],
      ev: [2.0410882593443802e301, 4.022787983328181e300],
      ratio: [0.7038235377049588, 0.1387168270113166],
      total: 1.45e302,
    },
    "1e100": {
      s: [1.0102198422483046e101, 4.484856733123239e100],
      ev: [2.041088259344379e201, 4.0227879833281703e200],
      ratio: [0.7038235377049583, 0.1387168270113162],
      total: 1.45e202,
    },
    "1e-150": {
      s: [1.0102198422483048e-149, 4.484856733123242e-150],
      ev: [2.04108825934438e-299, 4.022787983328176e-300],
      ratio: [0.7038235377049585, 0.1387168270113164],
      total: 1.45e-298,
    },
    component: [
      -0.49263484464911245, -0.3909745809910822, -0.5008024337965673, -0.5946820235721166,
    ],
  },
} as const;

/** The diagnostics and first component (made positive where numpy's is, to compare up to sign). */
function results(output: MethodOutput, reference: readonly number[]) {
  const d = output.diagnostics as unknown as Diagnostics;
  const component = Array.from(
    output.componentTensors.components!.data.subarray(0, 4) as Float64Array,
  );
  const sign = Math.sign(component[0]!) === Math.sign(reference[0]!) ? 1 : -1;
  return { d, component: component.map((x) => sign * x) };
}

async function failure(run: Promise<unknown>): Promise<Error> {
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("data far from 1 is rescaled by a power of two and matches numpy", () => {
  const solvers = ["exact", "gram", "randomized"] as const;
  const budgets = ["auto", 100] as const; // 100 bytes: less than the 192 of the data, streamed
  for (const method of [pca, svd])
    for (const scale of ["1e150", "1e100", "1e-150"] as const)
      it.each(
        solvers.flatMap((solver) =>
          // The exact solver needs the matrix in memory.
          (solver === "exact" ? budgets.slice(0, 1) : budgets).map(
            (budget) => [solver, budget] as const,
          ),
        ),
      )(`${method.id} of X * ${scale} (%s solver, memory_budget %s)`, async (solver, budget) => {
        const reference = NUMPY[method.id as "pca" | "svd"];
        const expected = reference[scale];
        const data = X.map((x) => x * Number(scale));
        const config = method.validate({ rank: 2, solver, memory_budget: budget });
        const output = await method.fit(view(data), config, context());
        const { d, component } = results(output, reference.component);
        expectClose(d.singular_values, expected.s, 1e-12, 0, "singular values");
        expectClose(d.explained_variance, expected.ev, 1e-12, 0, "explained variance");
        expectClose(d.explained_variance_ratio, expected.ratio, 1e-12, 0, "ratio");
        expectClose([d.total_sum_squares], [expected.total], 1e-12, 0, "total sum of squares");
        expectClose(component, reference.component, 0, 1e-12, "first component");
        // Scores are in the data's units: their squares sum to s² per component.
        const scores = scoreColumns(output, "instance", 2);
        let squares = 0;
        for (let i = 0; i < 6; i++) squares += (scores[i * 2]! / Number(scale)) ** 2;
        expectClose([Math.sqrt(squares)], [expected.s[0] / Number(scale)], 1e-12);
      });

  it("rescales float32 data whose products overflow float32 (X * 2^100)", async () => {
    // X * 2^100 is exact in float32 (max 3.4e38), but products of its entries are not.
    const scale = 2 ** 100;
    const output = await pca.fit(
      view(
        X.map((x) => x * scale),
        4,
        "float32",
      ),
      pca.validate({ rank: 2 }),
      context(),
    );
    const { d, component } = results(output, NUMPY.pca.component);
    // numpy on X (float64): s = [4.744108124118147, 4.392305141104868], ratio as above.
    expectClose(d.singular_values, [4.744108124118147 * scale, 4.392305141104868 * scale], 1e-6);
    expectClose(d.explained_variance_ratio, [0.42869641701569133, 0.367473227668119], 1e-6);
    expectClose(component, NUMPY.pca.component, 0, 1e-6, "first component");
  });

  it("PCA removes a constant column of 1e308, where numpy's mean overflows", async () => {
    // np.hstack([X, np.full((6, 1), 1e308)]).mean(axis=0)[4] is inf (overflow in the sum), so
    // numpy and scikit-learn give NaN; the column's mean is 1e308 and centering removes it, so
    // the PCA is the one of X (numpy above) with a zero loading on the column.
    const data = X.flatMap((x, i) => (i % 4 === 3 ? [x, 1e308] : [x]));
    const output = await pca.fit(view(data, 5), pca.validate({ rank: 2 }), context());
    const d = output.diagnostics as unknown as Diagnostics;
    expectClose(d.singular_values, [4.744108124118147, 4.392305141104868], 1e-12);
    expectClose(d.explained_variance_ratio, [0.42869641701569133, 0.367473227668119], 1e-12);
    const component = Array.from(
      output.componentTensors.components!.data.subarray(0, 5) as Float64Array,
    );
    expectClose(component, [...NUMPY.pca.component, 0], 0, 1e-12, "first component");
    const center = Array.from(output.componentTensors.center!.data as Float64Array);
    expectClose(center, [11 / 6, 11 / 6, 2, 13 / 6, 1e308], 1e-15, 0, "center");
  });
});

describe("finite values too large for float64 results", () => {
  // X with 1e308 at a/0 and -1e308 at c/0. numpy: s[0] = 1.4142135623730951e308 (LAPACK
  // rescales), but ev = s**2 / 5 = inf ("overflow encountered in square"); scikit-learn's
  // explained_variance_ is inf and its ratio NaN. No float64 result can hold it.
  const data = X.map((x, i) => (i === 0 ? 1e308 : i === 8 ? -1e308 : x));

  it.each([
    ["pca", pca],
    ["svd", svd],
  ] as const)("%s names the value, where it is, and what to divide by", async (_, method) => {
    const error = await failure(method.fit(view(data), method.validate({ rank: 2 }), context()));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect((error as DataError).where).toBe("instance a, feature 0");
    expect(error.message).toMatch(
      /^instance a, feature 0: the value 1e\+308 is finite, but its square is not: the explained variance \(about 2\^20\d\d\) would exceed the float64 range \(1\.8e308\); divide the data by 1e15\d or more and decompose again$/,
    );
    expect(error.message).not.toContain("infinite");
  });

  it("still reports a real infinity as infinite, with where it is", async () => {
    const error = await failure(
      pca.fit(
        view(X.map((x, i) => (i === 9 ? Number.NEGATIVE_INFINITY : x))),
        pca.validate({ rank: 2 }),
        context(),
      ),
    );
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe(
      'instance c, feature 1: has an infinite value (-Infinity); a decomposition needs finite numbers: replace it, or make it missing (NaN) and set missing to "drop" or "mask"',
    );
  });
});

describe("data without variance", () => {
  // scikit-learn: explained_variance_ratio_ = explained_variance_ / total_var = 0/0 = NaN (with a
  // RuntimeWarning), and the components of a zero matrix are any orthonormal basis. Refused
  // instead, before the result is assembled.
  it.each([
    [
      "pca of constant data",
      pca,
      X.map(() => 0.1),
      {},
      "has zero variance after centering (every value equals its mean): nothing to decompose",
    ],
    [
      "pca of all-zero data",
      pca,
      X.map(() => 0),
      {},
      "has zero variance after centering (every value equals its mean): nothing to decompose",
    ],
    ["svd of all-zero data", svd, X.map(() => 0), {}, "is all zeros: nothing to decompose"],
    [
      "svd with zero weights",
      svd,
      X,
      { weights: { feature: [0, 0, 0, 0] } },
      "is all zeros after scaling and weights: nothing to decompose",
    ],
    [
      "pca, imputing missing values of constant data",
      pca,
      X.map((_, i) => (i === 5 ? Number.NaN : 3)),
      { missing: "mask" },
      "has zero variance after centering (every value equals its mean): nothing to decompose",
    ],
  ] as const)("%s", async (_, method, data, extra, message) => {
    for (const solver of ["exact", "gram", "randomized"]) {
      const config = method.validate({ rank: 2, solver, ...extra });
      const error = await failure(method.fit(view(data), config, context()));
      expect(isTensorToolsError(error, "data")).toBe(true);
      expect(error.message).toBe(`the data (6 instances x 4 features): ${message}`);
    }
  });
});

describe("empty selections", () => {
  const dir = mkdtempSync(join(tmpdir(), "tt-svd-empty-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["pca", pca],
    ["svd", svd],
  ] as const)(
    "%s of a query that selects nothing is a selection error, not a rank problem",
    async (_, method) => {
      const tensor = createTensor({
        data: Float64Array.from(X),
        shape: [6, 4],
        axes: ["epoch", "feature"],
        axisIndex: { epoch: IDS },
      });
      const path = join(dir, `data-${method.id}`);
      await writeDataset(path, tensor);
      const dataset = createDataset(await openStoredDataset(path));
      const empty = dataset.query("epoch", "epoch_id == 'zzz'").slice("feature", 1, 3);
      expect(empty.shape).toEqual([0, 2]);
      const error = await failure(method.fit(empty, method.validate({ rank: 2 }), context()));
      expect(isTensorToolsError(error, "selection")).toBe(true);
      expect((error as InvalidSelectionError).axis).toBe("epoch");
      expect(error.message).toBe(
        `selection on axis 'epoch': the view selects no instances (the dataset has 6), so there is nothing to decompose; its selectors: query(epoch, "epoch_id == 'zzz'"), slice(feature, 1, 3)`,
      );
    },
  );

  it("a view without instances and without selectors is a data error", async () => {
    const error = await failure(pca.fit(view([]), pca.validate({ rank: 2 }), context()));
    expect(isTensorToolsError(error, "data")).toBe(true);
    expect(error.message).toBe("axis 'instance': has no instances: there is nothing to decompose");
  });
});
