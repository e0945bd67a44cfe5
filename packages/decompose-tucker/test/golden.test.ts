/**
 * The Tucker method against the numpy HOSVD/HOOI of scripts/golden/make_tucker_golden.py
 * (fixtures/golden/tucker.json) and against the rank-3 CP of the amino acids (fit 0.97495).
 */

import { firstRead, openSource, planMemory, statLayouts } from "@tt/decompose-core";
import { createKernels } from "@tt/linalg";
import type { MethodOutput } from "@tt/schema";
import { viewFromTensor } from "@tt/schema/testing";
import { describe, expect, it } from "vitest";
import { validateTuckerConfig } from "../src/config.js";
import { hosvdFactors } from "../src/hooi.js";
import { planTensor } from "../src/plan.js";
import {
  context,
  expectClose,
  factorColumns,
  fitTucker,
  fixtureView,
  type GoldenCase,
  goldenCases,
  goldenTensor,
} from "./helpers.js";

const golden = goldenCases();

interface Diagnostics {
  fit: number;
  relative_error: number;
  relative_error_history: number[];
  iterations: number;
  converged: boolean;
}

/** Every factor, the core and the per-instance errors equal numpy's (same sign convention). */
function expectGolden(output: MethodOutput, c: GoldenCase, axes: string[], rtol: number): void {
  const d = output.diagnostics as unknown as Diagnostics;
  const e = c.expected;
  const ranks = c.config.ranks;
  expect(d.iterations).toBe(e.iterations);
  expect(d.converged).toBe(e.converged);
  expectClose(d.relative_error_history, e.relative_error_history, rtol, 0, "history");
  expectClose([d.relative_error], [e.relative_error], rtol, 0, "relative_error");
  expectClose(factorColumns(output, axes[0]!, "score", ranks[0]!), e.factors[0]!, 0, rtol, "U0");
  axes.slice(1).forEach((axis, k) => {
    const U = factorColumns(output, axis, "factor", ranks[k + 1]!);
    expectClose(U, e.factors[k + 1]!, 0, rtol, `factor ${axis}`);
  });
  const core = output.componentTensors.core!;
  expect(core.shape).toEqual(ranks);
  const scale = Math.max(...e.core.map(Math.abs));
  expectClose(core.data as Float64Array, e.core, 0, rtol * scale, "core");
  const recon = output.factorTables[axes[0]!]!.column("recon_error").values as Float64Array;
  const reconScale = Math.max(...e.recon_error);
  expectClose(recon, e.recon_error, 0, rtol * reconScale, "recon_error");
}

async function hosvdOf(c: GoldenCase, view = viewFromTensor(goldenTensor(c))) {
  const config = validateTuckerConfig(c.config);
  const plan = planTensor(view, config);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, config);
  const kernels = await createKernels();
  try {
    const source = await openSource({
      view,
      plan,
      config,
      layouts,
      kernels,
      memory,
      context: context(),
    });
    const { grams } = await firstRead(source, kernels, plan.columnShape, memory.dtype);
    return await hosvdFactors(kernels, grams!, plan.columnShape, c.config.ranks);
  } finally {
    await kernels.dispose();
  }
}

describe.each([
  "synthetic_3way",
  "four_way",
  "centered",
  "masked_random",
  "masked_fibres_centered",
])("numpy HOOI golden: %s", (name) => {
  const c = golden.get(name)!;
  it("starts from numpy's truncated HOSVD factors (of the zero-filled tensor when masked)", async () => {
    const factors = await hosvdOf(c);
    for (const [k, U] of factors.entries())
      expectClose(U, c.expected.hosvd_factors[k]!, 0, 1e-10, `hosvd ${k + 1}`);
  });
  it("matches numpy's HOOI (EM HOOI when masked) iteration for iteration: factors, core, errors (1e-9)", async () => {
    const output = await fitTucker(viewFromTensor(goldenTensor(c)), c.config);
    const d = output.diagnostics as unknown as Diagnostics & {
      imputation?: { missing_entries: number };
    };
    expect(d.imputation?.missing_entries).toBe(c.missing?.length);
    expectClose([d.fit], [c.expected.fit], 0, 1e-9, "fit");
    expectGolden(output, c, c.axes!, 1e-9);
  });
});

it("the masked model's values at the missing entries equal numpy's imputed values (1e-9)", async () => {
  const c = golden.get("masked_random")!;
  const [r0] = c.config.ranks;
  const output = await fitTucker(viewFromTensor(goldenTensor(c)), c.config);
  const scores = factorColumns(output, "instance", "score", r0!);
  const components = output.componentTensors.components!.data as Float64Array;
  const p = components.length / r0!;
  const model = c.missing!.map((position) => {
    const i = Math.floor(position / p);
    let sum = 0;
    for (let s = 0; s < r0!; s++) sum += scores[i * r0! + s]! * components[s * p + (position % p)]!;
    return sum;
  });
  const scale = Math.max(...c.expected.imputed!.map(Math.abs));
  expectClose(model, c.expected.imputed!, 0, 1e-9 * scale, "imputed");
});

describe("amino acids (Bro 1997, 5 x 201 x 61), ranks (3, 3, 3)", async () => {
  const axes = ["instance", "emission", "excitation"];
  const view = await fixtureView("amino_acids_bro", axes);
  const c = golden.get("amino_acids")!;
  const output = await fitTucker(view, c.config);
  const d = output.diagnostics as unknown as Diagnostics;

  it("fits at least as well as the rank-3 CP (0.97495): numpy's HOOI fit 0.97554", () => {
    expect(d.fit).toBeGreaterThanOrEqual(0.9749461);
    expect(d.fit.toFixed(5)).toBe(c.expected.fit.toFixed(5));
    expect(c.expected.fit).toBeGreaterThan(0.9749461);
  });

  it("matches numpy's HOSVD start and HOOI (1e-8)", async () => {
    const factors = await hosvdOf(c, view);
    for (const [k, U] of factors.entries())
      expectClose(U, c.expected.hosvd_factors[k]!, 0, 1e-8, `hosvd ${k + 1}`);
    expectGolden(output, c, axes, 1e-8);
  });

  it("reports the factor tables beside the axis ids, the core and the components", () => {
    const emission = output.factorTables.emission!;
    expect(emission.columnNames).toEqual(["id", "factor_1", "factor_2", "factor_3"]);
    expect(emission.row(0).id).toBe("em250");
    expect(output.factorTables.instance!.column("instance_id").values).toEqual([
      "S1",
      "S2",
      "S3",
      "S4",
      "S5",
    ]);
    const core = output.componentTensors.core!;
    expect(core.axes).toEqual(["instance_factor", "emission_factor", "excitation_factor"]);
    const components = output.componentTensors.components!;
    expect(components.axes).toEqual(["component", "emission", "excitation"]);
    expect(components.shape).toEqual([3, 201, 61]);
    const shares = output.factorTables.component!.column("share_of_fit").values as Float64Array;
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
