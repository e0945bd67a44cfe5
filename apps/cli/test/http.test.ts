import { describe, expect, it } from "vitest";
import { decideRange } from "../src/http/byte-range.js";
import { contentType } from "../src/http/content-type.js";
import { checkCorsOrigin, corsHeaders } from "../src/http/cors.js";
import { hostnameOf, isLoopback } from "../src/http/loopback.js";
import { parseRequestTarget } from "../src/http/request-target.js";

describe("parseRequestTarget", () => {
  it("splits a path into decoded segments", () => {
    expect(parseRequestTarget("/a/b%20c/d.json?x#y")).toEqual({
      kind: "path",
      segments: ["a", "b c", "d.json"],
      directory: false,
      host: undefined,
    });
    expect(parseRequestTarget("http://127.0.0.1:8080/viewer/")).toEqual({
      kind: "path",
      segments: ["viewer"],
      directory: true,
      host: "127.0.0.1:8080",
    });
    expect(parseRequestTarget("*")).toEqual({ kind: "asterisk" });
  });

  it.each([
    ["http://%", 400],
    ["http://[/x", 400],
    ["ftp://host/a", 400],
    ["host:443", 400],
    ["", 400],
    ["/%zz", 400],
    ["/%00", 400],
    ["/a\u0001", 400],
    ["/..", 403],
    ["/%2e%2e/x", 403],
    ["/a%2fb", 403],
    ["/a%5cb", 403],
    ["/a\\b", 403],
    ["/C:/x", 403],
    [`/${"a".repeat(5000)}`, 414],
  ])("refuses %j with %i", (target, status) => {
    expect(parseRequestTarget(target)).toMatchObject({ kind: "refused", status });
  });
});

describe("decideRange", () => {
  it.each([
    [undefined, { kind: "whole" }],
    ["bytes=0-9", { kind: "part", start: 0, end: 9 }],
    ["bytes=-10", { kind: "part", start: 90, end: 99 }],
    ["bytes=95-", { kind: "part", start: 95, end: 99 }],
    ["bytes=95-500", { kind: "part", start: 95, end: 99 }],
    ["items=0-1", { kind: "whole" }],
    ["bytes=0-1,3-4", { kind: "whole" }],
    ["bytes=4-1", { kind: "whole" }],
    ["bytes=x", { kind: "whole" }],
    ["bytes=100-", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
  ])("%j of 100 bytes", (header, decision) => {
    expect(decideRange(header, 100)).toEqual(decision);
  });

  it("finds no byte in an empty file", () => {
    expect(decideRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=-5", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("content types, CORS and loopback", () => {
  it("names the types the viewer and bundles need", () => {
    expect(["x.wasm", "x.mjs", "x.parquet", "x.map", "x.TXT", "c/0/0"].map(contentType)).toEqual([
      "application/wasm",
      "text/javascript",
      "application/vnd.apache.parquet",
      "application/json",
      "text/plain; charset=utf-8",
      "application/octet-stream",
    ]);
  });

  it("allows one origin, or any when asked with '*'", () => {
    expect(checkCorsOrigin("http://localhost:5173")).toEqual({ origin: "http://localhost:5173" });
    expect(checkCorsOrigin("*")).toEqual({ origin: "*" });
    expect(checkCorsOrigin("localhost")).toHaveProperty("error");
    expect(checkCorsOrigin("file:///x")).toHaveProperty("error");
    expect(corsHeaders(undefined, "http://a", false)).toEqual({});
    expect(corsHeaders("http://a", "http://b", false)).toEqual({ Vary: "Origin" });
    expect(corsHeaders("http://a", "http://a", true)).toMatchObject({
      "Access-Control-Allow-Origin": "http://a",
      "Access-Control-Allow-Headers": "Range, If-Range",
    });
  });

  it("tells loopback hosts", () => {
    expect(
      ["localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"].map(isLoopback),
    ).toEqual([true, true, true, true, true, true]);
    expect(
      ["0.0.0.0", "192.168.1.2", "evil.example", "localhost.evil.example"].map(isLoopback),
    ).toEqual([false, false, false, false]);
    expect(["127.0.0.1:8080", "[::1]:80", "name", "a b", ""].map(hostnameOf)).toEqual([
      "127.0.0.1",
      "[::1]",
      "name",
      undefined,
      undefined,
    ]);
  });
});
