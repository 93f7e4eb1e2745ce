"""Benchmark: document loading and tokenisation with offsets versus NLTK alone.

Usage::

    .venv/bin/python benchmarks/bench_tokenise.py [DATA_DIR] [--repeats N]

Builds two texts from real sentences (see ``benchcorpus.py``): the benchmark
sentences as they are (~260,000 words) and a recombined 1-million-word text.
For each, in the same process and on the same text, it times

- the suite: ``corpus.load`` + ``tokenise.sentences`` + ``tokenise.words``
  (a fresh document each repeat, so nothing is cached);
- the baseline: NLTK's ``NLTKWordTokenizer().span_tokenize`` over every
  paragraph (word spans only: no sentences, no document model).

Suite and baseline runs alternate. It prints medians over the repeats, words per second (words as counted by the
suite), the median of the per-pair speed ratios suite / baseline, and the peak resident memory of a fresh
child process that loads and tokenises the text once. Target (foundation
issue): ratio >= 3 and peak < 400 MB for 1M words.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchcorpus  # noqa: E402
from nltk.tokenize import NLTKWordTokenizer  # noqa: E402

from analysis import corpus, tokenise  # noqa: E402

#: Repeats per measurement; medians are reported because the machines are shared.
REPEATS = 5
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 400


def suite(path: Path) -> int:
    doc = corpus.load(path)
    tokenise.sentences(doc)
    tokenise.words(doc)
    return tokenise.word_count(doc)


def baseline(text: str) -> int:
    tok = NLTKWordTokenizer()
    return sum(sum(1 for _ in tok.span_tokenize(p)) for p in text.split("\n\n"))


def paired(path: Path, text: str, repeats: int) -> tuple[list[float], list[float]]:
    """Alternate suite and baseline runs, so that load on a shared machine hits both alike."""
    ours, base = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        suite(path)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        baseline(text)
        base.append(time.perf_counter() - t)
    return ours, base


def peak_mb(path: Path) -> float:
    """Peak resident memory of a fresh process that loads and tokenises ``path``, in MB.

    The child reads its own high-water mark (``VmHWM`` in ``/proc/self/status``,
    which starts afresh at ``exec``); ``ru_maxrss`` is only the fallback off
    Linux, since Linux keeps it across ``fork`` and ``exec`` and the child
    would report this (larger) process's peak.
    """
    code = ("import resource, sys; from analysis import corpus, tokenise; "
            "d = corpus.load(sys.argv[1]); tokenise.sentences(d); tokenise.words(d); "
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')] "
            "if sys.platform.startswith('linux') else []; "
            "print(int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=None, help="benchmark data folder")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    texts = {"real (as is)": benchcorpus.real_text(args.data),
             "recombined 1M": benchcorpus.million_word_text(path=args.data)}
    print(f"{'text':<15} {'words':>9} {'suite w/s':>11} {'NLTK w/s':>11} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in texts.items():
            path = Path(tmp) / "bench.txt"
            path.write_text(text, encoding="utf-8")
            n_words = suite(path)
            ours_t, base_t = paired(path, text, args.repeats)
            ours, base = statistics.median(ours_t), statistics.median(base_t)
            ratio = statistics.median(b / o for o, b in zip(ours_t, base_t))
            peak = peak_mb(path)
            print(f"{name:<15} {n_words:>9,} {n_words / ours:>11,.0f} {n_words / base:>11,.0f} "
                  f"{ratio:>6.2f} {peak:>8.0f}")
    print(f"targets: ratio >= {TARGET_RATIO}, peak < {TARGET_PEAK_MB} MB "
          f"(medians of {args.repeats}; this process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
