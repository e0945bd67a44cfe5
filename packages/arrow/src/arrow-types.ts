/**
 * Which Arrow types a MetaTable column is written as: one default per logical type, and the
 * other Arrow types a column may be asked to take without losing a value.
 */

import { ConfigError, type LogicalType } from "@tt/schema";
import {
  Bool,
  type DataType,
  type Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  TimestampMicrosecond,
  Type,
  Utf8,
} from "apache-arrow";

/**
 * The zone of the timestamps {@link toArrow} writes: MetaTable timestamps are UTC instants.
 *
 * @example
 * ```ts
 * toArrow(meta).schema.fields[0].type.timezone === DEFAULT_TIME_ZONE; // for a timestamp column
 * ```
 */
export const DEFAULT_TIME_ZONE = "UTC";

/** The name Arrow gives the element field of a list. */
const LIST_ITEM = "item";

/**
 * The Arrow type a column of logical type `type` is written as unless asked otherwise.
 *
 * @example
 * ```ts
 * String(defaultArrowType("timestamp")); // "Timestamp<MICROSECOND, UTC>"
 * String(defaultArrowType("list<string>")); // "List<Utf8>"
 * ```
 */
export function defaultArrowType(type: LogicalType): DataType {
  switch (type) {
    case "string":
      return new Utf8();
    case "boolean":
      return new Bool();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "float32":
      return new Float32();
    case "float64":
      return new Float64();
    case "timestamp":
      return new TimestampMicrosecond(DEFAULT_TIME_ZONE);
    case "list<string>":
      return new List(new Field(LIST_ITEM, new Utf8(), false));
  }
}

/** The Arrow types each logical type may be written as, for messages. */
const WRITABLE: Record<LogicalType, string> = {
  string: "Utf8, LargeUtf8 or Dictionary of Utf8 with integer indices",
  boolean: "Bool",
  int32: "an integer type (Int8 to Int64, Uint8 to Uint64) that holds every value",
  int64: "an integer type (Int8 to Int64, Uint8 to Uint64) that holds every value",
  float32: "Float32",
  float64: "Float64",
  timestamp: "Timestamp of any unit and zone, Date32 or Date64 that holds every value exactly",
  "list<string>": "List of Utf8",
};

/** Whether a column of logical type `logical` can be written as the Arrow type `arrow`. */
function writable(logical: LogicalType, arrow: DataType): boolean {
  switch (logical) {
    case "string":
      return (
        arrow.typeId === Type.Utf8 ||
        arrow.typeId === Type.LargeUtf8 ||
        (arrow.typeId === Type.Dictionary &&
          (arrow as Dictionary).dictionary.typeId === Type.Utf8 &&
          ((arrow as Dictionary).indices as DataType).typeId === Type.Int)
      );
    case "boolean":
      return arrow.typeId === Type.Bool;
    case "int32":
    case "int64":
      return arrow.typeId === Type.Int;
    case "float32":
      return arrow.typeId === Type.Float && (arrow as Float32).precision === 1;
    case "float64":
      return arrow.typeId === Type.Float && (arrow as Float64).precision === 2;
    case "timestamp":
      return arrow.typeId === Type.Timestamp || arrow.typeId === Type.Date;
    case "list<string>":
      return arrow.typeId === Type.List && (arrow as List).valueType?.typeId === Type.Utf8;
  }
}

/**
 * The Arrow type column `name` of logical type `logical` is written as: `requested` when given
 * and able to hold the column, the default otherwise. A requested type that cannot hold the
 * logical type is a ConfigError on `types.<name>` saying which types can.
 */
export function targetType(
  name: string,
  logical: LogicalType,
  requested: DataType | undefined,
): DataType {
  if (requested === undefined) return defaultArrowType(logical);
  if (typeof requested !== "object" || requested === null || !("typeId" in requested)) {
    throw new ConfigError(
      `types.${name}`,
      `must be an apache-arrow DataType (e.g. new TimestampMillisecond("UTC")), got ${String(requested)}`,
    );
  }
  if (!writable(logical, requested)) {
    throw new ConfigError(
      `types.${name}`,
      `column '${name}' is ${logical}, which cannot be written as Arrow ${String(requested)}; ` +
        `write it as ${WRITABLE[logical]}`,
    );
  }
  return requested;
}
