"""The notebooks: stored clean, parameterised, and executed headless.

Static checks run on every ``notebooks/NN-*.ipynb`` as stored in git. The
execution tests run the whole suite three times, once per test session
(session-scoped fixtures): on the seed, again on the seed into the same folder
(figure hashes must not change), and on a plain article with no headings and
no furniture (``tests/data/plain_article.txt``), which must give the same set
of figure ids.
"""

from __future__ import annotations

import ast
import hashlib
import re
import struct
from types import SimpleNamespace

import nbformat
import pytest

from analysis import __version__, corpus, figures, paths, pipeline

PLAIN = paths.ROOT / "tests" / "data" / "plain_article.txt"
NOTEBOOKS = pipeline.notebooks()
PARAMETERS = {"TEXT", "OUT", "SEED"}
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
#: Notebooks whose input is a corpus (the seed among other texts): their
#: manifest entries carry the corpus's sha256, not the article's.
CORPUS_NOTEBOOKS = {"08-corpus"}
#: Widest PNG allowed, in inches: a full page (190 mm) plus 10% for the
#: margin that ``bbox_inches="tight"`` adds; wider figures would be shrunk
#: below the house type size when printed.
MAX_WIDTH_INCHES = figures.PAGE_WIDTH * 1.1
#: Marker the study prints for a cited figure that is not in the manifest.
MISSING = figures.Citations.MISSING


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def parse(source: str) -> ast.Module:
    """Parse a code cell, blanking IPython magics and shell escapes."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def saved_ids(nb) -> list[str]:
    """Literal ids passed to figures.save / figures.save_table in a notebook."""
    ids = []
    for cell in code_cells(nb):
        for node in ast.walk(parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"save", "save_table"}
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "figures"):
                args = node.args[1:2] + [k.value for k in node.keywords if k.arg in {"figure_id", "table_id"}]
                ids += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return ids


def snapshot(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# --- stored notebooks -------------------------------------------------------


def test_the_suite_has_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "01-corpus.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs_or_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(code_cells(nb)):
        assert cell.outputs == [], f"{path.name}: code cell {i + 1} has outputs"
        assert cell.execution_count is None, f"{path.name}: code cell {i + 1} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec_is_python3(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec") == KERNELSPEC


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected exactly one cell tagged 'parameters'"
    assert tagged[0] is cells[0], f"{path.name}: the parameters cell must be the first code cell"
    assigned = {t.id for node in parse(tagged[0].source).body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    assert PARAMETERS <= assigned, f"{path.name}: parameters cell lacks {sorted(PARAMETERS - assigned)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_a_markdown_title_and_names_itself_to_the_figure_helper(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = "\n".join(c.source for c in code_cells(nb))
    if "figures.use(" in code:
        assert f'notebook="{path.stem}"' in code, f"{path.name}: figures.use(notebook=...) is not {path.stem!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_paths_relative_to_the_working_directory(path):
    nb = nbformat.read(path, as_version=4)
    for cell in code_cells(nb):
        assert not re.search(r"""["'](\.\./|\./|/work/|/tmp/|/home/)""", cell.source), \
            f"{path.name}: use analysis.paths instead of a literal path: {cell.source[:80]!r}"


def test_figure_ids_are_valid_and_unique_across_notebooks():
    owner = {}
    for path in NOTEBOOKS:
        for figure_id in saved_ids(nbformat.read(path, as_version=4)):
            assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", figure_id), f"{path.name}: bad id {figure_id!r}"
            assert owner.setdefault(figure_id, path.name) == path.name, \
                f"figure id {figure_id!r} saved by both {owner[figure_id]} and {path.name}"


# --- headless execution -----------------------------------------------------


def _run(base, text):
    out, build = base / "figs", base / "build"
    done = pipeline.run(text=text, out=out, build=build)
    return SimpleNamespace(out=out, build=build, done=done, text=text)


@pytest.fixture(scope="session")
def seed_runs(tmp_path_factory):
    """The whole suite on the seed, twice into the same folder."""
    first = _run(tmp_path_factory.mktemp("seed"), paths.SEED_TEXT)
    first.files = snapshot(first.out)
    first.manifest = figures.read_manifest(first.out)
    second = _run(first.out.parent, paths.SEED_TEXT)
    second.first = first
    return second


@pytest.fixture(scope="session")
def plain_run(tmp_path_factory):
    """The whole suite on a plain article with no headings and no furniture."""
    return _run(tmp_path_factory.mktemp("plain"), PLAIN)


def entries(run):
    return figures.read_manifest(run.out)["figures"]


@pytest.mark.notebooks
def test_every_notebook_executes_headless_into_the_build_folder(seed_runs):
    assert [p.name for p in seed_runs.done] == [p.name for p in NOTEBOOKS]
    assert all(p.parent == seed_runs.build / "notebooks" for p in seed_runs.done)
    for path in seed_runs.done:
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in code_cells(nb) for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors[0].ename}"


@pytest.mark.notebooks
def test_second_run_reproduces_identical_figure_hashes(seed_runs):
    now = snapshot(seed_runs.out)
    before = seed_runs.first.files
    assert sorted(now) == sorted(before)
    changed = [name for name in now if name != figures.MANIFEST and now[name] != before[name]]
    assert not changed, f"files differ between two runs: {changed[:5]}"
    assert {k: v["files"] for k, v in entries(seed_runs).items()} == \
        {k: v["files"] for k, v in seed_runs.first.manifest["figures"].items()}


@pytest.mark.notebooks
def test_manifest_lists_exactly_the_files_present(seed_runs):
    assert figures.verify(seed_runs.out).empty
    listed = {name for entry in entries(seed_runs).values() for name in entry["files"]}
    present = {p.name for p in seed_runs.out.iterdir() if p.is_file()} - {figures.MANIFEST}
    assert listed == present


@pytest.mark.notebooks
def test_manifest_entries_trace_each_figure(seed_runs):
    stems = {p.stem for p in NOTEBOOKS}
    sha = corpus.load(paths.SEED_TEXT).meta["sha256"]
    assert entries(seed_runs)
    for figure_id, entry in entries(seed_runs).items():
        assert entry["id"] == figure_id
        assert entry["notebook"] in stems
        assert entry["caption"].strip(), f"{figure_id}: no caption"
        if entry["notebook"] in CORPUS_NOTEBOOKS:
            assert re.fullmatch(r"[0-9a-f]{64}", entry["input_sha256"]), figure_id
        else:
            assert entry["input_sha256"] == sha, figure_id
        assert entry["package_version"] == __version__
        assert entry["git_commit"]
        expected = {"csv"} if entry["kind"] == "table" else {"png", "svg", "csv"}
        assert {name.rsplit(".", 1)[1] for name in entry["files"]} == expected, figure_id


@pytest.mark.notebooks
def test_figure_files_carry_no_dates_or_versions(seed_runs):
    for path in sorted(seed_runs.out.glob("*.png")):
        data = path.read_bytes()
        kinds, i, dpi = set(), 8, 0
        while i < len(data):
            (length,) = struct.unpack(">I", data[i:i + 4])
            kind = data[i + 4:i + 8]
            kinds.add(kind)
            if kind == b"pHYs":
                dpi = struct.unpack(">I", data[i + 8:i + 12])[0] / 39.3701
            i += 12 + length
        assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}, path.name
        assert dpi >= 200, path.name
        width = struct.unpack(">I", data[16:20])[0] / dpi
        assert width <= MAX_WIDTH_INCHES, f"{path.name} is {width:.1f} in wide"
    for path in sorted(seed_runs.out.glob("*.svg")):
        svg = path.read_text()
        assert "<dc:date>" not in svg and "Matplotlib v" not in svg, path.name


@pytest.mark.notebooks
def test_plain_article_gives_the_full_figure_set(seed_runs, plain_run):
    assert [p.name for p in plain_run.done] == [p.name for p in NOTEBOOKS]
    assert sorted(entries(plain_run)) == sorted(entries(seed_runs))
    assert figures.verify(plain_run.out).empty
    sha = corpus.load(PLAIN).meta["sha256"]
    assert {e["input_sha256"] for e in entries(plain_run).values() if e["notebook"] not in CORPUS_NOTEBOOKS} == {sha}


def _study_text(run) -> str:
    path = run.build / "notebooks" / f"{pipeline.STUDY}.ipynb"
    if not path.exists():
        pytest.skip(f"no {pipeline.STUDY} notebook")
    nb = nbformat.read(path, as_version=4)
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for cell in code_cells(nb):
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


@pytest.mark.notebooks
@pytest.mark.parametrize("which", ["seed_runs", "plain_run"])
def test_study_cites_every_figure_by_id(request, which):
    run = request.getfixturevalue(which)
    text = _study_text(run)
    assert MISSING not in text
    assert "made from another input" not in text
    earlier = [fid for fid, e in entries(run).items() if e["notebook"] < pipeline.STUDY]
    uncited = [fid for fid in earlier if f"`{fid}`" not in text and fid not in text]
    assert not uncited, f"the study does not cite {uncited}"


@pytest.mark.notebooks
def test_study_exports_to_html_without_code(seed_runs, tmp_path):
    executed = seed_runs.build / "notebooks" / f"{pipeline.STUDY}.ipynb"
    if not executed.exists():
        pytest.skip(f"no {pipeline.STUDY} notebook")
    html = pipeline.export_html(executed, tmp_path / "study.html").read_text()
    assert "Research questions" in html
    assert "figures.use(" not in html
