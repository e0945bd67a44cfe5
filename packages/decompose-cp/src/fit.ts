/** Fits CP to a view: plan, scan, initialize, run the ALS sweeps, finish and assemble the output. */

import {
  componentsTensor,
  instanceTable,
  openSource,
  planMemory,
  preprocessingTensors,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, khatriRao } from "@tt/linalg";
import type { FitContext, MethodOutput, ReadableView } from "@tt/schema";
import { runAls } from "./als.js";
import type { CpConfig } from "./config.js";
import { diagnosticsOf } from "./diagnostics.js";
import { finishModel } from "./finish.js";
import { ModeGrams, randomFactors } from "./init.js";
import { axisFactorTable, componentTable } from "./output.js";
import { planTensor } from "./plan.js";
import { transpose } from "./transpose.js";

/** Fits the CP decomposition of `view` with `config`. */
export async function fitCp(
  view: ReadableView,
  config: CpConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const { signal } = context;
  const plan = planTensor(view, config);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, config);
  const R = config.rank;
  const dims = plan.columnShape;
  const { seed } = context;
  // The config's own thread count wins; "auto" defers to the caller's kernel settings.
  const kernels = await createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
  try {
    const source = await openSource({ view, plan, config, layouts, kernels, memory, context });
    const grams =
      config.init === "svd" ? new ModeGrams(kernels, dims, memory.dtype, source.n) : undefined;
    const zero = new Float64Array(plan.p);
    let totalSquares = 0;
    const rowSquares = new Float64Array(source.n);
    await source.forEachBlock(async (block, row0) => {
      const { rowSumSquares } = await kernels.moments(block, zero);
      rowSquares.set(rowSumSquares, row0);
      for (const s of rowSumSquares) totalSquares += s;
      await grams?.add(block);
    });
    grams?.free();
    // All zeros (zero variance after centering): the relative error would be 0/0.
    source.assertNotAllZero(totalSquares);
    const init = grams?.factors(R, seed, config.nonnegative) ?? randomFactors(dims, R, seed);
    const als = await runAls({
      source,
      kernels,
      dims,
      rank: R,
      factors: init.factors,
      nIterMax: config.n_iter_max,
      tol: config.tol,
      nonnegative: config.nonnegative,
      lineSearch: config.line_search,
      totalSquares,
      signal,
      onSweep: (done, total) => context.onProgress({ phase: "fit", fraction: done / total }),
    });
    signal?.throwIfAborted();
    const fitted = await finishModel(source, kernels, dims, R, als, rowSquares);
    context.onProgress({ phase: "finish", fraction: 1 });
    // The fit saw the data rescaled by a power of two when it was too large or too small to
    // square (source.unitExponent): weights, scores and errors go back to the data's units.
    const model = {
      ...fitted,
      weights: source.toDataUnits(fitted.weights, 1, "component weights"),
      scores: source.toDataUnits(fitted.scores, 1, "scores"),
      reconError: source.toDataUnits(fitted.reconError, 1, "reconstruction errors"),
    };
    const table = componentTable(model.weights, fitted.weights);
    const components = khatriRao(model.factors, R);
    const componentTensors: MethodOutput["componentTensors"] = {
      // khatriRao is p × R; the tensor is R × p.
      components: componentsTensor(view, plan, transpose(components, plan.p, R), R, table),
      ...preprocessingTensors(view, plan, source),
    };
    const factorTables: MethodOutput["factorTables"] = {
      [plan.rowAxis]: instanceTable(view, plan, source.usedRows, model.scores, R, model.reconError),
    };
    plan.columnAxes.forEach((axis, k) => {
      factorTables[axis] = axisFactorTable(view, plan, axis, model.factors[k]!, R);
    });
    factorTables.component = table;
    return {
      factorTables,
      componentTensors,
      diagnostics: diagnosticsOf({
        config,
        plan,
        source,
        als,
        model,
        initDetail: init.detail,
        seed,
        kernels,
        blockRows: memory.blockRows,
      }),
    };
  } finally {
    await kernels.dispose();
  }
}
