"""Tests for analysis.actors: gazetteer, resolution, mentions, candidates."""

from __future__ import annotations

import pytest

from analysis import actors
from analysis.errors import LexiconError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sergey Lavrov", "lavrov"),
        ("Lavrov", "lavrov"),
        ("the Russian Defense Ministry", "russian_mod"),
        ("the U.S. National Security Strategy", "us_nss"),
        ("the Kremlin", "russia"),
        ("Xi\u2019s", "xi_jinping"),
        ("President Xi", "xi_jinping"),
        ("Russian Foreign Minister Sergey Lavrov", "lavrov"),
        ("Russian ambassador to the U.S. Anatoly Antonov", "antonov"),
        ("A Chinese commentator Kong Jun", "kong_jun"),
        ("Nikkei Asian Review", "nikkei_asian_review"),
        ("the West", "west"),
        ("US", "united_states"),
        ("us", None),
        ("Hamlet", None),
        ("", None),
    ],
)
def test_resolve(name, expected):
    assert actors.resolve(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # metonyms and demonyms
        ("Moscow and Beijing met.", [("russia", "Moscow", "metonym"), ("china", "Beijing", "metonym")]),
        ("American officials spoke.", [("united_states", "American", "demonym")]),
        # aliases: the longest alias wins
        ("Xi Jinping spoke.", [("xi_jinping", "Xi Jinping", "name")]),
        ("Xi met President Putin.", [("xi_jinping", "Xi", "alias"), ("putin", "President Putin", "alias")]),
        # compounds: a hyphen separates words; combining forms name their actor
        ("The Russia-China alliance grew.", [("russia", "Russia", "name"), ("china", "China", "name")]),
        ("The Sino-Russian partnership grew.", [("china", "Sino", "demonym"), ("russia", "Russian", "demonym")]),
        ("They built anti-Chinese alliances.", [("china", "Chinese", "demonym")]),
        ("The U.S.-led Quad met.", [("united_states", "U.S.", "alias"), ("quad", "Quad", "name")]),
        # possessives: the clitic is not part of the mention
        ("Russia\u2019s agony was observed.", [("russia", "Russia", "name")]),
        ("The U.S.\u2019 containment failed.", [("united_states", "U.S.", "alias")]),
        # a lower-case alias matches capitalised at a sentence start; phrases that name no actor
        ("Western analysts criticised the West.", [("west", "Western", "demonym"), ("west", "West", "name")]),
        ("Ships sailed the South China Sea.", []),
        # whole words only
        ("The USSR fell. Chinatown grew.", [("soviet_union", "USSR", "name")]),
    ],
)
def test_mentions(make_doc, text, expected):
    found = actors.mentions(make_doc(text))
    assert list(found[["actor", "surface", "kind"]].itertuples(index=False, name=None)) == expected


def test_mention_offsets_point_into_the_body(make_doc):
    doc = make_doc("Russia\u2019s agony was observed. Later, Xi\u2019s visit came.")
    found = actors.mentions(doc)
    assert found[["start", "end", "sentence_id"]].values.tolist() == [[0, 6, 0], [36, 38, 1]]
    assert all(doc.body[s:e] == t for s, e, t in zip(found["start"], found["end"], found["surface"]))
    assert list(found.columns) == actors.MENTION_COLUMNS


def test_seed_mentions_cover_the_quoted_officials(seed_doc):
    found = set(actors.mentions(seed_doc)["actor"])
    for actor in ("russia", "china", "united_states", "west", "putin", "xi_jinping", "lavrov", "naryshkin",
                  "antonov", "li_zhanshu", "peskov", "wang_yi", "frolov", "boyev", "kong_jun", "quad",
                  "asean", "united_nations", "us_nss", "russian_mod", "sergei_ivanov", "joschka_fischer",
                  "lukashenko", "gorbachev", "mao", "trump", "nikkei_asian_review"):
        assert actor in found, actor


def test_gazetteer_lists_the_issue_actors():
    table = actors.gazetteer()
    assert list(table.columns) == actors.GAZETTEER_COLUMNS
    ids = set(table["actor"])
    assert {"russia", "china", "united_states", "west", "putin", "xi_jinping", "nato", "quad", "asean",
            "united_nations", "lavrov", "naryshkin", "antonov", "li_zhanshu", "peskov", "wang_yi", "frolov",
            "boyev", "kong_jun"} <= ids
    persons = table.drop_duplicates("actor").query("type == 'person'")
    assert persons["state"].notna().all()


@pytest.mark.parametrize(
    ("actor", "state"),
    [("lavrov", "russia"), ("xi_jinping", "china"), ("us_nss", "united_states"), ("west", "west"),
     ("russia", "russia"), ("cpsu", "soviet_union")],
)
def test_rollup(actor, state):
    import pandas as pd

    rolled = actors.rollup(pd.DataFrame({"actor": [actor]}))
    assert rolled.loc[0, "actor"] == state
    assert rolled.loc[0, "member"] == actor


def _entry(**changes):
    entry = {"name": "Elsinore", "type": "state", "aliases": {"name": ["Elsinore"]}}
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"meta": {}}, "missing required key"),
        ({"actors": []}, "'actors' must be a non-empty mapping"),
        ({"actors": {"Elsinore": _entry()}}, "lower-case slug"),
        ({"actors": {"elsinore": _entry(type="castle")}}, "actors.elsinore.type"),
        ({"actors": {"elsinore": _entry(aliases={"nickname": ["E"]})}}, "unknown kind"),
        ({"actors": {"elsinore": _entry(aliases={"name": "Elsinore"})}}, "must be a list"),
        ({"actors": {"hamlet": _entry(type="person", state="denmark")}}, "is not an actor of type state"),
        ({"actors": {"a": _entry(), "b": _entry()}}, "listed for both"),
    ],
)
def test_malformed_gazetteer_gives_lexicon_error(data, message):
    with pytest.raises(LexiconError, match=message):
        actors.build(data)


def test_malformed_gazetteer_file_is_named(tmp_path):
    path = tmp_path / "my-actors.yml"
    path.write_text("actors:\n  hamlet:\n    name: Hamlet\n    type: prince\n    aliases: {name: [Hamlet]}\n")
    with pytest.raises(LexiconError, match=r"my-actors\.yml: actors\.hamlet\.type"):
        actors.mentions(__import__("analysis.corpus", fromlist=["from_text"]).from_text("Hamlet spoke."), path)


def test_user_gazetteer(make_doc, tmp_path):
    path = tmp_path / "actors.yml"
    path.write_text("actors:\n  denmark:\n    name: Denmark\n    type: state\n"
                    "    aliases: {name: [Denmark], metonym: [Elsinore]}\n")
    found = actors.mentions(make_doc("Elsinore spoke for Denmark, not Russia."), path)
    assert found[["actor", "kind"]].values.tolist() == [["denmark", "metonym"], ["denmark", "name"]]
    assert actors.resolve("Elsinore", path) == "denmark"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin met Angela Merkel in Sochi. Merkel smiled.", ["Angela Merkel", "Sochi", "Merkel"]),
        ("The talks failed. In July they resumed in Sochi.", ["July", "Sochi"]),
        ("Thus the Association of Southeast Asian Nations met.", []),  # listed as asean
        ("Russia spoke.", []),
    ],
)
def test_candidates(make_doc, text, expected):
    assert actors.candidates(make_doc(text))["surface"].tolist() == expected
