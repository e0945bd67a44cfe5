/** Immutable lazy views of a stored dataset: selectors in, positions per axis, data on demand. */

import {
  type AxisAnnotatedTensor,
  type AxisIndex,
  axisPosition,
  type BlockOptions,
  createTensor,
  type FilterOptions,
  InvalidSelectionError,
  type IOOptions,
  type MetaTable,
  type Selector,
  type StoredDataset,
  type TensorBlock,
  type TensorDataset,
  type TensorView,
  type TypedArray,
  type ViewJSON,
  validateSelectors,
} from "@tt/schema";
import { allPositions, asSelection, pick } from "./positions.js";
import { compileQuery } from "./query.js";

type Positions = readonly Int32Array[];

function isMask(value: unknown): value is readonly boolean[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "boolean");
}

/** Ids as JSON values: bigints become decimal strings. */
function jsonIds(ids: AxisIndex): (string | number)[] {
  return Array.from(ids as ArrayLike<string | number | bigint>, (id) =>
    typeof id === "bigint" ? String(id) : id,
  );
}

class View implements TensorView {
  readonly #positions: Positions;
  readonly #meta = new Map<string, MetaTable>();

  constructor(
    readonly dataset: TensorDataset,
    readonly stored: StoredDataset,
    readonly selectors: readonly Selector[],
    positions: Positions,
  ) {
    this.#positions = positions;
  }

  get axes() {
    return this.stored.axes;
  }
  get dtype() {
    return this.stored.dtype;
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

  #with(selector: Selector, axis: string, positions: Int32Array): TensorView {
    const next = [...this.#positions];
    next[axisPosition(this.axes, axis)] = positions;
    return new View(
      this.dataset,
      this.stored,
      Object.freeze([...this.selectors, selector]),
      Object.freeze(next),
    );
  }

  query(axis: string, expr: string): TensorView {
    const rows = compileQuery(expr).rows(this.meta(axis));
    return this.#with({ op: "query", axis, expr }, axis, pick(this.positions(axis), rows, axis));
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
      return this.#with(
        { op: "filter", axis, mask: [...idsOrMask] },
        axis,
        pick(current, rows, axis),
      );
    }
    const column = this.axisIndexColumns[axis];
    if (column === undefined)
      throw new InvalidSelectionError(
        axis,
        "has no id column; filter it with a mask or take indices",
      );
    const int64 = this.stored.meta(axis).column(column).type === "int64";
    const inView = new Map<number, number>();
    for (let i = 0; i < current.length; i++) inView.set(current[i]!, i);
    const rows: number[] = [];
    const missing: unknown[] = [];
    for (const raw of Array.from(idsOrMask as ArrayLike<string | number | bigint>)) {
      const id = int64 && typeof raw === "string" && /^-?\d+$/.test(raw) ? BigInt(raw) : raw;
      const stored = this.stored.indexOf(axis, id);
      const row = stored === undefined ? undefined : inView.get(stored);
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
    const kept = missing.length > 0 ? rows.map((row) => this.ids(axis)![row]!) : idsOrMask;
    return this.#with(
      { op: "filter", axis, ids: jsonIds(kept as AxisIndex) },
      axis,
      pick(current, rows, axis),
    );
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
    return this.#with({ op: "slice", axis, start, stop }, axis, current.slice(start, stop));
  }

  take(axis: string, indices: ArrayLike<number>): TensorView {
    return this.#with(
      { op: "take", axis, indices: Array.from(indices) },
      axis,
      pick(this.positions(axis), indices, axis),
    );
  }

  toJSON(): ViewJSON {
    return { selectors: this.selectors.map((s) => structuredClone(s)) };
  }

  async materialize(options: IOOptions = {}): Promise<AxisAnnotatedTensor> {
    return this.#read(this.#positions, options);
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
    const all = this.#positions[position]!;
    for (let start = 0; start < all.length; start += size) {
      options.signal?.throwIfAborted();
      const part = [...this.#positions];
      part[position] = all.subarray(start, Math.min(all.length, start + size));
      yield { start, tensor: await this.#read(part, options) };
    }
  }

  /**
   * Reads the data of elements `start..stop` of the first axis (the other axes as selected) into
   * `target` at `offset`: straight from storage when the dataset's array can read into a buffer,
   * else read and copied.
   */
  async readRowsInto(
    start: number,
    stop: number,
    target: TypedArray,
    offset: number,
    options: IOOptions = {},
  ): Promise<void> {
    const first = this.#positions[0]!;
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(stop) ||
      start < 0 ||
      stop > first.length ||
      start > stop
    )
      throw new InvalidSelectionError(
        this.axes[0]!,
        `rows ${start}:${stop} do not fit the view's ${first.length}`,
      );
    const selection = [first.subarray(start, stop), ...this.#positions.slice(1)].map(asSelection);
    if (this.stored.readInto !== undefined)
      return this.stored.readInto(selection, target, offset, options);
    (target as Float32Array).set(
      (await this.stored.read(selection, options)) as Float32Array,
      offset,
    );
  }

  async #read(positions: Positions, options: IOOptions): Promise<AxisAnnotatedTensor> {
    const selection = positions.map(asSelection);
    const data = await this.stored.read(selection, options);
    const mask = this.stored.hasMask ? await this.stored.readMask(selection, options) : undefined;
    const axisMeta: Record<string, MetaTable> = {};
    const axisIndex: Record<string, AxisIndex> = {};
    this.axes.forEach((axis, i) => {
      const same = positions[i] === this.#positions[i];
      const table = same ? this.meta(axis) : this.stored.meta(axis).take(positions[i]!);
      if (table.columnNames.length > 0) axisMeta[axis] = table;
      const column = this.axisIndexColumns[axis];
      if (column !== undefined) axisIndex[axis] = table.column(column).values as AxisIndex;
    });
    return createTensor({
      data,
      dtype: this.dtype,
      shape: positions.map((p) => p.length),
      axes: this.axes,
      axisIndex,
      axisMeta,
      mask,
      attrs: { ...this.stored.attrs },
    });
  }
}

/**
 * The dataset of `stored` as a view of everything in it, with the selection verbs.
 *
 * @example
 * ```ts
 * const dataset = createDataset(await openStoredDataset("./bundle"));
 * const view = dataset.query("instance", "label == 'target' and qc_pass").slice("sample", 100, 900);
 * const tensor = await view.materialize();
 * ```
 */
export function createDataset(stored: StoredDataset): TensorDataset {
  const positions = Object.freeze(stored.shape.map(allPositions));
  let root: View;
  const dataset: TensorDataset = Object.freeze({
    ...stored,
    get shape() {
      return stored.shape;
    },
    selectors: Object.freeze([]) as readonly Selector[],
    get dataset() {
      return dataset;
    },
    query: (axis: string, expr: string) => root.query(axis, expr),
    filter: (axis: string, ids: AxisIndex | readonly boolean[], options?: FilterOptions) =>
      root.filter(axis, ids, options),
    slice: (axis: string, start: number, stop: number) => root.slice(axis, start, stop),
    take: (axis: string, indices: ArrayLike<number>) => root.take(axis, indices),
    toJSON: () => root.toJSON(),
    materialize: (options?: IOOptions) => root.materialize(options),
    blocks: (options: BlockOptions) => root.blocks(options),
    readRowsInto: (
      start: number,
      stop: number,
      target: TypedArray,
      offset: number,
      options?: IOOptions,
    ) => root.readRowsInto(start, stop, target, offset, options),
  });
  root = new View(dataset, stored, Object.freeze([]), positions);
  return dataset;
}

/** Rebuilds a view from its JSON (as recorded with a result) against `dataset`. */
export function viewFromJSON(dataset: TensorDataset, json: ViewJSON | unknown): TensorView {
  const selectors = validateSelectors((json as ViewJSON | undefined)?.selectors);
  let view: TensorView = dataset;
  for (const selector of selectors) {
    switch (selector.op) {
      case "query":
        view = view.query(selector.axis, selector.expr);
        break;
      case "filter":
        view =
          "ids" in selector
            ? view.filter(selector.axis, selector.ids)
            : view.filter(selector.axis, selector.mask);
        break;
      case "slice":
        view = view.slice(selector.axis, selector.start, selector.stop);
        break;
      case "take":
        view = view.take(selector.axis, selector.indices);
        break;
    }
  }
  return view;
}
