import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const probe = resolve(import.meta.dirname, "relaxed-probe.ts");

describe("the relaxed-SIMD backend", () => {
  it("is picked by auto when the engine accepts relaxed SIMD, and agrees with SIMD128 to rounding", () => {
    const child = spawnSync(
      process.execPath,
      ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--conditions=@tt/source", probe],
      { cwd: resolve(import.meta.dirname, ".."), encoding: "utf8", timeout: 60_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout.trim().split("\n").pop()!) as Record<
      string,
      number | string
    >;
    expect(report.backend).toBe("wasm-relaxed-simd");
    expect(report.threads).toBe(2);
    // Fused multiply-adds change the last bits of products only; the column kernels never fuse.
    for (const [name, difference] of Object.entries(report)) {
      if (name === "backend" || name === "threads") continue;
      if (name.endsWith("columnSums") || name.endsWith("rowSumSquares"))
        expect(difference, name).toBe(0);
      else expect(difference, name).toBeLessThan(name.startsWith("float32") ? 1e-5 : 1e-13);
    }
  });
});
