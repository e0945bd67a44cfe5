/** Fits CP to a view: plan, scan, initialize, run the ALS sweeps, finish and assemble the output. */

import {
  componentsTensor,
  type FirstReadSums,
  firstRead,
  instanceTable,
  type MatrixSource,
  openSource,
  type Plan,
  planMemory,
  preprocessingTensors,
  type SourceOpener,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, type KernelDType, type Kernels, khatriRao } from "@tt/linalg";
import { type FitContext, INSTANCE_TABLE, type MethodOutput, type ReadableView } from "@tt/schema";
import { type AlsOptions, type AlsResult, runAls } from "./als.js";
import type { CpConfig } from "./config.js";
import { type DiagnosticsInput, diagnosticsOf } from "./diagnostics.js";
import { type FinishedModel, finishModel } from "./finish.js";
import { gramFactors, randomFactors } from "./init.js";
import { axisFactorTable, componentTable } from "./output.js";

import { planTensor } from "./plan.js";
import { transpose } from "./transpose.js";

/** Fits the CP decomposition of `view` with `config`. */
export async function fitCp(
  view: ReadableView,
  config: CpConfig,
  context: FitContext,
  open: SourceOpener = openSource,
): Promise<MethodOutput> {
  const { signal } = context;
  const plan = planTensor(view, config);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, config);
  const R = config.rank;
  const dims = plan.columnShape;
  const { seed } = context;
  const kernels = await fitKernels(config, context);
  try {
    const source = await open({ view, plan, config, layouts, kernels, memory, context });
    const first = await readFirst(source, kernels, config, dims, memory.dtype);
    // All zeros (zero variance after centering): the relative error would be 0/0.
    source.assertNotAllZero(first.totalSquares);
    const init =
      first.grams === undefined
        ? randomFactors(dims, R, seed)
        : gramFactors(dims, first.grams, R, seed, config.nonnegative);
    const als = await sweep(config, context, {
      source,
      kernels,
      dims,
      rank: R,
      factors: init.factors,
      totalSquares: first.totalSquares,
    });
    signal?.throwIfAborted();
    const fitted = await finishModel(source, kernels, dims, R, als, first.rowSquares);
    context.onProgress({ phase: "finish", fraction: 1 });
    return await cpOutput({
      view,
      fitted,
      config,
      plan,
      source,
      als,
      initDetail: init.detail,
      seed,
      kernels,
      blockRows: memory.blockRows,
    });
  } finally {
    await kernels.dispose();
  }
}

/** The kernels of a fit: the config's own thread count wins; "auto" defers to the caller's settings. */
function fitKernels(config: CpConfig, context: FitContext): Promise<Kernels> {
  return createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
}

/** Runs the ALS sweeps with the config's settings, reporting each sweep in phase "fit". */
function sweep(
  config: CpConfig,
  context: FitContext,
  model: Pick<AlsOptions, "source" | "kernels" | "dims" | "rank" | "factors" | "totalSquares">,
): Promise<AlsResult> {
  return runAls({
    ...model,
    nIterMax: config.n_iter_max,
    tol: config.tol,
    nonnegative: config.nonnegative,
    lineSearch: config.line_search,
    signal: context.signal,
    onSweep: (done, total) => context.onProgress({ phase: "fit", fraction: done / total }),
  });
}

/**
 * Reads the data once for its squared norms and, for `init: "svd"`, the modes' Gram matrices; the
 * norms alone come from the scan when it measured them (data that preprocessing leaves as read).
 */
async function readFirst(
  source: MatrixSource,
  kernels: Kernels,
  config: CpConfig,
  dims: number[],
  dtype: KernelDType,
): Promise<FirstReadSums> {
  if (config.init !== "svd" && source.rowSquares !== undefined) {
    let totalSquares = 0;
    for (const s of source.rowSquares) totalSquares += s;
    return { totalSquares, rowSquares: source.rowSquares, grams: undefined };
  }
  return firstRead(source, kernels, config.init === "svd" ? dims : undefined, dtype);
}

/** What {@link cpOutput} assembles: the diagnostics' input, with the model in the fit's units. */
interface OutputInput extends Omit<DiagnosticsInput, "model"> {
  view: ReadableView;
  /** The finished model in the units the fit saw. */
  fitted: FinishedModel;
}

/**
 * The output of a fit: the factor tables, the component tensors and the diagnostics; when the rows
 * stayed on a split fit's workers, they write the instance table (`cp.instances`).
 */
async function cpOutput(input: OutputInput): Promise<MethodOutput> {
  const { view, plan, source, fitted } = input;
  const R = input.config.rank;
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
  const written =
    fitted.instances && (await source.runner!.writeRows!("cp.instances", fitted.instances));
  const factorTables = factorTablesOf(view, plan, source, model, R, written === undefined);
  factorTables.component = table;
  const { config, als, initDetail, seed, kernels, blockRows } = input;
  return {
    factorTables,
    ...(written !== undefined && { writtenTables: { [INSTANCE_TABLE]: written } }),
    componentTensors,
    diagnostics: diagnosticsOf({
      config,
      plan,
      source,
      als,
      model,
      initDetail,
      seed,
      kernels,
      blockRows,
    }),
  };
}

/**
 * The instance table (scores and errors; unless the workers wrote it) and one table of loadings
 * per column axis.
 */
function factorTablesOf(
  view: ReadableView,
  plan: Plan,
  source: MatrixSource,
  model: Pick<FinishedModel, "scores" | "reconError" | "factors">,
  R: number,
  withInstances: boolean,
): MethodOutput["factorTables"] {
  const factorTables: MethodOutput["factorTables"] = {};
  if (withInstances)
    factorTables[INSTANCE_TABLE] = instanceTable(
      view,
      plan,
      source.usedRows,
      model.scores,
      R,
      model.reconError,
    );
  plan.columnAxes.forEach((axis, k) => {
    factorTables[axis] = axisFactorTable(view, plan, axis, model.factors[k]!, R);
  });
  return factorTables;
}
