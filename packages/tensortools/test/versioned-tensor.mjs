/**
 * A tensor whose every part says which version wrote it, for the tests that race readers against
 * writers: element values `version * 10000 + flat index within the version's rows`, instance
 * ids `<prefix><version>-<row>`, and metadata columns `version` and `row`. Plain JavaScript, so
 * that a writer process on the built package can use it too; `lib` is the tensortools module.
 */
export function versionedTensor(lib, version, instances, prefix = "e") {
  const samples = 16;
  const channels = 3;
  const data = Float32Array.from(
    { length: instances * samples * channels },
    (_, i) => version * 10_000 + i,
  );
  return lib.createTensor({
    data,
    shape: [instances, samples, channels],
    axes: ["instance", "sample", "channel"],
    axisIndex: {
      instance: Array.from({ length: instances }, (_, i) => `${prefix}${version}-${i}`),
    },
    axisMeta: {
      instance: lib.MetaTable.fromColumns({
        version: lib.columnFromCells("int32", new Array(instances).fill(version)),
        row: lib.columnFromCells(
          "int32",
          Array.from({ length: instances }, (_, i) => i),
        ),
      }),
    },
  });
}
