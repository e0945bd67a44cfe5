/**
 * The diagnostics of a CP fit: convergence, errors, core consistency, degeneracy and every choice
 * made.
 */

import { type MatrixSource, type Plan, readDiagnostics } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import type { JsonObject } from "@tt/schema";
import type { AlsResult } from "./als.js";
import type { CpConfig } from "./config.js";
import { degeneracyOf } from "./degeneracy.js";
import type { FinishedModel } from "./finish.js";

/** What {@link diagnosticsOf} reports on. */
export interface DiagnosticsInput {
  config: CpConfig;
  plan: Plan;
  source: MatrixSource;
  als: AlsResult;
  model: FinishedModel;
  initDetail: string;
  seed: number;
  kernels: Kernels;
  blockRows: number;
}

/** The JSON diagnostics of a fit. */
export function diagnosticsOf(input: DiagnosticsInput): JsonObject {
  const { config, plan, source, als, model } = input;
  const fused = !config.nonnegative && source.missing.length === 0;
  const diagnostics: JsonObject = {
    rank: config.rank,
    iterations: als.history.length,
    converged: als.converged,
    relative_error: model.relativeError,
    fit: 1 - model.relativeError,
    relative_error_history: als.history,
    core_consistency: model.coreConsistency,
    degeneracy: degeneracyOf({
      factors: [model.scores, ...model.factors],
      rank: config.rank,
      coreConsistency: model.coreConsistency,
      converged: als.converged,
      nIterMax: config.n_iter_max,
    }),
    weights: Array.from(model.weights),
    error_definition:
      'relative_error = ||X - Xhat||_F / ||X||_F of the preprocessed data (observed entries only with missing "mask"); fit = 1 - relative_error; the history holds each sweep\'s relative error',
    convergence:
      "stops after the sweep whose relative error changed by less than tol (absolute) from the previous sweep's, or after n_iter_max sweeps",
    core_consistency_definition:
      "Bro and Kiers (2003): 100 * (1 - ||G - I||^2 / R), G the least-squares Tucker core given the scores and the unit factors, I the superdiagonal of ones",
    algorithm: config.nonnegative
      ? "alternating HALS (one exact coordinate-descent pass per factor per sweep, non-negative)"
      : "alternating least squares (pseudo-inverse of the Hadamard product of the Gram matrices)",
    mttkrp: fused
      ? "one fused pass per sweep: T = A^T (A Y), Y = khatri_rao(U_1..U_m) pinv(V_0); the other modes contracted from T"
      : "two GEMM passes per block: M_0 = A khatri_rao(U_1..U_m), then T += A^T U_0; the other modes contracted from T",
    init: { method: config.init, detail: input.initDetail },
    seed: input.seed,
    normalization:
      "every factor scaled to unit-norm columns; weight = product of the column norms; scores = unit instance factor * weight; components are the outer products of the unit non-instance factors",
    sign_convention:
      "tensorly cp_flip_sign(mode=0): each non-instance factor column has a non-negative sum; flips are pushed into the instance factor (scores)",
    sorting: "components sorted by weight, descending (ties keep the fit order)",
    component_order_in_fit: Array.from(model.order, (r) => r + 1),
    share_of_fit_definition: "weight^2 / sum of weight^2",
    recon_error_definition:
      'per instance, the Euclidean norm of its preprocessed entries minus the model\'s (observed entries only with missing "mask")',
    ...readDiagnostics(plan, source, input.blockRows, input.kernels),
  };
  if (als.lineSearch !== undefined) diagnostics.line_search = als.lineSearch;
  if (als.imputation !== undefined)
    diagnostics.imputation = {
      method:
        "EM: after every sweep the missing entries are set to the model's values (starting from 0, the mean after centering)",
      missing_entries: als.imputation.missing_entries,
      last_relative_change: als.imputation.last_change,
    };
  return diagnostics;
}
