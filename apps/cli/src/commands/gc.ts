/** `tt gc <bundle>`: removes the files a dataset's current version no longer uses. */

import { cleanupDataset } from "tensortools";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { print, printJson } from "../output.js";

export const gcCommand: Command = {
  name: "gc",
  summary: "remove files of replaced versions and of writers that died from a dataset bundle",
  usage: "gc <bundle>",
  positionals: { required: ["bundle"] },
  options: {
    grace: {
      type: "string",
      value: "MINUTES",
      description: "keep files of versions replaced less than this long ago (default 10)",
    },
  },
  example: "tt gc ./demo/dataset --grace 0",
  notes: [
    "Files of the current version and of writers still running are never removed, nor files that are not the bundle's own. Files of a replaced version stay for the grace period, so that readers that opened it just before can finish; --grace 0 removes them at once.",
  ],
  async run(args, out) {
    const text = (args.values.grace as string | undefined) ?? "10";
    const minutes = Number(text);
    if (text.trim() === "" || !Number.isFinite(minutes) || minutes < 0)
      throw new UsageError(`--grace must be a number of minutes, 0 or more, got '${text}'`);
    const report = await cleanupDataset(args.positionals[0]!, { graceMs: minutes * 60_000 });
    if (out.json) printJson(out, report);
    else {
      print(out, `removed ${report.removed.length} file(s) or folder(s)`);
      for (const key of report.removed) print(out, `  ${key}`);
      for (const { key, reason } of report.deferred) print(out, `kept ${key}: ${reason}`);
    }
    return EXIT.ok;
  },
};
