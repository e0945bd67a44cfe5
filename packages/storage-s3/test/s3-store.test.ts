/**
 * The S3 store against a local S3-compatible server (s3rver on 127.0.0.1): the key-value
 * operations, bundles written and read through it, retries, the bound on requests in flight,
 * errors, and a writer that fails mid-version.
 */

import { createServer } from "node:net";
import { openBundle, writeBundle } from "@tt/bundle";
import { ConflictError, createTensor, DataError, IoError } from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import { S3_CREDENTIALS as CREDENTIALS, type S3Server, startS3Server } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Store, type S3StoreOptions } from "../src/index.js";
import { type ConditionalFront, startConditionalFront } from "./conditional-front.js";

let server: S3Server;
let folders = 0;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.close());

/** A store on a fresh folder of the test bucket. */
const storeOf = (options: Partial<S3StoreOptions> = {}) =>
  createS3Store({
    endpoint: server.endpoint,
    bucket: server.bucket,
    prefix: `case-${++folders}/bundle`,
    credentials: CREDENTIALS,
    backoffMs: 1,
    ...options,
  });
const bytes = (...values: number[]) => Uint8Array.from(values);

describe("the key-value operations", () => {
  it("reads back what it stored, whole and by range, and reports sizes; missing keys are undefined", async () => {
    const store = storeOf();
    expect(store.location).toBe(`s3://test-bucket/case-${folders}/bundle/`);
    const value = bytes(1, 2, 3, 4, 5);
    await store.set("meta/instance.bin", value);
    value.fill(0); // the store copied it
    expect([...((await store.get("meta/instance.bin")) ?? [])]).toEqual([1, 2, 3, 4, 5]);
    const range = await store.get("meta/instance.bin", { range: { offset: 1, length: 3 } });
    expect([...(range ?? [])]).toEqual([2, 3, 4]);
    expect(await store.get("meta/instance.bin", { range: { offset: 9, length: 2 } })).toEqual(
      new Uint8Array(0),
    );
    expect(await store.size("meta/instance.bin")).toBe(5);
    expect(await store.get("meta/missing.bin")).toBeUndefined();
    expect(await store.size("meta/missing.bin")).toBeUndefined();
  });

  it("lists keys by prefix over several pages, with any characters, and deletes them", async () => {
    const store = storeOf();
    const odd = "a/naïve name & <x>.bin";
    await store.set(odd, bytes(9));
    await store.set("a/y/z", bytes(2));
    await store.set("b", bytes(3));
    const many = Array.from({ length: 1003 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
    const writer = createS3Store({ ...storeOptionsOf(store), concurrency: 32 });
    await Promise.all(many.map((key) => writer.set(key, bytes(1))));
    const listed: string[] = [];
    for await (const key of store.list("a/")) listed.push(key);
    expect(listed.sort()).toEqual(["a/naïve name & <x>.bin", "a/y/z"]);
    expect([...((await store.get(odd)) ?? [])]).toEqual([9]);
    const all: string[] = [];
    for await (const key of store.list("many/")) all.push(key);
    expect(all.sort()).toEqual(many);
    await store.delete("a/y/z");
    await store.delete("never/there");
    expect(await store.get("a/y/z")).toBeUndefined();
  });

  it("refuses keys that would leave its folder, and options that are not an S3 place", async () => {
    const store = storeOf();
    await expect(store.get("../outside")).rejects.toThrow(DataError);
    await expect(store.set("a/../../outside", bytes(1))).rejects.toThrow(
      /must stay inside the bundle/,
    );
    await expect(store.get("a//b")).rejects.toThrow(/empty segments/);
    expect(() => createS3Store({ bucket: "Bad_Bucket" })).toThrow(/is not an S3 bucket name/);
    expect(() => createS3Store({ bucket: "ok-bucket", prefix: "../x" })).toThrow(/config 'prefix'/);
    expect(() => createS3Store({ bucket: "ok-bucket", endpoint: "ftp://x" })).toThrow(
      /config 'endpoint'/,
    );
    expect(() => createS3Store({ bucket: "ok-bucket", concurrency: 0 })).toThrow(
      /config 'concurrency'/,
    );
  });
});

/** A port on 127.0.0.1 that nothing listens on (taken, then let go). */
function closedPort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** The options `store` was made with (for a second store on the same folder). */
function storeOptionsOf(store: { location: string }): S3StoreOptions {
  const prefix = store.location.slice("s3://test-bucket/".length);
  return { endpoint: server.endpoint, bucket: server.bucket, prefix, credentials: CREDENTIALS };
}

describe("bundles", () => {
  it("writes a bundle through the store and opens it whole, a second version too", async () => {
    const store = storeOf();
    const tensor = (scale: number) =>
      createTensor({
        data: Float32Array.from({ length: 40 * 6 }, (_, i) => i * scale),
        shape: [40, 6],
        axes: ["instance", "sample"],
        axisIndex: { instance: Array.from({ length: 40 }, (_, i) => `e${i}`) },
      });
    await writeBundle(store, tensor(1), { chunkShape: [8, 6] });
    const first = await openBundle(store);
    expect(first.shape).toEqual([40, 6]);
    expect(
      Array.from((await first.array.read([{ start: 3, stop: 4 }, null])) as Float32Array),
    ).toEqual([18, 19, 20, 21, 22, 23]);
    await writeBundle(store, tensor(2), { overwrite: true, chunkShape: [8, 6] });
    const second = await openBundle(store);
    expect(second.manifest.version).toBe(2);
    expect(
      Array.from((await second.array.read([{ start: 3, stop: 4 }, null])) as Float32Array),
    ).toEqual([36, 38, 40, 42, 44, 46]);
    // The reader of version 1 still reads version 1.
    expect(
      Array.from((await first.array.read([{ start: 3, stop: 4 }, null])) as Float32Array)[0],
    ).toBe(18);
  });

  it("a bundle in a public bucket opens unsigned, and through the HTTP store a browser uses", async () => {
    const store = storeOf();
    const data = Float32Array.from({ length: 16 * 3 }, (_, i) => i / 2);
    const tensor = createTensor({
      data,
      shape: [16, 3],
      axes: ["instance", "sample"],
      axisIndex: { instance: Array.from({ length: 16 }, (_, i) => `e${i}`) },
    });
    await writeBundle(store, tensor, { chunkShape: [4, 3] });
    const { credentials: _, ...unsigned } = storeOptionsOf(store);
    const prefix = store.location.slice("s3://test-bucket/".length);
    for (const reader of [
      createS3Store(unsigned),
      createHttpStore(`${server.endpoint}/${server.bucket}/${prefix}`),
    ]) {
      const opened = await openBundle(reader);
      expect(Array.from((await opened.array.read([])) as Float32Array)).toEqual(Array.from(data));
    }
  });

  it("a writer whose requests fail mid-version leaves the previous version whole", async () => {
    const store = storeOf();
    const tensor = createTensor({
      data: Float32Array.from({ length: 64 * 4 }, (_, i) => i),
      shape: [64, 4],
      axes: ["instance", "sample"],
      axisIndex: { instance: Array.from({ length: 64 }, (_, i) => `e${i}`) },
    });
    await writeBundle(store, tensor, { chunkShape: [4, 4] });
    let puts = 0;
    const failing = createS3Store({
      ...storeOptionsOf(store),
      retries: 0,
      fetch: async (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        if (request.method === "PUT" && ++puts > 5) throw new TypeError("fetch failed");
        return fetch(request);
      },
    });
    await expect(
      writeBundle(failing, tensor, { overwrite: true, chunkShape: [4, 4] }),
    ).rejects.toThrow(IoError);
    const reopened = await openBundle(store);
    expect(reopened.manifest.version).toBe(1);
    expect((await reopened.array.read([]))[255]).toBe(255);
  });
});

describe("requests", () => {
  /** A fetch that answers `failures` times with `status` for each URL and method, then passes. */
  function flaky(status: number, failures: number) {
    const seen = new Map<string, number>();
    let active = 0;
    const stats = { calls: 0, peak: 0 };
    const wrapped: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      stats.calls++;
      active++;
      stats.peak = Math.max(stats.peak, active);
      try {
        const id = `${request.method} ${request.url}`;
        const count = (seen.get(id) ?? 0) + 1;
        seen.set(id, count);
        await new Promise((done) => setTimeout(done, 2));
        if (count <= failures)
          return new Response("<Error><Code>SlowDown</Code></Error>", { status });
        return await fetch(request);
      } finally {
        active--;
      }
    };
    return { fetch: wrapped, stats };
  }

  it("retries 5xx and throttling with backoff and succeeds; gives up after the retries with the status", async () => {
    for (const status of [500, 503, 429]) {
      const { fetch, stats } = flaky(status, 2);
      const store = storeOf({ fetch });
      await store.set("x", bytes(7));
      expect([...((await store.get("x")) ?? [])]).toEqual([7]);
      expect(stats.calls).toBe(6);
    }
    const { fetch } = flaky(503, 10);
    const store = storeOf({ fetch, retries: 2 });
    const error = await store.get("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ status: 503 });
    expect((error as Error).message).toMatch(
      /answered HTTP 503 \(SlowDown\): the server failed or throttled/,
    );
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const { fetch, stats } = flaky(200, 0);
    const store = storeOf({ fetch, concurrency: 4 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.set(`k/${i}`, bytes(i))));
    const read = await Promise.all(Array.from({ length: 40 }, (_, i) => store.get(`k/${i}`)));
    expect(read.map((r) => r?.[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(stats.peak).toBe(4);
    expect(store.requests.peak).toBe(4);
  });

  it("names the server when it cannot be reached, and refused credentials", async () => {
    const port = await closedPort();
    const closed = createS3Store({
      endpoint: `http://127.0.0.1:${port}`,
      bucket: "b-b",
      retries: 1,
      backoffMs: 1,
    });
    await expect(closed.get("x")).rejects.toMatchObject({
      tag: "io",
      code: "ECONNREFUSED",
      message: expect.stringContaining(
        `could not reach http://127.0.0.1:${port}/b-b/x after 2 tries`,
      ),
    });
    const wrong = storeOf({ credentials: { accessKeyId: "NOBODY", secretAccessKey: "wrong" } });
    await expect(wrong.set("x", bytes(1))).rejects.toThrow(
      /answered HTTP 403 .*check the credentials/,
    );
    const absent = storeOf({ bucket: "no-such-bucket" });
    await expect(async () => {
      for await (const _ of absent.list()) break;
    }).rejects.toThrow(IoError);
  });
});

describe("conditional writes (a front that honours them, as AWS S3, MinIO and R2 do)", () => {
  let front: ConditionalFront;
  beforeAll(async () => {
    front = await startConditionalFront(server.endpoint);
  });
  afterAll(() => front.close());
  const conditional = (prefix: string) =>
    createS3Store({
      endpoint: front.endpoint,
      bucket: server.bucket,
      prefix,
      credentials: CREDENTIALS,
      conditionalWrites: true,
      backoffMs: 1,
    });

  it("swaps only from the bytes expected, and creates only what is missing", async () => {
    const store = conditional(`case-${++folders}`);
    expect(storeOf().swap).toBeUndefined();
    expect(await store.swap!("m.json", bytes(1), undefined)).toBe(true);
    expect(await store.swap!("m.json", bytes(2), undefined)).toBe(false);
    expect(await store.swap!("m.json", bytes(3), bytes(9))).toBe(false);
    expect(await store.swap!("m.json", bytes(3), bytes(1))).toBe(true);
    expect([...((await store.get("m.json")) ?? [])]).toEqual([3]);
    expect(await store.swap!("gone.json", bytes(3), bytes(1))).toBe(false);
  });

  it("of two writers committing to one bundle at once, one commits and the other gets a ConflictError", async () => {
    const prefix = `case-${++folders}/bundle`;
    const tensor = (scale: number) =>
      createTensor({
        data: Float32Array.from({ length: 32 * 4 }, (_, i) => i * scale),
        shape: [32, 4],
        axes: ["instance", "sample"],
        axisIndex: { instance: Array.from({ length: 32 }, (_, i) => `e${i}`) },
      });
    await writeBundle(conditional(prefix), tensor(1), { chunkShape: [8, 4] });
    const outcomes = await Promise.allSettled([
      writeBundle(conditional(prefix), tensor(2), { overwrite: true, chunkShape: [8, 4] }),
      writeBundle(conditional(prefix), tensor(3), { overwrite: true, chunkShape: [8, 4] }),
    ]);
    const rejected = outcomes.filter((o) => o.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const opened = await openBundle(conditional(prefix));
    expect(opened.manifest.version).toBe(2);
    const scale = outcomes[0]!.status === "fulfilled" ? 2 : 3;
    expect((await opened.array.read([]))[5]).toBe(5 * scale);
  });
});
