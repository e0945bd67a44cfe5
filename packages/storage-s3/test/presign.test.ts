/**
 * Presigned reads: a bundle written to a private bucket (s3rver behind a front that verifies
 * presigned URLs and refuses unsigned requests, as AWS S3 does) opens through the URLs
 * `presignBundle` gives, with no credentials; an expired or altered URL is an IoError naming the
 * key; the options and the map are checked.
 */

import { openBundle, writeBundle } from "@tt/bundle";
import { ConfigError, createTensor, IoError, NotFoundError } from "@tt/schema";
import { createHttpStore } from "@tt/storage";
import { S3_CREDENTIALS, type S3Server, startS3Server } from "@tt/test-fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPresignedStore,
  createS3Store,
  type PresignedBundle,
  presignBundle,
  type S3StoreOptions,
} from "../src/index.js";
import { type SigningFront, startSigningFront } from "./signing-front.js";

let server: S3Server;
let front: SigningFront;
let folders = 0;
beforeAll(async () => {
  server = await startS3Server();
  front = await startSigningFront(server.endpoint);
});
afterAll(async () => {
  await front.close();
  await server.close();
});

/** The options of a fresh folder of the bucket, through the front. */
const placeOf = (): S3StoreOptions => ({
  endpoint: front.endpoint,
  bucket: server.bucket,
  prefix: `presign-${++folders}/eeg night`,
  credentials: S3_CREDENTIALS,
  backoffMs: 1,
});

const data = Float32Array.from({ length: 24 * 5 }, (_, i) => Math.sin(i) * 100);
const tensor = () =>
  createTensor({
    data,
    shape: [24, 5],
    axes: ["epoch", "time"],
    axisIndex: { epoch: Array.from({ length: 24 }, (_, i) => `e${i}`) },
  });

/** Writes the tensor at a fresh place and presigns it (through JSON, as a page receives it). */
async function presigned(expiresIn = 60): Promise<{ place: S3StoreOptions; map: PresignedBundle }> {
  const place = placeOf();
  await writeBundle(createS3Store(place), tensor(), { chunkShape: [8, 5] });
  const map = JSON.parse(JSON.stringify(await presignBundle(place, { expiresIn })));
  return { place, map };
}

/** What `run` rejects with; fails when it resolves. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("a bundle through presigned URLs", () => {
  it("opens with the URLs only and reads what was written; unsigned requests are refused", async () => {
    const { place, map } = await presigned();
    const writer = createS3Store(place);
    expect(map.location).toBe(writer.location);
    expect(Object.keys(map.files)).toContain("manifest.json");
    for (const [key, file] of Object.entries(map.files)) {
      expect(file.url).toMatch(/[?&]X-Amz-Expires=60&.*X-Amz-Signature=[0-9a-f]{64}$/);
      expect(file.size).toBe(await writer.size(key));
    }
    const asked: string[] = [];
    const reader = createPresignedStore(map, {
      fetch: (input, init) => {
        asked.push(String(input));
        return fetch(input, init);
      },
    });
    expect(reader.location).toBe(writer.location);
    const opened = await openBundle(reader);
    expect(opened.location).toBe(writer.location);
    expect(opened.shape).toEqual([24, 5]);
    expect(Array.from((await opened.array.read([])) as Float32Array)).toEqual(Array.from(data));
    expect(Array.from(opened.ids("epoch") ?? []).slice(0, 3)).toEqual(["e0", "e1", "e2"]);
    expect(asked.length).toBeGreaterThan(2);
    expect(
      asked.every((url) => url.startsWith(front.endpoint) && url.includes("X-Amz-Signature")),
    ).toBe(true);
    expect(front.refused).toEqual([]);
    // The same bytes, by range, and the keys from the map.
    const whole = (await writer.get("manifest.json"))!;
    const part = await reader.get("manifest.json", { range: { offset: 5, length: 20 } });
    expect(Array.from(part!)).toEqual(Array.from(whole.subarray(5, 25)));
    const listed: string[] = [];
    for await (const key of reader.list("arrays/")) listed.push(key);
    expect(listed.sort()).toEqual(
      Object.keys(map.files)
        .filter((k) => k.startsWith("arrays/"))
        .sort(),
    );
    // The bucket is private: the same place without signatures is refused.
    const anonymous = createHttpStore(`${front.endpoint}/${server.bucket}/${place.prefix}/`);
    await expect(anonymous.get("manifest.json")).rejects.toMatchObject({ tag: "io", status: 403 });
    expect(front.refused).toEqual([`AccessDenied GET /test-bucket/${place.prefix}/manifest.json`]);
    front.refused.length = 0;
  });

  it("reads a key the map does not hold as missing, without a request", async () => {
    const { map } = await presigned();
    let requests = 0;
    const reader = createPresignedStore(map, {
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    expect(await reader.get("meta/other.parquet")).toBeUndefined();
    expect(await reader.size("meta/other.parquet")).toBeUndefined();
    expect(await reader.get("manifest.json", { range: { offset: 0, length: 0 } })).toEqual(
      new Uint8Array(0),
    );
    expect(requests).toBe(0);
  });

  it("an expired URL is an IoError naming the key, saying to presign again", async () => {
    const { map } = await presigned(1);
    await new Promise((done) => setTimeout(done, 1500));
    const reader = createPresignedStore(map);
    const error = await failure(() => reader.get("manifest.json"));
    expect(error).toBeInstanceOf(IoError);
    expect(error).toMatchObject({ status: 403, location: `${map.location}manifest.json` });
    expect((error as Error).message).toBe(
      `could not read 'manifest.json' of ${map.location} through its presigned URL: the URL expired at ${map.expires} (HTTP 403): presign the bundle again`,
    );
    await expect(openBundle(reader)).rejects.toThrow(/the URL expired at/);
  });

  it("an altered URL (a longer life, or another key's signature) is refused, an IoError naming the key", async () => {
    const { place, map } = await presigned();
    const manifest = map.files["manifest.json"]!;
    const chunk = Object.keys(map.files).find((key) => key.startsWith("arrays/"))!;
    const longer = manifest.url.replace("X-Amz-Expires=60", "X-Amz-Expires=600000");
    const borrowed = map.files[chunk]!.url.replace(/\?.*$/, manifest.url.replace(/^[^?]*/, ""));
    for (const [key, url] of [
      ["manifest.json", longer],
      [chunk, borrowed],
    ] as const) {
      const altered = { ...map, files: { ...map.files, [key]: { ...map.files[key]!, url } } };
      const error = await failure(() => createPresignedStore(altered).get(key));
      expect(error).toBeInstanceOf(IoError);
      expect(error).toMatchObject({ status: 403, location: `${map.location}${key}` });
      expect((error as Error).message).toMatch(
        new RegExp(
          `^could not read '${key.replace(/[.*?]/g, "\\$&")}' of .* through its presigned URL: the server refused the URL \\(HTTP 403\\) before its expiry at .*: it was altered`,
        ),
      );
    }
    expect(front.refused).toEqual([
      `SignatureDoesNotMatch GET /test-bucket/${place.prefix}/manifest.json`,
      `SignatureDoesNotMatch GET /test-bucket/${place.prefix}/${chunk}`,
    ]);
    front.refused.length = 0;
  });
});

describe("what is checked", () => {
  it("presigning needs credentials, a life of 1 s to a week, and a bundle there", async () => {
    const { credentials: _, ...unsigned } = placeOf();
    await expect(presignBundle(unsigned)).rejects.toThrow(
      /config 'credentials': presigning needs the credentials/,
    );
    for (const expiresIn of [0, 1.5, 604_801])
      await expect(presignBundle(placeOf(), { expiresIn })).rejects.toThrow(
        new RegExp(`config 'expiresIn': must be a whole number .* got ${expiresIn}`),
      );
    const empty = placeOf();
    const error = await failure(() => presignBundle(empty));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      `no bundle at s3://test-bucket/${empty.prefix}/ (it holds no manifest.json): nothing to presign`,
    );
  });

  it("a map that is not presignBundle's is a ConfigError saying what is wrong", async () => {
    const { map } = await presigned();
    const cases: [unknown, RegExp][] = [
      [null, /is not a presigned bundle/],
      [{ ...map, location: "https://x/y/" }, /its location "https:\/\/x\/y\/" is not an s3:/],
      [{ ...map, expires: "soon" }, /its expiry "soon" is not an ISO 8601 time/],
      [{ ...map, files: undefined }, /it has no files/],
      [
        { ...map, files: { "manifest.json": { url: "file:///etc/passwd", size: 3 } } },
        /its file "manifest.json" is not/,
      ],
      [
        { ...map, files: { "manifest.json": { url: "https://x/m", size: -1 } } },
        /its file "manifest.json" is not/,
      ],
    ];
    for (const [bundle, message] of cases) {
      const error = await failure(async () => createPresignedStore(bundle as PresignedBundle));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
