/** Bundles as directories: where writes may go, new bundles, exchanges and their recovery, links. */

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { isTensorToolsError } from "@tt/schema";
import { afterAll, describe, expect, it } from "vitest";
import {
  createDirectory,
  createDirectoryStore,
  inspectTarget,
  LOCK_FILE,
  recoverDirectory,
  replaceDirectory,
  writeTarget,
} from "../src/fs.js";

const root = mkdtempSync(join(tmpdir(), "tt-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const fresh = () => join(root, `case-${++serial}`);
const bytes = (text: string) => new TextEncoder().encode(text);
const DEAD_PID = 0x3ffffe;

describe("where a bundle may be written", () => {
  it("refuses an empty path, the current directory and a directory that contains it", () => {
    for (const path of ["", "  ", ".", process.cwd()]) {
      const error = (() => {
        try {
          writeTarget(path);
        } catch (e) {
          return e;
        }
      })();
      expect(isTensorToolsError(error, "config"), JSON.stringify(path)).toBe(true);
    }
    expect(() => writeTarget("..")).toThrow(/a directory that contains the current directory/);
    expect(() => writeTarget("")).toThrow("is empty: name the directory to write the bundle to");
    expect(writeTarget("out/x")).toBe(join(process.cwd(), "out/x"));
  });

  it("tells nothing, an empty directory, a bundle, a folder of other files, a file and a link apart", async () => {
    const dir = fresh();
    expect(await inspectTarget(dir)).toEqual({ kind: "absent" });
    mkdirSync(dir);
    expect(await inspectTarget(dir)).toEqual({ kind: "empty" });
    writeFileSync(join(dir, "notes.txt"), "mine");
    expect(await inspectTarget(dir)).toEqual({
      kind: "other",
      reason: "is a folder of other files (notes.txt)",
    });
    writeFileSync(join(dir, "manifest.json"), '{"kind":"x"}');
    expect(await inspectTarget(dir)).toEqual({ kind: "bundle", manifest: { kind: "x" } });
    writeFileSync(join(dir, "manifest.json"), "{");
    expect((await inspectTarget(dir)).kind).toBe("other");
    expect(await inspectTarget(join(dir, "notes.txt"))).toEqual({
      kind: "other",
      reason: "is a file",
    });
    symlinkSync(dir, `${dir}-link`);
    expect(await inspectTarget(`${dir}-link`)).toEqual({
      kind: "other",
      reason: "is a symbolic link",
    });
  });

  it("fails at once, without looping, where no directory can be made (/proc)", async () => {
    const started = Date.now();
    const error = await createDirectory("/proc/tt-no-such/bundle", async () => 1).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("a new bundle directory", () => {
  it("appears whole by one rename, and a failed write leaves nothing beside it", async () => {
    const dir = fresh();
    const value = await createDirectory(dir, async (store) => {
      await store.set("manifest.json", bytes("{}"));
      expect(existsSync(dir)).toBe(false);
      return 42;
    });
    expect(value).toBe(42);
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
    const other = fresh();
    await expect(
      createDirectory(other, async (store) => {
        await store.set("a", bytes("x"));
        throw new Error("stopped");
      }),
    ).rejects.toThrow("stopped");
    expect(readdirSync(root).filter((n) => n.includes(`case-${serial}`))).toEqual([]);
  });

  it("replaces an empty directory, and refuses one that appeared meanwhile with files", async () => {
    const dir = fresh();
    mkdirSync(dir);
    await createDirectory(dir, (store) => store.set("manifest.json", bytes("{}")));
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
    const raced = fresh();
    const error = await createDirectory(raced, async (store) => {
      mkdirSync(raced);
      writeFileSync(join(raced, "theirs.txt"), "theirs");
      await store.set("manifest.json", bytes("{}"));
    }).catch((e: unknown) => e);
    expect(isTensorToolsError(error, "exists")).toBe(true);
    expect(readdirSync(raced)).toEqual(["theirs.txt"]);
  });
});

describe("replacing a bundle directory", () => {
  it("exchanges the old one for the new one", async () => {
    const dir = fresh();
    await createDirectory(dir, (store) => store.set("manifest.json", bytes("old")));
    await replaceDirectory(dir, (store) => store.set("manifest.json", bytes("new")));
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
    expect(readdirSync(root).filter((n) => n.startsWith(`.case-${serial}`))).toEqual([]);
  });

  it("is completed by recovery when the writer died between its two renames with the new one whole", async () => {
    const dir = fresh();
    mkdirSync(`${join(root, `.case-${serial}`)}.tt-replaced-abc`, { recursive: true });
    writeFileSync(join(`${join(root, `.case-${serial}`)}.tt-replaced-abc`, "manifest.json"), "old");
    const writing = `${join(root, `.case-${serial}`)}.tt-writing-abc`;
    mkdirSync(writing);
    writeFileSync(join(writing, "manifest.json"), "new");
    expect(await recoverDirectory(dir)).toEqual([
      `completed the replacement of ${dir}`,
      `removed ${join(root, `.case-${serial}`)}.tt-replaced-abc`,
    ]);
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
  });

  it("is undone by recovery when the new one was not whole", async () => {
    const dir = fresh();
    const stem = join(root, `.case-${serial}`);
    mkdirSync(`${stem}.tt-replaced-abc`);
    writeFileSync(join(`${stem}.tt-replaced-abc`, "manifest.json"), "old");
    mkdirSync(`${stem}.tt-writing-abc`);
    writeFileSync(
      join(`${stem}.tt-writing-abc`, ".tt-writer.json"),
      JSON.stringify({ pid: DEAD_PID, host: hostname() }),
    );
    expect(await recoverDirectory(dir)).toEqual([
      `restored ${dir}`,
      `removed ${stem}.tt-writing-abc`,
    ]);
    expect(readdirSync(dir)).toEqual(["manifest.json"]);
  });

  it("leaves the temporary directory of a writer that still runs", async () => {
    const dir = fresh();
    const writing = `${join(root, `.case-${serial}`)}.tt-writing-live`;
    mkdirSync(writing);
    writeFileSync(
      join(writing, ".tt-writer.json"),
      JSON.stringify({ pid: process.pid, host: hostname() }),
    );
    expect(await recoverDirectory(dir)).toEqual([]);
    expect(existsSync(writing)).toBe(true);
  });
});

describe("the directory store", () => {
  it("refuses keys that lead outside its root through links, and reads links that stay inside", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "meta"), { recursive: true });
    writeFileSync(join(dir, "meta", "real.txt"), "inside");
    writeFileSync(join(root, `secret-${serial}.txt`), "outside");
    symlinkSync(join(root, `secret-${serial}.txt`), join(dir, "meta", "escape.txt"));
    symlinkSync(join(dir, "meta", "real.txt"), join(dir, "meta", "alias.txt"));
    symlinkSync("/etc", join(dir, "etc_link"));
    const store = createDirectoryStore(dir);
    for (const key of ["meta/escape.txt", "etc_link/passwd"]) {
      const error = await store.get(key).catch((e: unknown) => e);
      expect(isTensorToolsError(error, "data"), key).toBe(true);
      expect((error as Error).message).toMatch(
        /is a link to .*, outside .*; tensortools reads only files inside the bundle/,
      );
    }
    await expect(store.size("meta/escape.txt")).rejects.toThrow(/outside/);
    expect(new TextDecoder().decode(await store.get("meta/alias.txt"))).toBe("inside");
  });

  it("links without copying, commits by compare-and-swap, and breaks a lock left by a dead writer", async () => {
    const dir = fresh();
    const store = createDirectoryStore(dir);
    await store.set("a/x.bin", bytes("payload"));
    await store.link!("a/x.bin", "b/y.bin");
    const { statSync } = await import("node:fs");
    expect(statSync(join(dir, "b/y.bin")).ino).toBe(statSync(join(dir, "a/x.bin")).ino);
    await expect(store.link!("a/x.bin", "b/y.bin")).rejects.toThrow(/already exists/);
    expect(await store.swap!("manifest.json", bytes("one"), undefined)).toBe(true);
    expect(await store.swap!("manifest.json", bytes("two"), bytes("not one"))).toBe(false);
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: DEAD_PID, host: hostname(), at: Date.now() }),
    );
    expect(await store.swap!("manifest.json", bytes("two"), bytes("one"))).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(new TextDecoder().decode(await store.get("manifest.json"))).toBe("two");
  });
});
