/**
 * `tt import --npy X.npy --axes a,b,c --meta a=table.csv ... <out>`: a bundle from a numpy array
 * and CSV or Parquet metadata; `tt import --h5 file.h5:/path [--link] ...`: from an HDF5 dataset,
 * linked in place or copied (see `import-h5.ts`).
 */

import { createTensor, readNpyFile, writeDataset } from "tensortools";
import { type Command, type Parsed, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { metaOptions, readAxisMeta } from "../import-meta.js";
import { optionInput, pairFileInputs } from "../lineage-inputs.js";
import { note, type Output, printJson, progressBar } from "../output.js";
import { naming } from "../system-errors.js";
import { h5FileInputs, importH5 } from "./import-h5.js";

/** `tt import --npy`: the array read whole, written as a bundle. */
async function importNpy(args: Parsed, out: Output, npy: string): Promise<number> {
  const axesText = stringOption(args, "axes", "import");
  if (axesText === undefined) throw new UsageError("--axes is required with --npy", "import");
  for (const option of ["link", "axis-order", "sparse", "transpose", "h5-column"])
    if (args.values[option] !== undefined)
      throw new UsageError(`--${option} goes with --h5, not --npy`, "import");
  const axes = axesText.split(",").map((a) => a.trim());
  const options = metaOptions(args, axes, "--axes");
  const array = await naming(npy, readNpyFile(npy));
  if (array.shape.length !== axes.length)
    throw new UsageError(
      `${npy} has ${array.shape.length} dimensions (${array.shape.join(" x ")}) but --axes names ${axes.length}`,
      "import",
    );
  const { axisMeta, axisIndex } = await readAxisMeta(options, axes, array.shape[0]!, out);
  const { data, dtype, shape } = array;
  const tensor = createTensor({ data, dtype, shape, axes, axisMeta, axisIndex });
  const bar = progressBar(out, "import");
  const manifest = await writeDataset(args.positionals[0]!, tensor, {
    overwrite: Boolean(args.values.overwrite),
    axisIndexColumns: options.idColumns,
    onProgress: bar.update,
    signal: out.signal,
  });
  bar.done();
  if (out.json) printJson(out, manifest);
  else
    note(
      out,
      `wrote ${args.positionals[0]}: ${axes.map((a, i) => `${a} ${array.shape[i]}`).join(" x ")}, ${array.dtype}`,
    );
  return EXIT.ok;
}

export const importCommand: Command = {
  name: "import",
  summary: "build a dataset bundle from a .npy array or an HDF5 dataset, with metadata tables",
  usage:
    "import (--npy <file.npy> --axes <a,b,...> | --h5 <file.h5[:/path]> [--link] [--axes <a,b,...>] [--sparse rows|columns [--transpose]] [--h5-column axis.column=/path ...]) [--meta axis=file ...] [--id axis=column ...] <out>",
  positionals: { required: ["out"] },
  options: {
    npy: { type: "string", value: "FILE", description: "the array, as written by numpy.save" },
    h5: {
      type: "string",
      value: "FILE[:/PATH]",
      description:
        "a dataset of an HDF5 file (h5py, MATLAB v7.3 .mat); the file's only one without :/PATH",
    },
    link: {
      type: "boolean",
      description: "with --h5: read the file in place (hard-linked into <out>, never copied)",
    },
    axes: {
      type: "string",
      value: "A,B,...",
      description: "axis names, one per array dimension (with --h5 default: the file's labels)",
    },
    "axis-order": {
      type: "string",
      value: "hdf5|matlab",
      description: "with --h5: axes as the file stores them (default) or as MATLAB shows them",
    },
    sparse: {
      type: "string",
      value: "rows|columns",
      description:
        "with --h5 FILE:/GROUP: a compressed sparse matrix group (10X, h5ad), compressed by rows (CSR) or columns (CSC)",
    },
    transpose: {
      type: "boolean",
      description:
        "with --sparse: report the stored columns first (10X's genes x cells as cells x genes)",
    },
    "h5-column": {
      type: "string",
      multiple: true,
      value: "AXIS.COLUMN=/PATH",
      description:
        "with --h5: a one-dimensional dataset of the same file as a metadata column (10X barcodes, features/id) (repeatable)",
    },
    meta: {
      type: "string",
      multiple: true,
      value: "AXIS=FILE",
      description: "a metadata table for an axis, .csv or .parquet (repeatable)",
    },
    id: {
      type: "string",
      multiple: true,
      value: "AXIS=COLUMN",
      description: "the id column of an axis (default <axis>_id)",
    },
    overwrite: { type: "boolean", description: "replace an existing bundle at <out>" },
  },
  example:
    "tt import --npy epochs.npy --axes instance,sample,channel --meta instance=epochs.csv --id instance=epoch_id ./epochs",
  notes: [
    "--h5 FILE:/PATH copies the dataset into a Zarr bundle block by block (memory stays a few blocks whatever the file's size); with --link the bundle reads the file in place instead: it is hard-linked into <out> (which must be on the same file system), nothing is copied, and tt gc never removes it. tt verify compares a linked file's bytes; a linked file whose length or time changes is refused on open, and results computed from it are reported stale.",
    "A 10X matrix, cells first, keyed by its barcodes and read in place: tt import --h5 filtered_feature_bc_matrix.h5:/matrix --sparse columns --transpose --axes cell,gene --h5-column cell.barcode=/matrix/barcodes --h5-column gene.gene_id=/matrix/features/id --id cell=barcode --id gene=gene_id --link ./cells",
  ],
  lineage(args) {
    return {
      inputs: [...optionInput(args, "npy"), ...h5FileInputs(args), ...pairFileInputs(args, "meta")],
      outputs: [args.positionals[0]!],
    };
  },
  async run(args, out) {
    const npy = stringOption(args, "npy", "import");
    const h5 = stringOption(args, "h5", "import");
    if (npy !== undefined && h5 !== undefined)
      throw new UsageError("give --npy or --h5, not both", "import");
    if (h5 !== undefined) return importH5(args, out, h5);
    if (npy === undefined) throw new UsageError("--npy or --h5 is required", "import");
    return importNpy(args, out, npy);
  },
};
