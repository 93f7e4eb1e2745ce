"""Named actors: who the text talks about, found with a gazetteer.

The gazetteer (``analysis/lexicons/actors.yml``, or a file the user passes)
lists each actor once, with an id (a lower-case slug: ``russia``,
``xi_jinping``), a display name, a type (state, person, organisation, bloc,
document), the state a person, organisation or document belongs to, and its
aliases by kind:

- ``name``: the proper name ("Russia", "Xi Jinping");
- ``alias``: a short or alternative form ("Xi", "the U.S.", "America");
- ``metonym``: a place standing for its government, place-for-government
  metonymy in the sense of Markert & Nissim (2007) ("Moscow", "the Kremlin");
- ``demonym``: the people-or-things adjective ("Russian", "western"), and
  combining forms ("Sino-").

Matching is dictionary look-up in the manner of gazetteer-based named-entity
recognition (Mikheev, Moens & Grover 1999, "Named entity recognition without
gazetteers"; Nadeau & Sekine 2007, survey): one compiled pattern, built once
as a character trie so that its speed does not grow with the number of
aliases, is run over ``doc.normalised``; at each place the longest alias wins
("Xi Jinping" over "Xi"); matches are whole words, case-sensitive, and an
alias that starts in lower case also matches capitalised at a sentence start.

Decisions on compounds and possessives (documented in
``docs/actors-sentiment.md``):

- **A hyphen separates words.** "Russia-China", "Russian-Chinese" and
  "China-Russia" name both states, one mention each; "U.S.-led" and
  "Moscow-based" name the United States and Russia; "anti-Chinese",
  "pro-Kremlin" and "pre-Trump" name China, Russia and Trump (the prefix
  is part of what is said *about* the actor, and sentiment scoring sees it).
- **Combining forms** such as "Sino-" (listed with a trailing hyphen) name
  their actor only before a hyphen: "Sino-Russian" names China and Russia,
  "Sino-American" China and the United States, "Sino-Soviet" China and the
  Soviet Union.
- **Possessives** are mentions of the possessor: in "Russia's agony" and
  "the U.S.' containment policies" the surface is "Russia" / "U.S." and the
  clitic is left out of ``surface``, ``start`` and ``end``.
- Phrases listed under ``not_actors`` ("South China Sea") are consumed first
  and name no actor.
- Only sentences are searched (headings are not sentences; see
  :mod:`analysis.tokenise`).

Capitalised words and word sequences that the gazetteer does not cover are
listed by :func:`candidates`, so a user running the suite on another article
sees whom it names and can extend the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import lexicons, tables
from analysis.corpus import Document
from analysis.errors import LexiconError
from analysis.normalise import normalise

#: Actor types the gazetteer may use (ACE 2005 entity classes, with blocs and
#: documents kept apart; see the gazetteer's ``types`` block).
TYPES = ("state", "person", "organisation", "bloc", "document")
#: Alias kinds, in the order :func:`resolve` prefers them for equal length.
KINDS = ("name", "alias", "metonym", "demonym")
#: When a phrase contains several actors, :func:`resolve` picks by type in this
#: order: the most specific entity the phrase is about ("Russian Foreign
#: Minister Sergey Lavrov" is Lavrov, not Russia).
RESOLVE_PREFERENCE = ("person", "document", "organisation", "bloc", "state")
#: Slug form of an actor id.
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: Words that may stand inside a capitalised name ("Association of Southeast
#: Asian Nations"); used by :func:`candidates`.
NAME_PARTICLES = frozenset({"of", "the", "for", "and", "de", "von", "van", "bin", "al"})
#: Leading words dropped by :func:`resolve` ("the Kremlin" -> "Kremlin").
_LEADING = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:'s|')$")
_SPACE = re.compile(r"\s+")
#: Characters after which a capital opens a quotation or clause, not a name.
_OPENERS = frozenset({'"', "'", "(", ":", "\u201c", "\u2018"})

#: Columns of :func:`mentions` and their dtypes.
MENTION_DTYPES = {"actor": "object", "surface": "object", "start": "int64", "end": "int64",
                  "sentence_id": "int64", "section": "str", "kind": "object"}
MENTION_COLUMNS = list(MENTION_DTYPES)
GAZETTEER_COLUMNS = ["actor", "name", "type", "state", "alias", "kind"]
CANDIDATE_COLUMNS = ["surface", "n_mentions", "first_start", "first_sentence_id"]


@dataclass(frozen=True)
class Gazetteer:
    """A validated gazetteer, ready for matching.

    Attributes:
        label: where it was loaded from (for messages).
        actors: actor id -> dict with ``name``, ``type``, ``state``.
        surfaces: exact surface string -> (actor id, kind); ``None`` actor for
            ``not_actors`` phrases.
        pattern: the compiled matcher (see :func:`_matcher`).
        folded: case-folded alias -> actor id, for :func:`resolve`.
    """

    label: str
    actors: Mapping[str, Mapping]
    surfaces: Mapping[str, tuple[str | None, str | None]]
    pattern: re.Pattern
    folded: Mapping[str, str]

    def state_of(self, actor: str) -> str:
        """The state an actor rolls up to: its ``state``, or itself."""
        info = self.actors.get(actor)
        return (info or {}).get("state") or actor


def _trie_regex(words: list[str]) -> str:
    """A regular expression matching any of ``words``, built as a character trie.

    Greedy optional groups try the longer alias first, so at each place the
    longest listed alias that ends on a word boundary wins.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


def _validate(data: Mapping, label: str) -> dict:
    actors = data.get("actors")
    if not isinstance(actors, Mapping) or not actors:
        raise LexiconError(f"{label}: 'actors' must be a non-empty mapping of actor id to entry")
    out: dict = {}
    for actor, entry in actors.items():
        where = f"{label}: actors.{actor}"
        if not isinstance(actor, str) or not _ID.match(actor):
            raise LexiconError(f"{where}: actor id must be a lower-case slug such as 'united_states'")
        if not isinstance(entry, Mapping):
            raise LexiconError(f"{where}: entry must be a mapping with name, type and aliases")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise LexiconError(f"{where}.name: must be a non-empty string")
        kind_of_actor = entry.get("type")
        if kind_of_actor not in TYPES:
            raise LexiconError(f"{where}.type: {kind_of_actor!r} is not one of {', '.join(TYPES)}")
        state = entry.get("state")
        if state is not None and not isinstance(state, str):
            raise LexiconError(f"{where}.state: must be an actor id")
        aliases = entry.get("aliases")
        if not isinstance(aliases, Mapping) or not aliases:
            raise LexiconError(f"{where}.aliases: must be a mapping of kind ({', '.join(KINDS)}) to lists")
        for kind in aliases:
            if kind not in KINDS:
                raise LexiconError(f"{where}.aliases.{kind}: unknown kind; use {', '.join(KINDS)}")
            lexicons.string_list(aliases, kind, label=f"{where}.aliases")
        out[actor] = {"name": name, "type": kind_of_actor, "state": state,
                      "aliases": {k: list(v) for k, v in aliases.items()}}
    for actor, entry in out.items():
        state = entry["state"]
        if state is not None and (state not in out or out[state]["type"] != "state"):
            raise LexiconError(f"{label}: actors.{actor}.state: {state!r} is not an actor of type state")
    return out


def _variants(alias: str) -> list[str]:
    alias = normalise(alias.strip())
    out = [alias]
    if alias[:1].islower():
        out.append(alias[0].upper() + alias[1:])
    return out


def build(source: lexicons.Source = None) -> Gazetteer:
    """Load, validate and compile a gazetteer.

    Args:
        source: ``None`` for the packaged ``actors.yml``, a path to a YAML
            file with the same layout, or a mapping.

    Returns:
        A :class:`Gazetteer`.

    Raises:
        LexiconError: naming the file and key, when the gazetteer is malformed
            (unknown type or kind, bad id, a state that is not a state, an
            alias listed for two actors).

    Example:
        >>> build().state_of("lavrov")
        'russia'
    """
    if source is None:
        return _packaged()
    return _build(source)


@lru_cache(maxsize=1)
def _packaged() -> Gazetteer:
    return _build(None)


def _build(source: lexicons.Source) -> Gazetteer:
    data = lexicons.load(source, name="actors", required=("actors",))
    label = data["meta"]["loaded_from"]
    actors = _validate(data, label)
    surfaces: dict[str, tuple[str | None, str | None]] = {}
    folded: dict[str, str] = {}
    for phrase in lexicons.string_list(data, "not_actors", label=label):
        for variant in _variants(phrase):
            surfaces[variant] = (None, None)
    for actor, entry in actors.items():
        for kind, aliases in entry["aliases"].items():
            for alias in aliases:
                for variant in _variants(alias):
                    key = variant  # a combining form keeps its hyphen in its key
                    previous = surfaces.get(key)
                    if previous is not None and previous[0] not in (None, actor):
                        raise LexiconError(
                            f"{label}: alias {alias!r} is listed for both {previous[0]!r} and {actor!r}")
                    if previous is None or previous[0] is None:
                        surfaces[key] = (actor, kind)
                    if not variant.isupper():  # acronyms ("US") match only as written
                        folded.setdefault(_fold(variant.rstrip("-")), actor)
    pattern = _matcher(surfaces)
    info = {a: {"name": e["name"], "type": e["type"], "state": e["state"]} for a, e in actors.items()}
    return Gazetteer(label=label, actors=info, surfaces=surfaces, pattern=pattern, folded=folded)


def _matcher(surfaces: Mapping[str, tuple[str | None, str | None]]) -> re.Pattern:
    """The compiled pattern finding the gazetteer's surfaces in a text.

    At a place not preceded by a word character, the longest plain surface
    followed by a non-word character matches; failing that, the longest
    combining form (a key ending in a hyphen, matched without it) followed by
    a hyphen and a word character. The pattern is one alternative per first
    character, each a literal character followed by the character tries of
    the surfaces' rests, so that it starts with a set of literal characters:
    CPython's regular-expression engine then skips in C to the places where
    that set occurs instead of trying the pattern at every character. The
    word-start condition is checked after the first character
    (``(?<!\\w.)``), which keeps that set in front. A match is looked up with
    :func:`_entry`.
    """
    plain = [s for s in surfaces if not s.endswith("-")]
    combining = [s[:-1] for s in surfaces if s.endswith("-")]
    branches = []
    for first in sorted({s[0] for s in plain} | {s[0] for s in combining}):
        rests = []
        plain_rests = [s[1:] for s in plain if s[0] == first]
        combining_rests = [s[1:] for s in combining if s[0] == first]
        if plain_rests:
            rests.append(_trie_regex(plain_rests) + r"(?!\w)")
        if combining_rests:
            rests.append(_trie_regex(combining_rests) + r"(?=-\w)")
        branches.append(re.escape(first) + r"(?<!\w.)(?:" + "|".join(rests) + ")")
    return re.compile("(?:" + "|".join(branches) + ")")


def _entry(surfaces: Mapping[str, tuple[str | None, str | None]], surface: str) -> tuple[str | None, str | None]:
    """(actor, kind) of a match of :func:`_matcher`.

    A matched text that is a plain surface matched as one (the plain
    alternative is tried first and a hyphen ends a word), so only a match
    that is not a plain surface is a combining form.
    """
    hit = surfaces.get(surface)
    return surfaces[surface + "-"] if hit is None else hit


def _fold(text: str) -> str:
    return _SPACE.sub(" ", normalise(text)).strip().casefold()


def gazetteer(source: lexicons.Source = None) -> pd.DataFrame:
    """The gazetteer as a table, one row per alias.

    Args:
        source: ``None`` for the packaged ``actors.yml``, or a user path or mapping.

    Returns:
        DataFrame with columns ``actor`` (id), ``name`` (display name),
        ``type`` (state, person, organisation, bloc, document), ``state``
        (the state it rolls up to; the actor itself for states, ``None`` for
        blocs), ``alias`` (as written in the file) and ``kind`` (name, alias,
        metonym, demonym).

    Example:
        >>> g = gazetteer()
        >>> g.loc[g["alias"] == "Kremlin", ["actor", "kind"]].values.tolist()
        [['russia', 'metonym']]
    """
    data = lexicons.load(source, name="actors", required=("actors",))
    actors = _validate(data, data["meta"]["loaded_from"])
    rows = []
    for actor, entry in actors.items():
        state = entry["state"] or (actor if entry["type"] == "state" else None)
        for kind, aliases in entry["aliases"].items():
            rows.extend((actor, entry["name"], entry["type"], state, alias, kind) for alias in aliases)
    return pd.DataFrame(rows, columns=GAZETTEER_COLUMNS)


def resolve(name: str, source: lexicons.Source = None) -> str | None:
    """Map a surface name to an actor id, or ``None``.

    First an exact look-up after dropping a leading "the" and a possessive
    ending (case-insensitive, except for acronyms: "us" is not "US"); otherwise the actors mentioned inside the phrase,
    the most specific by :data:`RESOLVE_PREFERENCE`, then the longest
    surface, then the last (the head of an English noun phrase comes last:
    "Russian ambassador to the U.S. Anatoly Antonov" is Antonov).

    Args:
        name: a name as written ("Sergey Lavrov", "the Russian Defense
            Ministry", "Xi's").
        source: the gazetteer (``None``: packaged).

    Returns:
        The actor id, or ``None`` when the phrase names no listed actor.

    Example:
        >>> resolve("the U.S. National Security Strategy"), resolve("Kremlin"), resolve("Hamlet")
        ('us_nss', 'russia', None)
    """
    if not isinstance(name, str) or not name.strip():
        return None
    gaz = build(source)
    text = _SPACE.sub(" ", normalise(name)).strip()
    text = _POSSESSIVE.sub("", _LEADING.sub("", text)).strip()
    exact = gaz.surfaces.get(text, (None, None))[0]
    hit = exact or gaz.folded.get(text.casefold())
    if hit is not None:
        return hit
    found = []
    for m in gaz.pattern.finditer(text):
        surface = m.group()
        actor, _kind = _entry(gaz.surfaces, surface)
        if actor is not None:
            found.append((actor, len(surface), m.start()))
    if not found:
        return None
    rank = {t: i for i, t in enumerate(RESOLVE_PREFERENCE)}
    best = min(found, key=lambda f: (rank[gaz.actors[f[0]]["type"]], -f[1], -f[2]))
    return best[0]


def _source_key(source: lexicons.Source) -> str | None:
    if source is None:
        return "packaged"
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        return f"{path.resolve()}:{path.stat().st_mtime_ns}" if path.is_file() else None
    return None


@tables.tidy
def mentions(doc: Document, gazetteer: lexicons.Source = None) -> tables.Table:
    """Every mention of a listed actor in the document's sentences.

    Args:
        doc: the document.
        gazetteer: ``None`` for the packaged gazetteer, or a user path or mapping.

    Returns:
        DataFrame, one row per mention in text order, with columns ``actor``
        (id), ``surface`` (as in the body, possessive clitic excluded),
        ``start``, ``end`` (offsets into ``doc.body``), ``sentence_id``,
        ``section`` (label) and ``kind`` (name, alias, metonym, demonym);
        dtypes as in :data:`MENTION_DTYPES`. ``mentions.table(doc)`` gives
        the same columns as a :class:`~analysis.tables.Table`, computed once
        per document and gazetteer file and shared by later calls (do not
        modify it in place).

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("The Sino-Russian entente worries Washington.")
        >>> mentions(doc)[["actor", "surface", "kind"]].values.tolist()
        [['china', 'Sino', 'demonym'], ['russia', 'Russian', 'demonym'], ['united_states', 'Washington', 'metonym']]
    """
    key = _source_key(gazetteer)
    if key is None:
        return _mentions(doc, build(gazetteer))
    return doc.cached(f"actors.mentions:{key}", lambda: _mentions(doc, build(gazetteer)))


def _mentions(doc: Document, gaz: Gazetteer) -> tables.Table:
    from analysis import tokenise

    sents = tokenise.sentence_arrays(doc)
    text = doc.normalised
    actors, starts, ends, kinds = [], [], [], []
    surfaces = gaz.surfaces
    for m in gaz.pattern.finditer(text):
        actor, kind = _entry(surfaces, m.group())
        if actor is None:
            continue
        actors.append(actor)
        starts.append(m.start())
        ends.append(m.end())
        kinds.append(kind)
    if not actors or not len(sents):
        return tables.Table.empty(MENTION_DTYPES)
    start = np.array(starts, dtype="int64")
    end = np.array(ends, dtype="int64")
    sid = np.searchsorted(sents.start, start, side="right") - 1
    inside = (sid >= 0) & (end <= sents.end[np.maximum(sid, 0)])
    if not inside.all():
        keep = np.flatnonzero(inside).tolist()
        actors = [actors[i] for i in keep]
        kinds = [kinds[i] for i in keep]
        start, end, sid = start[keep], end[keep], sid[keep]
    body = doc.body
    section = sents.section
    return tables.Table(
        {
            "actor": actors,
            "surface": [body[a:b] for a, b in zip(start.tolist(), end.tolist())],
            "start": start,
            "end": end,
            "sentence_id": sid,
            "section": [section[i] for i in sid.tolist()],
            "kind": kinds,
        },
        MENTION_DTYPES,
    )


def rollup(table: pd.DataFrame, column: str = "actor", gazetteer: lexicons.Source = None) -> pd.DataFrame:
    """Replace persons, organisations and documents by the state they belong to.

    Args:
        table: any table with an actor column (for example :func:`mentions`).
        column: the name of that column.
        gazetteer: the gazetteer the ids come from.

    Returns:
        A copy of ``table`` in which ``column`` holds the state id (states and
        blocs keep their own id) and a new column ``member`` keeps the
        original id.

    Example:
        >>> rollup(pd.DataFrame({"actor": ["lavrov", "west"]}))["actor"].tolist()
        ['russia', 'west']
    """
    gaz = build(gazetteer)
    out = table.copy()
    out["member"] = out[column]
    out[column] = [gaz.state_of(a) for a in out[column]]
    return out


def display_name(actor: str, gazetteer: lexicons.Source = None) -> str:
    """The display name of an actor id (the id itself when not listed)."""
    info = build(gazetteer).actors.get(actor)
    return info["name"] if info else actor


def candidates(doc: Document, gazetteer: lexicons.Source = None) -> pd.DataFrame:
    """Capitalised names in the text that the gazetteer does not cover.

    A candidate is a run of capitalised word tokens separated by single spaces
    (allowing the particles in :data:`NAME_PARTICLES` inside: "Association of
    Southeast Asian Nations") that overlaps no actor mention. Leading words
    that open a sentence or quotation and also occur in lower case in the
    document are dropped ("In July" -> "July", "The" -> nothing), and so is a
    one-word run whose word occurs in lower case elsewhere ("Party"), a
    one-letter run ("I"), and a one-word opener never capitalised
    mid-sentence ("Thus").

    Args:
        doc: the document.
        gazetteer: the gazetteer whose mentions are excluded.

    Returns:
        DataFrame with columns ``surface``, ``n_mentions``, ``first_start``
        (offset of the first occurrence) and ``first_sentence_id``, sorted by
        ``n_mentions`` (descending) and then by first occurrence.

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("Putin met Angela Merkel in Sochi. Merkel smiled.")
        >>> candidates(doc)["surface"].tolist()
        ['Angela Merkel', 'Sochi', 'Merkel']
    """
    from analysis import tokenise

    words = tokenise.words(doc)
    words = words.loc[words["kind"].isin(("word", "abbreviation"))]
    ment = mentions.table(doc, gazetteer)
    chars = np.frombuffer(doc.normalised.encode("utf-32-le"), dtype=np.uint32)
    covered = np.zeros(len(doc.body) + 1, dtype="int64")
    np.add.at(covered, ment.columns["start"], 1)
    np.add.at(covered, ment.columns["end"], -1)
    covered_before = np.r_[0, np.cumsum(np.cumsum(covered) > 0)]  # mention characters before each offset
    texts = words["text"].to_numpy(dtype=object)
    starts = words["start"].to_numpy("int64")
    ends = words["end"].to_numpy("int64")
    sids = words["sentence_id"].to_numpy("int64")
    n = len(texts)
    first_in_sentence = np.r_[True, sids[1:] != sids[:-1]] if n else np.zeros(0, bool)
    opener_codes = np.array([ord(c) for c in _OPENERS], dtype=np.uint32)
    prev1 = chars[np.maximum(starts - 1, 0)]
    prev2 = chars[np.maximum(starts - 2, 0)]
    opener = first_in_sentence | np.isin(prev1, opener_codes) | ((prev1 == 32) & np.isin(prev2, opener_codes))
    capital = pd.Series(texts, dtype=object).str[:1].str.isupper().to_numpy(dtype=bool)
    hit = covered_before[ends] - covered_before[starts] > 0
    name_like = capital & ~hit
    lower = set(words["norm"].to_numpy()[~capital])
    mid_caps = set(texts[name_like & ~opener])
    joined = np.zeros(n, dtype=bool)
    if n > 1:
        joined[:-1] = (ends[:-1] + 1 == starts[1:]) & (chars[np.minimum(ends[:-1], len(chars) - 1)] == 32) \
            & (sids[:-1] == sids[1:])
    runs: list[tuple[int, int, int]] = []
    next_free = 0
    for i in np.flatnonzero(name_like):
        if i < next_free:
            continue
        j = i
        while joined[j]:
            if name_like[j + 1]:
                j += 1
            elif texts[j + 1] in NAME_PARTICLES and joined[j + 1] and name_like[j + 2]:
                j += 2
            else:
                break
        k = i
        while k <= j and (opener[k] or k == j) and texts[k].lower() in lower:
            k += 1  # a capitalised sentence or quotation opener ("The", "In July")
        single_opener = k == j and opener[k] and texts[k] not in mid_caps
        if k <= j and not single_opener and len(texts[k]) > 1 or k < j:
            runs.append((int(starts[k]), int(ends[j]), int(sids[k])))
        next_free = j + 1
    if not runs:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    frame = pd.DataFrame(runs, columns=["first_start", "end", "first_sentence_id"])
    frame["surface"] = [_SPACE.sub(" ", doc.body[s:e]) for s, e in zip(frame["first_start"], frame["end"])]
    out = (frame.groupby("surface", sort=False)
           .agg(n_mentions=("first_start", "size"), first_start=("first_start", "min"),
                first_sentence_id=("first_sentence_id", "min"))
           .reset_index())
    out = out.sort_values(["n_mentions", "first_start"], ascending=[False, True], kind="stable")
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)
