#!/usr/bin/env python3
"""Write the .npy fixtures of fixtures/npy/ and their expected values, with numpy as the reference.

Usage (from the repository root):  python3 scripts/make_npy_fixtures.py

Every file is written by numpy.lib.format.write_array, so the bytes are what numpy produces; the
values in expected.json come from numpy reading them back (numpy.load), flattened in C order.
"""

import json
import math
import os
import sys

import numpy as np
from numpy.lib import format as npy_format

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "npy")

# The schema dtype each numpy type maps to in @tt/schema.
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


def sample_values(code):
    """Six values per type that include its extremes, so byte order and sign errors show."""
    if code == "b1":
        return np.array([True, False, False, True, True, False])
    if code[0] == "f":
        info = np.finfo(np.dtype(code))
        return np.array([1.5, -0.0, np.nan, np.inf, -np.inf, info.tiny / 4], dtype=code)
    info = np.iinfo(np.dtype(code))
    return np.array([0, 1, info.max, info.min, info.max - 1, 7], dtype=code)


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


def write(name, array, version=None):
    path = os.path.join(OUT_DIR, name)
    with open(path, "wb") as handle:
        npy_format.write_array(handle, array, version=version, allow_pickle=False)
    return path


def record(expected, name):
    """Reads `name` back with numpy and stores its dtype, shape and C-order values."""
    path = os.path.join(OUT_DIR, name)
    with open(path, "rb") as handle:
        major, minor = npy_format.read_magic(handle)
        read_header = npy_format.read_array_header_1_0 if major == 1 else npy_format.read_array_header_2_0
        _, fortran_order, _ = read_header(handle)
    loaded = np.load(path, allow_pickle=False)
    code = loaded.dtype.str[1:]
    expected[name] = {
        "dtype": SCHEMA_DTYPE[code],
        "descr": loaded.dtype.str,
        "shape": list(loaded.shape),
        "fortran_order": bool(fortran_order),
        "version": f"{major}.{minor}",
        "values": [json_value(v, code) for v in np.ascontiguousarray(loaded).ravel(order="C")],
    }


def write_header_only(name, descr, fortran_order=False, shape=(2,)):
    """A header without data: for an empty array, or for a dtype whose data would need pickling (object)."""
    header = {"descr": descr, "fortran_order": fortran_order, "shape": shape}
    with open(os.path.join(OUT_DIR, name), "wb") as handle:
        npy_format.write_array_header_1_0(handle, header)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    expected = {}

    # Every supported type in both byte orders (one-byte types have no byte order: "|").
    for code in SCHEMA_DTYPE:
        orders = ["|"] if code in ("i1", "u1", "b1") else ["<", ">"]
        for byte_order in orders:
            tag = {"<": "le", ">": "be", "|": "na"}[byte_order]
            array = sample_values(code).astype(byte_order + code).reshape(2, 3)
            name = f"{code}-{tag}-c.npy"
            write(name, array)
            record(expected, name)

    # Fortran order, 3-d and non-square, so a transpose over the wrong axes changes the values.
    for descr in ["<f8", ">f4", "<i2", ">i8", "<u8", "|u1", "|b1"]:
        code = descr[1:]
        count = 2 * 3 * 4
        if code == "b1":
            base = np.arange(count) % 3 == 0
        elif code == "u8":
            # Distinct high and low 32-bit words, so swapping the halves of an element shows.
            base = np.arange(count, dtype="u8") * np.uint64(2**33 + 1)
        else:
            base = np.arange(count) - (count // 2 if code[0] != "u" else 0)
        array = np.asfortranarray(base.astype(descr).reshape(2, 3, 4))
        tag = {"<": "le", ">": "be", "|": "na"}[descr[0]]
        name = f"{code}-{tag}-fortran-2x3x4.npy"
        write(name, array)
        record(expected, name)

    # 0-d and empty arrays.
    write("f8-le-0d.npy", np.array(3.25, dtype="<f8"))
    record(expected, "f8-le-0d.npy")
    write("i4-be-0d.npy", np.array(-123456, dtype=">i4"))
    record(expected, "i4-be-0d.npy")
    write("f4-le-empty.npy", np.zeros((0,), dtype="<f4"))
    record(expected, "f4-le-empty.npy")
    # numpy writes an empty array as C order (it is both); the header is written by hand to get
    # fortran_order True with a zero-length axis.
    write_header_only("i8-le-fortran-empty-2x0x3.npy", "<i8", fortran_order=True, shape=(2, 0, 3))
    record(expected, "i8-le-fortran-empty-2x0x3.npy")

    # Format versions 2.0 and 3.0 (4-byte header length; 3.0 allows a UTF-8 header).
    write("f8-le-v2.npy", np.arange(6, dtype="<f8").reshape(3, 2) / 4, version=(2, 0))
    record(expected, "f8-le-v2.npy")
    write("i2-be-v3-fortran.npy", np.asfortranarray(np.arange(6, dtype=">i2").reshape(2, 3)), version=(3, 0))
    record(expected, "i2-be-v3-fortran.npy")

    # Types @tt/schema does not hold: each must be refused, naming its descr.
    unsupported = {}
    for name, array in [
        ("unsupported-complex64.npy", np.array([1 + 2j, 3 - 4j], dtype="<c8")),
        ("unsupported-unicode.npy", np.array(["ab", "cde"], dtype="<U10")),
        ("unsupported-float16.npy", np.array([1.5, 2.5], dtype="<f2")),
        ("unsupported-bytes.npy", np.array([b"ab", b"c"], dtype="|S5")),
        ("unsupported-datetime64.npy", np.array(["2024-01-02"], dtype="<M8[D]")),
        ("unsupported-structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])),
    ]:
        write(name, array)
        descr = npy_format.dtype_to_descr(array.dtype)
        # A structured descr is a list; the reader names it the way Python prints it.
        unsupported[name] = descr if isinstance(descr, str) else repr(descr)
    write_header_only("unsupported-object-header-only.npy", "|O")
    unsupported["unsupported-object-header-only.npy"] = "|O"

    with open(os.path.join(OUT_DIR, "expected.json"), "w") as handle:
        json.dump(
            {
                "numpy_version": np.__version__,
                "arrays": expected,
                "unsupported": unsupported,
            },
            handle,
            indent=1,
            allow_nan=False,
        )
        handle.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in os.listdir(OUT_DIR))
    print(f"wrote {len(expected) + len(unsupported)} .npy files and expected.json ({total} bytes)")


if __name__ == "__main__":
    sys.exit(main())
