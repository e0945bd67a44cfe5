/** `tt query <bundle> --axis instance "<expr>"`: select elements of an axis by their metadata. */

import { openDataset } from "tensortools";
import { ARROW_OPTION, writeArrow } from "../arrow-output.js";
import { type Command, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { print, printJson } from "../output.js";
import { tableCsv, tableJson } from "../tables.js";

export const queryCommand: Command = {
  name: "query",
  summary: "select the elements of an axis whose metadata match an expression",
  usage:
    'query <bundle> "<expr>" [--axis instance] [--count | --ids | --csv | --json | --arrow <file|->]',
  positionals: { required: ["bundle", "expr"] },
  options: {
    axis: { type: "string", value: "AXIS", description: "the axis to query (default: the first)" },
    count: { type: "boolean", description: "print only the number of matches" },
    ids: { type: "boolean", description: "print the ids of the matches, one per line" },
    csv: { type: "boolean", description: "print the matching metadata rows as CSV" },
    arrow: ARROW_OPTION,
  },
  example: "tt query ./demo/dataset \"event_type == 'target' and qc_pass and score > 0.6\" --count",
  async run(args, out) {
    const [path, expr] = args.positionals as [string, string];
    const modes = ["count", "ids", "csv", "arrow"].filter(
      (m) => args.values[m] !== undefined && args.values[m] !== false,
    );
    if (modes.length + (out.json ? 1 : 0) > 1)
      throw new UsageError("choose one of --count, --ids, --csv, --json, --arrow", "query");
    const dataset = await openDataset(path);
    const axis = stringOption(args, "axis", "query") ?? dataset.axes[0]!;
    const view = dataset.query(axis, expr);
    const meta = view.meta(axis);
    const n = view.shape[dataset.axes.indexOf(axis)]!;
    const arrow = stringOption(args, "arrow", "query");
    if (arrow !== undefined) await writeArrow(meta, arrow, out);
    else if (args.values.count) print(out, String(n));
    else if (args.values.ids) {
      const ids = view.ids(axis);
      if (ids === undefined) throw new UsageError(`axis '${axis}' has no ids; use --csv`, "query");
      for (const id of Array.from(ids as ArrayLike<unknown>)) print(out, String(id));
    } else if (args.values.csv) out.stdout.write(tableCsv(meta));
    else if (out.json) printJson(out, { axis, expr, count: n, rows: tableJson(meta) });
    else {
      print(out, `${n} of ${dataset.shape[dataset.axes.indexOf(axis)]} ${axis} elements match`);
      const ids = view.ids(axis);
      if (ids !== undefined && n > 0) {
        const shown = Array.from(ids as ArrayLike<unknown>)
          .slice(0, 10)
          .map(String);
        print(out, `first: ${shown.join(", ")}${n > 10 ? ", ..." : ""}`);
      }
    }
    return EXIT.ok;
  },
};
