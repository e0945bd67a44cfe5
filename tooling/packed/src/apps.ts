/**
 * Scratch apps outside the workspace, installed from the tarballs with npm or pnpm (the @tt
 * packages through a scope registry, see scope-registry.ts). Each app is
 * installed once per run: the first test file that needs it installs it, and the outcome
 * (including a failure) is recorded in the app folder for the files after it.
 */

import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { packedContext } from "./context.js";
import { EXAMPLE_NAME, exampleTarball } from "./example-package.js";
import { buildPlugin, PLUGIN_NAME } from "./plugin-package.js";
import { runCommand, runPnpm } from "./run.js";
import { withScopeRegistry } from "./scope-registry.js";

/** The package managers the stage installs with. */
export type Manager = "npm" | "pnpm";

/** The scripts and pages copied into scratch apps. */
const TEMPLATES = resolve(import.meta.dirname, "../apps");

/** Registry versions of the third-party tools the browser check uses (as apps/viewer). */
const TOOL_VERSIONS = { esbuild: "^0.28.0", vite: "^8.0.0", "playwright-core": "^1.57.0" };

/** A scratch app: what it names and which scripts it holds. */
interface AppSpec {
  /** Folder name under the scratch root, e.g. `npm-umbrella`. */
  name: string;
  manager: Manager;
  /** Packed packages the app names (they resolve to their tarballs). */
  packed: string[];
  /**
   * Whether the app names the method packages: the third-party one built from the fixture and
   * the ml.js example (examples/method-hclust) packed from the workspace.
   */
  plugin: boolean;
  /** Registry packages the app names, with ranges. */
  registry: Record<string, string>;
  /** Template folders under tooling/packed/apps copied into the app. */
  templates: string[];
}

/** The apps of the stage. */
export type AppName = "npm-umbrella" | "pnpm-umbrella" | "npm-lightweight" | "pnpm-lightweight";

function spec(name: AppName): AppSpec {
  const manager: Manager = name.startsWith("npm") ? "npm" : "pnpm";
  if (name.endsWith("umbrella")) {
    return {
      name,
      manager,
      // @tt/schema is named for `@tt/schema/testing` (the conformance kit a plugin author uses),
      // @tt/catalog for the catalog check (the umbrella's optional peer), @tt/engine-bullmq for
      // the split-fit check, @tt/mljs for the ml.js example's check, @tt/arrow for the Arrow check.
      packed: [
        "tensortools",
        "@tt/schema",
        "@tt/catalog",
        "@tt/engine-bullmq",
        "@tt/mljs",
        "@tt/arrow",
      ],
      plugin: true,
      // The bundlers and the browser driver go into one app only.
      registry: manager === "npm" ? TOOL_VERSIONS : {},
      templates: manager === "npm" ? ["umbrella", "plugin", "browser"] : ["umbrella", "plugin"],
    };
  }
  return {
    name,
    manager,
    packed: ["@tt/store-zarr", "@tt/decompose-svd"],
    plugin: false,
    registry: {},
    templates: ["lightweight"],
  };
}

/** An installed scratch app. */
export interface InstalledApp {
  name: AppName;
  dir: string;
  manager: Manager;
  /** Milliseconds the install took. */
  installMs: number;
}

/** What the app folder records about its install. */
interface InstallRecord {
  installMs?: number;
  error?: string;
}

/**
 * The package.json of an app. The @tt packages it names get their published range (`^0.1.0`),
 * resolved by the scope registry; `tensortools` and the method packages, which have no scope,
 * are named by their tarballs (`methodTarballs`, by package name).
 */
function manifest(app: AppSpec, methodTarballs: Record<string, string>): Record<string, unknown> {
  const { packages } = packedContext();
  const dependencies: Record<string, string> = { ...app.registry };
  for (const name of app.packed) {
    const pkg = packages[name]!;
    dependencies[name] = name.startsWith("@tt/") ? `^${pkg.version}` : `file:${pkg.tarball}`;
  }
  for (const [name, tarball] of Object.entries(methodTarballs))
    dependencies[name] = `file:${tarball}`;
  return {
    name: `tt-scratch-${app.name}`,
    version: "0.0.0",
    private: true,
    type: "module",
    dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
  };
}

/** Installs the app `name` (once per run) and returns it; rethrows a recorded install failure. */
export async function installApp(name: AppName): Promise<InstalledApp> {
  const app = spec(name);
  const dir = join(packedContext().root, app.name);
  const recordPath = join(dir, ".tt-install.json");
  if (!existsSync(recordPath)) {
    let record: InstallRecord;
    try {
      const methodTarballs: Record<string, string> = app.plugin
        ? { [PLUGIN_NAME]: await buildPlugin(), [EXAMPLE_NAME]: await exampleTarball() }
        : {};
      mkdirSync(dir, { recursive: true });
      for (const template of app.templates)
        cpSync(join(TEMPLATES, template), dir, { recursive: true });
      writeFileSync(
        join(dir, "package.json"),
        `${JSON.stringify(manifest(app, methodTarballs), null, 2)}\n`,
      );
      const { ms } = await withScopeRegistry(dir, () =>
        app.manager === "npm"
          ? runCommand("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
              cwd: dir,
            })
          : runPnpm(["install", "--no-frozen-lockfile", "--reporter=append-only"], { cwd: dir }),
      );
      record = { installMs: ms };
      console.log(`[packed] installed ${app.name} with ${app.manager} in ${ms} ms`);
    } catch (error) {
      record = { error: (error as Error).message };
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(recordPath, JSON.stringify(record));
  }
  const record = JSON.parse(readFileSync(recordPath, "utf8")) as InstallRecord;
  if (record.error !== undefined) throw new Error(`installing ${app.name} failed: ${record.error}`);
  return { name, dir, manager: app.manager, installMs: record.installMs! };
}
