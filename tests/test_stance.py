"""Tests for analysis.stance: context rules on tiny texts, rates, lexicon validation, precision."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from analysis import lexicons, stance
from analysis.errors import InputError, LexiconError
from analysis.tables import Table


def _quoted_voice(doc, offsets, speaker="putin"):
    """A stand-in for voices.voice_at: the speaker inside double quotes, else the author."""
    spans = [(m.start(), m.end()) for m in re.finditer(r'"[^"]*"', doc.normalised)]
    return [speaker if any(s <= o < e for s, e in spans) else "author" for o in offsets]


@pytest.fixture
def author_voice(monkeypatch):
    """Context rules are tested without the voices module: every offset is the author's."""
    monkeypatch.setattr(stance, "voices_at", lambda doc, offsets: _quoted_voice(doc, offsets))


def found(doc):
    return [tuple(r) for r in stance.markers(doc)[["category", "marker"]].itertuples(index=False)]


# Each row: a tiny text and every marker expected in it, worked out by hand.
RULES = [
    # "May": the month or a name in mid-sentence, the hedge in lower case
    ("As far back as May 2016, Russia and China met.", []),
    ("May 2016 saw the first exercise.", []),
    ("Theresa May said nothing.", []),
    ("The talks may fail.", [("hedge", "may")]),
    # "clear": "steer clear of" is avoidance, not certainty
    ("Beijing wanted to steer clear of the tracks.", []),
    ("The lesson is clear.", [("booster", "clear")]),
    # "might": the noun after a determiner or modifier, or before "of"/punctuation
    ("Russian military might grew.", []),
    ("They feared the might of the navy.", []),
    ("A sense of apprehension might have been there.", [("hedge", "might")]),
    # "of course" against "in the course of", "matter of course"
    ("Belarus, of course, is the missing link.", [("engagement", "of course")]),
    ("In the course of the talks they signed.", []),
    ("It was a matter of course.", []),
    # "will" and "would": only epistemic
    ("The talks will start in May.", []),
    ("It will not end soon.", []),
    ("By now Moscow will have noticed the shift.", [("booster", "will")]),
    ("Xi said the visit would produce a better order.", []),
    ("Russia would be in a position to help.", []),
    ("The outlooks would have differed.", [("hedge", "would")]),
    ("That would seem odd.", [("hedge", "would seem")]),
    # "should": epistemic hedge, deontic attitude, inversion nothing, "we should" directive
    ("The stakes rise should the U.S. decide to attack.", []),
    ("Washington should withdraw its troops.", [("attitude", "should")]),
    ("The parts should have arrived by now.", [("hedge", "should")]),
    ("We should remember the lesson.", [("engagement", "we should")]),
    # "certain": determiner against predicative booster
    ("This raises certain concerns with our partners.", [("engagement", "our")]),
    ("The outcome is certain.", [("booster", "certain")]),
    ("They are certain that it works.", [("booster", "certain")]),
    ("It holds to a certain extent.", [("hedge", "to a certain extent")]),
    ("The balance looks less certain.", []),
    # research verbs boost only as the writer's evidence
    ("The figures show that trade grew.", [("booster", "show that")]),
    ("Russia wants to show that it is not isolated.", []),
    # "critical": importance when predicative, a classifier in terms
    ("Buyers want critical minerals.", []),
    ("Access is critical to Moscow.", [("attitude", "critical")]),
    # multi-word markers take precedence over their parts
    ("In fact, the history is not new.", [("booster", "in fact")]),
    ("These statements suggest that in actual fact, change is under way.",
     [("hedge", "suggest"), ("booster", "in actual fact")]),
    ("To be sure, the alliance is nuanced.", [("booster", "to be sure")]),
    ("Make sure the door is locked.", []),
    ("It is an open secret that spies were busy.", [("booster", "it is an open secret")]),
    ("For want of a better word, one may call it a plug-in alliance.",
     [("hedge", "for want of a better"), ("hedge", "one may call it")]),
    ("China, in my opinion, managed well.", [("hedge", "in my opinion")]),
    ("We need to work out new forms.", [("engagement", "we need to")]),
    # sentence-initial adverbials
    ("Clearly, this is a prelude.", [("booster", "clearly")]),
    ("Gorbachev clearly understood the problem.", [("booster", "clearly")]),
    ("Probably, Putin returned disenchanted.", [("hedge", "probably")]),
    ("Admittedly, the alliance has evolved.", [("attitude", "admittedly")]),
    ("Critically, both acted as rule takers.", [("attitude", "critically")]),
    ("These matters are critically urgent.", []),
    ("Naturally, Moscow objected.", [("booster", "naturally")]),
    ("It comes naturally to him.", []),
    # directives only as imperatives opening a sentence
    ("Do not forget that Xi went to Moscow first.", [("engagement", "do not forget")]),
    ("They push so that we don't forget who is boss.", [("engagement", "we")]),
    ("Note that the figures are old.", [("engagement", "note that")]),
    ("Consider the Quad.", [("engagement", "consider")]),
    ("They did not consider the Quad.", []),
    # questions
    ("What is there to say? Nothing.", [("engagement", "?")]),
    # pronouns: "US" is not "us"; "I" is not a numeral
    ("The US acts alone.", []),
    ("They divided us.", [("engagement", "us")]),
    ("World War I ended.", []),
    ("I think the talks failed.", [("self_mention", "i"), ("booster", "think")]),
    ("Strategists think globally and broadly.", []),
    # approximators before quantities only
    ("They provided about $20 million.", [("hedge", "about")]),
    ("They talked about the Soviet Union around the world.", []),
    ("It is more nuanced than it first appears.", []),
    ("It seems odd.", [("hedge", "seems")]),
    ("It is quite the opposite.", []),
    ("They agreed to the plan.", []),
    ("We agree that it failed.", [("engagement", "we"), ("attitude", "agree")]),
    # items that opinion journalism needs
    ("Simply put, a race is on.", [("booster", "simply put")]),
    ("The propagandists blithely overlook it.", [("attitude", "blithely")]),
    ("The Kremlin named outside powers (read the U.S. and its allies) as the cause.",
     [("engagement", "(read")]),
]


@pytest.mark.parametrize(("text", "expected"), RULES)
def test_context_rules(make_doc, author_voice, text, expected):
    assert found(make_doc(text)) == expected


# Inside a quotation first-person plurals are the speaker's side and obligations his own.
QUOTED = [
    ('Lavrov said, "We are worried about our borders."',
     [("self_mention", "speaker_we", "we"), ("self_mention", "speaker_we", "our")]),
    ('Li said, "You are great politicians."', [("engagement", "addressee", "you")]),
    ('Xi said, "We need to cherish trust."', [("attitude", "obligation", "we need to")]),
    ("We need to cherish trust.", [("engagement", "directive", "we need to")]),
    ("You are great politicians.", [("engagement", "reader_pronoun", "you")]),
]


@pytest.mark.parametrize(("text", "expected"), QUOTED)
def test_quoted_voice_recategorises(make_doc, author_voice, text, expected):
    table = stance.markers(make_doc(text))
    assert [tuple(r) for r in table[["category", "subtype", "marker"]].itertuples(index=False)] == expected


def test_markers_table_shape_and_offsets(make_doc, author_voice):
    doc = make_doc("Title\n\nIntro\n\nClearly, it may rain today.\n\nLater\n\nIt rained, of course.")
    table = stance.markers(doc)
    assert list(table.columns) == list(stance.MARKER_COLUMNS)
    assert [doc.body[s:e].lower() for s, e in zip(table["start"], table["end"])] == table["marker"].tolist()
    assert table["section"].tolist() == ["Intro", "Intro", "Later"]
    assert table["sentence_id"].tolist() == [0, 0, 1]


def test_markers_table_has_fixed_dtypes(make_doc, author_voice):
    table = stance.markers.table(make_doc("Clearly, it may rain."))
    assert isinstance(table, Table) and table.dtypes == stance.MARKER_DTYPES and len(table) == 2
    empty = stance.markers(make_doc("The ship sailed north."))
    found = stance.markers(make_doc("Clearly, it may rain."))
    assert empty.empty and empty.dtypes.to_dict() == found.dtypes.to_dict()


# Tokens are looked up by hash, except in a text with a dotted capital I or a Kelvin sign,
# or with a lexicon whose forms are not ASCII: the markers are the same either way.
LOOKUPS = [
    ("WE MAY WIN. CLEARLY, OF COURSE, YOU KNOW.",
     [("booster", "clearly"), ("engagement", "of course"), ("engagement", "you")]),
    ("I \u212aNOW that it may rain. In Fact, it is.",
     [("self_mention", "i"), ("booster", "know"), ("hedge", "may"), ("booster", "in fact")]),
    ("\u0130stanbul may fall. I know it. In fact, it is.",
     [("hedge", "may"), ("self_mention", "i"), ("booster", "know"), ("booster", "in fact")]),
]


@pytest.mark.parametrize(("text", "expected"), LOOKUPS)
def test_token_lookup(make_doc, author_voice, text, expected):
    assert found(make_doc(text)) == expected


def test_token_hashes_match_the_lexicon():
    words = sorted(stance.lexicon().vocabulary) * 20  # several stretches of text
    text = " ".join(w.upper() if i % 2 else w for i, w in enumerate(words))
    assert len(text) > stance.HASH_POWERS_KEPT
    starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]])
    hashes = stance._token_hashes(text, starts, starts + np.array([len(w) for w in words]))
    assert hashes.tolist() == [stance._hash(w) for w in words]


def test_user_lexicon_beyond_ascii(make_doc, author_voice):
    data = {"categories": {"attitude": {"rationale": "r"}},
            "markers": [{"forms": ["na\u00efve", "sort of"], "category": "attitude"}]}
    table = stance.markers(make_doc("It is sort of na\u00efve. Na\u00efve? Yes."), data)
    assert table["marker"].tolist() == ["sort of", "na\u00efve", "na\u00efve"]


def test_markers_without_voices_module(make_doc, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_voices(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "analysis" and fromlist and "voices" in fromlist:
            raise ImportError("voices not built")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_voices)
    table = stance.markers(make_doc('He said, "We may win."'))
    assert table["voice"].tolist() == ["all", "all"]
    assert table["category"].tolist() == ["engagement", "hedge"]


# ---------------------------------------------------------------- rates
def test_density_by_category(make_doc, author_voice):
    d = stance.density(make_doc("Clearly, it may rain. It clearly will."))
    rates = dict(zip(d["category"], d["per_1000"]))
    # 7 words: Clearly it may rain It clearly will
    assert d["words"].unique().tolist() == [7.0]
    assert rates == pytest.approx({"hedge": 1000 / 7, "booster": 2000 / 7, "attitude": 0.0,
                                   "self_mention": 0.0, "engagement": 0.0})


def test_density_by_section(make_doc, author_voice):
    doc = make_doc("Title\n\nIntro\n\nClearly, it may rain today.\n\nLater\n\nIt rained.")
    d = stance.density(doc, by=("category", "section"))
    got = {(r.category, r.section): (r.n, r.words, r.per_1000) for r in d.itertuples()}
    assert got[("booster", "Intro")] == (1, 5, 200.0)
    assert got[("hedge", "Intro")] == (1, 5, 200.0)
    assert got[("booster", "Later")] == (0, 2, 0.0)


def test_density_by_voice(make_doc, author_voice):
    doc = make_doc('Clearly, he said, "We may win."')
    d = stance.density(doc, by=("category", "voice"))
    got = {(r.category, r.voice): (r.n, r.words) for r in d.itertuples()}
    # author: Clearly he said (3 words); putin: We may win (3 words)
    assert got[("booster", "author")] == (1, 3)
    assert got[("hedge", "putin")] == (1, 3)
    assert got[("self_mention", "putin")] == (1, 3)
    assert got[("hedge", "author")] == (0, 3)


def test_balance_and_top_sentences(make_doc, author_voice):
    doc = make_doc("Clearly, it is in fact true. It may rain. Indeed it is. Surely not.")
    b = stance.balance(doc, by=())
    assert b[["boosters", "hedges"]].iloc[0].tolist() == [4.0, 1.0]
    assert b["booster_share"].item() == pytest.approx(0.8)
    top = stance.top_sentences(doc, n=5)
    # two boosters first; of the single boosters, "Surely not" (2 words) before "Indeed it is" (3 words)
    assert top[["sentence_id", "n_markers", "n_words", "markers"]].values.tolist() == [
        [0, 2, 6, "clearly; in fact"], [3, 1, 2, "surely"], [2, 1, 3, "indeed"]]


def test_text_without_markers(make_doc, author_voice):
    doc = make_doc("Title\n\nThe ship sailed north in the spring.")
    assert stance.markers(doc).empty
    assert list(stance.markers(doc).columns) == list(stance.MARKER_COLUMNS)
    d = stance.density(doc, by=("category", "section"))
    assert d["n"].sum() == 0 and (d["words"] == 7).all() and (d["per_1000"] == 0).all()
    b = stance.balance(doc)
    assert b[["boosters", "hedges"]].iloc[0].tolist() == [0.0, 0.0] and math.isnan(b["booster_share"].item())
    assert stance.top_sentences(doc).empty


def test_density_table_has_fixed_dtypes(make_doc, author_voice):
    with_markers = stance.density.table(make_doc("Clearly, it may rain."), by=("category", "voice"))
    without = stance.density.table(make_doc("The ship sailed north."), by=("category", "voice"))
    assert isinstance(with_markers, Table) and with_markers.dtypes == without.dtypes
    assert without.dtypes == {"category": "str", "voice": "str", "n": "float64", "words": "float64",
                              "per_1000": "float64"}


@pytest.mark.parametrize("by", [("colour",), ("category", "category"), "tone"])
def test_density_rejects_bad_grouping(make_doc, author_voice, by):
    with pytest.raises(InputError, match="cannot group by"):
        stance.density(make_doc("It may rain."), by=by)


def test_top_sentences_rejects_unknown_category(make_doc, author_voice):
    with pytest.raises(InputError, match="unknown category"):
        stance.top_sentences(make_doc("It may rain."), category="boosters")


# ---------------------------------------------------------------- lexicon
def _lexicon(**entry):
    return {"meta": {"title": "test"},
            "categories": {"hedge": {"rationale": "withholds commitment", "subtypes": {"phrase": "x"}}},
            "markers": [{"forms": ["sort of"], "category": "hedge", "subtype": "phrase", **entry}]}


@pytest.mark.parametrize(("change", "message"), [
    ({"category": "hedges"}, "unknown category 'hedges'"),
    ({"subtype": "adverb"}, "unknown subtype 'adverb'"),
    ({"not_before": ["(unclosed"]}, "bad regular expression under 'not_before'"),
    ({"only_after": "nope"}, "'only_after' must be a list"),
    ({"position": "middle"}, "unknown position 'middle'"),
    ({"forms": []}, "'forms' must be a non-empty list"),
    ({"pattern": "sort\\s+of"}, "exactly one of 'forms'"),
    ({"not_befor": ["x"]}, "unknown key"),
    ({"quoted": {"category": "attitude"}}, "'quoted' must give a declared 'category'"),
    ({"case_sensitive": "yes"}, "'case_sensitive' must be true or false"),
])
def test_lexicon_errors(change, message):
    with pytest.raises(LexiconError, match=re.escape(message)):
        stance.lexicon(_lexicon(**change))


@pytest.mark.parametrize("drop", ["category", "subtype"])
def test_lexicon_missing_entry_key(drop):
    data = _lexicon()
    del data["markers"][0][drop]
    with pytest.raises(LexiconError, match=f"markers\\[0\\] \\('sort of'\\): missing key '{drop}'"):
        stance.lexicon(data)


def test_lexicon_of_the_wrong_type():
    with pytest.raises(LexiconError, match="expected a path or a mapping"):
        stance.lexicon(42)


@pytest.mark.parametrize("func", [stance.markers, stance.density, stance.balance, stance.top_sentences])
def test_measures_reject_a_string(func):
    with pytest.raises(InputError, match="expected a Document"):
        func("It may rain.")


def test_lexicon_missing_top_level_key():
    data = _lexicon()
    del data["categories"]
    with pytest.raises(LexiconError, match="missing required key"):
        stance.lexicon(data)


def test_user_lexicon_file_error_names_file(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text("categories:\n  hedge: {rationale: r}\nmarkers:\n  - {forms: [perhaps], category: boost}\n",
                    encoding="utf-8")
    with pytest.raises(LexiconError, match=re.escape(f"{path}: markers[0] ('perhaps'): unknown category 'boost'")):
        stance.lexicon(path)
    with pytest.raises(LexiconError, match="not found"):
        stance.lexicon(tmp_path / "missing.yml")


def test_user_lexicon_with_pattern(make_doc, author_voice):
    data = {"categories": {"hedge": {"rationale": "r"}},
            "markers": [{"pattern": r"sort\s+of", "category": "hedge"}]}
    doc = make_doc("It is sort of odd. The resort offers tea.")
    table = stance.markers(doc, data)
    assert table[["category", "marker"]].values.tolist() == [["hedge", "sort of"]]


def test_packaged_lexicon_is_documented():
    data = lexicons.load(None, name="stance")
    assert {"title", "source", "licence", "version", "date", "notes"} <= set(data["meta"])
    table = stance.entries()
    assert set(table["category"]) == set(stance.lexicon().categories)
    assert (table["notes"].str.len() > 0).all()
    assert {"it is an open secret", "plainly put", "suffice to say", "to be sure", "the heart of the matter",
            "blithely"} <= set(table.loc[table["journalism"] != "", "form"])


# ---------------------------------------------------------------- precision
@pytest.mark.parametrize(("k", "n", "low", "high"), [
    (8, 10, 0.4902, 0.9433),  # by hand: centre 0.7167, half-width 0.2266
    (10, 10, 0.7225, 1.0),
    (0, 5, 0.0, 0.4345),
])
def test_wilson_interval(k, n, low, high):
    got = stance._wilson(k, n)
    assert got == pytest.approx((low, high), abs=5e-4)


def test_sample_covers_every_marker_in_the_seed(seed_doc):
    sample = stance.read_sample()
    table = stance.markers(seed_doc)
    assert len(sample) >= 80
    keys = ["start", "end", "category", "subtype"]
    got = table[keys].astype(str).values.tolist()
    assert sample[keys].astype(str).values.tolist() == got, "re-annotate analysis/data/stance_sample.csv"
    assert (sample["comment"].str.len() > 0).all()


def test_precision_on_the_seed_sample():
    table = stance.precision()
    overall = table.set_index("category").loc["all"]
    sample = stance.read_sample()
    assert overall["n"] == len(sample)
    assert overall["precision"] == pytest.approx(sample["is_correct"].mean())
    assert overall["precision"] >= 0.9
    assert set(table["category"]) == set(sample["category"]) | {"all"}
    assert not math.isnan(overall["ci_low"]) and overall["ci_low"] <= overall["precision"] <= overall["ci_high"]


@pytest.mark.parametrize(("content", "message"), [
    ("start,end\n1,2\n", "missing column"),
    ("start,end,marker,category,subtype,voice,is_correct,comment\n1,2,x,hedge,modal,author,yes,c\n", "0 or 1"),
])
def test_read_sample_errors(tmp_path, content, message):
    path = tmp_path / "sample.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        stance.read_sample(path)
