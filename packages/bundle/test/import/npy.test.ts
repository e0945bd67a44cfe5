import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DataError, NotFoundError, UnsupportedError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { parseNpy } from "../../src/import/npy.js";
import { readNpyFile } from "../../src/import/npy-file.js";
import { errorOf } from "./error-of.js";
import { npyBytes } from "./npy-bytes.js";

// Written and read back by numpy (scripts/make_npy_fixtures.py); expected.json holds numpy's
// values flattened in C order, 64-bit integers and non-finite floats as strings.
const FIXTURES = resolve(import.meta.dirname, "../../../../fixtures/npy");

interface Expected {
  arrays: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;
  unsupported: Record<string, string>;
}
const expected = JSON.parse(await readFile(join(FIXTURES, "expected.json"), "utf8")) as Expected;

function decodeExpected(value: number | string): number | bigint {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return BigInt(value);
}

const CONSTRUCTOR_NAMES: Record<string, string> = {
  float32: "Float32Array",
  float64: "Float64Array",
  int8: "Int8Array",
  int16: "Int16Array",
  int32: "Int32Array",
  int64: "BigInt64Array",
  uint8: "Uint8Array",
  uint16: "Uint16Array",
  uint32: "Uint32Array",
  uint64: "BigUint64Array",
  bool: "Uint8Array",
};

describe("readNpyFile on numpy-written fixtures", () => {
  it.each(Object.entries(expected.arrays))(
    "%s equals numpy's values exactly",
    async (name, want) => {
      const { data, dtype, shape } = await readNpyFile(join(FIXTURES, name));
      expect(dtype).toBe(want.dtype);
      expect(shape).toEqual(want.shape);
      expect(data.constructor.name).toBe(CONSTRUCTOR_NAMES[want.dtype]);
      // Object.is tells -0 from 0 and matches NaN, so float bit patterns are checked too.
      const got = Array.from(data as ArrayLike<number | bigint>);
      const wanted = want.values.map(decodeExpected);
      expect(got.length).toBe(wanted.length);
      got.forEach((value, i) => {
        if (!Object.is(value, wanted[i])) {
          throw new Error(
            `${name} element ${i}: got ${String(value)}, numpy has ${String(wanted[i])}`,
          );
        }
      });
    },
  );

  it.each(Object.entries(expected.unsupported))(
    "%s is an UnsupportedError naming its descr",
    async (name, descr) => {
      const error = await readNpyFile(join(FIXTURES, name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toContain(descr);
      expect((error as Error).message).toContain(name);
    },
  );

  it("names the file when it does not exist", async () => {
    const missing = join(FIXTURES, "no-such-file.npy");
    const error = await readNpyFile(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain(missing);
  });

  it("names the file in a data error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tt-npy-"));
    try {
      const path = join(dir, "cut.npy");
      const whole = await readFile(join(FIXTURES, "f8-le-c.npy"));
      await writeFile(path, whole.subarray(0, 100));
      const error = await readNpyFile(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).where).toBe(`${path} npy byte 10`);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

const F8_HEADER = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
const twoDoubles = new Uint8Array(new Float64Array([1.5, -2]).buffer);

describe("parseNpy on hand-made headers", () => {
  it("reads descrs numpy does not write but the format allows", () => {
    for (const descr of ["<f8", "=f8", "f8", "|f8"]) {
      const header = F8_HEADER.replace("<f8", descr);
      expect(parseNpy(npyBytes(header, twoDoubles)).data).toEqual(new Float64Array([1.5, -2]));
    }
    const int8 = parseNpy(
      npyBytes("{'descr': '<i1', 'fortran_order': False, 'shape': (2,)}", [255, 1]),
    );
    expect(int8).toEqual({ data: new Int8Array([-1, 1]), dtype: "int8", shape: [2] });
  });

  it("reads Python 2 headers with long integers and double quotes", () => {
    const header = `{"descr": "<f8", "fortran_order": False, "shape": (1L, 2L)}`;
    expect(parseNpy(npyBytes(header, twoDoubles)).shape).toEqual([1, 2]);
  });

  it("reads data at an odd byte offset of a larger buffer", () => {
    const bytes = npyBytes(
      F8_HEADER.replace("False", "True").replace("(2,)", "(1, 2)"),
      twoDoubles,
    );
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(parseNpy(shifted.subarray(1)).data).toEqual(new Float64Array([1.5, -2]));
  });

  it("stores any non-zero bool byte as 1, as numpy reads it as True", () => {
    const header = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
    expect(parseNpy(npyBytes(header, [0, 1, 7])).data).toEqual(new Uint8Array([0, 1, 1]));
  });

  it("transposes a Fortran-order array larger than one tile in every axis", () => {
    const shape = [70, 3, 2, 130];
    const length = shape.reduce((a, b) => a * b);
    // Fortran element (i, j, k, l) holds its own C-order index, so C-order data must be 0, 1, 2, ...
    const fortran = new Uint32Array(length);
    let f = 0;
    for (let l = 0; l < 130; l++)
      for (let k = 0; k < 2; k++)
        for (let j = 0; j < 3; j++)
          for (let i = 0; i < 70; i++) fortran[f++] = ((i * 3 + j) * 2 + k) * 130 + l;
    const header = "{'descr': '<u4', 'fortran_order': True, 'shape': (70, 3, 2, 130), }";
    const { data } = parseNpy(npyBytes(header, new Uint8Array(fortran.buffer)));
    expect(data).toEqual(Uint32Array.from({ length }, (_, i) => i));
  });
});

describe("parseNpy bad input", () => {
  it("rejects a bad magic string", () => {
    const bytes = npyBytes(F8_HEADER, twoDoubles);
    bytes[1] = 0x58;
    const error = errorOf(() => parseNpy(bytes));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(
      /^npy byte 1: not a \.npy file: it must start with the magic \\x93NUMPY, found "\\x93\\x58/,
    );
  });

  it("rejects a file too short for the header length", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER).subarray(0, 9)));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain("npy byte 8: truncated header: file ends after 9 bytes");
  });

  it("rejects a header cut short", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER).subarray(0, 40)));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      "npy byte 10: truncated header: the header length says 118 bytes (up to byte 128), but the file has 40 bytes",
    );
  });

  it("rejects a header without shape", () => {
    const error = errorOf(() => parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False}")));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(
      /^npy header key 'shape': missing; the header needs 'shape' \(a tuple/,
    );
  });

  it("rejects data shorter than the shape", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER, twoDoubles.subarray(0, 12))));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      "npy byte 128: data is 12 bytes, but shape (2,) of 8-byte elements needs 16 bytes (the file is truncated)",
    );
  });

  it("rejects data longer than the shape", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER, [...twoDoubles, 0])));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(
      "data is 17 bytes, but shape (2,) of 8-byte elements needs 16 bytes (the file has trailing bytes)",
    );
  });

  it("rejects an unparseable header, naming the byte", () => {
    const error = errorOf(() =>
      parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': Fals, 'shape': (2,)}")),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(
      /^npy header byte 44: unparseable header: expected a dict, tuple, list, string, integer, True, False or None, found "F"; a header looks like \{'descr'/,
    );
  });

  it("rejects a header that is not a dict", () => {
    const error = errorOf(() => parseNpy(npyBytes("('<f8', False, (2,))")));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain("the header must be a dict like {'descr'");
  });

  it("rejects a shape that is not a tuple of non-negative integers", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER.replace("(2,)", "(2, -1)"))));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(
      "npy header key 'shape': must be a tuple of non-negative integers such as (3, 4) or () for a 0-d array, got (2, -1)",
    );
  });

  it("rejects a fortran_order that is not a bool", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER.replace("False", "0"))));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe("npy header key 'fortran_order': must be True or False, got 0");
  });

  it("rejects an unknown format version", () => {
    const error = errorOf(() => parseNpy(npyBytes(F8_HEADER, twoDoubles, 4)));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toBe(
      "npy byte 6: format version 4.0 is not supported; expected 1.0, 2.0 or 3.0",
    );
  });
});
