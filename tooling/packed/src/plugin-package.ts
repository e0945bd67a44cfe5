/**
 * The third-party method package: the fixture in tooling/packed/fixtures/method-instance-stats,
 * installed (with @tt/schema from its tarball), built with `tsc` and packed with `npm pack` in
 * a scratch folder.
 */

import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { packedContext } from "./context.js";
import { runCommand } from "./run.js";
import { withScopeRegistry } from "./scope-registry.js";

/** The fixture's package name. */
export const PLUGIN_NAME = "tensortools-method-instance-stats";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/method-instance-stats");

/** What building the plugin recorded. */
interface BuildRecord {
  tarball?: string;
  error?: string;
  /** Milliseconds of install, tsc and pack. */
  installMs?: number;
  buildMs?: number;
  packMs?: number;
  /** Files of the built dist. */
  dist?: string[];
}

function recordPath(): string {
  return join(packedContext().root, "plugin-build.json");
}

/** Builds and packs the plugin once per run; resolves with its tarball path. */
export async function buildPlugin(): Promise<string> {
  const record = await pluginBuild();
  if (record.error !== undefined)
    throw new Error(`building ${PLUGIN_NAME} failed: ${record.error}`);
  return record.tarball!;
}

/** The build record (building first when this run has not yet). */
export async function pluginBuild(): Promise<BuildRecord> {
  const path = recordPath();
  if (!existsSync(path)) {
    let record: BuildRecord;
    try {
      record = await build();
    } catch (error) {
      record = { error: (error as Error).message };
    }
    writeFileSync(path, JSON.stringify(record));
  }
  return JSON.parse(readFileSync(path, "utf8")) as BuildRecord;
}

async function build(): Promise<BuildRecord> {
  const { root } = packedContext();
  const dir = join(root, "plugin-build");
  cpSync(FIXTURE, dir, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist)$/.test(source),
  });
  // The author's own install: the fixture's package.json as is (@tt/schema ^0.1.0 as a peer and
  // a dev dependency), the @tt scope served from the tarballs.
  const install = await withScopeRegistry(dir, () =>
    runCommand("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir }),
  );
  const tsc = await runCommand("npm", ["run", "build", "--silent"], { cwd: dir });
  const pack = await runCommand(
    "npm",
    ["pack", "--pack-destination", join(root, "tarballs"), "--silent"],
    { cwd: dir },
  );
  const file = pack.stdout.trim().split("\n").pop()!;
  const tarball = join(root, "tarballs", file);
  if (!existsSync(tarball)) throw new Error(`npm pack printed ${file}, which does not exist`);
  console.log(
    `[packed] built ${PLUGIN_NAME}: npm install ${install.ms} ms, tsc ${tsc.ms} ms, npm pack ${pack.ms} ms`,
  );
  return {
    tarball,
    installMs: install.ms,
    buildMs: tsc.ms,
    packMs: pack.ms,
    dist: readdirSync(join(dir, "dist")).sort(),
  };
}
