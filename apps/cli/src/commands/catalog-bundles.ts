/** `tt catalog register|list|versions|export|gc`: the bundles a catalog holds, and its upkeep. */

import { exportCatalog, gcCatalog } from "@tt/catalog";
import { stringOption } from "../command.js";
import { EXIT } from "../errors.js";
import { print, printJson } from "../output.js";
import { textTable } from "../tables.js";
import {
  bytesText,
  type Subcommand,
  shapeText,
  timeText,
  versionJson,
  versionLabel,
  versionTable,
} from "./catalog-subcommand.js";

const register: Subcommand = {
  name: "register",
  usage: "register <bundle> [--key KEY] [--description TEXT]",
  positionals: ["bundle"],
  options: ["key", "description"],
  creates: true,
  async run(catalog, [bundle], args, out) {
    const record = await catalog.register(bundle!, {
      key: stringOption(args, "key", "catalog"),
      description: stringOption(args, "description", "catalog"),
    });
    if (out.json) printJson(out, versionJson(catalog, record));
    else
      print(
        out,
        `registered ${record.location} as ${versionLabel(record)} (${shapeText(record.shape)}, ${bytesText(record.sizeBytes)})`,
      );
    return EXIT.ok;
  },
};

const list: Subcommand = {
  name: "list",
  usage: "list",
  positionals: [],
  options: [],
  async run(catalog, _, _args, out) {
    const records = catalog.list();
    if (out.json)
      printJson(
        out,
        records.map((r) => versionJson(catalog, r)),
      );
    else if (records.length === 0)
      print(out, `${catalog.path} holds no bundles yet: tt catalog register <bundle> adds one`);
    else print(out, versionTable(records));
    return EXIT.ok;
  },
};

const versions: Subcommand = {
  name: "versions",
  usage: "versions <key-or-path>",
  positionals: ["key"],
  options: [],
  async run(catalog, [key], _args, out) {
    const records = catalog.versions(key!);
    if (out.json) {
      printJson(
        out,
        records.map((r) => versionJson(catalog, r)),
      );
      return EXIT.ok;
    }
    print(out, `${records[0]!.kind} ${records[0]!.key} (${records[0]!.location})`);
    print(
      out,
      textTable(
        ["  version", "manifest", "shape", "size", "run", "committed (UTC)", "registered (UTC)"],
        records.map((r) => [
          `  ${r.version}${r.latest ? " (newest)" : ""}`,
          r.manifestHash.replace(/^sha256:/, "").slice(0, 12),
          shapeText(r.shape),
          bytesText(r.sizeBytes),
          r.runId === null ? "" : String(r.runId),
          timeText(r.committedAt),
          timeText(r.registeredAt),
        ]),
      ),
    );
    return EXIT.ok;
  },
};

const exportTables: Subcommand = {
  name: "export",
  usage: "export <dir>",
  positionals: ["dir"],
  options: [],
  async run(catalog, [dir], _args, out) {
    const files = await exportCatalog(catalog, dir!);
    if (out.json) printJson(out, { directory: dir, files });
    else {
      print(out, `exported ${catalog.path} to ${dir}:`);
      for (const file of files) print(out, `  ${file}`);
    }
    return EXIT.ok;
  },
};

const gc: Subcommand = {
  name: "gc",
  usage: "gc [--force] [--dry-run]",
  positionals: [],
  options: ["force", "dry-run"],
  async run(catalog, _, args, out) {
    const dryRun = args.values["dry-run"] === true;
    const report = await gcCatalog(catalog, { force: args.values.force === true, dryRun });
    if (out.json) {
      printJson(out, { ...report, dry_run: dryRun });
      return EXIT.ok;
    }
    const verb = dryRun ? "would drop" : "dropped";
    print(out, `${verb} ${report.removed.length} version(s) from the catalog`);
    for (const version of report.removed) print(out, `  ${version}`);
    for (const { version, reason } of report.kept) print(out, `kept ${version}: ${reason}`);
    if (!dryRun && report.removed.length > 0)
      print(out, "their files go with each bundle's next write or tt gc <bundle>");
    return EXIT.ok;
  },
};

/** The subcommands on the bundles of the catalog. */
export const BUNDLE_SUBCOMMANDS: readonly Subcommand[] = [
  register,
  list,
  versions,
  exportTables,
  gc,
];
