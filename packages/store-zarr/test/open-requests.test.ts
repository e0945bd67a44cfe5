import type { KeyValueStore } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { describe, expect, it } from "vitest";
import { zarrStore } from "../src/index.js";

/** `store` with every key asked for recorded in `asked`. */
function recording(store: KeyValueStore, asked: string[]): KeyValueStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (typeof args[0] === "string") asked.push(args[0]);
        return value.apply(target, args);
      };
    },
  });
}

describe("opening a Zarr v3 array", () => {
  it("asks only for zarr.json and the chunks it reads, never for v2 metadata", async () => {
    const store = createMemoryStore();
    const array = await zarrStore.create(store, "arrays/data.zarr", {
      shape: [4, 3],
      dtype: "float32",
      dimensionNames: ["instance", "feature"],
    });
    await array.writeBlock(
      0,
      Float32Array.from({ length: 12 }, (_, i) => i),
    );
    const asked: string[] = [];
    const opened = await zarrStore.open(recording(store, asked), "arrays/data.zarr");
    const row = (await opened.read([{ start: 1, stop: 2 }, null])) as Float32Array;
    expect(Array.from(row)).toEqual([3, 4, 5]);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((key) => !key.endsWith("zarr.json") && !key.includes("/c/"))).toEqual([]);
  });
});
