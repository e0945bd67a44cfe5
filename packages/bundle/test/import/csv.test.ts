import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/import/csv.js";

const typesOf = (text: string, options = {}) =>
  Object.fromEntries(parseCsv(text, options).schema.map((f) => [f.name, f.type]));

// Independent reference for timestamps: Date.UTC in milliseconds, times 1000.
const micros = (...parts: [number, number, number, number?, number?, number?, number?]) =>
  BigInt(Date.UTC(...parts)) * 1000n;

describe("parseCsv: RFC 4180 syntax", () => {
  it("reads quoted fields with delimiters, line breaks and doubled quotes", () => {
    const text = 'id,note\na,"x, y"\nb,"two\nlines"\nc,"say ""hi"""\nd,""""\n';
    expect(parseCsv(text).toRecords()).toEqual([
      { id: "a", note: "x, y" },
      { id: "b", note: "two\nlines" },
      { id: "c", note: 'say "hi"' },
      { id: "d", note: '"' },
    ]);
  });

  it("reads CRLF, LF and lone CR line ends, a BOM, and text with or without a final newline", () => {
    const expected = [
      { a: "x", b: 1 },
      { a: "y", b: 2 },
    ];
    for (const text of ["a,b\r\nx,1\r\ny,2\r\n", "\ufeffa,b\nx,1\ny,2", "a,b\rx,1\ry,2\r"]) {
      expect(parseCsv(text).toRecords()).toEqual(expected);
    }
  });

  it("keeps a CRLF inside a quoted field as written", () => {
    expect(parseCsv('a\r\n"1\r\n2"\r\n').get(0, "a")).toBe("1\r\n2");
  });

  it("skips empty lines; a lone empty field is written as a quoted empty string", () => {
    const table = parseCsv('a\n\nx\n\n""\ny\n\n');
    expect(table.toRecords()).toEqual([{ a: "x" }, { a: null }, { a: "y" }]);
  });

  it("keeps whitespace exactly, quoted or not, so ' 1' is text", () => {
    const table = parseCsv('a,b,c\n 1 ," x ",2\n');
    expect(table.toRecords()).toEqual([{ a: " 1 ", b: " x ", c: 2 }]);
    expect(table.schema.map((f) => f.type)).toEqual(["string", "string", "int32"]);
  });

  it("treats a quoted field like an unquoted one: quoting only escapes", () => {
    expect(parseCsv('n,f\n"1","NA"\n"2","0.5"\n').toRecords()).toEqual([
      { n: 1, f: null },
      { n: 2, f: 0.5 },
    ]);
  });

  it("uses another one-character delimiter", () => {
    expect(parseCsv("a;b\n1,5;x\n", { delimiter: ";" }).row(0)).toEqual({ a: "1,5", b: "x" });
    expect(parseCsv("a\tb\n1\tx\n", { delimiter: "\t" }).row(0)).toEqual({ a: 1, b: "x" });
  });

  it("reads a header without rows as an empty table of string columns (or the given types)", () => {
    const table = parseCsv("a,b\n", { types: { b: "float64" } });
    expect(table.numRows).toBe(0);
    expect(table.schema).toEqual([
      { name: "a", type: "string" },
      { name: "b", type: "float64" },
    ]);
  });
});

describe("parseCsv: type inference", () => {
  it("infers boolean from the six spellings, and string when mixed with numbers", () => {
    const table = parseCsv("b,m\ntrue,true\nFalse,1\nTRUE,0\nfalse,true\nTrue,x\nFALSE,y\n");
    expect(table.typedColumn("b", "boolean").values).toEqual(new Uint8Array([1, 0, 1, 0, 1, 0]));
    expect(table.column("m").type).toBe("string");
  });

  it("infers int32 within range, int64 beyond it, string beyond int64", () => {
    const text =
      "a,b,c\n2147483647,2147483648,9223372036854775808\n-2147483648,-9223372036854775808,1\n";
    expect(typesOf(text)).toEqual({ a: "int32", b: "int64", c: "string" });
    expect(parseCsv(text).typedColumn("b", "int64").values).toEqual(
      new BigInt64Array([2147483648n, -9223372036854775808n]),
    );
  });

  it("keeps numbers with leading zeros as text, so identifiers are not altered", () => {
    const table = parseCsv("zip,x\n02134,0\n10001,0.5\n");
    expect(table.column("zip").type).toBe("string");
    expect(table.get(0, "zip")).toBe("02134");
    expect(table.column("x").type).toBe("float64");
  });

  it("infers float64 from decimals, exponents, inf, -inf and NaN, and from ints mixed with floats", () => {
    const table = parseCsv("f,g\n1e-3,1\n-inf,2.5\ninf,3\nNaN,.5\n+2.5E+2,-0\n");
    const f = table.typedColumn("f", "float64").values;
    expect(Array.from(f)).toEqual([
      0.001,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      250,
    ]);
    expect(Array.from(table.typedColumn("g", "float64").values)).toEqual([1, 2.5, 3, 0.5, -0]);
  });

  it("reads NaN as the float NaN and NA, null, None and empty as null", () => {
    const table = parseCsv("x,s\nNaN,NaN\nNA,a\nnull,\nNone,b\n,c\n1.5,d\n");
    const x = table.typedColumn("x", "float64");
    expect(Number.isNaN(x.values[0])).toBe(true);
    expect(Array.from({ length: 5 }, (_, row) => table.get(row, "x"))).toEqual([
      Number.NaN,
      null,
      null,
      null,
      null,
    ]);
    expect(table.get(0, "s")).toBe("NaN");
    expect(table.get(2, "s")).toBeNull();
  });

  it("makes a column of only nulls a string column of nulls", () => {
    const table = parseCsv("a,b\n,1\nNA,2\n");
    expect(table.column("a").type).toBe("string");
    expect(table.toRecords().map((r) => r.a)).toEqual([null, null]);
  });

  it("infers timestamps from ISO 8601 dates and date-times, as UTC microseconds", () => {
    const text = [
      "t",
      "2024-01-02",
      "2024-01-02T03:04:05Z",
      "2024-01-02 03:04:05.123+01:00",
      "2024-01-02T03:04:05.123456",
      "1969-12-31T23:59:59.5Z",
      "2000-02-29T12:00-0530",
      "2024-01-02T03:04:05.123456000Z",
    ].join("\n");
    expect(parseCsv(text).typedColumn("t", "timestamp").values).toEqual(
      new BigInt64Array([
        micros(2024, 0, 2),
        micros(2024, 0, 2, 3, 4, 5),
        micros(2024, 0, 2, 2, 4, 5, 123),
        micros(2024, 0, 2, 3, 4, 5) + 123456n,
        -500000n,
        micros(2000, 1, 29, 17, 30),
        micros(2024, 0, 2, 3, 4, 5) + 123456n,
      ]),
    );
  });

  it("does not take impossible dates or sub-microsecond times as timestamps", () => {
    for (const bad of [
      "1900-02-29",
      "2024-13-01",
      "2024-01-02T24:00:00",
      "2024-01-02T03:04:05.1234567Z",
      "2024-01-02Z",
    ]) {
      expect(typesOf(`t\n2024-01-02\n${bad}\n`)).toEqual({ t: "string" });
    }
  });
});

describe("parseCsv: options", () => {
  it("applies type overrides", () => {
    const table = parseCsv("a,b,c,d\n1,007,2.5,2024-01-02\n", {
      types: { a: "int64", b: "int32", c: "float32", d: "string" },
    });
    expect(table.row(0)).toEqual({ a: 1n, b: 7, c: 2.5, d: "2024-01-02" });
  });

  it("reads list<string> only by override, split on ';' or listSeparator", () => {
    const text = 'tags,other\na;b;c,x|y\n"solo",NA\nNA,\n';
    expect(typesOf(text)).toEqual({ tags: "string", other: "string" });
    const table = parseCsv(text, {
      types: { tags: "list<string>", other: "list<string>" },
      listSeparator: "|",
    });
    expect(table.toRecords()).toEqual([
      { tags: ["a;b;c"], other: ["x", "y"] },
      { tags: ["solo"], other: null },
      { tags: null, other: null },
    ]);
    expect(parseCsv(text, { types: { tags: "list<string>" } }).get(0, "tags")).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("uses nullValues instead of the default null texts", () => {
    const table = parseCsv("a,b\nNA,-\n,1\n", { nullValues: ["-"] });
    expect(table.toRecords()).toEqual([
      { a: "NA", b: null },
      { a: "", b: 1 },
    ]);
  });
});
