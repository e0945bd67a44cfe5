/** A bundle's field as a stored dataset: its own arrays and axes, the first axis shared. */

import {
  type AxisSelection,
  axisPosition,
  DataError,
  type IOOptions,
  type Manifest,
  MetaTable,
  NotFoundError,
  resolveSelection,
  type StoredArray,
  type StoredDataset,
  type TypedArray,
} from "@tt/schema";
import { type IdIndex, lookupId } from "./ids.js";

/** Selections against the field's shape, passed on as ranges where they cover an axis. */
function withinShape(
  bounds: { axes: readonly string[]; shape: readonly number[] },
  selection: readonly AxisSelection[],
): AxisSelection[] {
  resolveSelection(bounds.shape, selection, bounds.axes);
  return bounds.shape.map((length, i) => selection[i] ?? { start: 0, stop: length });
}

/** One field as opened: its shape, arrays, and the tables and id indexes of its axes. */
export interface OpenedField {
  name: string;
  axes: readonly string[];
  shape: readonly number[];
  dtype: Manifest["dtype"];
  axisIndexColumns: Readonly<Record<string, string>>;
  array: StoredArray;
  maskArray: StoredArray | undefined;
  tables: Map<string, MetaTable>;
  idIndexes: Map<string, IdIndex>;
}

/** The opened dataset of `field`: lookups by axis and id, and reads within its shape. */
export function datasetOf(
  location: string,
  manifest: Manifest,
  field: OpenedField,
  fields: ReadonlyMap<string, OpenedField>,
): StoredDataset {
  const { axes, shape, array, maskArray, tables, idIndexes } = field;
  const bounds = { axes, shape };
  const meta = (axis: string) =>
    tables.get(axis) ?? MetaTable.empty(shape[axisPosition(axes, axis)]);
  const ids = (axis: string) => {
    axisPosition(axes, axis);
    const column = field.axisIndexColumns[axis];
    return column === undefined ? undefined : (meta(axis).column(column).values as string[]);
  };
  const indexOf = (axis: string, id: string | number | bigint) => {
    axisPosition(axes, axis);
    const index = idIndexes.get(axis);
    if (index === undefined)
      throw new DataError(`axis '${axis}'`, "has no id column to look ids up in");
    return lookupId(index, id);
  };
  const first = axes[0]!;
  return Object.freeze({
    manifest,
    location,
    fieldName: field.name,
    fields: Object.freeze([...fields.keys()]),
    fieldDataset: (name: string) =>
      datasetOf(location, manifest, fieldNamed(fields, name, location), fields),
    axes: Object.freeze([...axes]),
    shape: Object.freeze([...shape]),
    dtype: field.dtype,
    axisIndexColumns: Object.freeze({ ...field.axisIndexColumns }),
    attrs: Object.freeze({ ...(manifest.attrs ?? {}) }),
    array,
    maskArray,
    hasMask: maskArray !== undefined,
    meta,
    ids,
    indexOf,
    getInstance(id: string | number | bigint) {
      const index = indexOf(first, id);
      return index === undefined ? undefined : { index, meta: meta(first).row(index) };
    },
    read: (selection: readonly AxisSelection[], readOptions?: IOOptions) =>
      array.read(withinShape(bounds, selection), readOptions),
    ...(array.readInto
      ? {
          readInto: (
            selection: readonly AxisSelection[],
            target: TypedArray,
            offset: number,
            readOptions?: IOOptions,
          ) => array.readInto!(withinShape(bounds, selection), target, offset, readOptions),
        }
      : {}),
    async readMask(selection: readonly AxisSelection[], readOptions?: IOOptions) {
      const within = withinShape(bounds, selection);
      if (maskArray !== undefined) return (await maskArray.read(within, readOptions)) as Uint8Array;
      const size = resolveSelection(bounds.shape, within).reduce(
        (n, indices) => n * indices.length,
        1,
      );
      return new Uint8Array(size).fill(1);
    },
  });
}

/** The opened field `name`, or a NotFoundError naming the fields there are. */
function fieldNamed(
  fields: ReadonlyMap<string, OpenedField>,
  name: string,
  location: string,
): OpenedField {
  const field = fields.get(name);
  if (field === undefined)
    throw new NotFoundError(
      `field '${name}'`,
      `the dataset in ${location} has no field '${name}'; its fields are ${[...fields.keys()].join(", ")}`,
    );
  return field;
}
