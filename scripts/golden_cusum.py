#!/usr/bin/env python3
"""statsmodels' structural-break tests (RecursiveLS: CUSUM and CUSUM of squares) on public data, for StructuralBreaksTest.

gapwatch computes the CUSUM and CUSUM-of-squares tests of Brown, Durbin & Evans (1975) from the
recursive residuals its streaming QR factor leaves, in bounded memory. statsmodels' RecursiveLS
computes the same tests from a Kalman filter over the whole sample. This script records what
statsmodels says, per data set:

  nile         volume ~ 1                          statsmodels' Nile (100 years, 1871-1970); known
                                                   break in 1898, record 28 (Cobb 1978)
  longley      y ~ 1 + x1 .. x6                    NIST StRD Longley (src/test/resources/strd), 16 rows
  macro_rates  tbilrate ~ 1 + infl + unemp         statsmodels' macrodata, 203 quarters 1959q1-2009q3
  macro_growth consumption growth ~ 1 + GDP growth macrodata, 202 quarters; growth = 400*diff(log)

Provenance: Nile and macrodata are loaded with statsmodels.api.datasets.<name>.load_pandas() (statsmodels
0.13.5); both modules' COPYRIGHT string reads "This is public domain." Nile: Cobb, G. W. (1978), "The Problem
of the Nile: Conditional Solution to a Changepoint Problem", Biometrika 65(2), 243-51. macrodata: FRED
(Federal Reserve Bank of St. Louis) and the Bureau of Labor Statistics, compiled by Skipper Seabold.

Longley: statsmodels' exact diffuse filter never leaves its diffuse phase on the raw Longley design
(GNP near 5e5, years near 1950: nobs_diffuse comes out as 16 of 16 and every test is empty). The
recursive residuals do not change under an invertible linear map of the columns, X -> X A, so
statsmodels is given the design with its columns (other than the intercept) centred and scaled by
constants: the same residuals in exact arithmetic. gapwatch streams the raw design.

Every set's recursive residuals are also computed exactly ("w_exact"): each double is a
fractions.Fraction, and for every t the OLS fit of rows 1..t-1 and the leverage x_t'(X'X)^-1 x_t are
solved in rational arithmetic; w_t = e_t / sqrt(1 + leverage) is rounded only at the end. It shows
which of the two float computations is closer to the truth.

Writes to src/test/resources/golden/:

  cusum_<set>.csv    record,y,x1..xk,w,w_exact,cusum,cusum_squares: one row per record (1-based);
                     y and x as repr() of the doubles gapwatch reads; w = statsmodels'
                     resid_recursive, cusum / cusum_squares its paths (NaN for the first d records)
  cusum_summary.csv  set,quantity,value: statsmodels' final-sample numbers:
      d, m                          records dropped (max(nobs_diffuse, loglikelihood_burn)) and residuals
      cusum_last                    cusum[-1]
      cusum_lower_d, cusum_upper_d, cusum_lower_n, cusum_upper_n
                                    _cusum_significance_bounds(alpha=0.05, ddof=0) at its default points [d, nobs]
      squares_lower_d, squares_upper_d, squares_lower_n, squares_upper_n
                                    _cusum_squares_significance_bounds(alpha=0.05) at [d, nobs]
      cusum_exceeds, squares_exceeds
                                    1 if the path leaves the bounds at some record t = d+1..n, the bounds
                                    evaluated by statsmodels at points = t (record counts, as its bounds
                                    function takes them: its endpoints are d and nobs)
      cusum_excess                  max_t (|cusum_t| - upper_t)
      squares_deviation             max_t |cusum_squares_t - (t - d)/m|
      cusum_break_record, squares_break_record
                                    argmax_t |S_t - (t-d) S_n/m| (S the cumulative sum of w) and the same for
                                    the cumulative sum of w^2: where the path bends most
      cusum_first_reject, squares_first_reject
                                    the first n (>= d + 10) at which statsmodels, fitted to records 1..n
                                    only, says the test over records 1..n rejects; 0 if none

  /usr/bin/python3 scripts/golden_cusum.py          (from the repository root; needs numpy, pandas, statsmodels)
"""
import csv
import math
import os
import sys
import warnings
from fractions import Fraction

import numpy as np
import statsmodels
import statsmodels.api as sm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "golden")
STRD = os.path.join(ROOT, "src", "test", "resources", "strd")
ALPHA = 0.05
MIN_RESIDUALS = 30  # gapwatch judges the tests from 30 residuals on (StructuralBreaks.MIN_RESIDUALS)


def nile():
    data = sm.datasets.nile.load_pandas().data
    y = data["volume"].to_numpy(dtype=float)
    return y, np.ones((len(y), 1)), ["(intercept)"]


def longley():
    rows, data = [], False
    with open(os.path.join(STRD, "Longley.dat"), encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if data and parts:
                rows.append([float(v) for v in parts])
            elif parts and parts[0] == "data":
                data = True
    rows = np.array(rows)
    x = rows[:, 1:]
    return rows[:, 0], np.column_stack([np.ones(len(rows)), x]), ["(intercept)"] + ["x%d" % (j + 1) for j in range(x.shape[1])]


def macro_rates():
    d = sm.datasets.macrodata.load_pandas().data
    return (d["tbilrate"].to_numpy(dtype=float),
            np.column_stack([np.ones(len(d)), d["infl"].to_numpy(dtype=float), d["unemp"].to_numpy(dtype=float)]),
            ["(intercept)", "infl", "unemp"])


def macro_growth():
    d = sm.datasets.macrodata.load_pandas().data
    growth = np.diff(np.log(d[["realcons", "realgdp"]].to_numpy(dtype=float)), axis=0) * 400
    return growth[:, 0], np.column_stack([np.ones(len(growth)), growth[:, 1]]), ["(intercept)", "realgdp_growth"]


SETS = {"nile": nile, "longley": longley, "macro_rates": macro_rates, "macro_growth": macro_growth}
# statsmodels cannot leave its diffuse phase on these raw designs; it is given centred, scaled columns instead
STANDARDIZE = {"longley"}


def fit(y, x, standardize):
    if standardize:
        centre = x[:, 1:].mean(axis=0)
        scale = x[:, 1:].std(axis=0)
        x = np.column_stack([x[:, :1], (x[:, 1:] - centre) / scale])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.RecursiveLS(y, x).fit()


def burn(res):
    return max(res.nobs_diffuse, res.loglikelihood_burn)


def decisions(res):
    """statsmodels' bounds at every record t = d+1..n and whether each path leaves them."""
    d, n = burn(res), res.nobs
    t = np.arange(d + 1, n + 1)
    _, upper = res._cusum_significance_bounds(alpha=ALPHA, ddof=0, points=t)
    lower_sq, upper_sq = res._cusum_squares_significance_bounds(alpha=ALPHA, points=t)
    cusum, squares = np.asarray(res.cusum), np.asarray(res.cusum_squares)
    return (bool(np.any(np.abs(cusum) > upper)), bool(np.any((squares > upper_sq) | (squares < lower_sq))),
            float(np.max(np.abs(cusum) - upper)), float(np.max(np.abs(squares - (t - d) / (n - d)))))


def bend(values, d):
    """argmax_t |P_t - tau_t P_n/m| + d: the record where the cumulative path lies farthest from its chord."""
    path = np.cumsum(values)
    m = len(path)
    tau = np.arange(1, m + 1)
    return int(np.argmax(np.abs(path - tau * path[-1] / m))) + d + 1


def first_rejects(y, x, standardize):
    """The first n at which statsmodels, fitted to records 1..n, rejects; judged from MIN_RESIDUALS residuals."""
    cusum_first = squares_first = 0
    for n in range(x.shape[1] + MIN_RESIDUALS, len(y) + 1):
        res = fit(y[:n], x[:n], standardize)
        if res.nobs - burn(res) < MIN_RESIDUALS:
            continue
        c, s, _, _ = decisions(res)
        if c and not cusum_first:
            cusum_first = n
        if s and not squares_first:
            squares_first = n
        if cusum_first and squares_first:
            break
    return cusum_first, squares_first


def exact_residuals(y, x):
    """w_t for t = k+1..n in rational arithmetic, rounded once; NaN where rows 1..t-1 do not determine the fit."""
    n, k = x.shape
    X = [[Fraction(float(v)) for v in row] for row in x]
    Y = [Fraction(float(v)) for v in y]
    xtx = [[Fraction(0)] * k for _ in range(k)]
    xty = [Fraction(0)] * k
    out = [math.nan] * n
    for t in range(n):
        if t >= k:
            solved = solve(xtx, [xty[:], X[t][:]])
            if solved is not None:
                beta, z = solved
                e = Y[t] - sum(X[t][i] * beta[i] for i in range(k))
                leverage = sum(X[t][i] * z[i] for i in range(k))
                out[t] = float(e) / math.sqrt(float(1 + leverage))  # float(Fraction) is correctly rounded
        for a in range(k):
            xty[a] += X[t][a] * Y[t]
            for b in range(k):
                xtx[a][b] += X[t][a] * X[t][b]
    return out


def solve(a, rights):
    """Gauss-Jordan in Fractions: a^-1 r for each right-hand side r; None if a is singular."""
    k = len(a)
    m = [a[i][:] + [r[i] for r in rights] for i in range(k)]
    for c in range(k):
        pivot = next((r for r in range(c, k) if m[r][c] != 0), None)
        if pivot is None:
            return None
        m[c], m[pivot] = m[pivot], m[c]
        for r in range(k):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [m[r][j] - f * m[c][j] for j in range(len(m[r]))]
    return [[m[i][k + s] / m[i][i] for i in range(k)] for s in range(len(rights))]


def text(v):
    """repr() of a double, NaN spelled as Java reads it."""
    return "NaN" if math.isnan(v) else repr(float(v))


def main():
    os.makedirs(OUT, exist_ok=True)
    summary = []
    for name, load in SETS.items():
        y, x, names = load()
        standardize = name in STANDARDIZE
        res = fit(y, x, standardize)
        d, n = burn(res), res.nobs
        m = n - d
        w = np.asarray(res.resid_recursive)
        exact = exact_residuals(y, x)
        cusum = [math.nan] * d + list(res.cusum)
        squares = [math.nan] * d + list(res.cusum_squares)
        with open(os.path.join(OUT, "cusum_%s.csv" % name), "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(["record", "y"] + names[1:] + ["w", "w_exact", "cusum", "cusum_squares"])
            for t in range(n):
                out.writerow([t + 1, repr(float(y[t]))] + [repr(float(v)) for v in x[t, 1:]]
                             + [text(w[t]) if t >= d else "NaN", text(exact[t]) if t >= d else "NaN",
                                text(cusum[t]), text(squares[t])])
        lower, upper = res._cusum_significance_bounds(alpha=ALPHA, ddof=0)
        lower_sq, upper_sq = res._cusum_squares_significance_bounds(alpha=ALPHA)
        cusum_exceeds, squares_exceeds, excess, deviation = decisions(res)
        cusum_first, squares_first = first_rejects(y, x, standardize)
        rows = {
            "d": d, "m": m, "cusum_last": float(res.cusum[-1]),
            "cusum_lower_d": lower[0], "cusum_upper_d": upper[0], "cusum_lower_n": lower[1], "cusum_upper_n": upper[1],
            "squares_lower_d": lower_sq[0], "squares_upper_d": upper_sq[0],
            "squares_lower_n": lower_sq[1], "squares_upper_n": upper_sq[1],
            "cusum_exceeds": int(cusum_exceeds), "squares_exceeds": int(squares_exceeds),
            "cusum_excess": excess, "squares_deviation": deviation,
            "cusum_break_record": bend(w[d:], d), "squares_break_record": bend(w[d:] ** 2, d),
            "cusum_first_reject": cusum_first, "squares_first_reject": squares_first,
        }
        for quantity, value in rows.items():
            summary.append([name, quantity, repr(float(value)) if isinstance(value, float) else str(value)])
        gap = max(abs(a - b) / abs(b) for a, b in zip(w[d:], exact[d:]))
        print("%-13s n %3d d %d m %3d  cusum %s (first %s, bend %s)  squares %s (first %s)  statsmodels vs exact w: %.1e"
              % (name, n, d, m, cusum_exceeds, cusum_first, rows["cusum_break_record"], squares_exceeds, squares_first, gap))
    with open(os.path.join(OUT, "cusum_summary.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["set", "quantity", "value"])
        out.writerows(summary)
    print("statsmodels", statsmodels.__version__, "numpy", np.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
