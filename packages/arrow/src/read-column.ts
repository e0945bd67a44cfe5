/** One Arrow column as a MetaTable column: the logical type that holds it exactly, or an error. */

import {
  type AnyColumn,
  type ColumnValuesByType,
  columnFromValues,
  DataError,
  type LogicalType,
  UnsupportedError,
} from "@tt/schema";
import {
  type Data,
  type DataType,
  type Date_,
  type Dictionary,
  type Float,
  type Int,
  Precision,
  type Timestamp,
  TimeUnit,
  Type,
  type Vector,
} from "apache-arrow";
import { integersFrom } from "./integers.js";
import { stringsFrom } from "./strings.js";
import { microsFrom } from "./timestamps.js";
import { copyValidity } from "./validity.js";

/** Where a row of a column is, for messages. */
type Where = (row: number) => string;

/** The logical type an Arrow type is read as, or `undefined` when none holds it exactly. */
export function readingOf(type: DataType): LogicalType | undefined {
  switch (type.typeId) {
    case Type.Null:
    case Type.Utf8:
    case Type.LargeUtf8:
      return "string";
    case Type.Dictionary:
      return isUtf8((type as Dictionary).dictionary) ? "string" : undefined;
    case Type.Bool:
      return "boolean";
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int;
      return bitWidth < 32 || (bitWidth === 32 && isSigned) ? "int32" : "int64";
    }
    case Type.Float:
      return (type as Float).precision === Precision.DOUBLE ? "float64" : "float32";
    case Type.Timestamp:
    case Type.Date:
      return "timestamp";
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
      return isUtf8((type as unknown as { valueType: DataType }).valueType)
        ? "list<string>"
        : undefined;
    default:
      return undefined;
  }
}

function isUtf8(type: DataType | undefined): boolean {
  return type?.typeId === Type.Utf8 || type?.typeId === Type.LargeUtf8;
}

/** What the message of an unreadable column lists as readable. */
const READABLE =
  "Utf8, LargeUtf8, Dictionary of Utf8, Bool, Int8 to Int64, Uint8 to Uint64, Float16/32/64, " +
  "Timestamp (any unit and zone), Date32, Date64, Null and List/LargeList/FixedSizeList of Utf8";

/**
 * Column `name` of an Arrow table as a MetaTable column. Numeric columns of a single chunk
 * without nulls share Arrow's buffer; everything else is copied, with null rows holding the
 * neutral value MetaTable expects.
 */
export function readColumn(name: string, vector: Vector): AnyColumn {
  const type = readingOf(vector.type);
  if (type === undefined) {
    throw new UnsupportedError(
      `Arrow type ${String(vector.type)}`,
      `column '${name}' has Arrow type ${String(vector.type)}, which no MetaTable type holds ` +
        `exactly. Readable are ${READABLE}: cast the column first (e.g. Decimal to Float64) or leave it out.`,
    );
  }
  const where: Where = (row) => `column '${name}' row ${row}`;
  const shared = sharedValues(vector, type);
  if (shared !== undefined) return columnFromValues(type, shared as never) as AnyColumn;
  const valid = new Uint8Array(vector.length);
  const parts: unknown[][] | ArrayLike<unknown>[] = [];
  let start = 0;
  for (const data of vector.data) {
    copyValidity(data, valid, start);
    const offset = start;
    const at: Where = (row) => where(offset + row);
    parts.push(chunkValues(type, data, at) as ArrayLike<unknown> as unknown[]);
    start += data.length;
  }
  return columnFromValues(type, joinParts(type, parts, vector.length) as never, valid) as AnyColumn;
}

/** The values of a numeric column of one chunk without nulls whose layout is ours, shared. */
function sharedValues(vector: Vector, type: LogicalType): ArrayBufferView | undefined {
  const data = vector.data[0];
  if (vector.data.length !== 1 || data === undefined || data.nullCount !== 0) return undefined;
  const values = data.values as ArrayBufferView & {
    subarray(a: number, b: number): ArrayBufferView;
  };
  const same =
    (type === "int32" && values instanceof Int32Array) ||
    (type === "int64" && values instanceof BigInt64Array && data.typeId === Type.Int) ||
    (type === "float32" && values instanceof Float32Array) ||
    (type === "float64" && values instanceof Float64Array) ||
    (type === "timestamp" && isMicros(data.type));
  return same ? values.subarray(0, data.length) : undefined;
}

function isMicros(type: DataType): boolean {
  return type.typeId === Type.Timestamp && (type as Timestamp).unit === TimeUnit.MICROSECOND;
}

/** The values of one chunk as the storage of `type` (neutral where null). */
function chunkValues(type: LogicalType, data: Data, where: Where): ArrayLike<unknown> {
  const isValid = (row: number) => data.getValid(row);
  switch (type) {
    case "string":
      return chunkStrings(data, where);
    case "boolean":
      return Uint8Array.from({ length: data.length }, (_, row) =>
        isValid(row) && bitAt(data, row) ? 1 : 0,
      );
    case "int32":
    case "int64":
      return integersFrom(data.values.subarray(0, data.length), type, isValid, where);
    case "float32":
    case "float64":
      return floatsFrom(data, type);
    case "timestamp":
      return microsFrom(data as Data<Timestamp | Date_>, where);
    case "list<string>":
      return listsFrom(data, where);
  }
}

function bitAt(data: Data, row: number): boolean {
  const bit = data.offset + row;
  return ((data.values[bit >> 3] >> (bit & 7)) & 1) === 1;
}

function floatsFrom(data: Data, type: "float32" | "float64"): Float32Array | Float64Array {
  const out = type === "float32" ? new Float32Array(data.length) : new Float64Array(data.length);
  const isHalf = (data.type as Float).precision === Precision.HALF;
  for (let row = 0; row < data.length; row++) {
    if (data.getValid(row)) out[row] = isHalf ? halfAt(data, row) : (data.values[row] as number);
  }
  return out;
}

/** The float16 at `row` as a number (every float16 is exactly a float32). */
function halfAt(data: Data, row: number): number {
  const bits = data.values[row] as number;
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function chunkStrings(data: Data, where: Where): string[] {
  if (data.typeId === Type.Null) return new Array<string>(data.length).fill("");
  if (data.typeId !== Type.Dictionary) return stringsFrom(data as never, where);
  const dictionary = data.dictionary!;
  const words = dictionary.data.flatMap((chunk) => stringsFrom(chunk as never, () => "dictionary"));
  const wordValid = dictionary.data.flatMap((chunk) =>
    Array.from({ length: chunk.length }, (_, i) => chunk.getValid(i)),
  );
  return Array.from({ length: data.length }, (_, row) => {
    if (!data.getValid(row)) return "";
    const code = Number(data.values[row]);
    if (!wordValid[code]) {
      throw new DataError(where(row), `refers to dictionary entry ${code}, which is null`);
    }
    return words[code]!;
  });
}

function listsFrom(data: Data, where: Where): string[][] {
  const child = data.children[0]!;
  const fixed =
    data.typeId === Type.FixedSizeList
      ? (data.type as unknown as { listSize: number }).listSize
      : 0;
  const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
  const rowOf = (item: number) =>
    fixed ? Math.floor(item / fixed) - data.offset : offsets!.findIndex((o) => o > item) - 1;
  const items = stringsFrom(child as never, (item) => where(rowOf(item)));
  return Array.from({ length: data.length }, (_, row) => {
    if (!data.getValid(row)) return [];
    const start = fixed ? (data.offset + row) * fixed : Number(offsets![row]!);
    const end = fixed ? start + fixed : Number(offsets![row + 1]!);
    for (let item = start; item < end; item++) {
      if (!child.getValid(item))
        throw new DataError(
          `${where(row)} item ${item - start}`,
          "is null, which list<string> cannot hold; drop or replace null elements first",
        );
    }
    return items.slice(start, end);
  });
}

/** The storage of each logical type that lives in a typed array. */
const TYPED_STORAGE: Partial<Record<LogicalType, new (length: number) => Int32Array>> = {
  boolean: Uint8Array as never,
  int32: Int32Array,
  int64: BigInt64Array as never,
  float32: Float32Array as never,
  float64: Float64Array as never,
  timestamp: BigInt64Array as never,
};

/** One array of `type`'s storage from the chunks' arrays. */
function joinParts(
  type: LogicalType,
  parts: ArrayLike<unknown>[],
  length: number,
): ColumnValuesByType[LogicalType] {
  if (parts.length === 1) return parts[0] as never;
  const Typed = TYPED_STORAGE[type];
  if (Typed === undefined) return parts.flatMap((part) => Array.from(part)) as never;
  const out = new Typed(length);
  let at = 0;
  for (const part of parts) {
    out.set(part as ArrayLike<number>, at);
    at += part.length;
  }
  return out as never;
}
