/** The diagnostics of an ICA fit: convergence, the whitening, and every choice made. */

import type { MatrixSource } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import type { JsonObject } from "@tt/schema";
import type { IcaConfig } from "./config.js";
import type { IcaRun } from "./fastica.js";
import type { IcaModel } from "./finish.js";
import type { IcaPlan } from "./plan.js";
import type { WhitenedRows, Whitening } from "./whiten.js";

/** What {@link diagnosticsOf} reports on. */
export interface DiagnosticsInput {
  config: IcaConfig;
  ica: IcaPlan;
  source: MatrixSource;
  white: Whitening;
  run: IcaRun & { stop?: string; restarts?: number };
  model: IcaModel;
  seed: number;
  kernels: Kernels;
  Z: WhitenedRows;
}

function algorithmOf(config: IcaConfig): string {
  if (config.algorithm === "infomax")
    return config.extended
      ? "extended Infomax (Lee, Girolami & Sejnowski 1999), MNE-Python's infomax schedule"
      : "logistic Infomax (Bell & Sejnowski 1995), MNE-Python's infomax schedule";
  return `FastICA (${config.fastica_mode}, ${config.fun}), scikit-learn's fixed-point algorithm`;
}

/** The JSON diagnostics of a fit. */
export function diagnosticsOf(input: DiagnosticsInput): JsonObject {
  const { config, ica, source, white, run, model } = input;
  const diagnostics: JsonObject = {
    algorithm: algorithmOf(config),
    rank: white.rank,
    n_iter: run.iterations.length === 1 ? run.iterations[0]! : run.iterations,
    converged: run.converged,
    last_change: run.lastChange.length === 1 ? run.lastChange[0]! : run.lastChange,
    tol: config.tol ?? (config.algorithm === "fastica" ? 1e-4 : 1e-12),
    seed: input.seed,
    channel_axis: ica.channelAxis,
    sample_axes: ica.sampleAxes,
    observations: source.n * ica.perInstance,
    n_instances: ica.plan.n,
    n_used: source.n,
    n_dropped: ica.plan.n - source.n,
    whitening: {
      method:
        "PCA of the channel covariance (channels centered over every instance and sample, divided by the observations); K = diag(eigenvalue^-1/2) E_rank^T, each eigenvector signed so that its largest entry is positive",
      eigenvalues: Array.from(white.eigenvalues),
      kept_variance_ratio:
        white.eigenvalues.slice(0, white.rank).reduce((a, b) => a + b, 0) / white.totalVariance,
    },
    total_variance: white.totalVariance,
    explained_variance_definition:
      "per component, the variance of its back-projection (mixing column times activations) summed over channels; the ratio divides by the total variance of the centered data. Components are not orthogonal in channel space, so the ratios need not add up to the kept variance",
    normalization:
      "activations have unit variance; each component is signed so that its largest mixing weight (by magnitude) is positive; components sorted by explained variance, descending",
    component_order_in_fit: model.order.map((k) => k + 1),
    unmixing_definition:
      "activations = unmixing (component x channel) applied to the channels minus the 'center' tensor; mixing = pinv(unmixing)",
    in_memory: source.inMemory,
    whitened_in_memory: input.Z.matrix !== undefined,
    passes: source.passes,
    kernels: { backend: input.kernels.backend, threads: input.kernels.threads },
  };
  if (run.stop !== undefined) diagnostics.stop_reason = run.stop;
  if (run.restarts !== undefined) diagnostics.restarts = run.restarts;
  return diagnostics;
}
