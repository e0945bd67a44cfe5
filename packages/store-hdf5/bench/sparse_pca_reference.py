"""The scipy reference of the sparse bench: the matrix /X of an HDF5 file (an anndata csr_matrix
written by test/sparse-memory/write-sparse.mjs) loaded whole with h5py into a scipy.sparse
csr_matrix, then a centred PCA of rank k by ARPACK (scipy.sparse.linalg.svds) on a LinearOperator
that centres implicitly, as scanpy's sparse PCA does: the matrix is never densified.

Usage: python3 sparse_pca_reference.py <file.h5> <rank>   (needs numpy, scipy and h5py; on Debian
the packages python3-numpy, python3-scipy and python3-h5py). Prints one line of JSON: seconds to
load and to fit, the peak RSS (MB) after each, and the explained variance ratio of each component.
"""

import json
import resource
import sys
import time

import h5py
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, svds


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


path, rank = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
with h5py.File(path, "r") as f:
    group = f["/X"]
    shape = tuple(int(n) for n in group.attrs["shape"])
    X = sp.csr_matrix((group["data"][:], group["indices"][:], group["indptr"][:]), shape=shape)
loaded_seconds = time.perf_counter() - started
loaded_mb = peak_mb()

started = time.perf_counter()
n, p = X.shape
mean = np.asarray(X.mean(axis=0)).ravel().astype(np.float64)
Xt = X.T.tocsr()
ones = np.ones(n)


def matvec(v):
    v = np.asarray(v).ravel()
    return X @ v - mean @ v


def matmat(V):
    return X @ V - np.outer(ones, mean @ V)


def rmatvec(u):
    u = np.asarray(u).ravel()
    return Xt @ u - mean * u.sum()


def rmatmat(U):
    return Xt @ U - np.outer(mean, U.sum(axis=0))


centred = LinearOperator(
    (n, p), matvec=matvec, matmat=matmat, rmatvec=rmatvec, rmatmat=rmatmat, dtype=np.float64
)
s = svds(centred, k=rank, which="LM", solver="arpack", random_state=0, return_singular_vectors=False)
s = np.sort(s)[::-1]
squares = np.asarray(X.multiply(X).sum(axis=0)).ravel()
total = (squares.sum() - n * (mean**2).sum()) / (n - 1)
fit_seconds = time.perf_counter() - started
print(
    json.dumps(
        {
            "shape": [n, p],
            "nnz": int(X.nnz),
            "load_seconds": loaded_seconds,
            "loaded_mb": loaded_mb,
            "fit_seconds": fit_seconds,
            "fitted_mb": peak_mb(),
            "ratio": [float(x) for x in (s**2 / (n - 1)) / total],
            "scipy": __import__("scipy").__version__,
        }
    )
)
