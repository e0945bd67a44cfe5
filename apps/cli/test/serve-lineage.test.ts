/**
 * `tt serve` with a catalog: `GET /.tt/lineage?path=<bundle>` answers the catalog's own lineage
 * of a registered bundle under the served folder (the text of `formatLineage`, the Mermaid of
 * `lineageMermaid`, the tree), 404 for a bundle the catalog does not hold or without a catalog,
 * 4xx for every malformed or escaping request, and the server keeps serving.
 */

import { cpSync, existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type Catalog, formatLineage, lineageMermaid, openCatalog } from "@tt/catalog";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, writeSmallDemo } from "./helpers.js";
import { type RawResponse, rawRequest } from "./raw-http.js";
import { type Served, startServe } from "./serve-helpers.js";

let base: string;
let root: string;
let catalogPath: string;
let catalog: Catalog;
let served: Served;

/** The environment of a `tt serve` child: this process's, with `TT_CATALOG` set as given. */
function withCatalog(path: string): NodeJS.ProcessEnv {
  return { ...process.env, TT_CATALOG: path };
}

beforeAll(async () => {
  base = tempDir();
  root = join(base, "root");
  await writeSmallDemo(root);
  // A copy of the result outside the served folder, registered too, and links to it and inside.
  cpSync(join(root, "pca"), join(base, "outside", "pca"), { recursive: true });
  symlinkSync("../outside/pca", join(root, "out_link"));
  symlinkSync(join(base, "outside", "pca"), join(root, "abs_link"));
  symlinkSync("pca", join(root, "pca_link"));
  catalogPath = join(base, "catalog", "catalog.db");
  catalog = openCatalog(catalogPath);
  await catalog.register(join(root, "dataset"), { key: "demo/dataset" });
  await catalog.register(join(root, "pca"), { key: "demo/pca" });
  await catalog.register(join(base, "outside", "pca"), { key: "outside/pca" });
  served = await startServe([root, "--port", "0"], withCatalog(catalogPath));
}, 120_000);

afterAll(async () => {
  catalog?.close();
  if (served) expect(await served.stop()).toBe(0);
  removeTempDirs();
});

/** A raw request of `target` to `server` (by default the one with the catalog). */
function request(target: string, { method = "GET", server = served } = {}): Promise<RawResponse> {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`];
  return rawRequest(server.port, `${[...lines, "Connection: close"].join("\r\n")}\r\n\r\n`, method);
}

/** The JSON body of a response. */
function json(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.body.toString("utf8"));
}

/** What the catalog itself says of the bundle at `location`. */
function expected(location: string, direction: "up" | "down" = "up") {
  const tree = catalog.lineage(location, { direction });
  return {
    text: formatLineage(tree, direction),
    mermaid: lineageMermaid(tree, direction),
    tree: JSON.parse(JSON.stringify(tree)),
  };
}

describe("tt serve with a catalog: /.tt/lineage", () => {
  it("answers the catalog's lineage of a registered bundle, as JSON", async () => {
    const response = await request("/.tt/lineage?path=pca");
    expect([response.status, response.problem]).toEqual([200, undefined]);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cross-origin-resource-policy"]).toBe("same-origin");
    const body = json(response);
    expect(body).toEqual(expected(join(root, "pca")));
    expect(body.text).toMatch(/^result demo\/pca v1 \(/);
    expect(body.text).toContain("dataset demo/dataset v1");
    expect(body.mermaid).toMatch(/^flowchart BT\n/);
  });

  it("answers downstream, a trailing slash, HEAD and a link that stays inside", async () => {
    const down = await request("/.tt/lineage?direction=down&path=dataset%2F");
    expect(down.status).toBe(200);
    expect(json(down)).toEqual(expected(join(root, "dataset"), "down"));
    expect(json(down).text).toContain("result demo/pca v1");
    const linked = await request("/.tt/lineage?path=pca_link");
    expect([linked.status, json(linked).text]).toEqual([200, expected(join(root, "pca")).text]);
    const get = await request("/.tt/lineage?path=pca");
    const head = await request("/.tt/lineage?path=pca", { method: "HEAD" });
    expect([head.status, head.problem, head.body.length]).toEqual([200, undefined, 0]);
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
  });

  it("answers 404 with a JSON error for what the catalog does not hold", async () => {
    for (const path of ["cp", "nothing-here", "dataset/manifest.json", "recordings/rec01"]) {
      const response = await request(`/.tt/lineage?path=${encodeURIComponent(path)}`);
      expect([path, response.status, response.headers["content-type"]]).toEqual([
        path,
        404,
        "application/json; charset=utf-8",
      ]);
      expect(json(response).error).toBe(
        `the catalog holds no bundle at '${path}' in the served folder`,
      );
    }
  });

  it("refuses paths that are absolute, climb out, are encoded to climb out, or link out", async () => {
    const outside = join(base, "outside", "pca");
    const cases: [string, number][] = [
      ["..", 400],
      ["../outside/pca", 400],
      ["%2e%2e%2Foutside%2Fpca", 400],
      ["pca%2F..%2F..%2Foutside%2Fpca", 400],
      ["dataset/../../outside/pca", 400],
      ["./pca", 400],
      [encodeURIComponent(outside), 400],
      ["%2Fetc%2Fpasswd", 400],
      ["..%5Coutside%5Cpca", 400],
      ["C%3A%5Cx", 400],
      ["C:pca", 400],
      ["pca%2F%2Fx", 400],
      ["%00", 400],
      ["pca%0a", 400],
      ["%c0%ae%c0%ae%2Foutside", 400],
      ["%252e%252e%252Foutside%252Fpca", 404],
      ["out_link", 404],
      ["abs_link", 404],
      ["out_link%2F", 404],
    ];
    const got: [string, number | undefined][] = [];
    for (const [path] of cases) {
      const response = await request(`/.tt/lineage?path=${path}`);
      got.push([path, response.status]);
      expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(typeof json(response).error).toBe("string");
      expect(response.body.toString()).not.toContain("outside/pca");
    }
    expect(got).toEqual(cases);
    // The catalog does hold the bundle the links lead to: only the folder's bounds refuse it.
    expect(catalog.lineage(outside).key).toBe("outside/pca");
  });

  it("answers malformed requests with 4xx, other methods with 405, and keeps serving", async () => {
    const cases: [string, number][] = [
      ["/.tt/lineage", 400],
      ["/.tt/lineage?", 400],
      ["/.tt/lineage?path=", 400],
      ["/.tt/lineage?path", 400],
      ["/.tt/lineage?path=pca&path=dataset", 400],
      ["/.tt/lineage?path=pca&direction=sideways", 400],
      ["/.tt/lineage?path=pca&direction=", 400],
      ["/.tt/lineage?path=pca&version=1", 400],
      ["/.tt/lineage?path=pca&x", 400],
      ["/.tt/lineage?path=%zz", 400],
      ["/.tt/lineage?path=pca%", 400],
      ["/.tt/lineage?%zz=pca", 400],
      [`/.tt/lineage?path=${"a".repeat(4000)}`, 404],
      [`/.tt/lineage?path=${"a/".repeat(2100)}`, 414],
      ["/.tt/lineage?path=pca#x", 200],
      ["/.tt/lineage?&path=pca&", 200],
      ["/.tt/lineage/?path=pca", 404],
      ["/.tt/lineage/x?path=pca", 404],
      ["/.tt/%6Cineage?path=pca", 200],
      ["http://127.0.0.1/.tt/lineage?path=pca", 200],
    ];
    const got: [string, number | undefined][] = [];
    for (const [target] of cases) got.push([target, (await request(target)).status]);
    expect(got).toEqual(cases);
    for (const method of ["POST", "PUT", "DELETE"])
      expect((await request("/.tt/lineage?path=pca", { method })).status).toBe(405);
    expect((await request("/.tt/lineage?path=pca", { method: "OPTIONS" })).status).toBe(204);
    expect((await request("/.tt/lineage?path=pca")).status).toBe(200);
    expect((await request("/pca/manifest.json")).status).toBe(200);
    expect(served.exitCode()).toBeUndefined();
    expect(served.stderr()).not.toContain("tt serve:");
  });

  it("answers seeded random queries with a well-formed 200, 400 or 404, and keeps serving", async () => {
    const pieces = ["path=", "pca", "dataset", "..", "%2e", "%2F", "/", "%5C", "%00", "%", "&"];
    const more = ["direction=", "up", "down", "=", "+", "%zz", "out_link", "%c0", "#", "?"];
    const alphabet = [...pieces, ...more];
    let state = 0x11ea_9e00;
    const next = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state / 2 ** 32;
    };
    for (let i = 0; i < 300; i++) {
      const length = 1 + Math.floor(next() * 8);
      const query = Array.from(
        { length },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join("");
      const response = await request(`/.tt/lineage?${query}`);
      expect([query, response.problem]).toEqual([query, undefined]);
      expect([200, 400, 404]).toContain(response.status);
      expect(response.body.toString()).not.toContain("outside/pca");
    }
    expect((await request("/.tt/lineage?path=pca")).status).toBe(200);
    expect(served.exitCode()).toBeUndefined();
  });
});

describe("tt serve without a catalog", () => {
  it("answers /.tt/lineage with a JSON 404 and serves files as before, with its CORS headers", async () => {
    const plain = await startServe(
      [root, "--port", "0", "--cors", "http://localhost:5173"],
      withCatalog(""),
    );
    try {
      const response = await fetch(`${plain.url}.tt/lineage?path=pca`, {
        headers: { Origin: "http://localhost:5173" },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect(await response.json()).toEqual({
        error: "no catalog: start tt serve with --catalog FILE or TT_CATALOG=FILE to see lineage",
      });
      expect((await request("/.tt/lineage?path=..", { server: plain })).status).toBe(400);
      expect((await fetch(`${plain.url}pca/manifest.json`)).status).toBe(200);
    } finally {
      expect(await plain.stop()).toBe(0);
    }
  });

  it("refuses to start on a catalog that does not exist (exit 1), and creates none", async () => {
    const missing = join(base, "no-such", "catalog.db");
    await expect(startServe([root, "--port", "0"], withCatalog(missing))).rejects.toThrow(
      `tt serve exited with 1: tt: no catalog at ${missing}`,
    );
    expect(existsSync(missing)).toBe(false);
  });
});
