"""Executing the notebooks headless, in order, with parameters.

The suite's notebooks are executed with papermill, which injects the
parameters (``TEXT``, ``OUT``, ``SEED``) after each notebook's cell tagged
``parameters`` and records every cell's output. Executed copies are written
to ``build/notebooks/`` (or ``<OUT>/../build`` for another output folder);
the committed notebooks are never overwritten.

A failing cell stops the run with :class:`NotebookError`, whose one-line
message names the notebook and the cell; the command line prints it and exits
non-zero.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis import paths
from analysis.errors import AnalysisError

#: Seed for every random draw in the notebooks (bootstrap intervals).
DEFAULT_SEED = 20201001
#: Seconds a single cell may run before the run is failed.
CELL_TIMEOUT = 900
#: The kernel every notebook is stored with and executed in.
KERNEL = "python3"


class NotebookError(AnalysisError):
    """A notebook failed to execute."""


def notebooks(folder: Path = paths.NOTEBOOKS) -> list[Path]:
    """The suite's notebooks in execution order (``NN-name.ipynb``)."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def execute(notebook: Path, *, text: Path, out: Path, seed: int = DEFAULT_SEED,
            build: Path | None = None, extra: dict | None = None) -> Path:
    """Execute one notebook with parameters; return the executed copy's path.

    Raises:
        NotebookError: naming the notebook and the failing cell.
    """
    import papermill as pm

    build = Path(build) if build is not None else paths.BUILD / "notebooks"
    build.mkdir(parents=True, exist_ok=True)
    target = build / notebook.name
    parameters = {"TEXT": str(text), "OUT": str(out), "SEED": seed, **(extra or {})}
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        pm.execute_notebook(str(notebook), str(target), parameters=parameters, kernel_name=KERNEL,
                            cwd=str(notebook.parent), progress_bar=False, log_output=False,
                            execution_timeout=CELL_TIMEOUT, report_mode=False)
    except pm.PapermillExecutionError as exc:
        first = (exc.evalue or exc.ename).splitlines()[0] if (exc.evalue or exc.ename) else exc.ename
        raise NotebookError(f"{notebook.name}: cell {exc.exec_count} failed: {exc.ename}: {first} "
                            f"(executed copy: {target})") from None
    return target


def run(*, text: Path = paths.SEED_TEXT, out: Path = paths.FIGURES, seed: int = DEFAULT_SEED,
        build: Path | None = None, only: list[str] | None = None) -> list[Path]:
    """Execute every notebook in order on ``text``, writing figures under ``out``."""
    text, out = Path(text).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for nb in notebooks():
        if only and not any(nb.name.startswith(o) for o in only):
            continue
        done.append(execute(nb, text=text, out=out, seed=seed, build=build))
    return done
