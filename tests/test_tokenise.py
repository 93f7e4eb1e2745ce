import pytest
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from analysis import corpus, paths, tokenise


def tokens(text):
    doc = corpus.from_text(text)
    w = tokenise.words(doc)
    return [(t, s, e, k) for t, s, e, k in zip(w["text"], w["start"], w["end"], w["kind"].astype(str))]


# (text, expected tokens as (text, start, end, kind)), spans worked out by hand.
TOKEN_CASES = [
    ("the U.S. interference.", [("the", 0, 3, "word"), ("U.S.", 4, 8, "abbreviation"),
                                ("interference", 9, 21, "word"), (".", 21, 22, "punct")]),
    ("M.K. Bhadrakumar wrote.", [("M.K.", 0, 4, "abbreviation"), ("Bhadrakumar", 5, 16, "word"),
                                 ("wrote", 17, 22, "word"), (".", 22, 23, "punct")]),
    ("Russia\u2019s agony.", [("Russia", 0, 6, "word"), ("\u2019s", 6, 8, "clitic"),
                              ("agony", 9, 14, "word"), (".", 14, 15, "punct")]),
    ("Russia's agony.", [("Russia", 0, 6, "word"), ("'s", 6, 8, "clitic"),
                         ("agony", 9, 14, "word"), (".", 14, 15, "punct")]),
    ("The Sino-Russian alliance.", [("The", 0, 3, "word"), ("Sino-Russian", 4, 16, "word"),
                                    ("alliance", 17, 25, "word"), (".", 25, 26, "punct")]),
    ("anti-missile defence.", [("anti-missile", 0, 12, "word"), ("defence", 13, 20, "word"),
                               (".", 20, 21, "punct")]),
    ("We don\u2019t forget.", [("We", 0, 2, "word"), ("do", 3, 5, "word"), ("n\u2019t", 5, 8, "clitic"),
                               ("forget", 9, 15, "word"), (".", 15, 16, "punct")]),
    ("The U.S.-led Quad.", [("The", 0, 3, "word"), ("U.S.-led", 4, 12, "abbreviation"),
                            ("Quad", 13, 17, "word"), (".", 17, 18, "punct")]),
    ("About 128,000 servicemen.", [("About", 0, 5, "word"), ("128,000", 6, 13, "number"),
                                   ("servicemen", 14, 24, "word"), (".", 24, 25, "punct")]),
    ("Mr. Ivanov came.", [("Mr.", 0, 3, "abbreviation"), ("Ivanov", 4, 10, "word"),
                          ("came", 11, 15, "word"), (".", 15, 16, "punct")]),
    ("Wait... then go.", [("Wait", 0, 4, "word"), ("...", 4, 7, "punct"), ("then", 8, 12, "word"),
                          ("go", 13, 15, "word"), (".", 15, 16, "punct")]),
    ("A \u201cplug-in\u201d alliance.", [("A", 0, 1, "word"), ("\u201c", 2, 3, "punct"),
                                          ("plug-in", 3, 10, "word"), ("\u201d", 10, 11, "punct"),
                                          ("alliance", 12, 20, "word"), (".", 20, 21, "punct")]),
    ("Russia\u2013in March.", [("Russia", 0, 6, "word"), ("\u2013", 6, 7, "punct"), ("in", 7, 9, "word"),
                               ("March", 10, 15, "word"), (".", 15, 16, "punct")]),
    ("Omdim be\u2019Yachad met.", [("Omdim", 0, 5, "word"), ("be\u2019Yachad", 6, 15, "word"),
                                   ("met", 16, 19, "word"), (".", 19, 20, "punct")]),
    ("The peoples\u2019 will.", [("The", 0, 3, "word"), ("peoples", 4, 11, "word"), ("\u2019", 11, 12, "punct"),
                                 ("will", 13, 17, "word"), (".", 17, 18, "punct")]),
]


@pytest.mark.parametrize("text, expected", TOKEN_CASES)
def test_token_rules(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize("text, expected", TOKEN_CASES)
def test_reference_pattern_agrees_on_rules(text, expected):
    assert tokenise.tokenize_text(text) == [t for t, *_ in expected]


SENTENCE_CASES = [
    ("They met the U.S. envoy. But nothing changed.", ["They met the U.S. envoy.", "But nothing changed."]),
    ("The Russia-China alliance will not confront the U.S. But its posturing deters.",
     ["The Russia-China alliance will not confront the U.S.", "But its posturing deters."]),
    ("The U.S. National Security Strategy says so.", ["The U.S. National Security Strategy says so."]),
    ("M.K. Bhadrakumar is a former diplomat.", ["M.K. Bhadrakumar is a former diplomat."]),
    ("Mr. Ivanov and Gen. Frolov met.", ["Mr. Ivanov and Gen. Frolov met."]),
    ("Xi said, \u201cIn the end.\u201d A few weeks later he spoke.",
     ["Xi said, \u201cIn the end.\u201d", "A few weeks later he spoke."]),
    ("\u201cWhat is there to say?\u201d he asked. Nobody knew.",
     ["\u201cWhat is there to say?\u201d he asked.", "Nobody knew."]),
    ("Is it? Yes! It is.", ["Is it?", "Yes!", "It is."]),
    ("It ended in 1991. 2012 was different.", ["It ended in 1991.", "2012 was different."]),
    ("stability\u2026 As for the rest.", ["stability\u2026", "As for the rest."]),
    ("Wait for e.g. the report.", ["Wait for e.g. the report."]),
]


@pytest.mark.parametrize("text, expected", SENTENCE_CASES)
def test_sentence_rules(text, expected):
    doc = corpus.from_text(text)
    sents = tokenise.sentences(doc)
    assert sents["text"].tolist() == expected
    for s, e, t in zip(sents["start"], sents["end"], sents["text"]):
        assert doc.body[s:e] == t


def test_sentences_never_cross_paragraphs_and_skip_headings():
    doc = corpus.from_text("Title Line\n\nFirst paragraph ends without stop\n\nA Heading\n\nNext one. Two.\n")
    sents = tokenise.sentences(doc)
    assert sents["text"].tolist() == ["First paragraph ends without stop", "Next one.", "Two."]
    assert sents["section"].tolist() == ["(untitled)", "A Heading", "A Heading"]


def test_seed_offsets_point_into_body(seed_doc):
    sents, words = tokenise.sentences(seed_doc), tokenise.words(seed_doc)
    body = seed_doc.body
    assert all(body[s:e] == t for s, e, t in zip(sents["start"], sents["end"], sents["text"]))
    assert all(body[s:e] == t for s, e, t in zip(words["start"], words["end"], words["text"]))
    assert (words["sentence_id"].diff().fillna(0) >= 0).all()
    assert set(sents["section"]) == {s.label for s in seed_doc.sections}


def test_seed_counts(seed_doc):
    sents = tokenise.sentences(seed_doc)
    # About 4,700 words in the article body; headings are not counted.
    assert 4500 <= tokenise.word_count(seed_doc) <= 4800
    assert sents["n_words"].sum() == tokenise.word_count(seed_doc)
    assert 190 <= len(sents) <= 230


def test_norm_is_lowercased_and_normalised(seed_doc):
    w = tokenise.words(seed_doc)
    row = w[w["text"] == "Russia\u2019s"]
    assert row.empty
    clitics = w[w["kind"] == "clitic"]
    assert set(clitics["norm"]) <= {"'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
    assert (w["norm"] == w["norm"].str.lower()).all()


def test_seed_abbreviations_do_not_split(seed_doc):
    sents = tokenise.sentences(seed_doc)
    assert not sents["text"].str.fullmatch(r".*\bthe U\.S\.").any() or \
        sents["text"].str.endswith("confront the U.S.").any()
    assert not sents["text"].str.startswith("National Security").any()


def test_fast_tokens_equal_reference_on_seed(seed_doc):
    w = tokenise.words(seed_doc)
    for para in seed_doc.text_paragraphs:
        text = seed_doc.body[para.start:para.end]
        mine = w[(w["start"] >= para.start) & (w["end"] <= para.end)]["text"].tolist()
        assert mine == tokenise.tokenize_text(text)


def test_array_pass_and_pattern_differ_only_as_documented():
    text = "The anti-U.S. mood and a 27.9-mile road, then-U.N. envoy, damned-if-I-don't."
    doc = corpus.from_text(text)
    fast = tokenise.words(doc)["text"].tolist()
    assert "anti-U.S." in fast and "27.9-mile" in fast and "then-U.N." in fast
    assert "anti-U" in tokenise.tokenize_text(text)


def test_splitter_agrees_with_punkt_on_seed_except_ellipses(seed_doc):
    abbrevs, starters = tokenise._abbreviation_data()
    params = PunktParameters()
    params.abbrev_types = {a.lower() for a in abbrevs}
    params.sent_starters = {s.lower() for s in starters}
    punkt = PunktSentenceTokenizer(params)
    ours = {(int(s), int(e)) for s, e, _ in tokenise.sentence_spans(seed_doc)}
    ref = set()
    for p in seed_doc.text_paragraphs:
        ref |= {(p.start + s, p.start + e) for s, e in punkt.span_tokenize(seed_doc.normalised[p.start:p.end])}
    for s, e in ours ^ ref:
        paragraph = next(p for p in seed_doc.text_paragraphs if p.start <= s < p.end)
        assert "\u2026" in seed_doc.body[paragraph.start:paragraph.end], seed_doc.body[s:e]
    assert len(ours & ref) >= 0.9 * len(ours)


def test_results_are_cached_and_safe_to_modify(seed_doc):
    a = tokenise.words(seed_doc)
    a["extra"] = 1
    assert "extra" not in tokenise.words(seed_doc).columns


def test_chunked_tokenisation_matches_whole(monkeypatch, seed_doc):
    whole = tokenise.words(seed_doc)
    monkeypatch.setattr(tokenise, "CHUNK_CHARS", 997)
    doc = corpus.load(paths.SEED_TEXT)
    chunked = tokenise.words(doc)
    assert chunked["text"].tolist() == whole["text"].tolist()
    assert chunked["start"].tolist() == whole["start"].tolist()


def test_non_ascii_offsets():
    doc = corpus.from_text("Omdim be\u2019Yachad-Naqef Ma\u2019an, \u0130stanbul \U0001F600 met.")
    w = tokenise.words(doc)
    assert all(doc.body[s:e] == t for s, e, t in zip(w["start"], w["end"], w["text"]))
    assert w["norm"].tolist()[4].endswith("stanbul")


def test_token_and_sentence_arrays_match_the_tables(seed_doc):
    t = tokenise.token_arrays(seed_doc)
    w = tokenise.words(seed_doc)
    assert t.start.tolist() == w["start"].tolist() and t.end.tolist() == w["end"].tolist()
    assert t.sentence_id.tolist() == w["sentence_id"].tolist()
    assert [tokenise.KINDS[k] for k in t.kind] == w["kind"].astype(str).tolist()
    assert t.text == w["text"].tolist() and t.norm == w["norm"].tolist()
    assert int(t.is_word.sum()) == tokenise.word_count(seed_doc)
    s = tokenise.sentence_arrays(seed_doc)
    sents = tokenise.sentences(seed_doc)
    assert s.text == sents["text"].tolist() and s.section == sents["section"].tolist()
    assert s.n_words.tolist() == sents["n_words"].tolist()
    assert tokenise.sentence_count(seed_doc) == len(sents)


def test_norm_list_when_lower_casing_changes_length():
    doc = corpus.from_text("\u0130stanbul and Ankara met.")
    t = tokenise.token_arrays(doc)
    assert t.norm == tokenise.words(doc)["norm"].tolist()
    assert t.norm[0] == "istanbul"  # Arrow's utf8_lower, as in the norm column


@pytest.mark.parametrize("text", ["Istanbul and ANKARA met.", "\u0130stanbul and ANKARA met."])
def test_norm_at_selected_tokens_equals_norm(text):
    rows = [3, 0, 2]
    fresh = tokenise.token_arrays(corpus.from_text(text))
    assert fresh.norm_at(rows) == [tokenise.words(corpus.from_text(text))["norm"][i] for i in rows]
    assert fresh.norm_at(rows) == [fresh.norm[i] for i in rows]
