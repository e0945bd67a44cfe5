/** HDF5 element types as tensor dtypes, and the ones no tensor dtype holds. */

import { type DType, UnsupportedError } from "@tt/schema";
import type { Metadata } from "h5wasm";

/** HDF5 type classes (`H5T_class_t`), as h5wasm reports them in `metadata.type`. */
const CLASS = {
  integer: 0,
  float: 1,
  time: 2,
  string: 3,
  bitfield: 4,
  opaque: 5,
  compound: 6,
  reference: 7,
  enum: 8,
  vlen: 9,
  array: 10,
} as const;

const CLASS_NAMES = Object.fromEntries(Object.entries(CLASS).map(([name, id]) => [id, name]));

const INTEGERS: Record<number, [DType, DType]> = {
  1: ["int8", "uint8"],
  2: ["int16", "uint16"],
  4: ["int32", "uint32"],
  8: ["int64", "uint64"],
};

/** What the store reads, for messages. */
export const SUPPORTED_TYPES =
  "float32, float64, int8..int64, uint8..uint64 (either byte order) and bool (h5py's FALSE/TRUE enum)";

/** Whether an enum is h5py's bool: one byte, members FALSE = 0 and TRUE = 1. */
function isBoolEnum(metadata: Metadata): boolean {
  const members = metadata.enum_type?.members ?? {};
  const names = Object.keys(members).sort();
  return (
    metadata.size === 1 &&
    names.length === 2 &&
    names[0] === "FALSE" &&
    names[1] === "TRUE" &&
    members.FALSE === 0 &&
    members.TRUE === 1
  );
}

/** A short description of a type no tensor holds, such as `a compound of (a, b)`. */
function describeUnsupported(metadata: Metadata): string {
  switch (metadata.type) {
    case CLASS.float:
      return `a ${metadata.size * 8}-bit float`;
    case CLASS.string:
      return metadata.vlen
        ? "variable-length strings"
        : `fixed-length strings of ${metadata.size} bytes`;
    case CLASS.compound: {
      const names = (metadata.compound_type?.members ?? []).map((m) => m.name);
      const complex =
        names.length === 2 && /^(r|real)$/.test(names[0]!) && /^(i|imag)$/.test(names[1]!);
      return `${complex ? "complex numbers, stored as " : ""}a compound of (${names.join(", ")})`;
    }
    case CLASS.vlen:
      return "variable-length sequences";
    case CLASS.enum:
      return `an enum of ${Object.keys(metadata.enum_type?.members ?? {}).join(", ")}`;
    case CLASS.array:
      return "an array type (each element itself an array)";
    default:
      return `HDF5 class ${CLASS_NAMES[metadata.type] ?? metadata.type} of ${metadata.size} bytes`;
  }
}

/**
 * The tensor dtype of a dataset's element type, or an {@link UnsupportedError} located at
 * `where` (the file and dataset) naming the type and what would be read.
 */
export function dtypeOfMetadata(metadata: Metadata, where: string): DType {
  if (metadata.type === CLASS.integer && INTEGERS[metadata.size] !== undefined) {
    const [signed, unsigned] = INTEGERS[metadata.size]!;
    return metadata.signed ? signed : unsigned;
  }
  if (metadata.type === CLASS.float && metadata.size === 4) return "float32";
  if (metadata.type === CLASS.float && metadata.size === 8) return "float64";
  if (metadata.type === CLASS.enum && isBoolEnum(metadata)) return "bool";
  const description = describeUnsupported(metadata);
  throw new UnsupportedError(
    `HDF5 type ${description}`,
    `${where}: the dataset holds ${description}, which no tensor dtype holds; the store reads ${SUPPORTED_TYPES}`,
  );
}
