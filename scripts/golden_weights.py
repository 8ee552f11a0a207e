#!/usr/bin/env python3
"""Weights trained by PyTorch and scikit-learn, and what numpy says of them against the exact fit.

`gapwatch replay --weights FILE` judges weights a user's own training produced against the exact
least-squares fit of a CSV, from its QR factor, with no data pass. This script produces such
weights the way users do -- torch.nn.Linear trained by a torch optimizer, sklearn's SGDRegressor
-- writes them as the weights files the README's one-liners write, and records what numpy computes
for them with the whole design matrix in memory. WeightsGoldenTest replays the same CSVs with
those files and holds gapwatch's figures to these.

Designs (header = feature names then the target; every number reads back to the same double):

  keras.csv, collinear121.csv   from `java -jar target/gapwatch.jar seeds --out SEEDS_DIR`
                                (x2 = x1 + 1, 5 rows; 121 collinear standardized features, 9,259 rows)
  grunfeld.csv, fair.csv        src/test/resources/datasets (statsmodels' data sets, raw columns)

All with an intercept. The training runs in float64 on one thread, from fixed seeds:

  torch    nn.Linear(d, 1), torch's default initialisation after torch.manual_seed(SEED), trained
           full-batch on nn.MSELoss() by the optimizer named, for the steps named
  sklearn  SGDRegressor(random_state=SEED, tol=None, max_iter=EPOCHS, ...) on the raw columns

The weights file of each case, <case>.json in OUT_DIR, is written exactly as the README says:

  torch:    {"name": ..., "intercept": model.bias.item(), "weights": model.weight.tolist()}  (1 x d)
  sklearn:  {"name": ..., "intercept": np.ravel(r.intercept_).tolist(), "weights": np.ravel(r.coef_).tolist()}
            (intercept_ is [b] for SGDRegressor, a float for LinearRegression: np.ravel takes both)

with json.dump, which writes repr() of each float (the shortest string that reads back to it).

The reference numbers, numpy with the design A = [1 X] in memory, theta = (b, w):

  theta*   the exact fit with scikit-learn's semantics: w* = lstsq(X - mean(X), y - mean(y)), the
           minimum-norm solution when X is rank-deficient, and b* = mean(y) - mean(X) w*
  mse      |y - A theta|^2 / n
  r2       1 - |y - A theta|^2 / |y - mean(y)|^2
  excess_mse   |A (theta - theta*)|^2 / n      (the cross term with the residual of theta* is 0)
  r2_gap   |A (theta - theta*)|^2 / |y - mean(y)|^2
  weight_gap   |theta - theta*|
  weight_gap_null   |N N' (theta - theta*)|, N the right singular vectors of A beyond its
           numerical rank; the rank is that of the column-scaled A (columns of unit norm) at the
           tolerance eps * max(n, p) * sigma_max, gapwatch's own rule
  weight_gap_identifiable   sqrt(weight_gap^2 - weight_gap_null^2)

Output: OUT_DIR/<case>.json and OUT_DIR/golden.csv, header

  case,design,mse,r2,r2_gap,excess_mse,weight_gap,weight_gap_identifiable,weight_gap_null

every number as repr(). On stdout one line per case with its excess MSE and the exact fit's MSE.

Usage: /usr/bin/python3 scripts/golden_weights.py SEEDS_DIR OUT_DIR
       (OUT_DIR is src/test/resources/golden/weights)
"""
import csv
import json
import os
import sys

import numpy as np
import torch
from sklearn.linear_model import SGDRegressor

SEED = 20260412
DATASETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "datasets")

# case -> (design, trainer, settings)
CASES = {
    "keras-torch-sgd": ("keras", "torch", {"optimizer": "sgd", "lr": 0.01, "steps": 50}),
    "keras-sklearn": ("keras", "sklearn", {"eta0": 0.01, "epochs": 20}),
    "collinear121-torch-adam": ("collinear121", "torch", {"optimizer": "adam", "lr": 1e-3, "steps": 300}),
    "collinear121-sklearn": ("collinear121", "sklearn", {"eta0": 0.01, "epochs": 5}),
    "fair-torch-adam": ("fair", "torch", {"optimizer": "adam", "lr": 0.01, "steps": 500}),
    "fair-sklearn": ("fair", "sklearn", {"eta0": 1e-4, "epochs": 5}),
}

HEADER = ["case", "design", "mse", "r2", "r2_gap", "excess_mse", "weight_gap", "weight_gap_identifiable",
          "weight_gap_null"]


def load(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [[float(v) for v in row] for row in reader]
    data = np.array(rows, dtype=np.float64)
    return header[:-1], data[:, :-1], data[:, -1]


def design_path(seeds, design):
    if design in ("keras", "collinear121"):
        return os.path.join(seeds, design + ".csv")
    return os.path.join(DATASETS, design + ".csv")


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


def train_sklearn(X, y, settings):
    r = SGDRegressor(random_state=SEED, tol=None, max_iter=settings["epochs"], eta0=settings["eta0"],
                     learning_rate="invscaling", penalty=None)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: stopping early is the point
        r.fit(X, y)
    # the README's one-liner: a one-element intercept list and a flat weights list
    return {"name": "sklearn", "intercept": np.ravel(r.intercept_).tolist(), "weights": np.ravel(r.coef_).tolist()}


def judge(X, y, weights):
    n, d = X.shape
    A = np.column_stack([np.ones(n), X])
    w = np.asarray(weights["weights"], dtype=np.float64).ravel()
    theta = np.concatenate([np.ravel(weights["intercept"]), w])
    xm = X.mean(axis=0)
    ym = y.mean()
    w_star = np.linalg.lstsq(X - xm, y - ym, rcond=None)[0]
    theta_star = np.concatenate([[ym - xm @ w_star], w_star])

    residual = y - A @ theta
    sse = residual @ residual
    tss = (y - ym) @ (y - ym)
    e = A @ (theta - theta_star)
    diff = theta - theta_star
    gap = np.linalg.norm(diff)

    scaled = A / np.linalg.norm(A, axis=0)
    s_scaled = np.linalg.svd(scaled, compute_uv=False)
    rank = int(np.sum(s_scaled > np.finfo(np.float64).eps * max(n, d + 1) * s_scaled[0]))
    _, _, vt = np.linalg.svd(A, full_matrices=True)
    null = vt[rank:]
    along_null = null.T @ (null @ diff) if len(null) else np.zeros_like(diff)
    gap_null = np.linalg.norm(along_null)
    return {
        "mse": sse / n,
        "r2": 1 - sse / tss,
        "r2_gap": (e @ e) / tss,
        "excess_mse": (e @ e) / n,
        "weight_gap": gap,
        "weight_gap_identifiable": np.sqrt(max(0.0, gap * gap - gap_null * gap_null)),
        "weight_gap_null": gap_null,
        "exact_mse": (y - A @ theta_star) @ (y - A @ theta_star) / n,
        "rank": rank,
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-2].strip())
    seeds, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rows = []
    for case, (design, trainer, settings) in CASES.items():
        _, X, y = load(design_path(seeds, design))
        weights = train_torch(X, y, settings) if trainer == "torch" else train_sklearn(X, y, settings)
        with open(os.path.join(out, case + ".json"), "w") as f:
            json.dump(weights, f)
            f.write("\n")
        figures = judge(X, y, weights)
        for key in HEADER[2:]:
            if not np.isfinite(figures[key]):
                sys.exit(f"{case}: {key} is {figures[key]}")
        rows.append([case, design] + [repr(float(figures[key])) for key in HEADER[2:]])
        print(f"{case}: rank {figures['rank']}, excess MSE {figures['excess_mse']:.6g} against the exact fit's "
              f"MSE {figures['exact_mse']:.6g}; weight gap {figures['weight_gap']:.6g} "
              f"({figures['weight_gap_null']:.3g} along null directions)")
    with open(os.path.join(out, "golden.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
