#!/usr/bin/env python3
"""Golden PyTorch trajectories for gapwatch's framework presets, on the seed designs.

A preset promises "this learner behaves like torch.optim.X with torch's defaults". This script
records what PyTorch 1.13 itself does, so the Java presets can be held to it: a linear model
nn.Linear(d, 1) (nn.Linear(d, 1, bias=False) for kernel600), started from torch's own default
initialisation, trained with nn.MSELoss() (mean over the batch) and one torch optimizer, the
parameters read back at a few checkpoint steps.

Everything runs in float64 (torch.set_default_dtype) on one thread (torch.set_num_threads(1)).
The designs are the CSV files written by `java -jar target/gapwatch.jar seeds --out DIR`:

  keras.csv          5 x 2      intercept   batch 5     (full batch)
  ramp.csv        1500 x 100    intercept   batch 1500  (full-batch gradient descent)
  kernel600.csv    600 x 600    no intercept batch 600  (full batch)
  collinear121.csv 9259 x 121   intercept   batch 1     (one record a step; first 2000 rows only)

header = feature names then y; every number is Java's Double.toString, which float() reads back
to the same double. Records are used in file order, never shuffled: step k (k = 1, 2, ...) takes
the B consecutive rows starting at row ((k - 1) * B) mod n, so steps beyond n / B are further
passes (epochs) in the same order. Each step is exactly

    opt.zero_grad(); nn.MSELoss()(model(X_batch), y_batch).backward(); opt.step()

with y_batch shaped (B, 1) like the output (no broadcasting), so the gradient is
(2 / B) * sum_i (y_hat_i - y_i) x_i, the intercept's with x_i = 1.

The start: torch.manual_seed(SEED) and then the nn.Linear constructor, once per case, so every case
on a design starts from the same theta_0: weight ~ U(-b_w, b_w) from kaiming_uniform_(a=sqrt(5)),
b_w = sqrt(3) * (gain / sqrt(d)), gain = sqrt(2 / (1 + sqrt(5)**2)) (1/sqrt(d) up to
rounding: 1 ulp below it for these d), then the bias
~ U(-1/sqrt(d), 1/sqrt(d)). theta_0 is written as step 0, so a reader needs no torch RNG.

The optimizers are torch's with torch's defaults except lr (and momentum / nesterov for SGD):

  sgd       SGD(lr)                                  p -= lr g
  momentum  SGD(lr, momentum=0.9)                    b = g (step 1), b = mu b + g; p -= lr b
  nesterov  SGD(lr, momentum=0.9, nesterov=True)     b as above;  p -= lr (g + mu b)
  adam      Adam(lr), betas (0.9, 0.999), eps 1e-8   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g g
                                                     p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
  rmsprop   RMSprop(lr), alpha 0.99, eps 1e-8        v = a v + (1-a) g g;  p -= lr g / (sqrt(v) + eps)
  adagrad   Adagrad(lr), eps 1e-10, lr_decay 0,      s += g g;  p -= lr g / (sqrt(s) + eps)
            initial_accumulator_value 0

dampening 0 and weight_decay 0 throughout. The learning rates are chosen stable for each design:
full-batch gradient descent converges for lr < 2 / lambda_max of the loss Hessian (2/n) X'X (with
the column of ones when there is an intercept), which is about 3.4e-2 for keras, 1.3e-12 for ramp
and 7.4e-9 for kernel600; heavy-ball momentum 0.9 allows 1.9 times that, Nesterov only 1.9 / 2.8
times. For collinear121 one record a step needs lr < 1 / max_i |x_i|^2, about 2.7e-3.

Output (overwritten): a plain CSV, one line per (case, checkpoint), header

  case,design,optimizer,lr,batch,intercept,momentum,nesterov,beta1,beta2,eps,step,theta

  case       name of the case, e.g. keras-adam
  design     file name without .csv
  optimizer  sgd | momentum | nesterov | adam | rmsprop | adagrad
  lr         learning rate
  batch      B, rows per step
  intercept  true | false  (whether theta starts with the intercept)
  momentum   mu of SGD (0.0 when none)
  nesterov   true | false
  beta1      Adam's beta1; 0.0 for the others
  beta2      Adam's beta2; RMSprop's alpha; 0.0 for the others
  eps        the eps the optimizer used (0.0 for SGD, which has none)
  step       optimizer steps taken (0 = the start)
  theta      the coefficients after that step, intercept first when there is one, then the
             weights in CSV column order, joined by ';'

Every number is written with repr() (shortest string that reads back to the same double).
Only torch's own arithmetic produced these numbers: its matrix products and reductions sum in
their own order, so an independent implementation should agree to a few ulps per step, not bit for
bit. The script refuses to write a non-finite number.

On stdout, one line per case: the mean squared error over the rows used, at the start and after
the last step, |theta| and |theta - theta_0| after the last step.

Usage: /usr/bin/python3 scripts/golden_presets.py SEEDS_DIR OUT.csv
"""
import csv
import itertools
import math
import os
import sys
import time

import torch

SEED = 20261203
MU = 0.9

# design -> (intercept, batch rows B, rows used (None = all))
DESIGNS = {
    "keras": (True, 5, None),
    "ramp": (True, 1500, None),
    "kernel600": (False, 600, None),
    "collinear121": (True, 1, 2000),
}

# (design, optimizer, lr, steps, checkpoints)
CASES = [
    ("keras", "sgd", 0.01, 200, (0, 1, 2, 10, 50, 200)),
    ("keras", "momentum", 0.01, 200, (0, 1, 2, 10, 50, 200)),
    ("keras", "nesterov", 0.01, 200, (0, 1, 2, 10, 50, 200)),
    ("keras", "adam", 0.1, 200, (0, 1, 2, 10, 50, 200)),
    ("keras", "rmsprop", 0.01, 200, (0, 1, 2, 10, 50, 200)),
    ("keras", "adagrad", 0.5, 200, (0, 1, 2, 10, 50, 200)),
    ("ramp", "sgd", 1e-12, 200, (0, 1, 2, 10, 200)),
    ("ramp", "momentum", 1e-12, 200, (0, 1, 2, 10, 200)),
    ("ramp", "adam", 1e-3, 200, (0, 1, 2, 10, 200)),
    ("kernel600", "sgd", 5e-9, 100, (0, 1, 2, 10, 100)),
    ("kernel600", "nesterov", 2e-9, 100, (0, 1, 2, 10, 100)),
    ("kernel600", "rmsprop", 1e-4, 100, (0, 1, 2, 10, 100)),
    ("collinear121", "sgd", 1e-3, 2000, (0, 1, 2, 10, 100, 2000)),
    ("collinear121", "momentum", 1e-4, 2000, (0, 1, 2, 10, 100, 2000)),
    ("collinear121", "adam", 1e-3, 2000, (0, 1, 2, 10, 100, 2000)),
    ("collinear121", "adagrad", 1e-2, 2000, (0, 1, 2, 10, 100, 2000)),
]

HEADER = "case,design,optimizer,lr,batch,intercept,momentum,nesterov,beta1,beta2,eps,step,theta"


def load(path, limit):
    """Features and targets of a seeds CSV (header = names then y), first `limit` rows."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header[-1] != "y":
            sys.exit(f"{path}: last column is {header[-1]!r}, expected 'y'")
        rows = [[float(v) for v in row] for row in itertools.islice(reader, limit)]
    X = torch.tensor([row[:-1] for row in rows])
    y = torch.tensor([[row[-1]] for row in rows])
    return X, y


def make_optimizer(name, params, lr):
    """The torch optimizer and the (momentum, nesterov, beta1, beta2, eps) it really uses."""
    if name == "sgd":
        opt = torch.optim.SGD(params, lr=lr)
    elif name == "momentum":
        opt = torch.optim.SGD(params, lr=lr, momentum=MU)
    elif name == "nesterov":
        opt = torch.optim.SGD(params, lr=lr, momentum=MU, nesterov=True)
    elif name == "adam":
        opt = torch.optim.Adam(params, lr=lr)
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(params, lr=lr)
    elif name == "adagrad":
        opt = torch.optim.Adagrad(params, lr=lr)
    else:
        raise ValueError(name)
    group = opt.param_groups[0]
    beta1, beta2 = group["betas"] if "betas" in group else (0.0, group.get("alpha", 0.0))
    return opt, {
        "momentum": float(group.get("momentum", 0.0)),
        "nesterov": bool(group.get("nesterov", False)),
        "beta1": float(beta1),
        "beta2": float(beta2),
        "eps": float(group.get("eps", 0.0)),
    }


def theta_of(model):
    """Intercept first (when there is one), then the weights."""
    weights = model.weight.detach().reshape(-1).tolist()
    if model.bias is None:
        return weights
    return [model.bias.detach().item()] + weights


def full_loss(model, X, y):
    with torch.no_grad():
        return torch.nn.functional.mse_loss(model(X), y).item()


def run_case(design, optimizer, lr, steps, checkpoints, X, y):
    intercept, batch, _ = DESIGNS[design]
    n, d = X.shape
    if n % batch != 0:
        sys.exit(f"{design}: batch {batch} does not divide n = {n}")
    torch.manual_seed(SEED)
    model = torch.nn.Linear(d, 1, bias=intercept)
    opt, used = make_optimizer(optimizer, model.parameters(), lr)
    loss_fn = torch.nn.MSELoss()
    recorded = {0: theta_of(model)}
    loss0 = full_loss(model, X, y)
    for k in range(1, steps + 1):
        start = ((k - 1) * batch) % n
        xb, yb = X[start:start + batch], y[start:start + batch]
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
        if k in checkpoints:
            recorded[k] = theta_of(model)
    return recorded, used, loss0, full_loss(model, X, y)


def csv_lines(case, design, optimizer, lr, used, recorded):
    intercept, batch, _ = DESIGNS[design]
    for step in sorted(recorded):
        theta = recorded[step]
        for value in theta + [lr, used["momentum"], used["beta1"], used["beta2"], used["eps"]]:
            if not math.isfinite(value):
                sys.exit(f"{case}: non-finite value at step {step}; lower its learning rate")
        fields = [case, design, optimizer, repr(lr), repr(batch), str(intercept).lower(),
                  repr(used["momentum"]), str(used["nesterov"]).lower(), repr(used["beta1"]),
                  repr(used["beta2"]), repr(used["eps"]), repr(step),
                  ";".join(repr(v) for v in theta)]
        yield ",".join(fields)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: /usr/bin/python3 scripts/golden_presets.py SEEDS_DIR OUT.csv")
    seeds_dir, out_path = sys.argv[1], sys.argv[2]
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    began = time.perf_counter()
    data = {}
    for design, (_, _, limit) in DESIGNS.items():
        data[design] = load(os.path.join(seeds_dir, design + ".csv"), limit)
    lines = [HEADER]
    print(f"torch {torch.__version__}, seed {SEED}, float64, 1 thread")
    for design, optimizer, lr, steps, checkpoints in CASES:
        case = f"{design}-{optimizer}"
        X, y = data[design]
        recorded, used, loss0, loss = run_case(design, optimizer, lr, steps, checkpoints, X, y)
        lines.extend(csv_lines(case, design, optimizer, lr, used, recorded))
        norm = math.sqrt(sum(v * v for v in recorded[steps]))
        moved = math.sqrt(sum((a - b) ** 2 for a, b in zip(recorded[steps], recorded[0])))
        print(f"{case:24s} lr={lr!r:8s} steps={steps:5d}  loss {loss0:.6g} -> {loss:.6g}"
              f"  |theta| {norm:.6g}  |theta - theta_0| {moved:.3g}")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {out_path}: {len(CASES)} cases, {len(lines) - 1} lines, "
          f"{os.path.getsize(out_path)} bytes, {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
