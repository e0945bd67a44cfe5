/** The conformance kit for array store backends. */

import { allocate, DTYPES, type DType, isBigIntDType } from "../dtype.js";
import type { WritableKeyValueStore } from "../key-value-store.js";
import type { ArrayStoreBackend, CoordinateValues } from "../plugins.js";
import { type AxisSelection, gather } from "../selection.js";
import { sizeOf } from "../shape.js";
import {
  type ConformanceCase,
  check,
  rejectsWhenAborted,
  rejectsWithTag,
  sameElements,
} from "./conformance.js";

/** What a conformance run needs: the backend under test and a fresh, empty store for it. */
export interface ArrayStoreFixture {
  backend: ArrayStoreBackend;
  store: WritableKeyValueStore;
  /** Dtypes the backend claims; all dtypes when omitted. */
  dtypes?: readonly DType[];
}

function sampleData(dtype: DType, length: number) {
  const data = allocate(dtype, length);
  for (let i = 0; i < length; i++) {
    const value =
      dtype === "bool"
        ? i % 2
        : dtype.startsWith("float")
          ? ((i * 7919) % 1000) / 8 - 60
          : (i * 31) % 100;
    (data as unknown as { [i: number]: number | bigint })[i] = isBigIntDType(dtype)
      ? BigInt(value)
      : value;
  }
  return data;
}

/** Makes a fresh fixture for each case. */
type FixtureFactory = () => Promise<ArrayStoreFixture> | ArrayStoreFixture;

/** The shape every case writes: seven slabs of 5 x 3, chunked in threes along the first axis. */
const SHAPE = [7, 5, 3];
const NAMES = ["instance", "sample", "channel"];

const SELECTIONS: [string, AxisSelection[]][] = [
  ["everything", [null, null, null]],
  ["a range on the first axis", [{ start: 2, stop: 6 }]],
  ["indices in any order with repeats", [[6, 0, 3, 3], null, [2, 0]]],
  ["ranges on inner axes", [null, { start: 1, stop: 4 }, { start: 1, stop: 2 }]],
  ["an empty selection", [{ start: 3, stop: 3 }]],
];

/** A fresh fixture holding one array of {@link SHAPE} written in two blocks, and its data. */
async function setupArray(factory: FixtureFactory, dtype: DType = "float32") {
  const fixture = await factory();
  const array = await fixture.backend.create(fixture.store, "arrays/data", {
    shape: SHAPE,
    dtype,
    dimensionNames: NAMES,
    chunkShape: [3, 5, 3],
  });
  const data = sampleData(dtype, sizeOf(SHAPE));
  await array.writeBlock(0, data.subarray(0, 4 * 15) as typeof data);
  await array.writeBlock(4, data.subarray(4 * 15) as typeof data);
  return { ...fixture, array, data };
}

function metadataCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "reports the metadata it was created with",
    async run() {
      const { array } = await setupArray(factory);
      check(sameElements(array.metadata.shape, SHAPE), `shape ${array.metadata.shape} != ${SHAPE}`);
      check(array.metadata.dtype === "float32", `dtype ${array.metadata.dtype}`);
      check(
        sameElements(array.metadata.dimensionNames, NAMES),
        `dimension names ${array.metadata.dimensionNames}`,
      );
    },
  };
}

function selectionCases(factory: FixtureFactory): ConformanceCase[] {
  return SELECTIONS.map(([label, selection]) => ({
    name: `reads ${label} as gather does`,
    async run() {
      const { array, data } = await setupArray(factory);
      const got = await array.read(selection);
      check(
        sameElements(got, gather(data, SHAPE, selection)),
        `read of ${label} differs from gather`,
      );
    },
  }));
}

/** Each selection read into a larger buffer at an offset: the same values, nothing else touched. */
function readIntoCases(factory: FixtureFactory): ConformanceCase[] {
  return SELECTIONS.map(([label, selection]) => ({
    name: `reads ${label} into a buffer at an offset, if it can`,
    async run() {
      const { array, data } = await setupArray(factory);
      if (array.readInto === undefined) return;
      const want = gather(data, SHAPE, selection);
      const target = new Float32Array(want.length + 10).fill(-7);
      await array.readInto(selection, target as typeof data, 4);
      check(
        sameElements(target.subarray(4, 4 + want.length), want),
        `readInto of ${label} differs from gather`,
      );
      const untouched = [...target.subarray(0, 4), ...target.subarray(4 + want.length)];
      check(
        untouched.every((v) => v === -7),
        `readInto of ${label} wrote outside its place`,
      );
      await rejectsWithTag(
        () => array.readInto!(selection, new Float32Array(want.length + 3) as typeof data, 4),
        "argument",
        "a target one element too short",
      );
      await rejectsWithTag(
        () => array.readInto!(selection, new Float64Array(want.length) as never, 0),
        "argument",
        "a target of another dtype",
      );
    },
  }));
}

function reopenCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "reopens what it wrote",
    async run() {
      const { backend, store, data } = await setupArray(factory);
      const reopened = await backend.open(store, "arrays/data");
      check(sameElements(await reopened.read([]), data), "reopened data differs");
    },
  };
}

function dtypeCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "round-trips every dtype it claims",
    async run() {
      const { dtypes = DTYPES } = await factory();
      for (const dtype of dtypes) {
        const { backend, store, data } = await setupArray(factory, dtype);
        const got = await (await backend.open(store, "arrays/data")).read([]);
        check(sameElements(got, data), `dtype ${dtype} did not round-trip`);
      }
    },
  };
}

function appendCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "appends slabs along the first axis",
    async run() {
      const { backend, store, array, data } = await setupArray(factory);
      const extra = (sampleData("float32", 2 * 15) as Float32Array).map((v) => v + 1000);
      await array.append(extra);
      const reopened = await backend.openWritable(store, "arrays/data");
      check(reopened.metadata.shape[0] === 9, `shape after append ${reopened.metadata.shape}`);
      const whole = await reopened.read([]);
      check(sameElements(whole.subarray(0, data.length), data), "append changed existing data");
      check(sameElements(whole.subarray(data.length), extra), "appended data differs");
    },
  };
}

function outOfBoundsCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "rejects selections outside the array with a selection error",
    async run() {
      const { array } = await setupArray(factory);
      await rejectsWithTag(() => array.read([[7]]), "selection", "index 7 of 7");
      await rejectsWithTag(
        () => array.read([{ start: 0, stop: 8 }]),
        "selection",
        "range 0:8 of 7",
      );
      await rejectsWithTag(() => array.read([null, [-1]]), "selection", "index -1");
    },
  };
}

function misfitBlockCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "rejects blocks that do not fit",
    async run() {
      const { array } = await setupArray(factory);
      await rejectsWithTag(
        () => array.writeBlock(6, allocate("float32", 2 * 15)),
        "selection",
        "block past the end",
      );
      await rejectsWithTag(
        () => array.writeBlock(0, allocate("float32", 7)),
        "data",
        "partial slab",
      );
    },
  };
}

function missingArrayCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "reports a missing array as not found",
    async run() {
      const { backend, store } = await factory();
      await rejectsWithTag(
        () => backend.open(store, "no/such/array"),
        "not-found",
        "open of a missing array",
      );
    },
  };
}

function overwriteCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "refuses to overwrite an existing array unless asked",
    async run() {
      const { backend, store } = await setupArray(factory);
      const options = { shape: SHAPE, dtype: "float32" as const, dimensionNames: NAMES };
      await rejectsWithTag(
        () => backend.create(store, "arrays/data", options),
        "exists",
        "create over an array",
      );
      await backend.create(store, "arrays/data", { ...options, overwrite: true });
    },
  };
}

function abortCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "stops a read when its signal is aborted",
    async run() {
      const { array } = await setupArray(factory);
      await rejectsWhenAborted((signal) => array.read([], { signal }), "aborted read");
    },
  };
}

function copyCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "copies the first slabs of an array, if it can, and the copy grows on its own",
    async run() {
      const { backend, store, array, data } = await setupArray(factory);
      if (backend.copy === undefined) return;
      const slab = SHAPE[1]! * SHAPE[2]!;
      for (const length of [6, 3, 0]) {
        const copy = await backend.copy(store, "arrays/data", `arrays/copy-${length}`, {
          length,
        });
        check(
          copy.metadata.shape[0] === length,
          `a copy of ${length} slabs has ${copy.metadata.shape[0]}`,
        );
        check(
          sameElements(await copy.read([]), data.subarray(0, length * slab)),
          `a copy of ${length} slabs reads back what the array held`,
        );
        await copy.append(data.subarray(0, slab) as typeof data);
        const reopened = await backend.open(store, `arrays/copy-${length}`);
        check(reopened.metadata.shape[0] === length + 1, "the copy grows by an append");
        check(
          sameElements(await reopened.read([[length]]), data.subarray(0, slab)),
          "the appended slab reads back",
        );
      }
      check(sameElements(await array.read([]), data), "the original is unchanged by copies");
      await rejectsWithTag(
        () => backend.copy!(store, "arrays/data", "arrays/too-long", { length: SHAPE[0]! + 1 }),
        "selection",
        "a copy longer than the array",
      );
    },
  };
}

/** Coordinates of every kind a backend must keep: strings, int32, int64, float64 and none. */
const COORDINATE_KINDS: CoordinateValues[] = [
  ["e1", "e2", "é ü", ""],
  Int32Array.from([3, -1, 7]),
  BigInt64Array.from([2n ** 60n, -5n]),
  Float64Array.from([0.004, -1.5]),
  [],
];

function coordinatesCase(factory: FixtureFactory): ConformanceCase {
  return {
    name: "round-trips coordinates of every kind, if it stores them",
    async run() {
      const { backend, store } = await factory();
      const write = backend.writeCoordinates;
      const read = backend.readCoordinates;
      if (write === undefined && read === undefined) return;
      check(
        write !== undefined && read !== undefined,
        "writeCoordinates and readCoordinates come together",
      );
      for (const [k, values] of COORDINATE_KINDS.entries()) {
        await write.call(backend, store, `coords/${k}`, "instance", values);
        const back = await read.call(backend, store, `coords/${k}`);
        check(
          back.constructor === values.constructor && sameElements(back, values),
          `coordinates ${k} read back as [${Array.from(back as ArrayLike<unknown>).join(", ")}]`,
        );
      }
      await write.call(backend, store, "coords/0", "instance", Int32Array.from([9]));
      check(
        sameElements(await read.call(backend, store, "coords/0"), [9]),
        "a rewrite replaces coordinates",
      );
      await rejectsWithTag(
        () => read.call(backend, store, "no/coords"),
        "not-found",
        "missing coordinates",
      );
    },
  };
}

/**
 * Conformance checks every {@link ArrayStoreBackend} must pass. Wrap each case in a test:
 *
 * @example
 * ```ts
 * for (const c of testArrayStore(async () => ({ backend: zarrStore, store: createMemoryStore() })))
 *   it(c.name, c.run);
 * ```
 */
export function testArrayStore(factory: FixtureFactory): ConformanceCase[] {
  return [
    metadataCase(factory),
    ...selectionCases(factory),
    ...readIntoCases(factory),
    reopenCase(factory),
    dtypeCase(factory),
    appendCase(factory),
    outOfBoundsCase(factory),
    misfitBlockCase(factory),
    missingArrayCase(factory),
    overwriteCase(factory),
    abortCase(factory),
    copyCase(factory),
    coordinatesCase(factory),
  ];
}
