/** `s3://` locations and the AWS environment variables, read into the options of a store. */

import { ConfigError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { createS3Store, s3OptionsFromUrl } from "../src/index.js";

describe("s3OptionsFromUrl", () => {
  it("reads the bucket and the prefix, literally", () => {
    expect(s3OptionsFromUrl("s3://studies/eeg/night-1", {})).toEqual({
      bucket: "studies",
      prefix: "eeg/night-1",
    });
    expect(s3OptionsFromUrl("S3://studies/eeg/night%201/", {})).toEqual({
      bucket: "studies",
      prefix: "eeg/night%201",
    });
    expect(s3OptionsFromUrl("s3://studies", {})).toEqual({ bucket: "studies", prefix: "" });
    expect(createS3Store(s3OptionsFromUrl("s3://studies/eeg/", {})).location).toBe(
      "s3://studies/eeg/",
    );
  });

  it("takes the server, the region and the credentials from the AWS variables", () => {
    const env = {
      AWS_ENDPOINT_URL: "http://127.0.0.1:1",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
      AWS_DEFAULT_REGION: "eu-central-1",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "key",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token",
    };
    expect(s3OptionsFromUrl("s3://studies/eeg", env)).toEqual({
      bucket: "studies",
      prefix: "eeg",
      endpoint: "http://127.0.0.1:9000",
      region: "eu-west-1",
      credentials: { accessKeyId: "key", secretAccessKey: "secret", sessionToken: "token" },
    });
    const fallbacks = {
      AWS_ENDPOINT_URL: "https://minio.example.org/",
      AWS_ENDPOINT_URL_S3: "",
      AWS_DEFAULT_REGION: "eu-central-1",
      AWS_ACCESS_KEY_ID: "key",
      AWS_SECRET_ACCESS_KEY: "secret",
    };
    expect(s3OptionsFromUrl("s3://studies/eeg", fallbacks)).toEqual({
      bucket: "studies",
      prefix: "eeg",
      endpoint: "https://minio.example.org/",
      region: "eu-central-1",
      credentials: { accessKeyId: "key", secretAccessKey: "secret" },
    });
  });

  it("reads the process's environment by default", () => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = "ap-south-1";
    try {
      expect(s3OptionsFromUrl("s3://studies/eeg").region).toBe("ap-south-1");
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });

  it.each([
    ["studies/eeg", "it does not start with s3://"],
    ["https://studies.s3.amazonaws.com/eeg", "it does not start with s3://"],
    ["s3:/studies/eeg", "it does not start with s3://"],
    ["s3://studies/eeg?versionId=3", "it has a '?' or '#'"],
    ["s3://Studies_2024/eeg", "'Studies_2024' is not a bucket name"],
    ["s3:///eeg", "'' is not a bucket name"],
    ["s3://studies/eeg/../other", "the prefix"],
    ["s3://studies/eeg//night", "the prefix"],
  ])("%s is a ConfigError naming it: %s", (url, why) => {
    let error: unknown;
    try {
      s3OptionsFromUrl(url, {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      `config 'location': ${JSON.stringify(url)} is not an S3 location (s3://<bucket>/<prefix>): ${why}`,
    );
  });

  it("half a pair of credentials, or an endpoint that is not an origin, is a ConfigError naming the variable", () => {
    expect(() => s3OptionsFromUrl("s3://studies/eeg", { AWS_ACCESS_KEY_ID: "key" })).toThrow(
      "config 'AWS_SECRET_ACCESS_KEY': AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
    );
    expect(() => s3OptionsFromUrl("s3://studies/eeg", { AWS_SECRET_ACCESS_KEY: "secret" })).toThrow(
      "config 'AWS_ACCESS_KEY_ID': AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID",
    );
    expect(() =>
      s3OptionsFromUrl("s3://studies/eeg", { AWS_ENDPOINT_URL: "localhost:9000" }),
    ).toThrow(`config 'AWS_ENDPOINT_URL': "localhost:9000" is not a server's origin`);
  });
});
