import hashlib
import subprocess
import sys

import pytest
import yaml

from analysis import corpus, paths
from analysis.errors import InputError, LexiconError

SEED_HEADINGS = [
    "Discourse of shared legacies",
    "A model alliance of mutual support",
    "Foundation for mutual trust",
    "Alliance for global strategic stability",
    "Conclusion",
]
FURNITURE = [
    "Also Read In This Issue",
    "Fear Still Stalks Religious Minorities",
    "The Collapse of Zionism",
    "Facebook",
    "WhatsApp",
    "does not necessarily adhere",
    "Contribute for Janata Weekly",
    "DO FORWARD THE WEEKLY MAIL",
    "is a former Indian diplomat",
    "This is the third and final part",
    "Read More",
]


def test_seed_is_the_shared_copy_byte_for_byte():
    meta = yaml.safe_load(paths.SEED_META.read_text(encoding="utf-8"))
    assert hashlib.sha256(paths.SEED_TEXT.read_bytes()).hexdigest() == meta["sha256"]


def test_seed_title_note_and_byline_go_to_metadata(seed_doc):
    assert seed_doc.title == "The Sino-Russian Alliance Comes of Age \u2014 Part 3"
    assert seed_doc.meta["editorial_note"].startswith("(This is the third and final part")
    assert seed_doc.meta["byline"] == "(M.K. Bhadrakumar is a former Indian diplomat.)"
    assert seed_doc.meta["sha256"] == hashlib.sha256(paths.SEED_TEXT.read_bytes()).hexdigest()


@pytest.mark.parametrize("fragment", FURNITURE)
def test_no_furniture_in_body(seed_doc, fragment):
    assert fragment not in seed_doc.body


def test_body_is_the_article(seed_doc):
    assert seed_doc.body.startswith("Discourse of shared legacies\n\nThe disintegration")
    assert seed_doc.body.endswith("attuned to the 21st century.")
    assert seed_doc.title not in seed_doc.body


def test_five_sections_found_by_rule(seed_doc):
    assert [s.heading for s in seed_doc.sections] == SEED_HEADINGS
    body = seed_doc.body
    for s in seed_doc.sections:
        assert body[s.start:s.start + len(s.heading)] == s.heading
        assert body[s.text_start] != "\n"
    assert seed_doc.sections[0].start == 0
    assert seed_doc.sections[-1].end == len(body)
    for a, b in zip(seed_doc.sections, seed_doc.sections[1:]):
        assert a.end < b.start


def test_paragraphs_cover_sections(seed_doc):
    headings = [p for p in seed_doc.paragraphs if p.kind == "heading"]
    assert [seed_doc.body[p.start:p.end] for p in headings] == SEED_HEADINGS
    # The quoted-speech introductions are short but end in a comma: not headings.
    texts = [seed_doc.body[p.start:p.end] for p in seed_doc.text_paragraphs]
    assert "Naryshkin said," in texts and "He specified," in texts


def test_plain_article_is_one_untitled_section(make_doc):
    text = ("Russia and China met again. Nothing was agreed.\n\n"
            "Observers in Washington were not surprised. They rarely are.\n")
    doc = make_doc(text)
    assert len(doc.sections) == 1
    assert doc.sections[0].heading == "" and doc.sections[0].label == "(untitled)"
    assert doc.body == text.strip()
    assert doc.meta["byline"] is None and doc.meta["editorial_note"] is None


def test_text_before_first_heading_is_an_untitled_section(make_doc):
    text = ("A first paragraph with a sentence.\n\nThe second part\n\n"
            "More running text follows here.\n")
    doc = make_doc(text)
    assert [s.label for s in doc.sections] == ["(untitled)", "The second part"]


def test_title_line_is_recognised(make_doc):
    doc = make_doc("A Short Title\n\nThe article starts here. It goes on.\n")
    assert doc.title == "A Short Title"
    assert doc.body == "The article starts here. It goes on."


def test_running_text_beginning_like_furniture_is_kept(make_doc):
    text = "First paragraph here.\n\nRead more about it in the report, which says a lot.\n"
    assert make_doc(text).body == text.strip()


def test_crlf_line_endings(make_doc):
    doc = make_doc("A Title\r\n\r\nHeading one\r\n\r\nSome text here. More text.\r\n")
    assert doc.title == "A Title"
    assert doc.sections[0].heading == "Heading one"
    assert "\r" not in doc.body


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\n \t\n", "the file is empty"),
        ("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Caf\u00e9 society.\n".encode("latin-1"), "not utf-8 text"),
        ("punct.txt", b"... --- !!!\n", "no sentences"),
        ("furniture.txt", b"Facebook\n\nTwitter\n", "no sentences"),
    ],
)
def test_bad_input_raises_one_error(tmp_path, name, data, message):
    with pytest.raises(InputError, match=message) as err:
        corpus.load(_write(tmp_path, name, data))
    assert "\n" not in str(err.value)
    assert name in str(err.value)


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        corpus.load(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        corpus.load(tmp_path)


def test_explicit_encoding_is_accepted(tmp_path):
    path = _write(tmp_path, "latin1.txt", "Caf\u00e9 society is here.\n".encode("latin-1"))
    doc = corpus.load(path, encoding="latin-1")
    assert doc.body == "Caf\u00e9 society is here."
    with pytest.raises(InputError, match="unknown encoding"):
        corpus.load(path, encoding="no-such-codec")


def test_utf8_bom_is_stripped(tmp_path):
    path = _write(tmp_path, "bom.txt", "\ufeffText with a BOM.\n".encode("utf-8"))
    assert corpus.load(path).body == "Text with a BOM."


def test_user_furniture_rules(tmp_path, make_doc):
    rules = tmp_path / "rules.yml"
    rules.write_text("byline: ['^-- .+$']\nend_of_article: ['^THE END$']\n", encoding="utf-8")
    doc = make_doc("Story text. More.\n\n-- A. Writer\n\nIgnored.\n", furniture=rules)
    assert doc.body == "Story text. More." and doc.meta["byline"] == "-- A. Writer"
    rules.write_text("byline: ['([unclosed']\nend_of_article: []\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad pattern under 'byline'"):
        make_doc("Story text.", furniture=rules)


@pytest.mark.parametrize(
    "args, code, expected",
    [
        (["describe", "{seed}"], 0, "sections:   5"),
        (["describe", "{missing}"], 2, "error: "),
        (["describe", "{empty}"], 2, "the file is empty"),
    ],
)
def test_cli_describe(tmp_path, args, code, expected):
    empty = _write(tmp_path, "empty.txt", b"")
    values = {"seed": str(paths.SEED_TEXT), "missing": str(tmp_path / "none.txt"), "empty": str(empty)}
    argv = [a.format(**values) for a in args]
    proc = subprocess.run([sys.executable, "-m", "analysis", *argv], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == code
    assert expected in (proc.stdout + proc.stderr)
    assert "Traceback" not in proc.stderr
    if code:
        assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_help():
    proc = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "describe" in proc.stdout


def test_normalised_body_equals_normalising_the_body(seed_doc):
    from analysis.normalise import normalise

    doc = corpus.from_text("A \u201cTitle\u201d\r\n\r\nIt\u2019s a\u00a0text \u2013 with dashes.\r\n\r\nMore\u2026 here.")
    for d in (seed_doc, doc):
        assert d.normalised == normalise(d.body)
