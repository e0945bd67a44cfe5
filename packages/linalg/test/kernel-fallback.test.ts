/**
 * Backend "auto" falls back to the JavaScript kernels, with one warning per process, when
 * WebAssembly is missing or a kernel module fails to compile or instantiate; explicit wasm
 * backends reject with an UnsupportedError instead.
 */
import { availableParallelism } from "node:os";
import { isTensorToolsError, type KernelBackendChoice } from "@tt/schema";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { createKernels, type KernelOptions } from "../src/index.js";
import { JS_FALLBACK_WARNING_CODE } from "../src/js-fallback.js";
import * as browserPlatform from "../src/platform-browser.js";
import * as nodePlatform from "../src/platform-node.js";
import type { Platform } from "../src/platform-types.js";

const WARNED = Symbol.for("@tt/linalg/js-fallback-warned");

/** Lets the next fallback warn again, as in a fresh process. */
function forgetWarning(): void {
  delete (globalThis as { [WARNED]?: boolean })[WARNED];
}

/** The rejection of a promise, to inspect its class and message. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

describe('backend "auto" without usable WebAssembly', () => {
  let warnings: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    forgetWarning();
    warnings = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    forgetWarning();
  });

  it("uses the JS kernels when a module fails to compile, and warns once per process", async () => {
    vi.spyOn(WebAssembly, "compile").mockRejectedValue(
      new WebAssembly.CompileError("invalid opcode 0xfd\nat offset 42"),
    );
    const first = await createKernels({ threads: 2 });
    expect(first.backend).toBe("js");
    expect(first.threads).toBe(1);
    const A = first.allocMatrix(2, 2, "float64");
    A.data.set([1, 2, 3, 4]);
    expect([...(await first.gram(A))]).toEqual([10, 14, 14, 20]);
    await first.dispose();
    expect((await createKernels()).backend).toBe("js");

    expect(warnings).toHaveBeenCalledTimes(1);
    const [message, options] = warnings.mock.calls[0]! as [string, { type: string; code: string }];
    expect(message).not.toContain("\n");
    expect(message).toMatch(
      /^@tt\/linalg: the WebAssembly kernels cannot run \(compiling the WebAssembly SIMD128 kernel module \(shared memory\) failed: invalid opcode 0xfd at offset 42\); using the JavaScript kernels, which are about 10x slower/,
    );
    expect(options).toEqual({ type: "TensorToolsWarning", code: JS_FALLBACK_WARNING_CODE });
  });

  it("uses the JS kernels when instantiation fails", async () => {
    vi.spyOn(WebAssembly, "instantiate").mockRejectedValue(new WebAssembly.LinkError("no env"));
    expect((await createKernels({ threads: 1 })).backend).toBe("js");
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(String(warnings.mock.calls[0]![0])).toContain(
      "instantiating the WebAssembly SIMD128 kernel module failed: no env",
    );
  });

  it("uses the JS kernels when the engine has no SIMD, or no WebAssembly at all", async () => {
    vi.spyOn(WebAssembly, "validate").mockReturnValue(false);
    expect((await createKernels()).backend).toBe("js");
    expect(String(warnings.mock.calls[0]![0])).toContain(
      "this JavaScript engine does not accept WebAssembly SIMD128",
    );
    vi.restoreAllMocks();
    warnings = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    forgetWarning();
    vi.stubGlobal("WebAssembly", undefined);
    expect((await createKernels()).backend).toBe("js");
    expect(String(warnings.mock.calls[0]![0])).toContain(
      "this JavaScript engine has no WebAssembly",
    );
  });

  it('does not warn when "js" is asked for', async () => {
    vi.stubGlobal("WebAssembly", undefined);
    expect((await createKernels({ backend: "js" })).backend).toBe("js");
    expect(warnings).not.toHaveBeenCalled();
  });
});

describe("explicit wasm backends that cannot run", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it("reject with an UnsupportedError saying what to use instead, and do not fall back", async () => {
    const warnings = vi.spyOn(process, "emitWarning");
    vi.spyOn(WebAssembly, "compile").mockRejectedValue(new WebAssembly.CompileError("bad"));
    const error = await failure(() => createKernels({ backend: "wasm-simd", threads: 1 }));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect((error as { feature: string }).feature).toBe("WebAssembly SIMD128");
    expect(String(error)).toMatch(
      /backend "wasm-simd": compiling the WebAssembly SIMD128 kernel module failed: bad; use backend "js" or "auto"/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(warnings).not.toHaveBeenCalled();
  });

  it("name the flag or the runtimes relaxed SIMD needs", async () => {
    vi.spyOn(WebAssembly, "validate").mockReturnValue(false);
    const error = await failure(() => createKernels({ backend: "wasm-relaxed-simd" }));
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    expect(String(error)).toContain(
      'backend "wasm-relaxed-simd": this JavaScript engine does not accept WebAssembly relaxed SIMD; use backend "wasm-simd" or "auto" (relaxed SIMD is on by default in Node 22+ and Chromium 114+; Node 20 needs the flag --experimental-wasm-relaxed-simd)',
    );
  });

  it("reject without WebAssembly", async () => {
    vi.stubGlobal("WebAssembly", undefined);
    await expect(createKernels({ backend: "wasm-simd" })).rejects.toThrow(
      /backend "wasm-simd": this JavaScript engine has no WebAssembly; use backend "js" or "auto"/,
    );
  });
});

describe("the backend option", () => {
  it("takes exactly the backends @tt/schema's KernelSettings names (what decompose passes)", () => {
    expectTypeOf<NonNullable<KernelOptions["backend"]>>().toEqualTypeOf<KernelBackendChoice>();
  });
});

describe("the #platform modules", () => {
  it("have the same shape", () => {
    const modules: Platform[] = [nodePlatform, browserPlatform];
    expect(modules.map((module) => Object.keys(module).sort())).toEqual([
      ["startWorkerPool", "threadCount", "warn"],
      ["startWorkerPool", "threadCount", "warn"],
    ]);
  });

  it("on Node: the threads asked for, else one per core", () => {
    expect(nodePlatform.threadCount(3)).toBe(3);
    expect(nodePlatform.threadCount(undefined)).toBe(availableParallelism());
  });

  it("elsewhere: one thread, no workers, warnings on the console", async () => {
    expect(browserPlatform.threadCount(4)).toBe(1);
    expect(browserPlatform.threadCount(undefined)).toBe(1);
    const error = await failure(() =>
      browserPlatform.startWorkerPool({} as WebAssembly.Module, {} as WebAssembly.Memory, 1),
    );
    expect(isTensorToolsError(error, "unsupported")).toBe(true);
    const log = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    browserPlatform.warn("one line", "CODE");
    expect(log).toHaveBeenCalledWith("one line");
    vi.restoreAllMocks();
  });
});
