"""Train the target-sentiment model of :mod:`analysis.sentiment` from NewsMTSC.

Reads only the NewsMTSC training split (Hamborg & Donnay 2021; MIT licence),
``<data>/newsmtsc/train.jsonl``, where ``<data>`` defaults to the shared
benchmark folder beside the project (``../shared/benchmarks``) or is given as
the first argument. Writes ``analysis/data/sentiment_model.json``: plain JSON
with feature names, standardisation, weights and provenance. No randomness is
involved (full-batch gradient descent from zero weights), so the same train
file and package versions give the same file byte for byte.

The model is a multinomial logistic regression (softmax regression) with an L2
penalty (Hastie, Tibshirani & Friedman 2009, *The Elements of Statistical
Learning*, sec. 4.4), class weights inversely proportional to class frequency
(King & Zeng 2001) so that macro-F1 is not sacrificed to the majority class,
fitted by Nesterov's accelerated gradient descent (Nesterov 1983).

Usage:
    .venv/bin/python benchmarks/train_sentiment.py [DATA_DIR] [--tune]

``--tune`` evaluates the grid of hyperparameters on the two dev splits
(never the test splits) and prints macro-F1 for each setting, without writing.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import paths, sentiment  # noqa: E402

#: Lexical features seen fewer times than this in the training split are dropped.
MIN_COUNT = 3
#: L2 penalty on the weights (per training example), chosen on the dev splits
#: among 1e-4, 3e-4, 1e-3, 3e-3.
L2 = 1e-3
#: Gradient-descent iterations and step size: the penalised loss changes by
#: less than 1e-9 over the last ten iterations on this data (0.7337325).
ITERATIONS = 1500
STEP = 0.5
#: Nesterov momentum coefficient (standard value for accelerated gradient).
MOMENTUM = 0.9
#: NewsMTSC polarity -1/0/1 -> class index of sentiment.LABELS.
CLASS_OF = {-1: 0, 0: 1, 1: 2}


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a NewsMTSC JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sha256(path: Path) -> str:
    """Hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def featurise(rows: list[dict]):
    """Features of NewsMTSC rows with the module's own feature code."""
    tok, base = sentiment.tokens_of([r["sentence"] for r in rows])
    seg = np.arange(len(rows), dtype="int64")
    start = base + np.array([r["from"] for r in rows], dtype="int64")
    end = base + np.array([r["to"] for r in rows], dtype="int64")
    numeric, lt, lk = sentiment.features(tok, seg, start, end)
    y = np.array([CLASS_OF[int(r["polarity"])] for r in rows], dtype="int64")
    return numeric, lt, lk, y


def fit(numeric, lt, lk, y, *, l2=L2, iterations=ITERATIONS, min_count=MIN_COUNT):
    """Fit the softmax regression; return the model as a JSON-ready mapping."""
    keys, inverse, counts = np.unique(lk.astype(str), return_inverse=True, return_counts=True)
    keep_key = counts >= min_count
    vocab = keys[keep_key]
    col_of = np.full(len(keys), -1)
    col_of[keep_key] = np.arange(keep_key.sum())
    cols = col_of[inverse]
    ok = cols >= 0
    rows, cols = lt[ok], cols[ok]
    n, k = numeric.shape
    v = len(vocab)
    mean = numeric.mean(axis=0)
    scale = numeric.std(axis=0)
    scale[scale == 0] = 1.0
    xn = (numeric - mean) / scale
    onehot = np.eye(3)[y]
    freq = np.bincount(y, minlength=3) / n
    weight = (1.0 / (3 * freq))[y][:, None] / n

    def logits(wn, wl, b):
        z = xn @ wn + b
        for c in range(3):
            z[:, c] += np.bincount(rows, weights=wl[cols, c], minlength=n)
        return z

    def grad(wn, wl, b):
        z = logits(wn, wl, b)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight
        gl = np.stack([np.bincount(cols, weights=g[rows, c], minlength=v) for c in range(3)], axis=1)
        return xn.T @ g + l2 * wn, gl + l2 * wl, g.sum(axis=0)

    params = [np.zeros((k, 3)), np.zeros((v, 3)), np.zeros(3)]
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(iterations):
        ahead = [p + MOMENTUM * vel for p, vel in zip(params, velocity)]
        grads = grad(*ahead)
        velocity = [MOMENTUM * vel - STEP * g for vel, g in zip(velocity, grads)]
        params = [p + vel for p, vel in zip(params, velocity)]
    wn, wl, b = params
    return {
        "numeric_features": list(sentiment.NUMERIC_FEATURES),
        "mean": [round(float(x), 10) for x in mean],
        "scale": [round(float(x), 10) for x in scale],
        "w_numeric": [[round(float(x), 8) for x in row] for row in wn],
        "bias": [round(float(x), 8) for x in b],
        "lexical_features": [str(x) for x in vocab],
        "w_lexical": [[round(float(x), 8) for x in row] for row in wl],
    }


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean of the per-class F1 over the three classes (in %)."""
    f1 = []
    for c in range(3):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return 100 * float(np.mean(f1))


def evaluate(model_dict: dict, rows: list[dict]) -> float:
    """Macro-F1 of a model mapping on NewsMTSC rows."""
    mdl = sentiment.model_from_dict(model_dict)
    numeric, lt, lk, y = featurise(rows)
    p = sentiment._predict(numeric, lt, lk, mdl)
    return macro_f1(y, p.argmax(axis=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(paths.SHARED_BENCHMARKS),
                        help="folder holding newsmtsc/train.jsonl (default: %(default)s)")
    parser.add_argument("--tune", action="store_true", help="print dev macro-F1 over the grid; write nothing")
    parser.add_argument("--out", default=str(sentiment.MODEL_FILE), help="model file to write")
    args = parser.parse_args(argv)
    folder = Path(args.data) / "newsmtsc"
    train_path = folder / "train.jsonl"
    if not train_path.is_file():
        print(f"error: {train_path} not found; pass the benchmark folder as the first argument", file=sys.stderr)
        return 2
    train = read_jsonl(train_path)
    if args.tune:
        dev = {name: read_jsonl(folder / f"dev-{name}.jsonl") for name in ("mt", "rw")}
        for window, scale, l2 in itertools.product((3, 4, 6, 8, 10), (2.0, 4.0, 8.0), (1e-4, 3e-4, 1e-3, 3e-3)):
            sentiment.WINDOW, sentiment.DISTANCE_SCALE = window, scale
            mdl = fit(*featurise(train), l2=l2)
            f1 = {name: evaluate(mdl, rows) for name, rows in dev.items()}
            print(f"window={window} scale={scale} l2={l2}: mt={f1['mt']:.1f} rw={f1['rw']:.1f}", flush=True)
        return 0
    mdl = fit(*featurise(train))
    mdl["meta"] = {
        "title": "Target-dependent sentiment model (softmax regression) for analysis.sentiment",
        "trained_on": "NewsMTSC train split (Hamborg & Donnay 2021), newsmtsc/train.jsonl",
        "train_sha256": sha256(train_path),
        "n_train": len(train),
        "licence": "weights: MIT (derived from NewsMTSC, MIT, and the VADER lexicon, MIT)",
        "command": "python benchmarks/train_sentiment.py",
        "hyperparameters": {"window": sentiment.WINDOW, "distance_scale": sentiment.DISTANCE_SCALE,
                            "l2": L2, "min_count": MIN_COUNT, "iterations": ITERATIONS,
                            "step": STEP, "momentum": MOMENTUM, "class_weight": "balanced"},
        "numpy": np.__version__,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(mdl, indent=None, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(mdl['lexical_features'])} lexical features)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
