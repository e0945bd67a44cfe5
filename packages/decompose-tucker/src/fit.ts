/** Fits Tucker to a view: plan, scan, start, run HOOI, read the instance factor, assemble the output. */

import {
  firstRead,
  type MatrixSource,
  openSource,
  type Plan,
  planMemory,
  type SourceOpener,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, type Kernels, matmul } from "@tt/linalg";
import type { FitContext, MethodOutput, ReadableView } from "@tt/schema";
import type { TuckerConfig } from "./config.js";
import { diagnosticsOf } from "./diagnostics.js";
import { type HooiResult, hosvdFactors, randomFactors, runHooi } from "./hooi.js";
import { maskedLastRead } from "./impute.js";
import { type TuckerModel, tuckerOutput } from "./output.js";
import { lastRead } from "./passes.js";
import { assertInstanceRank, planTensor, resolveRanks } from "./plan.js";
import { flipSigns, kron } from "./small.js";

/**
 * Fits the Tucker decomposition of `view` with `config` (validated by `validateTuckerConfig`):
 * HOSVD or random start, then HOOI; see the `tucker` method.
 *
 * @example
 * ```ts
 * import { fitTucker, validateTuckerConfig } from "@tt/decompose-tucker";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 12 * 4 * 3 }, (_, x) => Math.cos(x) + (x % 4)),
 *   shape: [12, 4, 3],
 *   axes: ["instance", "sample", "channel"],
 *   axisIndex: { instance: Array.from({ length: 12 }, (_, i) => `e${i}`) },
 * });
 * const config = validateTuckerConfig({ ranks: [2, 2, 2] });
 * const out = await fitTucker(viewFromTensor(tensor), config, { seed: 0, signal: undefined, onProgress() {} });
 * console.log(out.diagnostics.fit, out.componentTensors.core.shape); // ... [2, 2, 2]
 * ```
 */
export async function fitTucker(
  view: ReadableView,
  config: TuckerConfig,
  context: FitContext,
  open: SourceOpener = openSource,
): Promise<MethodOutput> {
  const plan = planTensor(view, config);
  const ranks = resolveRanks(config.ranks, plan);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, config);
  const dims = plan.columnShape;
  const kernels = await createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
  try {
    const source = await open({ view, plan, config, layouts, kernels, memory, context });
    assertInstanceRank(ranks[0]!, source.n, plan.rowAxis);
    const first = await readFirst(source, kernels, config, dims, memory.dtype);
    source.assertNotAllZero(first.totalSquares);
    const start =
      first.grams === undefined
        ? randomFactors(dims, ranks, context.seed)
        : await hosvdFactors(kernels, first.grams, dims, ranks);
    const hooi = await runHooi({
      source,
      kernels,
      dims,
      ranks,
      factors: start,
      totalSquares: first.totalSquares,
      nIterMax: config.n_iter_max,
      tol: config.tol,
      signal: context.signal,
      onIteration: (done, total) => context.onProgress({ phase: "fit", fraction: done / total }),
    });
    context.signal?.throwIfAborted();
    const model = await finish(source, kernels, plan, ranks, hooi);
    context.onProgress({ phase: "finish", fraction: 1 });
    const diagnostics = diagnosticsOf({
      config,
      plan,
      source,
      hooi,
      model,
      totalSquares: first.totalSquares,
      seed: context.seed,
      kernels,
      blockRows: memory.blockRows,
    });
    return tuckerOutput(view, plan, source, model, diagnostics);
  } finally {
    await kernels.dispose();
  }
}

/** The norms and, for the HOSVD start, the modes' Gram matrices (norms alone from the scan when it has them). */
async function readFirst(
  source: MatrixSource,
  kernels: Kernels,
  config: TuckerConfig,
  dims: number[],
  dtype: "float32" | "float64",
) {
  if (config.init !== "hosvd" && source.rowSquares !== undefined) {
    let totalSquares = 0;
    for (const s of source.rowSquares) totalSquares += s;
    return { totalSquares, rowSquares: source.rowSquares, grams: undefined };
  }
  return firstRead(source, kernels, config.init === "hosvd" ? dims : undefined, dtype);
}

/**
 * The last read: U₀ (from the last iteration's `A·K`, or as a masked fit kept it) and the
 * per-instance errors of the final model.
 */
async function readModel(
  source: MatrixSource,
  kernels: Kernels,
  model: {
    hooi: HooiResult;
    finalK: Float64Array;
    core: Float64Array;
    r0: number;
    q: number;
    p: number;
  },
): Promise<{ U0: Float64Array; rowErrors: Float64Array }> {
  const { hooi, finalK, core, r0, q, p } = model;
  if (hooi.imputation !== undefined) {
    // The data changed since U₀ was computed (the last imputation): U₀ is kept, not read again.
    const U0 = hooi.imputation.U0.slice();
    const rowErrors = await maskedLastRead(source, kernels, { U0, core, K: finalK, r0, q });
    return { U0, rowErrors };
  }
  const both = new Float64Array(p * 2 * q);
  for (let j = 0; j < p; j++) {
    both.set(hooi.lastK.subarray(j * q, (j + 1) * q), j * 2 * q);
    both.set(finalK.subarray(j * q, (j + 1) * q), j * 2 * q + q);
  }
  return lastRead(source, kernels, { K: both, Vs: hooi.Vs, core, r0, q });
}

/**
 * The last read (U₀ and the per-instance errors), the signs of U₀ (pushed into the core), the
 * components and everything in the data's units.
 */
async function finish(
  source: MatrixSource,
  kernels: Kernels,
  plan: Plan,
  ranks: number[],
  hooi: HooiResult,
): Promise<TuckerModel> {
  const inner = ranks.slice(1);
  const r0 = ranks[0]!;
  const { p } = plan;
  const q = hooi.core.length / r0;
  const finalK = kron(hooi.factors, plan.columnShape, inner);
  const core = hooi.core.slice();
  const { U0, rowErrors } = await readModel(source, kernels, { hooi, finalK, core, r0, q, p });
  const signs = flipSigns(U0, r0);
  for (let s = 0; s < r0; s++) for (let c = 0; c < q; c++) core[s * q + c]! *= signs[s]!;
  // components = core₍₀₎·Kᵀ (r₀ × p), from K·core₍₀₎ᵀ (p × r₀).
  const coreT = new Float64Array(q * r0);
  for (let s = 0; s < r0; s++) for (let c = 0; c < q; c++) coreT[c * r0 + s] = core[s * q + c]!;
  const byColumn = matmul(finalK, p, q, coreT, r0);
  const components = new Float64Array(r0 * p);
  for (let j = 0; j < p; j++)
    for (let s = 0; s < r0; s++) components[s * p + j] = byColumn[j * r0 + s]!;
  return {
    ranks,
    instanceFactor: U0,
    factors: hooi.factors,
    core: source.toDataUnits(core, 1, "core"),
    components: source.toDataUnits(components, 1, "components"),
    reconError: source.toDataUnits(rowErrors.map(Math.sqrt), 1, "reconstruction errors"),
  };
}
