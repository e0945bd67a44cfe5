/** Immutable lazy views of a stored dataset: selectors in, positions per axis, data on demand. */

import {
  type AxisAnnotatedTensor,
  type AxisIndex,
  axisPosition,
  type BlockOptions,
  type BroadcastOptions,
  createTensor,
  DEFAULT_FIELD,
  type FilterOptions,
  InvalidSelectionError,
  type IOOptions,
  type MetaTable,
  type RowAffine,
  type Selector,
  type StoredDataset,
  sizeOf,
  type TensorBlock,
  type TensorDataset,
  type TensorView,
  type TransformSelector,
  type TypedArray,
  typedArrayConstructor,
  type ViewJSON,
  type ViewRange,
} from "@tt/schema";
import {
  type ArithmeticOperator,
  type DelayedStep,
  type Lineage,
  type OperandView,
  type Positions,
  resolveArithmetic,
  resolveLinearMap,
  resolveSubtractElement,
  resolveSubtractMean,
  resolveUnary,
  type UnaryOperator,
  withOperation,
} from "./delayed-ops.js";
import { readLineage } from "./delayed-read.js";
import { carriedSelectors, storedField } from "./field-view.js";
import { allPositions, asSelection, pick } from "./positions.js";
import { compileQuery } from "./query.js";
import { foldTrailingArithmetic } from "./row-affine.js";

function isMask(value: unknown): value is readonly boolean[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "boolean");
}

/** Ids as JSON values: bigints become decimal strings. */
function jsonIds(ids: AxisIndex): (string | number)[] {
  return Array.from(ids as ArrayLike<string | number | bigint>, (id) =>
    typeof id === "bigint" ? String(id) : id,
  );
}

/** A view: the dataset, its selectors, and the lineage of its data. */
export class View implements TensorView {
  readonly #lineage: Lineage;
  readonly #meta = new Map<string, MetaTable>();

  constructor(
    readonly dataset: TensorDataset,
    readonly stored: StoredDataset,
    readonly selectors: readonly Selector[],
    lineage: Lineage,
    /** Makes the dataset of another field (`createDataset`, handed down to every view). */
    readonly datasetOf: (stored: StoredDataset) => TensorDataset,
  ) {
    this.#lineage = lineage;
  }

  get #positions(): Positions {
    return this.#lineage.positions;
  }
  get axes() {
    return this.stored.axes;
  }
  /** The stored dtype, or the dtype of the delayed operations' output (float32 or float64). */
  get dtype() {
    return this.#lineage.top?.op.dtype ?? this.stored.dtype;
  }
  get axisIndexColumns() {
    return this.stored.axisIndexColumns;
  }
  get hasMask() {
    return this.stored.hasMask;
  }
  get attrs() {
    return this.stored.attrs;
  }
  get shape(): readonly number[] {
    return this.#positions.map((p) => p.length);
  }

  /** The stored positions of the elements of `axis` in this view. */
  positions(axis: string): Int32Array {
    return this.#positions[axisPosition(this.axes, axis)]!;
  }

  meta(axis: string): MetaTable {
    let table = this.#meta.get(axis);
    if (table === undefined) {
      table = this.stored.meta(axis).take(this.positions(axis));
      this.#meta.set(axis, table);
    }
    return table;
  }

  ids(axis: string): AxisIndex | undefined {
    axisPosition(this.axes, axis);
    const column = this.axisIndexColumns[axis];
    return column === undefined ? undefined : (this.meta(axis).column(column).values as AxisIndex);
  }

  /** The view of the elements at `rows` (positions in this view) of `axis`. */
  #with(selector: Selector, axis: string, rows: ArrayLike<number>): TensorView {
    const a = axisPosition(this.axes, axis);
    const positions = [...this.#positions];
    positions[a] = pick(positions[a]!, rows, axis);
    const { top } = this.#lineage;
    const index = top && [...top.index];
    if (index !== undefined) index[a] = pick(index[a]!, rows, axis);
    return new View(
      this.dataset,
      this.stored,
      Object.freeze([...this.selectors, selector]),
      {
        positions: Object.freeze(positions),
        top: top && { op: top.op, index: Object.freeze(index!) },
      },
      this.datasetOf,
    );
  }

  /** The view with a delayed operation on top. */
  #transform(resolved: { selector: TransformSelector; step: DelayedStep }): TensorView {
    const lineage = withOperation(this.#lineage, this.shape, this.dtype, resolved);
    return new View(
      this.dataset,
      this.stored,
      Object.freeze([...this.selectors, resolved.selector]),
      lineage,
      this.datasetOf,
    );
  }

  query(axis: string, expr: string): TensorView {
    const rows = compileQuery(expr).rows(this.meta(axis));
    return this.#with({ op: "query", axis, expr }, axis, rows);
  }

  filter(
    axis: string,
    idsOrMask: AxisIndex | readonly boolean[],
    options: FilterOptions = {},
  ): TensorView {
    const current = this.positions(axis);
    if (isMask(idsOrMask)) {
      if (idsOrMask.length !== current.length) {
        throw new InvalidSelectionError(
          axis,
          `mask has ${idsOrMask.length} entries, the view has ${current.length} elements`,
        );
      }
      const rows = idsOrMask.flatMap((keep, i) => (keep ? [i] : []));
      return this.#with({ op: "filter", axis, mask: [...idsOrMask] }, axis, rows);
    }
    const { rows, kept } = this.#rowsOfIds(axis, idsOrMask, options);
    return this.#with({ op: "filter", axis, ids: jsonIds(kept) }, axis, rows);
  }

  /** The positions in the view of the elements with these ids, and the ids found. */
  #rowsOfIds(
    axis: string,
    ids: AxisIndex,
    options: FilterOptions,
  ): { rows: number[]; kept: AxisIndex } {
    const current = this.positions(axis);
    const inView = new Map<number, number>();
    for (let i = 0; i < current.length; i++) inView.set(current[i]!, i);
    const rows: number[] = [];
    const missing: unknown[] = [];
    for (const raw of Array.from(ids as ArrayLike<string | number | bigint>)) {
      const row = this.#rowOfId(axis, raw, inView);
      if (row === undefined) missing.push(raw);
      else rows.push(row);
    }
    if (missing.length > 0 && (options.missing ?? "error") === "error") {
      const shown = missing
        .slice(0, 5)
        .map((id) => JSON.stringify(String(id)))
        .join(", ");
      throw new InvalidSelectionError(
        axis,
        `${missing.length} id${missing.length > 1 ? "s are" : " is"} not in the view: ${shown}${missing.length > 5 ? ", ..." : ""}; pass { missing: "ignore" } to skip them`,
      );
    }
    const kept = missing.length > 0 ? rows.map((row) => this.ids(axis)![row]!) : ids;
    return { rows, kept: kept as AxisIndex };
  }

  /** The position in the view of the element of `axis` with id `raw` (first occurrence). */
  #rowOfId(
    axis: string,
    raw: string | number | bigint,
    inView: Map<number, number>,
  ): number | undefined {
    const column = this.axisIndexColumns[axis];
    if (column === undefined)
      throw new InvalidSelectionError(
        axis,
        "has no id column; filter it with a mask or take indices",
      );
    const int64 = this.stored.meta(axis).column(column).type === "int64";
    const id = int64 && typeof raw === "string" && /^-?\d+$/.test(raw) ? BigInt(raw) : raw;
    const stored = this.stored.indexOf(axis, id);
    return stored === undefined ? undefined : inView.get(stored);
  }

  slice(axis: string, start: number, stop: number): TensorView {
    const current = this.positions(axis);
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > current.length ||
      start > stop
    ) {
      throw new InvalidSelectionError(
        axis,
        `slice ${start}:${stop} does not fit the view's ${current.length} elements`,
      );
    }
    const rows = allPositions(stop - start).map((i) => start + i);
    return this.#with({ op: "slice", axis, start, stop }, axis, rows);
  }

  take(axis: string, indices: ArrayLike<number>): TensorView {
    return this.#with({ op: "take", axis, indices: Array.from(indices) }, axis, indices);
  }

  #arithmetic(
    op: ArithmeticOperator,
    operand: number | ArrayLike<number>,
    options?: BroadcastOptions,
  ): TensorView {
    return this.#transform(resolveArithmetic(this.#operandView(), op, operand, options));
  }
  add(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView {
    return this.#arithmetic("add", operand, options);
  }
  subtract(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView {
    return this.#arithmetic("subtract", operand, options);
  }
  multiply(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView {
    return this.#arithmetic("multiply", operand, options);
  }
  divide(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView {
    return this.#arithmetic("divide", operand, options);
  }
  #unary(op: UnaryOperator): TensorView {
    return this.#transform(resolveUnary(op));
  }
  log1p(): TensorView {
    return this.#unary("log1p");
  }
  sqrt(): TensorView {
    return this.#unary("sqrt");
  }
  abs(): TensorView {
    return this.#unary("abs");
  }
  subtractMean(axis: string, range?: ViewRange): TensorView {
    return this.#transform(resolveSubtractMean(this.#operandView(), axis, range));
  }
  subtractElement(axis: string, id: string | number | bigint): TensorView {
    return this.#transform(resolveSubtractElement(this.#operandView(), axis, id));
  }
  linearMap(
    axis: string,
    matrix: ArrayLike<ArrayLike<number>>,
    options?: { offset?: ArrayLike<number> },
  ): TensorView {
    return this.#transform(resolveLinearMap(this.#operandView(), axis, matrix, options?.offset));
  }

  /** What resolving a delayed operation needs: axes, shape, dtype and the lookup of one id. */
  #operandView(): OperandView {
    return {
      axes: this.axes,
      shape: this.shape,
      dtype: this.dtype,
      indexOfId: (axis, id) => {
        const current = this.positions(axis);
        const inView = new Map<number, number>();
        for (let i = current.length - 1; i >= 0; i--) inView.set(current[i]!, i);
        const row = this.#rowOfId(axis, id, inView);
        if (row === undefined)
          throw new InvalidSelectionError(
            axis,
            `subtractElement: no element with id ${JSON.stringify(String(id))} in the view's '${axis}'`,
          );
        return row;
      },
    };
  }

  get fieldName(): string {
    return this.stored.fieldName ?? DEFAULT_FIELD;
  }

  field(name: string): TensorView {
    if (name === this.fieldName) return this;
    const delayed = this.#lineage.top !== undefined;
    const selectors = carriedSelectors(this.stored, name, this.selectors, delayed);
    const target = storedField(this.stored, name);
    const positions = [this.positions(this.axes[0]!), ...target.shape.slice(1).map(allPositions)];
    const dataset = this.datasetOf(target);
    return new View(
      dataset,
      target,
      Object.freeze(selectors),
      {
        positions: Object.freeze(positions),
        top: undefined,
      },
      this.datasetOf,
    );
  }

  toJSON(): ViewJSON {
    const selectors = this.selectors.map((s) => structuredClone(s));
    const field = this.fieldName;
    return field === DEFAULT_FIELD ? { selectors } : { selectors, field };
  }

  async materialize(options: IOOptions = {}): Promise<AxisAnnotatedTensor> {
    return this.#read(undefined, 0, 0, options);
  }

  async *blocks(options: BlockOptions): AsyncIterable<TensorBlock> {
    const axis = options.axis ?? this.axes[0]!;
    const position = axisPosition(this.axes, axis);
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new InvalidSelectionError(
        axis,
        `block size must be a positive integer, got ${options.size}`,
      );
    }
    // Blocks along the chunked first axis are whole chunks, so no chunk is fetched twice.
    const chunk = position === 0 ? this.stored.array.metadata.chunkShape[0]! : 1;
    const size = options.size >= chunk ? Math.ceil(options.size / chunk) * chunk : options.size;
    const length = this.shape[position]!;
    for (let start = 0; start < length; start += size) {
      options.signal?.throwIfAborted();
      const stop = Math.min(length, start + size);
      yield { start, tensor: await this.#read(position, start, stop, options) };
    }
  }

  /**
   * Reads the data of elements `start..stop` of the first axis (the other axes as selected) into
   * `target` at `offset`: straight from storage when the dataset's array can read into a buffer,
   * else read and copied; then the delayed operations transform it there, in place.
   */
  async readRowsInto(
    start: number,
    stop: number,
    target: TypedArray,
    offset: number,
    options: IOOptions = {},
  ): Promise<void> {
    const rows = this.shape[0]!;
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > rows ||
      start > stop
    )
      throw new InvalidSelectionError(
        this.axes[0]!,
        `rows ${start}:${stop} do not fit the view's ${rows}`,
      );
    if (this.#lineage.top !== undefined) {
      const selection = this.#selection(0, start, stop);
      return readLineage(this.stored, this.#lineage, selection, { data: target, offset }, options);
    }
    const stored = this.#storedSelection(0, start, stop);
    if (this.stored.readInto !== undefined)
      return this.stored.readInto(stored, target, offset, options);
    (target as Float32Array).set((await this.stored.read(stored, options)) as Float32Array, offset);
  }

  /**
   * The view's trailing arithmetic that maps each position of an instance on its own, as one
   * affine map, and the view without it (see `ReadableView.rowAffine`); `undefined` when the view
   * does not end with such an operation or the view below it holds another dtype.
   */
  rowAffine(): RowAffine | undefined {
    const folded = foldTrailingArithmetic(this.#lineage, this.shape);
    if (folded === undefined) return undefined;
    const selectors = this.selectors.filter((s) => !folded.selectors.includes(s));
    const view = new View(this.dataset, this.stored, selectors, folded.lineage, this.datasetOf);
    if (view.dtype !== this.dtype) return undefined;
    return { view, scale: folded.scale, shift: folded.shift };
  }

  /** Positions in the view: `start..stop` of axis `position` (if given), every element of the others. */
  #selection(position: number | undefined, start: number, stop: number): Int32Array[] {
    return this.shape.map((n, a) =>
      a === position ? allPositions(stop - start).map((i) => start + i) : allPositions(n),
    );
  }

  /** The stored selection of elements `start..stop` of axis `position` (if given), all of the others. */
  #storedSelection(position: number | undefined, start: number, stop: number) {
    return this.#positions.map((p, a) => asSelection(a === position ? p.subarray(start, stop) : p));
  }

  /** The data of elements `start..stop` of axis `position` (all when undefined), transformed. */
  async #data(
    position: number | undefined,
    start: number,
    stop: number,
    options: IOOptions,
  ): Promise<TypedArray> {
    if (this.#lineage.top === undefined)
      return this.stored.read(this.#storedSelection(position, start, stop), options);
    const selection = this.#selection(position, start, stop);
    const data = new (typedArrayConstructor(this.dtype))(sizeOf(selection.map((s) => s.length)));
    await readLineage(this.stored, this.#lineage, selection, { data, offset: 0 }, options);
    return data;
  }

  /** Elements `start..stop` of axis `position` (all when undefined), with metadata and mask. */
  async #read(
    position: number | undefined,
    start: number,
    stop: number,
    options: IOOptions,
  ): Promise<AxisAnnotatedTensor> {
    const data = await this.#data(position, start, stop, options);
    const storedSelection = this.#storedSelection(position, start, stop);
    const mask = this.stored.hasMask
      ? await this.stored.readMask(storedSelection, options)
      : undefined;
    const axisMeta: Record<string, MetaTable> = {};
    const axisIndex: Record<string, AxisIndex> = {};
    this.axes.forEach((axis, i) => {
      const table =
        i === position
          ? this.stored.meta(axis).take(this.#positions[i]!.subarray(start, stop))
          : this.meta(axis);
      if (table.columnNames.length > 0) axisMeta[axis] = table;
      const column = this.axisIndexColumns[axis];
      if (column !== undefined) axisIndex[axis] = table.column(column).values as AxisIndex;
    });
    return createTensor({
      data,
      dtype: this.dtype,
      shape: this.shape.map((n, a) => (a === position ? stop - start : n)),
      axes: this.axes,
      axisIndex,
      axisMeta,
      mask,
      attrs: { ...this.stored.attrs },
    });
  }
}
