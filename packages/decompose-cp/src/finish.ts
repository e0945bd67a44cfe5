/**
 * From the fitted model to what is reported: one last read forms U₀ (when the sweeps kept it
 * implicit), the per-instance errors and `T = AᵀU₀`; then the factors are normalized into
 * weights, the signs resolved as tensorly's `cp_flip_sign`, the components sorted by weight, and
 * the core consistency computed.
 */

import { type MatrixSource, type PassInput, rowsStayOnWorkers } from "@tt/decompose-core";
import { type KernelMatrix, type Kernels, khatriRao, matmul } from "@tt/linalg";
import type { AlsResult } from "./als.js";
import { fusedLastRead, fusedLastSums } from "./passes.js";
import { columnNorms, gramOf, hadamard, permute, pinvSymmetric, scaleColumns } from "./small.js";
import { transpose } from "./transpose.js";

/** The normalized, sign-resolved, sorted model. */
export interface FinishedModel {
  /** Per component, descending. */
  weights: Float64Array;
  /** Instance scores, n × R: the unit instance factor times the weight. */
  scores: Float64Array;
  /** Unit-norm factors of the non-instance modes, d_k × R each. */
  factors: Float64Array[];
  /** Per instance: ‖x_i − x̂_i‖ over its observed entries. */
  reconError: Float64Array;
  /** ‖X − X̂‖ / ‖X‖ over the observed entries. */
  relativeError: number;
  /** Bro and Kiers' core consistency, in percent. */
  coreConsistency: number;
  /** The original (fit order) index of each reported component. */
  order: Int32Array;
  /**
   * When the rows stayed on a split fit's workers (`scores` and `reconError` are then empty):
   * the input of the row table `cp.instances` that writes them.
   */
  instances?: PassInput;
}

/** The components by descending weight (ties in fit order). */
function byWeight(weights: Float64Array, R: number): Int32Array {
  return Int32Array.from({ length: R }, (_, r) => r).sort(
    (a, b) => weights[b]! - weights[a]! || a - b,
  );
}

/** What every read of the model needs: `khatriRao(F)` and `H = ∘_k F_kᵀF_k`. */
function modelProducts(F: readonly Float64Array[], R: number) {
  const KR = khatriRao(F, R);
  const H = hadamard(
    F.map((f) => gramOf(f, R)),
    R,
  );
  return { KR, H };
}

/**
 * Runs the last read and normalizes, flips and sorts the model. `rowSquares` are the rows'
 * squared norms from the first read (unused with missing entries, whose values changed).
 */
export async function finishModel(
  source: MatrixSource,
  kernels: Kernels,
  dims: readonly number[],
  rank: number,
  als: AlsResult,
  rowSquares: Float64Array,
): Promise<FinishedModel> {
  const R = rank;
  const F = als.factors.map((f) => f.slice());
  scaleColumns(F[dims.length - 1]!, als.lambda, R);
  if (rowsStayOnWorkers(source) && als.y !== undefined && als.u0 === undefined)
    return finishOnWorkers(source, kernels, dims, R, als, F);
  const read = await lastRead(source, kernels, F, R, als, rowSquares);
  const { weights, scale } = normalizeAndFlip(columnNorms(read.U0, R), F, R);
  const order = byWeight(weights, R);
  const scores = permute(read.U0, order, R, scale);
  const factors = F.map((f) => permute(f, order, R));
  const Ts = permute(read.T, order, R, scale);
  let residual = 0;
  const reconError = read.rowErrors.map((e) => {
    residual += Math.max(e, 0);
    return Math.sqrt(Math.max(e, 0));
  });
  return {
    weights: Float64Array.from(order, (r) => weights[r]!),
    scores,
    factors,
    reconError,
    relativeError: Math.sqrt(residual / read.total),
    coreConsistency: coreConsistency(gramOf(scores, R), Ts, factors, dims, R),
    order,
  };
}

/**
 * {@link finishModel} for rows that stay on the workers of a split fit: the last read returns
 * sums only (U₀ᵀU₀ for the weights and the core consistency, `T`, the errors' sum), and the
 * scores and errors are left to the row table `cp.instances`, whose input the model carries.
 */
async function finishOnWorkers(
  source: MatrixSource,
  kernels: Kernels,
  dims: readonly number[],
  R: number,
  als: AlsResult,
  F: Float64Array[],
): Promise<FinishedModel> {
  const model = { Y: als.y!, ...modelProducts(F, R), R };
  const sums = await fusedLastSums(source, kernels, { ...model, withT: als.partial === undefined });
  const norms = Float64Array.from({ length: R }, (_, r) => Math.sqrt(sums.G0[r * R + r]!));
  const { weights, scale } = normalizeAndFlip(norms, F, R);
  const order = byWeight(weights, R);
  // SᵀS of the scores S = U₀ in `order`, times `scale`.
  const scoresGram = new Float64Array(R * R);
  for (let r = 0; r < R; r++)
    for (let t = 0; t < R; t++)
      scoresGram[r * R + t] =
        sums.G0[order[r]! * R + order[t]!]! * scale[order[r]!]! * scale[order[t]!]!;
  const factors = F.map((f) => permute(f, order, R));
  const Ts = permute(sums.T ?? als.partial!, order, R, scale);
  return {
    weights: Float64Array.from(order, (r) => weights[r]!),
    scores: new Float64Array(0),
    factors,
    reconError: new Float64Array(0),
    relativeError: Math.sqrt(sums.residual / sums.total),
    coreConsistency: coreConsistency(scoresGram, Ts, factors, dims, R),
    order,
    instances: { ...model, order: Float64Array.from(order), scale },
  };
}

/** What the last read gives, in the fit's component order and scale. */
interface LastRead {
  /** The instance factor, n × R. */
  U0: Float64Array;
  /** `AᵀU₀`, p × R. */
  T: Float64Array;
  /** Per instance: ‖x_i − x̂_i‖² over its entries (observed ones only, with missing entries). */
  rowErrors: Float64Array;
  /** ‖X‖² over the observed entries. */
  total: number;
}

/**
 * The last read of the data, for the model `U₀ ∘ F₁ ∘ … ∘ Fₘ`: forms U₀ when the sweeps kept it
 * implicit, `T = AᵀU₀` unless the sweeps' is still valid, and the per-instance errors.
 */
async function lastRead(
  source: MatrixSource,
  kernels: Kernels,
  F: readonly Float64Array[],
  R: number,
  als: AlsResult,
  rowSquares: Float64Array,
): Promise<LastRead> {
  const { n, p } = source;
  const { KR, H } = modelProducts(F, R);
  const read: LastRead = {
    U0: als.u0 ?? new Float64Array(n * R),
    T: als.partial ?? new Float64Array(p * R),
    rowErrors: new Float64Array(n),
    total: 0,
  };
  const masked = source.missing.length > 0;
  if (als.y !== undefined && als.u0 === undefined && !masked) {
    // Fused: one pass gives U₀'s rows and the errors (here or on the partitions).
    const last = await fusedLastRead(source, kernels, {
      Y: als.y,
      KR,
      H,
      R,
      withT: als.partial === undefined,
    });
    return { U0: last.U0, T: last.T ?? read.T, rowErrors: last.rowErrors, total: last.total };
  }
  const zero = new Float64Array(p);
  await source.forEachBlock(async (block, row0) => {
    const rows = block.rows;
    const AKR = await instanceProducts(kernels, block, row0, { Y: als.y, KR, U0: read.U0, R, p });
    const u0 = read.U0.subarray(row0 * R, (row0 + rows) * R);
    if (als.partial === undefined) await kernels.multiplyTransA(block, u0, R, read.T);
    const rowSumSquares = masked
      ? (await kernels.moments(block, zero)).rowSumSquares
      : rowSquares.subarray(row0, row0 + rows);
    addRowErrors(read, row0, rows, { u0, AKR, H, rowSumSquares, R });
  });
  // Missing entries hold the model's values (EM): they count neither in ‖X‖ nor in the error.
  if (masked)
    await source.forEachBlock(async (block) => {
      for (const position of source.missing) read.total -= block.data[position]! ** 2;
    });
  return read;
}

/**
 * `A_b·khatriRao(F)` for a block (R columns). When U₀ is implicit (`Y`), the block's rows of
 * `U₀ = A·Y` come from the same product and are written into `U0`.
 */
async function instanceProducts(
  kernels: Kernels,
  block: KernelMatrix,
  row0: number,
  model: { Y: Float64Array | undefined; KR: Float64Array; U0: Float64Array; R: number; p: number },
): Promise<Float64Array> {
  const { Y, KR, U0, R, p } = model;
  if (Y === undefined) return kernels.multiply(block, KR, R);
  const rows = block.rows;
  const both = new Float64Array(p * 2 * R);
  for (let j = 0; j < p; j++) {
    both.set(Y.subarray(j * R, (j + 1) * R), j * 2 * R);
    both.set(KR.subarray(j * R, (j + 1) * R), j * 2 * R + R);
  }
  const product = await kernels.multiply(block, both, 2 * R);
  const AKR = new Float64Array(rows * R);
  for (let i = 0; i < rows; i++) {
    U0.set(product.subarray(i * 2 * R, i * 2 * R + R), (row0 + i) * R);
    AKR.set(product.subarray(i * 2 * R + R, (i + 1) * 2 * R), i * R);
  }
  return AKR;
}

/**
 * Adds a block's rows into `read`: each row's squared error `‖x‖² − 2⟨x, x̂⟩ + ‖x̂‖²` (with
 * `H = ∘_k F_kᵀF_k`) and its squared norm into the total.
 */
function addRowErrors(
  read: LastRead,
  row0: number,
  rows: number,
  block: {
    u0: Float64Array;
    AKR: Float64Array;
    H: Float64Array;
    rowSumSquares: Float64Array;
    R: number;
  },
): void {
  const { u0, AKR, H, rowSumSquares, R } = block;
  for (let i = 0; i < rows; i++) {
    let fitted = 0;
    let model = 0;
    for (let r = 0; r < R; r++) {
      const a = u0[i * R + r]!;
      fitted += a * AKR[i * R + r]!;
      for (let s = 0; s < R; s++) model += a * H[r * R + s]! * u0[i * R + s]!;
    }
    read.rowErrors[row0 + i] = rowSumSquares[i]! - 2 * fitted + model;
    read.total += rowSumSquares[i]!;
  }
}

/**
 * Normalization, from the instance factor's column norms ‖U₀[:, r]‖: weight_r = ‖U₀[:, r]‖ · Π‖F_k[:, r]‖; signs: each column sum of F_k positive.
 * Gives `F` unit, sign-resolved columns in place and returns the weights and the `scale` that
 * carries the norms and flips into the instance factor (scores = U₀ · Π‖F_k‖ · signs).
 */
function normalizeAndFlip(
  instanceNorms: Float64Array,
  F: readonly Float64Array[],
  R: number,
): { weights: Float64Array; scale: Float64Array } {
  const weights = new Float64Array(R);
  const scale = new Float64Array(R).fill(1);
  for (let r = 0; r < R; r++) weights[r] = instanceNorms[r]!;
  for (const f of F) {
    const norms = columnNorms(f, R);
    const sums = new Float64Array(R);
    for (let x = 0; x < f.length; x++) sums[x % R]! += f[x]!;
    const unit = norms.map((x, r) => (x > 0 ? 1 / x : 1) * (sums[r]! < 0 ? -1 : 1));
    scaleColumns(f, unit, R);
    for (let r = 0; r < R; r++) {
      weights[r]! *= norms[r]!;
      scale[r]! *= (norms[r]! > 0 ? norms[r]! : 1) * (sums[r]! < 0 ? -1 : 1);
    }
  }
  return { weights, scale };
}

/**
 * Core consistency (Bro and Kiers 2003): the least-squares Tucker core G of X given the CP factors
 * (the scores S, through SᵀS and T, and the unit factors), `CC = 100 · (1 − ‖G − I‖² / R)` with I
 * the superdiagonal of ones.
 * `G = X ×₀ S⁺ ×₁ F₁⁺ … ×ₘ Fₘ⁺`; the first product is `(SᵀS)⁺·Tᵀ` with `T = XᵀS`.
 */
function coreConsistency(
  scoresGram: Float64Array,
  T: Float64Array,
  factors: readonly Float64Array[],
  dims: readonly number[],
  R: number,
): number {
  const p = T.length / R;
  // C: R × d₁ × … × dₘ, C order.
  let C = matmul(pinvSymmetric(scoresGram, R), R, R, transpose(T, p, R), p);
  let shape = [R, ...dims];
  for (let k = 0; k < dims.length; k++) {
    const F = factors[k]!;
    const d = dims[k]!;
    // F⁺ = (FᵀF)⁺Fᵀ: R × d.
    const Fplus = matmul(pinvSymmetric(gramOf(F, R), R), R, R, transpose(F, d, R), d);
    const pre = shape.slice(0, k + 1).reduce((a, b) => a * b, 1);
    const post = shape.slice(k + 2).reduce((a, b) => a * b, 1);
    const next = new Float64Array(pre * R * post);
    for (let a = 0; a < pre; a++) {
      // The slab (d × post) of C at `a`, times F⁺ (R × d) from the left.
      const slab = C.subarray(a * d * post, (a + 1) * d * post);
      next.set(matmul(Fplus, R, d, slab, post), a * R * post);
    }
    C = next;
    shape = [...shape.slice(0, k + 1), R, ...shape.slice(k + 2)];
  }
  let sum = 0;
  const m = dims.length + 1;
  for (let x = 0; x < C.length; x++) {
    let rest = x;
    const first = rest % R;
    let diagonal = true;
    for (let l = 1; l < m; l++) {
      rest = Math.floor(rest / R);
      if (rest % R !== first) diagonal = false;
    }
    const target = diagonal ? 1 : 0;
    sum += (C[x]! - target) ** 2;
  }
  return 100 * (1 - sum / R);
}
