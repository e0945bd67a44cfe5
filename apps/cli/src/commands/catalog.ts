/**
 * `tt catalog <subcommand>`: the catalog of datasets and results (`--catalog FILE` or
 * `TT_CATALOG`): register bundles, list keys and versions, read runs, define and set typed
 * features, find versions by query, export to Parquet, drop old versions.
 */

import { openCatalogOf } from "../catalog-path.js";
import type { Command, Parsed } from "../command.js";
import { UsageError } from "../errors.js";
import { BUNDLE_SUBCOMMANDS } from "./catalog-bundles.js";
import { FEATURE_SUBCOMMANDS } from "./catalog-features.js";
import { RUN_SUBCOMMANDS } from "./catalog-runs.js";
import type { Subcommand } from "./catalog-subcommand.js";

const SUBCOMMANDS: readonly Subcommand[] = [
  ...BUNDLE_SUBCOMMANDS,
  ...RUN_SUBCOMMANDS,
  ...FEATURE_SUBCOMMANDS,
];

/** The subcommand the positionals name, and its own arguments. */
function subcommandOf(positionals: readonly string[]): { sub: Subcommand; rest: string[] } {
  const [first, ...rest] = positionals;
  if (first === "feature") {
    const [second, ...more] = rest;
    const sub = SUBCOMMANDS.find((s) => s.name === `feature ${second}`);
    if (sub === undefined)
      throw new UsageError(
        second === undefined
          ? "tt catalog feature takes define or set"
          : `unknown subcommand 'feature ${second}'; tt catalog feature takes define or set`,
        "catalog",
      );
    return { sub, rest: more };
  }
  const sub = SUBCOMMANDS.find((s) => s.name === first);
  if (sub === undefined)
    throw new UsageError(
      `unknown subcommand '${first}'; subcommands: ${[...new Set(SUBCOMMANDS.map((s) => s.name.split(" ")[0]))].join(", ")}`,
      "catalog",
    );
  return { sub, rest };
}

/** Checks the arguments and options given against what `sub` takes. */
function checkArguments(sub: Subcommand, rest: readonly string[], args: Parsed): void {
  const wanted = sub.positionals;
  const variadic = wanted.at(-1)?.endsWith("...") === true;
  if (rest.length < wanted.length)
    throw new UsageError(
      `tt catalog ${sub.name} needs ${wanted
        .slice(rest.length)
        .map((name) => `<${name}>`)
        .join(" ")}: tt catalog ${sub.usage}`,
      "catalog",
    );
  if (rest.length > wanted.length && !variadic)
    throw new UsageError(
      `unexpected argument '${rest[wanted.length]}': tt catalog ${sub.usage}`,
      "catalog",
    );
  for (const name of Object.keys(catalogCommand.options))
    if (args.values[name] !== undefined && !sub.options.includes(name))
      throw new UsageError(`--${name} does not go with tt catalog ${sub.name}`, "catalog");
}

export const catalogCommand: Command = {
  name: "catalog",
  summary: "register bundles, list keys and versions, read runs, set typed features, find, export",
  usage: "catalog <subcommand> [arguments] [options]   (the catalog: --catalog FILE or TT_CATALOG)",
  positionals: { required: ["subcommand"], optional: ["arguments..."] },
  options: {
    key: { type: "string", value: "KEY", description: "register: the key (default: the path)" },
    description: { type: "string", value: "TEXT", description: "register, feature define" },
    limit: { type: "string", value: "N", description: "runs: at most N, newest first (100)" },
    dtype: {
      type: "string",
      value: "TYPE",
      description: "feature define: string, boolean, int32, int64, float64 or timestamp",
    },
    unit: { type: "string", value: "U", description: "feature define: the unit of a number" },
    categories: {
      type: "string",
      value: "A,B",
      description: "feature define: the values a string feature may take",
    },
    version: {
      type: "string",
      value: "N",
      description: "feature set: the version to set (default the newest)",
    },
    "all-versions": { type: "boolean", description: "find: every version, not only the newest" },
    force: { type: "boolean", description: "gc: also drop versions that others were made from" },
    "dry-run": { type: "boolean", description: "gc: say what would be dropped, drop nothing" },
  },
  example: "tt catalog list --catalog ./study/catalog.db",
  notes: [
    `Subcommands:\n${SUBCOMMANDS.map((s) => `  tt catalog ${s.usage}`).join("\n")}`,
    "The catalog is the SQLite file --catalog names, else TT_CATALOG. register and feature define create it when missing; the other subcommands read an existing one.",
    "Keys default to the bundle's path relative to the catalog's folder. A key or a bundle's path names a bundle; its versions are numbered from 1, one per manifest the catalog saw.",
    "find takes the query language over the columns key, kind, version, latest, location, n_instances, size_bytes, registered_at and every feature: tt catalog find \"modality == 'eeg' and n_instances > 1000\".",
    "gc drops old versions no one was made from (--force: all but the newest) and releases their files, which each bundle's next write or tt gc <bundle> then removes.",
  ],
  async run(args, out) {
    const { sub, rest } = subcommandOf(args.positionals);
    checkArguments(sub, rest, args);
    const catalog = openCatalogOf(args, "catalog", sub.creates === true);
    try {
      return await sub.run(catalog, rest, args, out);
    } finally {
      catalog.close();
    }
  },
};
