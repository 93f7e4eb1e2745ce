"""Tests for analysis.framing: codebook validation, matching rules, counts, dispersion, KWIC."""

from __future__ import annotations

import pytest

from analysis import framing, lexicons
from analysis.errors import InputError, LexiconError

# A small codebook whose matches can be counted by hand. Frames are arbitrary;
# what matters is which words each rule lets through.
TINY = {
    "meta": {"title": "tiny test codebook"},
    "frames": {
        "alliance": {
            "label": "Alliance",
            "definition": "Ties between states.",
            "terms": ["strategic partnership", "mutual trust"],
            "inflected": ["alliance", "partner"],
        },
        "containment": {
            "label": "Containment",
            "definition": "Pressure from outside.",
            "terms": ["U.S."],
            "inflected": ["encirclement", "interfere"],
        },
        "military": {
            "label": "Military",
            "definition": "Armed force.",
            "terms": ["missile", "military alliance", "strategic"],
        },
        "order": {
            "label": "Order",
            "definition": "Rules of the system.",
            "terms": ["non-interference", "world order", "Russia"],
        },
    },
}


def found(doc, codebook=TINY):
    return [(r.frame, r.term, r.text) for r in framing.matches(doc, codebook).itertuples()]


@pytest.mark.parametrize(
    "text, expected",
    [
        # case is ignored
        ("ALLIANCE and Alliance and alliance.",
         [("alliance", "alliance", "ALLIANCE"), ("alliance", "alliance", "Alliance"),
          ("alliance", "alliance", "alliance")]),
        # inflected term: every form with the Snowball stem "encircl"
        ("They encircle, encircled and kept encircling the encirclement.",
         [("containment", "encirclement", w) for w in ("encircle", "encircled", "encircling", "encirclement")]),
        ("Alliances and an alliance.",
         [("alliance", "alliance", "Alliances"), ("alliance", "alliance", "alliance")]),
        # Snowball stems "interfering" to "interf", not "interfer": not matched
        ("They interfere; interference is interfering.",
         [("containment", "interfere", "interfere"), ("containment", "interfere", "interference")]),
        # exact term: the listed form only
        ("Missiles and a missile.", [("military", "missile", "missile")]),
        # possessives with curly and straight apostrophes: the clitic is split off
        ("Russia\u2019s alliance\u2019s strength and Russia's pride.",
         [("order", "Russia", "Russia"), ("alliance", "alliance", "alliance"), ("order", "Russia", "Russia")]),
        # hyphenated compounds count their parts
        ("The Sino-Russian alliance ran anti-missile tests.",
         [("alliance", "alliance", "alliance"), ("military", "missile", "missile")]),
        # a compound listed whole wins over its part
        ("They insist on non-interference.", [("order", "non-interference", "non-interference")]),
        # a multi-word expression counts once, its parts not again
        ("A strategic partnership.", [("alliance", "strategic partnership", "strategic partnership")]),
        # overlapping terms of two frames: the longest wins, nothing counts twice
        ("A military alliance formed.", [("military", "military alliance", "military alliance")]),
        # punctuation and sentence boundaries break a multi-word expression
        ("It was strategic, partnership aside.", [("military", "strategic", "strategic")]),
        ("It was strategic. Partnership followed.", [("military", "strategic", "strategic")]),
        # abbreviations, also inside a compound
        ("The U.S. and the U.S.-led bloc.",
         [("containment", "U.S.", "U.S."), ("containment", "U.S.", "U.S.")]),
        # curly quotes and dashes in the text do not matter
        ("A \u201cworld order\u201d\u2014and mutual trust.",
         [("order", "world order", "world order"), ("alliance", "mutual trust", "mutual trust")]),
        ("Nothing to see.", []),
    ],
)
def test_matching_rules(make_doc, text, expected):
    assert found(make_doc(text)) == expected


def test_match_offsets_point_into_body(make_doc):
    doc = make_doc("Russia\u2019s Sino-Russian alliance held.")
    m = framing.matches(doc, TINY)
    assert [doc.body[s:e] for s, e in zip(m["start"], m["end"])] == ["Russia", "alliance"]
    assert m["sentence"].tolist() == [doc.body] * 2


SECTIONED = (
    "My Title\n\nOpening words here.\n\nSecond part\n\nThe alliance held firm today.\n\n"
    "Third part\n\nNothing else was said here."
)


def test_count_per_section_and_rate(make_doc):
    # words per section: 3 ("Opening words here"), 5, 5; one "alliance" in "Second part"
    doc = make_doc(SECTIONED)
    table = framing.count(doc, TINY)
    assert list(table.columns) == ["frame", "term", "section", "count", "per_1k_words"]
    row = table[(table["term"] == "alliance")].set_index("section")
    assert row["count"].tolist() == [0, 1, 0]
    assert row.loc["Second part", "per_1k_words"] == pytest.approx(1000 * 1 / 5)
    n_terms = sum(len(f.get("terms", [])) + len(f.get("inflected", [])) for f in TINY["frames"].values())
    assert len(table) == n_terms * 3


@pytest.mark.parametrize(
    "by, expected",
    [
        (("frame",), {"alliance": (2, 6), "military": (0, 6)}),
        (("frame", "section"), {("alliance", "(untitled)"): (2, 6)}),
    ],
)
def test_density(make_doc, by, expected):
    # "The alliance held. The alliances grew." has 6 words and 2 alliance matches
    doc = make_doc("The alliance held. The alliances grew.")
    table = framing.density(doc, TINY, by=by).set_index(list(by))
    for key, (n, words) in expected.items():
        assert table.loc[key, "count"] == n
        assert table.loc[key, "words"] == words
        assert table.loc[key, "per_1k_words"] == pytest.approx(1000 * n / words)


def test_density_rejects_unknown_grouping(make_doc):
    with pytest.raises(InputError, match="by"):
        framing.density(make_doc("An alliance."), TINY, by=("colour",))


def test_dispersion_position(make_doc):
    # "alliance" is word 5 of 10: index 4, position 4 / 10
    doc = make_doc("One two three four alliance six seven eight nine ten.")
    assert framing.dispersion(doc, TINY)["position"].tolist() == [0.4]


def test_section_positions(make_doc):
    table = framing.section_positions(make_doc(SECTIONED))
    assert table["first_word"].tolist() == [0, 3, 8]
    assert table["position_end"].tolist() == pytest.approx([3 / 13, 8 / 13, 1.0])


@pytest.mark.parametrize(
    "text, parts, dp, dp_norm",
    [
        # 8 words in 2 halves; the one match in the first: 0.5 * (|1 - .5| + |0 - .5|)
        ("Alliance one two three. Four five six seven.", 2, 0.5, 1.0),
        # one match per half: spread like the words
        ("Alliance one two three. Four five six alliance.", 2, 0.0, 0.0),
        # sections of 3, 5, 5 words; match in the second:
        # 0.5 * (3/13 + 8/13 + 5/13) = 8/13; max is 1 - 3/13 = 10/13
        (SECTIONED, "sections", 8 / 13, 0.8),
    ],
)
def test_deviation_of_proportions(make_doc, text, parts, dp, dp_norm):
    table = framing.deviation_of_proportions(make_doc(text), TINY, parts=parts).set_index("frame")
    assert table.loc["alliance", "dp"] == pytest.approx(dp)
    assert table.loc["alliance", "dp_norm"] == pytest.approx(dp_norm)


@pytest.mark.parametrize(
    "pattern, regex, matches",
    [
        ("alliance", False, ["Alliance", "alliance"]),  # case-insensitive, whole words
        ("Russia\u2019s", False, ["Russia's"]),  # curly and straight apostrophes alike
        (r"allian\w*", True, ["Alliance", "alliances", "alliance"]),
        ("U.S.", False, ["U.S."]),
    ],
)
def test_kwic(make_doc, pattern, regex, matches):
    doc = make_doc("Alliance talk: Russia's alliances and the U.S. alliance.")
    table = framing.kwic(doc, pattern, regex=regex, width=5)
    assert table["match"].tolist() == matches
    assert all(doc.body[s:e] == m for s, e, m in zip(table["start"], table["end"], table["match"]))


def test_kwic_context(make_doc):
    table = framing.kwic(make_doc("They built an alliance of equals."), "alliance", width=9)
    assert table[["left", "match", "right"]].values.tolist() == [["built an ", "alliance", " of equal"]]


@pytest.mark.parametrize("pattern, regex, width", [("", False, 5), ("(", True, 5), ("x", False, -1)])
def test_kwic_errors(make_doc, pattern, regex, width):
    with pytest.raises(InputError, match="kwic"):
        framing.kwic(make_doc("Some text."), pattern, regex=regex, width=width)


def test_kwic_frames_samples_each_frame(make_doc):
    doc = make_doc("An alliance, an alliance, an alliance, an alliance. A missile.")
    table = framing.kwic_frames(doc, TINY, per_frame=2)
    assert table["frame"].tolist() == ["alliance", "alliance", "military"]
    # "An alliance, " is 13 characters: alliances start at 3, 16, 29, 42
    assert table["start"].tolist()[:2] == [3, 42]  # first and last


def frames_with(**frames):
    return {"frames": frames}


def frame(**entry):
    return {"label": "L", "definition": "D", **entry}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"frames": {"a": frame(terms=["x"])}, "extra": 1}, "unknown top-level key 'extra'"),
        (frames_with(a=frame(terms=["x"], termz=["y"])), "frames.a: unknown key 'termz'"),
        (frames_with(a=frame(terms=[])), "frames.a is empty"),
        (frames_with(a=frame()), "frames.a is empty"),
        (frames_with(a=frame(terms=["war"]), b=frame(terms=["War"])), "under two frames: 'a' and 'b'"),
        (frames_with(a=frame(terms=["war", "war"])), "twice in 'a'"),
        (frames_with(a=frame(inflected=["alliance"]), b=frame(inflected=["alliances"])), "under two frames"),
        (frames_with(a=frame(inflected=["ally"]), b=frame(terms=["allies"])), "also matched by inflected term"),
        (frames_with(a={"definition": "D", "terms": ["x"]}), "frames.a: missing 'label'"),
        (frames_with(a=frame(terms="war")), "frames.a.terms must be a list"),
        (frames_with(a=frame(terms=["x"], label="")), "frames.a.label must be a non-empty string"),
        (frames_with(A=frame(terms=["x"])), "frame id 'A'"),
        (frames_with(a=frame(terms=["--"])), "has no words"),
        ({"frames": {}}, "'frames' must be a non-empty mapping"),
        ({"frames": {"a": frame(terms=["war"])}, "exclude": ["War"]}, "'War' is under 'exclude' and a term of 'a'"),
        ({"frames": {"a": frame(terms=["war"])}, "exclude": "peace"}, "'exclude' must be a list"),
        ({"meta": {}}, "missing required key"),
    ],
)
def test_codebook_validation(data, message):
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace(".", r"\.")):
        framing.codebook(data)


def test_codebook_file_errors(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("frames: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad.yml: not valid YAML"):
        framing.codebook(bad)
    with pytest.raises(LexiconError, match="not found"):
        framing.codebook(tmp_path / "missing.yml")


def test_user_codebook_file(tmp_path, make_doc):
    path = tmp_path / "mine.yml"
    path.write_text("frames:\n  war:\n    label: War\n    definition: Armed conflict.\n"
                    "    inflected: [war]\n", encoding="utf-8")
    assert found(make_doc("Wars and a war."), path) == [("war", "war", "Wars"), ("war", "war", "war")]


def test_codebook_compiled_once():
    assert framing.codebook(TINY) is framing.codebook(dict(TINY))
    assert framing.codebook(None) is framing.codebook(None)


def test_packaged_codebook_is_documented():
    data = lexicons.load(None, name="frames")
    for key in ("title", "source", "licence", "version", "date", "notes"):
        assert data["meta"].get(key), key
    cb = framing.codebook()
    assert len(cb.frames) >= 5
    for fid, entry in data["frames"].items():
        for key in ("rationale", "entman_function", "boydstun_dimension", "notes"):
            assert entry.get(key), f"{fid}.{key}"


def test_seed_compound_counts_its_part(seed_doc):
    # "the Sino-Russian alliance is built on strong foundations"
    start = seed_doc.body.index("Sino-Russian alliance is built")
    m = framing.matches(seed_doc)
    hit = m[(m["start"] > start) & (m["start"] < start + 25)]
    assert hit[["frame", "text"]].values.tolist() == [["alliance_partnership", "alliance"]]


def test_seed_counts_agree(seed_doc):
    counts = framing.count(seed_doc)
    assert counts["count"].sum() == len(framing.matches(seed_doc))
    dens = framing.density(seed_doc).set_index("frame")
    per_frame = counts.groupby("frame")["count"].sum()
    assert (dens["count"] == per_frame.reindex(dens.index)).all()


def _plain_matcher(doc, cb):
    """Leftmost-longest matching written the slow, obvious way, to check the vectorised one."""
    from analysis import tokenise

    units = []
    for t in tokenise.words(doc).itertuples():
        if t.kind in tokenise.WORD_KINDS and "-" in t.norm and any(c.isalnum() for c in t.norm):
            pos = 0
            for part in t.norm.split("-"):
                if part:
                    units.append((part, t.start + pos, t.start + pos + len(part), t.sentence_id))
                pos += len(part) + 1
        else:
            units.append((t.norm, t.start, t.end, t.sentence_id))
    out, i = [], 0
    while i < len(units):
        for n in cb.lengths:
            window = units[i:i + n]
            if len(window) < n or window[-1][3] != window[0][3]:
                continue
            words = tuple(u[0] for u in window)
            hit = cb.exact.get(words) or cb.stemmed.get(tuple(framing.stem(w) for w in words))
            if hit:
                if hit[0] != framing.EXCLUDED:
                    out.append((hit[0], hit[1], window[0][1], window[-1][2]))
                i += n
                break
        else:
            i += 1
    return out


def test_vectorised_matching_agrees_with_plain_matching(seed_doc):
    cb = framing.codebook()
    m = framing.matches(seed_doc, cb)
    assert list(zip(m["frame"], m["term"], m["start"], m["end"])) == _plain_matcher(seed_doc, cb)


def test_kwic_in_a_heading_has_no_sentence(make_doc):
    table = framing.kwic(make_doc(SECTIONED), "second part")
    assert table[["match", "sentence_id", "section"]].values.tolist() == [["Second part", -1, "Second part"]]


def test_edited_codebook_file_is_compiled_again(tmp_path):
    import os

    path = tmp_path / "mine.yml"
    path.write_text("frames:\n  war:\n    label: War\n    definition: D.\n    terms: [war]\n", encoding="utf-8")
    assert framing.codebook(path).frame_ids == ["war"]
    path.write_text("frames:\n  peace:\n    label: Peace\n    definition: D.\n    terms: [peace]\n",
                    encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert framing.codebook(path).frame_ids == ["peace"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the excluded name consumes its words; the frame's term still counts elsewhere
        ("The Chinese Communist Party kept communist ideals.", ["communist"]),
        # an excluded phrase is matched with the same rules (case, longest match)
        ("THE CHINESE COMMUNIST PARTY.", []),
        # only the whole phrase is excluded
        ("Chinese communist ideals.", ["communist"]),
    ],
)
def test_excluded_phrases_signal_no_frame(make_doc, text, expected):
    book = {"frames": {"history": frame(inflected=["communist"])}, "exclude": ["Chinese Communist Party"]}
    table = framing.matches(make_doc(text), book)
    assert table["text"].tolist() == expected
    assert set(table["frame"]) <= {"history"}


@pytest.mark.parametrize(
    "text",
    [
        # letters below U+0100 beyond ASCII
        "Café talk: the ALLIANCE\u2019s allies and allied partners.",
        # characters above U+00FF around the terms
        "Alliance \u2014 a \u201cstrategic partnership\u201d of \u4e16 allies and partners.",
        # a capital sigma, whose lower case depends on the next letter
        "Alliance of \u03a3\u03a3 allies and \u0391\u03a3 partners.",
        # lower-casing changes the text's length
        "\u0130stanbul hosted the alliance and its partners.",
        # forms of seven and eight characters, compounds among them
        "Missile missiles anti-missile partner partners partner-led alliance alliances.",
    ],
)
def test_matching_agrees_with_plain_matching_on_any_text(make_doc, text):
    cb = framing.codebook(TINY)
    doc = make_doc(text)
    m = framing.matches(doc, cb)
    assert len(m)
    assert list(zip(m["frame"], m["term"], m["start"], m["end"])) == _plain_matcher(doc, cb)


def test_upper_case_letters_beyond_ascii_match(make_doc):
    book = {"frames": {"x": frame(terms=["caf\u00e9 society"], inflected=["\u00e9migr\u00e9"])}}
    doc = make_doc("The CAF\u00c9 SOCIETY of \u00c9MIGR\u00c9S \u2014 "
                   "\u00e9migr\u00e9 caf\u00e9 society.")
    assert [t for _, _, t in found(doc, book)] == [
        "CAF\u00c9 SOCIETY", "\u00c9MIGR\u00c9S", "\u00e9migr\u00e9", "caf\u00e9 society"]
