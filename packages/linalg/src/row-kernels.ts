/**
 * Element-wise transforms of rows (the delayed operations of a view) on WebAssembly SIMD, in the
 * caller's thread: a block of rows is copied into the module's memory a cache-sized chunk at a
 * time, every step runs over the chunk while it is in cache, and the chunk is copied back.
 * Arithmetic is in f64 and each step's result is stored in the data's type, so the bits are those
 * of the same steps written as JavaScript loops (`row[k] = row[k] / operands[k]` on a
 * Float32Array): no fused multiply-add, no reassociation.
 */

import { featureOf, kernelModuleBytes } from "./wasm-modules.js";

/** The arithmetic operators of a row step. */
export type RowOperator = "add" | "subtract" | "multiply" | "divide";

/** The layout of a row around the axis a mean is taken over: `outer x length x inner`, C order. */
export interface RowMeanLayout {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
}

/** One step of a row transform; `row` numbers count from the `firstRow` given to `transform`. */
export type RowStep =
  /** `x op operands[k]`, one operand per element of a row. */
  | { readonly kind: "operands"; readonly op: RowOperator; readonly operands: Float64Array }
  /** `x op value(row)`, one value per row. */
  | { readonly kind: "scalars"; readonly op: RowOperator; readonly value: (row: number) => number }
  /** Minus the mean of the row's own elements at positions `columns` of the axis. */
  | { readonly kind: "means"; readonly layout: RowMeanLayout; readonly columns: Int32Array }
  /** Minus means the caller gives: `fill(row, means)` writes row `row`'s `outer x inner` means. */
  | {
      readonly kind: "given-means";
      readonly layout: RowMeanLayout;
      readonly fill: (row: number, means: Float64Array) => void;
    }
  | { readonly kind: "sqrt" }
  | { readonly kind: "abs" }
  /** A step in JavaScript, on each row in place (for what has no kernel, such as `log1p`). */
  | {
      readonly kind: "each-row";
      readonly apply: (row: Float32Array | Float64Array, r: number) => void;
    };

/** Element-wise row transforms on WebAssembly SIMD (see {@link rowKernels}). */
export interface RowKernels {
  /**
   * Applies `steps` in order to rows `0..rows` of `data` from element `offset` on (`rowSize`
   * elements each), in place; the steps see rows numbered from `firstRow`.
   */
  transform(
    data: Float32Array | Float64Array,
    offset: number,
    rows: number,
    rowSize: number,
    steps: readonly RowStep[],
    firstRow?: number,
  ): void;
}

/** The module's row functions. */
interface RowFunctions {
  readonly [name: string]: (...args: number[]) => void;
}

const OPERATOR_CODES: Record<RowOperator, number> = {
  add: 0,
  subtract: 1,
  multiply: 2,
  divide: 3,
};

/** Bytes of a chunk of rows worked on at once: well inside a core's L2 cache. */
const CHUNK_BYTES = 256 * 1024;
const PAGE_BYTES = 65536;
/** The first byte used: 0 stays unused, as in the kernel heap. */
const FIRST_BYTE = 1024;

/** Bump allocation in the module memory for one `transform` call (nothing outlives it). */
class Scratch {
  #next = FIRST_BYTE;
  constructor(readonly memory: WebAssembly.Memory) {}
  /** A 64-byte aligned block of `bytes`; grows the memory as needed. */
  take(bytes: number): number {
    const at = Math.ceil(this.#next / 64) * 64;
    this.#next = at + bytes + 64;
    const missing = this.#next - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE_BYTES));
    return at;
  }
}

/** A step with its operands in module memory. */
interface PlacedStep {
  readonly step: RowStep;
  readonly at: number;
  readonly extra: number;
  readonly columns: number;
}

class WasmRowKernels implements RowKernels {
  readonly #functions: RowFunctions;
  readonly #memory: WebAssembly.Memory;

  constructor(functions: RowFunctions, memory: WebAssembly.Memory) {
    this.#functions = functions;
    this.#memory = memory;
  }

  transform(
    data: Float32Array | Float64Array,
    offset: number,
    rows: number,
    rowSize: number,
    steps: readonly RowStep[],
    firstRow = 0,
  ): void {
    if (rows === 0 || rowSize === 0 || steps.length === 0) return;
    const bytes = data.BYTES_PER_ELEMENT;
    const chunkRows = Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / (rowSize * bytes))));
    const scratch = new Scratch(this.#memory);
    const placed = steps.map((step) => this.#place(step, scratch, rowSize, chunkRows));
    const chunkAt = scratch.take(chunkRows * rowSize * bytes);
    const Type = data instanceof Float32Array ? Float32Array : Float64Array;
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const count = Math.min(chunkRows, rows - r0);
      const from = offset + r0 * rowSize;
      const source = data.subarray(from, from + count * rowSize);
      const chunk = new Type(this.#memory.buffer, chunkAt, count * rowSize);
      chunk.set(source);
      for (const p of placed) this.#run(p, chunk, chunkAt, count, rowSize, firstRow + r0);
      source.set(chunk);
    }
  }

  /** Copies a step's operands into the module memory and takes its scratch. */
  #place(step: RowStep, scratch: Scratch, rowSize: number, chunkRows: number): PlacedStep {
    const buffer = () => this.#memory.buffer;
    if (step.kind === "operands") {
      const at = scratch.take(rowSize * 8);
      new Float64Array(buffer(), at, rowSize).set(step.operands.subarray(0, rowSize));
      return { step, at, extra: 0, columns: 0 };
    }
    if (step.kind === "scalars")
      return {
        step,
        at: scratch.take(chunkRows * 8),
        extra: scratch.take(rowSize * 8),
        columns: 0,
      };
    if (step.kind === "means" || step.kind === "given-means") {
      const { outer, inner } = step.layout;
      const at = scratch.take(chunkRows * outer * inner * 8);
      // The means repeated over `inner` vectors (assembly/rows.ts, meanPatternLength).
      const extra = scratch.take(inner * 4 * 8);
      if (step.kind === "given-means") return { step, at, extra, columns: 0 };
      const columns = scratch.take(step.columns.length * 4);
      new Int32Array(buffer(), columns, step.columns.length).set(step.columns);
      return { step, at, extra, columns };
    }
    return { step, at: 0, extra: 0, columns: 0 };
  }

  /** Runs one step over a chunk of `rows` rows at `chunkAt` (viewed as `chunk`). */
  #run(
    placed: PlacedStep,
    chunk: Float32Array | Float64Array,
    chunkAt: number,
    rows: number,
    rowSize: number,
    row0: number,
  ): void {
    const { step, at, extra, columns } = placed;
    const suffix = chunk instanceof Float32Array ? "_f32" : "_f64";
    const call = (name: string, ...args: number[]) => this.#functions[name + suffix]!(...args);
    if (step.kind === "operands")
      call("rows_operands", chunkAt, rows, rowSize, OPERATOR_CODES[step.op], at);
    else if (step.kind === "scalars") {
      const values = new Float64Array(this.#memory.buffer, at, rows);
      for (let r = 0; r < rows; r++) values[r] = step.value(row0 + r);
      call("rows_scalars", chunkAt, rows, rowSize, OPERATOR_CODES[step.op], at, extra);
    } else if (step.kind === "means" || step.kind === "given-means") {
      const { outer, length, inner } = step.layout;
      if (step.kind === "means")
        call("rows_means", chunkAt, rows, outer, length, inner, columns, step.columns.length, at);
      else {
        const m = outer * inner;
        const means = new Float64Array(this.#memory.buffer, at, rows * m);
        for (let r = 0; r < rows; r++) step.fill(row0 + r, means.subarray(r * m, (r + 1) * m));
      }
      call("rows_shift", chunkAt, rows, outer, length, inner, at, extra);
    } else if (step.kind === "sqrt") call("rows_sqrt", chunkAt, rows * rowSize);
    else if (step.kind === "abs") call("rows_abs", chunkAt, rows * rowSize);
    else
      for (let r = 0; r < rows; r++)
        step.apply(chunk.subarray(r * rowSize, (r + 1) * rowSize), row0 + r);
  }
}

/** The names of the row functions, without their type suffix. */
const ROW_FUNCTIONS = [
  "rows_operands",
  "rows_scalars",
  "rows_means",
  "rows_shift",
  "rows_sqrt",
  "rows_abs",
] as const;

let loading: Promise<RowKernels | undefined> | undefined;

/**
 * The row kernels of this process (compiled once, on first use), or `undefined` where
 * WebAssembly SIMD is not available: the caller then runs its own JavaScript loops, which give
 * the same bits.
 *
 * @example
 * ```ts
 * import { rowKernels } from "@tt/linalg";
 *
 * const kernels = await rowKernels();
 * const data = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 rows of 3
 * kernels?.transform(data, 0, 2, 3, [
 *   { kind: "means", layout: { outer: 1, length: 3, inner: 1 }, columns: Int32Array.of(0) },
 *   { kind: "operands", op: "divide", operands: Float64Array.of(1, 2, 4) },
 * ]);
 * console.log(data); // Float32Array [ 0, 0.5, 0.5, 0, 0.5, 0.5 ]
 * ```
 */
export function rowKernels(): Promise<RowKernels | undefined> {
  loading ??= instantiateRowKernels().catch(() => undefined);
  return loading;
}

/** Compiles the SIMD128 module on its own memory and collects its row functions. */
async function instantiateRowKernels(): Promise<RowKernels | undefined> {
  if (typeof WebAssembly !== "object") return undefined;
  const bytes = kernelModuleBytes("simd", false);
  if (!WebAssembly.validate(bytes)) return undefined;
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const functions: Record<string, (...args: number[]) => void> = {};
  for (const name of ROW_FUNCTIONS)
    for (const suffix of ["_f32", "_f64"]) {
      const fn = instance.exports[name + suffix];
      if (typeof fn !== "function")
        throw new Error(`the ${featureOf("simd")} kernel module lacks ${name}${suffix}`);
      functions[name + suffix] = fn as (...args: number[]) => void;
    }
  return new WasmRowKernels(functions, memory);
}
