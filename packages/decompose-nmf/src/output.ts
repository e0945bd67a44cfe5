/** The output of an NMF fit: W as the instance table, H as the components tensor, and diagnostics. */

import {
  componentsTensor,
  instanceTable,
  type MatrixSource,
  type Plan,
  preprocessingTensors,
  readDiagnostics,
} from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import {
  columnFromValues,
  INSTANCE_TABLE,
  type JsonObject,
  MetaTable,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import type { NmfConfig } from "./config.js";
import type { Residuals } from "./final-pass.js";
import type { Solved } from "./solve.js";

/** What {@link nmfOutput} assembles. */
export interface OutputInput {
  view: ReadableView;
  plan: Plan;
  source: MatrixSource;
  config: NmfConfig;
  solved: Solved;
  fitted: Residuals;
  seed: number;
  kernels: Kernels;
  blockRows: number;
  /** How the NNDSVD start found its singular vectors; null for the random start. */
  svd: string | null;
}

/** The Euclidean norm of each of the k columns of a rows × k matrix. */
function columnNorms(M: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let at = 0; at < M.length; at++) out[at % k]! += M[at]! ** 2;
  return out.map(Math.sqrt);
}

/** The output tables, tensors and diagnostics of a fit. */
export function nmfOutput(input: OutputInput): MethodOutput {
  const { view, plan, source, config, solved, fitted } = input;
  const k = config.rank;
  // Data rescaled by 2^-e for the kernels (source.unitExponent): W·H goes back by 2^e, shared
  // equally by W and H, as scikit-learn's solvers scale both by √c for data times c.
  const unit = 2 ** (source.unitExponent / 2);
  const W = unit === 1 ? solved.W : solved.W.map((x) => x * unit);
  const H = unit === 1 ? solved.H : solved.H.map((x) => x * unit);
  const rowErrors = source.toDataUnits(fitted.rowErrors, 1, "reconstruction errors");
  const [loss, frobenius] = source.toDataUnits(
    Float64Array.of(fitted.loss, fitted.frobenius),
    1,
    "reconstruction error",
  );
  const table = MetaTable.fromColumns({
    component: columnFromValues(
      "int32",
      Int32Array.from({ length: k }, (_, i) => i + 1),
    ),
    w_norm: columnFromValues("float64", columnNorms(W, k)),
    h_norm: columnFromValues("float64", rowNorms(H, k)),
  });
  return {
    factorTables: {
      [INSTANCE_TABLE]: instanceTable(view, plan, source.usedRows, W, k, rowErrors),
      component: table,
    },
    componentTensors: {
      components: componentsTensor(view, plan, H, k, table),
      ...preprocessingTensors(view, plan, source),
    },
    diagnostics: diagnosticsOf(input, loss!, frobenius!),
  };
}

/** The Euclidean norm of each row of a k × p matrix. */
function rowNorms(H: Float64Array, k: number): Float64Array {
  const p = H.length / k;
  return Float64Array.from({ length: k }, (_, t) => {
    let sum = 0;
    for (let j = 0; j < p; j++) sum += H[t * p + j]! ** 2;
    return Math.sqrt(sum);
  });
}

/** The JSON diagnostics of a fit. */
function diagnosticsOf(input: OutputInput, loss: number, frobenius: number): JsonObject {
  const { config, plan, source, solved } = input;
  const mu = config.solver === "mu";
  return {
    rank: config.rank,
    solver: config.solver,
    beta_loss: config.beta_loss,
    loss: config.beta_loss,
    n_iter: solved.iterations,
    max_iter: config.max_iter,
    converged: solved.converged,
    reconstruction_err: loss,
    frobenius_error: frobenius,
    reconstruction_err_definition:
      config.beta_loss === "frobenius"
        ? "||X - W H||_F of the preprocessed data (scikit-learn's reconstruction_err_)"
        : "sqrt(2 * generalized Kullback-Leibler divergence of X from W H) (scikit-learn's reconstruction_err_); entries of X below float32 eps left out of the log terms",
    convergence: mu
      ? "scikit-learn's rule: every 10 iterations, stop when (previous loss - loss) / initial loss < tol"
      : "scikit-learn's rule: stop when the sum of absolute projected gradients of an iteration is at most tol times the first iteration's",
    loss_history: mu ? solved.lossHistory : null,
    violation_history: mu ? null : solved.violationHistory,
    init: { method: config.init, svd: input.svd },
    seed: input.seed,
    algorithm: mu
      ? `multiplicative updates (Lee and Seung; scikit-learn's _multiplicative_update_w/_h, beta_loss ${config.beta_loss})`
      : "coordinate descent (Cichocki and Phan; scikit-learn's _update_coordinate_descent, no shuffle)",
    recon_error_definition: "per instance, ||x_i - w_i H||_2 of its preprocessed entries",
    ...readDiagnostics(plan, source, input.blockRows, input.kernels),
  };
}
