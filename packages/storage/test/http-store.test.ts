import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { IoError, isTensorToolsError } from "@tt/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpStore } from "../src/index.js";

const BODY = Uint8Array.from([10, 11, 12, 13, 14, 15, 16, 17]);

/** Answers each path with the status it names (`/status/403/x`), and serves BODY elsewhere. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  const status = /^\/bundle\/status\/(\d{3})\//.exec(request.url ?? "")?.[1];
  if (status !== undefined) {
    response.writeHead(Number(status), { "content-type": "text/plain" });
    response.end(`status ${status}\n`);
    return;
  }
  const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
  if (range === null) {
    response.writeHead(200, { "content-length": String(BODY.length) });
    response.end(request.method === "HEAD" ? undefined : BODY);
    return;
  }
  const start = Number(range[1]);
  if (start >= BODY.length) {
    response.writeHead(416, { "content-range": `bytes */${BODY.length}` });
    response.end();
    return;
  }
  const end = Math.min(Number(range[2]), BODY.length - 1);
  response.writeHead(206, { "content-range": `bytes ${start}-${end}/${BODY.length}` });
  response.end(BODY.subarray(start, end + 1));
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/bundle/`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** What `run` rejects with; fails when it resolves. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("the HTTP store", () => {
  it("reads a key whole, by range, and its size", async () => {
    const store = createHttpStore(base);
    expect([...((await store.get("data.bin")) ?? [])]).toEqual([...BODY]);
    const part = await store.get("data.bin", { range: { offset: 2, length: 3 } });
    expect([...(part ?? [])]).toEqual([12, 13, 14]);
    expect(await store.size("data.bin")).toBe(BODY.length);
  });

  it.each([404, 410])("reads a %i as a missing key, by get and by size", async (status) => {
    const store = createHttpStore(base);
    expect(await store.get(`status/${status}/manifest.json`)).toBeUndefined();
    expect(await store.size(`status/${status}/manifest.json`)).toBeUndefined();
  });

  it("reads each key from the URL urlOf gives, and a key it has none for as missing, unasked", async () => {
    const asked: string[] = [];
    const store = createHttpStore("s3://bucket/bundle/", {
      urlOf: (key) => (key === "a.bin" ? `${base}data.bin?token=1` : undefined),
      fetch: (input, init) => {
        asked.push(`${init?.method ?? "GET"} ${String(input)}`);
        return fetch(input, init);
      },
    });
    expect(store.location).toBe("s3://bucket/bundle/");
    const part = await store.get("a.bin", { range: { offset: 1, length: 2 } });
    expect([...(part ?? [])]).toEqual([11, 12]);
    expect(await store.get("b.bin")).toBeUndefined();
    expect(await store.size("b.bin")).toBeUndefined();
    expect(asked).toEqual([`GET ${base}data.bin?token=1`]);
  });

  it("reads a range past the end as no bytes, as a file read there gives", async () => {
    const store = createHttpStore(base);
    const past = await store.get("data.bin", { range: { offset: 20, length: 4 } });
    expect(past).toEqual(new Uint8Array(0));
  });

  it.each([
    [401, /answered HTTP 401 Unauthorized: the server refuses access; check the credentials/],
    [403, /answered HTTP 403 Forbidden: the server refuses access; check the credentials/],
    [500, /answered HTTP 500 Internal Server Error: the server failed; try again later/],
    [503, /answered HTTP 503 Service Unavailable: the server failed; try again later/],
    [400, /answered HTTP 400 Bad Request: the server did not answer the request with the data/],
  ])(
    "reports a %i as an IoError with the status and the URL, not as a missing key",
    async (status, message) => {
      const store = createHttpStore(base);
      const url = `${base}status/${status}/manifest.json`;
      for (const read of [
        () => store.get(`status/${status}/manifest.json`),
        () => store.size(`status/${status}/manifest.json`),
      ]) {
        const error = await failure(read);
        expect(isTensorToolsError(error, "io"), String(error)).toBe(true);
        expect(error).toBeInstanceOf(IoError);
        expect(error).toMatchObject({ tag: "io", location: url, status, code: undefined });
        expect((error as Error).message).toMatch(new RegExp(`^${url.replaceAll(".", "\\.")} `));
        expect((error as Error).message).toMatch(message);
      }
    },
  );

  it("reports a fetch that rejects as an IoError naming the URL, with the system code", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
    });
    const fetch = async () => {
      throw new TypeError("fetch failed", { cause: refused });
    };
    const store = createHttpStore("http://127.0.0.1:9/bundle", { fetch });
    const error = await failure(() => store.get("manifest.json"));
    expect(isTensorToolsError(error, "io")).toBe(true);
    expect(isTensorToolsError(error, "not-found")).toBe(false);
    expect(error).toMatchObject({
      location: "http://127.0.0.1:9/bundle/manifest.json",
      status: undefined,
      code: "ECONNREFUSED",
      message: "could not reach http://127.0.0.1:9/bundle/manifest.json: fetch failed",
    });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(await failure(() => store.size("manifest.json"))).toMatchObject({ tag: "io" });
  });

  it("reports a refused connection to a real port as an IoError with ECONNREFUSED", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const store = createHttpStore(`http://127.0.0.1:${port}/bundle/`);
    const error = await failure(() => store.get("manifest.json"));
    expect(error).toMatchObject({
      tag: "io",
      location: `http://127.0.0.1:${port}/bundle/manifest.json`,
      code: "ECONNREFUSED",
    });
    expect((error as Error).message).toMatch(
      new RegExp(`^could not reach http://127\\.0\\.0\\.1:${port}/bundle/manifest\\.json: `),
    );
  });

  it("passes an abort on as it is, not as an IoError", async () => {
    const controller = new AbortController();
    controller.abort();
    const store = createHttpStore(base);
    const error = await failure(() => store.get("data.bin", { signal: controller.signal }));
    expect((error as Error).name).toBe("AbortError");
    expect(isTensorToolsError(error)).toBe(false);
  });
});
