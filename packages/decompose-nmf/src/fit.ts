/** Fits NMF to a view: plan, scan, refuse negative data, start, iterate, and assemble the output. */

import {
  type MatrixSource,
  openSource,
  planMemory,
  planUnfolding,
  statLayouts,
} from "@tt/decompose-core";
import { createKernels, type Kernels } from "@tt/linalg";
import { ConfigError, type FitContext, type MethodOutput, type ReadableView } from "@tt/schema";
import type { NmfConfig } from "./config.js";
import { residuals } from "./final-pass.js";
import { firstRead } from "./first-read.js";
import { type Factors, nndsvd, randomFactors } from "./init.js";
import { nmfOutput } from "./output.js";
import { solve, stalled } from "./solve.js";
import { GRAM_MAX_FEATURES, truncatedSvd } from "./truncated-svd.js";

/**
 * Fits the NMF of `view` with `config` (validated by {@link validateNmfConfig}): X ≈ W·H on the
 * instances × features unfolding, W the instance scores, H the components.
 *
 * @example
 * ```ts
 * import { fitNmf, validateNmfConfig } from "@tt/decompose-nmf";
 * import { createTensor } from "@tt/schema";
 * import { viewFromTensor } from "@tt/schema/testing";
 *
 * const tensor = createTensor({
 *   data: Float64Array.from({ length: 20 * 6 }, (_, x) => 1 + Math.sin(x)),
 *   shape: [20, 6],
 *   axes: ["instance", "feature"],
 * });
 * const config = validateNmfConfig({ rank: 2, solver: "mu" });
 * const out = await fitNmf(viewFromTensor(tensor), config, { seed: 0, signal: undefined, onProgress() {} });
 * console.log(out.diagnostics.reconstruction_err, out.diagnostics.n_iter);
 * ```
 */
export async function fitNmf(
  view: ReadableView,
  config: NmfConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const plan = planUnfolding(view, config);
  const layouts = statLayouts(view, plan, config);
  const memory = planMemory(view, plan, layouts, config);
  const k = config.rank;
  if (config.init !== "random" && k > Math.min(plan.n, plan.p))
    throw new ConfigError(
      "rank",
      `${k} is more than init "${config.init}" allows: min(instances, features) = min(${plan.n}, ${plan.p}); use init "random" for a higher rank`,
    );
  const kernels = await fitKernels(config, context);
  try {
    const source = await openSource({ view, plan, config, layouts, kernels, memory, context });
    if (config.init !== "random" && k > source.n)
      throw new ConfigError(
        "rank",
        `${k} is more than init "${config.init}" allows after dropping instances with missing values: ${source.n} instances are left`,
      );
    const start = await startOf(view, plan, source, kernels, config, context.seed);
    const solved = await solve(source, kernels, config, start.factors, context);
    const kl = config.beta_loss === "kullback-leibler";
    const fitted = await residuals(source, kernels, solved.W, solved.H, k, kl);
    // scikit-learn's last check, at max_iter when it is a multiple of 10.
    if (
      config.solver === "mu" &&
      config.tol > 0 &&
      !solved.converged &&
      solved.iterations % 10 === 0
    ) {
      solved.lossHistory.push(fitted.loss);
      solved.converged = stalled(solved.lossHistory, config.tol);
    }
    context.onProgress({ phase: "finish", fraction: 1 });
    return nmfOutput({
      view,
      plan,
      source,
      config,
      solved,
      fitted,
      seed: context.seed,
      kernels,
      blockRows: memory.blockRows,
      svd: start.svd,
    });
  } finally {
    await kernels.dispose();
  }
}

/** The kernels of a fit: the config's own thread count wins; "auto" defers to the caller's settings. */
function fitKernels(config: NmfConfig, context: FitContext): Promise<Kernels> {
  return createKernels({
    backend: context.kernels?.backend,
    threads: config.threads === "auto" ? context.kernels?.threads : config.threads,
  });
}

/** The first read (negative values refused) and the start of W and H. */
async function startOf(
  view: ReadableView,
  plan: ReturnType<typeof planUnfolding>,
  source: MatrixSource,
  kernels: Kernels,
  config: NmfConfig,
  seed: number,
): Promise<{ factors: Factors; svd: string | null }> {
  const { n, p } = source;
  const k = config.rank;
  const svd = config.init !== "random";
  const gram = svd && p <= GRAM_MAX_FEATURES;
  const first = await firstRead(view, plan, source, kernels, gram);
  // All zeros: no factorization to find, and the starts would divide by zero.
  source.assertNotAllZero(first.total);
  if (config.init === "random")
    return { factors: randomFactors(n, p, k, first.total, seed), svd: null };
  const triplets = await truncatedSvd(source, kernels, k, first.gram, seed);
  return {
    factors: nndsvd(triplets, n, p, k, config.init, first.total, seed),
    svd: gram
      ? "eigenvectors of X^T X (one pass), left vectors X V / s (one pass)"
      : "subspace iteration on X^T X (k + 10 columns, 7 passes), left vectors X V / s (one pass)",
  };
}
