/** `tt annotate <bundle> --axis A --from result|table.csv|table.parquet`: metadata columns saved back by id. */

import { readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import {
  annotate,
  type DecompositionResult,
  type MetaTable,
  openDataset,
  openResult,
  readCsvFile,
  readParquetFile,
} from "tensortools";
import { type Command, stringOption } from "../command.js";
import { EXIT, InputError, UsageError } from "../errors.js";
import { optionInput } from "../lineage-inputs.js";
import { print, printJson } from "../output.js";
import { naming } from "../system-errors.js";

const SOURCES = "a result bundle folder, a .csv file or a .parquet file";

/** The kind a bundle folder's manifest.json declares, or undefined when it has none. */
async function manifestKind(folder: string): Promise<string | undefined> {
  const text = await readFile(join(folder, "manifest.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return (JSON.parse(text) as { kind?: string }).kind;
  } catch {
    return undefined;
  }
}

/** What `--from` names: a result (by its manifest's kind), or a CSV or Parquet table. */
async function readSource(from: string): Promise<MetaTable | DecompositionResult> {
  const info = await naming(from, stat(from));
  if (info.isDirectory()) {
    const kind = await manifestKind(from);
    if (kind === "decomposition_result") return openResult(from);
    throw new InputError(
      `--from ${from} is a folder but not a result bundle (${kind === undefined ? "it has no readable manifest.json" : `its manifest.json is of kind '${kind}'`})`,
      `--from takes ${SOURCES}`,
    );
  }
  const extension = extname(from).toLowerCase();
  if (extension === ".csv") return readCsvFile(from);
  if (extension === ".parquet") return naming(from, readParquetFile(from));
  throw new InputError(
    `--from ${from}: cannot tell its format from the extension '${extension || "(none)"}'`,
    `--from takes ${SOURCES}`,
  );
}

/** `--columns a,b` as a list, or undefined when not given. */
function columnList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((name) => name.trim());
  if (names.some((name) => name === ""))
    throw new UsageError(`--columns takes names separated by commas, got '${text}'`, "annotate");
  return names;
}

export const annotateCommand: Command = {
  name: "annotate",
  summary: "add (or replace) metadata columns of a dataset bundle from a result, CSV or Parquet",
  usage:
    "annotate <bundle> --axis <axis> --from <result|file.csv|file.parquet> [--columns c1,c2] [--on COLUMN] [--replace] [--prefix P]",
  positionals: { required: ["bundle"] },
  options: {
    axis: { type: "string", value: "AXIS", description: "the axis whose metadata to annotate" },
    from: {
      type: "string",
      value: "PATH",
      description: "a result bundle (its instance scores), a .csv or a .parquet table",
    },
    columns: {
      type: "string",
      value: "C1,C2",
      description: "only these columns (default: all but the id column)",
    },
    on: {
      type: "string",
      value: "COLUMN",
      description:
        "the table's column of ids (default: the axis's id column if the table has it, else instance_id)",
    },
    replace: {
      type: "boolean",
      description: "replace columns the axis already has (for the ids given)",
    },
    prefix: { type: "string", value: "P", description: "put P before every column name" },
  },
  example: "tt annotate ./demo/dataset --axis instance --from ./demo/pca --prefix pca_",
  notes: [
    "Rows are matched by id: a result's instance_id, or the --on column of a table. Elements the source does not name get empty values (or keep theirs with --replace); ids the dataset does not have are an error, and nothing is written.",
    "The annotation is a new version of the bundle that rewrites only the axis's metadata table: the arrays are kept, readers of the old version keep working, and an interrupted run leaves the old version or the new one.",
  ],
  lineage(args) {
    const bundle = args.positionals[0]!;
    return { inputs: [{ location: bundle }, ...optionInput(args, "from")], outputs: [bundle] };
  },
  async run(args, out) {
    const bundle = args.positionals[0]!;
    const axis = stringOption(args, "axis", "annotate");
    const from = stringOption(args, "from", "annotate");
    if (axis === undefined) throw new UsageError("--axis is required", "annotate");
    if (from === undefined) throw new UsageError("--from is required", "annotate");
    const on = stringOption(args, "on", "annotate");
    const before = await openDataset(bundle);
    if (!before.axes.includes(axis))
      throw new UsageError(
        `--axis ${axis}: ${bundle} has axes ${before.axes.join(", ")}`,
        "annotate",
      );
    const source = await readSource(from);
    const isResult = "factorTables" in source;
    if (isResult && on !== undefined)
      throw new UsageError(
        "--on is for tables; a result is matched by its instance_id",
        "annotate",
      );
    const manifest = await annotate(bundle, axis, source, {
      columns: columnList(stringOption(args, "columns", "annotate")),
      on,
      prefix: stringOption(args, "prefix", "annotate"),
      mode: args.values.replace ? "replace" : "add",
      signal: out.signal,
    });
    const columns = (manifest.change as { columns?: string[] } | undefined)?.columns ?? [];
    const existing = new Set(before.meta(axis).columnNames);
    const replaced = columns.filter((name) => existing.has(name));
    const added = columns.filter((name) => !existing.has(name));
    const rows = isResult ? source.factorTables.instance!.numRows : source.numRows;
    const length = before.shape[before.axes.indexOf(axis)]!;
    const summary = { bundle, axis, added, replaced, rows, of: length, version: manifest.version };
    if (out.json) printJson(out, summary);
    else
      print(
        out,
        `annotated ${bundle} axis '${axis}': ${[
          added.length > 0 ? `added ${added.join(", ")}` : "",
          replaced.length > 0 ? `replaced ${replaced.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join("; ")} (${rows} of ${length} rows matched); version ${manifest.version}`,
      );
    return EXIT.ok;
  },
};
