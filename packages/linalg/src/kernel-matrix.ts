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
   * The same memory seen as only `rows` of its rows, from row `first` (default 0) of the matrix as
   * allocated: a last, shorter block, or a block of rows the kernels can work on while other rows
   * are still being written. `first + rows` may be anything up to the rows the matrix was
   * allocated with. Freeing the matrix frees its views.
   */
  withRows(rows: number, first?: number): KernelMatrix;
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
  /** The row of the allocated matrix this one starts at (0 unless withRows said otherwise). */
  readonly firstRow: number;
  readonly #heap: KernelHeap;
  #view: Float32Array | Float64Array | undefined;

  constructor(
    heap: KernelHeap,
    block: MatrixBlock,
    rows: number,
    cols: number,
    dtype: KernelDType,
    isView: boolean,
    firstRow = 0,
  ) {
    this.#heap = heap;
    this.block = block;
    this.rows = rows;
    this.cols = cols;
    this.dtype = dtype;
    this.isView = isView;
    this.firstRow = firstRow;
  }

  /** Byte offset of the first element in kernel memory. */
  get offset(): number {
    return this.block.offset + this.firstRow * this.cols * bytesOf(this.dtype);
  }

  get data(): Float32Array | Float64Array {
    if (this.block.freed)
      throw new ArgumentError("KernelMatrix.data", "this", "the matrix was freed");
    const buffer = this.#heap.buffer;
    if (this.#view === undefined || this.#view.buffer !== buffer) {
      const length = this.rows * this.cols;
      this.#view =
        this.dtype === "float32"
          ? new Float32Array(buffer, this.offset, length)
          : new Float64Array(buffer, this.offset, length);
    }
    return this.#view;
  }

  withRows(rows: number, first = 0): KernelMatrix {
    if (this.block.freed)
      throw new ArgumentError("KernelMatrix.withRows", "this", "the matrix was freed");
    const capacity = this.block.capacityRows;
    if (!Number.isInteger(first) || first < 0 || first > capacity)
      throw new ArgumentError(
        "KernelMatrix.withRows",
        "first",
        `first must be an integer from 0 to ${capacity} (the rows allocated), got ${first}`,
      );
    if (!Number.isInteger(rows) || rows < 0 || first + rows > capacity)
      throw new ArgumentError(
        "KernelMatrix.withRows",
        "rows",
        `rows must be an integer from 0 to ${capacity - first} (the rows allocated${first > 0 ? ` after row ${first}` : ""}), got ${rows}`,
      );
    return new HeapMatrix(this.#heap, this.block, rows, this.cols, this.dtype, true, first);
  }
}
