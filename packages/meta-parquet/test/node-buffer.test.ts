/** Bytes held in a Node Buffer that is a view into a larger pooled allocation read like any others. */

import { describe, expect, it } from "vitest";
import { readParquet, writeParquet } from "../src/index.js";
import { expectSameTable, patternTable } from "./tables.js";

describe("readParquet of a Node Buffer", () => {
  it("reads a file whose bytes sit at an offset inside a larger buffer", async () => {
    const table = patternTable(500);
    const bytes = writeParquet(table);
    const pool = Buffer.alloc(bytes.byteLength + 4096, 0xab);
    pool.set(bytes, 1234);
    const view = pool.subarray(1234, 1234 + bytes.byteLength);
    expect(view.byteOffset).toBe(1234);
    expectSameTable(await readParquet(view), table);
  });
});
