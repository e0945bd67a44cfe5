import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, ttStart } from "./helpers.js";

afterAll(removeTempDirs);

describe("Ctrl-C", () => {
  it("stops long work with exit code 130 and leaves no partial bundle", async () => {
    const dir = tempDir();
    const child = ttStart(["demo", dir, "--recordings", "20", "--events", "2000"]);
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    const writing = () =>
      readdirSync(dir, { recursive: true }).filter((name) => String(name).includes("tt-writing"));
    // Interrupt while a recording is being written (its temporary directory exists).
    while (writing().length === 0) {
      if (child.exitCode !== null) throw new Error(`the demo ended first: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain("tt: interrupted");
    expect(writing()).toEqual([]);
    expect(readdirSync(dir)).toEqual(["recordings"]);
  });
});
