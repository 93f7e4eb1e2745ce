"""Validate :mod:`analysis.sentiment` on human-annotated data; write the results file.

Measures

- macro-F1 and accuracy of :func:`analysis.sentiment.toward_target` on the
  NewsMTSC dev splits ``dev-mt`` and ``dev-rw`` (Hamborg & Donnay 2021);
  targets: macro-F1 >= 60 on both;
- Pearson r of :func:`analysis.sentiment.sentence_score` against the mean human
  rating of the NYT editorial snippets, development half (Hutto & Gilbert
  2014); target: r >= 0.52;

and, for comparison, NLTK's VADER (sentence compound cut at +/-0.05 for the
targets, as in the NewsMTSC baselines) on the same data.

The data are read from ``../shared/benchmarks`` beside the project, or from the
folder given as the first argument; they are never copied into the project.
The results go to ``analysis/data/sentiment_validation.json`` (with the
command, the sha256 of every data file and the package versions), which the
notebooks read, so they work without the benchmark data.

Usage:
    .venv/bin/python benchmarks/validate_sentiment.py [DATA_DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import paths, sentiment  # noqa: E402

#: Acceptance targets (issue 4): NewsMTSC macro-F1 on each dev split, NYT r.
TARGET_MACRO_F1 = 60.0
TARGET_PEARSON_R = 0.52
#: VADER's neutral band for the compound score (Hutto & Gilbert 2014, and the
#: vaderSentiment README): below -0.05 negative, above 0.05 positive.
VADER_NEUTRAL_BAND = 0.05
NEWSMTSC_FILES = ("newsmtsc/dev-mt.jsonl", "newsmtsc/dev-rw.jsonl")
NYT_FILE = "vader-nyt/nyt-editorial-snippets-dev.tsv"
CLASS_OF = {-1: 0, 0: 1, 1: 2}


def sha256(path: Path) -> str:
    """Hex digest of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def macro_f1_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, list[float]]:
    """Macro-F1 (%), accuracy (%) and per-class F1 (%) over the three classes."""
    f1 = []
    for c in range(3):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        f1.append(0.0 if tp == 0 else 100 * 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1)), 100 * float(np.mean(y_true == y_pred)), [round(x, 2) for x in f1]


def vader_class(compound: np.ndarray) -> np.ndarray:
    """Class index from VADER compound scores with the neutral band."""
    return np.where(compound < -VADER_NEUTRAL_BAND, 0, np.where(compound > VADER_NEUTRAL_BAND, 2, 1))


def newsmtsc(path: Path, analyzer) -> dict:
    """Metrics on one NewsMTSC split."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    y = np.array([CLASS_OF[int(r["polarity"])] for r in rows])
    p = sentiment.predict_batch([r["sentence"] for r in rows], [r["from"] for r in rows], [r["to"] for r in rows])
    f1, acc, per_class = macro_f1_accuracy(y, p.argmax(axis=1))
    compound = np.array([analyzer.polarity_scores(r["sentence"])["compound"] for r in rows])
    base_f1, base_acc, _ = macro_f1_accuracy(y, vader_class(compound))
    return {"n": len(rows), "macro_f1": round(f1, 2), "accuracy": round(acc, 2),
            "f1_by_class": dict(zip(sentiment.LABELS, per_class)),
            "baseline_vader_sentence_macro_f1": round(base_f1, 2),
            "baseline_vader_sentence_accuracy": round(base_acc, 2),
            "target_macro_f1": TARGET_MACRO_F1, "meets_target": f1 >= TARGET_MACRO_F1}


def nyt(path: Path, analyzer) -> dict:
    """Pearson r of sentence scores against mean human ratings."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ratings = np.array([float(r[1]) for r in rows])
    texts = [r[2] for r in rows]
    tok, _ = sentiment.tokens_of(texts)
    score = sentiment.segment_scores(tok)
    r = float(np.corrcoef(score, ratings)[0, 1])
    compound = np.array([analyzer.polarity_scores(t)["compound"] for t in texts])
    base = float(np.corrcoef(compound, ratings)[0, 1])
    return {"n": len(rows), "pearson_r": round(r, 4), "baseline_vader_pearson_r": round(base, 4),
            "target_pearson_r": TARGET_PEARSON_R, "meets_target": r >= TARGET_PEARSON_R}


def versions() -> dict:
    """Versions of the packages the scores depend on."""
    out = {"python": sys.version.split()[0]}
    for name in ("numpy", "pandas", "nltk", "vaderSentiment"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(paths.SHARED_BENCHMARKS),
                        help="benchmark folder with newsmtsc/ and vader-nyt/ (default: %(default)s)")
    parser.add_argument("--out", default=str(sentiment.VALIDATION_FILE), help="results file (default: %(default)s)")
    args = parser.parse_args(argv)
    folder = Path(args.data)
    needed = [folder / f for f in (*NEWSMTSC_FILES, NYT_FILE)]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:
        print(f"error: benchmark data not found: {', '.join(missing)}; "
              f"pass the folder holding newsmtsc/ and vader-nyt/ as the first argument", file=sys.stderr)
        return 2
    analyzer = sentiment.nltk_analyzer()
    results = {
        "newsmtsc_dev_mt": newsmtsc(needed[0], analyzer),
        "newsmtsc_dev_rw": newsmtsc(needed[1], analyzer),
        "nyt_editorials_dev": nyt(needed[2], analyzer),
    }
    record = {
        "title": "Validation of analysis.sentiment on NewsMTSC dev splits and NYT editorial snippets (dev half)",
        "command": "python benchmarks/validate_sentiment.py" + (f" {args.data}" if argv and args.data else ""),
        "results": results,
        "data_sha256": {str(p.relative_to(folder)): sha256(p) for p in needed},
        "model_sha256": sha256(sentiment.MODEL_FILE),
        "versions": versions(),
        "sources": {
            "newsmtsc": "Hamborg & Donnay (2021), NewsMTSC, EACL; MIT licence",
            "vader_nyt": "Hutto & Gilbert (2014), VADER, ICWSM; NYT editorial snippets; MIT licence",
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name, res in results.items():
        metric = (f"macro-F1 {res['macro_f1']:.1f}, accuracy {res['accuracy']:.1f} "
                  f"(VADER sentence {res['baseline_vader_sentence_macro_f1']:.1f})"
                  if "macro_f1" in res else
                  f"Pearson r {res['pearson_r']:.3f} (VADER {res['baseline_vader_pearson_r']:.3f})")
        print(f"{name}: n={res['n']}, {metric}, target met: {res['meets_target']}")
    print(f"wrote {out}")
    return 0 if all(r["meets_target"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
