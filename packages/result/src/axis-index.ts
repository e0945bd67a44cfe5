/** Axis indexes of component tensors as one-column tables, so they round-trip exactly. */

import {
  type AnyColumn,
  type AxisIndex,
  columnFromCells,
  columnFromValues,
  DataError,
  dtypeOf,
  MetaTable,
  type TypedArray,
  typedArrayConstructor,
  UnsupportedError,
} from "@tt/schema";
import type { IndexForm } from "./result-manifest.js";

/** The name of the column that holds an index. */
export const INDEX_COLUMN = "index";

/** `index` as a table with one column `index`, and the form that restores it. */
export function indexToTable(
  index: AxisIndex,
  where: string,
): { table: MetaTable; form: IndexForm } {
  let form: IndexForm;
  let column: AnyColumn;
  if (ArrayBuffer.isView(index)) {
    const dtype = dtypeOf(index as TypedArray);
    form = dtype;
    switch (dtype) {
      case "float32":
      case "float64":
      case "int32":
      case "int64":
        column = columnFromValues(dtype, index as never) as AnyColumn;
        break;
      case "uint32":
        column = columnFromValues("int64", BigInt64Array.from(index as Uint32Array, BigInt));
        break;
      case "uint64":
        // Same 64 bits, read back as unsigned.
        column = columnFromValues(
          "int64",
          new BigInt64Array((index as BigUint64Array).slice().buffer),
        );
        break;
      default:
        column = columnFromValues("int32", Int32Array.from(index as ArrayLike<number>));
    }
  } else {
    form = "list";
    const values = index as readonly unknown[];
    if (values.every((v) => typeof v === "string")) column = columnFromCells("string", values);
    else if (values.every((v) => typeof v === "number"))
      column = columnFromCells("float64", values);
    else if (values.every((v) => typeof v === "bigint")) column = columnFromCells("int64", values);
    else
      throw new UnsupportedError(
        "mixed axis index",
        `${where} mixes strings, numbers and bigints; an index must hold one kind of value`,
      );
  }
  return { table: MetaTable.fromColumns({ [INDEX_COLUMN]: column }), form };
}

/** The index stored in `table` as `form`; a table that does not fit is a DataError at `where`. */
export function indexFromTable(table: MetaTable, form: IndexForm, where: string): AxisIndex {
  if (!table.has(INDEX_COLUMN) || table.columnNames.length !== 1)
    throw new DataError(where, `must hold exactly one column '${INDEX_COLUMN}'`);
  const column = table.column(INDEX_COLUMN);
  if (column.valid !== undefined) throw new DataError(where, "has nulls; an index has none");
  const expected: Record<string, string> = {
    list: column.type,
    float32: "float32",
    float64: "float64",
    int64: "int64",
    uint32: "int64",
    uint64: "int64",
  };
  const type = expected[form] ?? "int32";
  const listTypes = ["string", "float64", "int64"];
  if (column.type !== type || (form === "list" && !listTypes.includes(type)))
    throw new DataError(where, `holds ${column.type}, which cannot restore a ${form} index`);
  const values = column.values;
  switch (form) {
    case "list":
      return Array.from(values as ArrayLike<string | number | bigint>);
    case "uint64":
      return new BigUint64Array((values as BigInt64Array).slice().buffer);
    case "uint32":
      return Uint32Array.from(values as BigInt64Array, Number);
    default: {
      const Constructor = typedArrayConstructor(form) as unknown as {
        from(values: ArrayLike<number | bigint>): AxisIndex;
      };
      return Constructor.from(values as ArrayLike<number | bigint>);
    }
  }
}
