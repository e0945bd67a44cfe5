/** `tt scores <result> [--join <bundle>] [--csv | --json | --arrow <file|->]`: a result's instance table. */

import { INSTANCE_ID, instanceTableOf, joinResult, openDataset, openResult } from "tensortools";
import { ARROW_OPTION, writeArrow } from "../arrow-output.js";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { print, printJson } from "../output.js";
import { cellText, tableCsv, tableJson, textTable } from "../tables.js";

export const scoresCommand: Command = {
  name: "scores",
  summary: "print a result's instance scores, optionally joined onto the dataset's metadata",
  usage: "scores <result> [--join <bundle>] [--prefix P] [--csv | --json | --arrow <file|->]",
  positionals: { required: ["result"] },
  options: {
    join: {
      type: "string",
      value: "BUNDLE",
      description: "attach the scores to this dataset's instance metadata",
    },
    prefix: {
      type: "string",
      value: "P",
      description: "prefix of the joined columns, when names clash",
    },
    csv: { type: "boolean", description: "print CSV" },
    arrow: ARROW_OPTION,
    limit: { type: "string", value: "N", description: "rows to print as text (default 20)" },
  },
  example: "tt scores ./demo/pca --join ./demo/dataset --csv > scores.csv",
  async run(args, out) {
    const arrow = stringOption(args, "arrow", "scores");
    if ([args.values.csv, out.json, arrow !== undefined].filter(Boolean).length > 1)
      throw new UsageError("choose one of --csv, --json, --arrow", "scores");
    const result = await openResult(args.positionals[0]!);
    let table = instanceTableOf(result);
    const joinPath = stringOption(args, "join", "scores");
    if (joinPath !== undefined) {
      const dataset = await openDataset(joinPath);
      const joined = joinResult(dataset, result, {
        prefix: stringOption(args, "prefix", "scores"),
      });
      const idColumn = dataset.axisIndexColumns[dataset.axes[0]!];
      if (idColumn === undefined)
        throw new UsageError(`${joinPath} has no instance ids to join on`, "scores");
      const ids = table.column(INSTANCE_ID).values as ArrayLike<string | number | bigint>;
      table = joined.filter(dataset.axes[0]!, ids as never).meta(dataset.axes[0]!);
    }
    if (arrow !== undefined) await writeArrow(table, arrow, out);
    else if (args.values.csv) out.stdout.write(tableCsv(table));
    else if (out.json) printJson(out, tableJson(table));
    else {
      const limit = Number(stringOption(args, "limit", "scores") ?? 20);
      const names = table.columnNames;
      const rows = Array.from({ length: Math.min(limit, table.numRows) }, (_, r) =>
        names.map((n) => cellText(table.get(r, n))),
      );
      print(out, textTable(names, rows));
      if (table.numRows > limit)
        print(out, `... ${table.numRows - limit} more rows (--csv or --json for all)`);
    }
    return EXIT.ok;
  },
};
