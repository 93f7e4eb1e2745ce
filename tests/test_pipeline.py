"""Tests for analysis.pipeline and the figures/study commands, on tiny notebooks.

The suite's own notebooks are executed in tests/test_notebooks.py; here small
notebooks written by the tests exercise the run itself: failing cells, the
figure lifecycle (stale entries pruned, previous figures restored after a
failure), build folders, locks and the command line's error path.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import cli, figures, paths, pipeline
from analysis.errors import InputError

PLAIN = paths.ROOT / "tests" / "data" / "plain_article.txt"

SETUP = """\
from pathlib import Path
import matplotlib.pyplot as plt
from analysis import corpus, figures, paths
doc = corpus.load(TEXT or paths.SEED_TEXT)
figures.use(out=OUT or paths.FIGURES, notebook=NAME, input_sha256=doc.meta["sha256"])
control = Path(OUT).parent / "control"
"""

DRAW = """\
for figure_id in ["alpha", "beta"]:
    if (control / f"skip-{figure_id}").exists():
        continue
    fig, ax = plt.subplots()
    ax.bar([1, 2], [len(doc.body), 1])
    ax.set_ylabel("characters")
    figures.save(fig, figure_id, caption=f"Figure {figure_id}.")
"""

# A 1x1 transparent PNG, base64-encoded as notebook outputs store images.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAWB0s9gAAAABJRU5ErkJggg=="

FAIL = """\
if (control / "fail").exists():
    raise RuntimeError("told to fail")
"""


def write_notebook(path, name, *cells):
    nb = new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = new_code_cell(f'TEXT = None\nOUT = None\nSEED = 1\nNAME = "{name}"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell(f"# {name}"), params, new_code_cell(SETUP), *map(new_code_cell, cells)]
    nbformat.write(nb, path / f"{name}.ipynb")


@pytest.fixture
def suite(tmp_path):
    """A folder with one tiny notebook that draws alpha and beta, then may fail."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder, "01-draw", DRAW, FAIL)
    (tmp_path / "control").mkdir()
    return folder


def run(suite, tmp_path, **kwargs):
    lines = []
    kwargs.setdefault("text", PLAIN)
    done = pipeline.run(out=tmp_path / "figs", folder=suite, log=lines.append, **kwargs)
    return done, lines


@pytest.mark.parametrize(
    "only, expected",
    [
        (None, ["01-a.ipynb", "02-b.ipynb", "10-c.ipynb"]),
        ([], ["01-a.ipynb", "02-b.ipynb", "10-c.ipynb"]),
        (["02"], ["02-b.ipynb"]),
        (["01", "10-c"], ["01-a.ipynb", "10-c.ipynb"]),
    ],
)
def test_select_in_name_order(tmp_path, only, expected):
    for name in ["10-c", "02-b", "01-a", "notes", "1-bad"]:
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert [p.name for p in pipeline.select(only, folder=tmp_path)] == expected


def test_select_unknown_prefix_is_an_error(tmp_path):
    (tmp_path / "01-a.ipynb").write_text("{}")
    with pytest.raises(pipeline.NotebookError, match="--only 09"):
        pipeline.select(["09"], folder=tmp_path)


def test_suite_notebooks_are_found_in_order():
    names = [p.name for p in pipeline.notebooks()]
    assert names[0] == "01-corpus.ipynb" and names == sorted(names)


@pytest.mark.parametrize(
    "out, expected",
    [
        (paths.FIGURES, paths.BUILD),
        ("/tmp/plain-figs", "/tmp/plain-figs-build"),
        ("/data/x/figures", "/data/x/figures-build"),
    ],
)
def test_build_folder(out, expected):
    assert str(pipeline.build_folder(out)) == str(expected)


@pytest.mark.parametrize("content, message", [(None, "no such file"), ("", "empty")])
def test_bad_text_fails_before_any_kernel(tmp_path, suite, content, message):
    text = tmp_path / "article.txt"
    if content is not None:
        text.write_text(content)
    with pytest.raises(InputError, match=message):
        pipeline.run(text=text, out=tmp_path / "figs", folder=suite)
    assert not (tmp_path / "figs").exists()


@pytest.mark.notebooks
def test_run_writes_figures_and_executed_copy_outside_the_notebooks(suite, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "control")  # any working directory
    done, lines = run(suite, tmp_path)
    assert done == [tmp_path / "figs-build" / "notebooks" / "01-draw.ipynb"]
    assert sorted(p.name for p in suite.iterdir()) == ["01-draw.ipynb"]
    executed = nbformat.read(done[0], as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)
    stored = nbformat.read(suite / "01-draw.ipynb", as_version=4)
    assert all(c.get("outputs", []) == [] for c in stored.cells)
    manifest = figures.read_manifest(tmp_path / "figs")["figures"]
    assert sorted(manifest) == ["alpha", "beta"]
    assert {e["notebook"] for e in manifest.values()} == {"01-draw"}
    assert figures.verify(tmp_path / "figs").empty
    assert lines[-1].startswith("[1/1] 01-draw.ipynb")


@pytest.mark.notebooks
def test_failing_cell_is_named_and_previous_figures_stay(suite, tmp_path):
    run(suite, tmp_path)
    before = figures.read_manifest(tmp_path / "figs")["figures"]
    (tmp_path / "control" / "skip-beta").touch()
    (tmp_path / "control" / "fail").touch()
    with pytest.raises(pipeline.NotebookError) as info:
        run(suite, tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("01-draw.ipynb, cell 5 (if (control / \"fail\").exists():)")
    assert "RuntimeError: told to fail" in message
    assert str(tmp_path / "figs-build" / "notebooks" / "01-draw.ipynb") in message
    after = figures.read_manifest(tmp_path / "figs")["figures"]
    assert after["beta"] == before["beta"]  # not rewritten, restored
    assert sorted(after) == ["alpha", "beta"]
    assert figures.verify(tmp_path / "figs").empty


@pytest.mark.notebooks
def test_figure_no_longer_written_is_pruned_and_foreign_files_kept(suite, tmp_path):
    run(suite, tmp_path)
    out = tmp_path / "figs"
    (out / "my-notes.txt").write_text("not the suite's\n")
    (out / ".alpha.png.zz9.tmp").write_bytes(b"half")
    (tmp_path / "control" / "skip-beta").touch()
    _, lines = run(suite, tmp_path)
    assert sorted(figures.read_manifest(out)["figures"]) == ["alpha"]
    assert sorted(p.name for p in out.iterdir()) == ["alpha.png", "alpha.svg", "manifest.json", "my-notes.txt"]
    assert "removed beta.png: 01-draw no longer writes it" in lines
    assert any(line.startswith("warning:") and "my-notes.txt" in line for line in lines)


@pytest.mark.notebooks
def test_entries_of_a_notebook_that_left_the_suite_are_removed(suite, tmp_path):
    run(suite, tmp_path)
    out = tmp_path / "figs"
    entry = figures.read_manifest(out)["figures"]["alpha"]
    figures.save_table(pd.DataFrame({"x": [1]}), "old-table", out=out, notebook="09-gone")
    assert (out / "old-table.csv").exists()
    _, lines = run(suite, tmp_path)
    assert not (out / "old-table.csv").exists()
    assert "removed old-table: made by 09-gone, which is not in the suite" in lines
    assert figures.read_manifest(out)["figures"]["alpha"]["files"] == entry["files"]


@pytest.mark.notebooks
def test_only_run_keeps_other_notebooks_figures(suite, tmp_path):
    write_notebook(suite, "02-other", DRAW.replace('"alpha", "beta"', '"gamma"'))
    run(suite, tmp_path)
    (tmp_path / "control" / "skip-beta").touch()
    run(suite, tmp_path, only=["02"])
    assert sorted(figures.read_manifest(tmp_path / "figs")["figures"]) == ["alpha", "beta", "gamma"]


def test_second_run_into_a_busy_folder_is_refused(suite, tmp_path):
    build = tmp_path / "figs-build" / "notebooks"
    build.mkdir(parents=True)
    with figures.locked(build):
        with pytest.raises(figures.FigureError, match="in use by another run"):
            run(suite, tmp_path)


@pytest.mark.notebooks
def test_export_html_has_prose_and_outputs_without_code(suite, tmp_path):
    write_notebook(suite, "07-study", 'print("Result: 42 mentions")')
    html = pipeline.study(text=PLAIN, out=tmp_path / "figs", folder=suite)
    assert html == tmp_path / "figs-build" / "study" / "07-study.html"
    page = html.read_text()
    assert "<title>07-study</title>" in page and "Result: 42 mentions" in page
    assert "figures.use(" not in page and "TEXT = None" not in page


class _Resources(HTMLParser):
    """Collects what a browser would fetch from the network to show a page.

    Remote ``src``/``href``/``srcset`` attributes of any tag but ``<a>`` (plain
    hyperlinks are followed only when clicked), and remote URLs in the text of
    inline scripts and in ``url(...)``/``@import`` of inline styles.
    """

    REMOTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)
    IN_STYLE = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])(?:https?:)?//""", re.IGNORECASE)

    def __init__(self):
        super().__init__()
        self.remote, self.links, self.images, self._open = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self._open = tag if tag in ("script", "style") else None
        for key, value in attrs:
            value = (value or "").strip()
            if tag == "a" and key == "href":
                self.links.append(value)
            elif tag == "img" and key == "src":
                self.images.append(value)
            if tag != "a" and key in ("src", "href", "srcset", "data", "poster") \
                    and self.REMOTE.match(value):
                self.remote.append(f"<{tag} {key}={value}>")

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open == "script" and re.search(r"https?://", data):
            self.remote.append(f"<script> {data.strip()[:80]}")
        elif self._open == "style" and self.IN_STYLE.search(data):
            self.remote.append(f"<style> {self.IN_STYLE.search(data).group()}")


def test_export_html_is_self_contained_and_deterministic(tmp_path):
    cite = "[Hamborg & Donnay 2021](https://aclanthology.org/2021.eacl-main.142/)"
    prose = new_markdown_cell(f"## Results\n\nThe share is $p < 0.05$ as in {cite}.")
    table = nbformat.v4.new_output("display_data", data={
        "text/html": "<table><tr><th>actor</th></tr><tr><td>Russia</td></tr></table>",
        "text/plain": "actor Russia"})
    figure = nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    nb = new_notebook(cells=[new_markdown_cell("# The study"), prose,
                             new_code_cell("show()", outputs=[table, figure])])
    nbformat.write(nb, tmp_path / "07-study.ipynb")
    first = pipeline.export_html(tmp_path / "07-study.ipynb", tmp_path / "a.html").read_bytes()
    second = pipeline.export_html(tmp_path / "07-study.ipynb", tmp_path / "b.html").read_bytes()
    assert first == second
    page = first.decode("utf-8")
    found = _Resources()
    found.feed(page)
    assert found.remote == []
    assert "https://aclanthology.org/2021.eacl-main.142/" in found.links  # hyperlinks stay
    assert found.images == [f"data:image/png;base64,{PNG}"]
    assert "<title>The study</title>" in page and "<td>Russia</td>" in page
    assert "$p &lt; 0.05$" in page  # math stays readable as its source


def test_export_html_gives_figures_their_alt_text(tmp_path):
    class Images(HTMLParser):
        def __init__(self):
            super().__init__()
            self.attrs = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.attrs.append(dict(attrs))

    alt = 'Figure `frame-frequency`: Frames per 1,000 words; "other" & <rare> last.'
    described = nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Image>"},
                                       metadata={"image/png": {"width": 480, "alt": alt}})
    plain = nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    nb = new_notebook(cells=[new_markdown_cell("# The study"),
                             new_code_cell("show()", outputs=[described, plain])])
    nbformat.write(nb, tmp_path / "07-study.ipynb")
    first = pipeline.export_html(tmp_path / "07-study.ipynb", tmp_path / "a.html").read_bytes()
    assert pipeline.export_html(tmp_path / "07-study.ipynb", tmp_path / "b.html").read_bytes() == first
    page = first.decode("utf-8")
    images = Images()
    images.feed(page)
    assert [image["src"] for image in images.attrs] == [f"data:image/png;base64,{PNG}"] * 2
    assert images.attrs[0]["alt"] == alt and images.attrs[0]["width"] == "480"
    assert images.attrs[1]["alt"] == "No description has been provided for this image"
    assert "&lt;rare&gt;" in page and "<rare>" not in page


@pytest.mark.notebooks
def test_cli_failing_notebook_is_one_line_on_stderr(suite, tmp_path, monkeypatch, capsys):
    (tmp_path / "control" / "fail").touch()
    monkeypatch.setattr(paths, "NOTEBOOKS", suite)
    status = cli.main(["figures", "--text", str(PLAIN), "--out", str(tmp_path / "figs")])
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert status == 2
    assert len(errors) == 1 and "01-draw.ipynb, cell 5" in errors[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["figures", "--text", "/nonexistent/article.txt"],
        ["study", "--text", "/nonexistent/article.txt"],
        ["figures", "--only", "99"],
    ],
)
def test_cli_bad_input_one_line_non_zero_from_any_directory(tmp_path, args):
    result = subprocess.run([sys.executable, "-m", "analysis", *args, "--out", str(tmp_path / "figs")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--out", "--build"])
def test_unwritable_folder_is_a_one_line_error(tmp_path, suite, option):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    kwargs = {"out": tmp_path / "figs", "build": None, option[2:]: blocker / "sub"}
    with pytest.raises(figures.FigureError, match=f"^{option} .*cannot create the folder"):
        pipeline.run(text=PLAIN, folder=suite, **kwargs)


def test_make_passes_text_and_out_as_absolute_paths(tmp_path):
    result = subprocess.run(["make", "-n", "-C", str(paths.ROOT), "figures", "TEXT=/data/a.txt",
                             f"OUT={tmp_path}/figs"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    command = [line for line in result.stdout.splitlines() if "-m analysis figures" in line]
    assert command and '--text "/data/a.txt"' in command[0] and f'--out "{tmp_path}/figs"' in command[0]


@pytest.mark.notebooks
@pytest.mark.parametrize(
    "body, error",
    [
        ("import time\ntime.sleep(30)", "CellTimeoutError"),
        ("import os\nos._exit(1)", "DeadKernelError"),
    ],
)
def test_timeout_or_dead_kernel_names_the_cell(tmp_path, monkeypatch, body, error):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder, "01-stuck", "x = 1", body)
    monkeypatch.setattr(pipeline, "CELL_TIMEOUT", 3)
    with pytest.raises(pipeline.NotebookError) as info:
        pipeline.run(text=PLAIN, out=tmp_path / "figs", folder=folder)
    message = str(info.value)
    assert message.startswith(f"01-stuck.ipynb, cell 5 ({body.splitlines()[0]})")
    assert error in message and "\n" not in message


def test_kernel_environment_is_restored(monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with pipeline._environment(pipeline.KERNEL_ENVIRONMENT):
        assert os.environ["PYTHONHASHSEED"] == "0" and os.environ["SOURCE_DATE_EPOCH"] == "0"
    assert os.environ["PYTHONHASHSEED"] == "random" and "SOURCE_DATE_EPOCH" not in os.environ
