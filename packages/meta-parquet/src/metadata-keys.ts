/** The key-value metadata tensortools records in a Parquet file, and how it is encoded. */

import { DataError, type Field, LOGICAL_TYPES, type LogicalType } from "@tt/schema";

/** The keys tensortools writes into a Parquet file's key-value metadata. */
export const METADATA_KEYS = Object.freeze({
  /** The axis the table describes. */
  axis: "tensortools.axis",
  /** The logical type of every column, as JSON `{"version":1,"fields":[{"name","type"}]}`. */
  schema: "tensortools.schema",
} as const);

/** Keys starting with this prefix belong to tensortools; users cannot set them. */
export const RESERVED_PREFIX = "tensortools.";

const SCHEMA_VERSION = 1;

/** The JSON text of `tensortools.schema` for `fields`. */
export function encodeSchema(fields: readonly Field[]): string {
  return JSON.stringify({
    version: SCHEMA_VERSION,
    fields: fields.map(({ name, type }) => ({ name, type })),
  });
}

/** The fields recorded in `tensortools.schema`; anything malformed is a {@link DataError}. */
export function decodeSchema(text: string, where: string): Field[] {
  const fail = (reason: string): never => {
    throw new DataError(
      `${where} key-value metadata '${METADATA_KEYS.schema}'`,
      `${reason}; expected {"version":${SCHEMA_VERSION},"fields":[{"name":...,"type":...}]}`,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("is not valid JSON");
  }
  const record = parsed as { version?: unknown; fields?: unknown };
  if (typeof parsed !== "object" || parsed === null || record.version !== SCHEMA_VERSION) {
    return fail(`has version ${JSON.stringify(record?.version)}`);
  }
  if (!Array.isArray(record.fields)) return fail("has no fields array");
  return record.fields.map((field: unknown, index) => {
    const { name, type } = (field ?? {}) as { name?: unknown; type?: unknown };
    if (typeof name !== "string" || !LOGICAL_TYPES.includes(type as LogicalType)) {
      return fail(`field ${index} is ${JSON.stringify(field)}`);
    }
    return { name, type: type as LogicalType };
  });
}
