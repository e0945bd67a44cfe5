/**
 * Sparse matrices through the umbrella (issue 20, item 3): the 10X fixture (genes x cells,
 * compressed by columns) opened with cells first, wrapped with its barcodes and a metadata
 * column as a dataset, queried and decomposed by `decompose`, in memory and streamed, gives what
 * the same query and PCA give on scipy.sparse's dense copy of the matrix.
 */

import { copyFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { openHdf5Sparse, storedDatasetOf } from "@tt/store-hdf5";
import { fixture } from "@tt/test-fixtures";
import h5wasm from "h5wasm/node";
import { describe, expect, it } from "vitest";
import {
  columnFromCells,
  createDataset,
  createTensor,
  type DecompositionResult,
  datasetFromTensor,
  decompose,
  importHdf5,
  MetaTable,
  openDataset,
  readHdf5Columns,
} from "../src/index.js";
import { scratchDirectory } from "./helpers.js";

const TENX = fixture("hdf5-sparse/tenx.h5");
const GENES = 8;
const CELLS = 11;

/** scipy.sparse's dense copy of the fixture (genes x cells), from expected.json. */
function scipyDense(): number[] {
  const expected = JSON.parse(readFileSync(fixture("hdf5-sparse/expected.json"), "utf8")) as {
    matrices: { file: string; values: number[] }[];
  };
  return expected.matrices.find((m) => m.file === "tenx.h5")!.values;
}

/** The cells' barcodes (as h5py wrote them) and total counts, as the cell axis's metadata. */
async function cellTable(countsByCell: number[]): Promise<MetaTable> {
  await h5wasm.ready;
  const file = new h5wasm.File(TENX, "r");
  const barcodes = (file.get("matrix/barcodes") as { value: string[] }).value;
  file.close();
  return MetaTable.fromColumns({
    barcode: columnFromCells("string", [...barcodes]),
    n_counts: columnFromCells("int32", countsByCell),
  });
}

function scoresOf(result: DecompositionResult, k: number): number[] {
  return Array.from(result.factorTables.instance!.column(`score_${k}`).values as Float64Array);
}

describe("a 10X matrix decomposed through tensortools", () => {
  it.each([
    ["in memory", "auto"],
    ["streamed", 256],
  ] as const)(
    "PCA %s of the cells that have counts equals that of scipy's dense copy",
    async (_, budget) => {
      const genesByCells = scipyDense();
      const cellsByGenes = Int32Array.from(
        { length: CELLS * GENES },
        (_, i) => genesByCells[(i % GENES) * CELLS + Math.floor(i / GENES)]!,
      );
      const counts = Array.from({ length: CELLS }, (_, c) =>
        cellsByGenes.slice(c * GENES, (c + 1) * GENES).reduce((a, b) => a + b, 0),
      );
      const axisMeta = { cell: await cellTable(counts) };
      const axisIndexColumns = { cell: "barcode" };
      const cells = await openHdf5Sparse(TENX, "/matrix", {
        compressed: "columns",
        transpose: true,
        dimensionNames: ["cell", "gene"],
      });
      const sparse = createDataset(storedDatasetOf(cells, { axisMeta, axisIndexColumns }));
      const tensor = createTensor({
        data: cellsByGenes,
        shape: [CELLS, GENES],
        axes: ["cell", "gene"],
        axisMeta,
      });
      const dense = datasetFromTensor(tensor, { axisIndexColumns });
      const config = { rank: 3, center: { over: ["cell"] }, memory_budget: budget };
      const fromSparse = await decompose(sparse.query("cell", "n_counts > 0"), "pca", config);
      const fromDense = await decompose(dense.query("cell", "n_counts > 0"), "pca", config);
      expect(fromSparse.diagnostics.in_memory).toBe(budget === "auto");
      const ids = fromSparse.factorTables.instance!.column("instance_id").values;
      expect(ids).toEqual(
        (axisMeta.cell.column("barcode").values as string[]).filter((_, c) => counts[c]! > 0),
      );
      expect(ids).toHaveLength(CELLS - 1);
      expect(fromSparse.diagnostics.explained_variance).toEqual(
        fromDense.diagnostics.explained_variance,
      );
      for (let k = 1; k <= 3; k++) expect(scoresOf(fromSparse, k)).toEqual(scoresOf(fromDense, k));
      cells.close();
    },
  );
});

describe("a 10X matrix linked into a bundle", () => {
  const dir = scratchDirectory("tt-sparse-link-");

  it("reads the matrix in place, keyed by its barcodes, as the matrix opened directly", async () => {
    const file = join(dir, "tenx.h5");
    copyFileSync(TENX, file);
    const layout = { compressed: "columns", transpose: true } as const;
    const genes = await readHdf5Columns(file, {
      gene_id: "/matrix/features/id",
      gene_name: "/matrix/features/name",
    });
    const cells = await readHdf5Columns(file, { barcode: "/matrix/barcodes" });
    const options = {
      dataset: "/matrix",
      axes: ["cell", "gene"],
      sparse: layout,
      axisMeta: { cell: cells, gene: genes },
      axisIndexColumns: { cell: "barcode", gene: "gene_id" },
    };
    const manifest = await importHdf5(join(dir, "linked"), file, { ...options, link: true });
    expect(manifest.plugins?.array_store_options).toEqual({
      dataset: "/matrix",
      dimension_names: ["cell", "gene"],
      sparse: { compressed: "columns", transpose: true },
    });
    expect(statSync(join(dir, "linked", manifest.array_store)).ino).toBe(statSync(file).ino);
    const linked = await openDataset(join(dir, "linked"));
    expect(linked.shape).toEqual([CELLS, GENES]);
    const direct = await openHdf5Sparse(file, "/matrix", {
      ...layout,
      dimensionNames: ["cell", "gene"],
    });
    const reference = createDataset(
      storedDatasetOf(direct, {
        axisMeta: options.axisMeta,
        axisIndexColumns: options.axisIndexColumns,
      }),
    );
    const expr = "barcode != 'AAACCTGAG005-1'";
    const [fromLinked, fromDirect] = await Promise.all(
      [linked, reference].map((d) => d.query("cell", expr).materialize()),
    );
    expect(Array.from(fromLinked!.data as Int32Array)).toEqual(
      Array.from(fromDirect!.data as Int32Array),
    );
    expect(fromLinked!.axisIndex.cell).toHaveLength(CELLS - 1);
    const config = { rank: 2, center: { over: ["cell"] }, memory_budget: 256 };
    const [a, b] = await Promise.all(
      [linked, reference].map((d) => decompose(d.query("cell", expr), "pca", config)),
    );
    expect(a!.diagnostics.explained_variance).toEqual(b!.diagnostics.explained_variance);
    expect(scoresOf(a!, 1)).toEqual(scoresOf(b!, 1));
    const copied = await importHdf5(join(dir, "copied"), file, options);
    expect(copied.plugins?.array_store).not.toBe("hdf5");
    const dense = await (await openDataset(join(dir, "copied"))).materialize();
    expect(Array.from(dense.data as Int32Array)).toEqual(
      Array.from((await reference.materialize()).data as Int32Array),
    );
    direct.close();
  });
});
