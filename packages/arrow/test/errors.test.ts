/** Every value or type that Arrow or MetaTable cannot hold exactly is an error, one per case. */

import {
  type AnyColumn,
  ConfigError,
  columnFromCells,
  columnFromValues,
  DataError,
  MetaTable,
  UnsupportedError,
} from "@tt/schema";
import {
  Decimal,
  Dictionary,
  Field,
  Int8,
  Int32,
  List,
  makeData,
  makeVector,
  Struct,
  Table,
  TimestampMillisecond,
  TimestampNanosecond,
  Uint8,
  Uint64,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { fromArrow, toArrow, toArrowIPC } from "../src/index.js";

const one = (name: string, column: AnyColumn) => MetaTable.fromColumns({ [name]: column });

describe("toArrow refuses", () => {
  it("a type that cannot hold the column, as a ConfigError on types.<column>", () => {
    const table = one("score", columnFromCells("float64", [1]) as AnyColumn);
    expect(() => toArrow(table, { types: { score: new Int32() } })).toThrow(ConfigError);
    expect(() => toArrow(table, { types: { score: new Int32() } })).toThrow(
      "config 'types.score': column 'score' is float64, which cannot be written as Arrow Int32; write it as Float64",
    );
    expect(() => toArrow(table, { types: { score: "float" as never } })).toThrow(
      "must be an apache-arrow DataType",
    );
  });

  it("an integer outside the range of the integer type asked for", () => {
    const table = one("n", columnFromCells("int32", [1, 300]) as AnyColumn);
    expect(() => toArrow(table, { types: { n: new Int8() } })).toThrow(
      new DataError("column 'n' row 1", "300 does not fit Arrow Int8 (-128 to 127)"),
    );
    const negative = one("n", columnFromCells("int64", [-1n]) as AnyColumn);
    expect(() => toArrow(negative, { types: { n: new Uint64() } })).toThrow(DataError);
  });

  it("a timestamp that the unit asked for would round or overflow", () => {
    const table = one("t", columnFromValues("timestamp", BigInt64Array.of(0n, 1500n)) as AnyColumn);
    expect(() => toArrow(table, { types: { t: new TimestampMillisecond("UTC") } })).toThrow(
      "column 't' row 1: 1500 µs is not a whole number of the unit of Timestamp<MILLISECOND, UTC>",
    );
    const far = one(
      "t",
      columnFromValues("timestamp", BigInt64Array.of(253402300799999999n)) as AnyColumn,
    );
    expect(() => toArrow(far, { types: { t: new TimestampNanosecond() } })).toThrow(
      "column 't' row 0: 253402300799999999 µs overflows int64 nanoseconds",
    );
  });

  it("a string with a lone surrogate, which UTF-8 cannot encode", () => {
    const table = one("s", columnFromCells("string", ["ok", "bad \uD800 half"]) as AnyColumn);
    expect(() => toArrow(table)).toThrow(DataError);
    expect(() => toArrow(table)).toThrow("column 's' row 1");
  });

  it("more distinct strings than the dictionary's index type can number", () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    const table = one("s", columnFromCells("string", words) as AnyColumn);
    expect(() => toArrow(table, { types: { s: new Dictionary(new Utf8(), new Uint8()) } })).toThrow(
      "column 's' row 256: 256 does not fit Arrow Uint8",
    );
  });

  it("an IPC format other than stream and file", () => {
    expect(() => toArrowIPC(MetaTable.empty(1), { format: "json" as never })).toThrow(
      new ConfigError("format", 'must be "stream" or "file", got "json"'),
    );
  });
});

describe("fromArrow refuses", () => {
  it("Arrow types no MetaTable type holds, naming the column and the type", () => {
    const decimal = makeVector(
      makeData({ type: new Decimal(2, 10, 128), length: 1, data: new Uint32Array(4) }),
    );
    expect(() => fromArrow(new Table({ price: decimal }))).toThrow(UnsupportedError);
    expect(() => fromArrow(new Table({ price: decimal }))).toThrow(
      "column 'price' has Arrow type Decimal[10e+2], which no MetaTable type holds exactly",
    );
    const struct = vectorFromArray([{ a: 1 }], new Struct([new Field("a", new Int32(), true)]));
    expect(() => fromArrow(new Table({ nested: struct }))).toThrow(UnsupportedError);
    const ints = vectorFromArray([[1]], new List(new Field("item", new Int32(), true)));
    expect(() => fromArrow(new Table({ ints }))).toThrow("List<Int32>");
  });

  it("a Uint64 above the int64 range", () => {
    const big = vectorFromArray([1n, 2n ** 64n - 1n], new Uint64());
    expect(() => fromArrow(new Table({ big }))).toThrow(
      new DataError(
        "column 'big' row 1",
        "Uint64 18446744073709551615 is above the int64 maximum 9223372036854775807",
      ),
    );
  });

  it("nanoseconds that are not whole microseconds", () => {
    const nanos = makeVector(
      makeData({
        type: new TimestampNanosecond("UTC"),
        length: 2,
        data: BigInt64Array.of(1000n, 1001n),
      }),
    );
    expect(() => fromArrow(new Table({ t: nanos }))).toThrow(
      "column 't' row 1: 1001 ns is not a whole number of microseconds",
    );
  });

  it("a list with a null item", () => {
    const lists = vectorFromArray(
      [["a"], ["b", null]],
      new List(new Field("item", new Utf8(), true)),
    );
    expect(() => fromArrow(new Table({ tags: lists }))).toThrow(
      new DataError(
        "column 'tags' row 1 item 1",
        "is null, which list<string> cannot hold; drop or replace null elements first",
      ),
    );
  });

  it("bytes that are not UTF-8", () => {
    const bad = makeVector(
      makeData({
        type: new Utf8(),
        length: 2,
        valueOffsets: Int32Array.of(0, 1, 3),
        data: Uint8Array.of(0x61, 0xc3, 0x28),
      }),
    );
    expect(() => fromArrow(new Table({ s: bad }))).toThrow(
      new DataError("column 's' row 1", "holds bytes that are not UTF-8"),
    );
  });

  it("something that is not an Arrow table", () => {
    expect(() => fromArrow({} as never)).toThrow(DataError);
    expect(() => fromArrow(null as never)).toThrow("must be an apache-arrow Table");
  });
});
