import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir, tt, ttStart } from "./helpers.js";

afterAll(removeTempDirs);

/** The first line the process prints on stdout. */
function firstLine(child: ReturnType<typeof ttStart>): Promise<string> {
  return new Promise((done, fail) => {
    let text = "";
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) done(text.split("\n")[0]!);
    });
    child.once("exit", (code) => fail(new Error(`exited with ${code} before printing`)));
  });
}

describe("tt serve", () => {
  it("serves bundles with byte ranges and CORS until interrupted", async () => {
    const dir = tempDir();
    expect((await tt(["demo", dir, "--recordings", "2", "--events", "20", "--quiet"])).code).toBe(
      0,
    );
    const child = ttStart(["serve", dir, "--port", "0"]);
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const manifest = await fetch(`${url}dataset/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("access-control-allow-origin")).toBe("*");
    expect(await manifest.text()).toBe(readFileSync(join(dir, "dataset/manifest.json"), "utf8"));

    const chunk = "dataset/arrays/data.zarr/c/0/0/0";
    const bytes = readFileSync(join(dir, chunk));
    const range = await fetch(`${url}${chunk}`, { headers: { Range: "bytes=100-199" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(100, 200));

    expect((await fetch(`${url}dataset/nothing.json`)).status).toBe(404);
    expect((await fetch(`${url}..%2F..%2Fetc%2Fpasswd`)).status).toBe(403);

    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("reads a served bundle through the library's HTTP store", async () => {
    const dir = tempDir();
    expect((await tt(["demo", dir, "--recordings", "2", "--events", "20", "--quiet"])).code).toBe(
      0,
    );
    const child = ttStart(["serve", dir, "--port", "0"]);
    const url = await firstLine(child);
    try {
      const info = await tt(["info", `${url}dataset`, "--json"]);
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout).shape).toEqual([40, 600, 4]);
      const scores = await tt(["scores", `${url}pca`, "--csv"]);
      expect(scores.stdout.split("\n")[0]).toContain("score_1");
    } finally {
      child.kill("SIGINT");
    }
  });
});
