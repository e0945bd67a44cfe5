import { posix } from "node:path";

/** The TypeScript sources a compiled extension stands for: `./x.js` is written for `./x.ts`. */
const SOURCE_FOR_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
};

/** The extensions tried, in order, for a specifier written without one (`./x`, `./dir`). */
const TRIED_EXTENSIONS: readonly string[] = [".ts", ".tsx", ".mts"];

/**
 * The source file a relative import points to, among the known files of a package, the way the
 * Bundler resolution finds it: `./x.js` -> `x.ts`, `./dir/index.js` and `./dir` ->
 * `dir/index.ts`, `./x.ts` as written. `undefined` when it points outside the known files, e.g. a
 * JSON file or another package.
 *
 * @param importer the importing file, relative to the repo root with forward slashes
 * @param specifier the relative specifier as written
 * @param files every known source file, in the same form as `importer`
 */
export function resolveRelativeImport(
  importer: string,
  specifier: string,
  files: ReadonlySet<string>,
): string | undefined {
  const target = posix.join(posix.dirname(importer), specifier);
  const extension = posix.extname(target);
  const stem = target.slice(0, target.length - extension.length);
  const candidates = [
    target,
    ...(SOURCE_FOR_OUTPUT[extension] ?? []).map((source) => stem + source),
    ...TRIED_EXTENSIONS.map((source) => target + source),
    ...TRIED_EXTENSIONS.map((source) => posix.join(target, "index" + source)),
  ];
  return candidates.find((candidate) => files.has(candidate));
}
