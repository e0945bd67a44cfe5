/** Our tables through Arrow and back, and Arrow tables through ours and back, type by type. */

import {
  type AnyColumn,
  columnFromCells,
  columnFromValues,
  LOGICAL_TYPES,
  MetaTable,
} from "@tt/schema";
import {
  DateDay,
  DateMillisecond,
  Dictionary,
  Field,
  Float16,
  Int8,
  Int16,
  Int32,
  LargeUtf8,
  List,
  makeData,
  makeVector,
  Null,
  Table,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  tableFromIPC,
  tableToIPC,
  Uint8,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { fromArrow, fromArrowIPC, toArrow, toArrowIPC } from "../src/index.js";
import { everyTypeTable, expectSameTable, VALID } from "./tables.js";

describe("our table -> Arrow -> our table", () => {
  it("covers every logical type", () => {
    expect(everyTypeTable().schema.map((field) => field.type)).toEqual(LOGICAL_TYPES);
  });

  it("keeps every type, value and null", () => {
    const table = everyTypeTable();
    expectSameTable(fromArrow(toArrow(table)), table);
  });

  it("keeps columns without nulls", () => {
    const table = everyTypeTable(undefined);
    expectSameTable(fromArrow(toArrow(table)), table);
  });

  it("keeps columns of only nulls", () => {
    const table = MetaTable.fromColumns(
      LOGICAL_TYPES.map(
        (type) => [type, columnFromCells(type, [null, null, null]) as AnyColumn] as const,
      ),
    );
    expectSameTable(fromArrow(toArrow(table)), table);
  });

  it("keeps empty tables: no rows, and rows without columns", () => {
    const noRows = everyTypeTable().slice(0, 0);
    expectSameTable(fromArrow(toArrow(noRows)), noRows);
    const noColumns = MetaTable.empty(5);
    expect(fromArrow(toArrow(noColumns)).numRows).toBe(5);
    expect(fromArrow(toArrow(MetaTable.empty())).numRows).toBe(0);
  });

  it("keeps every value through IPC, stream and file format", () => {
    const table = everyTypeTable();
    expectSameTable(fromArrowIPC(toArrowIPC(table)), table);
    expectSameTable(fromArrowIPC(toArrowIPC(table, { format: "file" })), table);
    expectSameTable(fromArrowIPC(toArrowIPC(table.slice(0, 0))), table.slice(0, 0));
  });

  it("writes each logical type as its documented Arrow type", () => {
    const fields = toArrow(everyTypeTable()).schema.fields;
    expect(fields.map((field) => `${field.name}: ${field.type}`)).toEqual([
      "string: Utf8",
      "boolean: Bool",
      "int32: Int32",
      "int64: Int64",
      "float32: Float32",
      "float64: Float64",
      "timestamp: Timestamp<MICROSECOND, UTC>",
      "list<string>: List<Utf8>",
    ]);
    expect(fields.every((field) => field.nullable)).toBe(true);
  });

  it("writes the Arrow types asked for and reads them back to the same table", () => {
    const table = everyTypeTable();
    const types = {
      string: new Dictionary(new Utf8(), new Int8()),
      int32: new Int32(),
      int64: new Uint64(),
      timestamp: new TimestampNanosecond("Europe/Paris"),
    };
    const instants = [0n, 0n, -1n, 1700000000123456n, 1n, 2n, 3n];
    const positive = table
      .withColumn("int64", columnFromCells("int64", [0n, null, 1n, 2n, 3n, 4n, 5n]))
      .withColumn("timestamp", columnFromValues("timestamp", BigInt64Array.from(instants), VALID));
    const arrow = toArrow(positive, { types });
    expect(String(arrow.schema.fields[0]!.type)).toBe("Dictionary<Int8, Utf8>");
    expect(String(arrow.schema.fields[6]!.type)).toBe("Timestamp<NANOSECOND, Europe/Paris>");
    expectSameTable(fromArrow(arrow), positive);
    expectSameTable(fromArrowIPC(tableToIPC(arrow)), positive);
  });
});

/** An Arrow table of the given columns. */
function arrowTable(columns: Record<string, Vector>): Table {
  return new Table(columns);
}

/** Asserts that two Arrow tables have the same schema and the same JavaScript values. */
function expectSameArrow(actual: Table, expected: Table): void {
  expect(actual.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(
    expected.schema.fields.map((f) => `${f.name}: ${f.type}`),
  );
  expect(actual.numRows).toBe(expected.numRows);
  for (const field of expected.schema.fields) {
    const values = (table: Table) => {
      const vector = table.getChild(field.name)!;
      return Array.from({ length: table.numRows }, (_, row) => {
        const value = vector.get(row);
        return value !== null && typeof value === "object" && "toArray" in value
          ? [...value.toArray()]
          : value;
      });
    };
    expect(values(actual), field.name).toEqual(values(expected));
  }
}

describe("Arrow table -> our table -> Arrow table", () => {
  const date = Date.UTC(2024, 1, 29, 12, 30, 15, 250);

  it("keeps tables of the default types, nulls included", () => {
    const arrow = toArrow(everyTypeTable());
    expectSameArrow(toArrow(fromArrow(tableFromIPC(tableToIPC(arrow)))), arrow);
  });

  it("keeps timestamp units and zones, dates, dictionaries and narrow integers given the schema", () => {
    const arrow = arrowTable({
      seconds: vectorFromArray([date - 250, null], new TimestampSecond("UTC")),
      millis: vectorFromArray([date, null], new TimestampMillisecond("America/New_York")),
      naive: vectorFromArray([date, null], new TimestampMillisecond()),
      nanos: makeVector(
        makeData({
          type: new TimestampNanosecond("UTC"),
          length: 2,
          nullCount: 1,
          nullBitmap: Uint8Array.of(1),
          data: BigInt64Array.of(BigInt(date) * 1_000_000n, 0n),
        }),
      ),
      day: vectorFromArray([Date.UTC(2024, 1, 29), null], new DateDay()),
      day_ms: vectorFromArray([date, null], new DateMillisecond()),
      label: vectorFromArray(["target", null], new Dictionary(new Utf8(), new Int16())),
      large: vectorFromArray(["x", null], new LargeUtf8()),
      tiny: vectorFromArray([-128, null], new Int8()),
      byte: vectorFromArray([255, null], new Uint8()),
      count: vectorFromArray([4294967295, null], new Uint32()),
      tags: vectorFromArray([["a", "b"], null], new List(new Field("item", new Utf8(), false))),
    });
    const meta = fromArrow(arrow);
    expect(meta.schema.map((f) => f.type)).toEqual([
      ...Array(6).fill("timestamp"),
      "string",
      "string",
      "int32",
      "int32",
      "int64",
      "list<string>",
    ]);
    expect(meta.get(0, "millis")).toEqual(new Date(date));
    expect(meta.get(0, "day")).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expectSameArrow(toArrow(meta, { types: arrow.schema }), arrow);
  });

  it("reads Float16 as float32 and a Null column as an all-null string column", () => {
    const arrow = arrowTable({
      half: vectorFromArray([1, -2, Infinity, 2 ** -24], new Float16()),
      nothing: vectorFromArray([null, null, null, null], new Null()),
    });
    const meta = fromArrow(arrow);
    expect(meta.column("half").type).toBe("float32");
    expect([...(meta.column("half").values as Float32Array)]).toEqual([1, -2, Infinity, 2 ** -24]);
    expect(meta.column("nothing")).toMatchObject({
      type: "string",
      valid: Uint8Array.of(0, 0, 0, 0),
    });
  });

  it("joins the record batches of a table of several", () => {
    const table = everyTypeTable();
    const batches = [...toArrow(table.slice(0, 3)).batches, ...toArrow(table.slice(3, 7)).batches];
    const arrow = new Table(batches);
    expect(arrow.batches).toHaveLength(2);
    expectSameTable(fromArrow(arrow), table);
  });

  it("reads sliced vectors at their offset", () => {
    const table = everyTypeTable();
    expectSameTable(fromArrow(toArrow(table).slice(2, 6)), table.slice(2, 6));
  });
});
