/** `tt catalog feature define|set`, `features` and `find`: typed features, and searching by them. */

import type { Catalog, FeatureDefinition, FeatureDType } from "@tt/catalog";
import { integerOption, stringOption } from "../command.js";
import { EXIT, UsageError } from "../errors.js";
import { print, printJson } from "../output.js";
import { textTable } from "../tables.js";
import { type Subcommand, versionJson, versionLabel, versionTable } from "./catalog-subcommand.js";

/** `--categories a,b` as a list, or undefined when not given. */
function categoryList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((name) => name.trim());
  if (names.some((name) => name === ""))
    throw new UsageError(`--categories takes names separated by commas, got '${text}'`, "catalog");
  return names;
}

/** The text of `name=value` as a value of the feature's dtype; a UsageError when it does not parse. */
function parseValue(feature: FeatureDefinition, item: string, text: string): unknown {
  const bad = (expected: string) =>
    new UsageError(
      `${item}: '${text}' is not ${expected} (feature '${feature.name}' is ${feature.dtype})`,
      "catalog",
    );
  switch (feature.dtype) {
    case "int32":
    case "float64": {
      const value = Number(text);
      if (text.trim() === "" || Number.isNaN(value)) throw bad("a number");
      return value;
    }
    case "int64":
      if (!/^[-+]?\d+$/.test(text.trim())) throw bad("an integer");
      return BigInt(text.trim());
    case "boolean":
      if (text === "true" || text === "false") return text === "true";
      throw bad("true or false");
    default:
      return text;
  }
}

/** `name=value ...` parsed by the registered features' dtypes. */
function featureValues(catalog: Catalog, items: readonly string[]): Record<string, unknown> {
  const features = new Map(catalog.features().map((f) => [f.name, f]));
  const values: Record<string, unknown> = {};
  for (const item of items) {
    const at = item.indexOf("=");
    if (at < 1) throw new UsageError(`feature set takes name=value, got '${item}'`, "catalog");
    const name = item.slice(0, at);
    const feature = features.get(name);
    if (feature === undefined)
      throw new UsageError(
        `no feature '${name}' is registered (${features.size === 0 ? "none is" : `there are ${[...features.keys()].join(", ")}`}); define it first: tt catalog feature define ${name} --dtype TYPE`,
        "catalog",
      );
    values[name] = parseValue(feature, item, item.slice(at + 1));
  }
  return values;
}

const define: Subcommand = {
  name: "feature define",
  usage: "feature define <name> --dtype TYPE [--unit U] [--categories a,b] [--description TEXT]",
  positionals: ["name"],
  options: ["dtype", "unit", "categories", "description"],
  creates: true,
  async run(catalog, [name], args, out) {
    const dtype = stringOption(args, "dtype", "catalog");
    if (dtype === undefined)
      throw new UsageError(
        "feature define needs --dtype: string, boolean, int32, int64, float64 or timestamp",
        "catalog",
      );
    const definition: FeatureDefinition = {
      name: name!,
      dtype: dtype as FeatureDType,
      unit: stringOption(args, "unit", "catalog") ?? null,
      categories: categoryList(stringOption(args, "categories", "catalog")) ?? null,
      description: stringOption(args, "description", "catalog") ?? null,
    };
    catalog.defineFeature(definition);
    const stored = catalog.features().find((f) => f.name === name)!;
    if (out.json) printJson(out, stored);
    else
      print(
        out,
        `defined feature '${stored.name}' (${stored.dtype}${stored.unit ? `, in ${stored.unit}` : ""}${stored.categories ? `; one of ${stored.categories.join(", ")}` : ""})`,
      );
    return EXIT.ok;
  },
};

const set: Subcommand = {
  name: "feature set",
  usage: "feature set <key-or-path> name=value ... [--version N]",
  positionals: ["key", "name=value..."],
  options: ["version"],
  async run(catalog, [key, ...items], args, out) {
    const version = integerOption(args, "version", "catalog");
    const values = featureValues(catalog, items);
    catalog.setFeatures(key!, values, { version });
    const record = catalog.resolve(key!, version);
    if (out.json) printJson(out, versionJson(catalog, record));
    else print(out, `set ${items.join(", ")} on ${versionLabel(record)}`);
    return EXIT.ok;
  },
};

const features: Subcommand = {
  name: "features",
  usage: "features",
  positionals: [],
  options: [],
  async run(catalog, _, _args, out) {
    const list = catalog.features();
    if (out.json) printJson(out, list);
    else if (list.length === 0)
      print(out, "no features yet: tt catalog feature define <name> --dtype TYPE adds one");
    else
      print(
        out,
        textTable(
          ["name", "dtype", "unit", "categories", "description"],
          list.map((f) => [
            f.name,
            f.dtype,
            f.unit ?? "",
            f.categories?.join(", ") ?? "",
            f.description ?? "",
          ]),
        ),
      );
    return EXIT.ok;
  },
};

const find: Subcommand = {
  name: "find",
  usage: 'find "<expression>" [--all-versions]',
  positionals: ["expression"],
  options: ["all-versions"],
  async run(catalog, [expression], args, out) {
    const records = catalog.find(expression!, {
      allVersions: args.values["all-versions"] === true,
    });
    if (out.json)
      printJson(
        out,
        records.map((r) => versionJson(catalog, r)),
      );
    else if (records.length === 0) print(out, `no version matches ${expression}`);
    else print(out, versionTable(records));
    return EXIT.ok;
  },
};

/** The subcommands on features. */
export const FEATURE_SUBCOMMANDS: readonly Subcommand[] = [define, set, features, find];
