import { defineConfig } from "tsup";

/**
 * The tsup build every package uses: ESM with declarations, one entry per export.
 *
 * - `node:` specifiers are kept (`removeNodeProtocol: false`): a bare `zlib` or `os` looks like an
 *   npm package to browser bundlers, which then fail to resolve it instead of honouring the
 *   `node`/`browser` conditions that keep Node-only code out of browser bundles.
 * - No source maps are published: the output is unminified ESM that keeps the sources' names and
 *   layout, so stack traces already read like the sources, and maps would double the install size
 *   without the `src/` they point to.
 */
export function packageBuild(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: false,
    clean: true,
    target: "es2022",
    removeNodeProtocol: false,
  });
}
