import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

type Conditions = string | { [condition: string]: Conditions };

/** The `./dist/*.js` files a package.json `imports` target names, under any condition. */
function distTargets(target: Conditions): string[] {
  if (typeof target === "string") return /^\.\/dist\/.+\.js$/.test(target) ? [target] : [];
  return Object.values(target).flatMap(distTargets);
}

/**
 * The package's subpath imports (`#platform`): kept external, so that the package's own
 * `imports` map picks the Node or the browser file when the package is used, and each file they
 * name in dist/ built as an entry of its own from the same path under src/.
 */
function subpathImports(): { external: string[]; entry: Record<string, string> } {
  const { imports = {} } = JSON.parse(readFileSync("package.json", "utf8")) as {
    imports?: Record<string, Conditions>;
  };
  const entry: Record<string, string> = {};
  for (const target of Object.values(imports).flatMap(distTargets)) {
    const name = target.slice("./dist/".length, -".js".length);
    entry[name] = `src/${name}.ts`;
  }
  return { external: Object.keys(imports), entry };
}

/**
 * The tsup build every package uses: ESM with declarations, one entry per export and per file
 * named by the package's subpath imports.
 *
 * - `node:` specifiers are kept (`removeNodeProtocol: false`): a bare `zlib` or `os` looks like an
 *   npm package to browser bundlers, which then fail to resolve it. Node-only code sits behind a
 *   `#platform` subpath import whose `node` condition names it, so browser bundlers never see it.
 * - No source maps are published: the output is unminified ESM that keeps the sources' names and
 *   layout, so stack traces already read like the sources, and maps would double the install size
 *   without the `src/` they point to.
 */
export function packageBuild(entry: Record<string, string>) {
  const platform = subpathImports();
  return defineConfig({
    entry: { ...entry, ...platform.entry },
    external: platform.external,
    format: ["esm"],
    dts: true,
    sourcemap: false,
    clean: true,
    target: "es2022",
    removeNodeProtocol: false,
  });
}
