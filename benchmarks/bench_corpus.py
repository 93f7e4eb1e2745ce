"""Benchmark: every measure over a 1-million-word corpus, serial and on 2 local Dask workers.

Usage::

    .venv/bin/python benchmarks/bench_corpus.py [DATA_DIR] [--repeats N] [--words N]
        [--workers N] [--measures framing actors ...] [--profile]

Builds the recombined 1-million-word text of ``benchcorpus.py`` (real
sentences from ``../shared/benchmarks``), cuts it into articles of 500–1,500
words, writes them as ``.txt`` files into a temporary folder and loads them
with :func:`analysis.corpus.load_corpus`. Then, in the same run and on the
same text, it times

- the baseline: NLTK's ``NLTKWordTokenizer().span_tokenize`` over every
  paragraph of every article (word spans only);
- serial: :func:`analysis.batch.analyse` with every measure, ``workers=1``
  (each document read from its file and parsed inside the run);
- parallel: the same on :func:`analysis.batch.local_cluster` (``--workers``
  single-threaded processes), started once and warmed up (its start-up time
  is reported apart, with one cold run of ``workers=N`` that includes it).

The three are run in turn in each repeat, so that other jobs on a shared
machine slow them alike. It prints medians over the repeats in words per
second (words as counted by the suite), the ratios serial / NLTK and
parallel / serial (median of the paired runs), and the peak resident memory
of each worker process and of this process, sampled while they run.
``--profile`` adds each measure alone, serially (one run each), to show where
the time goes; ``documents`` alone is reading, parsing and tokenising.
``--compare-sizes 50 120 ...`` also runs the workers with those partition
sizes in every repeat and prints the median speed-up of each, paired with the
same serial runs (the source of :data:`analysis.batch.PARTITION_SIZE`).
Targets (corpus issue): serial >= NLTK, parallel >= 1.7 x serial with 2
workers, < 400 MB peak per worker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchcorpus  # noqa: E402
import psutil  # noqa: E402  (installed with distributed)
from nltk.tokenize import NLTKWordTokenizer  # noqa: E402

from analysis import batch, corpus  # noqa: E402

#: Repeats per measurement; medians are reported because the machines are shared.
REPEATS = 3
WORKERS = 2
TARGET_SERIAL_RATIO = 1.0
TARGET_SPEEDUP = 1.7
TARGET_PEAK_MB = 400


def nltk_baseline(texts: list[str]) -> int:
    tok = NLTKWordTokenizer()
    return sum(sum(1 for _ in tok.span_tokenize(p)) for text in texts for p in text.split("\n\n"))


def timed(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


class RssSampler:
    """Peak resident memory of some processes, sampled by a thread while in a ``with`` block.

    ``ru_maxrss`` is not used: a worker spawned from a large parent reports
    the parent's peak, since Linux keeps it across ``fork`` and ``exec``.
    """

    #: Seconds between samples.
    INTERVAL = 0.05

    def __init__(self, pids):
        self.procs = [psutil.Process(pid) for pid in pids]
        self.peak = {p.pid: 0 for p in self.procs}
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            for proc in self.procs:
                self.peak[proc.pid] = max(self.peak[proc.pid], proc.memory_info().rss)

    def __enter__(self):
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def peaks(self) -> list[float]:
        """Peak RSS of each process, in MB."""
        return [self.peak[p.pid] / 2**20 for p in self.procs]


def available(names) -> list[str]:
    out = []
    for name in names:
        try:
            batch.measure(name)
        except Exception as exc:  # a measure module not in this checkout
            print(f"skipping measure {name!r}: {exc}")
            continue
        out.append(name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=None, help="benchmark data folder")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--words", type=int, default=benchcorpus.MILLION, help="size of the text")
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--measures", nargs="*", default=list(batch.DEFAULT_MEASURES))
    parser.add_argument("--partition-size", type=int, default=batch.PARTITION_SIZE)
    parser.add_argument("--profile", action="store_true", help="also time each measure alone")
    parser.add_argument("--compare-sizes", type=int, nargs="*", default=[], metavar="N",
                        help="also run the workers with these partition sizes in every repeat")
    args = parser.parse_args()
    measures = available(args.measures)
    load = os.getloadavg()  # the machines are shared: other jobs slow every run alike

    texts = benchcorpus.articles(benchcorpus.million_word_text(words=args.words, path=args.data))
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(texts):
            (Path(tmp) / f"article-{i:05d}.txt").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        docs = corpus.load_corpus(tmp)
        load_s = time.perf_counter() - start
        n_words = int(batch.analyse(docs, ["documents"])["documents"]["words"].sum())
        print(f"corpus: {len(docs)} articles, {n_words:,} words; load_corpus {load_s:.2f} s "
              f"({n_words / load_s:,.0f} words/s); measures: {', '.join(measures)}")

        from distributed import Client

        start = time.perf_counter()
        batch.analyse(docs, measures, workers=args.workers, partition_size=args.partition_size)
        cold = time.perf_counter() - start
        size = args.partition_size
        times: dict[str, list[float]] = {"nltk": [], "serial": [], "parallel": []}
        by_size: dict[int, list[float]] = {}  # --compare-sizes: speed-ups paired with each serial run
        with batch.local_cluster(args.workers) as cluster, Client(cluster) as client:
            k = args.workers * 2  # warm-up: imports and lexicons loaded on every worker
            warm = corpus.Corpus(docs.refs[:k], docs.metadata.iloc[:k])
            batch.analyse(warm, measures, scheduler=client, partition_size=1)
            workers = RssSampler(client.run(os.getpid).values())
            driver = RssSampler([os.getpid()])
            for _ in range(args.repeats):  # interleaved, so that other jobs slow all three alike
                times["nltk"] += timed(lambda: nltk_baseline(texts), 1)
                with driver:
                    times["serial"] += timed(lambda: batch.analyse(docs, measures), 1)
                with workers:
                    times["parallel"] += timed(lambda: batch.analyse(
                        docs, measures, scheduler=client, partition_size=size), 1)
                # other partition sizes, in turn forwards and backwards from repeat to repeat
                order = args.compare_sizes if len(times["serial"]) % 2 else args.compare_sizes[::-1]
                for other in order:
                    secs = timed(lambda: batch.analyse(docs, measures, scheduler=client,
                                                       partition_size=other), 1)[0]
                    by_size.setdefault(other, []).append(times["serial"][-1] / secs)
        base, serial, parallel = (statistics.median(times[k])
                                  for k in ("nltk", "serial", "parallel"))
        speedups = [s / p for s, p in zip(times["serial"], times["parallel"])]

        rows = [("NLTKWordTokenizer alone", base), ("all measures, serial", serial),
                (f"all measures, {args.workers} workers (warm)", parallel),
                (f"all measures, {args.workers} workers (cold, incl. start-up)", cold)]
        print(f"{'run':<48} {'seconds':>8} {'words/s':>10}")
        for name, secs in rows:
            print(f"{name:<48} {secs:>8.2f} {n_words / secs:>10,.0f}")
        print(f"serial / NLTK: {base / serial:.2f} (target >= {TARGET_SERIAL_RATIO}); "
              f"{args.workers} workers / serial: {statistics.median(speedups):.2f} warm (median of "
              f"paired runs: {', '.join(f'{x:.2f}' for x in speedups)}), {serial / cold:.2f} cold "
              f"(target >= {TARGET_SPEEDUP})")
        print(f"peak RSS per worker (sampled every {RssSampler.INTERVAL} s): "
              f"{', '.join(f'{p:.1f}' for p in workers.peaks())} MB (target < {TARGET_PEAK_MB}); "
              f"this process during the serial runs: {driver.peaks()[0]:.1f} MB "
              f"(it holds every result table)")
        for other, ratios in sorted(by_size.items()):
            print(f"partition size {other}: {args.workers} workers / serial {statistics.median(ratios):.2f} "
                  f"(paired runs: {', '.join(f'{x:.2f}' for x in ratios)})")
        if args.profile:
            print(f"{'measure alone, serial':<48} {'seconds':>8} {'words/s':>10}")
            for name in ["documents", *measures]:  # one run each: a breakdown, not a target
                secs = timed(lambda: batch.analyse(docs, [name]), 1)[0]
                print(f"{name:<48} {secs:>8.2f} {n_words / secs:>10,.0f}")
        print(f"(medians of {args.repeats}; partition size {args.partition_size}; "
              f"{os.cpu_count()} CPUs; "
              f"load average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
