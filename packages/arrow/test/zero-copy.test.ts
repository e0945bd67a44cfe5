/** Numeric columns cross between MetaTable and Arrow without copying their values. */

import { columnFromCells, columnFromValues, MetaTable } from "@tt/schema";
import { makeVector, Table, tableFromIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { fromArrow, toArrow, toArrowIPC } from "../src/index.js";

const NUMERIC = ["int32", "int64", "float32", "float64", "timestamp"] as const;

/** The memory a typed array views: its buffer and byte range. */
function range(values: unknown) {
  const view = values as ArrayBufferView;
  return { buffer: view.buffer, byteOffset: view.byteOffset, byteLength: view.byteLength };
}

/** A table of the numeric types whose values sit in the middle of one shared buffer. */
function numericTable(valid?: Uint8Array): MetaTable {
  const buffer = new ArrayBuffer(1024);
  return MetaTable.fromColumns({
    int32: columnFromValues("int32", new Int32Array(buffer, 8, 3).fill(-7), valid),
    int64: columnFromValues("int64", new BigInt64Array(buffer, 64, 3).fill(2n ** 62n), valid),
    float32: columnFromValues("float32", new Float32Array(buffer, 128, 3).fill(0.5), valid),
    float64: columnFromValues("float64", new Float64Array(buffer, 256, 3).fill(Math.PI), valid),
    timestamp: columnFromValues("timestamp", new BigInt64Array(buffer, 512, 3).fill(1n), valid),
  });
}

describe("toArrow", () => {
  it("hands Arrow the very memory of numeric columns without nulls", () => {
    const table = numericTable();
    const arrow = toArrow(table);
    for (const name of NUMERIC) {
      const data = arrow.getChild(name)!.data[0]!;
      expect(range(data.values), name).toEqual(range(table.column(name).values));
    }
  });

  it("shares the values of numeric columns with nulls too, adding only a bitmap", () => {
    const table = numericTable(Uint8Array.of(1, 0, 1));
    const arrow = toArrow(table);
    for (const name of NUMERIC) {
      const data = arrow.getChild(name)!.data[0]!;
      expect(range(data.values), name).toEqual(range(table.column(name).values));
      expect(data.nullCount).toBe(1);
    }
  });
});

describe("fromArrow", () => {
  it("takes the very memory of Arrow numeric vectors without nulls", () => {
    const arrays = {
      int32: Int32Array.of(1, 2, 3),
      int64: BigInt64Array.of(1n, 2n, 3n),
      float32: Float32Array.of(1, 2, 3),
      float64: Float64Array.of(1, 2, 3),
    };
    const arrow = new Table(
      Object.fromEntries(
        Object.entries(arrays).map(([name, values]) => [name, makeVector(values)]),
      ),
    );
    const meta = fromArrow(arrow);
    for (const [name, values] of Object.entries(arrays)) {
      expect(range(meta.column(name).values), name).toEqual(range(values));
    }
  });

  it("takes numeric columns straight out of the IPC bytes, timestamps included", () => {
    const bytes = toArrowIPC(numericTable());
    const meta = fromArrow(tableFromIPC(bytes));
    for (const name of NUMERIC)
      expect(range(meta.column(name).values).buffer, name).toBe(bytes.buffer);
  });

  it("copies a column with nulls, so that null rows hold 0 as MetaTable wants", () => {
    const arrow = toArrow(
      MetaTable.fromColumns({ score: columnFromCells("float64", [1, null, 3]) }),
    );
    const values = arrow.getChild("score")!.data[0]!.values as Float64Array;
    values[1] = 99; // what another Arrow writer may leave in a null slot
    const meta = fromArrow(arrow);
    expect(range(meta.column("score").values).buffer).not.toBe(values.buffer);
    expect([...(meta.column("score").values as Float64Array)]).toEqual([1, 0, 3]);
  });
});
