/** dtype promotion: numpy's result_type for every pair, exact casts, and what concat does with them. */

import { openBundle } from "@tt/bundle";
import { type DType, isTensorToolsError } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { concatBundles, isExactCast, promoteDTypes } from "../src/index.js";
import { smallBundle } from "./helpers.js";

/** `np.result_type(a, b)` for every pair, printed by numpy 2.4. */
const NUMPY_RESULT_TYPE: Record<string, string> = {
  "bool+bool": "bool",
  "bool+uint8": "uint8",
  "bool+uint16": "uint16",
  "bool+uint32": "uint32",
  "bool+uint64": "uint64",
  "bool+int8": "int8",
  "bool+int16": "int16",
  "bool+int32": "int32",
  "bool+int64": "int64",
  "bool+float32": "float32",
  "bool+float64": "float64",
  "uint8+uint8": "uint8",
  "uint8+uint16": "uint16",
  "uint8+uint32": "uint32",
  "uint8+uint64": "uint64",
  "uint8+int8": "int16",
  "uint8+int16": "int16",
  "uint8+int32": "int32",
  "uint8+int64": "int64",
  "uint8+float32": "float32",
  "uint8+float64": "float64",
  "uint16+uint16": "uint16",
  "uint16+uint32": "uint32",
  "uint16+uint64": "uint64",
  "uint16+int8": "int32",
  "uint16+int16": "int32",
  "uint16+int32": "int32",
  "uint16+int64": "int64",
  "uint16+float32": "float32",
  "uint16+float64": "float64",
  "uint32+uint32": "uint32",
  "uint32+uint64": "uint64",
  "uint32+int8": "int64",
  "uint32+int16": "int64",
  "uint32+int32": "int64",
  "uint32+int64": "int64",
  "uint32+float32": "float64",
  "uint32+float64": "float64",
  "uint64+uint64": "uint64",
  "uint64+int8": "float64",
  "uint64+int16": "float64",
  "uint64+int32": "float64",
  "uint64+int64": "float64",
  "uint64+float32": "float64",
  "uint64+float64": "float64",
  "int8+int8": "int8",
  "int8+int16": "int16",
  "int8+int32": "int32",
  "int8+int64": "int64",
  "int8+float32": "float32",
  "int8+float64": "float64",
  "int16+int16": "int16",
  "int16+int32": "int32",
  "int16+int64": "int64",
  "int16+float32": "float32",
  "int16+float64": "float64",
  "int32+int32": "int32",
  "int32+int64": "int64",
  "int32+float32": "float64",
  "int32+float64": "float64",
  "int64+int64": "int64",
  "int64+float32": "float64",
  "int64+float64": "float64",
  "float32+float32": "float32",
  "float32+float64": "float64",
  "float64+float64": "float64",
};

async function concatOf(
  dtypes: DType[],
  options: Parameters<typeof concatBundles>[1] extends infer O ? Partial<O> : never = {},
) {
  const inputs = await Promise.all(
    dtypes.map((dtype, i) =>
      smallBundle({ dtype, location: `memory://in-${i}`, instances: [`e${i}`] }),
    ),
  );
  const out = createMemoryStore();
  await concatBundles(inputs, { ...options, out });
  return openBundle(out);
}

describe("promoteDTypes", () => {
  it("is numpy's result_type on every pair of dtypes", () => {
    for (const [pair, expected] of Object.entries(NUMPY_RESULT_TYPE)) {
      const [a, b] = pair.split("+") as [DType, DType];
      expect(promoteDTypes([a, b]), pair).toBe(expected);
      expect(promoteDTypes([b, a]), pair).toBe(expected);
    }
  });

  it("promotes a list: int16 + uint8 + float32 -> float32, int32 + float32 -> float64", () => {
    expect(promoteDTypes(["int16", "uint8", "float32"])).toBe("float32");
    expect(promoteDTypes(["int32", "float32"])).toBe("float64");
    expect(() => promoteDTypes([])).toThrow("give at least one dtype");
  });
});

describe("isExactCast", () => {
  it("lets ints into floats only when their bits fit the significand", () => {
    expect(isExactCast("int16", "float32")).toBe(true);
    expect(isExactCast("uint16", "float32")).toBe(true);
    expect(isExactCast("int32", "float32")).toBe(false);
    expect(isExactCast("int32", "float64")).toBe(true);
    expect(isExactCast("uint32", "float64")).toBe(true);
    expect(isExactCast("int64", "float64")).toBe(false);
    expect(isExactCast("uint64", "float64")).toBe(false);
  });

  it("widens ints of one signedness, unsigned into wider signed, never floats into ints", () => {
    expect(isExactCast("int8", "int64")).toBe(true);
    expect(isExactCast("uint8", "int16")).toBe(true);
    expect(isExactCast("uint16", "int16")).toBe(false);
    expect(isExactCast("int8", "uint64")).toBe(false);
    expect(isExactCast("float32", "float64")).toBe(true);
    expect(isExactCast("float64", "float32")).toBe(false);
    expect(isExactCast("float32", "int64")).toBe(false);
    expect(isExactCast("bool", "uint8")).toBe(true);
    expect(isExactCast("uint8", "bool")).toBe(false);
  });
});

describe("concatenating inputs of different dtypes", () => {
  it("writes int16 + float32 as float32 with the values unchanged", async () => {
    const out = await concatOf(["int16", "float32"]);
    expect(out.dtype).toBe("float32");
    expect(Array.from((await out.read([])) as Float32Array)).toEqual([
      0, 1, 2, 10, 11, 12, 0, 1, 2, 10, 11, 12,
    ]);
  });

  it("writes int32 + float32 as float64", async () => {
    expect((await concatOf(["int32", "float32"])).dtype).toBe("float64");
  });

  it("keeps int64 + int8 as int64 (bigints)", async () => {
    const out = await concatOf(["int64", "int8"]);
    expect(out.dtype).toBe("int64");
    expect((await out.read([])).slice(9, 12)).toEqual(BigInt64Array.from([10n, 11n, 12n]));
  });

  it("rejects int64 + float64 unless precision loss is allowed", async () => {
    const error = await concatOf(["int64", "float64"]).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect((error as Error).message).toBe(
      "config 'allowPrecisionLoss': input 0 ('in-0' at memory://in-0) holds int64 values, and converting them to float64 can round them; pass allowPrecisionLoss: true to accept that",
    );
    const out = await concatOf(["int64", "float64"], { allowPrecisionLoss: true });
    expect(out.dtype).toBe("float64");
    expect(Array.from((await out.read([])) as Float32Array)).toEqual([
      0, 1, 2, 10, 11, 12, 0, 1, 2, 10, 11, 12,
    ]);
  });

  it("rejects a requested dtype that cannot hold an input's values", async () => {
    await expect(concatOf(["float32", "int16"], { dtype: "int16" })).rejects.toThrow(
      "config 'dtype': input 0 ('in-0' at memory://in-0) holds float32 values, which int16 cannot hold exactly; choose a dtype that can (float32)",
    );
    await expect(
      concatOf(["float64"], { dtype: "float32", allowPrecisionLoss: false }),
    ).rejects.toThrow("pass allowPrecisionLoss: true to accept that, or choose another dtype");
    expect(
      (await concatOf(["float64"], { dtype: "float32", allowPrecisionLoss: true })).dtype,
    ).toBe("float32");
  });
});
