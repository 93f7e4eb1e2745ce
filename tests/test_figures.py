"""Tests for analysis.figures: reproducible files, manifest, atomic writes, house style."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import __version__, figures

#: PNG chunks that carry text, dates or software names.
PNG_TEXT_CHUNKS = {b"tEXt", b"iTXt", b"zTXt", b"tIME"}
INCHES_PER_METRE = 39.3701


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        chunks.append((data[i + 4:i + 8], data[i + 8:i + 8 + length]))
        i += 12 + length
    return chunks


def png_dpi(data: bytes) -> float:
    """Resolution recorded in the pHYs chunk, in dots per inch."""
    payload = dict(png_chunks(data))[b"pHYs"]
    x, _, unit = struct.unpack(">IIB", payload)
    assert unit == 1  # pixels per metre
    return x / INCHES_PER_METRE


def draw(values=(3, 1, 2)):
    """The same small bar chart every time."""
    figures.style()
    fig, ax = plt.subplots()
    ax.bar(["a", "b", "c"], list(values), color=figures.actor_colour("russia"))
    ax.set_ylabel("mentions per 1,000 words")
    return fig


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "figs"
    figures.use(out=folder, notebook="01-corpus", input_sha256="0" * 64)
    yield folder
    figures._session.update(out=None, notebook=None, input_sha256=None)
    plt.close("all")


TABLE = pd.DataFrame({"actor": ["russia", "china"], "per_1k_words": [1.0 / 3, 2.5]})


def test_save_writes_png_svg_csv_and_manifest_entry(out):
    entry = figures.save(draw(), "mentions-by-actor", data=TABLE, caption="Mentions by actor.")
    assert sorted(entry["files"]) == ["mentions-by-actor.csv", "mentions-by-actor.png", "mentions-by-actor.svg"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["figures"]["mentions-by-actor"] == entry
    assert entry["kind"] == "figure"
    assert entry["notebook"] == "01-corpus"
    assert entry["input_sha256"] == "0" * 64
    assert entry["package_version"] == __version__
    assert entry["git_commit"]
    for name, digest in entry["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert figures.verify(out).empty


def test_png_has_resolution_and_no_text_or_date(out):
    figures.save(draw(), "mentions-by-actor", data=TABLE)
    data = (out / "mentions-by-actor.png").read_bytes()
    assert png_dpi(data) >= 200
    assert not PNG_TEXT_CHUNKS & {kind for kind, _ in png_chunks(data)}


def test_svg_has_no_date_or_software_version(out):
    figures.save(draw(), "mentions-by-actor")
    svg = (out / "mentions-by-actor.svg").read_text()
    assert "<dc:date>" not in svg
    assert "Matplotlib v" not in svg and "matplotlib.org" not in svg


def test_same_figure_gives_identical_bytes(out, tmp_path):
    first = figures.save(draw(), "mentions-by-actor", data=TABLE)
    second = figures.save(draw(), "mentions-by-actor", data=TABLE, out=tmp_path / "again")
    assert first["files"] == second["files"]


def test_different_figure_gives_different_bytes(out):
    first = figures.save(draw((3, 1, 2)), "mentions-by-actor")
    second = figures.save(draw((1, 1, 2)), "mentions-by-actor")
    assert first["files"]["mentions-by-actor.png"] != second["files"]["mentions-by-actor.png"]


@pytest.mark.parametrize(
    "figure_id, valid",
    [
        ("frame-frequency", True),
        ("sentiment-toward-actors-95ci", True),
        ("a", True),
        ("Frame-Frequency", False),
        ("frame_frequency", False),
        ("figure 2", False),
        ("-leading-hyphen", False),
        ("double--hyphen", False),
        ("", False),
    ],
)
def test_figure_ids_are_lower_case_words_joined_by_hyphens(out, figure_id, valid):
    if valid:
        figures.save(draw(), figure_id)
        assert figure_id in figures.read_manifest(out)["figures"]
    else:
        with pytest.raises(figures.FigureError, match="lower-case words"):
            figures.save(draw(), figure_id)


@pytest.mark.parametrize(
    "table, expected",
    [
        (pd.DataFrame({"x": [1.0 / 3]}), "x\n0.333333\n"),
        (pd.DataFrame({"x": [2.5, 10.0]}), "x\n2.5\n10\n"),
        (pd.DataFrame({"a": ["Russia’s"], "n": [3]}), "a,n\nRussia’s,3\n"),
        (pd.DataFrame({"x": [1e-7]}), "x\n1e-07\n"),
    ],
)
def test_table_bytes_fixed_format_and_line_endings(table, expected):
    assert figures.table_bytes(table) == expected.encode("utf-8")


def test_interrupted_write_leaves_previous_figure_intact(out, monkeypatch):
    figures.save(draw((3, 1, 2)), "mentions-by-actor", data=TABLE)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        figures.save(draw((1, 1, 1)), "mentions-by-actor", data=TABLE.iloc[:1])
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # same files, same bytes, no temporary file left
    assert figures.verify(out).empty


def test_interrupted_rename_leaves_no_temporary_file(out, monkeypatch):
    figures.save(draw(), "mentions-by-actor")
    previous = (out / "mentions-by-actor.png").read_bytes()
    real_replace = os.replace

    def fail_on_png(src, dst):
        if str(dst).endswith(".png"):
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_png)
    with pytest.raises(KeyboardInterrupt):
        figures.save(draw((9, 9, 9)), "mentions-by-actor")
    assert (out / "mentions-by-actor.png").read_bytes() == previous
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_files_are_readable_by_others(out):
    figures.save(draw(), "mentions-by-actor")
    mode = (out / "mentions-by-actor.png").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_resaving_without_data_deletes_the_old_table(out):
    figures.save(draw(), "mentions-by-actor", data=TABLE)
    entry = figures.save(draw(), "mentions-by-actor")
    assert "mentions-by-actor.csv" not in entry["files"]
    assert not (out / "mentions-by-actor.csv").exists()
    assert figures.verify(out).empty


def test_save_table_records_a_table_entry(out):
    entry = figures.save_table(TABLE, "sentiment-evidence", caption="Evidence.")
    assert entry["kind"] == "table"
    assert list(entry["files"]) == ["sentiment-evidence.csv"]
    assert (out / "sentiment-evidence.csv").read_bytes() == figures.table_bytes(TABLE)


def test_verify_reports_missing_changed_and_unlisted_files(out):
    figures.save(draw(), "mentions-by-actor", data=TABLE)
    (out / "mentions-by-actor.svg").unlink()
    (out / "mentions-by-actor.csv").write_text("tampered\n")
    (out / "notes.txt").write_text("mine\n")
    (out / ".mentions-by-actor.png.abc123.tmp").write_bytes(b"half")
    problems = figures.verify(out)
    assert sorted(zip(problems["file"], problems["problem"])) == [
        ("mentions-by-actor.csv", "changed"),
        ("mentions-by-actor.svg", "missing"),
        ("notes.txt", "unlisted"),
    ]


def test_remove_keep_files_prune_and_restore(out):
    figures.save(draw(), "mentions-by-actor", data=TABLE)
    figures.save(draw(), "frame-frequency")
    entry = figures.remove("mentions-by-actor", keep_files=True)
    assert (out / "mentions-by-actor.png").exists()
    assert "mentions-by-actor" not in figures.read_manifest(out)["figures"]
    assert figures.restore(entry) is True
    assert figures.verify(out).empty
    entry = figures.remove("mentions-by-actor", keep_files=True)
    assert sorted(figures.prune([entry])) == sorted(entry["files"])
    assert figures.verify(out).empty
    assert figures.restore(entry) is False  # files gone: nothing restored
    assert figures.remove("frame-frequency")["id"] == "frame-frequency"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
    assert figures.remove("never-saved") is None


def test_prune_never_deletes_files_a_current_entry_lists(out):
    figures.save(draw(), "frame-frequency")
    entry = figures.read_manifest(out)["figures"]["frame-frequency"]
    assert figures.prune([entry]) == []
    assert figures.verify(out).empty


def test_remove_temporary_deletes_only_leftover_temporary_files(out):
    (out / ".frame-frequency.png.k2j3h4.tmp").write_bytes(b"half")
    (out / "keep.tmp").write_bytes(b"not ours")
    assert figures.remove_temporary(out) == [".frame-frequency.png.k2j3h4.tmp"]
    assert (out / "keep.tmp").exists()


def test_invalid_manifest_is_a_one_line_error(out):
    (out / "manifest.json").write_text("{not json")
    with pytest.raises(figures.FigureError, match="not a valid manifest"):
        figures.read_manifest(out)


def test_concurrent_writers_keep_every_entry(out):
    def write(prefix):
        for i in range(8):
            figures.save_table(TABLE, f"{prefix}-{i}", out=out)

    threads = [threading.Thread(target=write, args=(p,)) for p in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(figures.read_manifest(out)["figures"]) == 16
    assert figures.verify(out).empty


def test_locked_refuses_a_second_holder_when_not_waiting(tmp_path):
    with figures.locked(tmp_path):
        with pytest.raises(figures.FigureError, match="in use"):
            with figures.locked(tmp_path, wait=False):
                pass
    with figures.locked(tmp_path, wait=False):
        pass


def test_style_is_column_width_okabe_ito_and_fixed_hashsalt():
    figures.style()
    width, height = plt.rcParams["figure.figsize"]
    assert width == figures.COLUMN_WIDTH and height < width
    assert plt.rcParams["svg.hashsalt"] == figures.SVG_HASHSALT
    assert [c.upper() for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]] == list(figures.OKABE_ITO)
    assert plt.rcParams["savefig.dpi"] >= 200
    assert plt.rcParams["font.size"] >= 6


@pytest.mark.parametrize(
    "actor, colour",
    [("russia", "#D55E00"), ("china", "#E69F00"), ("united_states", "#0072B2"), ("west", "#56B4E9")],
)
def test_leading_actors_have_fixed_colours(actor, colour):
    assert figures.actor_colour(actor) == colour


@pytest.mark.parametrize("actor", ["lavrov", "naryshkin", "nato", "us_nss"])
def test_other_actors_get_a_stable_palette_colour(actor):
    assert figures.actor_colour(actor) in figures.OKABE_ITO
    assert figures.actor_colour(actor) == figures.actor_colour(actor)


def test_leading_actor_colours_are_distinct():
    assert len(set(figures.ACTOR_COLOURS.values())) == len(figures.ACTOR_COLOURS)


def test_citations_record_cited_ids_and_mark_missing_ones(out):
    figures.save(draw(), "frame-frequency", notebook="02-framing")
    figures.save_table(TABLE, "sentiment-evidence", notebook="04-actors")
    figures.save(draw(), "corpus-frames", notebook="08-corpus")
    cite = figures.Citations(out, before="07-study")
    assert cite.expected() == ["frame-frequency", "sentiment-evidence"]
    assert cite("frame-frequency") == "Figure `frame-frequency`"
    assert cite("sentiment-evidence") == "Table `sentiment-evidence`"
    assert cite("no-such-figure") == "[missing figure `no-such-figure`]"
    assert cite.uncited() == []
    assert cite.path("frame-frequency") == out / "frame-frequency.png"
    assert cite.path("sentiment-evidence") is None
    assert cite.caption("no-such-figure") == ""
    table = cite.table()
    assert table["id"].tolist() == ["frame-frequency", "sentiment-evidence"] and table["cited"].all()


def test_citations_list_figures_not_yet_cited(out):
    figures.save(draw(), "frame-frequency", notebook="02-framing")
    figures.save(draw(), "keywords", notebook="03-keyness")
    cite = figures.Citations(out)
    cite("keywords")
    assert cite.uncited() == ["frame-frequency"]
    assert "keywords" in cite and "other" not in cite


def test_citations_show_gives_the_image_its_reference_and_caption_as_alt_text(out, monkeypatch):
    from IPython.core.formatters import DisplayFormatter

    figures.save(draw(), "frame-frequency", notebook="02-framing", caption='Frames per 1,000 words; "other" last.')
    figures.save(draw(), "keywords", notebook="03-keyness")
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    cite = figures.Citations(out)
    cite.show("frame-frequency")
    cite.show("keywords")
    outputs = [DisplayFormatter().format(obj) for obj in shown]
    images = [(data, metadata) for data, metadata in outputs if "image/png" in data]
    assert len(images) == 2 and len(outputs) == 4
    (_, with_caption), (_, without_caption) = images
    assert with_caption["image/png"]["alt"] == 'Figure `frame-frequency`: Frames per 1,000 words; "other" last.'
    assert with_caption["image/png"]["width"] == 480
    assert without_caption["image/png"]["alt"] == "Figure `keywords`"
    assert cite.cited == ["frame-frequency", "keywords"]
