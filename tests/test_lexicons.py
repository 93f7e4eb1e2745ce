import pytest

from analysis import lexicons
from analysis.errors import LexiconError


def test_packaged_file_has_provenance():
    data = lexicons.load(None, name="abbreviations", required=("abbreviations",))
    for key in ("title", "source", "licence", "version", "date"):
        assert data["meta"][key], key


def test_loaded_copy_is_independent():
    a = lexicons.load(None, name="furniture")
    a["byline"].append("changed")
    assert "changed" not in lexicons.load(None, name="furniture")["byline"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("frames: [unclosed", "not valid YAML at line 1"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("other: 1\n", "missing required key(s): byline"),
    ],
)
def test_malformed_user_file(tmp_path, content, message):
    path = tmp_path / "rules.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lexicons.load(path, name="furniture", required=("byline",))


def test_missing_user_file(tmp_path):
    with pytest.raises(LexiconError, match="file not found"):
        lexicons.load(tmp_path / "nope.yml", name="furniture")


def test_non_utf8_user_file(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_bytes(b"byline: [\xe9]\n")
    with pytest.raises(LexiconError, match="not UTF-8"):
        lexicons.load(path, name="furniture")


def test_unknown_packaged_name():
    with pytest.raises(LexiconError, match="no packaged lexicon"):
        lexicons.load(None, name="does-not-exist")


def test_string_list_rejects_non_strings():
    with pytest.raises(LexiconError, match="list of non-empty strings"):
        lexicons.string_list({"k": ["a", 3]}, "k", label="x")
