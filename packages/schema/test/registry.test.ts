import { describe, expect, it } from "vitest";
import { ConfigError, createRegistry, NotFoundError, pluginKind } from "../src/index.js";
import { memoryArrayStore, memoryMetaIO } from "../src/testing/index.js";

const method = (id: string) => ({
  id,
  version: "1.0.0",
  defaults: {},
  validate: (config: unknown) => config as object,
  fit: async () => ({ factorTables: {}, componentTensors: {}, diagnostics: {} }),
});

describe("createRegistry", () => {
  it("holds methods, array stores and metadata IO by id", () => {
    const registry = createRegistry([method("svd"), memoryArrayStore, memoryMetaIO]);
    expect(registry.method("svd").id).toBe("svd");
    expect(registry.arrayStore("memory")).toBe(memoryArrayStore);
    expect(registry.metaIO("json")).toBe(memoryMetaIO);
    expect(registry.ids("method")).toEqual(["svd"]);
  });

  it("refuses to register an id twice unless asked to replace it", () => {
    const registry = createRegistry([method("svd")]);
    expect(() => registry.register(method("svd"))).toThrow(ConfigError);
    expect(() => registry.register(method("svd"))).toThrow(
      /already registered; pass \{ replace: true \}/,
    );
    const replacement = method("svd");
    registry.register(replacement, { replace: true });
    expect(registry.method("svd")).toBe(replacement);
  });

  it("lists the known ids when one is unknown", () => {
    const registry = createRegistry([method("svd"), method("pca")]);
    expect(() => registry.method("ica")).toThrow(NotFoundError);
    expect(() => registry.method("ica")).toThrow("unknown method 'ica'; registered: pca, svd");
    expect(() => registry.arrayStore("zarr")).toThrow(
      "unknown array store 'zarr'; registered: (none)",
    );
  });

  it("tells plugin kinds by shape and rejects what is none of them", () => {
    expect(pluginKind(method("x"))).toBe("method");
    expect(pluginKind(memoryArrayStore)).toBe("array-store");
    expect(pluginKind(memoryMetaIO)).toBe("meta-io");
    expect(() => pluginKind({ id: "odd", version: "1" })).toThrow(/is not a method/);
    expect(() => pluginKind({ version: "1", fit() {} })).toThrow(/non-empty string id/);
    expect(() => pluginKind({ id: "v", fit() {}, validate() {} })).toThrow(/version string/);
  });
});
