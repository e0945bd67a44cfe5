import { describe, expect, it } from "vitest";
import {
  columnFromCells,
  columnFromValues,
  DataError,
  InvalidSelectionError,
  LOGICAL_TYPES,
  MetaTable,
  NotFoundError,
} from "../src/index.js";

const table = () =>
  MetaTable.fromColumns({
    instance_id: columnFromCells("string", ["e0", "e1", "e2", "e3"]),
    label: columnFromCells("string", ["target", null, "standard", "target"]),
    qc_pass: columnFromCells("boolean", [true, false, null, true]),
    n: columnFromCells("int32", [1, 2, 3, -4]),
    big: columnFromCells("int64", [2n ** 62n, 0, null, -1n]),
    score: columnFromCells("float64", [0.5, Number.NaN, null, 0.9]),
    f32: columnFromCells("float32", [0.25, 1, 2, 3]),
    at: columnFromCells("timestamp", [
      new Date("2024-01-02T03:04:05.678Z"),
      null,
      new Date(0),
      new Date(-1000),
    ]),
    tags: columnFromCells("list<string>", [["a"], [], null, ["b", "c"]]),
  });

describe("columns", () => {
  it("covers every logical type of the spec", () => {
    expect(
      table()
        .schema.map((f) => f.type)
        .sort(),
    ).toEqual([...LOGICAL_TYPES, "string"].sort());
  });

  it("keeps null apart from NaN and from empty values", () => {
    const t = table();
    expect(t.get(1, "score")).toBeNaN();
    expect(t.get(2, "score")).toBeNull();
    expect(t.get(1, "tags")).toEqual([]);
    expect(t.get(2, "tags")).toBeNull();
    expect(t.get(1, "label")).toBeNull();
  });

  it("stores timestamps as microseconds since the epoch", () => {
    const at = table().typedColumn("at", "timestamp");
    expect(at.values[0]).toBe(1704164645678000n);
    expect(at.values[3]).toBe(-1000000n);
    expect(table().get(0, "at")).toEqual(new Date("2024-01-02T03:04:05.678Z"));
  });

  it("rejects a cell that does not fit its type, naming the row", () => {
    expect(() => columnFromCells("int32", [1, 2.5])).toThrow(
      /row 1: number 2.5 is not a valid int32 value/,
    );
    expect(() => columnFromCells("int32", [2 ** 31])).toThrow(DataError);
    expect(() => columnFromCells("boolean", [true, 1])).toThrow(
      /row 1: number 1 is not a valid boolean/,
    );
    expect(() => columnFromCells("string", ["a", 3])).toThrow(/row 1/);
    expect(() => columnFromCells("int64", [2n ** 63n])).toThrow(/not a valid int64/);
    expect(() => columnFromCells("timestamp", [new Date("nope")])).toThrow(/valid Date/);
    expect(() => columnFromCells("list<string>", [["a", 1]])).toThrow(/array of strings/);
  });

  it("rejects raw values of the wrong storage and masks of the wrong length", () => {
    expect(() =>
      columnFromValues("float64", new Float32Array(2) as unknown as Float64Array),
    ).toThrow(/Float64Array/);
    expect(() => columnFromValues("int32", new Int32Array(3), new Uint8Array(2))).toThrow(
      /2 entries for 3 values/,
    );
  });
});

describe("MetaTable", () => {
  it("selects rows by indices, mask and slice, keeping types and nulls", () => {
    const t = table();
    const taken = t.take([3, 1, 1]);
    expect(taken.numRows).toBe(3);
    expect(taken.column("instance_id").values).toEqual(["e3", "e1", "e1"]);
    expect(taken.get(1, "label")).toBeNull();
    expect(taken.typedColumn("big", "int64").values[0]).toBe(-1n);
    expect(t.filter([true, false, 1, 0]).column("instance_id").values).toEqual(["e0", "e2"]);
    expect(t.slice(1, 3).get(1, "qc_pass")).toBeNull();
    expect(t.slice(2, 2).numRows).toBe(0);
  });

  it("reports bad selections as selection errors", () => {
    const t = table();
    expect(() => t.take([0, 4])).toThrow(InvalidSelectionError);
    expect(() => t.take([0, 4])).toThrow(/index 4 at position 1 is outside 0..3/);
    expect(() => t.filter([true])).toThrow(/mask has 1 entries for 4 rows/);
    expect(() => t.slice(3, 5)).toThrow(/slice 3:5 does not fit 0:4/);
    expect(() => t.row(9)).toThrow(/row 9 is outside/);
  });

  it("lists the available columns when one is missing", () => {
    const error = (() => {
      try {
        table().column("scroe");
      } catch (e) {
        return e as NotFoundError;
      }
    })();
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error?.message).toMatch(
      /no column 'scroe'; available columns: instance_id, label, qc_pass/,
    );
    expect(error?.available).toContain("score");
  });

  it("selects, adds, replaces and drops columns without touching the original", () => {
    const t = table();
    const selected = t.select(["score", "instance_id"]);
    expect(selected.columnNames).toEqual(["score", "instance_id"]);
    const added = t.withColumn("rank", columnFromCells("int32", [4, 3, 2, 1]));
    expect(added.columnNames.at(-1)).toBe("rank");
    const replaced = added.withColumn("label", columnFromCells("string", ["a", "b", "c", "d"]));
    expect(replaced.columnNames).toEqual(added.columnNames);
    expect(replaced.get(1, "label")).toBe("b");
    expect(t.has("rank")).toBe(false);
    expect(t.drop(["tags", "at"]).columnNames).not.toContain("tags");
    expect(() => t.drop(["nope"])).toThrow(NotFoundError);
  });

  it("rejects columns of unequal length and duplicate names", () => {
    expect(() =>
      MetaTable.fromColumns({
        a: columnFromCells("int32", [1, 2]),
        b: columnFromCells("int32", [1]),
      }),
    ).toThrow(/column 'b': has 1 rows, expected 2/);
    expect(() =>
      MetaTable.fromColumns([
        ["a", columnFromCells("int32", [1])],
        ["a", columnFromCells("int32", [2])],
      ]),
    ).toThrow(/appears twice/);
    expect(() => MetaTable.fromColumns({})).toThrow(/needs an explicit numRows/);
    expect(MetaTable.empty(5).numRows).toBe(5);
  });

  it("builds from records, inferring types, and converts back", () => {
    const records = [
      { id: "a", score: 1.5, ok: true, n: 3n, when: new Date(1000), tags: ["x"] },
      { id: "b", score: null, ok: false, n: null, when: null, tags: null },
    ];
    const t = MetaTable.fromRecords(records);
    expect(t.schema).toEqual([
      { name: "id", type: "string" },
      { name: "score", type: "float64" },
      { name: "ok", type: "boolean" },
      { name: "n", type: "int64" },
      { name: "when", type: "timestamp" },
      { name: "tags", type: "list<string>" },
    ]);
    expect(t.toRecords()).toEqual(records);
  });

  it("honours explicit types and refuses mixed columns, naming column and rows", () => {
    const t = MetaTable.fromRecords([{ k: 1 }, { k: 2 }], { k: "int32", empty: "float64" });
    expect(t.column("k").type).toBe("int32");
    expect(t.column("empty").type).toBe("float64");
    expect(() => MetaTable.fromRecords([{ v: 1 }, { v: "1" }])).toThrow(
      /column 'v' row 1: holds a string value but row 0 holds a float64/,
    );
    expect(() => MetaTable.fromRecords([{ v: 1.5 }], { v: "int32" })).toThrow(/column 'v' row 0/);
    expect(() => MetaTable.fromRecords([{ v: { nested: true } }])).toThrow(
      /cannot store a value of type object/,
    );
    expect(MetaTable.fromRecords([{ v: null }]).column("v").type).toBe("string");
  });
});

describe("MetaTable.concat", () => {
  it("stacks rows, unions columns and fills absent ones with nulls", () => {
    const a = MetaTable.fromRecords([
      { id: "a", score: 1 },
      { id: "b", score: null },
    ]);
    const b = MetaTable.fromRecords([{ id: "c", group: "g1" }]);
    const joined = MetaTable.concat([a, b, MetaTable.empty(0)]);
    expect(joined.columnNames).toEqual(["id", "score", "group"]);
    expect(joined.toRecords()).toEqual([
      { id: "a", score: 1, group: null },
      { id: "b", score: null, group: null },
      { id: "c", score: null, group: "g1" },
    ]);
  });

  it("refuses a column whose type differs between tables, naming both", () => {
    const a = MetaTable.fromRecords([{ score: 1 }]);
    const b = MetaTable.fromRecords([{ score: "high" }]);
    expect(() => MetaTable.concat([a, b])).toThrow(
      /column 'score': is float64 in table 0 but string in table 1/,
    );
  });
});
