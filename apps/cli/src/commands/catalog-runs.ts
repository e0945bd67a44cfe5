/** `tt catalog runs|run`: the runs a catalog recorded, with their inputs, outputs and parameters. */

import { basename } from "node:path";
import type { RunInputRecord, RunRecord } from "@tt/catalog";
import { integerOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { type Output, print, printJson } from "../output.js";
import { textTable } from "../tables.js";
import { type Subcommand, timeText } from "./catalog-subcommand.js";

/** An input in a few words: `key vN`, or a file's name. */
function inputWord(input: RunInputRecord): string {
  return input.key === null ? basename(input.location) : `${input.key} v${input.version}`;
}

/** An input in a line: the version or the file, its checksum and the view's selectors. */
function inputLine(input: RunInputRecord): string {
  const what =
    input.key === null
      ? `file ${input.location}${input.sha256 === null ? " (not found when the run started)" : ` (${input.sha256})`}`
      : `${input.key} v${input.version} (${input.location})`;
  const view =
    input.selectors === null || input.selectors.length === 0
      ? ""
      : ` view ${JSON.stringify(input.selectors)}`;
  return `  ${what}${view}`;
}

/** How long a run took, or that it is still running. */
function duration(run: RunRecord): string {
  if (run.endedAt === null) return "";
  const ms = Date.parse(run.endedAt) - Date.parse(run.startedAt);
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A run in full, as text. */
function printRun(out: Output, run: RunRecord): void {
  print(out, `run ${run.id}: ${run.transform} (${run.libraryVersion})`);
  print(out, `status   ${run.status}`);
  if (run.error !== null) print(out, `error    ${run.error}`);
  print(out, `started  ${timeText(run.startedAt)} UTC`);
  if (run.endedAt !== null) print(out, `ended    ${timeText(run.endedAt)} UTC (${duration(run)})`);
  print(out, `inputs${run.inputs.length === 0 ? "   none" : ""}`);
  for (const input of run.inputs) print(out, inputLine(input));
  print(out, `outputs${run.outputs.length === 0 ? "  none" : ""}`);
  for (const output of run.outputs) print(out, `  ${output.key} v${output.version}`);
  print(out, "params");
  for (const line of JSON.stringify(run.params, null, 2).split("\n")) print(out, `  ${line}`);
}

const runs: Subcommand = {
  name: "runs",
  usage: "runs [--limit N]",
  positionals: [],
  options: ["limit"],
  async run(catalog, _, args, out) {
    const list = catalog.runs(integerOption(args, "limit", "catalog") ?? 100);
    if (out.json) {
      printJson(out, list);
      return EXIT.ok;
    }
    if (list.length === 0) {
      print(out, `${catalog.path} has no runs yet`);
      return EXIT.ok;
    }
    print(
      out,
      textTable(
        ["run", "transform", "status", "started (UTC)", "took", "inputs", "outputs"],
        list.map((run) => [
          String(run.id),
          run.transform,
          run.status,
          timeText(run.startedAt),
          duration(run),
          run.inputs.map(inputWord).join(", "),
          run.outputs.map((o) => `${o.key} v${o.version}`).join(", "),
        ]),
      ),
    );
    return EXIT.ok;
  },
};

const run: Subcommand = {
  name: "run",
  usage: "run <id>",
  positionals: ["id"],
  options: [],
  async run(catalog, [text], _args, out) {
    const id = Number(text);
    if (!Number.isInteger(id) || id < 1)
      throw new UsageError(`a run's id is a positive integer, got '${text}'`, "catalog");
    const record = catalog.run(id);
    if (out.json) printJson(out, record);
    else printRun(out, record);
    return EXIT.ok;
  },
};

/** The subcommands on the runs of the catalog. */
export const RUN_SUBCOMMANDS: readonly Subcommand[] = [runs, run];
