/**
 * CP's own passes over the data of an unconstrained fit without missing values, as functions of
 * a source that splits by instances (see `runPass` of @tt/decompose-core): the last read (U₀ = A·y,
 * per-instance errors, `AᵀU₀`), its sums alone when the rows stay on a split fit's workers, and
 * the instance table those workers write. The first read and the sweep product `Aᵀ(A·Y)` are the
 * shared passes of @tt/decompose-core (`firstRead`, `normalProduct`).
 */

import {
  instanceTable,
  type MatrixSource,
  type PassFunction,
  type PassInput,
  type RowTableFunction,
  runPass,
} from "@tt/decompose-core";
import type { KernelMatrix, Kernels } from "@tt/linalg";
import { permute } from "./small.js";

/** A block's rows of the fused model: U₀'s rows (R each), squared errors and squared norms. */
interface ModelRows {
  block: KernelMatrix;
  row0: number;
  U0: Float64Array;
  errors: Float64Array;
  rowSquares: Float64Array;
}

/**
 * Visits the source's blocks with the model's rows (`U₀ = A·Y` implicit): each row's U₀ and its
 * squared error `‖x‖² − 2⟨x, x̂⟩ + ‖x̂‖²` (with `H = ∘_k F_kᵀF_k`), from one product with [Y KR].
 */
async function forEachModelRows(
  source: MatrixSource,
  kernels: Kernels,
  input: PassInput,
  visit: (rows: ModelRows) => Promise<void> | void,
): Promise<void> {
  const Y = input.Y as Float64Array;
  const KR = input.KR as Float64Array;
  const H = input.H as Float64Array;
  const R = input.R as number;
  const { p } = source;
  const both = new Float64Array(p * 2 * R);
  for (let j = 0; j < p; j++) {
    both.set(Y.subarray(j * R, (j + 1) * R), j * 2 * R);
    both.set(KR.subarray(j * R, (j + 1) * R), j * 2 * R + R);
  }
  const zero = new Float64Array(p);
  await source.forEachBlock(async (block, row0) => {
    const product = await kernels.multiply(block, both, 2 * R);
    const { rowSumSquares } = await kernels.moments(block, zero);
    const U0 = new Float64Array(block.rows * R);
    const errors = new Float64Array(block.rows);
    for (let i = 0; i < block.rows; i++) {
      let fitted = 0;
      let model = 0;
      for (let r = 0; r < R; r++) {
        const a = product[i * 2 * R + r]!;
        U0[i * R + r] = a;
        fitted += a * product[i * 2 * R + R + r]!;
        for (let s = 0; s < R; s++) model += a * H[r * R + s]! * product[i * 2 * R + s]!;
      }
      errors[i] = rowSumSquares[i]! - 2 * fitted + model;
    }
    await visit({ block, row0, U0, errors, rowSquares: rowSumSquares.subarray(0, block.rows) });
  });
}

/**
 * The last read of a fused model: per row, U₀'s row (`U0`, R) and the squared error
 * (`rowErrors`); summed, ‖X‖² (`total`) and, with `withT` 1, `T = AᵀU₀`.
 */
const lastReadPass: PassFunction = async (source, kernels, input) => {
  const R = input.R as number;
  const U0 = new Float64Array(source.n * R);
  const rowErrors = new Float64Array(source.n);
  const total = new Float64Array(1);
  const T = input.withT === 1 ? new Float64Array(source.p * R) : undefined;
  await forEachModelRows(source, kernels, input, async (rows) => {
    U0.set(rows.U0, rows.row0 * R);
    rowErrors.set(rows.errors, rows.row0);
    for (const square of rows.rowSquares) total[0]! += square;
    if (T !== undefined) await kernels.multiplyTransA(rows.block, rows.U0, R, T);
  });
  const sums: Record<string, Float64Array> = T === undefined ? { total } : { total, T };
  return {
    sums,
    rows: { U0: { values: U0, width: R }, rowErrors: { values: rowErrors, width: 1 } },
  };
};

/**
 * The last read's sums alone, for rows that stay on the workers: `total`, `T` (with `withT` 1),
 * `G0 = U₀ᵀU₀` (R×R) and `residual`, the sum of the rows' squared errors (negative ones as 0).
 */
const lastSumsPass: PassFunction = async (source, kernels, input) => {
  const R = input.R as number;
  const total = new Float64Array(1);
  const residual = new Float64Array(1);
  const G0 = new Float64Array(R * R);
  const T = input.withT === 1 ? new Float64Array(source.p * R) : undefined;
  await forEachModelRows(source, kernels, input, async (rows) => {
    for (const square of rows.rowSquares) total[0]! += square;
    for (const error of rows.errors) residual[0]! += Math.max(error, 0);
    for (let i = 0; i < rows.errors.length; i++)
      for (let r = 0; r < R; r++)
        for (let s = 0; s < R; s++) G0[r * R + s]! += rows.U0[i * R + r]! * rows.U0[i * R + s]!;
    if (T !== undefined) await kernels.multiplyTransA(rows.block, rows.U0, R, T);
  });
  const sums: Record<string, Float64Array> = { total, residual, G0 };
  if (T !== undefined) sums.T = T;
  return { sums, rows: {} };
};

/** The passes of the CP fit, by the names they run under (see `runPass`). */
export const CP_PASSES: Readonly<Record<string, PassFunction>> = Object.freeze({
  "cp.lastRead": lastReadPass,
  "cp.lastSums": lastSumsPass,
});

/**
 * The instance table of the source's rows (`cp.instances`): `instance_id`, the scores (U₀'s
 * columns in the reported `order`, times `scale`) and `recon_error`, in the data's units.
 */
const instancesTable: RowTableFunction = async (source, kernels, input, { view, plan }) => {
  const R = input.R as number;
  const order = Int32Array.from(input.order as Float64Array);
  const scale = input.scale as Float64Array;
  const scores = new Float64Array(source.n * R);
  const errors = new Float64Array(source.n);
  await forEachModelRows(source, kernels, input, (rows) => {
    scores.set(permute(rows.U0, order, R, scale), rows.row0 * R);
    rows.errors.forEach((error, i) => {
      errors[rows.row0 + i] = Math.sqrt(Math.max(error, 0));
    });
  });
  const reported = source.toDataUnits(scores, 1, "scores");
  const reconError = source.toDataUnits(errors, 1, "reconstruction errors");
  return instanceTable(view, plan, source.usedRows, reported, R, reconError);
};

/** The row tables of the CP fit, by the names they run under (see `PassRunner.writeRows`). */
export const CP_ROW_TABLES: Readonly<Record<string, RowTableFunction>> = Object.freeze({
  "cp.instances": instancesTable,
});

/** The model of a fused last read: the implicit U₀'s `Y`, the other modes' product and `H`. */
interface FusedModel {
  Y: Float64Array;
  KR: Float64Array;
  H: Float64Array;
  R: number;
  withT: boolean;
}

/** The last read of a fused model (here or on the partitions); see {@link lastReadPass}. */
export async function fusedLastRead(
  source: MatrixSource,
  kernels: Kernels,
  model: FusedModel,
): Promise<{
  U0: Float64Array;
  T: Float64Array | undefined;
  rowErrors: Float64Array;
  total: number;
}> {
  const { Y, KR, H, R, withT } = model;
  const input = { Y, KR, H, R, withT: withT ? 1 : 0 };
  const { sums, rows } = await runPass(source, kernels, "cp.lastRead", lastReadPass, input);
  return {
    U0: rows.U0!.values,
    T: sums.T,
    rowErrors: rows.rowErrors!.values,
    total: sums.total![0]!,
  };
}

/** The sums of a fused last read, the rows left on the workers; see {@link lastSumsPass}. */
export async function fusedLastSums(
  source: MatrixSource,
  kernels: Kernels,
  model: FusedModel,
): Promise<{ G0: Float64Array; T: Float64Array | undefined; residual: number; total: number }> {
  const { Y, KR, H, R, withT } = model;
  const input = { Y, KR, H, R, withT: withT ? 1 : 0 };
  const { sums } = await runPass(source, kernels, "cp.lastSums", lastSumsPass, input);
  return { G0: sums.G0!, T: sums.T, residual: sums.residual![0]!, total: sums.total![0]! };
}
