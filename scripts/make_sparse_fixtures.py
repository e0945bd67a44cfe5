#!/usr/bin/env python3
"""Write the sparse-matrix HDF5 fixtures of fixtures/hdf5-sparse/ and their dense values, with h5py and scipy.sparse.

Usage (from the repository root):

    apt-get install -y python3-h5py python3-scipy   # Debian's h5py and scipy, for /usr/bin/python3
    /usr/bin/python3 scripts/make_sparse_fixtures.py

h5py is not on PyPI's mirror here and the other python3 (numpy 2, scipy 1.17) has no h5py, so the
script runs under the interpreter Debian's packages install into (/usr/bin/python3); any python3
with h5py, numpy and scipy will do. The fixtures were written with h5py 3.7.0 (HDF5 1.10.8),
numpy 1.24.2 and scipy 1.10.1.

Matrices are built with scipy.sparse and stored member by member as the writers lay them out;
expected.json holds what scipy.sparse makes of each (`toarray()`, which sums duplicate entries)
flattened in C order of the stored shape. Every object is written with track_times=False, so two
runs with the same h5py write the same bytes.

Files:

- tenx.h5: a 10X Genomics feature-barcode matrix (Cell Ranger 3+ layout): /matrix with data
  (int32), indices (int64), indptr (int64), shape (int32) of an 8 genes x 11 cells matrix
  compressed by columns (cells), chunked and gzip'd as Cell Ranger writes them, plus barcodes and
  features/{id,name,feature_type,genome}; gene 3 is never seen and cell 5 is empty.
- anndata.h5ad: anndata's layout (encoding-type/encoding-version attributes, shape attribute):
  /X csr_matrix 9 x 6 (float32 data, int32 indices and indptr; row 4 and column 2 empty),
  /layers/counts csc_matrix of the same matrix as int32 data (int64 indices and indptr),
  /layers/noncanonical csr_matrix float64 with unsorted indices and duplicate entries,
  /layers/dense a dense dataset, /obs a dataframe group.
- bad.h5: groups that are broken one way each (see BAD below), for the errors.
"""

import json
import os

import h5py
import numpy as np
import scipy
import scipy.sparse as sp

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "hdf5-sparse")
FIXED = {"track_times": False}


def counts(rows, cols, seed, fill):
    """A random integer matrix with about `fill` of its cells set, values 1..20."""
    rng = np.random.default_rng(seed)
    mask = rng.random((rows, cols)) < fill
    return np.where(mask, rng.integers(1, 21, size=(rows, cols)), 0)


def write_members(group, matrix, data_dtype, index_dtype, pointer_dtype, **options):
    group.create_dataset("data", data=matrix.data.astype(data_dtype), **options, **FIXED)
    group.create_dataset("indices", data=matrix.indices.astype(index_dtype), **options, **FIXED)
    group.create_dataset("indptr", data=matrix.indptr.astype(pointer_dtype), **options, **FIXED)


def anndata_group(f, path, matrix, encoding, data_dtype, index_dtype, pointer_dtype):
    group = f.create_group(path)
    group.attrs["encoding-type"] = encoding
    group.attrs["encoding-version"] = "0.1.0"
    group.attrs["shape"] = np.array(matrix.shape, dtype="i8")
    write_members(group, matrix, data_dtype, index_dtype, pointer_dtype)


def expected_of(name, group, matrix, compressed, dtype, index_dtype, pointer_dtype, stored):
    dense = matrix.toarray()
    return {
        "file": name,
        "group": group,
        "compressed": compressed,
        "shape": list(dense.shape),
        "dtype": dtype,
        "indices_dtype": index_dtype,
        "indptr_dtype": pointer_dtype,
        "nnz": int(stored.nnz),
        "values": [v.item() for v in dense.astype(dtype).ravel(order="C")],
    }


def write_tenx(path):
    genes_by_cells = counts(8, 11, 1, 0.35)
    genes_by_cells[3, :] = 0
    genes_by_cells[:, 5] = 0
    matrix = sp.csc_matrix(genes_by_cells)
    with h5py.File(path, "w", libver="earliest") as f:
        f.attrs["filetype"] = "matrix"
        f.attrs["version"] = 2
        group = f.create_group("matrix")
        write_members(group, matrix, "i4", "i8", "i8", chunks=(4,), compression="gzip", compression_opts=4)
        group.create_dataset("shape", data=np.array(matrix.shape, dtype="i4"), **FIXED)
        barcodes = [f"AAACCTGAG{i:03d}-1".encode() for i in range(11)]
        group.create_dataset("barcodes", data=np.array(barcodes, dtype="S15"), **FIXED)
        features = group.create_group("features")
        features.create_dataset("id", data=np.array([f"ENSG{i:011d}".encode() for i in range(8)]), **FIXED)
        features.create_dataset("name", data=np.array([f"GENE{i}".encode() for i in range(8)]), **FIXED)
        features.create_dataset("feature_type", data=np.array([b"Gene Expression"] * 8), **FIXED)
        features.create_dataset("genome", data=np.array([b"GRCh38"] * 8), **FIXED)
    return [expected_of("tenx.h5", "/matrix", matrix, "columns", "int32", "int64", "int64", matrix)]


def noncanonical():
    """A 5 x 4 CSR matrix whose rows have unsorted indices and duplicates (scipy sums them)."""
    data = np.array([1.5, 2.0, -1.0, 4.0, 0.25, 3.0, 3.0, 7.0])
    indices = np.array([3, 0, 3, 1, 2, 2, 2, 0])
    indptr = np.array([0, 3, 3, 5, 7, 8])
    matrix = sp.csr_matrix((data, indices, indptr), shape=(5, 4))
    assert not matrix.has_canonical_format
    return matrix


def write_anndata(path):
    cells_by_genes = counts(9, 6, 2, 0.4).astype("f4") * 0.5
    cells_by_genes[4, :] = 0
    cells_by_genes[:, 2] = 0
    csr = sp.csr_matrix(cells_by_genes)
    csc = sp.csc_matrix(cells_by_genes.astype("i4"))
    odd = noncanonical()
    with h5py.File(path, "w", libver="earliest") as f:
        f.attrs["encoding-type"] = "anndata"
        f.attrs["encoding-version"] = "0.1.0"
        anndata_group(f, "X", csr, "csr_matrix", "f4", "i4", "i4")
        anndata_group(f, "layers/counts", csc, "csc_matrix", "i4", "i8", "i8")
        group = f["layers"].create_group("noncanonical")
        group.attrs["encoding-type"] = "csr_matrix"
        group.attrs["encoding-version"] = "0.1.0"
        group.attrs["shape"] = np.array(odd.shape, dtype="i8")
        write_members(group, odd, "f8", "i8", "i8")
        f["layers"].create_dataset("dense", data=cells_by_genes, **FIXED)
        obs = f.create_group("obs")
        obs.attrs["encoding-type"] = "dataframe"
        obs.attrs["_index"] = "_index"
        obs.create_dataset("_index", data=np.array([f"cell{i}".encode() for i in range(9)]), **FIXED)
    return [
        expected_of("anndata.h5ad", "/X", csr, "rows", "float32", "int32", "int32", csr),
        expected_of("anndata.h5ad", "/layers/counts", csc, "columns", "int32", "int64", "int64", csc),
        expected_of("anndata.h5ad", "/layers/noncanonical", odd, "rows", "float64", "int64", "int64", odd),
    ]


# Broken groups of bad.h5, each a 3 x 4 CSR matrix (attribute shape) with one fault:
# (members as data, indices, indptr; None leaves the member out), attributes.
GOOD = ([1.0, 2.0, 3.0, 4.0], [0, 3, 1, 2], [0, 2, 3, 4])
BAD = {
    "indptr_length": (GOOD[0], GOOD[1], [0, 2, 3, 4, 4], {}),
    "indptr_last": (GOOD[0], GOOD[1], [0, 2, 3, 3], {}),
    "indptr_decreasing": (GOOD[0], GOOD[1], [0, 3, 2, 4], {}),
    "indices_out_of_range": (GOOD[0], [0, 4, 1, 2], GOOD[2], {}),
    "indices_negative": (GOOD[0], [0, 3, -1, 2], GOOD[2], {}),
    "data_length": ([1.0, 2.0, 3.0], GOOD[1], GOOD[2], {}),
    "float_indices": (GOOD[0], np.array(GOOD[1], dtype="f4"), GOOD[2], {}),
    "missing_indices": (GOOD[0], None, GOOD[2], {}),
    "no_shape": (GOOD[0], GOOD[1], GOOD[2], {"shape": None}),
    "shape_3d": (GOOD[0], GOOD[1], GOOD[2], {"shape": np.array([3, 4, 1], dtype="i8")}),
}


def write_bad(path):
    with h5py.File(path, "w", libver="earliest") as f:
        for name, (data, indices, indptr, attrs) in BAD.items():
            group = f.create_group(name)
            shape = attrs.get("shape", np.array([3, 4], dtype="i8"))
            if shape is not None:
                group.attrs["shape"] = shape
            for member, values, dtype in (("data", data, "f8"), ("indices", indices, "i4"), ("indptr", indptr, "i4")):
                if values is not None:
                    array = values if isinstance(values, np.ndarray) else np.array(values, dtype=dtype)
                    group.create_dataset(member, data=array, **FIXED)
        f.create_group("not_sparse").create_dataset("values", data=np.arange(4, dtype="i4"), **FIXED)
        f.create_dataset("dense", data=np.eye(3, dtype="f4"), **FIXED)
    return sorted(BAD) + ["not_sparse", "dense"]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    matrices = write_tenx(os.path.join(OUT_DIR, "tenx.h5"))
    matrices += write_anndata(os.path.join(OUT_DIR, "anndata.h5ad"))
    bad = write_bad(os.path.join(OUT_DIR, "bad.h5"))
    header = {
        "h5py_version": h5py.__version__,
        "hdf5_version": h5py.version.hdf5_version,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "bad": bad,
    }
    lines = [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in header.items()]
    lines += [' "matrices": [', ",\n".join(f"  {json.dumps(m)}" for m in matrices), " ]"]
    with open(os.path.join(OUT_DIR, "expected.json"), "w") as out:
        out.write("{\n" + "\n".join(lines) + "\n}\n")

if __name__ == "__main__":
    main()
