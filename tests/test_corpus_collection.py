"""Tests for the corpus model: ``corpus.load_corpus`` and ``corpus.Corpus``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus
from analysis.errors import InputError

SAMPLE_IDS = ["arctic-route", "india-balance", "sanctions-ledger", "steppe-corridor",
              "summit-notes"]

GOOD = "A Title Line\n\nRussia and China signed a treaty. The West objected.\n"
OTHER = "Moscow hosted the talks. Nothing was agreed.\n"

# name of the bad file, its bytes, and the words the error must contain
BAD_FILES = [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n \t\n", "the file is empty"),
    ("binary.txt", b"PK\x03\x04\x00\x00binary", "binary"),
    ("latin1.txt", "Caf\u00e9 talks in Paris.".encode("latin-1"), "not utf-8 text"),
]


def _folder(tmp_path: Path, files: dict[str, bytes | str], metadata: str | None = None) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if metadata is not None:
        (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


def test_sample_corpus_documents_and_metadata():
    c = corpus.load_corpus(corpus.SAMPLE_CORPUS)
    assert c.doc_ids == SAMPLE_IDS
    assert list(c.metadata.columns) == ["doc_id", "title", "author", "outlet", "date"]
    author = c.metadata.loc[c.metadata["doc_id"] == "arctic-route", "author"].item()
    assert author == "Hanna Lindqvist"
    assert len(c.errors) == 0 and list(c.errors.columns) == ["doc_id", "path", "error"]


@pytest.mark.parametrize("doc_id, title, n_sections", [
    ("arctic-route", "Ice, Oil and the New Arctic Bargain", 1),
    ("sanctions-ledger", "The Sanctions Ledger", 3),
    ("summit-notes", "summit-notes", 1),  # no title line: the file stem
])
def test_documents_are_read_on_demand_with_their_doc_id(doc_id, title, n_sections):
    c = corpus.load_corpus(corpus.SAMPLE_CORPUS)
    doc = c.document(doc_id)
    assert (doc.title, len(doc.sections), doc.meta["doc_id"]) == (title, n_sections, doc_id)


def test_iteration_yields_documents_in_doc_id_order(tmp_path):
    folder = _folder(tmp_path, {"b.txt": OTHER, "a.txt": GOOD, "notes.md": "not a document"})
    c = corpus.load_corpus(folder)
    assert [d.meta["doc_id"] for d in c] == ["a", "b"]
    assert [d.title for d in c] == ["A Title Line", "b"]
    assert list(c.metadata.columns) == ["doc_id"]


def test_unknown_doc_id_is_a_key_error():
    with pytest.raises(KeyError):
        corpus.load_corpus(corpus.SAMPLE_CORPUS).document("no-such-article")


def test_list_of_paths_and_single_file(tmp_path):
    folder = _folder(tmp_path, {"x.txt": GOOD, "y.txt": OTHER})
    assert corpus.load_corpus([folder / "y.txt", folder / "x.txt"]).doc_ids == ["x", "y"]
    assert corpus.load_corpus(folder / "y.txt").doc_ids == ["y"]


def test_a_list_may_mix_folders_and_files(tmp_path):
    folder = _folder(tmp_path, {"x.txt": GOOD, "y.txt": OTHER})
    extra = tmp_path / "extra.txt"
    extra.write_text(OTHER)
    assert corpus.load_corpus([extra, folder]).doc_ids == ["extra", "x", "y"]


def test_two_files_with_one_doc_id_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text(GOOD)
    (tmp_path / "b" / "same.txt").write_text(OTHER)
    with pytest.raises(InputError, match="'same' is used by two files"):
        corpus.load_corpus([tmp_path / "a" / "same.txt", tmp_path / "b" / "same.txt"])


def test_recursive_pattern_gives_relative_doc_ids(tmp_path):
    folder = _folder(tmp_path, {"top.txt": GOOD})
    (folder / "2024").mkdir()
    (folder / "2024" / "inner.txt").write_text(OTHER)
    assert corpus.load_corpus(folder, pattern="**/*.txt").doc_ids == ["2024/inner", "top"]


@pytest.mark.parametrize("name, data, what", BAD_FILES)
def test_a_bad_file_raises_by_default_naming_it(tmp_path, name, data, what):
    folder = _folder(tmp_path, {"good.txt": GOOD, name: data})
    with pytest.raises(InputError, match=what) as err:
        corpus.load_corpus(folder)
    assert str(folder / name) in str(err.value) and "skip_bad=True" in str(err.value)


@pytest.mark.parametrize("name, data, what", BAD_FILES)
def test_skip_bad_keeps_the_others_and_reports_the_bad_one(tmp_path, name, data, what):
    folder = _folder(tmp_path, {"good.txt": GOOD, "other.txt": OTHER, name: data})
    c = corpus.load_corpus(folder, skip_bad=True)
    assert c.doc_ids == ["good", "other"]
    assert c.errors[["doc_id", "path"]].values.tolist() == [[Path(name).stem, str(folder / name)]]
    assert what in c.errors["error"].item()


def test_a_document_listed_in_metadata_without_a_file_is_missing(tmp_path):
    folder = _folder(tmp_path, {"a.txt": GOOD}, "doc_id,author\na,Ann\nghost,Gus\n")
    with pytest.raises(InputError, match="ghost.txt: listed in metadata.csv but there is no such"):
        corpus.load_corpus(folder)
    c = corpus.load_corpus(folder, skip_bad=True)
    assert c.metadata.values.tolist() == [["a", "Ann"]]
    assert c.errors["doc_id"].tolist() == ["ghost"]


def test_metadata_argument_replaces_the_folder_file(tmp_path):
    folder = _folder(tmp_path, {"a.txt": GOOD, "b.txt": OTHER}, "doc_id,author\na,Ann\nb,Bo\n")
    meta = pd.DataFrame({"doc_id": ["b", "a"], "outlet": ["Post", "Times"]})
    c = corpus.load_corpus(folder, metadata=meta)
    assert c.metadata.values.tolist() == [["a", "Times"], ["b", "Post"]]


def test_metadata_without_doc_id_or_with_duplicates_is_refused(tmp_path):
    folder = _folder(tmp_path, {"a.txt": GOOD})
    with pytest.raises(InputError, match="no 'doc_id' column"):
        corpus.load_corpus(folder, metadata=pd.DataFrame({"id": ["a"]}))
    with pytest.raises(InputError, match="'a' appears more than once"):
        corpus.load_corpus(folder, metadata=pd.DataFrame({"doc_id": ["a", "a"]}))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_table_source_text_and_metadata_columns(tmp_path, suffix):
    table = pd.DataFrame({"doc_id": ["n2", "n1"], "text": [OTHER, GOOD],
                          "outlet": ["Post", "Times"]})
    path = tmp_path / f"articles{suffix}"
    table.to_csv(path, index=False) if suffix == ".csv" else table.to_parquet(path, index=False)
    c = corpus.load_corpus(path)
    assert c.doc_ids == ["n1", "n2"]
    assert c.metadata.values.tolist() == [["n1", "Times"], ["n2", "Post"]]
    assert c.document("n1").title == "A Title Line"
    assert c.document("n2").meta["source"] == "<table>#n2"


def test_table_without_id_column_gets_row_numbers_and_custom_text_column():
    table = pd.DataFrame({"body": [GOOD] * 10 + [OTHER]})
    c = corpus.load_corpus(table, text_column="body")
    assert c.doc_ids[:2] == ["01", "02"] and c.doc_ids[-1] == "11"


@pytest.mark.parametrize("text, what", [("", "the text is empty"), (None, "the text is empty"),
                                        ("\x00\x01 data", "looks like binary data, not text")])
def test_bad_table_rows_are_reported(text, what):
    table = pd.DataFrame({"doc_id": ["ok", "bad"], "text": [GOOD, text]})
    with pytest.raises(InputError, match=f"<table>#bad: {what}"):
        corpus.load_corpus(table)
    c = corpus.load_corpus(table, skip_bad=True)
    assert c.doc_ids == ["ok"]
    assert c.errors.values.tolist() == [["bad", "<table>#bad", what]]


@pytest.mark.parametrize("source, what", [
    ("missing-folder", "no such file or folder"),
    ("missing.csv", "no such file"),
])
def test_unusable_sources(tmp_path, source, what):
    with pytest.raises(InputError, match=what):
        corpus.load_corpus(tmp_path / source)


def test_empty_folder_and_missing_text_column(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no documents matching"):
        corpus.load_corpus(tmp_path / "empty")
    with pytest.raises(InputError, match="no text column 'text'"):
        corpus.load_corpus(pd.DataFrame({"doc_id": ["a"], "body": [GOOD]}))


def test_all_documents_bad_is_an_error_even_when_skipping(tmp_path):
    folder = _folder(tmp_path, {"a.txt": b""})
    with pytest.raises(InputError, match="no usable documents"):
        corpus.load_corpus(folder, skip_bad=True)


def test_dask_key_of_a_reference_follows_its_fields():
    from dask.base import tokenize

    ref = corpus.DocumentRef("a", "/texts/a.txt")
    assert tokenize(ref) == tokenize(corpus.DocumentRef("a", "/texts/a.txt"))
    others = [corpus.DocumentRef("b", "/texts/a.txt"), corpus.DocumentRef("a", "/texts/b.txt"),
              corpus.DocumentRef("a", None, "text"), corpus.DocumentRef("a", "/texts/a.txt", None, "latin-1"),
              corpus.DocumentRef("a", "/texts/a.txt", furniture="rules.yml")]
    assert len({tokenize(r) for r in others} | {tokenize(ref)}) == len(others) + 1
