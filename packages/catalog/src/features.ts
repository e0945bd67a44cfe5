/** Typed features: a name and a dtype (unit, allowed categories), values validated when attached. */

import { ConfigError, type LogicalType } from "@tt/schema";

/** The dtypes a feature can have. */
export type FeatureDType = "string" | "boolean" | "int32" | "int64" | "float64" | "timestamp";

const DTYPES: readonly FeatureDType[] = [
  "string",
  "boolean",
  "int32",
  "int64",
  "float64",
  "timestamp",
];

/** A feature's registration. */
export interface FeatureDefinition {
  /** A name the query language can use: letters, digits and `_`, not starting with a digit. */
  readonly name: string;
  readonly dtype: FeatureDType;
  /** The unit of a number, e.g. `"Hz"`; recorded, not converted. */
  readonly unit?: string | null;
  /** For string features: the values allowed. */
  readonly categories?: readonly string[] | null;
  readonly description?: string | null;
}

/** Names a feature cannot take: the catalog's own columns in queries. */
export const BUILT_IN_COLUMNS: readonly string[] = [
  "key",
  "kind",
  "version",
  "latest",
  "location",
  "n_instances",
  "size_bytes",
  "registered_at",
];

/** The definition checked: a ConfigError naming the field at fault. */
export function checkDefinition(def: FeatureDefinition): FeatureDefinition {
  if (typeof def.name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(def.name))
    throw new ConfigError(
      "name",
      `feature name ${JSON.stringify(def.name)} must be letters, digits and '_', not starting with a digit`,
    );
  if (BUILT_IN_COLUMNS.includes(def.name))
    throw new ConfigError("name", `'${def.name}' is a column of the catalog itself; pick another`);
  if (!DTYPES.includes(def.dtype))
    throw new ConfigError(
      "dtype",
      `feature '${def.name}': dtype ${JSON.stringify(def.dtype)} is not one of ${DTYPES.join(", ")}`,
    );
  if (def.categories != null) {
    if (def.dtype !== "string")
      throw new ConfigError(
        "categories",
        `feature '${def.name}': categories need dtype "string", not "${def.dtype}"`,
      );
    if (
      !Array.isArray(def.categories) ||
      def.categories.length === 0 ||
      def.categories.some((c) => typeof c !== "string")
    )
      throw new ConfigError(
        "categories",
        `feature '${def.name}': categories must be a non-empty list of strings`,
      );
  }
  return def;
}

/**
 * `value` as stored (JSON text) once checked against `def`; a ConfigError naming the feature,
 * the value and what was expected. Nothing is coerced: `"3"` is not an int.
 */
export function encodeFeatureValue(def: FeatureDefinition, value: unknown): string {
  const bad = (expected: string) =>
    new ConfigError(
      `features.${def.name}`,
      `${JSON.stringify(typeof value === "bigint" ? value.toString() : value)} is not ${expected} (feature '${def.name}' is ${def.dtype})`,
    );
  switch (def.dtype) {
    case "string":
      if (typeof value !== "string") throw bad("a string");
      if (def.categories != null && !def.categories.includes(value))
        throw new ConfigError(
          `features.${def.name}`,
          `${JSON.stringify(value)} is not one of the categories of '${def.name}': ${def.categories.join(", ")}`,
        );
      return JSON.stringify(value);
    case "boolean":
      if (typeof value !== "boolean") throw bad("true or false");
      return JSON.stringify(value);
    case "int32":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1)
        throw bad("an integer in int32's range");
      return JSON.stringify(value);
    case "int64": {
      const ok =
        (typeof value === "bigint" && BigInt.asIntN(64, value) === value) ||
        (typeof value === "number" && Number.isSafeInteger(value));
      if (!ok) throw bad("an integer (a safe integer or a bigint in int64's range)");
      return JSON.stringify(String(value));
    }
    case "float64":
      if (typeof value !== "number" || !Number.isFinite(value)) throw bad("a finite number");
      return JSON.stringify(value);
    case "timestamp": {
      const time = value instanceof Date ? value.getTime() : Date.parse(String(value));
      if (!(value instanceof Date || typeof value === "string") || !Number.isFinite(time))
        throw bad("a date (a Date or an ISO 8601 string)");
      return JSON.stringify(new Date(time).toISOString());
    }
  }
}

/** A stored value as a table cell of the feature's logical type. */
export function decodeFeatureValue(def: FeatureDefinition, text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (def.dtype === "int64") return BigInt(value as string);
  if (def.dtype === "timestamp") return new Date(value as string);
  return value;
}

/** The logical type of a feature's column. */
export function logicalTypeOf(def: FeatureDefinition): LogicalType {
  return def.dtype;
}
