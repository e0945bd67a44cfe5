/**
 * The output dtype of a concatenation: numpy's type promotion (`np.result_type`), and the check
 * that every input converts to it without changing a value.
 */

import { ConfigError, type DType, isFloatDType } from "@tt/schema";

type Kind = "b" | "u" | "i" | "f";

const INFO: Readonly<Record<DType, { kind: Kind; bits: number }>> = {
  bool: { kind: "b", bits: 1 },
  uint8: { kind: "u", bits: 8 },
  uint16: { kind: "u", bits: 16 },
  uint32: { kind: "u", bits: 32 },
  uint64: { kind: "u", bits: 64 },
  int8: { kind: "i", bits: 8 },
  int16: { kind: "i", bits: 16 },
  int32: { kind: "i", bits: 32 },
  int64: { kind: "i", bits: 64 },
  float32: { kind: "f", bits: 32 },
  float64: { kind: "f", bits: 64 },
};

const BY_KIND: Readonly<Record<string, DType>> = {
  u8: "uint8",
  u16: "uint16",
  u32: "uint32",
  u64: "uint64",
  i8: "int8",
  i16: "int16",
  i32: "int32",
  i64: "int64",
  f32: "float32",
  f64: "float64",
};

const named = (kind: Kind, bits: number): DType => BY_KIND[`${kind}${bits}`]!;

function promotePair(a: DType, b: DType): DType {
  if (a === b) return a;
  const x = INFO[a];
  const y = INFO[b];
  if (x.kind === "b") return b;
  if (y.kind === "b") return a;
  if (x.kind === y.kind) return x.bits >= y.bits ? a : b;
  if (x.kind === "f" || y.kind === "f") {
    const [float, integer] = x.kind === "f" ? [x, y] : [y, x];
    // float32 holds every integer of up to 16 bits; wider integers need float64.
    return integer.bits <= 16 ? named("f", float.bits) : "float64";
  }
  const [signed, unsigned] = x.kind === "i" ? [x, y] : [y, x];
  if (unsigned.bits < signed.bits) return named("i", signed.bits);
  return unsigned.bits < 64 ? named("i", unsigned.bits * 2) : "float64";
}

/**
 * The dtype that holds values of all `dtypes`, by numpy's promotion rules (`np.result_type`):
 * bool gives way to any number; the wider of two ints of one signedness; a signed and an unsigned
 * int promote to a signed int wide enough for both (`int8 + uint8 -> int16`; with uint64, to
 * float64); an int and a float promote to the float when it holds every value of the int
 * (`int16 + float32 -> float32`) and to float64 otherwise (`int32 + float32 -> float64`).
 *
 * @example
 * ```ts
 * promoteDTypes(["int16", "float32"]); // "float32"
 * promoteDTypes(["int32", "float32"]); // "float64"
 * ```
 */
export function promoteDTypes(dtypes: readonly DType[]): DType {
  if (dtypes.length === 0) throw new ConfigError("dtypes", "give at least one dtype to promote");
  return dtypes.reduce(promotePair);
}

/**
 * Whether every value of `from` is exactly a value of `to`. Stricter than numpy's "safe"
 * casting, which lets int64 become float64: here an int converts exactly to a float only when
 * its bits fit the float's significand (24 bits for float32, 53 for float64).
 */
export function isExactCast(from: DType, to: DType): boolean {
  if (from === to) return true;
  const x = INFO[from];
  const y = INFO[to];
  if (x.kind === "b") return true;
  if (y.kind === "b") return false;
  if (y.kind === "f") {
    if (x.kind === "f") return y.bits >= x.bits;
    return x.bits < (y.bits === 32 ? 24 : 53);
  }
  if (x.kind === "f") return false;
  if (x.kind === y.kind) return y.bits >= x.bits;
  return x.kind === "u" && y.bits > x.bits;
}

/**
 * The output dtype for inputs of `dtypes` (named by `labels` in messages): `requested` or the
 * promotion of `dtypes`. An input that does not convert exactly is an error, unless the output is
 * a float and `allowPrecisionLoss` is set (values are then rounded to the nearest float).
 */
export function outputDType(
  dtypes: readonly DType[],
  labels: readonly string[],
  requested: DType | undefined,
  allowPrecisionLoss: boolean,
): DType {
  const target = requested ?? promoteDTypes(dtypes);
  dtypes.forEach((dtype, i) => {
    if (isExactCast(dtype, target)) return;
    if (!isFloatDType(target)) {
      throw new ConfigError(
        "dtype",
        `${labels[i]} holds ${dtype} values, which ${target} cannot hold exactly; choose a dtype that can (${promoteDTypes([dtype, target])})`,
      );
    }
    if (!allowPrecisionLoss) {
      throw new ConfigError(
        "allowPrecisionLoss",
        `${labels[i]} holds ${dtype} values, and converting them to ${target} can round them; pass allowPrecisionLoss: true to accept that${requested === undefined ? "" : ", or choose another dtype"}`,
      );
    }
  });
  return target;
}
