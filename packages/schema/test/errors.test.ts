import { describe, expect, it, vi } from "vitest";
import {
  ArgumentError,
  ConfigError,
  IoError,
  isTensorToolsError,
  MethodError,
  NotFoundError,
  QueryError,
  TaskError,
  TensorToolsError,
  UnsupportedError,
} from "../src/index.js";

describe("errors", () => {
  it("carry a tag, a name, typed fields and the cause", () => {
    const cause = new Error("disk full");
    const error = new MethodError("svd", "fit", "out of memory", { cause });
    expect(error).toBeInstanceOf(TensorToolsError);
    expect(error.tag).toBe("method");
    expect(error.name).toBe("MethodError");
    expect(error.method).toBe("svd");
    expect(error.phase).toBe("fit");
    expect(error.cause).toBe(cause);
    expect(error.message).toBe("method 'svd' failed during fit: out of memory");
  });

  it("are told apart by tag", () => {
    const error = new ConfigError("rank", "must be a positive integer, got 0");
    expect(isTensorToolsError(error)).toBe(true);
    expect(isTensorToolsError(error, "config")).toBe(true);
    expect(isTensorToolsError(error, "query")).toBe(false);
    expect(isTensorToolsError(new Error("plain"))).toBe(false);
    expect(isTensorToolsError({ tag: "config" })).toBe(false);
    expect(isTensorToolsError(null)).toBe(false);
  });

  it("are recognised across two copies of the package, where instanceof fails", async () => {
    vi.resetModules();
    // A query string makes the module loader evaluate a second, independent copy of the module.
    const secondCopy = "../src/errors.js?copy=2";
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import("../src/errors.js");
    const foreign = new copy.UnsupportedError("codec lzma", "codec lzma is not supported");
    expect(foreign).not.toBeInstanceOf(UnsupportedError);
    expect(isTensorToolsError(foreign, "unsupported")).toBe(true);
  });

  it("point at the position of a query fault with a caret line", () => {
    const error = new QueryError("label == 'target' and scroe > 0.8", 23, "unknown column 'scroe'");
    expect(error.message).toBe(
      "unknown column 'scroe' at position 23\n  label == 'target' and scroe > 0.8\n                         ^",
    );
    expect(error.position).toBe(23);
    expect(new QueryError("abc", 99, "x").position).toBe(3);
  });

  it("keep the list of what exists on not-found errors", () => {
    const error = new NotFoundError("method 'pcaa'", "unknown method 'pcaa'", {
      available: ["pca", "svd"],
    });
    expect(error.available).toEqual(["pca", "svd"]);
    expect(error.what).toBe("method 'pcaa'");
  });

  it("tell a call with a wrong argument by the function and the parameter", () => {
    const error = new ArgumentError("gram", "A", "A has 5 elements, expected 2 x 3 = 6");
    expect(error).toBeInstanceOf(TensorToolsError);
    expect(isTensorToolsError(error, "argument")).toBe(true);
    expect(isTensorToolsError(error, "data")).toBe(false);
    expect(error).toMatchObject({ tag: "argument", name: "ArgumentError", where: "gram" });
    expect(error.parameter).toBe("A");
    expect(error.message).toBe("gram: A has 5 elements, expected 2 x 3 = 6");
  });

  it("tell a failed read from an absent key by the location, the status and the system code", () => {
    const cause = new TypeError("fetch failed");
    const refused = new IoError(
      "http://h/x.json",
      "could not reach http://h/x.json: fetch failed",
      {
        cause,
        code: "ECONNREFUSED",
      },
    );
    expect(isTensorToolsError(refused, "io")).toBe(true);
    expect(isTensorToolsError(refused, "not-found")).toBe(false);
    expect(refused).toMatchObject({ tag: "io", name: "IoError", location: "http://h/x.json" });
    expect([refused.status, refused.code, refused.cause]).toEqual([
      undefined,
      "ECONNREFUSED",
      cause,
    ]);
    expect(refused.message).toBe("could not reach http://h/x.json: fetch failed");
    const forbidden = new IoError("http://h/x.json", "answered HTTP 403", { status: 403 });
    expect([forbidden.status, forbidden.code]).toEqual([403, undefined]);
  });

  it("tell a failed task by the engine, the task, the round, the attempts and the worker's reason", () => {
    const cause = new Error("boom");
    const error = new TaskError("bullmq redis://127.0.0.1:6379", "partition 3 of 12", "boom", {
      attempts: 3,
      round: "svd pass 1 of 7",
      cause,
    });
    expect(isTensorToolsError(error, "task")).toBe(true);
    expect(isTensorToolsError(error, "method")).toBe(false);
    expect(error).toMatchObject({
      tag: "task",
      name: "TaskError",
      engine: "bullmq redis://127.0.0.1:6379",
      task: "partition 3 of 12",
      reason: "boom",
      attempts: 3,
      round: "svd pass 1 of 7",
      cause,
    });
    expect(error.message).toBe(
      "bullmq redis://127.0.0.1:6379: task 'partition 3 of 12' of round 'svd pass 1 of 7' " +
        "failed after 3 attempts: boom",
    );
    const once = new TaskError("in-process", "svd.product #2", "out of memory", { attempts: 1 });
    expect(once.message).toBe(
      "in-process: task 'svd.product #2' failed after 1 attempt: out of memory",
    );
    const bare = new TaskError("in-process", "t", "gone");
    expect([bare.message, bare.attempts, bare.round]).toEqual([
      "in-process: task 't' failed: gone",
      undefined,
      undefined,
    ]);
  });
});
