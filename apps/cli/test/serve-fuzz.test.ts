/**
 * A request fuzzer against a running `tt serve` on 127.0.0.1: a fixed number of malformed targets
 * and headers from a fixed seed, sent over raw sockets. The server must answer every request with
 * a well-formed response, never serve a byte from outside its folder, and never exit.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeTempDirs } from "./helpers.js";
import { type RawResponse, rawRequest } from "./raw-http.js";
import { makeServeTree, type Served, type ServeTree, startServe } from "./serve-helpers.js";

const SEED = 0x7e55_0016;
const COUNT = 500;
const PARALLEL = 8;

/** A small seeded generator (mulberry32): the same requests on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

/** Paths to files inside the served folder (or its mount). */
const INSIDE = [
  "/a.txt",
  "/data.bin",
  "/sub/file.json",
  "/link_in/file.json",
  "/file_link",
  "/self/a.txt",
  "/viewer/",
  "/viewer/index.html",
  "/empty.bin",
  "/",
  "/kernel.wasm",
  "/module.mjs",
  "/sp%20ace%25.txt",
  "/big.bin",
];

/** Paths that name something outside (or would, if decoded or followed carelessly). */
function escapes(secretPath: string): string[] {
  return [
    "/../secret.txt",
    "/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/sub/../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt",
    "/%252e%252e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/..%c0%afsecret.txt",
    "/%u002e%u002e/secret.txt",
    "/secret_link",
    "/out_dir/secret.txt",
    "/out_dir/root2/secret.txt",
    "/abs_link",
    "/etc_link/passwd",
    "/sibling_link",
    "/loop_a",
    "/viewer/secret_link",
    "/viewer/../secret.txt",
    "/viewer/%2e%2e/secret.txt",
    "/viewer/escape",
    "/../root2/secret.txt",
    "/..;/secret.txt",
    "/C:/secret.txt",
    "/c:\\secret.txt",
    "/\\\\server\\share\\secret.txt",
    "//../secret.txt",
    `/%2F${secretPath.slice(1)}`,
    `/%2f..%2f..${secretPath}`,
    "http://127.0.0.1/../secret.txt",
    "http://127.0.0.1/%2e%2e/secret.txt",
    `/${"../".repeat(200)}secret.txt`,
    `/${"%2e%2e/".repeat(200)}secret.txt`,
  ];
}

const INSERTS = [
  "%",
  "%2",
  "%g0",
  "%zz",
  "%00",
  "%ff",
  "%c0%80",
  "%e2%80%ae",
  "%0a",
  "%0d%0a",
  "\x01",
  "\x7f",
  "\t",
  " ",
  "\u00fc",
  "//",
  "/./",
  "/../",
  "%2f",
  "%5c",
  "?",
  "#",
  ";",
  "\\",
  "%2e%2e",
];

const RANGES = [
  "bytes=0-9",
  "bytes=-10",
  "bytes=990-",
  "bytes=0-0",
  "bytes=5-2",
  "bytes=-0",
  "bytes=1000-",
  "bytes=99999999999999999999999-",
  "bytes=0-99999999999999999999999",
  "bytes=0-1,4-5",
  "bytes=0-1, 0-1, 0-1",
  "items=0-1",
  "bytes=abc",
  "bytes=",
  "bytes",
  "=0-1",
  "bytes=-",
  "BYTES=0-3",
  "bytes = 0-3",
  "bytes=\t0-3",
  "bytes=0x10-0x20",
  "bytes=-1-2",
  `bytes=${"1".repeat(300)}-`,
];

/** One fuzzed request: the bytes, and whether it names something outside the folder. */
interface FuzzCase {
  method: string;
  bytes: Buffer;
  outside: boolean;
  abort: boolean;
}

function makeCases(port: number, secretPath: string): FuzzCase[] {
  const rng = random(SEED);
  const outsidePaths = escapes(secretPath);
  const cases: FuzzCase[] = [];
  for (let n = 0; n < COUNT; n++) {
    let outside = false;
    let target: string;
    const form = rng.next();
    if (form < 0.25) target = rng.pick(INSIDE);
    else if (form < 0.5) {
      target = rng.pick(outsidePaths);
      outside = true;
    } else if (form < 0.7) {
      outside = rng.chance(0.5);
      const base = outside ? rng.pick(outsidePaths) : rng.pick(INSIDE);
      const at = 1 + Math.floor(rng.next() * Math.max(1, base.length - 1));
      const insert = rng.pick(INSERTS);
      target = base.slice(0, at) + insert + base.slice(at);
      // A query or fragment cuts the path: what follows no longer names anything.
      if (insert === "?" || insert === "#") outside = false;
    } else if (form < 0.82) {
      const path = rng.pick([...INSIDE, ...outsidePaths.slice(0, 6)]);
      outside = !INSIDE.includes(path);
      target = rng.pick([
        `http://127.0.0.1:${port}${path}`,
        `http://localhost${path}`,
        "http://%",
        "http://[/x",
        `http://[::1]${path}`,
        `https://evil.example${path}`,
        `ftp://x${path}`,
        `http://user:pw@127.0.0.1${path}`,
        `http://127.0.0.1:99999${path}`,
        `http:///${path}`,
        `http:${path}`,
        `HTTP://127.0.0.1${path}`,
      ]);
    } else if (form < 0.9) {
      target = rng.pick(["*", "127.0.0.1:80", "example.com:443", "[::1]:80", "", "a.txt", "?"]);
    } else {
      target = rng.pick([
        `/${"x".repeat(1000)}`,
        `/${"x".repeat(4097)}`,
        `/${"x".repeat(10_000)}`,
        `/${"x".repeat(20_000)}`,
        `/${"a/".repeat(2000)}`,
        `/${"%41".repeat(1500)}`,
      ]);
    }
    // Each part is usually valid and sometimes not, so requests reach the files as well as the
    // parser's and the handler's refusals.
    const method = rng.chance(0.7)
      ? rng.pick(["GET", "GET", "GET", "HEAD", "OPTIONS"])
      : rng.pick(["TRACE", "PUT", "POST", "DELETE", "PATCH", "CONNECT", "get", "BREW", "G\x01T"]);
    const version = rng.chance(0.85)
      ? rng.pick(["HTTP/1.1", "HTTP/1.1", "HTTP/1.0"])
      : rng.pick(["HTTP/2.0", "HTTP/1.1x", "http/1.1", ""]);
    const headers: string[] = [];
    const host = rng.chance(0.8)
      ? rng.pick([`127.0.0.1:${port}`, "localhost", "[::1]"])
      : rng.pick(["evil.example", "", "a b", "127.0.0.1:abc", undefined]);
    if (host !== undefined) headers.push(`Host: ${host}`);
    if (rng.chance(0.5)) headers.push(`Range: ${rng.pick(RANGES)}`);
    if (rng.chance(0.15))
      headers.push(
        `Origin: ${rng.pick(["https://evil.example", "null", "http://localhost:5173"])}`,
      );
    if (rng.chance(0.1))
      headers.push(`If-Range: ${rng.pick(['"x"', "Thu, 01 Jan 1970 00:00:00 GMT", "garbage"])}`);
    let body = "";
    if (rng.chance(0.2)) {
      const extra = rng.pick([
        "Bad Header: x",
        `X-Long: ${"a".repeat(20_000)}`,
        ": empty",
        "X-Ctl: a\x01b",
        " folded",
        "Transfer-Encoding: chunked",
        "Content-Length: 3",
        "Content-Length: x",
        "Content-Length: 3\r\nTransfer-Encoding: chunked",
        "Expect: 100-continue",
        "Expect: teapot",
        "Upgrade: websocket\r\nConnection: Upgrade",
        "Accept-Encoding: gzip",
      ]);
      headers.push(extra);
      if (extra === "Transfer-Encoding: chunked") body = "0\r\n\r\n";
      if (extra === "Content-Length: 3") body = "abc";
    }
    headers.push("Connection: close");
    const eol = rng.chance(0.05) ? "\n" : "\r\n";
    const requestLine = version === "" ? `${method} ${target}` : `${method} ${target} ${version}`;
    const text = `${[requestLine, ...headers].join(eol)}${eol}${eol}${body}`;
    if (rng.chance(0.04)) {
      // A client that goes away after the first bytes of a large file.
      const bytes = Buffer.from(`GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      cases.push({ method: "GET", bytes, outside: false, abort: true });
    } else cases.push({ method, bytes: Buffer.from(text, "utf8"), outside, abort: false });
  }
  return cases;
}

let tree: ServeTree;
let served: Served;

beforeAll(async () => {
  tree = makeServeTree();
  served = await startServe([tree.root, "--port", "0", "--viewer", tree.viewer, "--quiet"]);
});

afterAll(async () => {
  await served.stop();
  removeTempDirs();
});

describe("tt serve under fuzzed requests", () => {
  it(`answers ${COUNT} malformed requests well-formed, never from outside its folder, and keeps running`, async () => {
    const secretPath = `${tree.root}/../secret.txt`;
    const cases = makeCases(served.port, secretPath);
    const byStatus: Record<string, number> = {};
    const problems: string[] = [];
    const leaks: string[] = [];
    let aborted = 0;
    const started = performance.now();
    for (let i = 0; i < cases.length; i += PARALLEL) {
      const batch = cases.slice(i, i + PARALLEL);
      const responses: RawResponse[] = await Promise.all(
        batch.map((c) =>
          rawRequest(served.port, c.bytes, c.method, { abortAfterFirstData: c.abort }),
        ),
      );
      responses.forEach((response, j) => {
        const fuzz = batch[j]!;
        const shown = JSON.stringify(fuzz.bytes.toString("latin1").slice(0, 120));
        const raw = response.raw.toString("latin1");
        if (raw.includes(tree.secret) || raw.includes("root:x:0:0"))
          leaks.push(`${shown} -> ${response.status}`);
        if (fuzz.abort) {
          aborted++;
          return;
        }
        byStatus[String(response.status)] = (byStatus[String(response.status)] ?? 0) + 1;
        if (response.problem !== undefined) problems.push(`${shown}: ${response.problem}`);
        else if (fuzz.outside && (response.status === 200 || response.status === 206))
          leaks.push(`${shown} -> ${response.status} for a path outside`);
      });
      expect(served.exitCode()).toBeUndefined();
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await rawRequest(
      served.port,
      `GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nConnection: close\r\n\r\n`,
      "GET",
    );
    const exits = served.exitCode() === undefined ? 0 : 1;
    console.log(
      `serve fuzz (seed ${SEED.toString(16)}): ${cases.length} requests sent (${aborted} aborted by the client) in ${seconds.toFixed(1)} s; ` +
        `responses by status: ${Object.entries(byStatus)
          .sort()
          .map(([status, count]) => `${status}: ${count}`)
          .join(
            ", ",
          )}; malformed responses: ${problems.length}; leaks: ${leaks.length}; server exits: ${exits}`,
    );
    expect(leaks).toEqual([]);
    expect(problems).toEqual([]);
    expect(exits).toBe(0);
    expect([after.status, after.body.toString()]).toEqual([200, "hello\n"]);
    // The fuzzer also reaches the files: not everything is refused.
    expect((byStatus["200"] ?? 0) + (byStatus["206"] ?? 0)).toBeGreaterThan(20);
    expect(served.stderr()).toBe("");
  });
});
