"""Tests for ``analysis.batch``: measures over a corpus, serial and on Dask, identical results."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from analysis import batch, cli, corpus, figures
from analysis.errors import InputError, LexiconError

#: Measures run in the comparisons below: every registered measure.
MEASURES = ("documents", "sentences", "framing", "framing_density", "actors", "sentiment",
            "sentiment_scores", "stance", "stance_density", "voices")
META = ["title", "author", "outlet", "date"]

GOOD = "A Title Line\n\nRussia and China signed a treaty. The West objected.\n"
OTHER = "Moscow hosted the talks. Nothing was agreed.\n"
FURNITURE_ONLY = "Facebook\n\nTwitter\n"


def _hash(table: pd.DataFrame) -> str:
    return hashlib.sha256(table.to_csv(index=False).encode("utf-8")).hexdigest()


def _assert_identical(a: batch.Results, b: batch.Results) -> None:
    assert list(a) == list(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        assert _hash(a[name]) == _hash(b[name])
    pd.testing.assert_frame_equal(a.errors, b.errors)


@pytest.fixture(scope="module")
def sample():
    return corpus.load_corpus(corpus.SAMPLE_CORPUS)


@pytest.fixture(scope="module")
def serial(sample):
    return batch.analyse(sample, MEASURES)


@pytest.fixture(scope="module")
def cluster_client():
    from distributed import Client

    with batch.local_cluster(2) as cluster, Client(cluster) as client:
        yield client


def test_local_cluster_workers_run_with_the_cluster_settings(cluster_client):
    import dask

    settings = cluster_client.run(lambda: {k: dask.config.get(k) for k in batch.CLUSTER_CONFIG})
    assert len(settings) == 2
    assert all(got == batch.CLUSTER_CONFIG for got in settings.values())


@pytest.mark.parametrize("measure", MEASURES)
def test_each_table_is_the_single_document_tables_stacked(sample, serial, measure):
    func = batch.measure(measure)
    expected = []
    for doc in sample:
        table = func(doc).reset_index(drop=True)
        table.insert(0, "doc_id", doc.meta["doc_id"])
        expected.append(table)
    got = serial[measure].iloc[:, :-len(META)]
    want = pd.concat([t for t in expected if len(t)], ignore_index=True)
    assert list(got.columns) == list(want.columns) and got.columns[0] == "doc_id"
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("measure", MEASURES)
def test_metadata_is_carried_to_every_table(sample, serial, measure):
    table = serial[measure]
    meta_cols = ["doc_title" if measure == "documents" else "title", "author", "outlet", "date"]
    assert list(table.columns[-4:]) == meta_cols
    merged = table[["doc_id", *meta_cols]].drop_duplicates().set_axis(["doc_id", *META], axis=1)
    expected = sample.metadata.set_index("doc_id").loc[merged["doc_id"]].reset_index()
    pd.testing.assert_frame_equal(merged.reset_index(drop=True), expected, check_dtype=False)


@pytest.mark.parametrize("doc_id, author, outlet", [
    ("arctic-route", "Hanna Lindqvist", "The Meridian Review"),
    ("summit-notes", "Tomás Ferreira", "Open Atlas"),
])
def test_metadata_values_by_hand(serial, doc_id, author, outlet):
    rows = serial["sentences"][serial["sentences"]["doc_id"] == doc_id]
    assert len(rows) > 0
    assert set(zip(rows["author"], rows["outlet"])) == {(author, outlet)}


def test_tables_are_in_doc_id_order(serial):
    for table in serial.values():
        ids = table["doc_id"].tolist()
        assert ids == sorted(ids)


@pytest.mark.parametrize("partition_size, workers", [(1, 1), (2, 1), (5, 1), (4, 2), (2, 3)])
def test_dask_synchronous_equals_serial_for_any_partitioning(sample, serial, partition_size, workers):
    out = batch.analyse(sample, MEASURES, workers=workers, scheduler="synchronous",
                        partition_size=partition_size)
    _assert_identical(serial, out)


def test_partitions_are_equal_and_as_many_per_worker():
    docs = list(range(230))
    # serially: ceil(230 / 50) = 5 partitions of 46
    assert [len(p) for p in batch._partitions(docs, 50)] == [46] * 5
    # 2 workers: 6 partitions (3 each), cut at 230 * i // 6 = 38, 76, 115, 153, 191
    parts = batch._partitions(docs, 50, 2)
    assert [len(p) for p in parts] == [38, 38, 39, 38, 38, 39]
    assert [d for p in parts for d in p] == docs
    # 5 documents, at most 2 per partition, 3 workers: 3 * ceil(5 / 6) = 3 partitions,
    # cut at 5 // 3 = 1 and 10 // 3 = 3
    assert [len(p) for p in batch._partitions(docs[:5], 2, 3)] == [1, 2, 2]
    # fewer documents than workers: no empty partition
    assert batch._partitions(docs[:1], 50, 4) == [[0]]
    assert batch._partitions([], 50, 2) == []


#: A cheap subset for the runs that start their own processes (each imports what it runs).
QUICK = ("documents", "sentences", "actors")


def _subset(results: batch.Results, names) -> batch.Results:
    return batch.Results({n: results[n] for n in names}, results.errors, results.metadata)


def test_multiprocessing_scheduler_equals_serial(sample, serial):
    out = batch.analyse(sample, QUICK, workers=2, scheduler="processes", partition_size=2)
    _assert_identical(_subset(serial, QUICK), out)


def test_local_workers_equal_serial(sample, serial):
    out = batch.analyse(sample, QUICK, workers=2, partition_size=2)
    _assert_identical(_subset(serial, QUICK), out)


def test_distributed_local_cluster_client_and_address_equal_serial(sample, serial, cluster_client):
    out = batch.analyse(sample, MEASURES, scheduler=cluster_client, partition_size=1)
    _assert_identical(serial, out)
    address = cluster_client.scheduler.address
    assert address.startswith("tcp://")
    _assert_identical(serial, batch.analyse(sample, MEASURES, scheduler=address, partition_size=3))


def test_table_source_texts_travel_to_the_cluster(cluster_client):
    table = pd.DataFrame({"doc_id": ["b", "a", "c"], "text": [OTHER, GOOD, GOOD + OTHER],
                          "outlet": ["Post", "Times", "Post"]})
    docs = corpus.load_corpus(table)
    local = batch.analyse(docs, ["sentences", "documents"])
    assert local["sentences"].groupby("doc_id").size().to_dict() == {"a": 2, "b": 2, "c": 4}
    assert local["documents"]["outlet"].tolist() == ["Times", "Post", "Post"]
    remote = batch.analyse(docs, ["sentences", "documents"], scheduler=cluster_client,
                           partition_size=2)
    _assert_identical(local, remote)


def _folder(tmp_path, files):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return folder


def test_one_unreadable_file_loses_nothing_else(tmp_path):
    folder = _folder(tmp_path, {"a.txt": GOOD, "b.txt": OTHER, "c.txt": b"\xff\xfe\x00\x00garbage"})
    with pytest.raises(InputError, match="c.txt: looks like a binary file"):
        batch.analyse(folder, ["sentences"])
    out = batch.analyse(folder, ["sentences"], skip_bad=True)
    assert out["sentences"].groupby("doc_id").size().to_dict() == {"a": 2, "b": 2}
    assert out.errors[["doc_id", "measure"]].values.tolist() == [["c", "load"]]


@pytest.mark.parametrize("workers, scheduler", [(1, None), (1, "synchronous")])
def test_a_document_that_fails_to_parse_is_reported(tmp_path, workers, scheduler):
    folder = _folder(tmp_path, {"a.txt": GOOD, "z.txt": FURNITURE_ONLY})
    docs = corpus.load_corpus(folder)  # the file itself is readable text
    with pytest.raises(InputError, match=r"z.txt: no sentences found.*skip_bad=True"):
        batch.analyse(docs, ["sentences"], workers=workers, scheduler=scheduler)
    out = batch.analyse(docs, ["sentences"], workers=workers, scheduler=scheduler, skip_bad=True)
    assert out["sentences"]["doc_id"].unique().tolist() == ["a"]
    assert out.errors.values.tolist() == [["z", str(folder / "z.txt"), "load",
                                           "no sentences found once page furniture is removed"]]


def test_a_measure_failing_on_one_document_drops_that_document_only(monkeypatch):
    def picky(doc):
        if "Moscow" in doc.body:
            raise InputError(f"{doc.meta['source']}: no treaty here")
        return pd.DataFrame({"n": [len(doc.body)]})

    monkeypatch.setattr(batch, "measure", lambda name: picky if name == "picky" else None)
    docs = corpus.load_corpus(pd.DataFrame({"doc_id": ["a", "b"], "text": [GOOD, OTHER]}))
    out = batch.analyse(docs, ["picky"], skip_bad=True)
    assert out["picky"].values.tolist() == [["a", len(corpus.from_text(GOOD).body)]]
    assert out.errors.values.tolist() == [["b", "<table>#b", "picky", "no treaty here"]]


@pytest.mark.parametrize("scheduler", [None, "synchronous"])
def test_a_bad_codebook_stops_the_run_at_once(sample, tmp_path, scheduler):
    bad = tmp_path / "frames.yml"
    bad.write_text("meta: {title: t}\nframes: 12\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="frames.yml"):
        batch.analyse(sample, ["framing"], options={"framing": {"codebook": bad}},
                      scheduler=scheduler, skip_bad=True)


def test_empty_per_document_tables_do_not_change_dtypes():
    docs = corpus.load_corpus(pd.DataFrame({"doc_id": ["a", "b"], "text": [GOOD, OTHER]}))
    out = batch.analyse(docs, ["sentences"], options={"sentences": {}})
    assert out["sentences"]["start"].dtype == "int64"
    assert out["sentences"]["doc_id"].tolist() == ["a", "a", "b", "b"]


@pytest.mark.parametrize("text, sentences, words, sections", [
    ("Title\n\nOne short text. It has two sentences.", 2, 7, 1),
    ("Head\n\nFirst part here.\n\nSecond Part\n\nMore text. And more.", 3, 7, 2),
    ("No title at all, just one sentence of ten words.", 1, 10, 1),
])
def test_document_summary_by_hand(text, sentences, words, sections):
    row = batch.document_summary(corpus.from_text(text)).iloc[0]
    assert (row["sentences"], row["words"], row["sections"]) == (sentences, words, sections)


@pytest.mark.parametrize("kwargs, what", [
    ({"measures": ["no_such_measure"]}, "unknown measure 'no_such_measure'"),
    ({"measures": []}, "no measures to run"),
    ({"workers": 0}, "workers must be a positive whole number"),
    ({"partition_size": 0}, "partition_size must be a positive whole number"),
    ({"options": {"framing": {}}, "measures": ["sentences"]},
     "options given for measures not run: framing"),
    ({"scheduler": 42}, "scheduler must be None"),
])
def test_bad_arguments_are_input_errors(sample, kwargs, what):
    with pytest.raises(InputError, match=what):
        batch.analyse(sample, **{"measures": ["sentences"], **kwargs})


def test_unreachable_scheduler_is_one_line_error(sample, monkeypatch):
    monkeypatch.setattr(batch, "CONNECT_TIMEOUT", 1)
    address = "tcp://127.0.0.1:1"
    with pytest.raises(InputError, match=f"cannot connect to the Dask scheduler at {address} "):
        batch.analyse(sample, ["sentences"], scheduler=address)


def test_progress_is_quiet_when_stderr_is_not_a_terminal(sample, capsys):
    batch.analyse(sample, ["documents"])
    assert capsys.readouterr().err == ""


def test_metadata_column_named_like_a_measure_column_is_prefixed():
    table = pd.DataFrame({"doc_id": ["a", "a", "b"], "text": ["x", "y", "z"]})
    meta = pd.DataFrame({"doc_id": ["a", "b"], "text": ["full a", "full b"], "year": [2020, 2021]})
    out = batch.with_metadata(table, meta)
    assert out.values.tolist() == [["a", "x", "full a", 2020], ["a", "y", "full a", 2020],
                                   ["b", "z", "full b", 2021]]
    assert list(out.columns) == ["doc_id", "text", "doc_text", "year"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_write_is_deterministic_and_the_manifest_hashes_the_files(serial, tmp_path, fmt):
    first = batch.write(serial, tmp_path / "one", fmt=fmt, source="sample")
    second = batch.write(serial, tmp_path / "two", fmt=fmt, source="sample")
    for name, entry in first["tables"].items():
        blob = (tmp_path / "one" / entry["file"]).read_bytes()
        assert blob == (tmp_path / "two" / entry["file"]).read_bytes()
        digest = hashlib.sha256(blob).hexdigest()
        assert digest == entry["sha256"] == second["tables"][name]["sha256"]
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["corpus"] == {"source": "sample", "documents": 5, "bad_documents": 0}
    assert sorted(manifest["tables"]) == sorted([*MEASURES, "errors"])
    assert manifest["git_commit"] == figures.git_commit()
    if fmt == "parquet":
        back = pd.read_parquet(tmp_path / "one" / "sentences.parquet")
        pd.testing.assert_frame_equal(back, serial["sentences"], check_dtype=False)


def test_command_line_writes_tables_and_reports_bad_files(tmp_path, capsys):
    folder = _folder(tmp_path, {"a.txt": GOOD, "b.txt": OTHER, "empty.txt": b""})
    out = tmp_path / "out"
    assert cli.main(["corpus", str(folder), "--out", str(out), "--measures", "sentences"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "empty.txt: the file is empty" in err
    assert err.count("\n") == 1
    args = ["corpus", str(folder), "--out", str(out), "--measures", "sentences", "documents"]
    assert cli.main([*args, "--skip-bad"]) == 0
    assert pd.read_csv(out / "errors.csv")["doc_id"].tolist() == ["empty"]
    assert pd.read_csv(out / "sentences.csv")["doc_id"].unique().tolist() == ["a", "b"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["tables"]) == ["documents", "errors", "sentences"]


def test_command_line_files_and_folders_with_a_metadata_table(tmp_path):
    folder = _folder(tmp_path, {"a.txt": GOOD, "b.txt": OTHER})
    meta = tmp_path / "meta.csv"
    meta.write_text("doc_id,outlet\na,Times\nb,Post\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["corpus", str(folder / "b.txt"), str(folder / "a.txt"), "--out", str(out),
            "--measures", "documents", "--metadata", str(meta)]
    assert cli.main(args) == 0
    table = pd.read_csv(out / "documents.csv")
    assert table[["doc_id", "outlet"]].values.tolist() == [["a", "Times"], ["b", "Post"]]


def test_with_metadata_is_the_left_join_on_doc_id():
    meta = pd.DataFrame({"doc_id": pd.array(["a", "b", "c"], dtype="str"),
                         "title": pd.array(["A", "B", None], dtype="str"), "year": [2020, 2021, 2022],
                         "n": [1.5, 2.5, 3.5]})
    table = pd.DataFrame({"doc_id": pd.array(["c", "a", "a", "b"], dtype="str"), "n": [1, 2, 3, 4]})
    expected = table.merge(meta.rename(columns={"n": "doc_n"}), on="doc_id", how="left")
    pd.testing.assert_frame_equal(batch.with_metadata(table, meta), expected, check_exact=True)
    missing = pd.DataFrame({"doc_id": pd.array(["z"], dtype="str"), "n": [1]})
    assert batch.with_metadata(missing, meta)["year"].isna().all()
