#!/usr/bin/env python3
"""Write the HDF5 fixtures of fixtures/hdf5/ and their expected values, with h5py and numpy.

Usage (from the repository root):

    apt-get install -y python3-h5py    # Debian's h5py, for Debian's own /usr/bin/python3
    /usr/bin/python3 scripts/make_hdf5_fixtures.py

h5py is not on PyPI's mirror here, so the script runs under the interpreter that Debian's
python3-h5py installs into (/usr/bin/python3, with Debian's numpy); any python3 that has h5py and
numpy will do. The fixtures were written with h5py 3.7.0 (HDF5 1.10.8) and numpy 1.24.2.

Every dataset is written with track_times=False (HDF5 would otherwise store the time of writing
in each object header), so two runs with the same h5py write the same bytes. expected.json holds
what h5py reads back: shape, dtype, chunks, filters, byte order and the values flattened in C
order. Values are JSON numbers, except int64/uint64 (decimal strings, to stay exact) and
NaN/Infinity/-Infinity (strings); floats are Python's shortest round-trip repr.

Files:

- datasets.h5: chunked (gzip, gzip + shuffle, chunks that do not divide the shape), contiguous
  and big-endian datasets of every integer and float type, bool (h5py's enum), a 1-d and an empty
  dataset, dimension labels, a soft link, a group, and datasets of types a tensor cannot hold
  (compound, complex, fixed and variable-length strings, vlen integers, float16, an enum, an
  array type, a scalar).
- matlab-v7.3.mat: laid out as MATLAB's `save -v7.3` lays out a file: a 512-byte user block whose
  first 128 bytes are MATLAB's text header, each variable stored column-major (the HDF5 shape is
  MATLAB's size reversed) with a MATLAB_class attribute, a struct as a group.
- truncated.h5: the first half of datasets.h5.
- not-hdf5.h5: a few bytes of text.
"""

import json
import math
import os
import sys

import h5py
import numpy as np

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "hdf5")

SCHEMA_DTYPE = {
    "f4": "float32",
    "f8": "float64",
    "i1": "int8",
    "i2": "int16",
    "i4": "int32",
    "i8": "int64",
    "u1": "uint8",
    "u2": "uint16",
    "u4": "uint32",
    "u8": "uint64",
    "b1": "bool",
}

FIXED = {"track_times": False}


def json_value(value, code):
    """A C-order element as JSON: numbers, 64-bit integers as strings, NaN and infinities as strings."""
    if code == "b1":
        return int(bool(value))
    if code in ("i8", "u8"):
        return str(int(value))
    if code[0] == "f":
        number = float(value)
        if math.isnan(number):
            return "NaN"
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return number
    return int(value)


def int_values(code, count):
    """`count` values of an integer type that start with its extremes, so sign and byte-order errors show."""
    info = np.iinfo(np.dtype(code))
    head = [info.min, info.max, 0, 1, info.max - 1, info.min + 1]
    tail = [(i * 37) % 101 for i in range(count - len(head))]
    return np.array(head + tail, dtype=code)


def float_values(code, count):
    """`count` floats: NaN, infinities, -0.0, a subnormal, then a varied pattern."""
    info = np.finfo(np.dtype(code))
    head = [np.nan, np.inf, -np.inf, -0.0, info.tiny / 4]
    tail = [((i * 7919) % 1000) / 8 - 60 for i in range(count - len(head))]
    return np.array(head + tail, dtype=code)


def describe(dataset):
    """What h5py reads back from `dataset`, for expected.json."""
    array = dataset[()]
    code = array.dtype.str[1:]
    return {
        "dtype": SCHEMA_DTYPE[code],
        "descr": dataset.dtype.str,
        "shape": list(dataset.shape),
        "chunks": list(dataset.chunks) if dataset.chunks is not None else None,
        "compression": dataset.compression,
        "shuffle": bool(dataset.shuffle),
        "values": [json_value(v, code) for v in np.ascontiguousarray(array).ravel(order="C")],
    }


def write_supported(f):
    """Datasets a tensor can hold: every type, chunked or contiguous, both byte orders."""
    sample = float_values("f4", 7 * 5 * 3).reshape(7, 5, 3)
    f.create_dataset("float32/chunked_gzip", data=sample, chunks=(3, 5, 3), compression="gzip", **FIXED)
    f.create_dataset(
        "float32/chunked_shuffle_gzip", data=sample, chunks=(2, 2, 2), compression="gzip", shuffle=True, **FIXED
    )
    ragged = (np.arange(10 * 7, dtype="f4") * 0.25 - 3).reshape(10, 7)
    f.create_dataset("float32/chunked_ragged", data=ragged, chunks=(4, 3), compression="gzip", **FIXED)
    f.create_dataset("float32/contiguous", data=float_values("f4", 24).reshape(6, 4), **FIXED)
    f.create_dataset("float64/big_endian", data=float_values(">f8", 12).reshape(4, 3), **FIXED)
    f.create_dataset(
        "float64/big_endian_chunked", data=float_values(">f8", 30).reshape(5, 6), chunks=(2, 4), compression="gzip", **FIXED
    )
    for code in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        orders = ["<"] if code in ("i1", "u1") else ["<", ">"]
        for order in orders:
            tag = "be" if order == ">" else "le"
            values = int_values(order + code, 12).reshape(4, 3)
            f.create_dataset(f"int/{code}-{tag}", data=values, **FIXED)
            f.create_dataset(f"int/{code}-{tag}-chunked", data=values, chunks=(3, 2), compression="gzip", **FIXED)
    f.create_dataset("bool", data=(np.arange(12) % 3 == 0).reshape(3, 4), **FIXED)
    f.create_dataset("one_axis", data=np.arange(10, dtype="<i4") * 3 - 7, **FIXED)
    f.create_dataset("empty", shape=(0, 4), maxshape=(None, 4), chunks=(5, 4), dtype="<f4", **FIXED)
    labelled = f.create_dataset("labelled", data=np.arange(24, dtype="<f8").reshape(2, 3, 4) / 2, **FIXED)
    for axis, label in enumerate(["instance", "sample", "channel"]):
        labelled.dims[axis].label = label
    f["soft_link"] = h5py.SoftLink("/float32/contiguous")


def write_unsupported(f):
    """Datasets no tensor dtype holds, each to be refused naming its type."""
    f.create_group("group").create_dataset("inner", data=np.arange(3, dtype="<i4"), **FIXED)
    f.create_dataset("unsupported/compound", data=np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]), **FIXED)
    f.create_dataset("unsupported/complex", data=np.array([1 + 2j, 3 - 4j], dtype="<c8"), **FIXED)
    f.create_dataset("unsupported/fixed_string", data=np.array([b"ab", b"cde"], dtype="S5"), **FIXED)
    f.create_dataset("unsupported/vlen_string", data=["ab", "cde"], dtype=h5py.string_dtype(), **FIXED)
    vlen = f.create_dataset("unsupported/vlen_int", shape=(2,), dtype=h5py.vlen_dtype(np.dtype("<i4")), **FIXED)
    vlen[0] = np.array([1, 2, 3], dtype="<i4")
    vlen[1] = np.array([4], dtype="<i4")
    f.create_dataset("unsupported/float16", data=np.array([1.5, 2.5], dtype="<f2"), **FIXED)
    colors = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 2}, basetype="i1")
    f.create_dataset("unsupported/enum", data=np.array([0, 2, 1], dtype="i1"), dtype=colors, **FIXED)
    # h5py turns a numpy subarray dtype into extra axes; HDF5's own array type needs the low-level API.
    array_type = h5py.h5t.array_create(h5py.h5t.IEEE_F32LE, (3,))
    untimed = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    untimed.set_obj_track_times(False)
    h5py.h5d.create(f["unsupported"].id, b"array", array_type, h5py.h5s.create_simple((2,)), dcpl=untimed)
    f.create_dataset("unsupported/scalar", data=np.float64(2.5), **FIXED)


def matlab_header():
    """The 128-byte text header MATLAB writes at the start of a v7.3 MAT-file's user block."""
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 ."
    # Text (116 bytes, space padded), subsystem data offset (8 bytes), version 0x0200, endian 'IM'.
    return text.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"


def write_matlab_variable(f, name, matlab_array, matlab_class, **options):
    """A variable as MATLAB stores it: column-major, so HDF5 holds the transpose (axes reversed)."""
    dataset = f.create_dataset(name, data=np.ascontiguousarray(matlab_array.T), **options, **FIXED)
    dataset.attrs["MATLAB_class"] = np.bytes_(matlab_class)
    if matlab_class == "logical":
        dataset.attrs["MATLAB_int_decode"] = np.int32(1)
    return dataset


MATLAB_VARIABLES = {
    # MATLAB size 4 x 3 x 2, double; element (i, j, k) = 100 i + 10 j + k + 0.5 (zero-based).
    "X": (np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k + 0.5, (4, 3, 2)), "double", {}),
    # MATLAB size 5 x 3, single.
    "trials": ((np.arange(15, dtype="f4").reshape(5, 3) - 7) / 4, "single", {}),
    # A 1 x 5 row vector of int32.
    "labels": (np.array([[3, -1, 4, -1, 5]], dtype="<i4"), "int32", {}),
    # A 3 x 2 logical, stored by MATLAB as uint8.
    "mask": (np.array([[1, 0], [0, 1], [1, 1]], dtype="u1"), "logical", {}),
    # 6 x 40 double, chunked and deflated as MATLAB stores larger variables.
    "chunked": (
        np.fromfunction(lambda i, j: i * 1000 + j, (6, 40)),
        "double",
        {"chunks": (16, 6), "compression": "gzip"},
    ),
}


def write_matlab(path):
    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        for name, (array, matlab_class, options) in MATLAB_VARIABLES.items():
            write_matlab_variable(f, name, array, matlab_class, **options)
        # An empty array (MATLAB size 0 x 5): MATLAB stores its size as the data, flagged MATLAB_empty.
        empty = f.create_dataset("empty", data=np.array([0, 5], dtype="<u8"), **FIXED)
        empty.attrs["MATLAB_class"] = np.bytes_("double")
        empty.attrs["MATLAB_empty"] = np.uint8(1)
        struct = f.create_group("s")
        struct.attrs["MATLAB_class"] = np.bytes_("struct")
        write_matlab_variable(struct, "a", np.array([[1.0, 2.0], [3.0, 4.0]]), "double")
    with open(path, "r+b") as handle:
        handle.write(matlab_header().ljust(512, b"\x00"))


def describe_matlab(f):
    expected = {}
    for name, (array, matlab_class, _) in MATLAB_VARIABLES.items():
        code = array.dtype.str[1:]
        entry = describe(f[name])
        entry["matlab_class"] = matlab_class
        entry["matlab_shape"] = list(array.shape)
        entry["matlab_values"] = [json_value(v, code) for v in np.ascontiguousarray(array).ravel(order="C")]
        expected[name] = entry
    return expected


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    datasets_path = os.path.join(OUT_DIR, "datasets.h5")
    with h5py.File(datasets_path, "w", libver="earliest") as f:
        write_supported(f)
        write_unsupported(f)
    supported = {}
    with h5py.File(datasets_path, "r") as f:
        for name in sorted(walk_datasets(f)):
            if not name.startswith(("unsupported/", "group/")):
                supported[name] = describe(f[name])
        supported["labelled"]["labels"] = [d.label for d in f["labelled"].dims]
        unsupported = {name: str(f[name].dtype) for name in walk_datasets(f["unsupported"], "unsupported/")}

    matlab_path = os.path.join(OUT_DIR, "matlab-v7.3.mat")
    write_matlab(matlab_path)
    with h5py.File(matlab_path, "r") as f:
        matlab = describe_matlab(f)
        userblock = f.userblock_size

    with open(datasets_path, "rb") as handle:
        whole = handle.read()
    with open(os.path.join(OUT_DIR, "truncated.h5"), "wb") as handle:
        handle.write(whole[: len(whole) // 2])
    with open(os.path.join(OUT_DIR, "not-hdf5.h5"), "wb") as handle:
        handle.write(b"this is a text file, not HDF5\n")

    with open(os.path.join(OUT_DIR, "expected.json"), "w") as handle:
        json.dump(
            {
                "h5py_version": h5py.__version__,
                "hdf5_version": h5py.version.hdf5_version,
                "numpy_version": np.__version__,
                "datasets.h5": {"datasets": supported, "unsupported": unsupported},
                "matlab-v7.3.mat": {"userblock_size": userblock, "variables": matlab, "empty": {"empty": [0, 5]}},
                "truncated.h5": {"bytes": len(whole) // 2, "of": len(whole)},
            },
            handle,
            indent=1,
            allow_nan=False,
        )
        handle.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print(f"wrote {len(supported)} datasets, {len(matlab)} MATLAB variables and expected.json ({total} bytes)")


def walk_datasets(group, prefix=""):
    """The paths of every dataset under `group` (soft links followed), relative to it."""
    names = []
    for name, link in group.items():
        if isinstance(link, h5py.Dataset):
            names.append(prefix + name)
        elif isinstance(link, h5py.Group):
            names.extend(walk_datasets(link, f"{prefix}{name}/"))
    return names


if __name__ == "__main__":
    sys.exit(main())
