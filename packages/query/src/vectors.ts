/** Column values as the evaluator sees them: typed vectors with validity, or broadcast scalars. */

import type { AnyColumn } from "@tt/schema";
import type { LiteralValue } from "./ast.js";
import { clip } from "./messages.js";

/** A vector of values, one per row; `valid` is 1 where the row has a value (undefined: all do). */
export type Vector =
  | { type: "number"; values: ArrayLike<number>; valid: Uint8Array | undefined; label: string }
  | { type: "string"; values: readonly string[]; valid: Uint8Array | undefined; label: string }
  | { type: "boolean"; values: Uint8Array; valid: Uint8Array | undefined; label: string }
  | { type: "timestamp"; values: Float64Array; valid: Uint8Array | undefined; label: string };

/** A literal broadcast to every row, or a list literal. */
export type Scalar =
  | { type: "scalar"; value: LiteralValue; label: string }
  | { type: "list"; items: LiteralValue[]; label: string };

/** What an expression evaluates to. */
export type Operand = Vector | Scalar;

/** The vector of a metadata column; int64 and timestamps become float64 (exact below 2^53). */
export function columnVector(name: string, column: AnyColumn): Vector | undefined {
  const label = `column '${clip(name)}' (${column.type})`;
  switch (column.type) {
    case "string":
      return { type: "string", values: column.values, valid: column.valid, label };
    case "boolean":
      return { type: "boolean", values: column.values, valid: column.valid, label };
    case "int32":
    case "float32":
    case "float64":
      return { type: "number", values: column.values, valid: column.valid, label };
    case "int64":
      return {
        type: "number",
        values: Float64Array.from(column.values, Number),
        valid: column.valid,
        label,
      };
    case "timestamp":
      return {
        type: "timestamp",
        values: Float64Array.from(column.values, Number),
        valid: column.valid,
        label,
      };
    default:
      return undefined;
  }
}

/** How a literal is named in messages. */
export function literalLabel(value: LiteralValue): string {
  if (value === null) return "None";
  if (typeof value === "string") return `string ${JSON.stringify(clip(value))}`;
  return `${typeof value} ${String(value)}`;
}

/** A row mask from a boolean vector: null rows are not selected. */
export function toMask(vector: { values: Uint8Array; valid: Uint8Array | undefined }): Uint8Array {
  if (vector.valid === undefined) return vector.values;
  const mask = new Uint8Array(vector.values.length);
  for (let i = 0; i < mask.length; i++) mask[i] = vector.values[i]! & vector.valid[i]!;
  return mask;
}

/** Microseconds since the epoch of an ISO 8601 date or date-time (UTC when no zone), or undefined. */
export function parseIsoMicros(text: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  // Not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s));
  const millis = date.getTime();
  const check = new Date(millis);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  return (millis - offsetMinutes * 60_000) * 1000 + Number(fraction.padEnd(6, "0"));
}
