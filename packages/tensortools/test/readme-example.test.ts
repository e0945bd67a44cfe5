import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(join(tmpdir(), "tt-readme-"));
const script = join(import.meta.dirname, `.readme-example-${process.pid}.ts`);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(script, { force: true });
});

describe("the README's API example", () => {
  it("runs as written and prints the selection", async () => {
    const readme = await readFile(join(root, "README.md"), "utf8");
    const section = readme.split("## The API in 20 lines")[1] ?? "";
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    expect(code!.trim().split("\n").length).toBeLessThanOrEqual(22);
    // The example's relative paths point into the repository and a working directory.
    const runnable = code!
      .replaceAll('"fixtures/', `"${root}/fixtures/`)
      .replaceAll('"./', `"${work}/`);
    writeFileSync(script, runnable);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await import(script);
      const [ratios] = log.mock.calls[0]!;
      expect(ratios).toHaveLength(5);
      const [ids, records] = log.mock.calls[1]!;
      expect(ids.length).toBeGreaterThan(0);
      expect(
        records.every((r: { rt_ms: number; score_1: number }) => r.rt_ms > 500 && r.score_1 > 0),
      ).toBe(true);
    } finally {
      log.mockRestore();
    }
  });
});
