import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, DataError, NotFoundError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/import/csv.js";
import { readCsvFile } from "../../src/import/csv-file.js";
import { errorOf } from "./error-of.js";

describe("parseCsv bad input", () => {
  const cases: [string, () => unknown, typeof DataError | typeof ConfigError, string][] = [
    ["empty text", () => parseCsv(""), DataError, "line 1: no header row: the text is empty"],
    [
      "empty header name",
      () => parseCsv("a,,c\n1,2,3\n"),
      DataError,
      "line 1, column 2: the header name is empty",
    ],
    [
      "duplicate header name",
      () => parseCsv("a,b,a\n1,2,3\n"),
      DataError,
      "line 1, column 3: the header name 'a' repeats column 1",
    ],
    [
      "too many fields",
      () => parseCsv('a,b\n1,2\n"x\ny",2,3\n'),
      DataError,
      "line 3: has 3 fields, expected 2 as in the header",
    ],
    [
      "too few fields",
      () => parseCsv("a,b\n1,2\n\n3\n"),
      DataError,
      "line 4: has 1 field, expected 2 as in the header",
    ],
    [
      "an unclosed quote",
      () => parseCsv('a,b\n1,"open\n2,3\n'),
      DataError,
      "line 2: the quoted field 2 is never closed",
    ],
    [
      "text after a closing quote",
      () => parseCsv('a,b\n1,"x\ny"z\n'),
      DataError,
      'line 3: unexpected "z" after the closing quote of field 2',
    ],
    [
      "an int32 override with a value out of range",
      () => parseCsv("n\n1\n2147483648\n", { types: { n: "int32" } }),
      DataError,
      `line 3, column 'n': "2147483648" is not a valid int32; expected an integer from -2147483648 to 2147483647`,
    ],
    [
      "an int64 override with a decimal",
      () => parseCsv("n\n1.5\n", { types: { n: "int64" } }),
      DataError,
      `line 2, column 'n': "1.5" is not a valid int64; expected an integer`,
    ],
    [
      "a boolean override with another spelling",
      () => parseCsv("b\nyes\n", { types: { b: "boolean" } }),
      DataError,
      `line 2, column 'b': "yes" is not a valid boolean; expected true, false, True, False, TRUE or FALSE`,
    ],
    [
      "a float64 override with text",
      () => parseCsv("f\n1\n 2\n", { types: { f: "float64" } }),
      DataError,
      `line 3, column 'f': " 2" is not a valid float64; expected a number such as 1.5`,
    ],
    [
      "a float32 override beyond the float32 range",
      () => parseCsv("f\n1e39\n", { types: { f: "float32" } }),
      DataError,
      `line 2, column 'f': "1e39" is not a valid float32; expected a number such as 1.5, -2e-3, inf or NaN, within the float32 range`,
    ],
    [
      "a timestamp override with a non-ISO date",
      () => parseCsv("t\n02/01/2024\n", { types: { t: "timestamp" } }),
      DataError,
      `line 2, column 't': "02/01/2024" is not a valid timestamp; expected an ISO 8601 date or date-time`,
    ],
    [
      "an override for a column not in the header",
      () => parseCsv("a,b\n1,2\n", { types: { c: "int32" } }),
      DataError,
      "types.c: column 'c' is not in the header; the columns are a, b",
    ],
    [
      "an unknown logical type",
      () => parseCsv("a\n1\n", { types: { a: "integer" as "int32" } }),
      ConfigError,
      `config 'types.a': unknown logical type "integer"; expected one of string, boolean`,
    ],
    [
      "a delimiter longer than one character",
      () => parseCsv("a\n1\n", { delimiter: "::" }),
      ConfigError,
      `config 'delimiter': must be one character other than a quote or line break, got "::"`,
    ],
    [
      "an empty listSeparator",
      () => parseCsv("a\n1\n", { listSeparator: "" }),
      ConfigError,
      `config 'listSeparator': must be a non-empty string, got ""`,
    ],
    [
      "nullValues that are not strings",
      () => parseCsv("a\n1\n", { nullValues: [0 as unknown as string] }),
      ConfigError,
      "config 'nullValues': must be an array of strings, got [0]",
    ],
  ];

  it.each(cases)("rejects %s", (_, run, errorClass, message) => {
    const error = errorOf(run);
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message.startsWith(message), error.message).toBe(true);
  });
});

describe("readCsvFile", () => {
  it("reads a file and names it in errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tt-csv-"));
    try {
      const good = join(dir, "good.csv");
      await writeFile(good, "\ufeffid,x\na,1\n");
      expect((await readCsvFile(good)).row(0)).toEqual({ id: "a", x: 1 });
      const ragged = join(dir, "ragged.csv");
      await writeFile(ragged, "id,x\na\n");
      const error = await readCsvFile(ragged).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(
        `${ragged} line 2: has 1 field, expected 2 as in the header`,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("reports a missing file as NotFoundError naming it", async () => {
    const error = await readCsvFile("/nonexistent/meta.csv").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("no such file: /nonexistent/meta.csv");
  });
});
