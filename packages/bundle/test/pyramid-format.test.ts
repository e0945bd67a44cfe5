/**
 * The pyramid group against the conventions other readers know: its `multiscales` attribute has
 * the shape of the OME-NGFF 0.4 example (fixtures/ome-ngff), its `zarr.json` the layout of a
 * zarr-python group (fixtures/zarr-python-v3), and a reader that knows only the attribute, not
 * our manifest, finds every level and its scale.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createTensor, type KeyValueStore } from "@tt/schema";
import { createMemoryStore } from "@tt/storage";
import { zarrStore } from "@tt/store-zarr";
import { describe, expect, it } from "vitest";
import { buildPyramid, readMultiscales, writeBundle } from "../src/index.js";

const fixture = (path: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../fixtures", path), "utf8"));
const omeExample = fixture("ome-ngff/multiscales_example.json");
const zarrPythonGroup = fixture("zarr-python-v3/data.zarr/zarr.json");

/** The shape of a JSON value: object keys with their shapes, one shape per array, else a type. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) {
    const shapes = value.map(shapeOf);
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    return [shapes[0]];
  }
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, shapeOf(v)]),
    );
  return typeof value;
}

/**
 * What the convention prescribes of the example, without what it leaves optional or to the
 * implementation: axis units, transformation descriptions, the multiscale-wide transformation,
 * and the contents of `metadata` ("depend on the downscaling implementation").
 */
function prescribed(multiscales: Record<string, unknown>[]) {
  return multiscales.map((entry) => ({
    version: entry.version,
    name: entry.name,
    type: entry.type,
    axes: (entry.axes as Record<string, unknown>[]).map(({ name, type }) => ({ name, type })),
    datasets: (entry.datasets as Record<string, unknown>[]).map((dataset) => ({
      path: dataset.path,
      coordinateTransformations: (
        dataset.coordinateTransformations as Record<string, unknown>[]
      ).map(({ type, scale }) => ({ type, scale })),
    })),
    metadata: {},
  }));
}

async function pyramidGroup(): Promise<{ store: KeyValueStore; group: string }> {
  const store = createMemoryStore();
  const shape = [37, 23, 2];
  const data = Float32Array.from({ length: 37 * 23 * 2 }, (_, i) => Math.sin(i));
  await writeBundle(
    store,
    createTensor({
      data,
      shape,
      axes: ["instance", "sample", "channel"],
      axisIndex: { instance: Array.from({ length: 37 }, (_, i) => `e${i}`) },
    }),
  );
  const manifest = await buildPyramid(store, { targetBytes: 0 });
  return { store, group: manifest.pyramids![0]!.path };
}

async function json(store: KeyValueStore, key: string) {
  return JSON.parse(new TextDecoder().decode(await store.get(key)));
}

describe("the multiscales attribute", () => {
  it("has the shape of the OME-NGFF 0.4 example: keys, nesting and types", async () => {
    const { store, group } = await pyramidGroup();
    const ours = (await json(store, `${group}/zarr.json`)).attributes.multiscales;
    expect(ours).toHaveLength(3);
    const example = prescribed(omeExample.multiscales);
    for (const entry of prescribed(ours)) expect(shapeOf(entry)).toEqual(shapeOf(example[0]));
    // Our metadata is an object as the example's is; mean and min/max are kept apart.
    for (const entry of ours)
      expect(typeof entry.metadata).toBe(typeof omeExample.multiscales[0].metadata);
    expect(ours.map((m: { type: string }) => m.type)).toEqual(["mean", "min", "max"]);
  });

  it("sits in a group whose zarr.json has the layout of a zarr-python v3 group", async () => {
    const { store, group } = await pyramidGroup();
    const ours = await json(store, `${group}/zarr.json`);
    expect(ours.zarr_format).toBe(zarrPythonGroup.zarr_format);
    expect(ours.node_type).toBe(zarrPythonGroup.node_type);
    expect(typeof ours.attributes).toBe(typeof zarrPythonGroup.attributes);
  });

  it("is read by a reader that knows only the attribute, for ours and for the example", async () => {
    const example = readMultiscales(omeExample, "the OME-NGFF example");
    expect(example[0]!.datasets).toEqual([
      { path: "0", scale: [1, 1, 0.5, 0.5, 0.5] },
      { path: "1", scale: [1, 1, 1, 1, 1] },
      { path: "2", scale: [1, 1, 2, 2, 2] },
    ]);
    expect(example[0]!.axes).toEqual(["t", "c", "z", "y", "x"]);

    // The group's attribute and the Zarr arrays at its paths: nothing of the manifest.
    const { store, group } = await pyramidGroup();
    const multiscales = readMultiscales(
      (await json(store, `${group}/zarr.json`)).attributes,
      group,
    );
    for (const multiscale of multiscales) {
      expect(multiscale.axes).toEqual(["instance", "sample", "channel"]);
      expect(multiscale.datasets).toHaveLength(6);
      for (const [i, dataset] of multiscale.datasets.entries()) {
        expect(dataset.scale).toEqual([2 ** (i + 1), 2 ** (i + 1), 1]);
        const array = await zarrStore.open(store, `${group}/${dataset.path}`);
        expect(array.metadata.shape).toEqual([
          Math.ceil(37 / dataset.scale[0]!),
          Math.ceil(23 / dataset.scale[1]!),
          2,
        ]);
        expect((await array.read([null, null, null])).length).toBe(
          array.metadata.shape.reduce((a, b) => a * b, 1),
        );
      }
    }
  });

  it("a group without the attribute is a data error naming it", () => {
    expect(() => readMultiscales({}, "arrays/x.zarr")).toThrow(
      /arrays\/x\.zarr.*no multiscales attribute/,
    );
  });
});
