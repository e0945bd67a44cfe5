/**
 * The selection's export: `instance_id`, the result's columns and the instance metadata of the
 * selected rows in the selection's order, read back from Arrow IPC (`fromArrowIPC`) and from
 * Parquet (`@tt/meta-parquet`'s reader) equal to the session's own table, every type and null
 * kept, and by DuckDB-wasm from the IPC; and the clipboard copy with and without a clipboard.
 */

import { fromArrowIPC } from "@tt/arrow";
import { parquetMetaIO } from "@tt/meta-parquet";
import { openDuckDbWasm, randomWaveforms } from "@tt/test-fixtures";
import {
  columnFromCells,
  createMemoryStore,
  createTensor,
  datasetFromTensor,
  decompose,
  MetaTable,
} from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { ARROW_CLIPBOARD_FORMAT, copyArrowIPC, toBase64 } from "../src/selection-export.js";
import {
  selectionArrowIPC,
  selectionFileName,
  selectionMetaTable,
  selectionParquet,
  selectionTable,
} from "../src/selection-table.js";
import { createSession } from "../src/session.js";

const IDS = Array.from({ length: 12 }, (_, i) => `i${i}`);
/** Instance metadata of every logical type, each with a null. */
const METADATA = MetaTable.fromColumns({
  instance_id: columnFromCells("string", IDS),
  label: columnFromCells(
    "string",
    IDS.map((_, i) => (i === 3 ? null : i % 2 ? "target" : "std")),
  ),
  count: columnFromCells(
    "int64",
    IDS.map((_, i) => (i === 5 ? null : 2n ** 40n + BigInt(i))),
  ),
  ok: columnFromCells(
    "boolean",
    IDS.map((_, i) => (i === 6 ? null : i % 3 === 0)),
  ),
  at: columnFromCells(
    "timestamp",
    IDS.map((_, i) => (i === 4 ? null : new Date(Date.UTC(2024, 0, 1 + i, 12)))),
  ),
  weight: columnFromCells(
    "float32",
    IDS.map((_, i) => (i === 7 ? null : i / 4)),
  ),
  trial: columnFromCells(
    "int32",
    IDS.map((_, i) => (i === 8 ? null : i * 10)),
  ),
  tags: columnFromCells(
    "list<string>",
    IDS.map((_, i) => (i === 9 ? null : [`t${i}`, "x"])),
  ),
});

/** A PCA of instances 2..9 of the waveforms carrying {@link METADATA}, browsed as a session. */
async function session() {
  const tensor = createTensor({
    ...randomWaveforms(),
    axisMeta: { ...randomWaveforms().axisMeta, instance: METADATA },
  });
  const result = await decompose(datasetFromTensor(tensor).slice("instance", 2, 10), "pca", {
    rank: 2,
  });
  return createSession(tensor, result, { resultUrl: "http://127.0.0.1:8080/runs/pca%20b/" });
}

/** The selection out of table order, with rows holding each null. */
const ROWS = Int32Array.of(7, 0, 3, 1, 2, 6, 5, 4);

describe("the selection table", () => {
  it("has instance_id, the result's columns and the metadata of the selected rows, in order", async () => {
    const s = await session();
    const table = selectionMetaTable(s, ROWS);
    const resultColumns = s.result.factorTables.instance!.columnNames.slice(1);
    expect(resultColumns.slice(0, 2)).toEqual(["score_1", "score_2"]);
    expect(table.columnNames).toEqual([
      "instance_id",
      ...resultColumns,
      ...METADATA.columnNames.slice(1),
    ]);
    // The session's table holds instances 2..9, so row r is instance r + 2.
    expect(table.column("instance_id").values).toEqual(Array.from(ROWS, (r) => `i${r + 2}`));
    for (const [at, row] of ROWS.entries()) {
      expect(table.row(at)).toEqual(s.table.row(row));
      expect(table.get(at, "label")).toEqual(METADATA.get(row + 2, "label"));
      expect(table.get(at, "score_2")).toBe(s.result.factorTables.instance!.get(row, "score_2"));
    }
    expect(table.get(ROWS.indexOf(3), "count")).toBeNull();
    expect(table.schema).toEqual(
      table.columnNames.map((name) => s.table.schema.find((field) => field.name === name)),
    );
  });

  it("reads back from Arrow IPC with fromArrowIPC unchanged, types and nulls kept", async () => {
    const s = await session();
    const expected = selectionMetaTable(s, ROWS);
    const back = fromArrowIPC(await selectionArrowIPC(s, ROWS));
    expect(back.schema).toEqual(expected.schema);
    expect(back.toRecords()).toEqual(expected.toRecords());
    const arrow = await selectionTable(s, ROWS);
    expect(arrow.numRows).toBe(ROWS.length);
    expect(arrow.schema.fields.map((field) => field.name)).toEqual(expected.columnNames);
    expect(Array.from(arrow.getChild("score_1")!.toArray() as Float64Array)).toEqual(
      Array.from(ROWS, (row) => s.table.get(row, "score_1")),
    );
    expect(arrow.getChild("count")!.get(ROWS.indexOf(3))).toBeNull();
    expect(arrow.getChild("count")!.get(0)).toBe(2n ** 40n + 9n);
  });

  it("reads back from Parquet with the bundles' reader unchanged, types and nulls kept", async () => {
    const s = await session();
    const expected = selectionMetaTable(s, ROWS);
    const store = createMemoryStore();
    await store.set("selection.parquet", await selectionParquet(s, ROWS));
    const back = await parquetMetaIO.read(store, "selection.parquet");
    expect(back.schema).toEqual(expected.schema);
    expect(back.toRecords()).toEqual(expected.toRecords());
  });

  it("is read by DuckDB-wasm from its Arrow IPC: the selection's rows in order, nulls filtered by SQL", async () => {
    const s = await session();
    const duckdb = await openDuckDbWasm();
    try {
      duckdb.insertArrowIPC("selection", await selectionArrowIPC(s, ROWS));
      const rows = duckdb.rows(
        "SELECT instance_id, score_1, label, count FROM selection WHERE label IS NOT NULL",
      );
      const expected = Array.from(ROWS)
        .filter((row) => s.table.get(row, "label") !== null)
        .map((row) => ({
          instance_id: s.table.get(row, "instance_id"),
          score_1: s.table.get(row, "score_1"),
          label: s.table.get(row, "label"),
          count: s.table.get(row, "count"),
        }));
      expect(rows).toEqual(expected);
    } finally {
      await duckdb.close();
    }
  });

  it("is named after the result's folder, else its method", async () => {
    const s = await session();
    expect(selectionFileName(s, ".parquet")).toBe("pca_b-selection.parquet");
    expect(selectionFileName({ ...s, resultUrl: undefined }, ".arrows")).toBe(
      "pca-selection.arrows",
    );
  });
});

describe("copying Arrow IPC", () => {
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);

  it("writes base64 text where the browser has no Arrow clipboard format", async () => {
    const written: string[] = [];
    const clipboard = { writeText: async (text: string) => void written.push(text) } as Clipboard;
    expect(await copyArrowIPC(bytes, { clipboard, ClipboardItem: undefined })).toBe("base64");
    expect(Buffer.from(written[0]!, "base64").equals(bytes)).toBe(true);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
  });

  it("writes the bytes as the web custom format beside the base64 text where it can", async () => {
    const items: Record<string, Blob>[] = [];
    class Item {
      static supports = (type: string) => type === ARROW_CLIPBOARD_FORMAT;
      constructor(readonly parts: Record<string, Blob>) {}
    }
    const clipboard = {
      write: async (list: Item[]) => void items.push(...list.map((item) => item.parts)),
    } as unknown as Clipboard;
    const access = { clipboard, ClipboardItem: Item as unknown as typeof ClipboardItem };
    expect(await copyArrowIPC(bytes, access)).toBe("binary and base64");
    const binary = new Uint8Array(await items[0]![ARROW_CLIPBOARD_FORMAT]!.arrayBuffer());
    expect(Buffer.from(binary).equals(bytes)).toBe(true);
    expect(await items[0]!["text/plain"]!.text()).toBe(toBase64(bytes));
  });

  it("fails without a clipboard, so the page downloads instead", async () => {
    await expect(
      copyArrowIPC(bytes, { clipboard: undefined, ClipboardItem: undefined }),
    ).rejects.toThrow("this page has no clipboard (not a secure context)");
  });
});
