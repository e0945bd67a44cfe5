/** Reading CSV text (RFC 4180) with a header row into a typed {@link MetaTable}. */

import {
  type AnyColumn,
  type ColumnValuesByType,
  ConfigError,
  columnFromValues,
  DataError,
  LOGICAL_TYPES,
  type LogicalType,
  MetaTable,
} from "@tt/schema";
import { checkIdColumn } from "./csv-ids.js";
import { tokenizeCsv } from "./csv-tokenize.js";
import {
  fitsInt32,
  fitsInt64,
  inferFieldType,
  parseBooleanField,
  parseFloatField,
  parseIntegerField,
  parseTimestampField,
} from "./csv-values.js";

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Logical types of some columns, instead of inferring them; `list<string>` only comes from here. */
  types?: Record<string, LogicalType>;
  /** The field delimiter, one character; default `","`. */
  delimiter?: string;
  /** Field texts that mean null, in every column; default {@link DEFAULT_CSV_NULL_VALUES}. */
  nullValues?: readonly string[];
  /** What separates the items of a `list<string>` field; default `";"`. */
  listSeparator?: string;
  /**
   * Columns that hold ids: every row must have one (not null) and no id may repeat. A repeat is
   * a DataError naming its line and the line of the first occurrence, which a check after
   * import (on the written table) can no longer tell.
   */
  idColumns?: readonly string[];
}

/**
 * The field texts read as null by default. `NaN` is not among them: in a number column it is
 * the float NaN, which a table keeps apart from null.
 */
export const DEFAULT_CSV_NULL_VALUES: readonly string[] = Object.freeze([
  "",
  "NA",
  "N/A",
  "<NA>",
  "null",
  "NULL",
  "None",
]);

/**
 * Parses CSV text with a header row into a table with one column per header name.
 *
 * Fields are kept exactly as written, whitespace included (` 1` is not a number); quoting only
 * escapes, so `"1"` and `1` are the same field, and a field in `nullValues` is null whether
 * quoted or not. Empty lines are skipped. Each column's type comes from `types` or else from its
 * non-null fields: boolean (`true`/`True`/`TRUE`, same for false), int32, int64, float64
 * (including `inf`, `-inf`, `NaN`), timestamp (ISO 8601; no zone means UTC), else string.
 * Numbers with a leading zero (`007`) and integers beyond int64 stay strings. A
 * `list<string>` field is split on `listSeparator`.
 *
 * @example
 * ```ts
 * const meta = parseCsv("id,score,day\na,0.5,2024-01-02\nb,NA,2024-01-03\n");
 * meta.schema; // id: string, score: float64, day: timestamp
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): MetaTable {
  const { delimiter, nullValues, listSeparator, types, idColumns } = checkOptions(options);
  const { records, lines } = tokenizeCsv(text, delimiter);
  const header = records[0];
  if (header === undefined) {
    throw new DataError(
      "line 1",
      "no header row: the text is empty; the first line must name the columns",
    );
  }
  checkHeader(header);
  for (const name of Object.keys(types)) {
    if (!header.includes(name)) {
      throw new DataError(
        `types.${name}`,
        `column '${name}' is not in the header; the columns are ${header.join(", ")}`,
      );
    }
  }
  idColumns.forEach((name, i) => {
    if (!header.includes(name)) {
      throw new DataError(
        `idColumns[${i}]`,
        `column '${name}' is not in the header; the columns are ${header.join(", ")}`,
      );
    }
  });
  for (let r = 1; r < records.length; r++) {
    const count = records[r]!.length;
    if (count !== header.length) {
      throw new DataError(
        `line ${lines[r]}`,
        `has ${count} field${count === 1 ? "" : "s"}, expected ${header.length} as in the header`,
      );
    }
  }
  const rows = records.length - 1;
  const nulls = new Set(nullValues);
  const columns = header.map((name, c) => {
    const fields = records.slice(1).map((record) => record[c]!);
    const nonNull = fields.filter((field) => !nulls.has(field));
    const type = types[name] ?? inferFieldType(nonNull);
    const parse = FIELD_PARSERS[type];
    const values = parse.allocate(rows);
    const slots: { [row: number]: unknown } = values;
    const valid = new Uint8Array(rows);
    fields.forEach((field, row) => {
      if (nulls.has(field)) return;
      const value = parse.parse(field, listSeparator);
      if (value === undefined) {
        throw new DataError(
          `line ${lines[row + 1]}, column '${name}'`,
          `${JSON.stringify(field)} is not a valid ${type}; expected ${parse.expected}`,
        );
      }
      slots[row] = value;
      valid[row] = 1;
    });
    if (idColumns.includes(name)) checkIdColumn(name, slots, valid, fields, lines.slice(1));
    return [name, columnFromValues(type, values, valid) as AnyColumn] as const;
  });
  return MetaTable.fromColumns(columns, rows);
}

function checkOptions(options: CsvOptions) {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ConfigError(
      "delimiter",
      `must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`,
    );
  }
  const listSeparator = options.listSeparator ?? ";";
  if (typeof listSeparator !== "string" || listSeparator.length === 0) {
    throw new ConfigError(
      "listSeparator",
      `must be a non-empty string, got ${JSON.stringify(listSeparator)}`,
    );
  }
  const nullValues = options.nullValues ?? DEFAULT_CSV_NULL_VALUES;
  if (!Array.isArray(nullValues) || !nullValues.every((value) => typeof value === "string")) {
    throw new ConfigError(
      "nullValues",
      `must be an array of strings, got ${JSON.stringify(nullValues)}`,
    );
  }
  const types = options.types ?? {};
  for (const [name, type] of Object.entries(types)) {
    if (!LOGICAL_TYPES.includes(type)) {
      throw new ConfigError(
        `types.${name}`,
        `unknown logical type ${JSON.stringify(type)}; expected one of ${LOGICAL_TYPES.join(", ")}`,
      );
    }
  }
  const idColumns = options.idColumns ?? [];
  if (!Array.isArray(idColumns) || !idColumns.every((name) => typeof name === "string")) {
    throw new ConfigError(
      "idColumns",
      `must be an array of column names, got ${JSON.stringify(idColumns)}`,
    );
  }
  return { delimiter, listSeparator, nullValues, types, idColumns };
}

function checkHeader(header: readonly string[]): void {
  const positions = new Map<string, number>();
  header.forEach((name, index) => {
    const position = index + 1;
    if (name === "") {
      throw new DataError(
        `line 1, column ${position}`,
        "the header name is empty; every column needs a unique, non-empty name",
      );
    }
    const earlier = positions.get(name);
    if (earlier !== undefined) {
      throw new DataError(
        `line 1, column ${position}`,
        `the header name '${name}' repeats column ${earlier}; every column needs a unique, non-empty name`,
      );
    }
    positions.set(name, position);
  });
}

interface FieldParser {
  /** What a valid field looks like, for error messages. */
  expected: string;
  allocate(rows: number): ColumnValuesByType[LogicalType];
  /** The stored value of a non-null field, or undefined when it does not fit the type. */
  parse(field: string, listSeparator: string): unknown;
}

const NUMBER_EXAMPLES = "such as 1.5, -2e-3, inf or NaN";

const FIELD_PARSERS: Record<LogicalType, FieldParser> = {
  string: {
    expected: "text",
    allocate: (rows) => new Array<string>(rows).fill(""),
    parse: (field) => field,
  },
  boolean: {
    expected: "true, false, True, False, TRUE or FALSE",
    allocate: (rows) => new Uint8Array(rows),
    parse: parseBooleanField,
  },
  int32: {
    expected: "an integer from -2147483648 to 2147483647",
    allocate: (rows) => new Int32Array(rows),
    parse: (field) => {
      const value = parseIntegerField(field);
      return value !== undefined && fitsInt32(value) ? Number(value) : undefined;
    },
  },
  int64: {
    expected: "an integer from -9223372036854775808 to 9223372036854775807",
    allocate: (rows) => new BigInt64Array(rows),
    parse: (field) => {
      const value = parseIntegerField(field);
      return value !== undefined && fitsInt64(value) ? value : undefined;
    },
  },
  float32: {
    expected: `a number ${NUMBER_EXAMPLES}, within the float32 range`,
    allocate: (rows) => new Float32Array(rows),
    parse: (field) => {
      const value = parseFloatField(field);
      // A finite number that float32 rounds to infinity would silently change meaning.
      return value === undefined || (Number.isFinite(value) && !Number.isFinite(Math.fround(value)))
        ? undefined
        : value;
    },
  },
  float64: {
    expected: `a number ${NUMBER_EXAMPLES}`,
    allocate: (rows) => new Float64Array(rows),
    parse: parseFloatField,
  },
  timestamp: {
    expected:
      "an ISO 8601 date or date-time such as 2024-01-02, 2024-01-02T03:04:05Z or 2024-01-02 03:04:05.123456+01:00 (at most microsecond precision)",
    allocate: (rows) => new BigInt64Array(rows),
    parse: parseTimestampField,
  },
  "list<string>": {
    expected: "text",
    allocate: (rows) => Array.from({ length: rows }, () => [] as string[]),
    parse: (field, listSeparator) => field.split(listSeparator),
  },
};
