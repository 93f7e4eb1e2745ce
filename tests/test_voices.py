"""Tests for analysis.voices: quotation marks, kinds, attribution and voices.

Expected speakers in the seed were read off the article by hand: every block
quotation and the introducing paragraph before it, and the inline quotations
whose reporting clause is hard (a cue after the quotation, a pronoun, an
appositive, a title, a closing mark used as an opening one).
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from analysis import corpus, lexicons, tokenise, voices
from analysis.errors import InputError, LexiconError


def _quote(q: pd.DataFrame, opening: str) -> pd.Series:
    """The one outermost quotation whose text (after the mark) starts with ``opening``."""
    rows = q.loc[q["text"].str.slice(1).str.startswith(opening)]
    assert len(rows) == 1, f"{len(rows)} quotations start with {opening!r}"
    return rows.iloc[0]


# --- the seed: block quotations ---------------------------------------------

SEED_BLOCKS = [
    # opening words of the block, speaker, cue in the introducing paragraph
    ("In the end, the great Soviet Communist Party", "Xi Jinping", None),  # after "Xi ... reportedly said that ..."
    ("we are witnessing an aggression against history", "Sergey Lavrov", "said"),
    ("What is there to say?", "Vladimir Putin", "added"),
    ("According to the available information", "Sergey Naryshkin", "said"),
    ("The demonstrations have been well organised", "Sergey Naryshkin", "specified"),  # "He specified,"
    ("We noted the destructive character", "Sergey Lavrov", "said"),  # "Foreign Minister Lavrov said ..."
    ("We believe that the U.S. attempts", "Anatoly Antonov", "stated"),
    ("Nowadays, the U.S. is carrying out", "Li Zhanshu", "said"),
    ("In the last few years, our relations", "Li Zhanshu", "told"),  # "Li told Putin,"
    ("We are currently helping our Chinese partners", "Vladimir Putin", "disclosed"),  # "He disclosed,"
    ("The Russian and Chinese sides will use", "Russian Defense Ministry", "said"),  # "It said,"
    ("If the Chinese missile attack warning system", "Vladimir Frolov", "told"),
    ("The Russian-Chinese relations, which are entering", "Xi Jinping", "said"),
    ("China and Russia challenge American power", "U.S. National Security Strategy", "says"),
]


def test_seed_has_exactly_the_block_quotations_read_by_hand(seed_doc):
    q = voices.quotations(seed_doc)
    assert (q["kind"] == "block").sum() == len(SEED_BLOCKS)


def test_seed_speaker_types(seed_doc):
    q = voices.quotations(seed_doc)
    types = q.dropna(subset=["speaker"]).drop_duplicates("speaker").set_index("speaker")["speaker_type"]
    assert types["U.S. National Security Strategy"] == "document"
    assert types["Russian Defense Ministry"] == "institution"
    assert types["Sergey Lavrov"] == "person"


# --- the seed: inline quotations ---------------------------------------------

SEED_INLINE = [
    ("One important reason was that", "Xi Jinping", "said"),
    ("In the end, there was not a man", "Xi Jinping", "said"),
    ("I have had closer interactions", "Xi Jinping", "said"),  # opened with a closing mark: ”I have
    ("She set the tone", "Vladimir Putin", "alleged"),  # cue after the quotation: "..., he alleged."
    ("Pouring foreign money", "Vladimir Putin", None),  # no cue: continues "Putin has said ..."
    ("The Soviet Communist Party had 200", "Xi Jinping", "In Xi\u2019s words"),
    ("managed in the best possible way", "Vladimir Putin", "In Putin\u2019s words"),
    ("balanced and pragmatic approach", "Vladimir Putin", "said"),  # "Russia and China, he said, ..."
    ("profoundly remember the lesson", "Xi Jinping", "remarked"),  # "he reportedly remarked"
    ("the maturing of a relationship", "Kong Jun", "writing"),  # not "the People's Daily"
    ("We can\u2019t talk in detail", "Sergei Boyev", "said"),  # "..., Boyev said."
    ("modelling", "Sergei Boyev", "confirmed"),  # across two appositives
    ("special relations, advanced partnership", "Dmitry Peskov", "lauded"),  # "Putin's spokesman Dmitry Peskov"
    ("unprecedented level of mutual trust", "Vladimir Putin", "lauded"),  # "Putin's speech ... where he lauded"
    ("joint manoeuvers and operations", "Russian Defense Ministry", "explained"),
    ("the military activities of non-regional powers", "Kremlin", "expressed"),
    ("rift", "Joschka Fischer", "wrote"),  # "the former German Foreign Minister Joschka Fischer once wrote"
    ("pivot", "western analysts", "insist"),
]


@pytest.mark.parametrize("kind, opening, speaker, cue",
                         [("block", *row) for row in SEED_BLOCKS] + [("inline", *row) for row in SEED_INLINE])
def test_seed_quotations_are_attributed(seed_doc, kind, opening, speaker, cue):
    row = _quote(voices.quotations(seed_doc), opening)
    assert row["kind"] == kind
    assert row["speaker"] == speaker
    assert (pd.isna(row["cue"]) and cue is None) or row["cue"] == cue


SEED_SCARE = ["plug-in", "revisionist", "stand alone", "One-China", "assertive", "tens of minutes",
              "customisable options", "post-American century.", "tracks of an overturned cart.",
              "second strike capability", "model alliance", "real alliance"]


@pytest.mark.parametrize("term", SEED_SCARE)
def test_seed_scare_quotes_are_the_authors(seed_doc, term):
    q = voices.quotations(seed_doc)
    rows = q.loc[q["text"].str.slice(1, -1) == term]
    assert len(rows) == 1
    assert rows.iloc[0]["kind"] == "scare"
    assert rows.iloc[0]["voice"] == "author"
    assert voices.voice_at(seed_doc, [int(rows.iloc[0]["start"]) + 1]) == ["author"]


@pytest.mark.parametrize("inner, outer_opening", [
    ("\u2018Chinese wind\u2019", "catch the"),
    ("\u201cIndo-Pacific strategy\u201d", "We noted the destructive"),  # double inside a double block
    ("\u2018free and open.\u2019", "We believe that the U.S."),
    ("\u2018rules based order.\u2019", "We believe that the U.S."),
])
def test_seed_nested_quotations_speak_in_the_outer_voice(seed_doc, inner, outer_opening):
    q = voices.quotations(seed_doc)
    outer = _quote(q, outer_opening)
    rows = q.loc[(q["text"] == inner) & (q["depth"] == 1)]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["kind"] == "nested"
    assert row["parent"] == outer["quote_id"]
    assert row["voice"] == outer["voice"] != "author"
    assert voices.voice_at(seed_doc, [int(row["start"])]) == [outer["voice"]]


def test_seed_closing_mark_used_as_an_opening_one(seed_doc):
    # "... ahead of his trip to Russia in June last year, ”I have had closer interactions ..."
    row = _quote(voices.quotations(seed_doc), "I have had closer")
    assert seed_doc.body[row["start"]] == "\u201d"
    assert seed_doc.body[row["end"] - 1] == "\u201d"
    assert row["text"].endswith("I cherish dearly our deep friendship.\u201d")


def test_seed_every_block_sentence_is_quoted(seed_doc):
    q = voices.quotations(seed_doc)
    s = voices.sentence_voices(seed_doc)
    for row in q.loc[q["kind"] == "block"].itertuples():
        inside = s.loc[(s["start"] >= row.start) & (s["end"] <= row.end)]
        assert len(inside) > 0
        assert (inside["voice"] == row.voice).all()
        assert (inside["share_quoted"] == 1.0).all()


def test_seed_apostrophes_are_not_quotation_marks(seed_doc):
    # Russia’s, didn’t, peoples’, the U.S.’ containment: no stray marks anywhere.
    assert voices.unmatched(seed_doc).empty
    q = voices.quotations(seed_doc)
    assert not q["text"].str.startswith(("\u2019s", "\u2019 ")).any()


def test_seed_voices_link_to_the_gazetteer(seed_doc):
    pytest.importorskip("analysis.actors")
    q = voices.quotations(seed_doc)
    assert _quote(q, "China and Russia challenge")["voice"] == "us_nss"
    assert _quote(q, "we are witnessing")["speaker_actor"] == "lavrov"


# --- tiny texts, worked by hand -------------------------------------------------

TINY = [
    # text, [(quoted text, speaker or None, kind, voice)]
    ("Russia and China met. They agreed.", []),
    ('Lavrov said, "We object." It was "new".',
     [('"We object."', "Lavrov", "inline", "lavrov"), ('"new"', None, "scare", "author")]),
    ("Xi said, \u201dWe agree.\u201d Then he left.",  # closing glyph used to open
     [("\u201dWe agree.\u201d", "Xi", "inline", "xi_jinping")]),
    ("Russian Foreign Minister Sergey Lavrov said, \u201cWe object.\u201d",  # titles removed
     [("\u201cWe object.\u201d", "Sergey Lavrov", "inline", "lavrov")]),
    ("Sergey Lavrov spoke first. Later Lavrov said, \u201cWe object.\u201d",  # surname expanded
     [("\u201cWe object.\u201d", "Sergey Lavrov", "inline", "lavrov")]),
    ("\u201cWe can\u2019t talk about it,\u201d Boyev said.",  # cue after the quotation
     [("\u201cWe can\u2019t talk about it,\u201d", "Boyev", "inline", "boyev")]),
    ("Putin spoke on Monday. \u201cThey heard this signal,\u201d he alleged.",  # pronoun
     [("\u201cThey heard this signal,\u201d", "Putin", "inline", "putin")]),
    ("Xi said, \u201cWe agree\u2026 For what reason? Because\u2026 it works.\u201d",  # ellipses inside
     [("\u201cWe agree\u2026 For what reason? Because\u2026 it works.\u201d", "Xi", "inline", "xi_jinping")]),
    ("According to Putin, the plan is \u201cvery good indeed for all of us\u201d.",
     [("\u201cvery good indeed for all of us\u201d", "Putin", "inline", "putin")]),
    ("Lavrov said, \u2018We object to this plan.\u2019",  # single marks as the outer quotation
     [("\u2018We object to this plan.\u2019", "Lavrov", "inline", "lavrov")]),
    ("The plan was widely noted as a \u201ccomprehensive strategic partnership of a new era\u201d.",
     [("\u201ccomprehensive strategic partnership of a new era\u201d", None, "inline", "unattributed")]),  # passive
    ("Putin chortled, \u201cWe help.\u201d",  # "chortled" is not a packaged cue: short, no cue -> scare
     [("\u201cWe help.\u201d", None, "scare", "author")]),
    ("Russia\u2019s view, the peoples\u2019 choice and the U.S.\u2019 plan don\u2019t match.", []),
    ("Putin called it \u2018the peoples\u2019 choice\u2019 again.",  # a plural possessive inside single marks
     [("\u2018the peoples\u2019 choice\u2019", "Putin", "inline", "putin")]),
    ("''We will win,'' Smith said.",  # two apostrophes typed for a double mark
     [("''We will win,''", "Smith", "inline", "smith")]),
    ("``We will win,'' Smith said.",  # backticks as the opening mark
     [("``We will win,''", "Smith", "inline", "smith")]),
    ("House Speaker Nancy Pelosi said, \u201cWe will pass it.\u201d",
     [("\u201cWe will pass it.\u201d", "Nancy Pelosi", "inline", "nancy_pelosi")]),
    ("A senior official said, \u201cWe will not pay.\u201d",  # a role noun as the speaker
     [("\u201cWe will not pay.\u201d", "senior official", "inline", "senior_official")]),
    ("The Cambodian delegate spoke plainly. \u201cWe ask for notice,\u201d she said.",  # she -> the role
     [("\u201cWe ask for notice,\u201d", "Cambodian delegate", "inline", "cambodian_delegate")]),
    ("\u201cLet us put the criminal on notice,\u201d said Robert Oreck, the resident.",  # inverted clause
     [("\u201cLet us put the criminal on notice,\u201d", "Robert Oreck", "inline", "robert_oreck")]),
    ("\u201cWhat is distasteful is not that,\u201d wrote Mother Jones\u2019s Tim Murphy in one piece.",
     [("\u201cWhat is distasteful is not that,\u201d", "Tim Murphy", "inline", "tim_murphy")]),
    ("\u201cWe object strongly to this,\u201d said the Kremlin.",
     [("\u201cWe object strongly to this,\u201d", "Kremlin", "inline", "russia")]),
    ("\u201cWe object strongly to this,\u201d said a senior official.",
     [("\u201cWe object strongly to this,\u201d", "senior official", "inline", "senior_official")]),
    ("Senator Susan Collins of Maine, a key Republican vote, said that \u201cmy hope is that he will work.\u201d",
     [("\u201cmy hope is that he will work.\u201d", "Susan Collins", "inline", "susan_collins")]),
    ("\u201cWe will pass it,\u201d I\u2019m told.",  # "I'm" is no speaker's name
     [("\u201cWe will pass it,\u201d", None, "inline", "unattributed")]),
]


@pytest.mark.parametrize("text, expected", TINY)
def test_tiny_texts(make_doc, text, expected):
    q = voices.quotations(make_doc(text))
    got = [(r.text, None if pd.isna(r.speaker) else r.speaker, r.kind, r.voice) for r in q.itertuples()]
    if any(v not in ("author", "unattributed") and v != _slug(s) for _, s, _, v in expected):
        pytest.importorskip("analysis.actors")
    assert got == expected


def _slug(name):
    return None if name is None else name.lower().replace(" ", "_")


def test_nested_single_quotes_inside_double(make_doc):
    doc = make_doc("Putin called for a push to \u201ccatch the \u2018Chinese wind\u2019 in its sails\u201d.")
    q = voices.quotations(doc)
    assert q[["text", "kind", "depth"]].values.tolist() == [
        ["\u201ccatch the \u2018Chinese wind\u2019 in its sails\u201d", "inline", 0],
        ["\u2018Chinese wind\u2019", "nested", 1],
    ]
    assert q.loc[1, "parent"] == 0
    assert q.loc[1, "speaker"] == "Putin"


def test_quotation_running_over_a_paragraph_break(make_doc):
    text = ("Lavrov said,\n\n\u201cWe object to this. It is wrong.\n\n"
            "\u201cWe will answer in kind.\u201d\n\nThe end came.")
    doc = make_doc(text)
    q = voices.quotations(doc)
    assert len(q) == 1
    row = q.iloc[0]
    assert row["kind"] == "block" and row["speaker"] == "Lavrov" and row["cue"] == "said"
    assert doc.body[row["start"]:row["end"]] == text[14:text.index("\n\nThe end")]
    assert voices.unmatched(doc).empty
    assert voices.voice_at(doc, [text.index("answer"), text.index("end came")])[1] == "author"


@pytest.mark.parametrize("text, mark, role, n_quotes", [
    ("He said \u201cno. Then he left.", "\u201c", "opening", 1),  # runs to the end of the paragraph
    ("It ended.\u201d Then more.", "\u201d", "closing", 0),
    ("A \u201cfirst\u201d and a \u201csecond.\n\nA new paragraph.", "\u201c", "opening", 2),
])
def test_unbalanced_marks_are_reported_not_raised(make_doc, text, mark, role, n_quotes):
    doc = make_doc(text)
    u = voices.unmatched(doc)
    assert u[["mark", "role"]].values.tolist() == [[mark, role]]
    assert len(voices.quotations(doc)) == n_quotes


def test_unclosed_quotation_runs_to_the_end_of_its_paragraph(make_doc):
    doc = make_doc("He said \u201cno. Then he left.\n\nThe author goes on.")
    q = voices.quotations(doc)
    assert q["text"].tolist() == ["\u201cno. Then he left."]
    assert voices.voice_at(doc, [doc.body.index("left"), doc.body.index("goes")]) == ["unattributed", "author"]


def test_text_without_quotations_is_all_author(make_doc):
    doc = make_doc("Russia and China met in Moscow. They agreed on trade.\n\nNothing else happened.")
    assert voices.quotations(doc).empty
    assert voices.unmatched(doc).empty
    assert set(voices.token_voices(doc)["voice"]) == {"author"}
    assert set(voices.sentence_voices(doc)["voice"]) == {"author"}
    assert voices.shares(doc)[["voice", "n_words", "share"]].values.tolist() == [["author", 13, 1.0]]
    assert voices.positions(doc)[["voice", "position_start", "position_end"]].values.tolist() == [
        ["author", 0.0, 1.0]]


# --- pronouns and block introducers -----------------------------------------------


@pytest.mark.parametrize("text, speakers", [
    ("Naryshkin said,\n\n\u201cThe protests were funded.\u201d\n\nHe specified,\n\n\u201cThe money came from abroad.\u201d",
     ["Naryshkin", "Naryshkin"]),
    ("The Russian Defense Ministry explained the plan.\n\nIt said,\n\n\u201cThe sides will meet.\u201d",
     ["Russian Defense Ministry"]),
    ("Putin spoke first. The Kremlin agreed.\n\nHe said,\n\n\u201cWe help.\u201d",  # he: a person, not the Kremlin
     ["Putin"]),
    ("The Kremlin spoke first. Putin agreed.\n\nIt said,\n\n\u201cWe help.\u201d",  # it: an institution
     ["Kremlin"]),
    ("He said,\n\n\u201cWe help.\u201d", [None]),  # no antecedent
])
def test_pronoun_speakers(make_doc, text, speakers):
    q = voices.quotations(make_doc(text))
    assert [None if pd.isna(s) else s for s in q["speaker"]] == speakers
    assert set(q["kind"]) == {"block"}


# --- voices of tokens and sentences ---------------------------------------------


def test_sentence_voices_by_majority_of_words(make_doc):
    doc = make_doc("Xi said, \u201cWe agree. We will act.\u201d The author disagrees.")
    s = voices.sentence_voices(doc)
    # sentence 1: Xi, said (author) vs We, agree (quoted): a tie goes to the author.
    assert s["share_quoted"].tolist() == [0.5, 1.0, 0.0]
    quoted = s.loc[1, "voice"]
    assert quoted != "author"
    assert s["voice"].tolist() == ["author", quoted, "author"]


def test_shares_count_words_per_voice(make_doc):
    sh = voices.shares(make_doc("Putin said, \u201cWe help them.\u201d"))
    assert sh["n_words"].tolist() == [3, 2]
    assert sh["share"].tolist() == [0.6, 0.4]
    assert sh["n_quotations"].tolist() == [1, 0]
    assert sh["speaker"].tolist() == ["Putin", "author"]


def test_voice_at_marks_and_edges(make_doc):
    doc = make_doc("Putin said, \u201cWe help.\u201d Then he left.")
    body = doc.body
    opening, closing = body.index("\u201c"), body.index("\u201d")
    got = voices.voice_at(doc, [0, opening - 1, opening, closing, closing + 1])
    assert got[0] == got[1] == got[4] == "author"
    assert got[2] == got[3] != "author"
    assert voices.voice_at(doc, []) == []


def test_voice_codes_are_voice_at_as_codes(seed_doc):
    offsets = list(range(0, len(seed_doc.body), 7))
    codes, labels = voices.voice_codes(seed_doc, offsets)
    assert codes.dtype == "int64" and labels[0] == "author"
    assert [labels[c] for c in codes.tolist()] == voices.voice_at(seed_doc, offsets)
    assert set(codes.tolist()) == set(range(len(labels)))  # every quoted voice speaks somewhere
    with pytest.raises(InputError, match="offsets"):
        voices.voice_codes(seed_doc, [[1, 2]])


def test_positions_split_runs_at_sections(make_doc):
    doc = make_doc("A Title Here\n\nFirst part\n\nPutin said, \u201cWe help them now.\u201d\n\n"
                   "Second part\n\nThe author ends here.")
    runs = voices.positions(doc)
    # Headings are not sentences: 6 words in the first section, 4 in the second.
    assert runs["n_words"].tolist() == [2, 4, 4]
    assert runs["voice"].tolist()[0] == runs["voice"].tolist()[2] == "author"
    assert runs["section"].tolist() == ["First part", "First part", "Second part"]
    assert runs["position_start"].tolist() == [0.0, 0.2, 0.6]
    bounds = voices.section_bounds(doc)
    assert bounds.values.tolist() == [["First part", 0.0, 0.6], ["Second part", 0.6, 1.0]]


# --- lexicon as data ----------------------------------------------------------------


def _packaged():
    return copy.deepcopy(lexicons.load(None, name="reporting"))


def test_user_lexicon_adds_a_cue(make_doc):
    data = _packaged()
    data["cues"].append("chortled")
    q = voices.quotations(make_doc("Putin chortled, \u201cWe help.\u201d"), reporting=data)
    assert q[["speaker", "kind", "cue"]].values.tolist() == [["Putin", "inline", "chortled"]]


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("cues"), "missing required key"),
    (lambda d: d.__setitem__("titles", "President"), "'titles' must be a list"),
    (lambda d: d.__setitem__("speaker_phrases", ["according to"]), "placeholder"),
    (lambda d: d.__setitem__("pronouns", {"robot": ["it"]}), "unknown speaker kind"),
])
def test_bad_lexicon_gives_a_clear_error(make_doc, change, message):
    data = _packaged()
    change(data)
    with pytest.raises(LexiconError, match=message):
        voices.quotations(make_doc("Putin said, \u201cWe help.\u201d"), reporting=data)


def test_bad_lexicon_file_names_the_file(make_doc, tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text("meta: {}\ncues: [said]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="mine.yml"):
        voices.quotations(make_doc("Putin said, \u201cWe help.\u201d"), reporting=path)


@pytest.mark.parametrize("offsets", [["a"], [[1, 2]], None])
def test_bad_offsets_are_an_input_error(make_doc, offsets):
    with pytest.raises(InputError, match="offsets"):
        voices.voice_at(make_doc("Putin said, \u201cWe help.\u201d"), offsets)


def test_lexicon_file_is_compiled_once(make_doc, tmp_path):
    path = tmp_path / "reporting.yml"
    data = _packaged()
    data["cues"].append("chortled")
    import yaml
    path.write_text(yaml.safe_dump({k: v for k, v in data.items() if k != "meta"} | {"meta": {"title": "t"}}),
                    encoding="utf-8")
    assert voices.reporting_lexicon(path) is voices.reporting_lexicon(str(path))
    q = voices.quotations(make_doc("Putin chortled, \u201cWe help.\u201d"), reporting=path)
    assert q["cue"].tolist() == ["chortled"]


def test_not_a_document_is_an_input_error():
    with pytest.raises(InputError, match="Document"):
        voices.quotations("Putin said, \u201cWe help.\u201d")


def test_results_are_cached_per_document(make_doc):
    doc = make_doc("Putin said, \u201cWe help.\u201d")
    first = voices.quotations(doc)
    first.loc[0, "speaker"] = "changed"
    assert voices.quotations(doc).loc[0, "speaker"] == "Putin"


def test_columns_are_documented(seed_doc):
    assert tuple(voices.quotations(seed_doc).columns) == voices.QUOTATION_COLUMNS
    assert tuple(voices.unmatched(seed_doc).columns) == voices.UNMATCHED_COLUMNS
    assert tuple(voices.quotations(corpus.from_text("No quotes.")).columns) == voices.QUOTATION_COLUMNS


@pytest.mark.parametrize("text", ["No quotes.", "He said \u201cno. Then he left.", "It was \u201cnew\u201d."])
def test_dtypes_are_fixed(make_doc, text):
    # the same dtypes whatever the document holds, so that joined tables equal joined frames
    doc = make_doc(text)
    assert voices.quotations(doc).dtypes.astype(str).to_dict() == \
        {c: str(pd.Series([], dtype=d).dtype) for c, d in voices.QUOTATION_DTYPES.items()}
    assert voices.unmatched(doc).dtypes.astype(str).to_dict() == \
        {c: str(pd.Series([], dtype=d).dtype) for c, d in voices.UNMATCHED_DTYPES.items()}


def test_table_is_the_frame(seed_doc):
    table = voices.quotations.table(seed_doc)
    pd.testing.assert_frame_equal(table.frame(), voices.quotations(seed_doc))
    assert len(table) == len(voices.quotations(seed_doc))


@pytest.mark.parametrize("name", ["Xi Jinping", "Sergey Lavrov", "Kremlin", "O'Brien", "U.S. Navy",
                                  "Jean-Yves Le Drian", "Li Zhanshu", "Mr Smith", "Xi's", "RIA Novosti",
                                  "Zhang Wei2"])
def test_name_forms_are_the_tokenizer_s(name):
    assert voices._form_tokens(name) == tuple(tokenise.tokenize_text(name))


# --- pooling quoted voices ------------------------------------------------------------


@pytest.mark.parametrize("rows, expected", [
    # voice, category, n, words -> voice, category, n, words, per_1000
    ([("author", "hedge", 4, 2000), ("lavrov", "hedge", 1, 500), ("xi_jinping", "hedge", 2, 500)],
     [("author", "hedge", 4, 2000, 2.0), ("quoted", "hedge", 3, 1000, 3.0)]),
    ([("author", "hedge", 0, 1000), ("author", "booster", 5, 1000)],
     [("author", "hedge", 0, 1000, 0.0), ("author", "booster", 5, 1000, 5.0)]),
    ([("author", "hedge", 1, 1000), ("putin", "hedge", 0, 0)],
     [("author", "hedge", 1, 1000, 1.0), ("quoted", "hedge", 0, 0, float("nan"))]),
])
def test_pool_quoted(rows, expected):
    table = pd.DataFrame(rows, columns=["voice", "category", "n", "words"])
    got = voices.pool_quoted(table, by=("category",))
    assert got.columns.tolist() == ["voice", "category", "n", "words", "per_1000"]
    assert [list(r[:4]) for r in got.values.tolist()] == [list(e[:4]) for e in expected]
    rates = got["per_1000"].tolist()
    assert rates == pytest.approx([e[4] for e in expected], nan_ok=True)


def test_pool_quoted_needs_its_columns():
    with pytest.raises(InputError, match="words"):
        voices.pool_quoted(pd.DataFrame({"voice": ["author"], "n": [1]}))


# --- invariants on damaged text ---------------------------------------------------------


def _without_mark(text: str, k: int) -> str:
    """The text with its k-th double quotation mark removed (an odd number of marks)."""
    marks = [i for i, c in enumerate(text) if c in "\u201c\u201d"]
    i = marks[k]
    return text[:i] + text[i + 1:]


@pytest.mark.parametrize("k", [0, 1, 17, 40, 77, 129])
def test_a_missing_mark_is_reported_and_everything_stays_consistent(seed_doc, make_doc, k):
    doc = make_doc(_without_mark(seed_doc.body, k))
    q = voices.quotations(doc)
    assert len(voices.unmatched(doc)) >= 1
    assert ((q["start"] >= 0) & (q["end"] <= len(doc.body)) & (q["start"] < q["end"])).all()
    top = q[q["depth"] == 0].sort_values("start")
    assert (top["start"].to_numpy()[1:] >= top["end"].to_numpy()[:-1]).all()  # outermost never overlap
    nested = q[q["depth"] > 0]
    parents = q.set_index("quote_id").loc[nested["parent"].astype(int)]
    assert (nested["start"].to_numpy() > parents["start"].to_numpy()).all()
    assert (nested["end"].to_numpy() <= parents["end"].to_numpy()).all()
    assert len(voices.token_voices(doc)) == len(tokenise.words(doc))
    assert voices.shares(doc)["share"].sum() == pytest.approx(1.0)
