import { defineConfig } from "tsup";

/** The tsup build every package uses: ESM with declarations and source maps, one entry per export. */
export function packageBuild(entry: Record<string, string>) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
  });
}
