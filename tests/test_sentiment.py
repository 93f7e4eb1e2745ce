"""Tests for analysis.sentiment: VADER rules, target scores, aggregation, offline use."""

from __future__ import annotations

import json
import math
import socket

import numpy as np
import pytest

from analysis import sentiment
from analysis.errors import InputError


def _values(text):
    tok, _ = sentiment.tokens_of([text])
    val = sentiment.valences(tok)
    return dict(zip(tok.norm, val.value)), val


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # VADER lexicon: good 1.9, terrible -2.1; negation scalar -0.74; booster +0.293
        ("It is good.", "good", 1.9),
        ("It is not good.", "good", 1.9 * -0.74),
        ("It isn't good.", "good", 1.9 * -0.74),
        ("It is very good.", "good", 1.9 + 0.293),
        ("It is not very good.", "good", (1.9 + 0.293) * -0.74),
        ("It is terrible.", "terrible", -2.1),
        ("Not that it was ever terrible.", "terrible", -2.1),  # "not" is four words back: outside the scope
    ],
)
def test_vader_valences(text, word, expected):
    values, _ = _values(text)
    assert values[word] == pytest.approx(expected)


def test_but_rule_weights():
    tok, _ = sentiment.tokens_of(["It is good, but it is bad."])
    but = sentiment.valences(tok).but
    # It is good , | but | it is bad .
    assert but.tolist() == [0.5] * 4 + [1.0] + [1.5] * 4


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("The talks were a great success.", 1),
        ("The talks were not a success.", -1),
        ("The plan is good, but the execution is terrible.", -1),
        ("The plan is terrible, but the execution is good.", 1),
    ],
)
def test_sentence_score_sign(text, sign):
    score = sentiment.sentence_score(text)
    assert -1 <= score <= 1
    assert np.sign(score) == sign


def test_sentence_score_of_a_factual_sentence_is_near_zero():
    # no VADER word; only the small news-lexicon weights of "meeting", "held"
    assert abs(sentiment.sentence_score("The meeting was held on Tuesday.")) < 0.1


@pytest.mark.parametrize(
    ("sentence", "target", "label"),
    [
        ("Critics accused Moscow of lying.", "Moscow", "negative"),
        ("Putin is a great leader.", "Putin", "positive"),
        ("Putin is not a great leader.", "Putin", "negative"),  # negation
        ("The minister praised Putin for his leadership.", "Putin", "positive"),
        ("The minister did not praise Putin for his leadership.", "Putin", "negative"),
        ("Moscow criticised Beijing.", "Beijing", "negative"),
        ("Moscow did not criticise Beijing.", "Beijing", "neutral"),
        # "but" clauses and a sentence that praises one actor and attacks another
        ("China is a reliable partner, but the United States is a dangerous aggressor.", "China", "positive"),
        ("China is a reliable partner, but the United States is a dangerous aggressor.", "United States", "negative"),
        ("The article praises China as a reliable partner, while the United States is blamed for the crisis.",
         "China", "positive"),
        ("The article praises China as a reliable partner, while the United States is blamed for the crisis.",
         "United States", "negative"),
        ("The talks with Lavrov took place on Monday.", "Lavrov", "neutral"),
    ],
)
def test_toward_target(sentence, target, label):
    start = sentence.index(target)
    result = sentiment.toward_target(sentence, start, start + len(target))
    assert result.label == label
    assert -1 <= result.score <= 1
    p = result.probabilities
    assert result.score == pytest.approx(p[2] - p[0])
    assert sum(p) == pytest.approx(1.0)


@pytest.mark.parametrize(("start", "end"), [(5, 5), (-1, 3), (0, 99), (3, 2)])
def test_toward_target_rejects_bad_spans(start, end):
    with pytest.raises(InputError):
        sentiment.toward_target("Moscow spoke.", start, end)


def test_explain_adds_up_to_the_log_odds():
    sentence = "Critics accused Moscow of lying."
    table = sentiment.explain(sentence, 16, 22)
    p = sentiment.toward_target(sentence, 16, 22).probabilities
    bias = sentiment.model().bias
    assert table["contribution"].sum() + bias[2] - bias[0] == pytest.approx(math.log(p[2] / p[0]))
    assert "L:accused" in set(table["feature"])


def test_scores_per_mention(make_doc):
    doc = make_doc("Critics accused Moscow of lying. Beijing is a reliable and friendly partner.")
    table = sentiment.scores(doc)
    assert list(table.columns) == sentiment.SCORE_COLUMNS
    assert table[["actor", "label"]].values.tolist() == [["russia", "negative"], ["china", "positive"]]
    direct = sentiment.toward_target("Critics accused Moscow of lying.", 16, 22)
    assert table.loc[0, "score"] == pytest.approx(direct.score)


def test_toward_actors_columns_and_voices(make_doc):
    doc = make_doc("Critics accused Moscow of lying. Putin said, \u201cMoscow is a reliable partner.\u201d")
    table = sentiment.toward_actors(doc)
    assert list(table.columns) == sentiment.ACTOR_COLUMNS
    russia = table.loc[table["actor"] == "russia"].set_index("voice")
    assert russia.loc["all", "n_mentions"] == 2
    if "author" in russia.index:  # voices present: one mention in each voice
        assert russia.loc["author", "n_mentions"] == 1 and russia.loc["quoted", "n_mentions"] == 1
    shares = table[["share_negative", "share_neutral", "share_positive"]].sum(axis=1)
    assert np.allclose(shares, 1.0)


def test_toward_actors_rollup(make_doc):
    doc = make_doc("Lavrov spoke in Moscow. Russia agreed.")
    rolled = sentiment.toward_actors(doc, rollup=True)
    assert rolled.loc[rolled["voice"] == "all", ["actor", "n_mentions"]].values.tolist() == [["russia", 3]]


def test_bootstrap_is_reproducible(seed_doc):
    first = sentiment.toward_actors(seed_doc, seed=7)
    again = sentiment.toward_actors(seed_doc, seed=7)
    other = sentiment.toward_actors(seed_doc, seed=8)
    assert first.equals(again)
    assert not first[["ci_low", "ci_high"]].equals(other[["ci_low", "ci_high"]])
    assert (first["ci_low"] <= first["mean"] + 1e-12).all() and (first["mean"] <= first["ci_high"] + 1e-12).all()


@pytest.mark.parametrize(
    ("values", "expected"),
    [([0.5], (0.5, 0.5)), ([0.2, 0.2, 0.2], (0.2, 0.2))],
)
def test_bootstrap_degenerate(values, expected):
    assert sentiment.bootstrap_interval(np.array(values), np.random.default_rng(1)) == expected


def test_bootstrap_interval_covers_a_known_mean():
    # mean of 0/1 values with p = 0.5, n = 400: standard error 0.025, 95% interval about +/-0.049
    values = np.r_[np.zeros(200), np.ones(200)]
    low, high = sentiment.bootstrap_interval(values, np.random.default_rng(3))
    assert low == pytest.approx(0.451, abs=0.01) and high == pytest.approx(0.549, abs=0.01)


def test_evidence(seed_doc):
    table = sentiment.evidence(seed_doc, "united_states")
    assert len(table) == (sentiment.scores(seed_doc)["actor"] == "united_states").sum()
    row = table.iloc[0]
    assert row["surface"] in row["sentence"]
    rolled = sentiment.evidence(seed_doc, "russia", rollup=True)
    assert "lavrov" in set(rolled["member"])


def test_offline(monkeypatch, make_doc):
    """Sentiment loads its lexicon and model and scores text with the network and downloads blocked."""
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("network or download attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    for cached in (sentiment.vader_lexicon, sentiment.vader_rules, sentiment.model, sentiment.news_lexicon):
        cached.cache_clear()
    assert sentiment.sentence_score("A good plan.") > 0
    assert sentiment.toward_target("Critics accused Moscow of lying.", 16, 22).label == "negative"
    assert sentiment.nltk_analyzer().polarity_scores("A good plan.")["compound"] > 0
    assert len(sentiment.toward_actors(make_doc("Moscow agreed."))) == len(sentiment.toward_actors(make_doc("Moscow agreed.")))


def test_model_file_is_plain_json():
    data = json.loads(sentiment.MODEL_FILE.read_text(encoding="utf-8"))
    assert data["numeric_features"] == list(sentiment.NUMERIC_FEATURES)
    assert len(data["w_lexical"]) == len(data["lexical_features"])
    assert data["meta"]["trained_on"].startswith("NewsMTSC train")


@pytest.mark.parametrize("broken", [{}, {"numeric_features": ["x"], "lexical_features": [], "mean": [0],
                                         "scale": [1], "w_numeric": [[0, 0, 0]], "w_lexical": [], "bias": [0, 0, 0]}])
def test_malformed_model(broken):
    with pytest.raises(sentiment.ModelError):
        sentiment.model_from_dict(broken)


def test_committed_validation_meets_targets():
    record = sentiment.validation()
    results = record["results"]
    assert results["newsmtsc_dev_mt"]["macro_f1"] >= 60 and results["newsmtsc_dev_rw"]["macro_f1"] >= 60
    assert results["nyt_editorials_dev"]["pearson_r"] >= 0.52
    assert set(record["data_sha256"]) == {"newsmtsc/dev-mt.jsonl", "newsmtsc/dev-rw.jsonl",
                                          "vader-nyt/nyt-editorial-snippets-dev.tsv"}
    assert record["model_sha256"] == __import__("hashlib").sha256(sentiment.MODEL_FILE.read_bytes()).hexdigest()


@pytest.mark.parametrize("n", [2, 3, 7, 8, 9, 16, 129, 300])
def test_bootstrap_means_are_numpys_row_means(n, monkeypatch):
    """Summing whole rows of draws gives the same numbers as the mean of each resample."""
    values = np.random.default_rng(n).normal(size=n)
    draws = np.random.default_rng(5).integers(0, n, size=(2000, n))
    expected = values[draws].mean(axis=1)
    assert np.array_equal(sentiment._bootstrap_means(values, np.random.default_rng(5), 2000), expected)
    monkeypatch.setattr(sentiment, "BOOTSTRAP_DRAWS", 3 * n + 1)  # drawn in chunks of three resamples
    assert np.array_equal(sentiment._bootstrap_means(values, np.random.default_rng(5), 2000), expected)


def test_row_quantiles_are_numpys():
    rows = np.random.default_rng(2).normal(size=(5, 2000)).round(2)  # with ties
    q = sentiment._tails(sentiment.CONFIDENCE)
    assert np.array_equal(sentiment._row_quantiles(rows.copy(), q), np.quantile(rows, q, axis=1))


def test_group_generator_draws_as_default_rng():
    draws = sentiment._seed_for(7, "russia", "all").integers(0, 10, size=50)
    crc = __import__("zlib").crc32("russia\x00all".encode("utf-8"))
    assert np.array_equal(draws, np.random.default_rng([7, crc]).integers(0, 10, size=50))


def test_target_features_from_the_sentences_with_targets(seed_doc):
    """Features from the targets' sentences alone equal those from all the document's tokens."""
    from analysis import actors

    cols = actors.mentions.table(seed_doc).columns
    seg, start, end = (np.asarray(cols[c], dtype="int64") for c in ("sentence_id", "start", "end"))
    part = sentiment._target_tokens(seed_doc, seg, start, end)
    whole = sentiment.doc_tokens(seed_doc)
    assert len(part.seg) < len(whole.seg)
    for a, b in zip(sentiment.features(part, seg, start, end), sentiment.features(whole, seg, start, end)):
        assert np.array_equal(a, b)


def test_tables_have_fixed_dtypes(make_doc):
    for text in ("Critics accused Moscow of lying.", "Nothing here."):
        doc = make_doc(text)
        assert sentiment.scores.table(doc).dtypes == sentiment.SCORE_DTYPES
        assert sentiment.toward_actors.table(doc).dtypes == sentiment.ACTOR_DTYPES
        assert list(sentiment.toward_actors(doc).columns) == sentiment.ACTOR_COLUMNS


@pytest.mark.parametrize("text", ["Critics accused MOSCOW of lying. Beijing's partner agreed.",
                                  "\u0130stanbul hosted Putin. The talks failed."])  # lower() changes the length
def test_target_tokens_are_the_token_norms(make_doc, text):
    from analysis import actors, tokenise

    doc = make_doc(text)
    cols = actors.mentions.table(doc).columns
    seg, start, end = (np.asarray(cols[c], dtype="int64") for c in ("sentence_id", "start", "end"))
    part = sentiment._target_tokens(doc, seg, start, end)
    t = tokenise.token_arrays(doc)
    keep = np.searchsorted(t.start, part.start)
    assert part.norm.tolist() == [t.norm[i] for i in keep]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 22, 100, 2**31 + 1])
def test_group_draws_are_numpys_integers(n):
    """The draws read from the raw outputs equal ``integers``, or are declined (then ``integers`` is used)."""
    state = np.random.PCG64(11).state
    draws = sentiment._group_draws(state, n, 4000)
    expected = np.random.Generator(np.random.PCG64(11)).integers(0, n, size=4000)
    if n < 2**31:
        assert draws is not None
    assert draws is None or np.array_equal(draws, expected)
    assert sentiment._group_draws(state, n, 3999) is None  # an odd count leaves half an output


def test_group_means_are_bootstrap_means():
    values = np.random.default_rng(4).normal(size=9)
    expected = sentiment._bootstrap_means(values, sentiment._seed_for(3, "russia", "all"), sentiment.BOOTSTRAP_RESAMPLES)
    assert np.array_equal(sentiment._group_means(values, 3, "russia", "all"), expected)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 20])
def test_sum_is_numpys(n):
    rng = np.random.default_rng(n)
    for _ in range(200):
        values = rng.normal(size=n) * 10.0 ** rng.integers(-8, 8, size=n)
        assert sentiment._sum(values.tolist()) == np.add.reduce(values)


def test_boosts_and_negation_as_whole_array_rules():
    """Boosters and negators applied token by token give the whole-array rules' values."""
    rng = np.random.default_rng(1)
    _, _, n_scalar = sentiment.vader_rules()
    for _ in range(2000):
        n = int(rng.integers(1, 40))
        seg = np.sort(rng.integers(0, 6, n))
        values, flags = np.zeros((2, 8)), np.zeros((4, 8), dtype=bool)
        values[0] = rng.normal(size=8) * (rng.random(8) < 0.7)
        values[1] = rng.normal(size=8) * 0.3 * (rng.random(8) < 0.4)
        flags[0] = rng.random(8) < 0.3
        rows = rng.integers(0, 8, n)
        raw, boost, is_neg = values[0, rows], values[1, rows], flags[0, rows]
        value, negated = raw.copy(), np.zeros(n, dtype=bool)
        for lag in range(1, min(sentiment.NEGATION_SCOPE, n - 1) + 1):
            same = seg[lag:] == seg[:-lag]
            value[lag:] += np.sign(raw)[lag:] * np.where(same, boost[:-lag], 0.0) * sentiment.BOOST_DECAY[lag - 1]
            negated[lag:] |= same & is_neg[:-lag]
        value[negated] *= n_scalar
        got = sentiment._valences(seg, rows, values, flags)
        assert np.array_equal(got.value, value) and np.array_equal(got.negated, negated)
