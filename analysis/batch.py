"""Running the suite's measures over a corpus: serially, on local processes, or on a Dask cluster.

:func:`analyse` applies single-document measures (``framing.count``,
``actors.mentions``, ``sentiment.toward_actors``, ``stance.markers``,
``voices.quotations``, ...) to every document of a
:class:`~analysis.corpus.Corpus` and returns one tidy table per measure: the
per-document tables concatenated in ``doc_id`` order, with ``doc_id`` as the
first column, then the measure's own columns, then the corpus metadata
(title, author, outlet, date, ...) merged on ``doc_id``.

Execution
    ``workers=1`` runs a plain loop in this process. ``workers=N`` partitions
    the documents with :mod:`dask.bag` (Rocklin 2015) and runs the partitions
    on a :class:`distributed.LocalCluster` of ``N`` single-threaded worker
    processes (:func:`local_cluster`); ``scheduler="tcp://host:port"`` or a
    :class:`distributed.Client` runs the same task graph on an existing
    cluster, and ``scheduler="processes"`` uses Dask's local multiprocessing
    scheduler instead. Each task reads its documents from their paths (only
    references travel in the graph), analyses them one at a time, and returns
    their tables, so a worker's memory is bounded by the partition size, not
    by the corpus. Partitions are cut equal, and as many per worker thread,
    so that the workers run out of work together (:func:`_partitions`).

    Each task concatenates its documents' tables per measure (shipping a few
    large tables rather than many small ones), and the partitions' tables are
    concatenated in order, skipping empty ones; the serial run goes through
    its partitions in a plain loop. Concatenation in order makes the result
    independent of the partitioning, so a run on any scheduler is identical
    to the serial run, value for value and dtype for dtype; the tests check
    this for several partitionings.

Bad documents
    A document that cannot be read or parsed, or on which a measure raises an
    :class:`~analysis.errors.InputError`, is reported in the result's
    ``errors`` table (``doc_id``, ``path``, ``measure``, ``error``) and
    contributes to no table; the other documents' results are kept. Unless
    ``skip_bad`` is true, :func:`analyse` then raises an
    :class:`~analysis.errors.InputError` naming the first bad document. A
    malformed lexicon or codebook (:class:`~analysis.errors.LexiconError`)
    stops the run at once: it concerns every document, not one.

Reference:
    Rocklin, M. (2015). Dask: Parallel computation with blocked algorithms and
    task scheduling. *Proceedings of the 14th Python in Science Conference*,
    126-132.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import math
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import __version__
from analysis.corpus import Corpus, Document, DocumentRef, load_corpus
from analysis.errors import InputError
from analysis.tables import Table, tidy

#: Measure name -> ``"module:function"`` of a single-document measure; each
#: function takes a :class:`~analysis.corpus.Document` first and returns a
#: tidy DataFrame. Modules are imported only when a measure is used.
MEASURES: dict[str, str] = {
    "documents": "analysis.batch:document_summary",
    "sentences": "analysis.tokenise:sentences",
    "sections": "analysis.describe:sections",
    "framing": "analysis.framing:count",
    "framing_density": "analysis.framing:density",
    "actors": "analysis.actors:mentions",
    "sentiment": "analysis.sentiment:toward_actors",
    "sentiment_scores": "analysis.sentiment:scores",
    "stance": "analysis.stance:markers",
    "stance_density": "analysis.stance:density",
    "voices": "analysis.voices:quotations",
}
#: The measures :func:`analyse` runs when none are named (issue 8 of the suite).
DEFAULT_MEASURES = ("framing", "actors", "sentiment", "stance", "voices")
#: Most documents per partition (one Dask task). Partitions are cut equal,
#: as many per worker (:func:`_partitions`). A task costs some 10 ms of
#: scheduling, sizing and serialising on a 2-core machine whatever its size,
#: so fewer, larger tasks run faster; memory grows with the partition only by
#: its tables (250 articles of 500-1,500 words: about 5 MB), the articles
#: being read one at a time. Measured with 2 workers on the benchmark corpus
#: (935 articles), ``benchmarks/bench_corpus.py --repeats 8 --compare-sizes 50
#: 120 468``: median speed-up over the serial run 1.70 with 50 documents per
#: partition, 1.77 with 120, 1.85 with 250 and 1.88 with 468 (one task per
#: worker); peak memory per worker 208 MB with 50, 232-238 MB with 250,
#: 273-277 MB with 468. 250 keeps two tasks per worker on that corpus, so
#: that a worker slowed by other jobs leaves its second one to the other.
PARTITION_SIZE = 250
#: Dask's local schedulers accepted as ``scheduler=`` names.
LOCAL_SCHEDULERS = ("processes", "threads", "synchronous", "sync", "single-threaded")
#: Seconds to wait for a remote scheduler to answer before giving up.
CONNECT_TIMEOUT = 30
#: Dask settings of the clusters :func:`local_cluster` starts. On a small
#: machine the workers and the scheduler share the cores with the analysis, so
#: the periodic work that serves only the dashboard or its warnings is turned
#: off or slowed (names from distributed's configuration reference,
#: https://distributed.dask.org/en/stable/configuration.html). Measured idle on
#: the project's 2-CPU machine with 2 workers: the scheduler's process used
#: 0.044 CPU seconds per second with the defaults and 0.008 with these, each
#: worker 0.032 and 0.003. Results do not depend on them.
CLUSTER_CONFIG = {
    # the statistical profiler samples every worker thread every 10 ms, for the dashboard
    "distributed.worker.profile.enabled": False,
    # event-loop tick, 20 ms by default, only used to warn of a blocked loop
    "distributed.admin.tick.interval": "500ms",
    # the nanny's reading of each worker's memory, 100 ms by default; a
    # partition bounds a worker's memory, so a slower check is enough
    "distributed.worker.memory.monitor-interval": "1s",
    # CPU, memory and network figures for the dashboard, 500 ms by default
    "distributed.admin.system-monitor.interval": "2s",
}
#: Columns and dtypes of :func:`document_summary`.
SUMMARY_DTYPES = {"title": "str", "sections": "int64", "paragraphs": "int64", "sentences": "int64",
                  "words": "int64", "sha256": "str"}
#: Columns of the errors table.
ERROR_COLUMNS = ("doc_id", "path", "measure", "error")


class Results(dict):
    """Measure name -> tidy DataFrame, plus the documents that failed.

    Attributes:
        errors: DataFrame ``doc_id``, ``path``, ``measure``, ``error`` (the
            corpus's bad files first, then documents that failed here;
            ``measure`` is ``"load"`` when the document could not be read).
        metadata: the corpus metadata table the results were merged with.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], errors: pd.DataFrame,
                 metadata: pd.DataFrame):
        super().__init__(tables)
        self.errors = errors
        self.metadata = metadata


def register(name: str, target: str | Callable) -> None:
    """Add a measure (or replace one) under ``name``.

    Args:
        name: the measure's name in :func:`analyse` and the command line.
        target: ``"module:function"``, or a function importable by the workers
            (defined in a module, not in a notebook, when running on a cluster).

    Example:
        >>> from analysis import batch
        >>> batch.register("sections", "analysis.describe:sections")
    """
    if not isinstance(target, str):
        target = f"{target.__module__}:{target.__qualname__}"
    MEASURES[name] = target


def measure(name: str) -> Callable[..., pd.DataFrame]:
    """The function behind a measure name (its module imported now).

    Raises:
        InputError: the name is unknown, or its module is not available.
    """
    if name not in MEASURES:
        raise InputError(f"unknown measure {name!r}; choose from {', '.join(sorted(MEASURES))}")
    module, _, func = MEASURES[name].partition(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"measure {name!r} needs {MEASURES[name]}, which is not available "
                         f"({exc})") from None


@tidy
def document_summary(doc: Document) -> Table:
    """One row describing a document: the denominators of per-document rates.

    Returns:
        DataFrame with one row: ``title``, ``sections``, ``paragraphs``
        (running text), ``sentences``, ``words`` (tokens of a word kind, see
        :data:`analysis.tokenise.WORD_KINDS`) and ``sha256`` of the source.

    Example:
        >>> from analysis import batch, corpus
        >>> doc = corpus.from_text("Title\\n\\nOne short text. It has two sentences.")
        >>> batch.document_summary(doc)[["sentences", "words"]].values.tolist()
        [[2, 7]]
    """
    from analysis import tokenise

    return Table({
        "title": [doc.title],
        "sections": [len(doc.sections)],
        "paragraphs": [len(doc.text_paragraphs)],
        "sentences": [tokenise.sentence_count(doc)],
        "words": [tokenise.word_count(doc)],
        "sha256": [doc.meta.get("sha256")],
    }, SUMMARY_DTYPES)


def fingerprint(documents: pd.DataFrame) -> str:
    """One sha256 for a whole corpus, from the ``documents`` table.

    Args:
        documents: the ``documents`` table of :func:`analyse` (``doc_id`` and
            ``sha256`` of each document's source).

    Returns:
        The sha256 of the lines ``<doc_id> <sha256>`` in ``doc_id`` order: it
        changes when any document, or the set of documents, changes.
    """
    lines = sorted(f"{d} {h}\n" for d, h in zip(documents["doc_id"], documents["sha256"]))
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def _analyse_document(ref: DocumentRef, funcs) -> tuple[str, dict, list[tuple]]:
    """Run every measure on one document; its input errors come back as rows.

    A measure made with :func:`analysis.tables.tidy` gives its
    :class:`~analysis.tables.Table` (joined with the partition's others before
    any DataFrame is built); any other measure gives its DataFrame.

    Only :class:`InputError` (this document cannot be analysed) is caught; a
    bad lexicon or codebook (:class:`~analysis.errors.LexiconError`) or a bug
    stops the whole run, since it would fail on every document alike.
    """
    try:
        doc = ref.load()
    except InputError as exc:
        return ref.doc_id, {}, [(ref.doc_id, ref.origin, "load", _what(exc, ref.origin))]
    tables, errors = {}, []
    for name, func, kwargs in funcs:
        try:
            as_table = getattr(func, "table", None)
            tables[name] = as_table(doc, **kwargs) if as_table is not None else func(doc, **kwargs)
        except InputError as exc:
            errors.append((ref.doc_id, ref.origin, name, _what(exc, ref.origin)))
    return ref.doc_id, tables, errors


def _with_doc_id(doc_ids: list[str], parts: list) -> pd.DataFrame:
    """One measure's tables for some documents, joined in order, ``doc_id`` first."""
    if parts and all(isinstance(p, Table) for p in parts):
        table = Table.concat(parts)
        if "doc_id" in table.columns:
            table = Table({c: v for c, v in table.columns.items() if c != "doc_id"},
                          {c: d for c, d in table.dtypes.items() if c != "doc_id"})
        ids = np.repeat(np.array(doc_ids, dtype=object), [len(p) for p in parts])
        return table.prepend("doc_id", ids, "str").frame()
    frames = []
    for doc_id, part in zip(doc_ids, parts):
        frame = part.frame() if isinstance(part, Table) else part
        frame = frame.reset_index(drop=True).drop(columns="doc_id", errors="ignore")
        frame.insert(0, "doc_id", pd.Series([doc_id] * len(frame), dtype=str))
        frames.append(frame)
    return _concat(frames)


def _analyse_partition(refs: Iterable[DocumentRef], funcs) -> list:
    """One task: each document read, analysed and released in turn; tables joined per measure.

    Returns:
        A one-item list (a Dask bag partition): ``(tables, errors)``, the
        measure tables of the partition's good documents, in order, and the
        error rows of its bad ones (a document that fails anywhere is in no table).
    """
    good, errors = [], []
    for ref in refs:
        doc_id, tables, failed = _analyse_document(ref, funcs)
        if failed:
            errors.extend(failed)
        else:
            good.append((doc_id, tables))
    ids = [doc_id for doc_id, _ in good]
    return [({name: _with_doc_id(ids, [t[name] for _, t in good]) for name, _, _ in funcs}, errors)]


def _what(exc: Exception, origin: str) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[len(origin) + 2:] if message.startswith(f"{origin}: ") else message


def _progress_bar(total: int, progress: bool | None, unit: str = "doc"):
    from tqdm.auto import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, unit=unit, disable=not enabled, file=sys.stderr, desc="analyse")


def _run_serial(refs, funcs, partition_size: int, progress) -> list:
    out = []
    with _progress_bar(len(refs), progress) as bar:
        for part in _partitions(refs, partition_size):
            out.extend(_analyse_partition(part, funcs))
            bar.update(len(part))
    return out


def _partitions(refs, partition_size: int, slots: int = 1) -> list[list[DocumentRef]]:
    """Consecutive partitions of the documents, in order, of near-equal size.

    The number of partitions is the smallest multiple of ``slots`` (the
    worker threads that will run them) that keeps every partition at most
    ``partition_size`` documents; sizes then differ by at most one document.
    Equal partitions, as many per worker, finish at nearly the same time; a
    last short partition, or one more partition than the workers can share
    out evenly, would leave a worker idle at the end.

    Example:
        >>> [len(p) for p in _partitions(list(range(230)), 50, 2)]
        [38, 38, 39, 38, 38, 39]
    """
    refs = list(refs)
    if not refs:
        return []
    count = slots * math.ceil(len(refs) / (slots * partition_size))
    bounds = [len(refs) * i // count for i in range(count + 1)]
    return [refs[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


class _Plan:
    """The measures to run, as one opaque argument of a Dask task."""

    def __init__(self, funcs):
        self.funcs = funcs

    def __call__(self, parts: Iterable[list[DocumentRef]]) -> list:
        """Analyse the partitions of one bag partition (one partition each: see :func:`_graph`)."""
        return [result for refs in parts for result in _analyse_partition(refs, self.funcs)]


def _graph(parts: list[list[DocumentRef]], funcs) -> list:
    """One Dask task per partition, from a bag holding one partition (a list of references) each."""
    import dask.bag as db

    # named "analyse-<hash>" on a dashboard, rather than after the callable's repr
    bag = db.from_sequence(parts, partition_size=1).map_partitions(_Plan(funcs), token="analyse")
    return bag.to_delayed()


def _run_dask(refs, funcs, *, workers: int, scheduler, partition_size: int, progress) -> list:
    if isinstance(scheduler, str) and scheduler in LOCAL_SCHEDULERS:
        import dask

        delayed = _graph(_partitions(refs, partition_size, workers), funcs)
        if (sys.stderr.isatty() if progress is None else progress):
            from dask.diagnostics import ProgressBar

            with ProgressBar(out=sys.stderr):
                chunks = dask.compute(*delayed, scheduler=scheduler, num_workers=workers)
        else:
            chunks = dask.compute(*delayed, scheduler=scheduler, num_workers=workers)
        return [part for chunk in chunks for part in chunk]
    from distributed import Client

    if scheduler is None:
        with local_cluster(workers) as cluster, Client(cluster) as client:
            return _run_on_cluster(client, refs, funcs, partition_size, progress)
    if isinstance(scheduler, str):
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot connect to the Dask scheduler at {scheduler} "
                             f"({exc})") from None
        with client:
            return _run_on_cluster(client, refs, funcs, partition_size, progress)
    if isinstance(scheduler, Client):
        return _run_on_cluster(scheduler, refs, funcs, partition_size, progress)
    raise InputError(f"scheduler must be None, an address such as 'tcp://host:8786', one of "
                     f"{', '.join(LOCAL_SCHEDULERS)}, or a distributed.Client, not {scheduler!r}")


def local_cluster(workers: int):
    """A Dask cluster of ``workers`` single-threaded processes on this machine.

    What ``analyse(..., workers=N)`` starts for one call. Start one yourself
    and pass a :class:`distributed.Client` on it as ``scheduler=`` to keep the
    workers (their imports and lexicons loaded) across calls. The cluster
    runs with :data:`CLUSTER_CONFIG` and no dashboard.

    Example:
        >>> from distributed import Client
        >>> from analysis import batch
        >>> with batch.local_cluster(2) as cluster, Client(cluster) as client:  # doctest: +SKIP
        ...     results = batch.analyse("my-articles/", scheduler=client)
    """
    import dask
    from distributed import LocalCluster

    if not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive whole number, not {workers!r}")
    with warnings.catch_warnings(), dask.config.set(CLUSTER_CONFIG):
        # without a dashboard the scheduler's HTTP server still tries port 8787 first
        warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _run_on_cluster(client, refs, funcs, partition_size: int, progress) -> list:
    """Run the partitions on a cluster, as many per worker thread; collect results as they finish.

    Each result is released from the cluster as soon as it is collected.
    """
    from distributed import as_completed

    parts = _partitions(refs, partition_size, max(1, sum(client.nthreads().values())))
    sizes = [len(p) for p in parts]
    futures = client.compute(_graph(parts, funcs))
    index = {f.key: i for i, f in enumerate(futures)}
    chunks: list = [None] * len(futures)
    pending = as_completed(futures, with_results=True)
    del futures  # from here `pending` holds the only references: a result is freed once collected
    with _progress_bar(sum(sizes), progress) as bar:
        for future, chunk in pending:
            i = index[future.key]
            chunks[i] = chunk
            bar.update(sizes[i])
            del future, chunk
    return [part for chunk in chunks for part in chunk]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-document tables in order, leaving out empty ones."""
    filled = [f for f in frames if len(f)]
    if filled:
        return pd.concat(filled, ignore_index=True)
    if frames:
        return frames[0].iloc[0:0].reset_index(drop=True)
    return pd.DataFrame({"doc_id": pd.Series([], dtype=str)})


def with_metadata(table: pd.DataFrame, metadata: pd.DataFrame) -> pd.DataFrame:
    """Add the corpus metadata columns to a per-document table, matched on ``doc_id``.

    A metadata column whose name the table already uses is added as
    ``doc_<name>`` (for example ``doc_text``).

    Args:
        table: a table with a ``doc_id`` column.
        metadata: the corpus metadata, one row per ``doc_id``.

    Returns:
        The table, rows in the same order, metadata columns after its own.
    """
    extra = metadata.rename(columns={c: f"doc_{c}" for c in metadata.columns
                                     if c != "doc_id" and c in table.columns})
    keys = pd.Index(extra["doc_id"])
    if len(table) and keys.is_unique:
        rows = keys.get_indexer(table["doc_id"])
        if (rows >= 0).all():  # every document has its metadata row: taking rows is the left join
            matched = extra.drop(columns="doc_id").take(rows).reset_index(drop=True)
            return pd.concat([table.reset_index(drop=True), matched], axis=1)
    return table.merge(extra, on="doc_id", how="left", validate="many_to_one")


def analyse(corpus, measures: Iterable[str] = DEFAULT_MEASURES, *, workers: int = 1, scheduler=None,
            partition_size: int = PARTITION_SIZE, options: Mapping[str, Mapping] | None = None,
            skip_bad: bool | None = None, progress: bool | None = None) -> Results:
    """Run single-document measures over every document of a corpus.

    Args:
        corpus: a :class:`~analysis.corpus.Corpus`, or any source
            :func:`~analysis.corpus.load_corpus` accepts.
        measures: names from :data:`MEASURES` (default :data:`DEFAULT_MEASURES`).
        workers: ``1`` for a plain loop here; ``N`` for ``N`` local worker
            processes (a Dask ``LocalCluster`` unless ``scheduler`` says otherwise).
        scheduler: ``None``; an address such as ``"tcp://10.0.0.5:8786"`` or a
            :class:`distributed.Client` to run on that cluster; or
            ``"processes"`` for Dask's multiprocessing scheduler with ``workers``
            processes.
        partition_size: documents per task.
        options: keyword arguments per measure, e.g.
            ``{"framing": {"codebook": "my-frames.yml"}, "sentiment": {"seed": 1}}``.
        skip_bad: report bad documents in ``errors`` and go on (True) or raise
            (False, the default); when ``corpus`` is a source, it is also
            passed to :func:`~analysis.corpus.load_corpus`.
        progress: show a progress bar; ``None``: only when standard error is a terminal.

    Returns:
        :class:`Results`: measure name -> DataFrame with ``doc_id`` first, the
        measure's own columns, then the metadata columns; ``.errors`` lists
        documents that failed.

    Raises:
        InputError: an unknown measure or scheduler, or (unless ``skip_bad``)
            a document that cannot be analysed, named in the message.

    Example:
        >>> from analysis import batch, corpus
        >>> sample = corpus.load_corpus(corpus.SAMPLE_CORPUS)
        >>> out = batch.analyse(sample, ["documents"])
        >>> list(out["documents"].columns[:3]), len(out["documents"])
        (['doc_id', 'title', 'sections'], 5)
    """
    if not isinstance(corpus, Corpus):
        corpus = load_corpus(corpus, skip_bad=bool(skip_bad))
    skip_bad = bool(skip_bad)
    names = list(dict.fromkeys(measures))
    if not names:
        raise InputError("no measures to run")
    if not isinstance(workers, int) or workers < 1:
        raise InputError(f"workers must be a positive whole number, not {workers!r}")
    if not isinstance(partition_size, int) or partition_size < 1:
        raise InputError(f"partition_size must be a positive whole number, not {partition_size!r}")
    options = dict(options or {})
    unknown = sorted(set(options) - set(names))
    if unknown:
        raise InputError(f"options given for measures not run: {', '.join(unknown)}")
    funcs = tuple((name, measure(name), dict(options.get(name, {}))) for name in names)
    refs = sorted(corpus.refs, key=lambda r: r.doc_id)
    if workers == 1 and scheduler is None:
        done = _run_serial(refs, funcs, partition_size, progress)
    else:
        done = _run_dask(refs, funcs, workers=workers, scheduler=scheduler,
                         partition_size=partition_size, progress=progress)
    failed = [row for _, rows in done for row in rows]
    errors = pd.DataFrame(
        [(r.doc_id, r.path, "load", r.error) for r in corpus.errors.itertuples()] + failed,
        columns=list(ERROR_COLUMNS)).astype(str)
    if failed and not skip_bad:
        doc_id, where, name, what = failed[0]
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        stage = "" if name == "load" else f" in measure {name!r}"
        raise InputError(f"{where}{stage}: {what}{more}; pass skip_bad=True to skip bad documents")
    tables = {name: with_metadata(_concat([t[name] for t, _ in done]), corpus.metadata)
              for name in names}
    return Results(tables, errors, corpus.metadata)


def table_file(name: str, fmt: str) -> str:
    """File name of a measure's table: ``<name>.csv`` or ``<name>.parquet``."""
    return f"{name}.{fmt}"


def write(results: Results, out: str | Path, *, fmt: str = "csv", source: str = "") -> dict:
    """Write every table, the errors and a manifest into a folder.

    CSV tables are written with :func:`analysis.figures.table_bytes` (fixed
    float format and line endings), Parquet tables with pyarrow, without the
    pandas index; the same results give byte-identical files. The manifest
    (``manifest.json``) records, per table, its file, rows, columns and
    sha256, plus the corpus source, the number of documents, the package
    version and the git commit.

    Args:
        results: what :func:`analyse` returned.
        out: the folder (created if needed).
        fmt: ``"csv"`` or ``"parquet"``.
        source: the corpus source, for the record.

    Returns:
        The manifest written.
    """
    from analysis.figures import git_commit, table_bytes, write_bytes, write_manifest

    if fmt not in ("csv", "parquet"):
        raise InputError(f"table format must be 'csv' or 'parquet', not {fmt!r}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, table in [*sorted(results.items()), ("errors", results.errors)]:
        blob = table_bytes(table) if fmt == "csv" else _parquet_bytes(table)
        file = table_file(name, fmt)
        write_bytes(folder / file, blob)
        entries[name] = {"file": file, "rows": len(table), "columns": list(map(str, table.columns)),
                         "sha256": hashlib.sha256(blob).hexdigest()}
    manifest = {
        "corpus": {"source": source, "documents": len(results.metadata),
                   "bad_documents": int(results.errors["doc_id"].nunique())},
        "measures": sorted(results),
        "tables": entries,
        "package_version": __version__,
        "git_commit": git_commit(),
    }
    write_manifest(folder, manifest)
    return json.loads(json.dumps(manifest))


def _parquet_bytes(table: pd.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()
