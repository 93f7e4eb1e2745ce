"""Executing the notebooks headless, in order, with parameters.

The suite's notebooks (``notebooks/NN-name.ipynb``) are executed with
papermill, which injects the parameters ``TEXT`` (the article), ``OUT`` (the
figures folder) and ``SEED`` (the random seed) after each notebook's cell
tagged ``parameters``, and records every cell's output in an executed copy.
The committed notebooks are never overwritten: executed copies go to a build
folder (:func:`build_folder`):

- for the default figures folder (``figures/``): ``build/notebooks/`` in the
  repository (``build/`` is not committed);
- for any other ``OUT``: ``<OUT>-build/notebooks/`` beside it, so a run on
  another article keeps its executed notebooks next to its figures and never
  writes into the repository;
- or the folder given as ``build``.

The written study (``07-study``) is exported to HTML, without code, as
``<build>/study/07-study.html`` (:func:`study`), a self-contained page that
loads nothing from the network.

Figure lifecycle. The figures folder belongs to the suite, and only files that
the previous manifest lists are ever deleted (a file the suite never wrote is
reported, never removed):

1. At the start of a run, leftovers of an interrupted write (hidden
   ``.*.tmp`` files) are deleted, and manifest entries made by a notebook
   that no longer exists in ``notebooks/`` are removed with their files.
2. Before a notebook runs, its entries are taken out of the manifest (the
   files stay). When it succeeds, the files of entries it did not write again
   are deleted; when it fails, those entries are put back wherever their
   files are intact, so the previous figures stay listed.
3. At the end, :func:`analysis.figures.verify` checks that every listed file
   exists with its recorded sha256 (else the run fails) and reports files
   the manifest does not list.

A failing cell stops the run with :class:`NotebookError`, whose one-line
message names the notebook and the cell; the command line prints it and exits
non-zero. Two runs sharing a build folder (so, by default, the same figures
folder) at once are refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from analysis import figures, paths
from analysis.errors import AnalysisError

#: Seed for every random draw in the notebooks (bootstrap intervals).
DEFAULT_SEED = 20201001
#: Seconds a single cell may run before the run is failed.
CELL_TIMEOUT = 900
#: Seconds to wait for a kernel to start (papermill's default is 60).
START_TIMEOUT = 120
#: The kernel every notebook is stored with and executed in.
KERNEL = "python3"
#: The notebook with the written study, exported to HTML by :func:`study`.
STUDY = "07-study"
#: Environment of the kernels: no display, fixed hash seed and fixed
#: timestamps for any tool that honours SOURCE_DATE_EPOCH (reproducible-builds.org).
KERNEL_ENVIRONMENT = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "0"}

#: nbconvert's "lab" template without the scripts it loads from a CDN: the
#: exported study is one self-contained page that makes no network request.
HTML_TEMPLATE = paths.PACKAGE / "templates" / "study.html.j2"

_NOTEBOOK = re.compile(r"^\d\d-[\w-]+\.ipynb$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

Log = Callable[[str], None]


class NotebookError(AnalysisError):
    """A notebook failed to execute."""


def notebooks(folder: str | Path | None = None) -> list[Path]:
    """The suite's notebooks in execution order.

    Args:
        folder: where the notebooks are (default: ``notebooks/``).

    Returns:
        Paths of the ``NN-name.ipynb`` files, sorted by name.

    Example:
        >>> [p.name for p in notebooks()][0]
        '01-corpus.ipynb'
    """
    folder = Path(folder) if folder is not None else paths.NOTEBOOKS
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if _NOTEBOOK.match(p.name))


def select(only: Sequence[str] | None = None, *, folder: str | Path | None = None) -> list[Path]:
    """The notebooks a run executes: all, or those whose name starts with a prefix in ``only``.

    Args:
        only: name prefixes such as ``["01", "04-actors"]``; None or empty for all.
        folder: where the notebooks are.

    Returns:
        The selected notebooks in execution order.

    Raises:
        NotebookError: when a prefix matches no notebook, or there is none.

    Example:
        >>> [p.name for p in select(["01"])]
        ['01-corpus.ipynb']
    """
    folder = Path(folder) if folder is not None else paths.NOTEBOOKS
    found = notebooks(folder)
    if not found:
        raise NotebookError(f"{folder}: no notebooks named NN-name.ipynb")
    if not only:
        return found
    for prefix in only:
        if not any(nb.name.startswith(prefix) for nb in found):
            raise NotebookError(f"--only {prefix}: no notebook in {folder} starts with {prefix!r}")
    return [nb for nb in found if any(nb.name.startswith(prefix) for prefix in only)]


def build_folder(out: str | Path) -> Path:
    """Where a run writes executed notebooks (``notebooks/``) and the study (``study/``).

    Args:
        out: the figures folder of the run.

    Returns:
        ``build/`` in the repository for the default figures folder, otherwise
        ``<out>-build`` beside ``out``.

    Example:
        >>> build_folder(paths.FIGURES) == paths.BUILD
        True
        >>> build_folder("/tmp/plain-figs").name
        'plain-figs-build'
    """
    out = Path(out).resolve()
    if out == paths.FIGURES.resolve():
        return paths.BUILD
    return out.parent / f"{out.name}-build"


def check_text(text: str | Path) -> Path:
    """Check that an article can be analysed before any kernel starts.

    Args:
        text: path to a plain-text article.

    Returns:
        The absolute path.

    Raises:
        InputError: one line naming the file and what is wrong (missing, a
            folder, empty, binary, not decodable), from :func:`analysis.corpus.load`.

    Example:
        >>> check_text(paths.SEED_TEXT) == paths.SEED_TEXT
        True
    """
    from analysis import corpus

    path = Path(text).expanduser().resolve()
    corpus.load(path)
    return path


def _first_line(text: str) -> str:
    lines = [line.strip() for line in _ANSI.sub("", text or "").splitlines() if line.strip()]
    return lines[0] if lines else ""


def _stored_index(notebook: Path, executed_index: int) -> int:
    """Map a cell index of the executed copy back to the stored notebook (1-based)."""
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    injected_at = tagged[0] + 1 if tagged else 0
    return (executed_index if executed_index < injected_at else executed_index - 1) + 1


def _last_started(notebook: Path, target: Path) -> str:
    """", cell N (first line)" for the last cell that started running, from the executed copy."""
    import nbformat

    try:
        cells = nbformat.read(target, as_version=4).cells
    except Exception:  # no copy written yet: the kernel never started
        return ""
    started = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ""
    return f", cell {_stored_index(notebook, started[-1])} ({_first_line(cells[started[-1]].source)[:60]})"


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels started inside, then restore them."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(notebook: str | Path, *, text: str | Path, out: str | Path, seed: int = DEFAULT_SEED,
            build: str | Path | None = None, extra: dict | None = None) -> Path:
    """Execute one notebook with parameters; return the executed copy's path.

    Args:
        notebook: the stored notebook.
        text: the article (``TEXT``).
        out: the figures folder (``OUT``).
        seed: the random seed (``SEED``).
        build: build folder; the copy goes to ``<build>/notebooks/`` (default
            :func:`build_folder` of ``out``).
        extra: further parameters to inject.

    Returns:
        Path of the executed copy.

    Raises:
        NotebookError: one line naming the notebook, the failing cell (its
            1-based position in the stored notebook and its first line) and
            the error; the executed copy keeps the full traceback.

    Example:
        >>> execute(paths.NOTEBOOKS / "01-corpus.ipynb", text=paths.SEED_TEXT, out=tmp)  # doctest: +SKIP
    """
    import papermill as pm
    from traitlets.config import Config

    notebook = Path(notebook).resolve()
    target_dir = (Path(build) if build is not None else build_folder(out)) / "notebooks"
    _prepare(target_dir, "--build")
    target = target_dir / notebook.name
    target.unlink(missing_ok=True)  # never report a cell of an earlier run's copy
    parameters = {"TEXT": str(text), "OUT": str(out), "SEED": int(seed), **(extra or {})}
    sockets = tempfile.TemporaryDirectory(prefix="analysis-kernel-")
    config = Config()
    # Local (IPC) sockets in a private folder: no open TCP port, nothing written beside the notebook.
    config.KernelManager.transport = "ipc"
    config.KernelManager.connection_file = str(Path(sockets.name) / "kernel.json")
    try:
        with _environment(KERNEL_ENVIRONMENT):
            pm.execute_notebook(str(notebook), str(target), parameters=parameters, kernel_name=KERNEL,
                                cwd=str(notebook.parent), progress_bar=False, log_output=False,
                                start_timeout=START_TIMEOUT, execution_timeout=CELL_TIMEOUT,
                                report_mode=False, config=config)
    except pm.PapermillExecutionError as exc:
        cell = _stored_index(notebook, exc.cell_index)
        source = _first_line(exc.source)
        error = _first_line(exc.evalue)
        raise NotebookError(f"{notebook.name}, cell {cell} ({source[:60]}): {exc.ename}"
                            f"{': ' + error[:200] if error else ''} (traceback in {target})") from None
    except Exception as exc:  # kernel died, timed out or could not start
        detail = _first_line(str(exc)) or type(exc).__name__
        where = _last_started(notebook, target)
        raise NotebookError(f"{notebook.name}{where}: {type(exc).__name__}: {detail[:200]} "
                            f"(executed copy: {target})") from None
    finally:
        sockets.cleanup()
    return target


def _prepare(folder: Path, option: str = "--out") -> None:
    """Create a folder the run writes to, or fail with one line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise figures.FigureError(f"{option} {folder}: cannot create the folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise figures.FigureError(f"{option} {folder}: folder is not writable")


def _remove_orphans(out: Path, suite: set[str], log: Log) -> None:
    """Step 1: drop entries whose notebook is not in the suite any more."""
    for name in figures.remove_temporary(out):
        log(f"removed leftover temporary file {name}")
    for figure_id, entry in sorted(figures.read_manifest(out)["figures"].items()):
        if entry.get("notebook") not in suite:
            figures.remove(figure_id, out=out)
            log(f"removed {figure_id}: made by {entry.get('notebook')}, which is not in the suite")


def _run_one(nb: Path, *, text: Path, out: Path, seed: int, build: Path, log: Log) -> Path:
    """Step 2: run one notebook; prune or restore its previous entries."""
    previous = [figures.remove(figure_id, out=out, keep_files=True)
                for figure_id, entry in sorted(figures.read_manifest(out)["figures"].items())
                if entry.get("notebook") == nb.stem]
    try:
        executed = execute(nb, text=text, out=out, seed=seed, build=build)
    except BaseException:
        current = figures.read_manifest(out)["figures"]
        for entry in previous:
            if entry["id"] not in current:
                figures.restore(entry, out=out)
        raise
    for name in figures.prune(previous, out=out):
        log(f"removed {name}: {nb.stem} no longer writes it")
    return executed


def _check(out: Path, log: Log) -> None:
    """Step 3: the manifest must list exactly the files present."""
    problems = figures.verify(out)
    broken = problems[problems["problem"] != "unlisted"]
    for name in problems.loc[problems["problem"] == "unlisted", "file"]:
        log(f"warning: {out / name} is not in the manifest (not written by the suite)")
    if not broken.empty:
        first = broken.iloc[0]
        raise figures.FigureError(f"{out / figures.MANIFEST}: {len(broken)} listed file(s) missing or changed, "
                                  f"e.g. {first['file']} ({first['problem']})")



def run(*, text: str | Path | None = None, out: str | Path | None = None, seed: int = DEFAULT_SEED,
        build: str | Path | None = None, only: Sequence[str] | None = None,
        folder: str | Path | None = None, log: Log | None = None) -> list[Path]:
    """Execute the notebooks in order on ``text``, writing figures and manifest under ``out``.

    Args:
        text: the article (default: the seed, ``paths.SEED_TEXT``).
        out: the figures folder (default: ``figures/``, ``paths.FIGURES``).
        seed: the random seed passed to every notebook.
        build: build folder for executed copies (default :func:`build_folder`).
        only: notebook name prefixes to run (default: all).
        folder: where the notebooks are (default: ``notebooks/``, ``paths.NOTEBOOKS``).
        log: called with one line per notebook and per file removed or
            reported (default: silent).

    Returns:
        Paths of the executed copies, in order.

    Raises:
        InputError: the article cannot be read.
        NotebookError: a notebook failed (names notebook and cell).
        FigureError: the folder is unusable or busy, or the manifest does not
            match the files at the end.

    Example:
        >>> run(text="article.txt", out="/tmp/article-figs")  # doctest: +SKIP
    """
    log = log or (lambda line: None)
    text = check_text(text if text is not None else paths.SEED_TEXT)
    out = Path(out if out is not None else paths.FIGURES).expanduser().resolve()
    selected = select(only, folder=folder)
    build = Path(build).resolve() if build is not None else build_folder(out)
    _prepare(out)
    _prepare(build / "notebooks", "--build")
    done = []
    with figures.locked(build / "notebooks", wait=False):
        _remove_orphans(out, {nb.stem for nb in notebooks(folder)}, log)
        for i, nb in enumerate(selected, 1):
            started = time.perf_counter()
            done.append(_run_one(nb, text=text, out=out, seed=seed, build=build, log=log))
            log(f"[{i}/{len(selected)}] {nb.name} ({time.perf_counter() - started:.1f} s)")
        _check(out, log)
    return done


def export_html(executed: str | Path, target: str | Path) -> Path:
    """Export an executed notebook to HTML without code cells (a readable paper).

    The page is self-contained: styles are inlined, figures embedded as data
    URIs, and the template (:data:`HTML_TEMPLATE`) loads no script from the
    network (no require.js, MathJax or Mermaid), so it reads the same offline;
    TeX math, if any, shows as its source text. The same notebook always gives
    the same bytes.

    Args:
        executed: an executed notebook.
        target: the HTML file to write (atomically).

    Returns:
        The HTML path.

    Example:
        >>> export_html("build/notebooks/07-study.ipynb", "build/study/07-study.html")  # doctest: +SKIP
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_file=str(HTML_TEMPLATE), exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    nb = nbformat.read(str(executed), as_version=4)
    nb.cells = [c for c in nb.cells if "parameters" not in c.metadata.get("tags", [])
                and "injected-parameters" not in c.metadata.get("tags", [])]
    headings = [c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                if c.cell_type == "markdown" and c.source.startswith("# ")]
    title = headings[0] if headings else Path(executed).stem
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return figures.write_bytes(target, body.encode("utf-8"))


def study(*, text: str | Path | None = None, out: str | Path | None = None, seed: int = DEFAULT_SEED,
          build: str | Path | None = None, html: str | Path | None = None, with_figures: bool = True,
          folder: str | Path | None = None, log: Log | None = None) -> Path:
    """Execute the written study and export it to HTML.

    Args:
        text, out, seed, build, folder, log: as for :func:`run`.
        html: the HTML file (default ``<build>/study/07-study.html``).
        with_figures: first execute every notebook before the study, so that
            it cites figures made from this text by this code; False runs the
            study alone against the figures already in ``out``.

    Returns:
        Path of the HTML file.

    Example:
        >>> study(out="/tmp/article-figs")  # doctest: +SKIP
    """
    names = [nb.name for nb in notebooks(folder)]
    if f"{STUDY}.ipynb" not in names:
        raise NotebookError(f"{folder or paths.NOTEBOOKS}: no {STUDY}.ipynb")
    only = [n[:-len(".ipynb")] for n in names if n <= f"{STUDY}.ipynb"] if with_figures else [STUDY]
    executed = run(text=text, out=out, seed=seed, build=build, only=only, folder=folder, log=log)[-1]
    out = Path(out if out is not None else paths.FIGURES).expanduser().resolve()
    build = Path(build).resolve() if build is not None else build_folder(out)
    target = Path(html) if html is not None else build / "study" / f"{STUDY}.html"
    return export_html(executed, target)
