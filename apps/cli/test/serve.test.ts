import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt } from "./helpers.js";
import { rawRequest } from "./raw-http.js";
import { makeServeTree, type Served, type ServeTree, startServe } from "./serve-helpers.js";

let tree: ServeTree;
let served: Served;

beforeAll(async () => {
  tree = makeServeTree();
  served = await startServe([tree.root, "--port", "0", "--viewer", tree.viewer]);
});

afterAll(async () => {
  expect(await served.stop()).toBe(0);
  removeTempDirs();
});

/** The first file under `dir` whose path (relative, with `/`) matches `pattern`. */
function findFile(dir: string, pattern: RegExp): string {
  const found = readdirSync(dir, { recursive: true })
    .map((name) => String(name).split("\\").join("/"))
    .find((name) => pattern.test(name));
  if (found === undefined) throw new Error(`no file matching ${pattern} under ${dir}`);
  return found;
}

/** GET (or `method`) of a raw request target with extra header lines. */
function request(target: string, { method = "GET", headers = [] as string[], port = 0 } = {}) {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port || served.port}`,
    ...headers,
    "Connection: close",
  ];
  return rawRequest(port || served.port, `${lines.join("\r\n")}\r\n\r\n`, method);
}

describe("tt serve", () => {
  it("serves bundles with byte ranges, without CORS headers, until interrupted", async () => {
    const dir = tempDir();
    expect((await tt(["demo", dir, "--recordings", "2", "--events", "20", "--quiet"])).code).toBe(
      0,
    );
    const demo = await startServe([dir, "--port", "0"]);
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const manifest = await fetch(`${demo.url}dataset/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("access-control-allow-origin")).toBeNull();
    expect(manifest.headers.get("content-type")).toBe("application/json");
    expect(await manifest.text()).toBe(readFileSync(join(dir, "dataset/manifest.json"), "utf8"));

    // Bundle file names may carry a version; find them rather than spell them.
    const chunk = `dataset/${findFile(join(dir, "dataset"), /^arrays\/data[^/]*\.zarr\/c\/0\/0\/0$/)}`;
    const instances = `dataset/${findFile(join(dir, "dataset"), /^meta\/instance[^/]*\.parquet$/)}`;
    const bytes = readFileSync(join(dir, chunk));
    const range = await fetch(`${demo.url}${chunk}`, { headers: { Range: "bytes=100-199" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const parquet = await fetch(`${demo.url}${instances}`, { method: "HEAD" });
    expect([parquet.status, parquet.headers.get("content-type")]).toEqual([
      200,
      "application/vnd.apache.parquet",
    ]);

    expect((await fetch(`${demo.url}dataset/nothing.json`)).status).toBe(404);
    expect((await fetch(`${demo.url}..%2F..%2Fetc%2Fpasswd`)).status).toBe(403);
    expect(await demo.stop()).toBe(0);
  });

  it("reads a served bundle through the library's HTTP store", async () => {
    const dir = tempDir();
    expect((await tt(["demo", dir, "--recordings", "2", "--events", "20", "--quiet"])).code).toBe(
      0,
    );
    const demo = await startServe([dir, "--port", "0"]);
    try {
      const info = await tt(["info", `${demo.url}dataset`, "--json"]);
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout).shape).toEqual([40, 600, 4]);
      const scores = await tt(["scores", `${demo.url}pca`, "--csv"]);
      expect(scores.stdout.split("\n")[0]).toContain("score_1");
    } finally {
      await demo.stop();
    }
  });

  it("answers the targets that used to end the process with 400 and keeps serving", async () => {
    for (const target of ["http://%", "http://[/x", "http://127.0.0.1:99999999/a.txt"]) {
      const response = await request(target);
      expect([target, response.status, response.problem]).toEqual([target, 400, undefined]);
    }
    const after = await request("/a.txt");
    expect([after.status, after.body.toString()]).toEqual([200, "hello\n"]);
    expect(served.exitCode()).toBeUndefined();
  });

  it("follows symbolic links that stay inside the folder and refuses those that leave it", async () => {
    const statuses: Record<string, number | undefined> = {};
    const targets = [
      "/sub/file.json",
      "/link_in/file.json",
      "/file_link",
      "/self/a.txt",
      "/secret_link",
      "/out_dir/secret.txt",
      "/abs_link",
      "/etc_link/passwd",
      "/sibling_link",
      "/loop_a",
      "/dangling",
      "/sub",
      "/viewer/",
      "/viewer/escape",
      "/viewer/secret_link",
      "/viewer",
    ];
    for (const target of targets) {
      const response = await request(target);
      statuses[target] = response.status;
      expect(response.body.toString()).not.toContain(tree.secret);
      expect(response.body.toString()).not.toContain("root:");
    }
    expect(statuses).toEqual({
      "/sub/file.json": 200,
      "/link_in/file.json": 200,
      "/file_link": 200,
      "/self/a.txt": 200,
      "/secret_link": 403,
      "/out_dir/secret.txt": 403,
      "/abs_link": 403,
      "/etc_link/passwd": 403,
      "/sibling_link": 403,
      "/loop_a": 404,
      "/dangling": 404,
      "/sub": 404,
      "/viewer/": 200,
      "/viewer/escape": 403,
      "/viewer/secret_link": 403,
      "/viewer": 301,
    });
    expect((await request("/viewer")).headers.location).toBe("/viewer/");
  });

  it("refuses dot segments, encoded separators, NUL, backslashes, drive letters and long targets", async () => {
    const cases: [string, number][] = [
      ["/../secret.txt", 403],
      ["/%2e%2e/secret.txt", 403],
      ["/%2E%2E%2Fsecret.txt", 403],
      ["/..%2fsecret.txt", 403],
      ["/sub/..%5c..%5csecret.txt", 403],
      ["/%00", 400],
      ["/a.txt%00.json", 400],
      ["/%zz", 400],
      ["/%c0%ae%c0%ae/secret.txt", 400],
      ["/..\\secret.txt", 403],
      ["/C:/Windows/win.ini", 403],
      ["/c:%5csecret.txt", 403],
      ["//etc/passwd", 404],
      ["/%252e%252e/secret.txt", 404],
      [`/${"a".repeat(5000)}`, 414],
      ["*", 400],
      ["example.com:443", 400],
      ["/sp%20ace%25.txt", 200],
      ["/a.txt?x=1#y", 200],
      ["http://127.0.0.1/a.txt", 200],
    ];
    const got = [];
    for (const [target] of cases) got.push([target, (await request(target)).status]);
    expect(got).toEqual(cases);
  });

  it("answers only GET, HEAD and OPTIONS", async () => {
    for (const method of ["PUT", "POST", "DELETE", "TRACE", "PATCH"]) {
      const response = await request("/a.txt", { method });
      expect([method, response.status, response.headers.allow]).toEqual([
        method,
        405,
        "GET, HEAD, OPTIONS",
      ]);
    }
    const connect = await rawRequest(
      served.port,
      "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
      "CONNECT",
    );
    expect(connect.status).toBe(405);
    const head = await request("/data.bin", { method: "HEAD" });
    expect([head.status, head.headers["content-length"], head.body.length]).toEqual([
      200,
      "1000",
      0,
    ]);
    const options = await request("/a.txt", { method: "OPTIONS" });
    expect([options.status, options.headers.allow]).toEqual([204, "GET, HEAD, OPTIONS"]);
  });

  it("sends content types for wasm, mjs, parquet, map and txt, with nosniff", async () => {
    const types: Record<string, string | undefined> = {};
    for (const name of [
      "kernel.wasm",
      "module.mjs",
      "meta.parquet",
      "module.mjs.map",
      "notes.txt",
      "data.bin",
    ]) {
      const response = await request(`/${name}`);
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      types[name] = response.headers["content-type"];
    }
    expect(types).toEqual({
      "kernel.wasm": "application/wasm",
      "module.mjs": "text/javascript",
      "meta.parquet": "application/vnd.apache.parquet",
      "module.mjs.map": "application/json",
      "notes.txt": "text/plain; charset=utf-8",
      "data.bin": "application/octet-stream",
    });
  });

  it("answers ranges as RFC 9110 says: parts, the whole file, or 416", async () => {
    const { data } = tree;
    const cases: [string, number, string | undefined, Buffer][] = [
      ["bytes=0-9", 206, "bytes 0-9/1000", data.subarray(0, 10)],
      ["bytes=-10", 206, "bytes 990-999/1000", data.subarray(990)],
      ["bytes=990-", 206, "bytes 990-999/1000", data.subarray(990)],
      ["bytes=995-2000", 206, "bytes 995-999/1000", data.subarray(995)],
      ["bytes=-5000", 206, "bytes 0-999/1000", data],
      ["BYTES = 1-1", 200, undefined, data],
      ["Bytes=1-1", 206, "bytes 1-1/1000", data.subarray(1, 2)],
      ["items=0-1", 200, undefined, data],
      ["bytes=abc", 200, undefined, data],
      ["bytes=5-2", 200, undefined, data],
      ["bytes=-", 200, undefined, data],
      ["bytes=0-1,4-5", 200, undefined, data],
      ["bytes=1000-", 416, "bytes */1000", Buffer.from("range not satisfiable\n")],
      ["bytes=-0", 416, "bytes */1000", Buffer.from("range not satisfiable\n")],
      [`bytes=${"9".repeat(400)}-`, 416, "bytes */1000", Buffer.from("range not satisfiable\n")],
    ];
    const got = [];
    for (const [range] of cases) {
      const response = await request("/data.bin", { headers: [`Range: ${range}`] });
      got.push([range, response.status, response.headers["content-range"], response.body]);
    }
    expect(got).toEqual(cases);
    const empty = await request("/empty.bin", { headers: ["Range: bytes=0-"] });
    expect([empty.status, empty.headers["content-range"]]).toEqual([416, "bytes */0"]);
    const stale = await request("/data.bin", {
      headers: ["Range: bytes=0-9", "If-Range: Thu, 01 Jan 1970 00:00:00 GMT"],
    });
    expect([stale.status, stale.body.length]).toEqual([200, 1000]);
    const head = await request("/data.bin", { method: "HEAD", headers: ["Range: bytes=0-9"] });
    expect(head.status).toBe(200);
  });

  it("answers only requests for a loopback host, so a rebound DNS name cannot read it", async () => {
    expect((await request("/a.txt", { headers: [] })).status).toBe(200);
    for (const host of ["localhost", "[::1]:1", "127.0.0.2"]) {
      const response = await rawRequest(
        served.port,
        `GET /a.txt HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        "GET",
      );
      expect([host, response.status]).toEqual([host, 200]);
    }
    const rebound = await rawRequest(
      served.port,
      "GET /a.txt HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n",
      "GET",
    );
    expect([rebound.status, rebound.body.toString()]).toEqual([
      403,
      "this server answers requests for localhost only\n",
    ]);
    expect((await request("http://evil.example/a.txt")).status).toBe(403);
  });

  it("keeps serving after clients go away mid-file", async () => {
    for (let i = 0; i < 5; i++)
      await rawRequest(served.port, `GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, "GET", {
        abortAfterFirstData: true,
      });
    expect((await request("/a.txt")).status).toBe(200);
    expect(served.exitCode()).toBeUndefined();
    expect(served.stderr()).not.toContain("tt serve:");
  });
});

describe("tt serve --cors", () => {
  it("is off by default: no Access-Control-Allow-Origin, even for a preflight", async () => {
    for (const method of ["GET", "OPTIONS"]) {
      const response = await request("/a.txt", {
        method,
        headers: ["Origin: https://evil.example"],
      });
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
      expect(response.headers["cross-origin-resource-policy"]).toBe("same-origin");
    }
  });

  it("allows exactly the origin given", async () => {
    const cors = await startServe([tree.root, "--port", "0", "--cors", "http://localhost:5173"]);
    try {
      const allowed = await request("/a.txt", {
        port: cors.port,
        headers: ["Origin: http://localhost:5173"],
      });
      expect(allowed.headers["access-control-allow-origin"]).toBe("http://localhost:5173");
      expect(allowed.headers.vary).toBe("Origin");
      expect(allowed.headers["access-control-expose-headers"]).toContain("Content-Range");
      const other = await request("/a.txt", {
        port: cors.port,
        headers: ["Origin: http://localhost:5174"],
      });
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
      const preflight = await request("/a.txt", {
        port: cors.port,
        method: "OPTIONS",
        headers: ["Origin: http://localhost:5173", "Access-Control-Request-Headers: range"],
      });
      expect([
        preflight.status,
        preflight.headers["access-control-allow-origin"],
        preflight.headers["access-control-allow-headers"],
      ]).toEqual([204, "http://localhost:5173", "Range, If-Range"]);
      expect(cors.stderr()).not.toContain("warning");
    } finally {
      await cors.stop();
    }
  });

  it("allows any origin only when asked with '*', and warns", async () => {
    const any = await startServe([tree.root, "--port", "0", "--cors", "*", "--quiet"]);
    try {
      const response = await request("/a.txt", {
        port: any.port,
        headers: ["Origin: https://anywhere.example"],
      });
      expect(response.headers["access-control-allow-origin"]).toBe("*");
      await new Promise((r) => setTimeout(r, 100));
      expect(any.stderr()).toBe(
        `warning: --cors '*': any web page open in a browser on this machine can read the files under ${tree.root} while the server runs\n`,
      );
    } finally {
      await any.stop();
    }
  });

  it("refuses a value that is not an origin", async () => {
    const run = await tt(["serve", tree.root, "--cors", "http://localhost:5173/"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(
      "tt: --cors takes an origin (scheme://host[:port], no path or trailing slash), got 'http://localhost:5173/'; did you mean http://localhost:5173?",
    );
  });
});

describe("tt serve --help", () => {
  it("shows the options, their defaults and what is refused", async () => {
    const help = (await tt(["serve", "--help"])).stdout;
    expect(help).toContain("--host HOST                interface to listen on (default 127.0.0.1");
    expect(help).toContain(
      "--cors ORIGIN              let pages of this origin read the files (default: none",
    );
    expect(help).toContain("symbolic links that lead out of the folder");
  });
});

describe("tt serve refuses to start", () => {
  it("on a folder that does not exist, or on a file (exit 1)", async () => {
    const missing = join(tree.root, "nope");
    const run = await tt(["serve", missing, "--port", "0"]);
    expect([run.code, run.stdout]).toEqual([1, ""]);
    expect(run.stderr.trim().split("\n")).toEqual([
      `tt: no folder to serve at ${missing}`,
      "hint: check the path",
    ]);
    const file = join(tree.root, "a.txt");
    const onFile = await tt(["serve", file, "--port", "0"]);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr.trim().split("\n")).toEqual([
      `tt: ${file} is a file; tt serve serves a folder (the one holding the bundles)`,
      `hint: give the folder that holds ${file}`,
    ]);
  });

  it("on a bad or busy port, naming it", async () => {
    const negative = await tt(["serve", tree.root, "--port", "-1"]);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain("tt: --port must be 0-65535, got '-1'");
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await tt(["serve", tree.root, "--port", String(port)]);
      expect(busy.code).toBe(1);
      expect(busy.stderr.trim().split("\n")).toEqual([
        `tt: 127.0.0.1:${port} is already in use`,
        "hint: pick another port with --port (0 picks a free one)",
      ]);
    } finally {
      blocker.close();
    }
  });
});
