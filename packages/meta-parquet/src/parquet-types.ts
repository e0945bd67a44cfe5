/**
 * How MetaTable's logical types map to Parquet schema elements: one explicit element (or LIST
 * group) per type on write, and the wider set of Parquet types other tools write on read.
 */

import { type LogicalType, UnsupportedError } from "@tt/schema";
import type { SchemaElement, SchemaTree } from "hyparquet";

const STRING_ELEMENT = {
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  logical_type: { type: "STRING" },
} as const satisfies Omit<SchemaElement, "name">;

/**
 * The Parquet schema elements of one column of `type`, depth-first. Every column is OPTIONAL so
 * the schema does not depend on whether a column happens to hold nulls.
 */
export function schemaElementsOf(name: string, type: LogicalType): SchemaElement[] {
  const optional = { name, repetition_type: "OPTIONAL" } as const;
  switch (type) {
    case "string":
      return [{ ...optional, ...STRING_ELEMENT }];
    case "boolean":
      return [{ ...optional, type: "BOOLEAN" }];
    case "int32":
      return [{ ...optional, type: "INT32" }];
    case "int64":
      return [{ ...optional, type: "INT64" }];
    case "float32":
      return [{ ...optional, type: "FLOAT" }];
    case "float64":
      return [{ ...optional, type: "DOUBLE" }];
    case "timestamp":
      return [
        {
          ...optional,
          type: "INT64",
          converted_type: "TIMESTAMP_MICROS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
        },
      ];
    case "list<string>":
      // The standard 3-level LIST; elements are REQUIRED because list<string> has no null elements.
      return [
        { ...optional, converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: "REQUIRED", ...STRING_ELEMENT },
      ];
  }
}

/** The unit a timestamp column is stored in, which decides its conversion to microseconds. */
export type TimeUnit = "days" | "millis" | "micros" | "nanos";

/** How a Parquet column is read: its logical type, and for timestamps the stored unit. */
export interface ColumnReading {
  readonly type: LogicalType;
  readonly unit?: TimeUnit;
}

/**
 * How to read the top-level Parquet column `node`, or an {@link UnsupportedError} naming the
 * column, its Parquet type and what can be read instead.
 */
export function columnReading(node: SchemaTree, where: string): ColumnReading {
  const reading = node.children.length === 0 ? primitiveReading(node.element) : listReading(node);
  if (reading !== undefined && node.element.repetition_type !== "REPEATED") return reading;
  const parquetType = describeParquetType(node);
  throw new UnsupportedError(
    `Parquet type ${parquetType}`,
    `${where}: column '${node.element.name}' has Parquet type ${parquetType}, which no MetaTable ` +
      "type holds exactly. Readable are STRING, BOOLEAN, INT8/16/32/64, UINT8/16/32, FLOAT, " +
      "DOUBLE, DATE, TIMESTAMP and LIST of STRING: cast the column when writing the file " +
      "(e.g. DECIMAL to DOUBLE), or leave it out with the `columns` option.",
  );
}

function primitiveReading(element: SchemaElement): ColumnReading | undefined {
  const converted = element.converted_type;
  const logical = element.logical_type;
  switch (element.type) {
    case "BOOLEAN":
      return converted === undefined && logical === undefined ? { type: "boolean" } : undefined;
    case "FLOAT":
      return converted === undefined && logical === undefined ? { type: "float32" } : undefined;
    case "DOUBLE":
      return converted === undefined && logical === undefined ? { type: "float64" } : undefined;
    case "INT32":
      return int32Reading(element);
    case "INT64":
      return int64Reading(element);
    case "BYTE_ARRAY":
      return isStringElement(element) ? { type: "string" } : undefined;
    default:
      return undefined;
  }
}

function int32Reading({ converted_type: converted, logical_type: logical }: SchemaElement) {
  if (converted === "DATE" || logical?.type === "DATE")
    return { type: "timestamp", unit: "days" } as const;
  if (logical?.type === "INTEGER") {
    if (logical.isSigned || logical.bitWidth < 32) return { type: "int32" } as const;
    return { type: "int64" } as const;
  }
  if (logical !== undefined) return undefined;
  switch (converted) {
    case undefined:
    case "INT_8":
    case "INT_16":
    case "INT_32":
    case "UINT_8":
    case "UINT_16":
      return { type: "int32" } as const;
    case "UINT_32":
      return { type: "int64" } as const;
    default:
      return undefined;
  }
}

function int64Reading({ converted_type: converted, logical_type: logical }: SchemaElement) {
  if (logical?.type === "TIMESTAMP") {
    const unit = ({ MILLIS: "millis", MICROS: "micros", NANOS: "nanos" } as const)[logical.unit];
    return { type: "timestamp", unit } as const;
  }
  if (logical?.type === "INTEGER") {
    return logical.isSigned && logical.bitWidth === 64 ? ({ type: "int64" } as const) : undefined;
  }
  if (logical !== undefined) return undefined;
  if (converted === "TIMESTAMP_MILLIS") return { type: "timestamp", unit: "millis" } as const;
  if (converted === "TIMESTAMP_MICROS") return { type: "timestamp", unit: "micros" } as const;
  return converted === undefined || converted === "INT_64"
    ? ({ type: "int64" } as const)
    : undefined;
}

function isStringElement({
  type,
  converted_type: converted,
  logical_type: logical,
}: SchemaElement) {
  if (type !== "BYTE_ARRAY") return false;
  if (logical !== undefined) return logical.type === "STRING" || logical.type === "ENUM";
  return converted === "UTF8" || converted === "ENUM";
}

/** The standard 3-level LIST of STRING: `optional group (LIST) { repeated group { element } }`. */
function listReading(node: SchemaTree): ColumnReading | undefined {
  const { converted_type: converted, logical_type: logical } = node.element;
  if (converted !== "LIST" && logical?.type !== "LIST") return undefined;
  const repeated = node.children[0];
  if (node.children.length !== 1 || repeated?.element.repetition_type !== "REPEATED")
    return undefined;
  const element = repeated.children[0];
  if (repeated.children.length !== 1 || element === undefined || element.children.length > 0) {
    return undefined;
  }
  return isStringElement(element.element) && element.element.repetition_type !== "REPEATED"
    ? { type: "list<string>" }
    : undefined;
}

/** A short description of a Parquet column's type for messages, e.g. `INT64 (DECIMAL(10,2))`. */
export function describeParquetType(node: SchemaTree): string {
  const { element } = node;
  const repeated = element.repetition_type === "REPEATED" ? "REPEATED " : "";
  if (node.children.length > 0) {
    const isList = element.converted_type === "LIST" || element.logical_type?.type === "LIST";
    const leaf = node.children[0]?.children[0] ?? node.children[0];
    if (isList && leaf !== undefined) return `${repeated}LIST<${describeParquetType(leaf)}>`;
    const kind =
      element.converted_type === "MAP" || element.logical_type?.type === "MAP" ? "MAP" : "group";
    return `${repeated}${kind} of ${node.children.length} fields (nested)`;
  }
  return `${repeated}${element.type ?? "untyped"}${annotation(element)}`;
}

function annotation(element: SchemaElement): string {
  const logical = element.logical_type;
  if (logical !== undefined) {
    switch (logical.type) {
      case "DECIMAL":
        return ` (DECIMAL(${logical.precision},${logical.scale}))`;
      case "TIMESTAMP":
      case "TIME":
        return ` (${logical.type}(${logical.unit}, isAdjustedToUTC=${logical.isAdjustedToUTC}))`;
      case "INTEGER":
        return ` (${logical.isSigned ? "INT" : "UINT"}${logical.bitWidth})`;
      default:
        return ` (${logical.type})`;
    }
  }
  if (element.converted_type === "DECIMAL") {
    return ` (DECIMAL(${element.precision ?? "?"},${element.scale ?? 0}))`;
  }
  if (element.converted_type !== undefined) return ` (${element.converted_type})`;
  return element.type === "BYTE_ARRAY" ? " (binary, no STRING annotation)" : "";
}
