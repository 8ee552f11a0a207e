#!/usr/bin/env python3
"""Exact least-squares reference coefficients for two real, uncentred data sets from statsmodels.

gapwatch's exact streaming fit is judged by how many correct digits it gets, measured by the log
relative error  LRE = -log10(|b - b_exact| / |b_exact|)  capped at 15 (-log10|b| when b_exact = 0).
The NIST StRD sets (src/test/resources/strd) are small and partly synthetic. This script adds two
real data sets as a user would regress them: raw columns, no centring and no scaling.

  * grunfeld -- invest ~ 1 + value + capital + year    (220 rows; year = 1935..1954 is what makes
                the design uncentred: the intercept column and the year column are nearly collinear)
  * fair     -- affairs ~ 1 + rate_marriage + age + yrs_married + children + religious + educ
                          + occupation + occupation_husb    (6366 rows)

Both are loaded with statsmodels.api.datasets.<name>.load_pandas().data. Every selected column of
statsmodels 0.13.5 already loads as float64; a column that did not would be converted with
pandas.to_numeric(errors="raise") (decimal text -> nearest double; anything else is an error), and
the script says so. The string column grunfeld.firm is not used.

For each data set it writes to src/test/resources/datasets/:

  <name>.csv        header = features then target; every value as repr() of the double (shortest
                    string that reads back to the same double)
  <name>.certified  one line per coefficient, intercept first, then the features in CSV order:
                    "name value", value with 25 significant digits
  README.md         provenance (statsmodels version, source citation and license note)

The exact solution: the CSV is read back, every double becomes a fractions.Fraction (exactly, a
double is a dyadic rational), X'X and X'y are formed with the column of ones in exact rational
arithmetic, and the normal equations are solved by Gaussian elimination in Fractions. With exact
arithmetic the normal equations give the least-squares solution itself (X has full column rank).
The 25 digits are the Fraction divided in decimal at 25-digit precision (correctly rounded); the
script checks that they read back to the double nearest the exact value.

It then prints the yardsticks: the LRE of scikit-learn's LinearRegression, numpy.linalg.lstsq on
[1 X] and statsmodels' OLS(y, add_constant(X)), per coefficient and minimum over coefficients.

With --nist it also prints, for the 11 NIST StRD linear sets, the minimum LRE of the same three
libraries against NIST's certified values, plus two runs of the exact solver: on the decimal data
as printed (its solution rounded to 15 significant digits must equal NIST's certified digits) and
on the data rounded to doubles (its LRE is the best a double-precision method can hope for).
Nothing is written for NIST.

Usage: /usr/bin/python3 scripts/golden_exact_datasets.py [--nist] [--out DIR]
       (run from the repository root; needs numpy, pandas, scikit-learn, statsmodels)
"""
import argparse
import csv
import math
import os
import sys
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
import sklearn
from sklearn.linear_model import LinearRegression

DATASETS = {
    "grunfeld": ("invest", ["value", "capital", "year"]),
    "fair": ("affairs", ["rate_marriage", "age", "yrs_married", "children", "religious", "educ",
                         "occupation", "occupation_husb"]),
}
OUT_DIR = "src/test/resources/datasets"
STRD_DIR = "src/test/resources/strd"
NIST_SETS = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
             "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]
CAP = 15.0
DIGITS = 25
INTERCEPT = "(intercept)"
LIBRARIES = ["sklearn", "numpy", "statsmodels"]


# ---------------------------------------------------------------- loading and writing the data sets

def load_design(name):
    """Columns (features then target) and rows of doubles, as statsmodels loads them."""
    target, features = DATASETS[name]
    columns = features + [target]
    frame = getattr(sm.datasets, name).load_pandas().data[columns].copy()
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = pd.to_numeric(frame[column], errors="raise")
            print(f"{name}: column {column} converted with pandas.to_numeric", file=sys.stderr)
        frame[column] = frame[column].astype("float64")
    if frame.isna().any().any():
        sys.exit(f"{name}: missing values in {columns}")
    rows = [[float(v) for v in record] for record in frame.itertuples(index=False)]
    return columns, rows


def matches_source_csv(name, columns, rows):
    """True if every loaded double is float() of the decimal text in statsmodels' own CSV file."""
    module = getattr(sm.datasets, name)
    path = os.path.join(os.path.dirname(module.__file__), name + ".csv")
    with open(path, newline="") as f:
        source = list(csv.DictReader(f))
    if len(source) != len(rows):
        return False
    for record, row in zip(source, rows):
        for column, value in zip(columns, row):
            if float(record[column]) != value:
                return False
    return True


def write_csv(path, columns, rows):
    with open(path, "w") as f:
        f.write(",".join(columns) + "\n")
        for row in rows:
            f.write(",".join(repr(v) for v in row) + "\n")


def read_csv(path):
    with open(path) as f:
        columns = f.readline().strip().split(",")
        rows = [[float(s) for s in line.strip().split(",")] for line in f if line.strip()]
    return columns, rows


# ---------------------------------------------------------------- exact least squares

def exact_least_squares(columns, y):
    """Exact solution of min |y - sum_j b_j columns[j]|, all inputs Fractions.

    Each column is scaled by the common denominator of its entries so that the inner products of
    X'X and X'y are integer sums (the same values as summing Fractions, only faster).
    """
    def integers(values):
        denominator = 1
        for v in values:
            denominator = math.lcm(denominator, v.denominator)
        return [v.numerator * (denominator // v.denominator) for v in values], denominator

    scaled = [integers(c) for c in columns]
    ys, yd = integers(y)
    p = len(columns)
    a = [[Fraction(sum(u * v for u, v in zip(scaled[j][0], scaled[k][0])), scaled[j][1] * scaled[k][1])
          for k in range(p)] for j in range(p)]
    b = [Fraction(sum(u * v for u, v in zip(scaled[j][0], ys)), scaled[j][1] * yd) for j in range(p)]
    return solve_exact(a, b)


def solve_exact(a, b):
    """Gaussian elimination with back substitution in Fractions (any nonzero pivot will do)."""
    p = len(b)
    a = [row[:] + [rhs] for row, rhs in zip(a, b)]
    for k in range(p):
        pivot = next((i for i in range(k, p) if a[i][k] != 0), None)
        if pivot is None:
            raise ArithmeticError("X'X is singular")
        a[k], a[pivot] = a[pivot], a[k]
        for i in range(k + 1, p):
            factor = a[i][k] / a[k][k]
            if factor:
                for j in range(k, p + 1):
                    a[i][j] -= factor * a[k][j]
    x = [Fraction(0)] * p
    for k in reversed(range(p)):
        s = a[k][p] - sum(a[k][j] * x[j] for j in range(k + 1, p))
        x[k] = s / a[k][k]
    return x


def check_orthogonal(name, columns, y, b):
    """Independent check of the solve: the exact residual must be orthogonal to every column."""
    residual = [yi - sum(bj * c[i] for bj, c in zip(b, columns)) for i, yi in enumerate(y)]
    if any(sum(r * v for r, v in zip(residual, c)) != 0 for c in columns):
        sys.exit(f"{name}: X'(y - Xb) is not exactly zero")


def significant(value, digits=DIGITS):
    """value (a Fraction) correctly rounded to `digits` significant decimal digits, as d.ddd...e+XX."""
    if value == 0:
        return "0." + "0" * (digits - 1) + "e+00"
    with localcontext() as context:
        context.prec = digits
        decimal = Decimal(value.numerator) / Decimal(value.denominator)
    mantissa, exponent = format(decimal, f".{digits - 1}e").split("e")
    return f"{mantissa}e{int(exponent):+03d}"


# ---------------------------------------------------------------- accuracy

def lre(estimate, exact):
    """Log relative error of a double against an exact Fraction, capped at CAP (absolute if exact = 0)."""
    if not math.isfinite(estimate):
        return 0.0
    error = abs(Fraction(estimate) - exact)
    if exact != 0:
        error /= abs(exact)
    if error == 0 or float(error) == 0.0:
        return CAP
    return min(CAP, -math.log10(error))


def yardsticks(x, y, intercept=True):
    """Coefficients (intercept first when fitted) of the three libraries, as lists of doubles."""
    design = np.column_stack([np.ones(len(y)), x]) if intercept else x
    model = LinearRegression(fit_intercept=intercept).fit(x, y)
    fitted = {
        "sklearn": ([float(model.intercept_)] if intercept else []) + [float(c) for c in model.coef_],
        "numpy": [float(c) for c in np.linalg.lstsq(design, y, rcond=None)[0]],
        "statsmodels": [float(c) for c in np.asarray(
            sm.OLS(y, sm.add_constant(x, has_constant="add") if intercept else x).fit().params)],
    }
    return fitted, np.linalg.cond(design)


# ---------------------------------------------------------------- the two statsmodels data sets

def readme(out_dir, notes):
    lines = [
        "# Real, uncentred regression data sets with exact least-squares coefficients",
        "",
        "Generated by `scripts/golden_exact_datasets.py` (run it from the repository root with",
        "Debian's `/usr/bin/python3`). Do not edit by hand.",
        "",
        "* `<name>.csv`: header = feature names then the target (last column); every value is",
        "  `repr()` of a double, the shortest decimal that reads back to that same double.",
        "* `<name>.certified`: the exact ordinary-least-squares coefficients with an intercept, for",
        "  the raw columns of the CSV (no centring, no scaling), one `name value` line each,",
        "  `(intercept)` first, then the features in CSV order; `value` is the exact rational",
        "  solution correctly rounded to 25 significant digits. It was computed in rational",
        "  arithmetic (`fractions.Fraction` of every double, X'X and X'y formed exactly, Gaussian",
        "  elimination in Fractions), so every digit is right; rounding it to a double gives the",
        "  double nearest the exact solution.",
        "",
        "Accuracy is scored as LRE = -log10(|b - b_exact| / |b_exact|), capped at 15.",
        "",
        f"Source: statsmodels {statsmodels.__version__} (`statsmodels.api.datasets.<name>.load_pandas().data`),",
        f"pandas {pd.__version__}, numpy {np.__version__}. statsmodels is distributed under the",
        "BSD 3-Clause license; the data sets carry their own notes, quoted below from each",
        "dataset module's `TITLE`, `SOURCE`, `COPYRIGHT` and `NOTE` strings.",
        "",
    ]
    for name, (target, features) in DATASETS.items():
        module = getattr(sm.datasets, name)
        lines += [
            f"## {name}: {module.TITLE}",
            "",
            f"Regression: `{target} ~ 1 + {' + '.join(features)}`. {notes[name]}",
            "",
            f"License note (`COPYRIGHT`): {module.COPYRIGHT.strip()}",
            "",
            "Source (`SOURCE`):",
            "",
            "```",
            module.SOURCE.strip(),
            "```",
            "",
            "Variables (`NOTE`):",
            "",
            "```",
            module.NOTE.strip().lstrip(":").strip("\n"),
            "```",
            "",
        ]
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(lines))


def print_table(title, names, exact, fitted, extra=""):
    print(f"\n{title}{extra}")
    print(f"  {'coefficient':<16} {'exact (rounded)':>24} " + " ".join(f"{lib:>11}" for lib in LIBRARIES))
    scores = {lib: [lre(b, e) for b, e in zip(fitted[lib], exact)] for lib in LIBRARIES}
    for i, name in enumerate(names):
        print(f"  {name:<16} {float(exact[i]):>24.15e} " + " ".join(f"{scores[lib][i]:>11.2f}" for lib in LIBRARIES))
    print(f"  {'min LRE':<16} {'':>24} " + " ".join(f"{min(scores[lib]):>11.2f}" for lib in LIBRARIES))


def datasets(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    notes = {}
    for name in DATASETS:
        columns, rows = load_design(name)
        csv_path = os.path.join(out_dir, name + ".csv")
        write_csv(csv_path, columns, rows)
        columns, rows = read_csv(csv_path)              # the exact fit uses what the Java side reads
        features, target = columns[:-1], columns[-1]
        if matches_source_csv(name, columns, rows):
            notes[name] = (f"{len(rows)} rows; every value is the double nearest the decimal text "
                           f"of statsmodels' `{name}.csv` (checked).")
        else:
            notes[name] = f"{len(rows)} rows; values are the doubles as loaded by statsmodels."
        fr_rows = [[Fraction(v) for v in row] for row in rows]
        design = [[Fraction(1)] * len(rows)] + [[r[j] for r in fr_rows] for j in range(len(features))]
        exact = exact_least_squares(design, [r[-1] for r in fr_rows])
        check_orthogonal(name, design, [r[-1] for r in fr_rows], exact)
        names = [INTERCEPT] + features
        with open(os.path.join(out_dir, name + ".certified"), "w") as f:
            for coefficient, value in zip(names, exact):
                text = significant(value)
                if float(Decimal(text)) != float(value):
                    sys.exit(f"{name} {coefficient}: 25 digits do not round to the nearest double")
                f.write(f"{coefficient} {text}\n")
        x = np.array([row[:-1] for row in rows])
        y = np.array([row[-1] for row in rows])
        fitted, cond = yardsticks(x, y)
        print_table(f"{name}: {target} ~ 1 + {' + '.join(features)}  (n = {len(rows)})", names, exact,
                    fitted, extra=f"   cond([1 X]) = {cond:.2e}")
    readme(out_dir, notes)
    for file in sorted(os.listdir(out_dir)):
        print(f"wrote {os.path.join(out_dir, file)}: {os.path.getsize(os.path.join(out_dir, file))} bytes",
              file=sys.stderr)


# ---------------------------------------------------------------- NIST StRD

def parse_strd(path):
    """The transcription in src/test/resources/strd (see PROVENANCE.md there): 'model linear' or
    'model poly K', 'intercept yes|no', 'certified B<i> <estimate> <sd>' lines, then 'data' and
    'y x1 [x2 ...]' rows, kept as decimal strings."""
    spec = {"certified": [], "data": []}
    in_data = False
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            if in_data:
                spec["data"].append(fields)
            elif fields[0] == "model":
                spec["degree"] = int(fields[2]) if fields[1] == "poly" else None
            elif fields[0] == "intercept":
                spec["intercept"] = fields[1] == "yes"
            elif fields[0] == "certified":
                spec["certified"].append((fields[1], Fraction(fields[2])))
            elif fields[0] == "data":
                in_data = True
    return spec


def strd_design(spec, number):
    """(predictor columns, y) built with `number` from each decimal string; the polynomial sets
    use x, x^2, ..., x^K of their single predictor (powers taken in the type of `number`)."""
    y = [number(r[0]) for r in spec["data"]]
    if spec["degree"] is None:
        columns = [[number(r[j]) for r in spec["data"]] for j in range(1, len(spec["data"][0]))]
    else:
        x = [number(r[1]) for r in spec["data"]]
        columns = [[v ** k for v in x] for k in range(1, spec["degree"] + 1)]
    return columns, y


def nist(strd_dir):
    print(f"\nNIST StRD linear regression: minimum LRE over coefficients against NIST's certified values")
    print("  (exact=NIST: this script's exact solution on the decimal data, rounded to 15 digits, equals")
    print("   NIST's certified digits; exact/double: LRE of the exact solution on the data rounded to")
    print("   doubles, powers exact -- the ceiling for a double-precision method)")
    print(f"  {'set':<10} {'p':>3} {'cond':>9} " + " ".join(f"{lib:>11}" for lib in LIBRARIES)
          + f" {'exact=NIST':>11} {'exact/double':>13}")
    for name in NIST_SETS:
        spec = parse_strd(os.path.join(strd_dir, name + ".dat"))
        certified = [value for _, value in spec["certified"]]
        columns, y = strd_design(spec, float)
        x = np.column_stack([np.array(c) for c in columns])
        fitted, cond = yardsticks(x, np.array(y), spec["intercept"])
        scores = [min(lre(b, c) for b, c in zip(fitted[lib], certified)) for lib in LIBRARIES]
        exact = {}
        for kind, number in (("decimal", Fraction), ("double", lambda s: Fraction(float(s)))):
            columns, yy = strd_design(spec, number)
            ones = [[Fraction(1)] * len(yy)] if spec["intercept"] else []
            exact[kind] = exact_least_squares(ones + columns, yy)
        agrees = all(Fraction(Decimal(significant(b, 15))) == c for b, c in zip(exact["decimal"], certified))
        ceiling = min(lre(float(b), c) for b, c in zip(exact["double"], certified))
        print(f"  {name:<10} {len(certified):>3} {cond:>9.1e} " + " ".join(f"{s:>11.2f}" for s in scores)
              + f" {'yes' if agrees else 'NO':>11} {ceiling:>13.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nist", action="store_true", help="also print the LRE table of the NIST StRD sets")
    parser.add_argument("--out", default=OUT_DIR, help=f"output directory (default {OUT_DIR})")
    args = parser.parse_args()
    print(f"statsmodels {statsmodels.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}")
    datasets(args.out)
    if args.nist:
        nist(STRD_DIR)


if __name__ == "__main__":
    main()
