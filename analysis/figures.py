"""Saving figures reproducibly, with the table behind each, and the house style.

One helper, :func:`save`, writes every figure of the suite:

- ``<out>/<id>.png`` (:data:`PNG_DPI` dpi) and ``<out>/<id>.svg`` with no
  date or software version in their metadata and a fixed ``svg.hashsalt``, so
  the same inputs and versions give byte-identical files;
- ``<out>/<id>.csv``, the data table the figure was drawn from;
- an entry in ``<out>/manifest.json``: id, kind, files, caption, notebook,
  sha256 of each file, sha256 of the input text, package version and git
  commit.

:func:`save_table` does the same for a table that is not drawn (an evidence
table, a keyword list): ``<out>/<id>.csv`` plus a manifest entry of kind
``table``.

Every file is written to a temporary file in the same folder and renamed into
place, so an interrupted run never leaves a half-written figure, table or
manifest; the manifest's read-modify-write is serialised by an advisory lock on the folder
itself, so two writers never lose each other's entries.
:func:`verify` checks that the manifest lists exactly the files present and
that each file still has the recorded sha256.

Figure ids are named for their content (``sentence-length-distribution``),
never for a place in a manuscript: lower-case words joined by hyphens.

The house style (:func:`style`, applied by :func:`use`) sizes figures for one
journal column, sets type that stays readable at that width, and draws with
the Okabe & Ito (2008) colour-blind-safe palette; :func:`actor_colour` gives
an actor the same colour in every figure.

References:
    Okabe, M. & Ito, K. (2008). Color Universal Design (CUD): how to make
    figures and presentations that are friendly to colorblind people.
    https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import __version__, paths  # noqa: E402
from analysis.errors import AnalysisError  # noqa: E402

try:  # POSIX advisory locks; on other systems writers are not serialised
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

#: Resolution of PNG files. The issue asks for at least 200 dpi; 300 dpi is
#: what Elsevier's and Springer's artwork guidelines ask for combination art.
PNG_DPI = 300
#: Width of one journal column and of a full page, in inches (Elsevier and
#: Springer single-column 90 mm, double-column 190 mm).
COLUMN_WIDTH = 3.54
PAGE_WIDTH = 7.48
#: Default height as a share of the width (4:3, a common default that leaves
#: room for a legend below a bar chart).
ASPECT = 0.75
#: Type size at final print size, in points. Nature's figure guide asks for
#: 5-7 pt; 7 pt is the top of that range and stays readable in one column.
FONT_SIZE = 7
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
#: Kinds of manifest entries.
KINDS = ("figure", "table")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Temporary files left by :func:`_atomic_write` when a process was killed.
TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")

_session: dict = {"out": None, "notebook": None, "input_sha256": None}


class FigureError(AnalysisError):
    """A figure id, output folder or manifest is unusable."""


def style() -> None:
    """Apply the house style: journal column width, readable type, Okabe-Ito colours.

    Returns:
        None. Changes ``matplotlib.pyplot.rcParams`` for the session.

    Example:
        >>> style()
        >>> plt.rcParams["figure.figsize"][0] == COLUMN_WIDTH
        True
    """
    plt.rcParams.update(
        {
            "figure.figsize": (COLUMN_WIDTH, round(COLUMN_WIDTH * ASPECT, 2)),
            "figure.dpi": 100,
            "savefig.dpi": PNG_DPI,
            "savefig.bbox": "tight",
            "savefig.pad_inches": 0.03,
            "font.family": "DejaVu Sans",
            "font.size": FONT_SIZE,
            "axes.titlesize": FONT_SIZE + 1,
            "axes.labelsize": FONT_SIZE,
            "legend.fontsize": FONT_SIZE - 1,
            "legend.frameon": False,
            "xtick.labelsize": FONT_SIZE - 1,
            "ytick.labelsize": FONT_SIZE - 1,
            "axes.linewidth": 0.6,
            "lines.linewidth": 1.2,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
            "image.cmap": "cividis",
            "svg.hashsalt": SVG_HASHSALT,
            "svg.fonttype": "path",
            "pdf.fonttype": 42,
        }
    )


def actor_colour(actor: str) -> str:
    """The colour of an actor in every figure.

    Args:
        actor: an actor id such as ``"russia"`` (see :mod:`analysis.actors`).

    Returns:
        A hex colour: fixed for the leading actors (:data:`ACTOR_COLOURS`), and
        for any other id a colour of the Okabe-Ito palette chosen by a hash of
        the id, so it is the same in every figure and every run.

    Example:
        >>> actor_colour("russia")
        '#D55E00'
        >>> actor_colour("lavrov") == actor_colour("lavrov")
        True
    """
    if actor in ACTOR_COLOURS:
        return ACTOR_COLOURS[actor]
    digest = int(hashlib.sha256(actor.encode("utf-8")).hexdigest(), 16)
    return OKABE_ITO[digest % len(OKABE_ITO)]


def use(*, out: str | Path | None = None, notebook: str | None = None, input_sha256: str | None = None) -> Path:
    """Set where figures go and what produced them, for the rest of the session.

    Notebooks call this once in their set-up cell; it also applies :func:`style`.

    Args:
        out: the figures folder (default: ``figures/`` in the repository).
        notebook: the notebook's name without extension, e.g. ``"02-framing"``.
        input_sha256: sha256 of the analysed text (``doc.meta["sha256"]``).

    Returns:
        The output folder (created if needed).

    Example:
        >>> folder = use(out=tmp, notebook="01-corpus", input_sha256="0" * 64)  # doctest: +SKIP
    """
    folder = Path(out) if out is not None else paths.FIGURES
    folder.mkdir(parents=True, exist_ok=True)
    _session.update(out=folder.resolve(), notebook=notebook, input_sha256=input_sha256)
    style()
    return folder


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write a file atomically (temporary file in the same folder, then rename).

    Args:
        path: the file to write; its folder is created if needed.
        data: the complete contents.

    Returns:
        The path written.

    Example:
        >>> write_bytes(tmp / "notes.txt", b"text")  # doctest: +SKIP
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(path, data)
    return path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, as lower-case hex.

    Args:
        path: the file.

    Returns:
        64 hexadecimal digits, as recorded in the manifest.

    Example:
        >>> file_sha256(paths.SEED_TEXT)[:12]
        '05bdda3956d8'
    """
    return _sha256(Path(path).read_bytes())


@contextlib.contextmanager
def locked(folder: str | Path, *, wait: bool = True) -> Iterator[None]:
    """Hold an advisory lock (``flock``) on a folder itself; no lock file is written.

    Args:
        folder: an existing folder.
        wait: block until the lock is free; False raises at once instead.

    Raises:
        FigureError: when ``wait`` is False and another process holds the lock.

    Example:
        >>> with locked(tmp):  # doctest: +SKIP
        ...     manifest = read_manifest(tmp)
    """
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise FigureError(f"{folder}: in use by another run") from None
        yield
    finally:
        os.close(fd)



def git_commit() -> str:
    """The commit of the working tree (``-dirty`` when it has uncommitted changes).

    Returns:
        The full hash of ``HEAD``, with ``-dirty`` appended when ``analysis/``,
        ``notebooks/`` or ``pyproject.toml`` differ from it; ``"unknown"``
        outside a git checkout.

    Example:
        >>> len(git_commit().split("-")[0]) in (40, 7)  # doctest: +SKIP
        True
    """
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
    """Render a figure to PNG and SVG bytes without dates or versions.

    Args:
        fig: a matplotlib figure.

    Returns:
        ``{"png": bytes, "svg": bytes}``; the same figure always gives the same bytes.

    Example:
        >>> fig, ax = plt.subplots()
        >>> render(fig)["png"][:4]
        b'\\x89PNG'
    """
    with plt.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return {"png": png.getvalue(), "svg": svg.getvalue()}


def table_bytes(data: pd.DataFrame) -> bytes:
    """CSV bytes of a table, with fixed float formatting and line endings.

    Args:
        data: the table (its index is not written).

    Returns:
        UTF-8 bytes; floats with 6 significant digits, Unix line endings.

    Example:
        >>> table_bytes(pd.DataFrame({"x": [1 / 3]}))
        b'x\\n0.333333\\n'
    """
    return data.to_csv(index=False, float_format="%.6g", lineterminator="\n").encode("utf-8")


def read_manifest(out: str | Path) -> dict:
    """The manifest of a figures folder (``{"figures": {}}`` when there is none).

    Args:
        out: the figures folder.

    Returns:
        ``{"figures": {id: entry}}``.

    Example:
        >>> read_manifest(tmp)["figures"]  # doctest: +SKIP
        {}

    Raises:
        FigureError: when the file is not a valid manifest.
    """
    path = Path(out) / MANIFEST
    if not path.is_file():
        return {"figures": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FigureError(f"{path}: not a valid manifest ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("figures", {}), dict):
        raise FigureError(f"{path}: not a valid manifest (no 'figures' mapping)")
    manifest.setdefault("figures", {})
    return manifest


def write_manifest(out: str | Path, manifest: Mapping) -> None:
    """Write a manifest atomically, with sorted keys.

    Args:
        out: the figures folder.
        manifest: ``{"figures": {id: entry}}``.

    Example:
        >>> write_manifest(tmp, {"figures": {}})  # doctest: +SKIP
    """
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write(Path(out) / MANIFEST, text.encode("utf-8"))


def _folder(out: str | Path | None) -> Path:
    folder = Path(out) if out is not None else (_session["out"] or paths.FIGURES)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _record(folder: Path, figure_id: str, kind: str, blobs: Mapping[str, bytes], caption: str,
            notebook: str | None, input_sha256: str | None) -> dict:
    """Write the files of one manifest entry atomically, then the entry itself."""
    if not _ID.match(figure_id):
        raise FigureError(f"figure id {figure_id!r}: use lower-case words joined by hyphens")
    with locked(folder):
        manifest = read_manifest(folder)
        files = {}
        for ext, blob in sorted(blobs.items()):
            name = f"{figure_id}.{ext}"
            _atomic_write(folder / name, blob)
            files[name] = _sha256(blob)
        entry = {
            "id": figure_id,
            "kind": kind,
            "caption": caption,
            "files": files,
            "notebook": notebook or _session["notebook"],
            "input_sha256": input_sha256 or _session["input_sha256"],
            "package_version": __version__,
            "git_commit": git_commit(),
        }
        old = manifest["figures"].get(figure_id) or {}
        manifest["figures"][figure_id] = entry
        write_manifest(folder, manifest)
        _unlink_unreferenced(folder, manifest, set(old.get("files", {})) - set(files))
    return entry


def _unlink_unreferenced(folder: Path, manifest: Mapping, names) -> None:
    """Delete files no manifest entry lists any more (never anything else)."""
    listed = {name for entry in manifest["figures"].values() for name in entry.get("files", {})}
    for name in names:
        if name not in listed and name != MANIFEST and "/" not in name:
            (folder / name).unlink(missing_ok=True)


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
        The manifest entry written for this figure. Files that an earlier
        entry of the same id listed and this one does not (a CSV that is no
        longer written) are deleted.

    Raises:
        FigureError: for an id that is not lower-case words joined by hyphens.

    Example:
        >>> fig, ax = plt.subplots()  # doctest: +SKIP
        >>> save(fig, "words-per-section", data=table, caption="Words per section.")  # doctest: +SKIP
    """
    if not _ID.match(figure_id):
        raise FigureError(f"figure id {figure_id!r}: use lower-case words joined by hyphens")
    blobs = render(fig)
    if data is not None:
        blobs["csv"] = table_bytes(data)
    return _record(_folder(out), figure_id, "figure", blobs, caption, notebook, input_sha256)


def save_table(data: pd.DataFrame, table_id: str, *, caption: str = "", out: str | Path | None = None,
               notebook: str | None = None, input_sha256: str | None = None) -> dict:
    """Save a table (not drawn as a figure) as CSV and record it in the manifest.

    Args:
        data: the table.
        table_id: stable id named for the content, e.g. ``"sentiment-evidence"``.
        caption: what the table shows.
        out, notebook, input_sha256: default to the values given to :func:`use`.

    Returns:
        The manifest entry (kind ``"table"``).

    Example:
        >>> save_table(evidence, "sentiment-evidence", caption="Mentions and scores.")  # doctest: +SKIP
    """
    return _record(_folder(out), table_id, "table", {"csv": table_bytes(data)}, caption, notebook,
                   input_sha256)


def remove(figure_id: str, *, out: str | Path | None = None, keep_files: bool = False) -> dict | None:
    """Remove a figure's manifest entry, then its files.

    Args:
        figure_id: the id to remove.
        out: the figures folder (default: the one given to :func:`use`).
        keep_files: remove the entry only and leave the files in place (the
            pipeline does this before re-running a notebook, see
            :func:`prune` and :func:`restore`).

    Returns:
        The removed entry, or None when the manifest had no such id. Only files
        that the entry listed (and no other entry lists) are deleted.

    Example:
        >>> remove("old-figure", out=tmp)  # doctest: +SKIP
    """
    folder = _folder(out)
    with locked(folder):
        manifest = read_manifest(folder)
        entry = manifest["figures"].pop(figure_id, None)
        if entry is None:
            return None
        write_manifest(folder, manifest)
        if not keep_files:
            _unlink_unreferenced(folder, manifest, entry.get("files", {}))
    return entry


def prune(entries, *, out: str | Path | None = None) -> list[str]:
    """Delete the files of earlier entries that the current manifest no longer lists.

    Args:
        entries: manifest entries from before a run (e.g. returned by :func:`remove`
            with ``keep_files=True``).
        out: the figures folder.

    Returns:
        The file names deleted. A file that any current entry lists is kept,
        and nothing that no entry ever listed is touched.

    Example:
        >>> before = remove("frame-frequency", out=tmp, keep_files=True)  # doctest: +SKIP
        >>> prune([before], out=tmp)  # doctest: +SKIP
        ['frame-frequency.csv', 'frame-frequency.png', 'frame-frequency.svg']
    """
    folder = _folder(out)
    with locked(folder):
        manifest = read_manifest(folder)
        listed = {name for entry in manifest["figures"].values() for name in entry.get("files", {})}
        names = sorted({name for entry in entries for name in entry.get("files", {})} - listed)
        gone = [name for name in names if (folder / name).is_file()]
        _unlink_unreferenced(folder, manifest, names)
    return gone


def restore(entry: Mapping, *, out: str | Path | None = None) -> bool:
    """Put an earlier manifest entry back when all its files are intact.

    Args:
        entry: a manifest entry (as returned by :func:`remove` or read from a manifest).
        out: the figures folder.

    Returns:
        True when every listed file exists with the recorded sha256 and the
        entry was written back; False (and nothing written) otherwise.

    Example:
        >>> restore(remove("frame-frequency", out=tmp, keep_files=True), out=tmp)  # doctest: +SKIP
        True
    """
    folder = _folder(out)
    with locked(folder):
        for name, digest in entry.get("files", {}).items():
            path = folder / name
            if not path.is_file() or file_sha256(path) != digest:
                return False
        manifest = read_manifest(folder)
        if entry["id"] in manifest["figures"]:
            return False
        manifest["figures"][entry["id"]] = dict(entry)
        write_manifest(folder, manifest)
    return True


def verify(out: str | Path | None = None) -> pd.DataFrame:
    """Check that the manifest lists exactly the files present, with their sha256.

    Args:
        out: the figures folder (default: the one given to :func:`use`).

    Returns:
        One row per problem, columns ``file, id, problem`` where problem is
        ``missing`` (listed, not present), ``changed`` (present, sha256
        differs) or ``unlisted`` (a file the manifest does not list). Empty
        when the folder and its manifest agree. Sub-folders are ignored, and
        so are hidden files (temporary files of a write in progress, a
        ``.gitignore``).

    Example:
        >>> verify(tmp).empty  # doctest: +SKIP
        True
    """
    folder = Path(out) if out is not None else (_session["out"] or paths.FIGURES)
    manifest = read_manifest(folder)
    rows, listed = [], set()
    for figure_id, entry in sorted(manifest["figures"].items()):
        for name, digest in sorted(entry.get("files", {}).items()):
            listed.add(name)
            path = folder / name
            if not path.is_file():
                rows.append((name, figure_id, "missing"))
            elif file_sha256(path) != digest:
                rows.append((name, figure_id, "changed"))
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.name != MANIFEST \
                    and path.name not in listed:
                rows.append((path.name, None, "unlisted"))
    return pd.DataFrame(rows, columns=["file", "id", "problem"])


def remove_temporary(out: str | Path) -> list[str]:
    """Delete temporary files that an interrupted :func:`save` left in a folder.

    Args:
        out: the figures folder.

    Returns:
        The names deleted (hidden ``.<name>.<random>.tmp`` files only).

    Example:
        >>> remove_temporary(tmp)  # doctest: +SKIP
        ['.frame-frequency.png.k2j3h4.tmp']
    """
    folder = Path(out)
    gone = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and TEMPORARY.match(path.name):
                path.unlink(missing_ok=True)
                gone.append(path.name)
    return gone


class Citations:
    """Cite the figures of a figures folder by id, remembering which were cited.

    The written study cites every figure through one of these, so that a
    figure that was not produced shows up as ``[missing figure `id`]`` and
    the figures it never cited can be listed (:meth:`uncited`).

    Args:
        out: the figures folder (default: the one given to :func:`use`, else
            ``figures/``).
        before: only entries made by notebooks whose name sorts before this
            one are expected to be cited (e.g. ``"07-study"``); None for all.

    Example:
        >>> cite = Citations(tmp, before="07-study")  # doctest: +SKIP
        >>> cite("frame-frequency")  # doctest: +SKIP
        'Figure `frame-frequency`'
    """

    #: Marker for a cited id that the manifest does not have.
    MISSING = "missing figure"

    def __init__(self, out: str | Path | None = None, *, before: str | None = None):
        self.folder = Path(out) if out is not None else (_session["out"] or paths.FIGURES)
        self.entries = read_manifest(self.folder)["figures"]
        self.before = before
        self.cited: list[str] = []

    def __call__(self, figure_id: str) -> str:
        """A Markdown reference to a figure or table, recorded as cited."""
        if figure_id not in self.cited:
            self.cited.append(figure_id)
        entry = self.entries.get(figure_id)
        if entry is None:
            return f"[{self.MISSING} `{figure_id}`]"
        return f"{'Table' if entry.get('kind') == 'table' else 'Figure'} `{figure_id}`"

    def __contains__(self, figure_id: str) -> bool:
        return figure_id in self.entries

    def path(self, figure_id: str, ext: str = "png") -> Path | None:
        """The file of a figure (None when the manifest does not list it)."""
        name = f"{figure_id}.{ext}"
        return self.folder / name if name in self.entries.get(figure_id, {}).get("files", {}) else None

    def caption(self, figure_id: str) -> str:
        """The caption recorded for a figure ('' when unknown)."""
        return self.entries.get(figure_id, {}).get("caption", "")

    def show(self, figure_id: str, *, width: int = 480) -> None:
        """Display a figure (its PNG) and its caption in a notebook, recording it as cited.

        The image carries alternative text for screen readers: the reference
        and the caption (``Figure `id`: caption``, or the reference alone when
        there is no caption). IPython keeps it in the output's ``image/png``
        metadata, from which the exported study gives it to the ``<img>``.

        Args:
            figure_id: the id.
            width: display width in pixels (the file itself is not changed).
        """
        from IPython.display import Image, Markdown, display

        reference = self(figure_id)
        caption = self.caption(figure_id)
        path = self.path(figure_id)
        if path is not None:
            alt = f"{reference}: {caption.strip()}" if caption.strip() else reference
            display(Image(filename=str(path), width=width, alt=alt))
        display(Markdown(f"**{reference}.** {caption}"))

    def expected(self) -> list[str]:
        """Ids the study should cite: entries of earlier notebooks, by notebook then id."""
        rows = [(e.get("notebook") or "", figure_id) for figure_id, e in self.entries.items()
                if self.before is None or (e.get("notebook") or "") < self.before]
        return [figure_id for _, figure_id in sorted(rows)]

    def uncited(self) -> list[str]:
        """Expected ids not cited so far, in :meth:`expected` order."""
        return [figure_id for figure_id in self.expected() if figure_id not in self.cited]

    def table(self) -> pd.DataFrame:
        """The expected figures: ``id, kind, notebook, caption, cited, png_sha256``."""
        rows = []
        for figure_id in self.expected():
            entry = self.entries[figure_id]
            rows.append((figure_id, entry.get("kind", "figure"), entry.get("notebook"), entry.get("caption", ""),
                         figure_id in self.cited, entry.get("files", {}).get(f"{figure_id}.png", "")[:12]))
        return pd.DataFrame(rows, columns=["id", "kind", "notebook", "caption", "cited", "png_sha256"])
