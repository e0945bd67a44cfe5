/** The diagnostics of a Tucker fit: convergence, errors and every choice made. */

import { type MatrixSource, type Plan, readDiagnostics } from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import type { JsonObject } from "@tt/schema";
import type { TuckerConfig } from "./config.js";
import type { HooiResult } from "./hooi.js";
import type { TuckerModel } from "./output.js";

/** What {@link diagnosticsOf} reports on. */
export interface DiagnosticsInput {
  config: TuckerConfig;
  plan: Plan;
  source: MatrixSource;
  hooi: HooiResult;
  model: TuckerModel;
  totalSquares: number;
  seed: number;
  kernels: Kernels;
  blockRows: number;
}

/** The JSON diagnostics of a fit. */
export function diagnosticsOf(input: DiagnosticsInput): JsonObject {
  const { config, plan, source, hooi, model } = input;
  const relativeError = hooi.history[hooi.history.length - 1]!;
  const masked = hooi.imputation !== undefined;
  const diagnostics: JsonObject = {
    ranks: model.ranks,
    iterations: hooi.history.length,
    converged: hooi.converged,
    relative_error: relativeError,
    fit: 1 - relativeError,
    relative_error_history: hooi.history,
    error_definition: masked
      ? 'relative_error = ||X - Xhat||_F / ||X||_F of the preprocessed data over the observed entries only (missing "mask"); fit = 1 - relative_error; the history holds each iteration\'s relative error'
      : "relative_error = ||X - Xhat||_F / ||X||_F of the preprocessed data = sqrt(|‖X‖² - ‖G‖²|) / ‖X‖ (orthonormal factors, G the core); fit = 1 - relative_error; the history holds each iteration's relative error",
    convergence:
      "stops after the iteration whose relative error changed by less than tol (absolute) from the previous iteration's, or after n_iter_max iterations",
    algorithm:
      "HOOI (higher-order orthogonal iteration): per iteration, the instance factor, then each other mode in order, as the leading left singular vectors of the data projected on the other modes' factors",
    passes_per_iteration: masked
      ? "one pass of two GEMMs Z = A K, T = A^T Z, K = kron(U_1..U_m); U_0 = Z V diag(λ)^(-1/2) from the eigenvectors V of K^T T, the other modes from W = T V diag(λ)^(-1/2) = A^T U_0; then the missing entries imputed"
      : "one fused GEMM pass T = A^T (A K), K = kron(U_1..U_m); U_0 from the eigenvectors of K^T T, the other modes from W = T V diag(λ)^(-1/2) = A^T U_0",
    init: {
      method: config.init,
      detail:
        config.init === "hosvd"
          ? "truncated HOSVD: leading eigenvectors of each non-instance mode's unfolding Gram matrix"
          : `orthonormal Q of uniform (0, 1) matrices, seed ${input.seed}`,
    },
    seed: input.seed,
    sign_convention:
      "each factor column's largest-magnitude entry is positive (tensorly's svd_flip of U); the core carries the signs",
    instance_scores:
      "score_k of the instance table are the columns of the instance factor U_0 (orthonormal); the component tensor 'components' holds G_(0) (U_1 ⊗ ... ⊗ U_m)^T, so an instance's model is its scores times the components",
    recon_error_definition: `per instance, the Euclidean norm of its preprocessed entries minus the model's${masked ? ' (observed entries only, missing "mask")' : ""}`,
    ...readDiagnostics(plan, source, input.blockRows, input.kernels),
  };
  if (hooi.imputation !== undefined)
    diagnostics.imputation = {
      method:
        "EM: the missing entries start at 0 (the mean after centering; the statistics take the observed entries only) and after every iteration are set to the model's values; the next iteration fits the filled data",
      missing_entries: source.missing.length,
      last_relative_change: hooi.imputation.lastChange,
    };
  return diagnostics;
}
