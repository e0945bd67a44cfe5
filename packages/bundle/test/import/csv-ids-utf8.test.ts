/**
 * CSV id columns (`idColumns`: a repeated or missing id names the lines) and the UTF-8 check of
 * readCsvFile (an invalid byte is a DataError with its line and byte offset, not a U+FFFD).
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, DataError } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/import/csv.js";
import { readCsvFile } from "../../src/import/csv-file.js";
import { firstInvalidUtf8 } from "../../src/import/utf8.js";
import { errorOf } from "./error-of.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tt-csv-ids-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true });
});

/** Writes `content` to `name` in the test folder and returns the DataError of reading it. */
async function readError(name: string, content: string | Uint8Array, idColumns?: string[]) {
  const path = join(dir, name);
  await writeFile(path, content);
  const error = await readCsvFile(path, idColumns && { idColumns }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return { path, error: error as DataError };
}

describe("idColumns", () => {
  it("names the file, the line of the repeat, the line of the first occurrence and the column", async () => {
    const csv = "epoch_id,label\ne1,a\ne2,b\n\ne3,c\ne2,d\n";
    const { path, error } = await readError("epochs.csv", csv, ["epoch_id"]);
    expect(error.message).toBe(
      `${path} line 6, column 'epoch_id': repeats the id "e2" of line 3; ids must be unique`,
    );
    expect(error.where).toBe(`${path} line 6, column 'epoch_id'`);
  });

  it("counts lines inside quoted fields and CRLF line ends", () => {
    const csv = 'id,note\r\n1,"two\r\nlines"\r\n2,x\r\n1,y\r\n';
    expect(errorOf(() => parseCsv(csv, { idColumns: ["id"] })).message).toBe(
      `line 5, column 'id': repeats the id "1" of line 2; ids must be unique`,
    );
  });

  it("compares the values as typed and shows both spellings when they differ", () => {
    const csv = "id\n10\n1e1\n";
    expect(
      errorOf(() => parseCsv(csv, { idColumns: ["id"], types: { id: "float64" } })).message,
    ).toBe(
      `line 3, column 'id': repeats the id "1e1" of line 2 (written "10" there); ids must be unique`,
    );
  });

  it("finds repeats in an int64 column", () => {
    const csv = "id\n9007199254740993\n9007199254740992\n9007199254740993\n";
    expect(errorOf(() => parseCsv(csv, { idColumns: ["id"] })).message).toBe(
      `line 4, column 'id': repeats the id "9007199254740993" of line 2; ids must be unique`,
    );
  });

  it("refuses a missing id", () => {
    expect(errorOf(() => parseCsv("id,x\na,1\nNA,2\n", { idColumns: ["id"] })).message).toBe(
      `line 3, column 'id': "NA" is null, but 'id' holds ids: every row needs one`,
    );
  });

  it("refuses an id column that is not in the header", () => {
    const error = errorOf(() => parseCsv("a,b\n1,2\n", { idColumns: ["id"] }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      "idColumns[0]: column 'id' is not in the header; the columns are a, b",
    );
  });

  it("refuses idColumns that is not an array of names", () => {
    const error = errorOf(() => parseCsv("a\n1\n", { idColumns: "a" as unknown as string[] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`config 'idColumns': must be an array of column names, got "a"`);
  });

  it("reads unique ids, and repeats in other columns are fine", () => {
    const table = parseCsv("id,label\na,x\nb,x\n", { idColumns: ["id"] });
    expect(table.column("id").values).toEqual(["a", "b"]);
  });
});

describe("readCsvFile and UTF-8", () => {
  it("names the line and byte offset of a Latin-1 byte instead of replacing it", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("id,city\na,Paris\nb,Montr"),
      0xe9, // é in Latin-1
      ...new TextEncoder().encode("al\n"),
    ]);
    const { path, error } = await readError("latin1.csv", bytes);
    expect(error.message).toBe(
      `${path} line 3, byte offset 23: is not valid UTF-8 (0xE9): the file must be UTF-8; if it was saved as Latin-1 or Windows-1252, convert it (for example iconv -f WINDOWS-1252 -t UTF-8)`,
    );
  });

  it("counts CR and CRLF line ends and multi-byte characters before the fault", async () => {
    const head = new TextEncoder().encode("id,name\r\nß,Zoë\rx,");
    const bytes = new Uint8Array([...head, 0xc3, 0x28, 0x0a]);
    const { path, error } = await readError("crlf.csv", bytes);
    expect(error.where).toBe(`${path} line 3, byte offset ${head.length}`);
    expect(error.message).toContain("is not valid UTF-8 (0xC3)");
  });

  it("reports a UTF-16 file as UTF-16", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x69, 0x00, 0x64, 0x00, 0x0a, 0x00]);
    const { path, error } = await readError("utf16.csv", utf16);
    expect(error.message).toBe(
      `${path} line 1, byte offset 0: starts with a UTF-16 byte order mark (0xFF 0xFE): the file is UTF-16, not UTF-8; save it as UTF-8`,
    );
  });

  it("accepts a UTF-8 byte order mark and keeps real U+FFFD characters", async () => {
    const path = join(dir, "bom.csv");
    await writeFile(path, "\ufeffid,x\na,\ufffd é\n");
    const table = await readCsvFile(path, { idColumns: ["id"] });
    expect(table.columnNames).toEqual(["id", "x"]);
    expect(table.row(0)).toEqual({ id: "a", x: "\ufffd é" });
  });
});

describe("firstInvalidUtf8", () => {
  // Each case: bytes, and the offset and length of the first invalid sequence as WHATWG's
  // decoder delimits it (U+FFFD replacements from new TextDecoder().decode).
  const cases: [string, number[], { offset: number; length: number } | undefined][] = [
    [
      "valid text with 2-, 3- and 4-byte characters",
      [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80],
      undefined,
    ],
    ["a lone continuation byte", [0x61, 0x80], { offset: 1, length: 1 }],
    ["an overlong 2-byte form", [0xc0, 0xaf], { offset: 0, length: 1 }],
    ["an overlong 3-byte form", [0xe0, 0x80, 0xaf], { offset: 0, length: 1 }],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80], { offset: 0, length: 1 }],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], { offset: 0, length: 1 }],
    ["a truncated 3-byte sequence", [0x61, 0xe2, 0x82], { offset: 1, length: 2 }],
    ["a 3-byte sequence cut by ASCII", [0xe2, 0x82, 0x41], { offset: 0, length: 2 }],
    ["0xFF", [0x41, 0xff], { offset: 1, length: 1 }],
  ];
  it.each(cases)("%s", (_, bytes, expected) => {
    const data = Uint8Array.from(bytes);
    expect(firstInvalidUtf8(data)).toEqual(expected);
    // The decoder agrees on whether the bytes are valid.
    const valid = (() => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(data);
        return true;
      } catch {
        return false;
      }
    })();
    expect(valid).toBe(expected === undefined);
  });
});
