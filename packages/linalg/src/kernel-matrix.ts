import { ArgumentError } from "@tt/schema";
import type { KernelHeap } from "./kernel-heap.js";

/** The element types kernel matrices hold. */
export type KernelDType = "float32" | "float64";

/** A row-major matrix in kernel memory, written by the caller and read by the kernels. */
export interface KernelMatrix {
  /** Rows of the matrix (of this view, for one made by `withRows`). */
  readonly rows: number;
  /** Columns of the matrix. */
  readonly cols: number;
  /** Element type, which is also the precision of the products' inner sums. */
  readonly dtype: KernelDType;
  /**
   * Row-major data, a view onto kernel memory: callers write their data here. Read it again after
   * allocating other matrices: when kernel memory has to grow without shared memory (one thread,
   * browsers), earlier views are detached and this property returns a fresh one.
   */
  readonly data: Float32Array | Float64Array;
  /**
   * The same memory seen as only its first `rows` rows (for a last, shorter block); `rows` may be
   * anything up to the rows the matrix was allocated with. Freeing the matrix frees its views.
   */
  withRows(rows: number): KernelMatrix;
}

/** What a matrix and the views made by `withRows` share. */
export interface MatrixBlock {
  /** The Kernels instance that allocated it. */
  readonly owner: object;
  /** Byte offset in kernel memory. */
  readonly offset: number;
  /** Rows it was allocated with. */
  readonly capacityRows: number;
  /** Set by freeMatrix and dispose; every later use throws. */
  freed: boolean;
}

/** Bytes per element of a kernel dtype. */
export function bytesOf(dtype: KernelDType): 4 | 8 {
  return dtype === "float32" ? 4 : 8;
}

/** A {@link KernelMatrix} over a block of a {@link KernelHeap}. */
export class HeapMatrix implements KernelMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: KernelDType;
  readonly block: MatrixBlock;
  /** Whether withRows made it (only the allocated matrix itself can be freed). */
  readonly isView: boolean;
  readonly #heap: KernelHeap;
  #view: Float32Array | Float64Array | undefined;

  constructor(
    heap: KernelHeap,
    block: MatrixBlock,
    rows: number,
    cols: number,
    dtype: KernelDType,
    isView: boolean,
  ) {
    this.#heap = heap;
    this.block = block;
    this.rows = rows;
    this.cols = cols;
    this.dtype = dtype;
    this.isView = isView;
  }

  /** Byte offset of the first element in kernel memory. */
  get offset(): number {
    return this.block.offset;
  }

  get data(): Float32Array | Float64Array {
    if (this.block.freed)
      throw new ArgumentError("KernelMatrix.data", "this", "the matrix was freed");
    const buffer = this.#heap.buffer;
    if (this.#view === undefined || this.#view.buffer !== buffer) {
      const length = this.rows * this.cols;
      this.#view =
        this.dtype === "float32"
          ? new Float32Array(buffer, this.block.offset, length)
          : new Float64Array(buffer, this.block.offset, length);
    }
    return this.#view;
  }

  withRows(rows: number): KernelMatrix {
    if (this.block.freed)
      throw new ArgumentError("KernelMatrix.withRows", "this", "the matrix was freed");
    if (!Number.isInteger(rows) || rows < 0 || rows > this.block.capacityRows)
      throw new ArgumentError(
        "KernelMatrix.withRows",
        "rows",
        `rows must be an integer from 0 to ${this.block.capacityRows} (the rows allocated), got ${rows}`,
      );
    return new HeapMatrix(this.#heap, this.block, rows, this.cols, this.dtype, true);
  }
}
