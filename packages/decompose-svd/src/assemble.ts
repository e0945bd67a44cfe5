/**
 * The output of an SVD/PCA fit: the first k singular values, scores and variances brought back to
 * the data's units, the instance and component tables, the component tensors and the diagnostics.
 */

import {
  componentsTensor,
  instanceTable,
  type MatrixSource,
  type Plan,
  preprocessingTensors,
  resolveAxis,
  rowsStayOnWorkers,
  runPass,
} from "@tt/decompose-core";
import type { Kernels } from "@tt/linalg";
import {
  INSTANCE_TABLE,
  type JsonObject,
  type MethodOutput,
  type ReadableView,
  type WrittenTable,
} from "@tt/schema";
import type { SvdConfig } from "./config.js";
import {
  type LimitInput,
  needsQMoments,
  type OutlierStatistics,
  outlierLimits,
  outlierStatistics,
  type QMoments,
} from "./outliers.js";
import { componentTable, withOutlierColumns } from "./output.js";
import { residualsPass } from "./rows.js";
import type { Decomposition } from "./solve.js";

/** How the imputation of `missing: "mask"` went. */
export interface Imputation {
  /** Rounds of imputation and refit. */
  iterations: number;
  /** The relative change of the imputed entries in the last round. */
  delta: number;
  /** The change below which the rounds stop. */
  tolerance: number;
}

/** What {@link assemble} puts together: the fit, its rank, and every choice made. */
export interface AssembleInput {
  view: ReadableView;
  plan: Plan;
  source: MatrixSource;
  decomposition: Decomposition;
  k: number;
  rowSquares: Float64Array;
  totalSquares: number;
  config: SvdConfig;
  solver: string;
  seed: number;
  kernels: Kernels;
  blockRows: number;
  imputation: Imputation | undefined;
}

/** The output of a fit: the instance and component tables, the component tensors, diagnostics. */
export async function assemble(input: AssembleInput): Promise<MethodOutput> {
  const { view, plan, source, decomposition, k } = input;
  const values = reportedValues(input);
  const components = decomposition.components.slice(0, k * source.p);
  const table = componentTable(values.s, values.variance, values.ratio);
  const componentTensors = {
    components: componentsTensor(view, plan, components, k, table),
    ...preprocessingTensors(view, plan, source),
  } as MethodOutput["componentTensors"];
  const diagnostics = diagnosticsOf(input, values);
  if (rowsStayOnWorkers(source)) {
    const { written, outliers } = await writeInstances(input, values, components);
    diagnostics.outliers = outliers;
    return {
      factorTables: { component: table },
      componentTensors,
      diagnostics,
      writtenTables: { [INSTANCE_TABLE]: written },
    };
  }
  const outliers = outliersOf(input, values);
  diagnostics.outliers = outliers.diagnostics;
  return {
    factorTables: {
      [INSTANCE_TABLE]: withOutlierColumns(
        instanceTable(view, plan, source.usedRows, values.scores, k, values.reconError),
        source.usedRows,
        outliers,
      ),
      component: table,
    },
    componentTensors,
    diagnostics,
  };
}

/** The values a fit reports, in the data's units (ratios have none). */
interface ReportedValues {
  s: Float64Array;
  scores: Float64Array;
  reconError: Float64Array;
  variance: Float64Array;
  ratio: Float64Array;
  totalSumSquares: number;
  totalVariance: number;
  /** Every eigenvalue s²/(n − 1), when the solver computed all min(n, p) singular values. */
  spectrum: Float64Array | undefined;
}

/** T², Q, their limits and the outlier scores of the used instances (outliers.ts). */
function outliersOf(input: AssembleInput, values: ReportedValues): OutlierStatistics {
  return outlierStatistics({
    ...limitInput(input, values),
    scores: values.scores,
    reconError: values.reconError,
  });
}

/** The outlier limits' input of a fit: everything but the per-instance values. */
function limitInput(input: AssembleInput, values: ReportedValues): LimitInput {
  const { view, plan, source, config } = input;
  return {
    variance: values.variance,
    spectrum: values.spectrum,
    totalVariance: values.totalVariance,
    n: source.n,
    k: input.k,
    confidence: config.outlier_confidence,
    centered: centersColumns(view, config, plan.rowAxis),
    solver: input.solver,
  };
}

/**
 * The instance table written by the workers of a split fit, each for its own rows
 * (`svd.instances`): first, when the Q limit needs them, the moments of the Q values in one more
 * round (`svd.residuals`), then the round that writes. The coordinator holds no row.
 */
async function writeInstances(
  input: AssembleInput,
  values: ReportedValues,
  components: Float64Array,
): Promise<{ written: WrittenTable; outliers: JsonObject }> {
  const { source, k } = input;
  const { p } = source;
  // The components as a p×k matrix: the workers' scores are A·V.
  const V = new Float64Array(p * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) V[j * k + c] = components[c * p + j]!;
  const limits = limitInput(input, values);
  let moments: QMoments | undefined;
  if (needsQMoments(limits)) moments = await residualMoments(input, V);
  const { t2Limit, qLimit, diagnostics } = outlierLimits(limits, () => moments!);
  const written = await source.runner!.writeRows!("svd.instances", {
    V,
    k,
    variance: values.variance,
    t2Limit: t2Limit ?? Number.NaN,
    qLimit: qLimit ?? Number.NaN,
  });
  return { written, outliers: diagnostics };
}

/**
 * The moments of the Q values, summed over the partitions about a shift m0 (the mean Q from the
 * singular values), in the data's units over their scale f²·m0 (f: data units per solver unit).
 */
async function residualMoments(input: AssembleInput, V: Float64Array): Promise<QMoments> {
  const { source, kernels, k, decomposition, totalSquares } = input;
  const { n } = source;
  let captured = 0;
  for (let c = 0; c < k; c++) captured += decomposition.singularValues[c]! ** 2;
  const shift = Math.max(0, totalSquares - captured) / n;
  const { sums } = await runPass(source, kernels, "svd.residuals", residualsPass, {
    V,
    k,
    shift,
  });
  const [sum, squares] = sums.moments!;
  const scale = shift > 0 ? shift : 1;
  const [unit] = source.toDataUnits(Float64Array.of(scale), 2, "Q values");
  const mean = shift + sum! / n;
  const variance = n > 1 ? (squares! - (sum! * sum!) / n) / (n - 1) : 0;
  return { top: unit!, mean: mean / scale, variance: variance / (scale * scale) };
}

/** Whether the columns are centered over the instances (PCA's centering), so scores have mean 0. */
function centersColumns(view: ReadableView, config: SvdConfig, rowAxis: string): boolean {
  const { center } = config;
  if (typeof center !== "object") return false;
  return center.over.some((axis) => resolveAxis(view, axis, "center.over") === rowAxis);
}

/**
 * The first k singular values, scores and variances and each row's reconstruction error. The
 * solvers saw the data rescaled by a power of two when it was too large or too small to square
 * (source.unitExponent); everything with a unit goes back to the data's units here.
 */
function reportedValues(input: AssembleInput): ReportedValues {
  const { source, decomposition, k, totalSquares } = input;
  // Rows that stayed on the workers have no scores here: the workers report them.
  const { scores: solverScores, errors: solverErrors } = rowsStayOnWorkers(source)
    ? { scores: new Float64Array(0), errors: new Float64Array(0) }
    : truncatedScores(input);
  const solverValues = decomposition.singularValues.subarray(0, k);
  const denominator = Math.max(source.n - 1, 1);
  const s = source.toDataUnits(Float64Array.from(solverValues), 1, "singular values");
  const scores = source.toDataUnits(solverScores, 1, "scores");
  const reconError = source.toDataUnits(solverErrors, 1, "reconstruction errors");
  const variance = source.toDataUnits(
    solverValues.map((x) => (x * x) / denominator),
    2,
    "explained variance",
  );
  const [totalSumSquares, totalVariance] = source.toDataUnits(
    Float64Array.of(totalSquares, totalSquares / denominator),
    2,
    "total sum of squares",
  );
  const ratio = solverValues.map((x) => (x * x) / totalSquares);
  const all = decomposition.singularValues;
  const spectrum =
    all.length >= Math.min(source.n, source.p)
      ? source.toDataUnits(
          all.map((x) => (x * x) / denominator),
          2,
          "eigenvalues",
        )
      : undefined;
  return {
    s,
    scores,
    reconError,
    variance,
    ratio,
    totalSumSquares: totalSumSquares!,
    totalVariance: totalVariance!,
    spectrum,
  };
}

/** The first k scores of each row, and its error `sqrt(‖x‖² − Σ score²)`, in the solver's units. */
function truncatedScores(input: AssembleInput): { scores: Float64Array; errors: Float64Array } {
  const { source, decomposition, k, rowSquares } = input;
  const { n } = source;
  const kFit = decomposition.k;
  const scores = new Float64Array(n * k);
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let captured = 0;
    for (let c = 0; c < k; c++) {
      const value = decomposition.scores[i * kFit + c]!;
      scores[i * k + c] = value;
      captured += value * value;
    }
    errors[i] = Math.sqrt(Math.max(0, rowSquares[i]! - captured));
  }
  return { scores, errors };
}

/** The JSON diagnostics of a fit: the values, the sizes, and every choice made. */
function diagnosticsOf(input: AssembleInput, values: ReportedValues): JsonObject {
  const { plan, source, k, config } = input;
  const { n, p } = source;
  const dropped = plan.n - n;
  const sketched = input.solver === "randomized" || input.solver === "krylov";
  const diagnostics: JsonObject = {
    solver: input.solver,
    rank: k,
    singular_values: Array.from(values.s),
    explained_variance: Array.from(values.variance),
    explained_variance_ratio: Array.from(values.ratio),
    total_variance: values.totalVariance,
    total_sum_squares: values.totalSumSquares,
    n_instances: plan.n,
    n_used: n,
    n_dropped: dropped,
    n_features: p,
    flatten: {
      rows: [plan.rowAxis],
      columns: plan.columnAxes,
      column_shape: plan.columnShape,
      order: "C",
    },
    power_iterations: sketched ? input.decomposition.iterations : 0,
    oversamples: sketched ? config.oversamples : 0,
    seed: input.seed,
    sign_convention:
      "svd_flip on the components (scikit-learn >= 1.5): the largest-magnitude entry of each component is positive",
    explained_variance_definition:
      "s^2 / (n_used - 1); ratio = s^2 / squared Frobenius norm of the preprocessed matrix",
    recon_error_definition:
      "Euclidean norm of each preprocessed row minus its rank-k reconstruction",
    in_memory: source.inMemory,
    block_rows: source.inMemory ? null : input.blockRows,
    passes: source.passes,
    kernels: { backend: input.kernels.backend, threads: input.kernels.threads },
  };
  if (input.imputation !== undefined)
    diagnostics.imputation = {
      missing_entries: source.missing.length,
      iterations: input.imputation.iterations,
      last_relative_change: input.imputation.delta,
      tolerance: input.imputation.tolerance,
    };
  return diagnostics;
}
