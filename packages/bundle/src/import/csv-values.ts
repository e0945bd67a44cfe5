/** Parsing CSV field text into typed values, and inferring a column's logical type from its fields. */

import type { LogicalType } from "@tt/schema";

const MIN_INT32 = -(2 ** 31);
const MAX_INT32 = 2 ** 31 - 1;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

const BOOLEANS: Record<string, 0 | 1> = {
  true: 1,
  True: 1,
  TRUE: 1,
  false: 0,
  False: 0,
  FALSE: 0,
};

/** 1 or 0 for the six boolean spellings (`true`, `True`, `TRUE` and the same for false), else undefined. */
export function parseBooleanField(text: string): 0 | 1 | undefined {
  return Object.hasOwn(BOOLEANS, text) ? BOOLEANS[text] : undefined;
}

/** A decimal integer (optional sign) as a bigint, or undefined. */
export function parseIntegerField(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** Whether `value` fits the int32 range. */
export function fitsInt32(value: bigint): boolean {
  return value >= MIN_INT32 && value <= MAX_INT32;
}

/** Whether `value` fits the int64 range. */
export function fitsInt64(value: bigint): boolean {
  return value >= MIN_INT64 && value <= MAX_INT64;
}

/**
 * A decimal number (`1`, `-2.5`, `.5`, `1e-3`), `inf`/`infinity` with an optional sign, or `nan`
 * (any case), or undefined. A finite literal too large for a double is undefined, not Infinity.
 */
export function parseFloatField(text: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? value : undefined;
  }
  if (/^[+-]?inf(?:inity)?$/i.test(text)) {
    return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return /^nan$/i.test(text) ? Number.NaN : undefined;
}

// Date, then optional time with optional fraction and zone; the zone needs a time.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * An ISO 8601 date or date-time as microseconds since 1970-01-01T00:00:00Z, or undefined. A
 * date is midnight UTC; a date-time without a zone is taken as UTC. More than six fractional
 * digits are accepted only if the extra digits are zero, since nothing finer than a microsecond
 * can be stored.
 */
export function parseTimestampField(text: string): bigint | undefined {
  const match = ISO_8601.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const fraction = (match[7] ?? "").padEnd(9, "0");
  const zoneSign = match[9] === "-" ? -1 : 1;
  const zoneHours = Number(match[10] ?? 0);
  const zoneMinutes = Number(match[11] ?? 0);
  if (
    month! < 1 ||
    month! > 12 ||
    day! < 1 ||
    day! > daysInMonth(year!, month!) ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59 ||
    zoneHours > 23 ||
    zoneMinutes > 59 ||
    fraction.slice(6) !== "000"
  ) {
    return undefined;
  }
  const days = daysFromCivil(year!, month!, day!);
  const offsetSeconds = zoneSign * (zoneHours * 3600 + zoneMinutes * 60);
  const seconds = ((days * 24 + hour!) * 60 + minute!) * 60 + second! - offsetSeconds;
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.slice(0, 6));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * The logical type of a column whose non-null fields are `fields`: boolean, int32, int64,
 * float64, timestamp, else string (also when there are no fields). Numbers written with a
 * leading zero (`007`, `01.5`) keep the column a string, as do integers beyond int64, so that
 * identifiers such as zip codes are not altered.
 */
export function inferFieldType(fields: Iterable<string>): LogicalType {
  let seen = false;
  let boolean = true;
  let integer = true;
  let int32 = true;
  let int64 = true;
  let float = true;
  let timestamp = true;
  for (const text of fields) {
    seen = true;
    if (boolean && parseBooleanField(text) === undefined) boolean = false;
    const numeric = !/^[+-]?0\d/.test(text);
    if (integer) {
      const value = numeric ? parseIntegerField(text) : undefined;
      if (value === undefined) integer = false;
      else {
        if (int32 && !fitsInt32(value)) int32 = false;
        if (int64 && !fitsInt64(value)) int64 = false;
      }
    }
    if (float && !integer && (!numeric || parseFloatField(text) === undefined)) float = false;
    if (timestamp && parseTimestampField(text) === undefined) timestamp = false;
    if (!boolean && !integer && !float && !timestamp) return "string";
  }
  if (!seen) return "string";
  if (boolean) return "boolean";
  if (integer) return int32 ? "int32" : int64 ? "int64" : "string";
  if (float) return "float64";
  return timestamp ? "timestamp" : "string";
}
