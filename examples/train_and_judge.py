#!/usr/bin/env python3
"""A training loop that asks a running gapwatch how far it is from the exact least-squares fit.

Plain full-batch gradient descent on a linear model (numpy only), the mean half-squared loss
(1/2n)|y - A theta|^2 with A = [1 X] and theta = (b, w). Every N steps it posts its weights to
POST /models/ID/evaluate of a running processor that has learned the same records, prints the
gap gapwatch reports -- excess MSE, R^2 gap, weight gap -- and checks the excess MSE against
numpy's own computation with the whole design in memory:

    theta*   = the exact fit, scikit-learn's semantics: w* = lstsq(X - mean X, y - mean y), b* = mean y - mean(X) w*
    excess   = |A (theta - theta*)|^2 / n

gapwatch computes the same number from its streaming QR factor, with no data pass; the two must
agree to --tolerance (relative), or the script exits 1.

  1. the data: your CSV (header row, the target column named by --target, every other column a
     feature: a seed design from `java -jar target/gapwatch.jar seeds --out seeds`, say), or the small
     ill-conditioned design this script writes with --write-design FILE;
  2. into a processor: java -jar target/gapwatch.jar produce --csv FILE --target y --model gd
  3. train and ask:   python3 examples/train_and_judge.py --csv FILE --target y --model gd

Before training it waits until the model has learned every row of the file (GET /models/ID): the
exact fit must be that of the same records. The learning rate defaults to 1/lambda_max of the
mean-loss Hessian A'A/n, half the largest stable one.

With --report OUT.jsonl it also writes one JSON line per check: step, gapwatch's excess MSE, R^2
gap, weight gap and its part along null directions, numpy's excess MSE, and their relative
difference.
"""
import argparse
import csv
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np


def write_design(path, rows=400, seed=7):
    """400 rows of five features on different scales, two nearly collinear: an ill-conditioned design."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=rows)
    x2 = x1 + 0.05 * rng.normal(size=rows)           # nearly x1
    x3 = 10.0 + rng.normal(size=rows)                # far from zero: couples with the intercept
    x4 = 0.1 * rng.normal(size=rows)                 # small scale
    x5 = rng.normal(size=rows)
    y = 1.0 + 2.0 * x1 - x2 + 0.5 * x3 + 3.0 * x4 - 0.7 * x5 + 0.1 * rng.normal(size=rows)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["x1", "x2", "x3", "x4", "x5", "y"])
        for row in zip(x1, x2, x3, x4, x5, y):
            writer.writerow([repr(float(v)) for v in row])   # repr: reads back to the same double


def load(path, target):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if target not in header:
            sys.exit(f"{path}: no column '{target}' (columns: {', '.join(header)})")
        t = header.index(target)
        data = np.array([[float(v) for v in row] for row in reader], dtype=np.float64)
    X = np.delete(data, t, axis=1)
    return X, data[:, t]


def request(url, body=None):
    """GET (body None) or POST a JSON body; the decoded JSON answer, or exit with gapwatch's one-line error."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        try:
            message = json.load(e).get("error", "")
        except ValueError:
            message = ""
        raise SystemExit(f"{url}: HTTP {e.code}: {message}")


def await_records(base, model, rows, timeout):
    """Waits until the model has learned `rows` records: the exact fit must be over the same data."""
    url = f"{base}/models/{urllib.parse.quote(model, safe='')}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                records = json.load(response)["records"]
            if records == rows:
                return
            if records > rows:
                raise SystemExit(f"model '{model}' has learned {records} records, the file has {rows}: "
                                 "produce the file to a fresh model id")
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise SystemExit(f"{url}: HTTP {e.code}")
        except urllib.error.URLError as e:
            raise SystemExit(f"{url}: {e.reason} (is `java -jar target/gapwatch.jar run` running?)")
        if time.monotonic() > deadline:
            raise SystemExit(f"model '{model}' did not reach {rows} records within {timeout} s")
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--write-design", metavar="FILE", help="write the built-in ill-conditioned design as CSV and exit")
    parser.add_argument("--csv", metavar="FILE", help="the records the processor learned (header row)")
    parser.add_argument("--target", default="y", help="target column (default: y)")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the processor's HTTP API (default: %(default)s)")
    parser.add_argument("--model", default="gd", help="model id the file was produced to (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=2000, help="gradient steps (default: %(default)s)")
    parser.add_argument("--every", type=int, default=200, help="steps between evaluations (default: %(default)s)")
    parser.add_argument("--lr", type=float, help="learning rate (default: 1/lambda_max of A'A/n)")
    parser.add_argument("--tolerance", type=float, default=1e-9,
                        help="largest relative difference allowed between gapwatch's and numpy's excess MSE (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for the model's records (default: %(default)s)")
    parser.add_argument("--report", metavar="OUT.jsonl", help="also write one JSON line per evaluation")
    args = parser.parse_args()

    if args.write_design:
        write_design(args.write_design)
        return
    if not args.csv:
        parser.error("--csv FILE is required (or --write-design FILE)")

    X, y = load(args.csv, args.target)
    n, d = X.shape
    A = np.column_stack([np.ones(n), X])
    base = args.url.rstrip("/")
    await_records(base, args.model, n, args.timeout)

    # numpy's own exact fit and the Hessian of the mean half-squared loss, A'A/n
    xm, ym = X.mean(axis=0), y.mean()
    w_star = np.linalg.lstsq(X - xm, y - ym, rcond=None)[0]
    theta_star = np.concatenate([[ym - xm @ w_star], w_star])
    hessian = A.T @ A / n
    eigenvalues = np.linalg.eigvalsh(hessian)
    lr = args.lr if args.lr is not None else 1.0 / eigenvalues[-1]
    print(f"{args.csv}: {n} records, {d} features; Hessian eigenvalues {eigenvalues[0]:.3g} … {eigenvalues[-1]:.3g} "
          f"(condition number {eigenvalues[-1] / eigenvalues[0]:.3g}); gradient descent at lr = {lr:.3g}")
    print(f"{'step':>6}  {'excess MSE (gapwatch)':>22}  {'excess MSE (numpy)':>22}  {'rel. diff':>9}  "
          f"{'R² gap':>10}  {'weight gap':>10}  findings")

    evaluate = f"{base}/models/{urllib.parse.quote(args.model, safe='')}/evaluate"
    theta = np.zeros(d + 1)
    report = open(args.report, "w") if args.report else None
    worst = 0.0
    first = last = None
    for step in range(args.steps + 1):
        if step % args.every == 0:
            judged = request(evaluate, {"name": "gd", "intercept": float(theta[0]), "weights": theta[1:].tolist()})
            gap = judged["gap"]
            e = A @ (theta - theta_star)
            numpy_excess = float(e @ e / n)
            difference = abs(gap["excess_mse"] - numpy_excess) / numpy_excess
            worst = max(worst, difference)
            first = gap["excess_mse"] if first is None else first
            last = gap["excess_mse"]
            codes = ",".join(f["code"] for f in judged["findings"])
            print(f"{step:>6}  {gap['excess_mse']:>22.15e}  {numpy_excess:>22.15e}  {difference:>9.1e}  "
                  f"{gap['r2_gap']:>10.3e}  {gap['weight_gap']:>10.3e}  {codes}")
            if report:
                report.write(json.dumps({"step": step, "excess_mse": gap["excess_mse"], "r2_gap": gap["r2_gap"],
                                         "weight_gap": gap["weight_gap"], "weight_gap_null": gap["weight_gap_null"],
                                         "numpy_excess_mse": numpy_excess, "relative_difference": difference,
                                         "records": judged["records"], "findings": codes}) + "\n")
        if step < args.steps:
            # θ ← θ − lr ∇,  ∇ = A'(Aθ − y)/n
            theta -= lr * (A.T @ (A @ theta - y)) / n
    if report:
        report.close()
    print(f"excess MSE fell from {first:.6g} to {last:.6g}; gapwatch and numpy agree to {worst:.1e} relative at worst")
    if worst > args.tolerance:
        raise SystemExit(f"gapwatch's and numpy's excess MSE differ by {worst:.1e} relative, more than {args.tolerance:g}")


if __name__ == "__main__":
    main()
