/** A MetaTable as an Apache Arrow table. */

import type { MetaTable } from "@tt/schema";
import {
  type DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  type TypeMap,
} from "apache-arrow";
import { targetType } from "./arrow-types.js";
import { columnData } from "./write-column.js";

/**
 * Options of {@link toArrow}.
 *
 * @example
 * ```ts
 * const options: ToArrowOptions = { types: { label: new Dictionary(new Utf8(), new Int8()) } };
 * ```
 */
export interface ToArrowOptions {
  /**
   * The Arrow type of some columns instead of the default, by column name, or a whole Arrow
   * schema (e.g. the one a table read with {@link fromArrow} had, to write it back as it was):
   * a timestamp unit and zone, Date32/Date64, a dictionary-encoded or large string, a narrower
   * integer. A value the type cannot hold exactly is a DataError; a type that cannot hold the
   * column's logical type is a ConfigError.
   */
  types?: Readonly<Record<string, DataType>> | Schema;
}

/** The requested type of every column named in `types`. */
function requestedTypes(types: ToArrowOptions["types"]): Map<string, DataType> {
  if (types === undefined) return new Map();
  if (Array.isArray((types as Schema).fields))
    return new Map((types as Schema).fields.map((field) => [field.name, field.type]));
  return new Map(Object.entries(types as Record<string, DataType>));
}

/**
 * `table` as an Arrow table of one record batch: every column nullable, each logical type as
 * its default Arrow type (string: Utf8, boolean: Bool, int32/int64: Int32/Int64, float32/float64:
 * Float32/Float64, timestamp: Timestamp(MICROSECOND, "UTC"), list<string>: List<Utf8> with
 * non-null items) unless `options.types` names another. Numeric columns, nulls or not, share
 * their values' buffer with the Arrow vectors: do not change either afterwards.
 *
 * @example
 * ```ts
 * import { toArrow } from "@tt/arrow";
 * import { TimestampMillisecond } from "apache-arrow";
 *
 * const arrow = toArrow(result.factorTables.instance);
 * arrow.getChild("score_1")?.toArray(); // Float64Array, the same memory as the MetaTable column
 * const ms = toArrow(meta, { types: { recorded_at: new TimestampMillisecond("Europe/Paris") } });
 * ```
 */
export function toArrow(table: MetaTable, options: ToArrowOptions = {}): Table {
  const requested = requestedTypes(options.types);
  const fields: Field[] = [];
  const children = table.schema.map(({ name, type: logical }) => {
    const type = targetType(name, logical, requested.get(name));
    fields.push(new Field(name, type, true));
    return columnData(name, table.column(name), type);
  });
  const schema = new Schema<TypeMap>(fields);
  const data = makeData({
    type: new Struct<TypeMap>(fields),
    length: table.numRows,
    nullCount: 0,
    children,
  });
  return new Table(schema, [new RecordBatch(schema, data)]);
}
