/** Fits ICA to a view: plan, scan, whiten, run FastICA or Infomax, finish and assemble the output. */

import { openSource, planMemory, statLayouts } from "@tt/decompose-core";
import { createKernels, type Kernels } from "@tt/linalg";
import { ConfigError, type FitContext, type MethodOutput, type ReadableView } from "@tt/schema";
import { channelRows } from "./channel-rows.js";
import type { IcaConfig } from "./config.js";
import { diagnosticsOf } from "./diagnostics.js";
import { fastIcaStart, type IcaRun, runFastIca } from "./fastica.js";
import { finishModel } from "./finish.js";
import { runInfomax } from "./infomax.js";
import { icaOutput } from "./output.js";
import { planIca } from "./plan.js";
import { channelCovariance, type WhitenedRows, whitenedRows, whitening } from "./whiten.js";

/**
 * Fits the ICA of `view` with `config` (validated): what `ica.fit` runs, loaded eagerly.
 *
 * @example
 * ```ts
 * const out = await fitIca(view, validateIcaConfig({ fastica_mode: "deflation" }), {
 *   seed: 0,
 *   signal: undefined,
 *   onProgress() {},
 * });
 * console.log(out.diagnostics.n_iter, out.diagnostics.converged);
 * ```
 */
export async function fitIca(
  view: ReadableView,
  config: IcaConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const ica = planIca(view, config);
  const { plan, preprocess } = ica;
  const layouts = statLayouts(view, plan, preprocess);
  const memory = planMemory(view, plan, layouts, {
    ...preprocess,
    memory_budget: config.memory_budget,
  });
  const kernels = await createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
  try {
    const source = await openSource({
      view,
      plan,
      config: preprocess,
      layouts,
      kernels,
      memory,
      context,
    });
    const rows = channelRows(source, kernels, ica.perInstance, ica.channels);
    const cov = await channelCovariance(rows, kernels);
    source.assertNotAllZero(cov.reduce((a, x) => Math.max(a, Math.abs(x)), 0));
    const white = await whitening(cov, ica.channels, config.rank ?? ica.channels, kernels);
    const Z = await whitenedRows(rows, white, kernels, memory.budget);
    const run = await unmix(Z, config, context, kernels);
    context.signal?.throwIfAborted();
    const model = await finishModel(run.W, white, rows, kernels);
    context.onProgress({ phase: "finish", fraction: 1 });
    return {
      ...icaOutput(view, ica, source, model),
      diagnostics: diagnosticsOf({
        config,
        ica,
        source,
        white,
        run,
        model,
        seed: context.seed,
        kernels,
        Z,
      }),
    };
  } finally {
    await kernels.dispose();
  }
}

/** Runs the configured algorithm on the whitened rows. */
function unmix(
  Z: WhitenedRows,
  config: IcaConfig,
  context: FitContext,
  kernels: Kernels,
): Promise<IcaRun & { stop?: string; restarts?: number }> {
  if (config.algorithm === "fastica")
    return runFastIca({
      rows: Z,
      kernels,
      fun: config.fun,
      mode: config.fastica_mode,
      maxIter: config.max_iter,
      tol: config.tol ?? 1e-4,
      wInit: fastIcaStart(Z.rank, context.seed),
      context,
    });
  if (Z.matrix === undefined)
    throw new ConfigError(
      "memory_budget",
      `Infomax samples rows at random, so the whitened data (${Z.rows} x ${Z.rank} float64, ${Z.rows * Z.rank * 8} bytes) must fit in half of memory_budget; raise memory_budget, lower rank, or use algorithm "fastica", which streams`,
    );
  return runInfomax({
    Z: Z.matrix,
    kernels,
    extended: config.extended,
    maxIter: config.max_iter,
    wChange: config.tol ?? 1e-12,
    learningRate: config.learning_rate,
    blockSize: config.block_size,
    seed: context.seed,
    context,
  });
}
