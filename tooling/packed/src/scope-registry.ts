/**
 * A tiny npm registry for the `@tt` scope, serving the packed tarballs on 127.0.0.1 while a
 * scratch app installs (`@tt:registry=` in the app's .npmrc); every other package comes from
 * the machine's own registry. npm and pnpm then resolve the `^0.1.0` ranges and auto-install the
 * peer dependencies exactly as they will once the packages are published.
 *
 * Why not `overrides` with `file:` paths: pnpm 10 does not apply `pnpm.overrides` to the peers
 * it auto-installs (pnpm/pnpm#13320, fixed in pnpm 11), so an app naming only @tt/store-zarr
 * fails with `ERR_PNPM_FETCH_404 GET https://registry.npmjs.org/@tt%2Fschema`.
 */

import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { packedContext } from "./context.js";
import { type PackedPackage, readTarball } from "./tarballs.js";

/** A running registry. */
export interface ScopeRegistry {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** `<status> <path>` of every request. */
  requests: string[];
  close(): Promise<void>;
}

/** The packument (all versions' metadata) of one package: here, its one packed version. */
async function packument(pkg: PackedPackage, url: string): Promise<string> {
  const bytes = readFileSync(pkg.tarball);
  const { manifest } = await readTarball(pkg.tarball);
  const version = {
    ...manifest,
    _id: `${pkg.name}@${pkg.version}`,
    dist: {
      tarball: `${url}-/${basename(pkg.tarball)}`,
      integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
      shasum: createHash("sha1").update(bytes).digest("hex"),
    },
  };
  return JSON.stringify({
    name: pkg.name,
    "dist-tags": { latest: pkg.version },
    versions: { [pkg.version]: version },
  });
}

/** Serves the `@tt/*` packages among `packages` as a registry. */
export async function serveScopeRegistry(packages: PackedPackage[]): Promise<ScopeRegistry> {
  const scoped = packages.filter((pkg) => pkg.name.startsWith("@tt/"));
  const documents = new Map<string, string>();
  const tarballs = new Map(scoped.map((pkg) => [basename(pkg.tarball), pkg.tarball]));
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const send = (status: number, body: string | Buffer, type: string) => {
      requests.push(`${status} ${path}`);
      response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
      response.end(body);
    };
    const document = documents.get(path.slice(1));
    if (document !== undefined) return send(200, document, "application/json");
    const tarball = path.startsWith("/-/") ? tarballs.get(path.slice(3)) : undefined;
    if (tarball !== undefined) return send(200, readFileSync(tarball), "application/octet-stream");
    send(404, JSON.stringify({ error: "not found" }), "application/json");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  for (const pkg of scoped) documents.set(pkg.name, await packument(pkg, url));
  return {
    url,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs `install` in `dir` with the packed @tt packages served by a scope registry for its
 * duration (an `.npmrc` naming it, removed afterwards).
 */
export async function withScopeRegistry<T>(dir: string, install: () => Promise<T>): Promise<T> {
  const registry = await serveScopeRegistry(Object.values(packedContext().packages));
  const npmrc = join(dir, ".npmrc");
  writeFileSync(npmrc, `@tt:registry=${registry.url}\n`);
  try {
    return await install();
  } finally {
    rmSync(npmrc, { force: true });
    await registry.close();
  }
}
