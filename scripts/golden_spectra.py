#!/usr/bin/env python3
"""numpy's singular values of the designs gapwatch analyses, for SpectraTest.

A report's conditioning comes from SVDs of the streamed QR factor R of the design; in exact
arithmetic R has the singular values of the design itself. numpy (LAPACK's dgesdd through
numpy.linalg.svd) computes them from the whole design at once, a different route to the same
numbers, so agreement checks the factor and the SVD together. Three spectra per design:

  raw          singular values of A = [1 X] (or X without an intercept)
  scaled       of A with each column divided by its Euclidean norm
  correlation  eigenvalues of the features' correlation matrix: squared singular values of the
               centred X with each column divided by its norm (a constant column contributes 0)

Designs: the eleven NIST StRD linear-regression sets (src/test/resources/strd, polynomial models
expanded as x, x**2, ... like StrdDataset.java) and the four seed designs as
`gapwatch seeds --out DIR` writes them (run `mvn -q package -DskipTests` first).

Writes src/test/resources/golden/spectra.csv: design,kind,index,value (value as repr of the double).

  /usr/bin/python3 scripts/golden_spectra.py
"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRD = os.path.join(ROOT, "src", "test", "resources", "strd")
OUT = os.path.join(ROOT, "src", "test", "resources", "golden", "spectra.csv")
NIST = ["Norris", "Pontius", "NoInt1", "NoInt2", "Longley", "Wampler1", "Wampler2", "Wampler3", "Wampler4",
        "Wampler5", "Filip"]
SEEDS = {"ramp": True, "kernel600": False, "collinear121": True, "keras": True}


def load_strd(name):
    degree, intercept, rows, data = 0, True, [], False
    with open(os.path.join(STRD, name + ".dat"), encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            if data:
                rows.append([float(v) for v in parts])
            elif parts[0] == "model" and parts[1] == "poly":
                degree = int(parts[2])
            elif parts[0] == "intercept":
                intercept = parts[1] == "yes"
            elif parts[0] == "data":
                data = True
    rows = np.array(rows)
    x = np.column_stack([rows[:, 1] ** (k + 1) for k in range(degree)]) if degree else rows[:, 1:]
    return x, intercept


def load_seed(directory, name):
    with open(os.path.join(directory, name + ".csv"), newline="") as f:
        table = np.array([[float(v) for v in row] for row in list(csv.reader(f))[1:]])
    return table[:, :-1]


def spectra(x, intercept):
    a = np.column_stack([np.ones(len(x)), x]) if intercept else x
    raw = np.linalg.svd(a, compute_uv=False)
    norms = np.linalg.norm(a, axis=0)
    scaled = np.linalg.svd(a / np.where(norms > 0, norms, 1.0), compute_uv=False)
    result = {"raw": raw, "scaled": scaled}
    if intercept:
        centred = x - x.mean(axis=0)
        cn = np.linalg.norm(centred, axis=0)
        keep = cn > 1e-13 * np.linalg.norm(x, axis=0)  # a constant column has no spread to standardize
        z = np.where(keep, centred / np.where(keep, cn, 1.0), 0.0)
        result["correlation"] = np.linalg.svd(z, compute_uv=False) ** 2
    return result


def main():
    designs = [(name, *load_strd(name)) for name in NIST]
    with tempfile.TemporaryDirectory() as seeds:
        subprocess.run(["java", "-jar", os.path.join(ROOT, "target", "gapwatch.jar"), "seeds", "--out", seeds],
                       check=True, stdout=subprocess.DEVNULL)
        designs += [(name, load_seed(seeds, name), intercept) for name, intercept in SEEDS.items()]
    with open(OUT, "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["design", "kind", "index", "value"])
        for name, x, intercept in designs:
            for kind, values in spectra(x, intercept).items():
                for i, v in enumerate(values):
                    out.writerow([name, kind, i, repr(float(v))])
            print(f"{name}: {x.shape[0]} x {x.shape[1]}, intercept {intercept}", file=sys.stderr)
    print(f"numpy {np.__version__}; wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
