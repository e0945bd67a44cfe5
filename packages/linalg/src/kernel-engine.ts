import { ArgumentError } from "@tt/schema";
import { checkDim, checkMatrix, checkVector } from "./check.js";
import { momentsOnHeap } from "./kernel-columns.js";
import { heapSymmetricEigen } from "./kernel-eigen.js";
import {
  checkSums,
  contrastProductOnHeap,
  elementFunctionCode,
  mapElementsOnHeap,
} from "./kernel-elementwise.js";
import type { KernelFunctionName, KernelFunctions } from "./kernel-functions.js";
import type { KernelHeap } from "./kernel-heap.js";
import { type JobArg, KernelJobs } from "./kernel-jobs.js";
import { bytesOf, HeapMatrix, type KernelDType, type KernelMatrix } from "./kernel-matrix.js";
import { type ProgramRows, runRowProgram } from "./kernel-row-program.js";
import type {
  ColumnAffine,
  ColumnMoments,
  ContrastProduct,
  ElementFunction,
  ElementSums,
  KernelBackend,
  KernelMoments,
  Kernels,
} from "./kernel-types.js";
import { khatriRao, mttkrpFromPartial } from "./khatri-rao.js";
import type { WorkerPool } from "./platform-types.js";
import type { RowStep } from "./row-kernels.js";
import type { SymmetricEigenResult } from "./symmetric-eigen.js";

/** What the engine is built from: see createKernels. */
export interface EngineSetup {
  backend: KernelBackend;
  threads: number;
  heap: KernelHeap;
  functions: KernelFunctions;
  pool: WorkerPool | undefined;
}

const roundUp = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;
const suffix = (dtype: KernelDType) => (dtype === "float32" ? "f32" : "f64");
/** Elements per 128-bit vector. */
const lanesOf = (dtype: KernelDType) => 16 / bytesOf(dtype);

/**
 * The engines not disposed, for {@link rowTransformOf}; held weakly, so that kernels a caller
 * drops without `dispose` are still collected.
 */
const liveEngines = new Set<WeakRef<KernelEngine>>();

/** Transforms rows in place: see {@link rowTransformOf}. */
export type RowTransform = (
  offset: number,
  rows: number,
  rowSize: number,
  steps: readonly RowStep[],
  firstRow?: number,
) => Promise<void>;

/**
 * When `data` is a view of the WebAssembly memory of live kernels (rows read straight into a
 * kernel matrix), a function that applies row steps to its rows in place on those kernels'
 * threads (see `KernelEngine.transformRows`); else undefined, and callers use `rowKernels`.
 *
 * @example
 * ```ts
 * const transform = rowTransformOf(block.data);
 * if (transform) await transform(0, rows, rowSize, [{ kind: "abs" }]);
 * ```
 */
export function rowTransformOf(data: Float32Array | Float64Array): RowTransform | undefined {
  for (const ref of liveEngines) {
    const engine = ref.deref();
    if (engine === undefined) liveEngines.delete(ref);
    else if (engine.holds(data)) {
      // Byte offsets now: unshared memory that grows later leaves `data` detached (offset 0),
      // while the offsets stay valid in the grown memory.
      const base = data.byteOffset;
      const width = data.BYTES_PER_ELEMENT;
      const float32 = data instanceof Float32Array;
      return (offset, rows, rowSize, steps, firstRow = 0) =>
        engine.transformRows(
          { at: base + offset * width, rows, rowSize, float32, firstRow },
          steps,
        );
    }
  }
  return undefined;
}

/** The {@link Kernels} over one heap, one set of kernel functions and an optional worker pool. */
export class KernelEngine implements Kernels {
  readonly backend: KernelBackend;
  readonly threads: number;
  readonly #heap: KernelHeap;
  readonly #jobs: KernelJobs;
  readonly #pool: WorkerPool | undefined;
  readonly #functions: KernelFunctions;
  readonly #live = new Set<HeapMatrix>();
  #queue: Promise<unknown> = Promise.resolve();
  /** This engine in {@link liveEngines}. */
  readonly #ref: WeakRef<KernelEngine>;
  #disposed = false;

  constructor(setup: EngineSetup) {
    this.backend = setup.backend;
    this.threads = setup.threads;
    this.#heap = setup.heap;
    this.#pool = setup.pool;
    this.#functions = setup.functions;
    this.#jobs = new KernelJobs(setup.heap, setup.functions, setup.pool, setup.threads);
    this.#ref = new WeakRef(this);
    liveEngines.add(this.#ref);
  }

  allocMatrix(rows: number, cols: number, dtype: KernelDType): KernelMatrix {
    this.#checkOpen("allocMatrix");
    checkDim("allocMatrix", "rows", rows);
    checkDim("allocMatrix", "cols", cols);
    if (dtype !== "float32" && dtype !== "float64")
      throw new ArgumentError(
        "allocMatrix",
        "dtype",
        `dtype must be "float32" or "float64", got ${dtype}`,
      );
    const bytes = rows * cols * bytesOf(dtype);
    const offset = this.#heap.allocZeroed(bytes);
    const block = { owner: this, offset, capacityRows: rows, freed: false };
    const matrix = new HeapMatrix(this.#heap, block, rows, cols, dtype, false);
    this.#live.add(matrix);
    return matrix;
  }

  freeMatrix(matrix: KernelMatrix): void {
    const m = this.#matrix("freeMatrix", "matrix", matrix);
    if (m.isView)
      throw new ArgumentError(
        "freeMatrix",
        "matrix",
        "matrix is a view made by withRows: free the matrix it was made from",
      );
    m.block.freed = true;
    this.#live.delete(m);
    this.#heap.free(m.offset);
  }

  multiply(A: KernelMatrix, B: Float64Array, l: number): Promise<Float64Array> {
    return this.#serial("multiply", () => {
      const a = this.#matrix("multiply", "A", A);
      checkDim("multiply", "l", l);
      checkMatrix("multiply", "B", B, a.cols, l);
      return this.#multiply(a, B, l);
    });
  }

  multiplyTransA(
    A: KernelMatrix,
    T: Float64Array,
    l: number,
    into?: Float64Array,
  ): Promise<Float64Array> {
    return this.#serial("multiplyTransA", () => {
      const a = this.#matrix("multiplyTransA", "A", A);
      checkDim("multiplyTransA", "l", l);
      checkMatrix("multiplyTransA", "T", T, a.rows, l);
      if (into !== undefined) checkMatrix("multiplyTransA", "into", into, a.cols, l);
      return this.#transProduct(a, "trans", T, a.rows, l, into);
    });
  }

  normalProduct(
    A: KernelMatrix,
    Y: Float64Array,
    l: number,
    into?: Float64Array,
    affine?: ColumnAffine,
  ): Promise<Float64Array> {
    return this.#serial("normalProduct", () => {
      const a = this.#matrix("normalProduct", "A", A);
      checkDim("normalProduct", "l", l);
      checkMatrix("normalProduct", "Y", Y, a.cols, l);
      if (into !== undefined) checkMatrix("normalProduct", "into", into, a.cols, l);
      if (affine !== undefined) {
        checkVector("normalProduct", "affine.shift", affine.shift, a.cols);
        checkVector("normalProduct", "affine.scale", affine.scale, a.cols);
      }
      return this.#transProduct(a, "normal", Y, a.cols, l, into, affine);
    });
  }

  gram(A: KernelMatrix, into?: Float64Array): Promise<Float64Array> {
    return this.#serial("gram", async () => {
      const a = this.#matrix("gram", "A", A);
      if (into !== undefined) checkMatrix("gram", "into", into, a.cols, a.cols);
      const { rows: n, cols: p, dtype } = a;
      const pp = roundUp(p, lanesOf(dtype));
      const total = this.#alloc(p * pp * 8);
      try {
        const f64 = this.#heap.f64;
        const at = total / 8;
        f64.fill(0, at, at + p * pp);
        if (into !== undefined)
          for (let k = 0; k < p; k++) f64.set(into.subarray(k * p, (k + 1) * p), at + k * pp);
        const args: JobArg[] = [{ perRow: a.offset, rowBytes: p * bytesOf(dtype) }, "rows", p, pp];
        await this.#jobs.reduce(`gram_${suffix(dtype)}`, [...args, { slot: 0 }], n, {
          slotBytes: p * pp * bytesOf(dtype),
          total,
          count: p * pp,
          work: (n * p * p) / 2,
        });
        const out = into ?? new Float64Array(p * p);
        const sums = this.#heap.f64;
        for (let k = 0; k < p; k++)
          for (let j = k; j < p; j++) {
            const value = sums[at + k * pp + j]!;
            out[k * p + j] = value;
            out[j * p + k] = value;
          }
        return out;
      } finally {
        this.#heap.free(total);
      }
    });
  }

  affineColumns(A: KernelMatrix, shift: Float64Array, scale: Float64Array): Promise<void> {
    return this.#serial("affineColumns", async () => {
      const a = this.#matrix("affineColumns", "A", A);
      checkVector("affineColumns", "shift", shift, a.cols);
      checkVector("affineColumns", "scale", scale, a.cols);
      const { rows: n, cols: p, dtype } = a;
      if (n === 0 || p === 0) return;
      const shiftAt = this.#alloc(p * 8);
      const scaleAt = this.#alloc(p * 8);
      try {
        this.#heap.f64.set(shift, shiftAt / 8);
        this.#heap.f64.set(scale, scaleAt / 8);
        const rowBytes = p * bytesOf(dtype);
        await this.#jobs.rows(
          `affine_${suffix(dtype)}`,
          [{ perRow: a.offset, rowBytes }, "rows", p, shiftAt, scaleAt],
          n,
          n * p,
        );
      } finally {
        this.#heap.free(shiftAt);
        this.#heap.free(scaleAt);
      }
    });
  }

  moments(A: KernelMatrix, shift: Float64Array, into?: ColumnMoments): Promise<KernelMoments> {
    return this.#serial("moments", async () => {
      const a = this.#matrix("moments", "A", A);
      checkVector("moments", "shift", shift, a.cols);
      if (into !== undefined) {
        checkVector("moments", "into.columnSums", into.columnSums, a.cols);
        checkVector("moments", "into.columnSumSquares", into.columnSumSquares, a.cols);
      }
      return momentsOnHeap(this.#heap, this.#jobs, a, shift, into);
    });
  }

  mapElements(
    A: KernelMatrix,
    fn: ElementFunction,
    out?: KernelMatrix,
    into?: ElementSums,
  ): Promise<ElementSums> {
    return this.#serial("mapElements", () => {
      const a = this.#matrix("mapElements", "A", A);
      const code = elementFunctionCode("mapElements", fn);
      const o = out === undefined ? a : this.#matrix("mapElements", "out", out);
      if (o.rows !== a.rows || o.cols !== a.cols || o.dtype !== a.dtype)
        throw new ArgumentError(
          "mapElements",
          "out",
          `out is ${o.rows} x ${o.cols} ${o.dtype}, expected A's ${a.rows} x ${a.cols} ${a.dtype}`,
        );
      if (into !== undefined) checkSums("mapElements", into, a.cols);
      return mapElementsOnHeap(this.#heap, this.#jobs, a, o, code, into);
    });
  }

  contrastProduct(
    A: KernelMatrix,
    B: Float64Array,
    l: number,
    fn: ElementFunction,
    into?: ContrastProduct,
  ): Promise<ContrastProduct> {
    return this.#serial("contrastProduct", () => {
      const a = this.#matrix("contrastProduct", "A", A);
      checkDim("contrastProduct", "l", l);
      checkMatrix("contrastProduct", "B", B, a.cols, l);
      const code = elementFunctionCode("contrastProduct", fn);
      if (into !== undefined) {
        checkMatrix("contrastProduct", "into.product", into.product, a.cols, l);
        checkSums("contrastProduct", into, l);
      }
      return contrastProductOnHeap(this.#heap, this.#jobs, a, B, l, code, into);
    });
  }

  mttkrp(
    A: KernelMatrix,
    dims: readonly number[],
    factors: readonly Float64Array[],
    mode: number,
    rank: number,
  ): Promise<Float64Array> {
    return this.#serial("mttkrp", async () => {
      const a = this.#matrix("mttkrp", "A", A);
      checkDim("mttkrp", "rank", rank);
      const p = dims.reduce((x, y) => x * y, 1);
      if (dims.length === 0 || p !== a.cols)
        throw new ArgumentError(
          "mttkrp",
          "dims",
          `dims [${dims.join(", ")}] multiply to ${p}, but A has ${a.cols} columns`,
        );
      if (factors.length !== dims.length + 1)
        throw new ArgumentError(
          "mttkrp",
          "factors",
          `needs ${dims.length + 1} factors (instances and ${dims.length} modes), got ${factors.length}`,
        );
      if (!Number.isInteger(mode) || mode < 0 || mode > dims.length)
        throw new ArgumentError(
          "mttkrp",
          "mode",
          `mode must be an integer from 0 to ${dims.length}, got ${mode}`,
        );
      if (mode === 0) {
        const others = factors.slice(1);
        for (const [k, factor] of others.entries())
          checkMatrix("mttkrp", `factors[${k + 1}]`, factor, dims[k]!, rank);
        return this.#multiply(a, khatriRao(others, rank), rank);
      }
      checkMatrix("mttkrp", "factors[0]", factors[0]!, a.rows, rank);
      const partial = await this.#transProduct(a, "trans", factors[0]!, a.rows, rank, undefined);
      return mttkrpFromPartial(partial, dims, factors.slice(1), mode - 1, rank);
    });
  }

  symmetricEigen(S: Float64Array, n: number): Promise<SymmetricEigenResult> {
    return this.#serial("symmetricEigen", async () =>
      heapSymmetricEigen(this.#heap, this.#functions, S, n),
    );
  }

  /**
   * Applies row `steps` in place to the rows of `target` (rows read straight into a kernel
   * matrix: byte offsets into this engine's memory, checked by the caller with `holds`), on
   * every kernel thread; queued after the calls before it. The bits are those of `rowKernels`.
   */
  transformRows(target: ProgramRows, steps: readonly RowStep[]): Promise<void> {
    return this.#serial("transformRows", () =>
      runRowProgram(this.#heap, this.#jobs, target, steps),
    );
  }

  /** Whether `data` is a view of this engine's WebAssembly memory as it stands. */
  holds(data: Float32Array | Float64Array): boolean {
    return !this.#disposed && this.backend !== "js" && data.buffer === this.#heap.buffer;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    liveEngines.delete(this.#ref);
    this.#disposed = true;
    await this.#queue;
    for (const matrix of this.#live) matrix.block.freed = true;
    this.#live.clear();
    await this.#pool?.close();
  }

  /** n×l = A·B. */
  async #multiply(a: HeapMatrix, B: Float64Array, l: number): Promise<Float64Array> {
    const { rows: n, cols: p, dtype } = a;
    if (n === 0 || l === 0) return new Float64Array(n * l);
    const lp = roundUp(l, lanesOf(dtype));
    const bytes = bytesOf(dtype);
    const b = this.#alloc(p * lp * bytes);
    const out = this.#alloc(n * lp * 8);
    try {
      this.#heap.writeRows(b, B, p, l, lp, dtype === "float32");
      await this.#jobs.rows(
        `multiply_${suffix(dtype)}`,
        [
          { perRow: a.offset, rowBytes: p * bytes },
          "rows",
          p,
          b,
          lp,
          { perRow: out, rowBytes: lp * 8 },
        ],
        n,
        n * p * lp,
      );
      return this.#heap.readRows(out, n, lp, l);
    } finally {
      this.#heap.free(b);
      this.#heap.free(out);
    }
  }

  /** p×l = Aᵀ·T (`trans`, T has `inputRows` = n rows) or Aᵀ·(A·Y) (`normal`, Y has p rows). */
  async #transProduct(
    a: HeapMatrix,
    kind: "trans" | "normal",
    input: Float64Array,
    inputRows: number,
    l: number,
    into: Float64Array | undefined,
    affine?: ColumnAffine,
  ): Promise<Float64Array> {
    const { rows: n, cols: p, dtype } = a;
    const lp = roundUp(Math.max(l, 1), lanesOf(dtype));
    const bytes = bytesOf(dtype);
    const inputAt = this.#alloc(inputRows * lp * bytes);
    const total = this.#alloc(p * lp * 8);
    const affineAt = affine === undefined ? 0 : this.#alloc(2 * p * 8);
    try {
      this.#heap.writeRows(inputAt, input, inputRows, l, lp, dtype === "float32");
      const f64 = this.#heap.f64;
      f64.fill(0, total / 8, total / 8 + p * lp);
      if (into !== undefined) this.#heap.writeRows(total, into, p, l, lp, false);
      if (affine !== undefined) {
        f64.set(affine.shift, affineAt / 8);
        f64.set(affine.scale, affineAt / 8 + p);
      }
      const aArg = { perRow: a.offset, rowBytes: p * bytes };
      const partialBytes = roundUp(p * lp * bytes, 64);
      const args: JobArg[] =
        kind === "trans"
          ? [aArg, "rows", p, { perRow: inputAt, rowBytes: lp * bytes }, lp, { slot: 0 }]
          : [aArg, "rows", p, inputAt, lp, { slot: 0 }, { slot: partialBytes }];
      if (affine !== undefined) args.push(affineAt, affineAt + p * 8);
      const fn =
        `${kind}${affine === undefined ? "" : "_affine"}_${suffix(dtype)}` as KernelFunctionName;
      const scratchBytes = kind === "trans" ? 0 : 4 * lp * (8 + bytes);
      if (l > 0 || affine !== undefined)
        await this.#jobs.reduce(fn, args, n, {
          slotBytes: partialBytes + scratchBytes,
          total,
          count: p * lp,
          work: n * p * lp * (kind === "trans" ? 1 : 2),
        });
      return this.#heap.readRows(total, p, lp, l, into);
    } finally {
      this.#heap.free(inputAt);
      this.#heap.free(total);
      if (affine !== undefined) this.#heap.free(affineAt);
    }
  }

  /** Allocates kernel memory for scratch data (at least one element, so offsets stay unique). */
  #alloc(bytes: number): number {
    return this.#heap.alloc(Math.max(bytes, 8));
  }

  /** Queues a task after the previous ones; arguments are checked when the task starts. */
  #serial<T>(where: string, task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(() => {
      this.#checkOpen(where);
      return task();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #checkOpen(where: string): void {
    if (this.#disposed) throw new ArgumentError(where, "this", "the kernels were disposed");
  }

  /** The matrix behind `matrix`, or an ArgumentError when it is foreign or freed. */
  #matrix(where: string, name: string, matrix: KernelMatrix): HeapMatrix {
    this.#checkOpen(where);
    if (!(matrix instanceof HeapMatrix) || matrix.block.owner !== this)
      throw new ArgumentError(
        where,
        name,
        `${name} is not a matrix of these kernels: allocate it with this instance's allocMatrix`,
      );
    if (matrix.block.freed) throw new ArgumentError(where, name, `${name} was freed`);
    return matrix;
  }
}
