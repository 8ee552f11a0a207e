#!/usr/bin/env python3
"""Weights trained by PyTorch and scikit-learn, and what numpy says of them against the exact fit.

`gapwatch replay --weights FILE` judges weights a user's own training produced against the exact
least-squares fit of a CSV, from its QR factor, with no data pass. This script produces such
weights the way users do -- torch.nn.Linear trained by a torch optimizer, scikit-learn's
SGDRegressor and LinearRegression -- writes them as the weights files the README's one-liners
write, and records what numpy computes for them with the whole design matrix in memory.
ReplayWeightsGoldenTest replays the same CSVs with those files and holds gapwatch's figures to these.

Designs (header = feature names then the target; every number reads back to the same double):

  from `java -jar target/gapwatch.jar seeds --out SEEDS_DIR`:
    keras.csv          x2 = x1 + 1, y = 2 x1 + 1, 5 rows (rank 2 of 3)
    collinear121.csv   121 collinear standardized features, 9,259 rows
    ramp.csv           the shifted ramp, 1,500 rows x 100 features (rank 2 of 101)
    kernel600.csv      a 600 x 600 Gaussian kernel x 1000, fit WITHOUT an intercept (rank 346 of 600
                       by gapwatch's rule; its singular values have no gap at the cut-off)
  from src/test/resources/datasets (statsmodels' data sets as Debian ships them, raw columns):
    fair.csv, grunfeld.csv

The training runs in float64 on one thread, from fixed seeds:

  torch    nn.Linear(d, 1), torch's default initialisation after torch.manual_seed(SEED), trained
           full-batch on nn.MSELoss() by the optimizer named, for the steps named
  sklearn  SGDRegressor(random_state=SEED, tol=None, max_iter=EPOCHS, eta0=ETA0, learning_rate="invscaling",
           penalty=None) on the raw columns: no scaling, no Pipeline, so that the weights are in the
           CSV's units. On the ramp and kernel600 the default eta0 = 0.01 blows up, to |w| ~ 1e15 and
           4e13, still finite: the "-diverged" cases judge exactly such weights. Otherwise eta0 is the
           largest of 1e-2, 1e-4, ... that does not blow up -- 1e-12 on the ramp, 1e-8 on the kernel,
           where SGD plateaus far from the exact fit -- and 1e-8 for 20 epochs on grunfeld, whose
           columns run to thousands
  linreg   LinearRegression() (fit_intercept=False on kernel600): scikit-learn's own exact solution,
           scipy's lstsq with its cut-off eps * s_max -- on kernel600 that keeps rank 468, not 346,
           weights of norm 3,805 almost all along the directions gapwatch calls undetermined
  file     a weights file of examples/ as it is: keras-adam.json, the Keras question's Adam weights
           (b, w) = (0.15, 1.15, 0.85), which fit the Keras seed exactly

The weights file of each case, <case>.json in OUT_DIR, is written exactly as the README says:

  torch:    {"name": ..., "intercept": model.bias.item(), "weights": model.weight.tolist()}  (1 x d)
  sklearn:  {"name": ..., "intercept": np.ravel(r.intercept_).tolist(), "weights": np.ravel(r.coef_).tolist()}
            (intercept_ is [b] for SGDRegressor, a float for LinearRegression: np.ravel takes both;
            without an intercept it is 0.0 or [0.0], which gapwatch takes as none)
  file:     the example's own document, re-serialized

with json.dump, which writes repr() of each float (the shortest string that reads back to it).

The reference numbers, numpy with the design A = [1 X] (A = X without an intercept) in memory,
theta = (b, w) (theta = w):

  theta*   the exact fit with scikit-learn's semantics: w* the minimum-norm least-squares solution of
           (X - mean(X)) w = y - mean(y) and b* = mean(y) - mean(X) w*; without an intercept of X w = y.
           Its rank is gapwatch's (see min_norm): numpy's SVD of the column-scaled design, cut at
           eps * max(n, d) * max(s_max, 1). On every design but kernel600 that is plain
           lstsq(X - mean(X), y - mean(y)) to rounding (the script prints how far plain lstsq is)
  mse      |y - A theta|^2 / n
  r2       1 - |y - A theta|^2 / |y - mean(y)|^2      (mean(y) also without an intercept, as sklearn's r2_score)
  excess_mse   |A (theta - theta*)|^2 / n, as gapwatch defines it (mse - mse* when theta* minimizes
           exactly; on kernel600, cut at rank 346, LinearRegression's rank-468 weights have an MSE
           below theta*'s and still an excess)
  r2_gap   |A (theta - theta*)|^2 / |y - mean(y)|^2
  weight_gap   |theta - theta*|
  weight_gap_null   |N N' (theta - theta*)|, N an orthonormal basis of the null directions: with
           C = diag(column norms of A) and A C^-1 = U S V' (numpy's SVD), the span of C^-1 v_i for
           i >= rank, the numerical rank of A C^-1 at the tolerance eps * max(n, p) * s_max --
           gapwatch's own rule (ConditioningAnalysis)
  weight_gap_identifiable   |(I - N N') (theta - theta*)|
  target_var   |y - mean(y)|^2 / n, the scale the test's absolute floors are relative to
  theta_star_norm   |theta*|, the scale of the floor on the weight gap when it is ~0
  theta_star_spread   |theta* - theta*'|, theta*' the same minimum-norm solution by numpy's lstsq
           (gelsd) at the same cut-off: how well the design determines theta* at all (~1e-15 |theta*|,
           but 1.6 of 148 on kernel600), the test's floor on the weight gap and its split
  rank     the numerical rank of A C^-1 above

Output: OUT_DIR/<case>.json and OUT_DIR/golden.csv, header

  case,design,mse,r2,r2_gap,excess_mse,weight_gap,weight_gap_identifiable,weight_gap_null,target_var,
  theta_star_norm,theta_star_spread,rank

every number as repr() (rank an integer). On stdout one line per case with its excess MSE and the
exact fit's MSE.

Usage: /usr/bin/python3 scripts/golden_weights.py SEEDS_DIR OUT_DIR
       (OUT_DIR is src/test/resources/golden/weights; ramp.csv and kernel600.csv are not committed:
       the test writes them from SeedDesigns, as `gapwatch seeds` does)
"""
import csv
import json
import os
import sys
import warnings

import numpy as np
import torch
from sklearn.linear_model import LinearRegression, SGDRegressor

SEED = 20260412
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATASETS = os.path.join(ROOT, "src", "test", "resources", "datasets")
EXAMPLES = os.path.join(ROOT, "examples")

# design -> (where its CSV is, whether its exact fit has an intercept)
DESIGNS = {
    "keras": ("seeds", True),
    "collinear121": ("seeds", True),
    "ramp": ("seeds", True),
    "kernel600": ("seeds", False),
    "fair": ("datasets", True),
    "grunfeld": ("datasets", True),
}

# case -> (design, trainer, settings); the first six are the original cases, unchanged
CASES = {
    "keras-torch-sgd": ("keras", "torch", {"optimizer": "sgd", "lr": 0.01, "steps": 50}),
    "keras-sklearn": ("keras", "sklearn", {"eta0": 0.01, "epochs": 20}),
    "collinear121-torch-adam": ("collinear121", "torch", {"optimizer": "adam", "lr": 1e-3, "steps": 300}),
    "collinear121-sklearn": ("collinear121", "sklearn", {"eta0": 0.01, "epochs": 5}),
    "fair-torch-adam": ("fair", "torch", {"optimizer": "adam", "lr": 0.01, "steps": 500}),
    "fair-sklearn": ("fair", "sklearn", {"eta0": 1e-4, "epochs": 5}),
    "keras-linreg": ("keras", "linreg", {}),
    "keras-adam": ("keras", "file", {"file": "keras-adam.json"}),
    "collinear121-linreg": ("collinear121", "linreg", {}),
    "ramp-linreg": ("ramp", "linreg", {}),
    "ramp-sklearn": ("ramp", "sklearn", {"eta0": 1e-12, "epochs": 5}),
    "ramp-sklearn-diverged": ("ramp", "sklearn", {"eta0": 0.01, "epochs": 5}),
    "kernel600-linreg": ("kernel600", "linreg", {}),
    "kernel600-sklearn": ("kernel600", "sklearn", {"eta0": 1e-8, "epochs": 5}),
    "kernel600-sklearn-diverged": ("kernel600", "sklearn", {"eta0": 0.01, "epochs": 5}),
    "fair-linreg": ("fair", "linreg", {}),
    "grunfeld-linreg": ("grunfeld", "linreg", {}),
    "grunfeld-sklearn": ("grunfeld", "sklearn", {"eta0": 1e-8, "epochs": 20}),
}

HEADER = ["case", "design", "mse", "r2", "r2_gap", "excess_mse", "weight_gap", "weight_gap_identifiable",
          "weight_gap_null", "target_var", "theta_star_norm", "theta_star_spread", "rank"]


def load(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [[float(v) for v in row] for row in reader]
    data = np.array(rows, dtype=np.float64)
    return header[:-1], data[:, :-1], data[:, -1]


def design_path(seeds, design):
    where, _ = DESIGNS[design]
    return os.path.join(seeds if where == "seeds" else DATASETS, design + ".csv")


def train_torch(X, y, settings):
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    model = torch.nn.Linear(X.shape[1], 1)
    if settings["optimizer"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=settings["lr"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    Xt = torch.tensor(X)
    yt = torch.tensor(y).reshape(-1, 1)
    loss = torch.nn.MSELoss()
    for _ in range(settings["steps"]):
        opt.zero_grad()
        loss(model(Xt), yt).backward()
        opt.step()
    # the README's one-liner: bias.item() and weight.tolist(), a 1 x d list of lists
    return {"name": "torch", "intercept": model.bias.item(), "weights": model.weight.tolist()}


def sklearn_weights(name, r):
    # the README's one-liner: np.ravel takes SGDRegressor's [b] and LinearRegression's float b alike
    return {"name": name, "intercept": np.ravel(r.intercept_).tolist(), "weights": np.ravel(r.coef_).tolist()}


def train_sklearn(X, y, settings, intercept):
    r = SGDRegressor(random_state=SEED, tol=None, max_iter=settings["epochs"], eta0=settings["eta0"],
                     learning_rate="invscaling", penalty=None, fit_intercept=intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: stopping early is the point; overflow on the diverged
        r.fit(X, y)
    return sklearn_weights("sklearn", r)


def train_linreg(X, y, intercept):
    return sklearn_weights("linreg", LinearRegression(fit_intercept=intercept).fit(X, y))


def example(settings):
    with open(os.path.join(EXAMPLES, settings["file"])) as f:
        return json.load(f)


def train(design, trainer, settings, X, y):
    intercept = DESIGNS[design][1]
    if trainer == "torch":
        if not intercept:
            raise ValueError("torch cases train nn.Linear with a bias: not on a design without an intercept")
        return train_torch(X, y, settings)
    if trainer == "sklearn":
        return train_sklearn(X, y, settings, intercept)
    if trainer == "linreg":
        return train_linreg(X, y, intercept)
    return example(settings)


EPS = np.finfo(np.float64).eps


def min_norm(Xc, yc, norms):
    """The minimum-norm least-squares solution of Xc w = yc by gapwatch's rank rule (MinimumNormSolver).

    Rank is decided on Xc C^-1, C = norms (the column norms of the design A itself, not of the
    centred Xc), at eps * max(n, d) * max(s_max, 1). With numpy's SVD of Xc C^-1 = U S V' and that
    rank k, the particular solution C^-1 sum_{i<k} v_i (u_i' yc) / s_i, whose null directions
    C^-1 v_i (i >= k) are then projected out in the original units.

    Returns that solution and a second route to the same one, numpy's lstsq (LAPACK gelsd) on
    Xc C^-1 at the same cut-off: how far the two are apart is how well the design determines w*.
    With a clear gap in the singular values (all designs but kernel600) both are lstsq(Xc, yc) to
    rounding. On kernel600 the scaled singular values fall smoothly through the cut-off, the last
    kept 0.3% above it: w* takes its norm from directions at s ~ 1e-13 s_max, which rounding
    moves, and the two routes differ by ~1e-2 of |w*| (plain lstsq, at numpy's raw cut-off, keeps
    rank 345 instead of 346: a different w*, 0.23 of |w*| away).
    """
    n, q = Xc.shape
    S = Xc / norms
    u, s, vt = np.linalg.svd(S, full_matrices=False)
    cut = EPS * max(n, q) * max(s[0], 1.0)
    rank = int(np.sum(s > cut))
    by_svd = (vt[:rank].T @ ((u[:, :rank].T @ yc) / s[:rank])) / norms
    by_lstsq = np.linalg.lstsq(S, yc, rcond=cut / s[0])[0] / norms
    if rank < q:
        null, _ = np.linalg.qr((vt[rank:] / norms).T)
        by_svd = by_svd - null @ (null.T @ by_svd)
        by_lstsq = by_lstsq - null @ (null.T @ by_lstsq)
    return by_svd, by_lstsq


def judge(X, y, weights, intercept):
    n, d = X.shape
    w = np.asarray(weights["weights"], dtype=np.float64).ravel()
    b = np.ravel(weights.get("intercept") if weights.get("intercept") is not None else [0.0])
    ym = y.mean()
    if intercept:
        A = np.column_stack([np.ones(n), X])
        theta = np.concatenate([b, w])
        xm = X.mean(axis=0)
        w_star, w_other = min_norm(X - xm, y - ym, np.linalg.norm(X, axis=0))
        plain = np.linalg.lstsq(X - xm, y - ym, rcond=None)[0]
        theta_star = np.concatenate([[ym - xm @ w_star], w_star])
        theta_other = np.concatenate([[ym - xm @ w_other], w_other])
    else:
        if b.size and b[0] != 0.0:
            raise ValueError("an intercept for a design fit without one")
        A = X
        theta = w
        theta_star, theta_other = min_norm(X, y, np.linalg.norm(X, axis=0))
        w_star = theta_star
        plain = np.linalg.lstsq(X, y, rcond=None)[0]
    p = A.shape[1]

    residual = y - A @ theta
    sse = residual @ residual
    tss = (y - ym) @ (y - ym)
    e = A @ (theta - theta_star)
    diff = theta - theta_star
    gap = np.linalg.norm(diff)

    # null directions as gapwatch takes them: the scaled design's right singular vectors beyond its
    # numerical rank, back in the original units (C^-1 v), orthonormalized
    norms = np.linalg.norm(A, axis=0)
    _, s_scaled, vt = np.linalg.svd(A / norms, full_matrices=False)
    rank = int(np.sum(s_scaled > np.finfo(np.float64).eps * max(n, p) * s_scaled[0]))
    if rank < p:
        null, _ = np.linalg.qr((vt[rank:] / norms).T)
        along_null = null @ (null.T @ diff)
    else:
        along_null = np.zeros_like(diff)
    gap_null = np.linalg.norm(along_null)
    return {
        "mse": sse / n,
        "r2": 1 - sse / tss,
        "r2_gap": (e @ e) / tss,
        "excess_mse": (e @ e) / n,
        "weight_gap": gap,
        "weight_gap_identifiable": np.linalg.norm(diff - along_null),
        "weight_gap_null": gap_null,
        "target_var": tss / n,
        "exact_mse": (y - A @ theta_star) @ (y - A @ theta_star) / n,
        "rank": rank,
        "theta_star_norm": np.linalg.norm(theta_star),
        "theta_star_spread": np.linalg.norm(theta_star - theta_other),
        "plain_lstsq": np.linalg.norm(plain - w_star) / np.linalg.norm(w_star),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-3].strip())
    seeds, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rows = []
    loaded = {}
    for case, (design, trainer, settings) in CASES.items():
        if design not in loaded:
            loaded[design] = load(design_path(seeds, design))
        _, X, y = loaded[design]
        weights = train(design, trainer, settings, X, y)
        for v in np.concatenate([np.ravel(weights["intercept"] or [0.0]), np.ravel(weights["weights"])]):
            if not np.isfinite(v):
                sys.exit(f"{case}: non-finite weights: pick a smaller eta0")
        with open(os.path.join(out, case + ".json"), "w") as f:
            json.dump(weights, f)
            f.write("\n")
        figures = judge(X, y, weights, DESIGNS[design][1])
        for key in HEADER[2:]:
            if not np.isfinite(figures[key]):
                sys.exit(f"{case}: {key} is {figures[key]}")
        rows.append([case, design] + [repr(float(figures[key])) for key in HEADER[2:-1]] + [str(figures["rank"])])
        print(f"{case}: rank {figures['rank']}, excess MSE {figures['excess_mse']:.6g} against the exact fit's "
              f"MSE {figures['exact_mse']:.6g}; weight gap {figures['weight_gap']:.6g} "
              f"({figures['weight_gap_null']:.3g} along null directions); |theta*| {figures['theta_star_norm']:.6g}, "
              f"gelsd's {figures['theta_star_spread']:.2g} from it, plain lstsq's weights {figures['plain_lstsq']:.2g} "
              f"relative")
    with open(os.path.join(out, "golden.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
