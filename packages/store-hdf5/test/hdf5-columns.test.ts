import { readFileSync } from "node:fs";
import { createDataset } from "@tt/query";
import { DataError, type MetaTable, NotFoundError, UnsupportedError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { openHdf5Sparse, readHdf5Columns, storedDatasetOf } from "../src/index.js";
import { fixture } from "./fixtures.js";
import { expectedSparse, numbers, sparseFixture, transposed } from "./sparse-helpers.js";

// Strings as h5py wrote them (scripts/make_sparse_fixtures.py): 11 barcodes and 8 features.
const barcodes = Array.from({ length: 11 }, (_, i) => `AAACCTGAG${String(i).padStart(3, "0")}-1`);
const geneIds = Array.from({ length: 8 }, (_, i) => `ENSG${String(i).padStart(11, "0")}`);

/** The cells of column `name`, in row order. */
const cells = (table: MetaTable, name: string) =>
  Array.from({ length: table.numRows }, (_, row) => table.get(row, name));

describe("readHdf5Columns", () => {
  const tenx = sparseFixture("tenx.h5");

  it("reads a 10X matrix's barcodes and features (fixed-length strings) as string columns", async () => {
    const cellTable = await readHdf5Columns(tenx, { barcode: "/matrix/barcodes" });
    expect(cellTable.numRows).toBe(11);
    expect(cellTable.column("barcode").type).toBe("string");
    expect(cells(cellTable, "barcode")).toEqual(barcodes);
    const genes = await readHdf5Columns(tenx, {
      gene_id: "matrix/features/id",
      gene_name: "/matrix/features/name",
      feature_type: "/matrix/features/feature_type",
      genome: "/matrix/features/genome",
    });
    expect(genes.columnNames).toEqual(["gene_id", "gene_name", "feature_type", "genome"]);
    expect(cells(genes, "gene_id")).toEqual(geneIds);
    expect(cells(genes, "gene_name")).toEqual(geneIds.map((_, i) => `GENE${i}`));
    expect(new Set(cells(genes, "feature_type"))).toEqual(new Set(["Gene Expression"]));
    expect(new Set(cells(genes, "genome"))).toEqual(new Set(["GRCh38"]));
  });

  it("keys a sparse dataset by those ids: a query by barcode reads that cell", async () => {
    const matrix = expectedSparse.matrices.find((m) => m.file === "tenx.h5")!;
    const array = await openHdf5Sparse(tenx, "/matrix", {
      compressed: "columns",
      transpose: true,
      dimensionNames: ["cell", "gene"],
    });
    const dataset = createDataset(
      storedDatasetOf(array, {
        axisMeta: {
          cell: await readHdf5Columns(tenx, { barcode: "/matrix/barcodes" }),
          gene: await readHdf5Columns(tenx, { gene_id: "/matrix/features/id" }),
        },
        axisIndexColumns: { cell: "barcode", gene: "gene_id" },
      }),
    );
    const [genes, cells] = matrix.shape as [number, number];
    const byCell = transposed(matrix.values, genes, cells);
    const view = dataset.query("cell", "barcode == 'AAACCTGAG004-1'");
    const tensor = await view.materialize();
    expect(tensor.axisIndex.cell).toEqual(["AAACCTGAG004-1"]);
    expect(numbers(tensor.data)).toEqual(byCell.slice(4 * genes, 5 * genes));
    array.close();
  });

  it("reads variable-length strings, integers and h5ad's obs index", async () => {
    const datasets = fixture("datasets.h5");
    const table = await readHdf5Columns(datasets, {
      fixed: "/unsupported/fixed_string",
      vlen: "/unsupported/vlen_string",
    });
    expect(cells(table, "fixed")).toEqual(["ab", "cde"]);
    expect(cells(table, "vlen")).toEqual(["ab", "cde"]);
    const inner = await readHdf5Columns(datasets, { k: "/group/inner" });
    expect(inner.column("k").type).toBe("int32");
    expect(cells(inner, "k")).toEqual([0, 1, 2]);
    const obs = await readHdf5Columns(sparseFixture("anndata.h5ad"), { cell: "/obs/_index" });
    expect(obs.numRows).toBe(9);
  });

  it("reads from the file's bytes as from its path", async () => {
    const bytes = new Uint8Array(readFileSync(tenx));
    const cellTable = await readHdf5Columns(bytes, { barcode: "/matrix/barcodes" });
    expect(cells(cellTable, "barcode")).toEqual(barcodes);
  });

  it("refuses what is no column, naming the file and the path", async () => {
    const datasets = fixture("datasets.h5");
    await expect(readHdf5Columns(tenx, { x: "/matrix/features" })).rejects.toThrow(NotFoundError);
    await expect(readHdf5Columns(tenx, { x: "/matrix/nope" })).rejects.toThrow(
      /tenx\.h5:\/matrix\/nope/,
    );
    const twoD = readHdf5Columns(datasets, { x: "/int/i4-le" });
    await expect(twoD).rejects.toThrow(DataError);
    await expect(twoD).rejects.toThrow(/datasets\.h5:\/int\/i4-le.*one-dimensional.*\[4, 3\]/);
    for (const path of ["/unsupported/compound", "/unsupported/vlen_int", "/unsupported/enum"]) {
      const read = readHdf5Columns(datasets, { x: path });
      await expect(read).rejects.toThrow(UnsupportedError);
      await expect(read).rejects.toThrow(new RegExp(`${path}.*metadata columns also take strings`));
    }
    const uneven = readHdf5Columns(tenx, {
      barcode: "/matrix/barcodes",
      gene: "/matrix/features/id",
    });
    await expect(uneven).rejects.toThrow(DataError);
    await expect(uneven).rejects.toThrow(
      /tenx\.h5:\/matrix\/features\/id.*8 elements where \/matrix\/barcodes \(column 'barcode'\) has 11/,
    );
  });
});
