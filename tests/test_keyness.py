"""Tests for analysis.keyness: G², log ratio, significance, keywords and collocates."""

from __future__ import annotations

import math

import pytest
import wordfreq
from nltk.collocations import BigramCollocationFinder

from analysis import keyness
from analysis.errors import InputError


@pytest.mark.parametrize(
    "a, b, c, d, g2, lr",
    [
        # a=10 in c=1000, b=20 in d=10000:
        #   E1 = 1000 * 30 / 11000 = 2.727273, E2 = 10000 * 30 / 11000 = 27.272727
        #   G² = 2 * (10 ln(10 / 2.727273) + 20 ln(20 / 27.272727)) = 2 * (10 ln(11/3) + 20 ln(11/15))
        #      = 2 * (10 * 1.2992830 + 20 * -0.3101549) = 2 * (12.992830 - 6.203099) = 13.579463
        #   LR = log2((10 / 1000) / (20 / 10000)) = log2(0.01 / 0.002) = log2(5) = 2.321928
        (10, 20, 1000, 10000, 13.579463, 2.321928),
        # a=5, b=0, c=d=100: E1 = E2 = 2.5; G² = 2 * 5 ln(5 / 2.5) = 10 ln 2 = 6.931472
        #   LR with b corrected to 0.5: log2((5 / 100) / (0.5 / 100)) = log2(10) = 3.321928
        (5, 0, 100, 100, 6.931472, 3.321928),
        # mirror image: a=0 gives the same G² and the opposite log ratio
        (0, 5, 100, 100, 6.931472, -3.321928),
        # same relative frequency on both sides: nothing key
        (3, 30, 100, 1000, 0.0, 0.0),
    ],
)
def test_two_by_two_by_hand(a, b, c, d, g2, lr):
    assert float(keyness.log_likelihood(a, b, c, d)) == pytest.approx(g2, abs=1e-6)
    assert float(keyness.log_ratio(a, b, c, d)) == pytest.approx(lr, abs=1e-6)


@pytest.mark.parametrize(
    "g2, label",
    [(3.83, "n.s."), (3.84, "p < 0.05"), (6.63, "p < 0.01"), (10.82, "p < 0.01"),
     (10.83, "p < 0.001"), (15.13, "p < 0.0001"), (0.0, "n.s.")],
)
def test_significance_labels(g2, label):
    assert keyness.significance([g2])[0] == label


@pytest.mark.parametrize("g2, p", [(3.841459, 0.05), (6.634897, 0.01), (10.827566, 0.001), (0.0, 1.0)])
def test_p_value_chi_square_one_df(g2, p):
    assert keyness.p_value([g2])[0] == pytest.approx(p, rel=1e-5)


def test_keyness_against_itself_is_zero(seed_doc):
    table = keyness.keywords(seed_doc, reference=seed_doc)
    assert len(table) > 1000
    assert (table["freq_target"] == table["freq_reference"]).all()
    assert table["log_likelihood"].abs().max() < 1e-9
    assert table["log_ratio"].abs().max() < 1e-9
    assert (table["significance"] == "n.s.").all()


def test_keywords_against_document_by_hand(make_doc):
    # target: alliance 2, treaty 1 (3 words); reference: treaty 2, pact 2 (4 words)
    # alliance: E1 = 3 * 2 / 7 = 0.857143; G² = 2 * 2 ln(2 / 0.857143) = 4 * 0.847298 = 3.389191
    #           LR = log2((2 / 3) / (0.5 / 4)) = log2(5.333333) = 2.415037
    target = make_doc("Alliance alliance treaty.")
    reference = make_doc("Treaty treaty pact pact.")
    table = keyness.keywords(target, reference, min_freq=2).set_index("term")
    sizes = ["freq_target", "freq_reference", "size_target", "size_reference"]
    assert table.loc["alliance", sizes].tolist() == [2, 0, 3, 4]
    assert table.loc["alliance", "log_likelihood"] == pytest.approx(3.389191, abs=1e-6)
    assert table.loc["alliance", "log_ratio"] == pytest.approx(2.415037, abs=1e-6)
    assert table.loc["pact", "freq_target"] == 0 and table.loc["pact", "log_ratio"] < 0
    # treaty is key in neither direction strongly but over-represented in the reference
    # (2/4 > 1/3), so its frequency there (2) decides the flag: not flagged at min_freq=2
    assert not table.loc["treaty", "low_frequency"]
    assert list(keyness.keywords(target, reference, min_freq=2)["term"]) == ["alliance", "treaty", "pact"]


def test_keywords_reference_list_pools_counts(make_doc):
    target = make_doc("Alliance treaty.")
    refs = [make_doc("Treaty pact."), make_doc("Treaty treaty.")]
    table = keyness.keywords(target, refs).set_index("term")
    assert table.loc["treaty", "freq_reference"] == 3
    assert table["size_reference"].iloc[0] == 4


@pytest.mark.parametrize("min_freq, flagged", [(3, {"alliance"}), (2, set()), (4, {"alliance", "the"})])
def test_low_frequency_flag(make_doc, min_freq, flagged):
    # "the" 3 times, "alliance" 2 times: both over-represented against general English
    doc = make_doc("The alliance, the alliance, the end.")
    table = keyness.keywords(doc, min_freq=min_freq)
    low = set(table.loc[table["low_frequency"], "term"]) & {"alliance", "the"}
    assert low == flagged
    assert table.loc[table["low_frequency"], "rank"].isna().all()
    assert table["low_frequency"].is_monotonic_increasing  # flagged words come last


@pytest.mark.parametrize("term", ["the", "alliance", "u.s.", "sino-russian", "encirclement", "xyzzyqqq"])
def test_wordfreq_counts(term):
    expected = round(wordfreq.word_frequency(term, "en") * keyness.REFERENCE_SIZE)
    assert round(keyness.reference_frequencies([term])[0] * keyness.REFERENCE_SIZE) == expected


def test_keywords_default_reference(make_doc):
    doc = make_doc("In 1991 the alliance and the U.S. met; the alliance held.")
    table = keyness.keywords(doc).set_index("term")
    assert "1991" not in table.index  # digits are left out
    assert table.loc["u.s.", "freq_reference"] == round(wordfreq.word_frequency("U.S.", "en") * 10**9)
    assert (table["size_reference"] == keyness.REFERENCE_SIZE).all()
    assert table["size_target"].iloc[0] == 10


@pytest.mark.parametrize("reference", ["some text", [], [1, 2], 42])
def test_keywords_bad_reference(make_doc, reference):
    with pytest.raises(InputError, match="reference"):
        keyness.keywords(make_doc("An alliance."), reference)


TEXT = "A firm alliance grew. A firm alliance held."


def test_collocates_by_hand(make_doc):
    # words: a firm alliance grew | a firm alliance held (N = 8); window 1 around the two
    # "alliance": firm, grew, firm, held -> 4 window positions.
    # firm: O11 = 2, R1 = 4, C1 = 2, N = 8 -> table [[2, 2], [0, 4]], expected [[1, 3], [1, 3]]
    #   G² = 2 * (2 ln 2 + 2 ln(2/3) + 4 ln(4/3)) = 2 * (1.386294 - 0.810930 + 1.150728) = 3.452185
    #   logDice = 14 + log2(2 * 2 / (2 + 2)) = 14
    table = keyness.collocates(make_doc(TEXT), "alliance", window=1, min_freq=1).set_index("collocate")
    assert table.loc["firm", ["cooccurrences", "left", "right", "freq_node", "freq_collocate",
                              "window_words", "size"]].tolist() == [2, 2, 0, 2, 2, 4, 8]
    assert table.loc["firm", "log_likelihood"] == pytest.approx(3.452185, abs=1e-5)
    assert table.loc["firm", "log_dice"] == pytest.approx(14.0)
    assert table.loc["grew", "log_dice"] == pytest.approx(14 + math.log2(2 / 3))
    assert list(table.index) == ["firm", "grew", "held"]


def test_collocates_agree_with_nltk_finder(make_doc):
    text = "the old alliance met the new partner near the alliance hall"
    doc = make_doc(text.capitalize() + ".")
    words = text.split()
    finder = BigramCollocationFinder.from_words(words, window_size=2)
    table = keyness.collocates(doc, "alliance", window=1, min_freq=1).set_index("collocate")
    for word in ("old", "met", "the", "hall"):
        nltk_count = finder.ngram_fd[("alliance", word)] + finder.ngram_fd[(word, "alliance")]
        assert table.loc[word, "cooccurrences"] == nltk_count


@pytest.mark.parametrize(
    "text, window, expected",
    [
        # the window stops at the sentence boundary
        ("They formed an alliance. Treaty talks began.", 2, {"an": (1, 0), "formed": (1, 0)}),
        # a word in two node windows counts once, on the side of the nearer node (tie: right)
        ("Alliance pact alliance.", 1, {"pact": (0, 1)}),
    ],
)
def test_collocate_windows(make_doc, text, window, expected):
    table = keyness.collocates(make_doc(text), "alliance", window=window, min_freq=1).set_index("collocate")
    assert {w: (r.left, r.right) for w, r in table.iterrows()} == expected


def test_collocates_node_forms_and_absent_node(make_doc):
    doc = make_doc("The U.S. pressed. The alliances grew and the alliance held.")
    both = keyness.collocates(doc, ["alliance", "alliances"], window=1, min_freq=1)
    assert both["node"].iloc[0] == "alliance|alliances"
    assert keyness.collocates(doc, "U.S.", window=1, min_freq=1)["collocate"].tolist() == ["pressed", "the"]
    absent = keyness.collocates(doc, "treaty")
    assert absent.empty and absent["low_frequency"].dtype == bool
    assert absent.loc[~absent["low_frequency"], "log_dice"].empty


@pytest.mark.parametrize("node, window", [("two words", 5), ("", 5), ("alliance", 0), (3, 5)])
def test_collocates_errors(make_doc, node, window):
    with pytest.raises(InputError, match="collocates"):
        keyness.collocates(make_doc("An alliance."), node, window=window)
