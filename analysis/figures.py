"""Saving figures reproducibly, with the table behind each, and the house style.

One helper, :func:`save`, writes every figure of the suite:

- ``<out>/<id>.png`` (:data:`PNG_DPI` dpi) and ``<out>/<id>.svg`` with no
  date or software version in their metadata and a fixed ``svg.hashsalt``, so
  the same inputs and versions give byte-identical files;
- ``<out>/<id>.csv``, the data table the figure was drawn from;
- an entry in ``<out>/manifest.json``: id, files, caption, notebook, sha256 of
  each file, sha256 of the input text, package version and git commit.

Every file is written to a temporary file in the same folder and renamed into
place, so an interrupted run never leaves a half-written figure or manifest.

Figure ids are named for their content (``sentence-length-distribution``),
never for a place in a manuscript: lower-case words joined by hyphens.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import __version__, paths  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402

#: Resolution of PNG files; journals ask for at least 300 dpi for line art.
PNG_DPI = 300
#: Width of one journal column and of a full page, in inches (Elsevier and
#: Springer single-column 90 mm, double-column 190 mm).
COLUMN_WIDTH = 3.54
PAGE_WIDTH = 7.48
#: Salt for the ids matplotlib writes into SVG files (any fixed string).
SVG_HASHSALT = "sino-russian-discourse"
#: Okabe & Ito (2008) colour-blind-safe palette, in their order.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
#: Fixed colours for the leading actors, the same in every figure.
ACTOR_COLOURS = {
    "russia": "#D55E00",
    "china": "#E69F00",
    "united_states": "#0072B2",
    "west": "#56B4E9",
    "putin": "#CC79A7",
    "xi_jinping": "#009E73",
}
#: Neutral grey for "other" or for context marks (section boundaries).
GREY = "#7F7F7F"
MANIFEST = "manifest.json"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_session: dict = {"out": None, "notebook": None, "input_sha256": None}


class FigureError(AnalysisError):
    """A figure id or output folder is unusable."""


def style() -> None:
    """Apply the house style: journal column width, readable type, Okabe-Ito colours."""
    plt.rcParams.update(
        {
            "figure.figsize": (COLUMN_WIDTH * 1.6, COLUMN_WIDTH),
            "figure.dpi": 100,
            "savefig.dpi": PNG_DPI,
            "savefig.bbox": "tight",
            "font.size": 8,
            "axes.titlesize": 9,
            "axes.labelsize": 8,
            "legend.fontsize": 7,
            "xtick.labelsize": 7,
            "ytick.labelsize": 7,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
            "pdf.fonttype": 42,
        }
    )


def actor_colour(actor: str) -> str:
    """The colour of an actor in every figure (fixed for leading actors, stable otherwise)."""
    if actor in ACTOR_COLOURS:
        return ACTOR_COLOURS[actor]
    digest = int(hashlib.sha256(actor.encode("utf-8")).hexdigest(), 16)
    return OKABE_ITO[digest % len(OKABE_ITO)]


def use(*, out: str | Path | None = None, notebook: str | None = None, input_sha256: str | None = None) -> Path:
    """Set where figures go and what produced them, for the rest of the session.

    Notebooks call this once in their set-up cell.

    Returns:
        The output folder (created if needed).
    """
    folder = Path(out) if out is not None else paths.FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    _session.update(out=folder.resolve(), notebook=notebook, input_sha256=input_sha256)
    style()
    return folder


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_commit() -> str:
    """The commit of the working tree (``-dirty`` when it has uncommitted changes)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True,
                              text=True, check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "analysis",
                                "notebooks", "pyproject.toml"], cwd=paths.ROOT, capture_output=True,
                               text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def render(fig) -> dict[str, bytes]:
    """Render a figure to PNG and SVG bytes without dates or versions."""
    with plt.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return {"png": png.getvalue(), "svg": svg.getvalue()}


def table_bytes(data: pd.DataFrame) -> bytes:
    """CSV bytes of a table, with fixed float formatting and line endings."""
    return data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode("utf-8")


def read_manifest(out: str | Path) -> dict:
    """The manifest of a figures folder (empty when there is none)."""
    path = Path(out) / MANIFEST
    if not path.is_file():
        return {"figures": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(out: str | Path, manifest: Mapping) -> None:
    """Write a manifest atomically, with sorted keys."""
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write(Path(out) / MANIFEST, text.encode("utf-8"))


def save(fig, figure_id: str, *, data: pd.DataFrame | None = None, caption: str = "",
         out: str | Path | None = None, notebook: str | None = None,
         input_sha256: str | None = None) -> dict:
    """Save a figure as PNG and SVG, its data as CSV, and record it in the manifest.

    Args:
        fig: a matplotlib figure.
        figure_id: stable id named for the content, e.g. ``"frame-frequency"``.
        data: the table the figure shows; written beside it as CSV.
        caption: one or two sentences, as a reader of the study would see them.
        out, notebook, input_sha256: default to the values given to :func:`use`.

    Returns:
        The manifest entry written for this figure.
    """
    if not _ID.match(figure_id):
        raise FigureError(f"figure id {figure_id!r}: use lower-case words joined by hyphens")
    folder = Path(out) if out is not None else (_session["out"] or paths.FIGURES)
    folder.mkdir(parents=True, exist_ok=True)
    blobs = render(fig)
    if data is not None:
        blobs["csv"] = table_bytes(data)
    files = {}
    for ext, blob in sorted(blobs.items()):
        name = f"{figure_id}.{ext}"
        _atomic_write(folder / name, blob)
        files[name] = _sha256(blob)
    entry = {
        "id": figure_id,
        "caption": caption,
        "files": files,
        "notebook": notebook or _session["notebook"],
        "input_sha256": input_sha256 or _session["input_sha256"],
        "package_version": __version__,
        "git_commit": git_commit(),
    }
    manifest = read_manifest(folder)
    manifest.setdefault("figures", {})[figure_id] = entry
    write_manifest(folder, manifest)
    return entry
