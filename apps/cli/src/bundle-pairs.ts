/**
 * What `tt serve --viewer` offers to open: the bundles under the served folder, found by their
 * manifests, and each result paired with the dataset it was computed from.
 */

import { readdir, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { changesSince, hashManifest, type Manifest } from "tensortools";

/** How deep below the served folder bundles are looked for. */
export const SEARCH_DEPTH = 3;

/** A bundle under the served folder. */
export interface FoundBundle {
  /** Its folder relative to the served one, with `/` separators; "" for the folder itself. */
  path: string;
  kind: "dataset" | "result";
  manifest: Record<string, unknown>;
}

/** A result and the dataset it was computed from, both under the served folder. */
export interface BundlePair {
  dataset: string;
  result: string;
  method: string;
  /** Set when the dataset is not the version the result was computed from. */
  note?: string;
}

/** The bundles under the served folder, paired. */
export interface BundleSurvey {
  pairs: BundlePair[];
  datasetsWithoutResults: string[];
  /** Results whose dataset is not under the served folder, and why. */
  unpaired: { result: string; reason: string }[];
  /** Datasets with a result but no pyramid: the viewer's ERP image needs one (`tt pyramid`). */
  datasetsWithoutPyramids: string[];
}

/** Whether a manifest describes a dataset or a result (schema 0.1.0 manifests have no kind). */
function kindOf(manifest: Record<string, unknown>): FoundBundle["kind"] | undefined {
  const kind = manifest.kind;
  if (kind === "tensortools.dataset" || kind === "dataset") return "dataset";
  if (kind === "decomposition_result" || kind === "result") return "result";
  if (kind !== undefined) return undefined;
  if ("method" in manifest && "input_ref" in manifest) return "result";
  if ("axes" in manifest && "shape" in manifest) return "dataset";
  return undefined;
}

/** The parsed manifest.json of `folder`, or undefined when it is absent or not a JSON object. */
async function readManifest(folder: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bundles in `root` and its folders down to {@link SEARCH_DEPTH} levels, in name order. A
 * bundle's own folders are not searched; hidden folders (a leading dot: temporary writes) and
 * symbolic links are not followed.
 */
export async function findBundles(root: string): Promise<FoundBundle[]> {
  const found: FoundBundle[] = [];
  const visit = async (folder: string, path: string, depth: number): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    if (entries.some((entry) => entry.name === "manifest.json" && entry.isFile())) {
      const manifest = await readManifest(folder);
      const kind = manifest === undefined ? undefined : kindOf(manifest);
      if (manifest !== undefined && kind !== undefined) {
        found.push({ path, kind, manifest });
        return;
      }
    }
    if (depth === SEARCH_DEPTH) return;
    const folders = entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .sort();
    for (const name of folders)
      await visit(join(folder, name), path === "" ? name : `${path}/${name}`, depth + 1);
  };
  await visit(root, "", 0);
  return found;
}

/** Why `dataset` is not the version a result recorded by `recorded`, or undefined when it is. */
async function versionNote(dataset: FoundBundle, recorded: unknown): Promise<string | undefined> {
  if (recorded === (await hashManifest(dataset.manifest as unknown as Manifest))) return undefined;
  const changes =
    typeof recorded === "string"
      ? changesSince(dataset.manifest as unknown as Manifest, recorded)
      : undefined;
  if (changes === undefined)
    return `computed from a version of ${dataset.path || "the dataset"} that is not in its history (rewritten since?)`;
  const kinds = changes.map((change) => change.kind);
  return `computed from an earlier version of ${dataset.path || "the dataset"} (changed since: ${kinds.join(", ")})`;
}

/** Whether a dataset's manifest names a pyramid of its data (what the viewer's ERP image reads). */
function hasPyramid(manifest: Record<string, unknown>): boolean {
  return Array.isArray(manifest.pyramids) && manifest.pyramids.length > 0;
}

/** Whether `path` is `folder` or inside it. */
function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * Pairs each result under `root` with its dataset: `input_ref.dataset.location` resolved (a
 * relative location against the result's folder) must lie under `root` and hold a dataset found
 * there. A dataset of another version still pairs, with a note.
 */
export async function surveyBundles(root: string): Promise<BundleSurvey> {
  const rootReal = await realpath(root);
  const bundles = await findBundles(rootReal);
  const datasets = new Map(
    bundles.filter((b) => b.kind === "dataset").map((b) => [join(rootReal, b.path), b]),
  );
  const survey: BundleSurvey = {
    pairs: [],
    datasetsWithoutResults: [],
    unpaired: [],
    datasetsWithoutPyramids: [],
  };
  const paired = new Set<string>();
  for (const result of bundles.filter((b) => b.kind === "result")) {
    const ref = (result.manifest.input_ref as { dataset?: Record<string, unknown> | null }) ?? {};
    const location = ref.dataset?.location;
    const reason = (why: string) => survey.unpaired.push({ result: result.path, reason: why });
    if (typeof location !== "string") {
      reason("its input was not a stored dataset");
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
      reason(`its input is at ${location}, not under the served folder`);
      continue;
    }
    const target = isAbsolute(location) ? location : resolve(rootReal, result.path, location);
    const real = await realpath(target).catch(() => target);
    const dataset = datasets.get(real);
    if (dataset === undefined) {
      reason(
        inside(real, rootReal)
          ? `its input ${location} holds no dataset found under the served folder`
          : `its input ${location} is outside the served folder`,
      );
      continue;
    }
    paired.add(dataset.path);
    const note = await versionNote(dataset, ref.dataset?.manifest_hash);
    const method = typeof result.manifest.method === "string" ? result.manifest.method : "result";
    survey.pairs.push({
      dataset: dataset.path,
      result: result.path,
      method,
      ...(note === undefined ? {} : { note }),
    });
  }
  for (const dataset of datasets.values()) {
    if (!paired.has(dataset.path)) survey.datasetsWithoutResults.push(dataset.path);
    else if (!hasPyramid(dataset.manifest)) survey.datasetsWithoutPyramids.push(dataset.path);
  }
  return survey;
}

/** A bundle's URL on the server at `base` (which ends in `/`). */
export function bundleUrl(base: string, path: string): string {
  if (path === "") return base;
  return `${base}${path.split("/").map(encodeURIComponent).join("/")}/`;
}

/** The viewer's URL for a pair: `?dataset=<url>&result=<url>` (apps/viewer/src/params.ts). */
export function viewerUrl(base: string, pair: BundlePair): string {
  const query = (value: string) =>
    encodeURIComponent(value).replace(/%2F/gi, "/").replace(/%3A/gi, ":");
  return `${base}viewer/?dataset=${query(bundleUrl(base, pair.dataset))}&result=${query(bundleUrl(base, pair.result))}`;
}

/** `path` for messages: relative to the served folder, or "." for the folder itself. */
export function shown(path: string): string {
  return path === "" ? "." : path;
}
