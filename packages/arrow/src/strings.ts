/** Strings as Arrow UTF-8 (plain, large or dictionary-encoded) and back, refusing to mangle any. */

import { DataError } from "@tt/schema";
import {
  type Data,
  type DataType,
  type Dictionary,
  type Int,
  type LargeUtf8,
  makeData,
  makeVector,
  Type,
  type Utf8,
} from "apache-arrow";
import { integersAs } from "./integers.js";
import { bitmapOf, nullCountOf } from "./validity.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 bytes and offsets of `values`; a lone surrogate (not UTF-8) is a DataError. */
function encodeAll(values: readonly string[], where: (row: number) => string, large: boolean) {
  const chunks: Uint8Array[] = [];
  const offsets = large ? new BigInt64Array(values.length + 1) : new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((value, row) => {
    if (LONE_SURROGATE.test(value))
      throw new DataError(
        where(row),
        `${JSON.stringify(value)} holds a lone UTF-16 surrogate, which UTF-8 cannot encode; clean the string first`,
      );
    const bytes = encoder.encode(value);
    chunks.push(bytes);
    total += bytes.length;
    if (!large && total > 2 ** 31 - 1)
      throw new DataError(where(row), "the strings pass 2 GiB of UTF-8; write them as LargeUtf8");
    offsets[row + 1] = (large ? BigInt(total) : total) as never;
  });
  const data = new Uint8Array(total);
  let at = 0;
  for (const bytes of chunks) {
    data.set(bytes, at);
    at += bytes.length;
  }
  return { data, offsets };
}

/**
 * Arrow data of the string type `type` (Utf8, LargeUtf8 or a Dictionary of Utf8) holding
 * `values`, `valid` marking the nulls. A dictionary lists the distinct values in order of first
 * appearance.
 */
export function stringData(
  values: readonly string[],
  valid: Uint8Array | undefined,
  type: DataType,
  where: (row: number) => string,
): Data {
  const nulls = { nullCount: nullCountOf(valid), nullBitmap: bitmapOf(valid) };
  const length = values.length;
  if (type.typeId === Type.Dictionary) {
    const dictionaryType = type as Dictionary;
    const codes = new Map<string, number>();
    const indices = new Int32Array(length);
    for (let row = 0; row < length; row++) {
      if (valid?.[row] === 0) continue;
      const value = values[row]!;
      if (!codes.has(value)) codes.set(value, codes.size);
      indices[row] = codes.get(value)!;
    }
    const distinct = [...codes.keys()];
    const dictionary = makeVector(
      stringData(distinct, undefined, dictionaryType.dictionary, (code) =>
        where(values.indexOf(distinct[code]!)),
      ),
    );
    const data = integersAs(indices, valid, dictionaryType.indices as Int, where);
    return makeData({ type: dictionaryType, length, ...nulls, data, dictionary } as never);
  }
  const large = type.typeId === Type.LargeUtf8;
  const { data, offsets } = encodeAll(values, where, large);
  return makeData({ type, length, ...nulls, data, valueOffsets: offsets } as never);
}

/**
 * The strings of Utf8 or LargeUtf8 data, `""` where a row is null. Bytes that are not UTF-8 are
 * a DataError at `where(row)`: no replacement characters.
 */
export function stringsFrom(
  data: Data<Utf8 | LargeUtf8>,
  where: (row: number) => string,
): string[] {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  const out = new Array<string>(data.length).fill("");
  for (let row = 0; row < data.length; row++) {
    if (!data.getValid(row)) continue;
    const start = Number(offsets[row]!);
    const end = Number(offsets[row + 1]!);
    try {
      out[row] = decoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new DataError(where(row), "holds bytes that are not UTF-8", { cause });
    }
  }
  return out;
}
