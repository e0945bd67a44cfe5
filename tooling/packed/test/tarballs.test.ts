/**
 * The tarballs `pnpm pack` makes of every publishable package: what a user downloads. Each holds
 * its built dist, README, LICENSE and a package.json whose @tt ranges are `^version`, with no
 * `workspace:` protocol, no `@tt/source` condition and no source maps.
 */

import { describe, expect, it } from "vitest";
import { packedContext } from "../src/context.js";
import { formatBytes } from "../src/run.js";
import { type PackedPackage, readTarball, type TarballContents } from "../src/tarballs.js";

const { packages, packMs } = packedContext();
const packed = Object.values(packages);
const names = new Set(packed.map((pkg) => pkg.name));
const contents = new Map<string, TarballContents>();

/** Every string an `exports` (or `bin`) value points at. */
function targets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap(targets);
}

async function tarball(pkg: PackedPackage): Promise<TarballContents> {
  let found = contents.get(pkg.name);
  if (found === undefined) {
    found = await readTarball(pkg.tarball);
    contents.set(pkg.name, found);
  }
  return found;
}

const SHIPPED = ["package.json", "README.md", "LICENSE"];

/** Everything wrong with one tarball, each as a sentence (all of them, not just the first). */
function problems(files: string[], manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const required of SHIPPED) if (!files.includes(required)) found.push(`no ${required}`);
  if (!files.some((file) => /^dist\/.*\.js$/.test(file))) found.push("no dist/*.js");
  if (!files.some((file) => /^dist\/.*\.d\.ts$/.test(file))) found.push("no dist/*.d.ts");
  for (const file of files) {
    if (!file.startsWith("dist/") && !SHIPPED.includes(file)) found.push(`${file} outside dist/`);
    if (file.endsWith(".map")) found.push(`source map ${file}`);
  }
  if (JSON.stringify(manifest).includes("workspace:")) found.push("a workspace: range");
  for (const field of ["exports", "imports"])
    if (JSON.stringify(manifest[field] ?? {}).includes("@tt/source"))
      found.push(`the @tt/source condition in ${field}`);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    const ranges = (manifest[field] ?? {}) as Record<string, string>;
    for (const [name, range] of Object.entries(ranges)) {
      const wanted = names.has(name) ? `^${packages[name]!.version}` : range;
      if (range !== wanted) found.push(`${field}.${name} is ${range}, not ${wanted}`);
    }
  }
  for (const target of [
    ...targets(manifest.exports),
    ...targets(manifest.imports),
    ...targets(manifest.bin),
  ]) {
    const path = target.replace(/^\.\//, "");
    if (!files.includes(path))
      found.push(`${target} (exports, imports or bin) is not in the tarball`);
  }
  if (manifest.license !== "MIT") found.push(`license ${String(manifest.license)}, not MIT`);
  for (const field of ["repository", "homepage", "bugs", "engines"])
    if (manifest[field] === undefined) found.push(`no ${field} in package.json`);
  return found;
}

describe("the packed tarballs", () => {
  it("cover every publishable package: the umbrella, the command line and every @tt package", async () => {
    expect([...names]).toEqual(
      expect.arrayContaining(["tensortools", "tensortools-cli", "@tt/schema"]),
    );
    const lines = [];
    for (const pkg of packed) {
      const { unpackedBytes, files } = await tarball(pkg);
      lines.push(
        `${pkg.name.padEnd(20)} ${formatBytes(pkg.bytes).padStart(9)} packed ${formatBytes(unpackedBytes).padStart(9)} unpacked ${String(files.length).padStart(3)} files  pack ${pkg.ms} ms`,
      );
    }
    console.log(`tarballs (pnpm pack, ${packMs} ms in all):\n${lines.join("\n")}`);
  });

  for (const pkg of packed) {
    it(`${pkg.name}: dist, README.md, LICENSE, ^${pkg.version} ranges, no workspace:, no @tt/source, no source maps`, async () => {
      const { files, manifest } = await tarball(pkg);
      expect(problems(files, manifest)).toEqual([]);
    });
  }
});
