/** The header of a .npy file: magic, version, and the dict that describes the array. */

import { DataError, type DType, UnsupportedError } from "@tt/schema";
import {
  formatPythonLiteral,
  type PythonLiteral,
  PythonLiteralSyntaxError,
  parsePythonLiteral,
} from "./python-literal.js";

/** What the header of a .npy file says about the array that follows it. */
export interface NpyHeader {
  /** Format version, e.g. `"1.0"`. */
  readonly version: string;
  /** The schema dtype of the elements. */
  readonly dtype: DType;
  /** Whether multi-byte elements are stored little-endian. */
  readonly littleEndian: boolean;
  /** Bytes per element in the file. */
  readonly itemSize: number;
  /** Whether the data is in Fortran (column-major) order. */
  readonly fortranOrder: boolean;
  /** The array shape; `[]` for a 0-d array. */
  readonly shape: number[];
  /** Byte offset at which the data starts. */
  readonly dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const EXAMPLE_HEADER = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }";

const DTYPE_BY_CODE: Record<string, DType> = {
  f4: "float32",
  f8: "float64",
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  b1: "bool",
};

const SUPPORTED_DESCRS = "<f4 <f8 <i1 <i2 <i4 <i8 <u1 <u2 <u4 <u8 |b1 (or with > = | byte orders)";

/** Whether this platform stores typed-array elements little-endian (every common one does). */
export const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads and checks the magic, version and header dict at the start of a .npy file. */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      const found = Array.from(
        bytes.subarray(0, 6),
        (b) => `\\x${b.toString(16).padStart(2, "0")}`,
      );
      throw new DataError(
        `npy byte ${i}`,
        `not a .npy file: it must start with the magic \\x93NUMPY, found "${found.join("")}"`,
      );
    }
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major === undefined || minor === undefined) {
    throw new DataError("npy byte 6", `file ends after ${bytes.length} bytes, before the version`);
  }
  const version = `${major}.${minor}`;
  if (major < 1 || major > 3 || minor !== 0) {
    throw new UnsupportedError(
      `npy version ${version}`,
      `npy byte 6: format version ${version} is not supported; expected 1.0, 2.0 or 3.0`,
    );
  }
  // Version 1.0 has a 2-byte header length, later versions a 4-byte one (both little-endian).
  const lengthSize = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthSize;
  if (bytes.length < headerStart) {
    throw new DataError(
      "npy byte 8",
      `truncated header: file ends after ${bytes.length} bytes, before the ${lengthSize}-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    throw new DataError(
      `npy byte ${headerStart}`,
      `truncated header: the header length says ${headerLength} bytes (up to byte ${dataOffset}), but the file has ${bytes.length} bytes`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  // Versions 1.0 and 2.0 encode the header as latin-1, version 3.0 as UTF-8.
  const text = major === 3 ? decodeUtf8(headerBytes, headerStart) : decodeLatin1(headerBytes);
  const dict = parseHeaderDict(text, headerStart, major === 3);
  return { version, ...interpretHeader(dict), dataOffset };
}

function decodeLatin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function decodeUtf8(bytes: Uint8Array, headerStart: number): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new DataError(`npy byte ${headerStart}`, "the version 3.0 header is not valid UTF-8", {
      cause,
    });
  }
}

function parseHeaderDict(
  text: string,
  headerStart: number,
  utf8: boolean,
): Map<string, PythonLiteral> {
  let dict: PythonLiteral;
  try {
    dict = parsePythonLiteral(text);
  } catch (error) {
    if (!(error instanceof PythonLiteralSyntaxError)) throw error;
    const prefix = text.slice(0, error.offset);
    const byte = headerStart + (utf8 ? new TextEncoder().encode(prefix).length : prefix.length);
    throw new DataError(
      `npy header byte ${byte}`,
      `unparseable header: ${error.message}; a header looks like ${EXAMPLE_HEADER}, got ${JSON.stringify(text.trimEnd())}`,
      { cause: error },
    );
  }
  if (!(dict instanceof Map)) {
    throw new DataError(
      `npy byte ${headerStart}`,
      `the header must be a dict like ${EXAMPLE_HEADER}, got ${formatPythonLiteral(dict)}`,
    );
  }
  return dict;
}

function interpretHeader(dict: Map<string, PythonLiteral>) {
  const required = (key: string, expected: string): PythonLiteral => {
    if (!dict.has(key)) {
      throw new DataError(
        `npy header key '${key}'`,
        `missing; the header needs ${expected}, for example ${EXAMPLE_HEADER}`,
      );
    }
    return dict.get(key)!;
  };
  const descr = required("descr", "'descr' (a dtype string such as '<f8')");
  const fortranOrder = required("fortran_order", "'fortran_order' (True or False)");
  const shape = required("shape", "'shape' (a tuple of non-negative integers)");

  if (typeof fortranOrder !== "boolean") {
    throw new DataError(
      "npy header key 'fortran_order'",
      `must be True or False, got ${formatPythonLiteral(fortranOrder)}`,
    );
  }
  const dims = shape !== null && typeof shape === "object" && "tuple" in shape ? shape.tuple : null;
  if (
    dims === null ||
    !dims.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new DataError(
      "npy header key 'shape'",
      `must be a tuple of non-negative integers such as (3, 4) or () for a 0-d array, got ${formatPythonLiteral(shape)}`,
    );
  }
  return { ...interpretDescr(descr), fortranOrder, shape: dims as number[] };
}

function interpretDescr(descr: PythonLiteral) {
  if (typeof descr !== "string") {
    const printed = formatPythonLiteral(descr);
    throw new UnsupportedError(
      `npy descr ${printed}`,
      `npy header key 'descr': structured dtype ${printed} is not supported; save each field as its own array (supported: ${SUPPORTED_DESCRS})`,
    );
  }
  const match = /^([<>=|]?)([a-z]\d+)$/.exec(descr);
  const dtype = match === null ? undefined : DTYPE_BY_CODE[match[2]!];
  if (match === null || dtype === undefined) {
    throw new UnsupportedError(
      `npy descr '${descr}'`,
      `npy header key 'descr': dtype '${descr}' is not supported; convert the array first, e.g. arr.astype('<f8') (supported: ${SUPPORTED_DESCRS})`,
    );
  }
  const order = match[1]!;
  // "|" means byte order does not apply, "=" and no prefix mean the writer's native order; numpy
  // only writes those for one-byte types, so reading them as this platform's order is safe.
  const littleEndian = order === "<" ? true : order === ">" ? false : PLATFORM_LITTLE_ENDIAN;
  return { dtype, littleEndian, itemSize: Number(match[2]!.slice(1)) };
}
