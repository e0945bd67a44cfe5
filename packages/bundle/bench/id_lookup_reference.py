"""Reference for the id-lookup bench, in the style of the sharded dataset design: the samples of a
bundle's data array as .npy members of one tar file, and an SQLite table of each sample's byte
offset in that tar. Standard library (tarfile, sqlite3, json) plus numpy for the .npy payloads.

  build BUNDLE IDS OUT ROWS_PER_MEMBER   ids: one id per line, in row order (int or str)
  lookup OUT LOOKUPS                     lookups: one id per line; prints one JSON line

`build` reads the bundle's uncompressed Zarr chunks directly (bytes codec, little-endian) and
writes OUT/samples.tar (members of ROWS_PER_MEMBER rows each) and OUT/index.sqlite
(id -> offset, nbytes of the sample's bytes in the tar). `lookup` times opening the index and
the tar plus the first lookup, then one lookup per id (SELECT, seek, read, np.frombuffer), in
two passes (the first is reported; the second shows a warmed-up process).
"""

import io
import json
import os
import sqlite3
import sys
import tarfile
import time

import numpy as np


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def id_kind(ids):
    try:
        [int(i) for i in ids[:100]]
        return "int"
    except ValueError:
        return "str"


def bundle_rows(bundle):
    """Yields (first_row, rows ndarray) per chunk of the bundle's data array."""
    with open(os.path.join(bundle, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    array = os.path.join(bundle, manifest["array_store"])
    with open(os.path.join(array, "zarr.json"), encoding="utf-8") as f:
        meta = json.load(f)
    assert [c["name"] for c in meta["codecs"]] == ["bytes"], "needs uncompressed chunks"
    shape = meta["shape"]
    chunk_rows = meta["chunk_grid"]["configuration"]["chunk_shape"][0]
    dtype = np.dtype(meta["data_type"]).newbyteorder("<")
    rest = shape[1:]
    zeros = "/".join("0" for _ in rest)
    for chunk in range((shape[0] + chunk_rows - 1) // chunk_rows):
        key = f"c/{chunk}/{zeros}" if rest else f"c/{chunk}"
        with open(os.path.join(array, *key.split("/")), "rb") as f:
            data = np.frombuffer(f.read(), dtype=dtype).reshape([chunk_rows, *rest])
        first = chunk * chunk_rows
        yield first, data[: min(chunk_rows, shape[0] - first)], dtype, rest


def npy_bytes(rows):
    buffer = io.BytesIO()
    np.save(buffer, rows)
    return buffer.getvalue()


def build(bundle, ids_path, out, rows_per_member):
    ids = read_lines(ids_path)
    kind = id_kind(ids)
    os.makedirs(out, exist_ok=True)
    db = sqlite3.connect(os.path.join(out, "index.sqlite"))
    column = "INTEGER PRIMARY KEY" if kind == "int" else "TEXT PRIMARY KEY"
    db.execute(f"CREATE TABLE samples (id {column}, offset INTEGER, nbytes INTEGER)")
    db.execute("CREATE TABLE info (dtype TEXT, shape TEXT)")
    with tarfile.open(os.path.join(out, "samples.tar"), "w", format=tarfile.GNU_FORMAT) as tar:
        for first, rows, dtype, rest in bundle_rows(bundle):
            for start in range(0, len(rows), rows_per_member):
                part = np.ascontiguousarray(rows[start : start + rows_per_member])
                payload = npy_bytes(part)
                header = len(payload) - part.nbytes
                info = tarfile.TarInfo(f"{first + start:012d}.npy")
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                data_offset = tar.offset - tarfile.BLOCKSIZE * (
                    (len(payload) + tarfile.BLOCKSIZE - 1) // tarfile.BLOCKSIZE
                ) + header
                row_bytes = part.nbytes // len(part)
                db.executemany(
                    "INSERT INTO samples VALUES (?, ?, ?)",
                    (
                        (int(ids[first + start + j]) if kind == "int" else ids[first + start + j],
                         data_offset + j * row_bytes, row_bytes)
                        for j in range(len(part))
                    ),
                )
        db.execute("INSERT INTO info VALUES (?, ?)", (dtype.str, json.dumps(rest)))
    db.commit()
    db.close()


def lookup(out, lookups_path):
    wanted = read_lines(lookups_path)
    kind = id_kind(wanted)
    wanted = [int(i) for i in wanted] if kind == "int" else wanted
    start = time.perf_counter()
    db = sqlite3.connect(os.path.join(out, "index.sqlite"))
    dtype, shape = db.execute("SELECT dtype, shape FROM info").fetchone()
    dtype, rest = np.dtype(dtype), json.loads(shape)
    tar = open(os.path.join(out, "samples.tar"), "rb")

    def get(sample_id):
        offset, nbytes = db.execute(
            "SELECT offset, nbytes FROM samples WHERE id = ?", (sample_id,)
        ).fetchone()
        tar.seek(offset)
        return np.frombuffer(tar.read(nbytes), dtype=dtype).reshape(rest)

    first = get(wanted[0])
    first_ms = (time.perf_counter() - start) * 1000
    total = float(first.sum(dtype=np.float64))
    def one_pass():
        start = time.perf_counter()
        checksum = 0.0
        for sample_id in wanted:
            checksum += float(get(sample_id).sum(dtype=np.float64))
        return (time.perf_counter() - start) * 1e6 / len(wanted), checksum

    per_lookup_us, checksum = one_pass()
    second_pass_us, _ = one_pass()
    print(json.dumps({
        "open_first_ms": first_ms,
        "per_lookup_us": per_lookup_us,
        "second_pass_us": second_pass_us,
        "first_sum": total,
        "checksum": checksum,
    }))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        lookup(sys.argv[2], sys.argv[3])
