"""Voices: quotations, their speakers, and who is speaking at every word.

An opinion article mixes the author's words with other people's: the polyphony
of the text (Bakhtin 1981; in media discourse, Fairclough 1995, *Media
Discourse*, ch. 5, "discourse representation"). This module finds direct
quotations, attributes them to speakers and gives every character, token and
sentence of ``doc.body`` a *voice*: ``"author"`` or the quoted speaker.

Quotation marks (:func:`quotations`, :func:`unmatched`)
    Marks are read on ``doc.normalised`` (same offsets) with the glyph in
    ``doc.body`` as a tie-breaker. A double mark is *opening* when it follows
    white space, the start of a paragraph or an opening bracket or dash and
    precedes a non-space; *closing* when it follows a non-space and precedes
    white space, punctuation or the end; otherwise the glyph decides (“ opens,
    ” closes). Context comes first, so a closing glyph used as an opening one
    (``, ”I have had``) still opens. A single mark between two letters or
    digits is an apostrophe (Russia’s, don’t); one that could end a plural
    possessive (peoples’, States’) closes a quotation only when a single
    quotation is open, otherwise it is an apostrophe. Marks are paired with
    one stack per paragraph, so quotations nest (‘Chinese wind’ inside “…”,
    “Indo-Pacific strategy” inside a block). A paragraph that ends inside a
    quotation continues into the next paragraph when that paragraph starts
    with an opening mark (the typographic convention for quotations of several
    paragraphs); otherwise the quotation is taken to run to the end of its
    paragraph. Marks that pair with nothing are listed by :func:`unmatched`,
    never raised.

Kinds
    ``block``: a paragraph (or run of paragraphs) that is entirely a quotation,
    introduced by the paragraph before it ("Lavrov said,"). ``inline``: direct
    speech inside running text, attributed through a reporting cue.
    ``scare``: a quoted term with no speaker (“plug-in”, “revisionist”): a
    quotation of at most :data:`SCARE_MAX_WORDS` words whose sentence has no
    reporting cue with a speaker (Predelli 2003, "Scare quotes and their
    relation to other semantic issues", *Linguistics and Philosophy* 26).
    ``nested``: a quotation inside another; it speaks in its parent's voice.

Attribution
    The speaker-cue-quotation configuration of Pareti (2016, PARC 3.0) and
    Newell et al. (2018): a reporting cue (``lexicons/reporting.yml``) outside
    quotations, whose subject is the nearest name, institution, group or
    pronoun before it with at most :data:`SPEAKER_MAX_GAP` lower-case words in
    between ("Xi reportedly said", "“…,” he alleged"); a passive auxiliary
    ("was widely noted") leaves the cue without a speaker. An inline quotation
    takes the nearest cue with a speaker before it in its sentence, else the
    nearest after it. A block takes the last such cue in the paragraph that
    introduces it. A quotation with no cue that is longer than
    :data:`SCARE_MAX_WORDS` words and reads as speech (it opens its sentence or
    ends with its own terminal punctuation) continues the most recent speaker
    of its paragraph or the one before (Quirk et al. 1985, 14.29-14.33);
    without one it is ``"unattributed"``. Pronouns ("He specified,", "It
    said,") refer to the most recent mention, outside quotations and within
    :data:`ANAPHORA_MAX_PARAGRAPHS` paragraphs, of a speaker of a compatible
    kind (person for he/she, institution or document for it): a salience rule
    in the manner of Lappin & Leass (1994). Titles ("Russian Foreign Minister")
    are removed; a surname alone is expanded to the full name used elsewhere
    in the text ("Lavrov" -> "Sergey Lavrov"); names are linked to the actor
    gazetteer with :func:`analysis.actors.resolve` when that module is present.

Voices
    :func:`voice_at` gives the voice at character offsets; :func:`token_voices`
    and :func:`sentence_voices` add a ``voice`` column to the token and sentence
    tables; :func:`shares` counts words per voice; :func:`positions` gives the
    runs of each voice along the article for plotting. A voice is the speaker's
    actor id, else a lower-case slug of the speaker's name, else
    ``"unattributed"``; scare quotes are the author's voice.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import lexicons, tokenise
from analysis.corpus import Document
from analysis.errors import InputError, LexiconError

#: A quotation of at most this many words with no speaker is a scare quote.
#: The longest unattributed quoted term in the seed, “tracks of an overturned
#: cart”, has five words; Predelli (2003) treats scare quotes as phrase-level.
SCARE_MAX_WORDS = 5
#: Lower-case words allowed between a speaker and the cue ("Xi reportedly
#: said", "Putin has also said"): adverbs and auxiliaries of the verb group
#: (Quirk et al. 1985, 3.54; three covers "has reportedly also").
SPEAKER_MAX_GAP = 3
#: A name has at most this many capitalised words once titles are removed
#: ("Li Zhanshu", "Sergey Lavrov"; "Mikhail Sergeyevich Gorbachev" has three).
NAME_MAX_WORDS = 4
#: Appositives skipped between a subject and its cue ("Sergei Boyev, director
#: general of Vympel, Russia's major weapons manufacturer, confirmed"): news
#: style stacks at most two (Quirk et al. 1985, 17.65-17.93).
MAX_APPOSITIVES = 2
#: Characters before a cue searched for its subject (two lines of print).
SUBJECT_WINDOW_CHARS = 200
#: Paragraphs back, besides the pronoun's own, searched for its antecedent:
#: "He specified," follows a block quotation that follows "Naryshkin said,".
ANAPHORA_MAX_PARAGRAPHS = 3
#: Voice of the author's own words and of scare quotes.
AUTHOR = "author"
#: Voice of a quotation whose speaker cannot be found.
UNATTRIBUTED = "unattributed"

#: Columns of :func:`quotations`.
QUOTATION_COLUMNS = ("quote_id", "start", "end", "text", "speaker", "speaker_actor", "kind", "cue",
                     "voice", "speaker_type", "depth", "parent", "paragraph", "n_words")
#: Columns of :func:`unmatched`.
UNMATCHED_COLUMNS = ("start", "end", "mark", "role", "paragraph", "note")

_OPENERS_BEFORE = set(" \t\n([{\u2014\u2013-/")
_CLOSERS_AFTER = set(" \t\n.,;:!?)]}\u2014\u2013-/\u2026")
_WORD = re.compile(r"\w+(?:[-'.]\w+)*")
_SLUG = re.compile(r"[^a-z0-9]+")
_TERMINAL = ".!?\u2026"
_DETERMINERS = frozenset({"the", "a", "an"})
_GENERIC_TAIL = re.compile(r"(?<=[A-Z][a-z])(?:[\w.-]*)\s+document$")


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Lexicon:
    cue: re.Pattern
    phrase: re.Pattern
    titles: re.Pattern
    institution: re.Pattern
    group: re.Pattern
    pronoun: re.Pattern
    name: re.Pattern
    pronoun_kind: dict
    not_names: frozenset
    prepositions: frozenset
    passive: frozenset
    label: str


def _alternation(items, *, escape=True) -> str:
    items = sorted(set(items), key=len, reverse=True)
    return "|".join(re.escape(i).replace(r"\ ", r"\s+") if escape else i for i in items)


def _build_lexicon(source: lexicons.Source) -> _Lexicon:
    required = ("cues", "speaker_phrases", "titles", "nationalities", "institution_heads",
                "document_heads", "group_heads", "pronouns", "not_names", "prepositions", "passive")
    data = lexicons.load(source, name="reporting", required=required)
    label = data["meta"]["loaded_from"]
    lists = {key: lexicons.string_list(data, key, label=label) for key in required if key != "pronouns"}
    pronouns = data["pronouns"]
    if not isinstance(pronouns, dict) or not all(
            isinstance(v, list) and all(isinstance(w, str) and w.strip() for w in v) for v in pronouns.values()):
        raise LexiconError(f"{label}: 'pronouns' must map a speaker kind to a list of pronouns")
    unknown = set(pronouns) - {"person", "institution", "group"}
    if unknown:
        raise LexiconError(f"{label}: 'pronouns' has unknown speaker kind(s): {', '.join(sorted(unknown))}")
    phrases = []
    for phrase in lists["speaker_phrases"]:
        if "{speaker}" not in phrase:
            raise LexiconError(f"{label}: 'speaker_phrases' item {phrase!r} lacks the {{speaker}} placeholder")
        head, tail = (re.escape(part).replace(r"\ ", r"\s+") for part in phrase.split("{speaker}", 1))
        phrases.append(f"(?i:{head})(?P<s{len(phrases)}>{_NAME_BODY})(?i:{tail})")
    heads = _alternation(lists["institution_heads"] + lists["document_heads"])
    gap = rf"(?:\s+[a-z]+){{0,{SPEAKER_MAX_GAP}}}\s*$"
    return _Lexicon(
        cue=re.compile(rf"(?<![\w-])(?:{_alternation(lists['cues'])})(?![\w-])"),
        phrase=re.compile("|".join(phrases)),
        titles=re.compile(rf"(?<![\w.])(?:(?:{_alternation(lists['nationalities'] + lists['titles'])})(?![\w-])\s*)+"),
        institution=re.compile(
            rf"(?P<np>(?:[Tt]he\s+)?(?:[A-Z][\w.'-]*\s+){{0,6}}(?:{heads})"
            rf"|(?:[Tt]he\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){{0,6}}\s+(?:{heads}))(?![\w-])"
            rf"(?:\s+(?:of|dated|from)\s+(?:[A-Z][a-z]+\s+)?\d{{4}})?{gap}"),
        group=re.compile(rf"(?P<np>(?:[a-z][\w-]*\s+){{0,2}}(?:{_alternation(lists['group_heads'])})){gap}"),
        pronoun=re.compile(rf"(?<![\w'-])(?P<np>(?i:{_alternation(w for v in pronouns.values() for w in v)})){gap}"),
        name=re.compile(rf"(?<![\w.'-])(?P<np>{_NAME_BODY}){gap}"),
        pronoun_kind={w.lower(): kind for kind, words in pronouns.items() for w in words},
        not_names=frozenset(lists["not_names"]),
        prepositions=frozenset(w.lower() for w in lists["prepositions"]),
        passive=frozenset(w.lower() for w in lists["passive"]),
        label=label,
    )


_NAME_TOKEN = r"[A-Z][\w-]*(?:\.[A-Z]\.?)*(?:'[A-Z]\w*)?"
_NAME_BODY = rf"{_NAME_TOKEN}(?: {_NAME_TOKEN}){{0,{NAME_MAX_WORDS - 1}}}"


@lru_cache(maxsize=1)
def _packaged_lexicon() -> _Lexicon:
    return _build_lexicon(None)


def reporting_lexicon(source: lexicons.Source = None) -> _Lexicon:
    """Load and compile the reporting-cue lexicon (``None``: packaged ``reporting.yml``)."""
    return _packaged_lexicon() if source is None else _build_lexicon(source)


# --------------------------------------------------------------------------- marks


@dataclass
class _Quote:
    start: int
    end: int
    family: str
    depth: int
    parent: int | None
    para_start: int
    para_end: int
    unclosed: bool = False


def _role(norm: str, body: str, i: int, lo: int, hi: int) -> str:
    """'open', 'close', 'apostrophe' or 'maybe_close' for the mark at ``i``."""
    prev = norm[i - 1] if i > lo else "\n"
    nxt = norm[i + 1] if i + 1 < hi else "\n"
    glyph = body[i]
    other = "'" if norm[i] == '"' else '"'
    open_ctx = (prev in _OPENERS_BEFORE or prev == other) and not nxt.isspace()
    close_ctx = not prev.isspace() and (nxt in _CLOSERS_AFTER or nxt == other or nxt == "\n")
    if norm[i] == "'":
        if prev.isalnum() and nxt.isalnum():
            return "apostrophe"
        if open_ctx and not close_ctx:
            return "open" if glyph in "\u2018'" and not nxt.isdigit() else "apostrophe"
        if close_ctx and not open_ctx:
            return "maybe_close" if prev.isalnum() or prev == "." else "close"
        return "apostrophe"
    if open_ctx and not close_ctx:
        return "open"
    if close_ctx and not open_ctx:
        return "close"
    if glyph in "\u201c\u201e\u00ab":
        return "open"
    if glyph in "\u201d\u00bb":
        return "close"
    return "toggle"


_MARK = re.compile(r"[\"']")


def _scan(doc: Document) -> tuple[list[_Quote], list[tuple[int, str, int, str]]]:
    """Pair the quotation marks of every paragraph; return quotations and unmatched marks."""
    norm, body = doc.normalised, doc.body
    paras = doc.text_paragraphs
    quotes: list[_Quote] = []
    bad: list[tuple[int, str, int, str]] = []
    carry: _Quote | None = None
    for k, para in enumerate(paras):
        stack: list[tuple[int, str, int | None]] = []  # (offset, family, carried quote index)
        reopen = carry is not None
        for m in _MARK.finditer(norm, para.start, para.end):
            i = m.start()
            role = _role(norm, body, i, para.start, para.end)
            family = "double" if norm[i] == '"' else "single"
            if role == "toggle":
                role = "close" if any(f == family for _, f, _ in stack) else "open"
            if role == "apostrophe":
                continue
            if reopen:
                reopen = False
                if role == "open" and family == carry.family and i == para.start:
                    stack.append((carry.start, family, len(quotes)))
                    quotes.append(carry)
                    carry = None
                    continue
            if role == "open":
                stack.append((i, family, None))
                continue
            if not any(f == family for _, f, _ in stack):
                if role == "close" and family == "double":
                    bad.append((i, "closing", para.index, "closing mark with no opening mark"))
                continue
            while stack[-1][1] != family:
                o, f, _ = stack.pop()
                bad.append((o, "opening", para.index, "opening mark closed by an outer quotation"))
            start, _, carried = stack.pop()
            if carried is not None:
                q = quotes[carried]
                q.end, q.para_end = i + 1, para.index
            else:
                quotes.append(_Quote(start, i + 1, family, len(stack), None, para.index, para.index))
        if carry is not None:  # the next paragraph did not reopen the carried quotation
            carry.unclosed = True
            quotes.append(carry)
            bad.append((carry.start, "opening", carry.para_start,
                        "quotation not closed; taken to run to the end of the paragraph"))
            carry = None
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        outer = next((s for s in stack if s[1] == "double"), None)
        continues = (outer is not None and nxt is not None and nxt.section == para.section
                     and norm[nxt.start] == '"')
        for o, f, carried in stack:
            if continues and (o, f, carried) == outer:
                if carried is not None:
                    carry = quotes.pop(carried)
                    carry.end, carry.para_end = para.end, para.index
                else:
                    carry = _Quote(o, para.end, f, 0, None, para.index, para.index)
                continue
            if carried is not None:
                q = quotes[carried]
                q.end, q.para_end, q.unclosed = para.end, para.index, True
                bad.append((q.start, "opening", q.para_start,
                            "quotation not closed; taken to run to the end of the paragraph"))
            elif f == "double" and (o, f, carried) == outer:
                quotes.append(_Quote(o, para.end, f, 0, None, para.index, para.index, unclosed=True))
                bad.append((o, "opening", para.index,
                            "quotation not closed; taken to run to the end of its paragraph"))
            else:
                bad.append((o, "opening", para.index, "opening mark with no closing mark"))
    quotes.sort(key=lambda q: (q.start, -q.end))
    _nest(quotes)
    return quotes, bad


def _nest(quotes: list[_Quote]) -> None:
    """Set depth and parent from containment (quotes sorted by start, longest first)."""
    open_: list[int] = []
    for k, q in enumerate(quotes):
        while open_ and quotes[open_[-1]].end <= q.start:
            open_.pop()
        q.parent = open_[-1] if open_ else None
        q.depth = len(open_)
        open_.append(k)


# --------------------------------------------------------------------------- speakers


@dataclass
class _Cue:
    start: int
    end: int
    cue: str
    speaker: str | None
    kind: str | None  # person, institution, document, group, pronoun
    subject_start: int


def _mask(norm: str, spans) -> str:
    chars = list(norm)
    for s, e in spans:
        chars[s:e] = "\x00" * (e - s)
    return "".join(chars)


def _subject(lex: _Lexicon, window: str, offset: int):
    """(speaker text, kind, start offset) of the subject at the end of ``window``, or None."""
    if not window.strip(" \t\n,"):
        return None
    best = None
    for kind, pattern in (("pronoun", lex.pronoun), ("institution", lex.institution),
                          ("group", lex.group)):
        m = pattern.search(window)
        if m and kind == "institution" and _governed(lex, window, m.start("np")):
            m = None
        if m and (best is None or m.end("np") > best[2] or (m.end("np") == best[2] and kind == "institution")):
            best = (m.group("np"), kind, m.end("np"), m.start("np"))
    masked = lex.titles.sub(lambda t: re.sub(r"\S", "\x01", t.group()), window)
    m = lex.name.search(masked)
    if m is None and best is None and window.rstrip().endswith(","):
        m = _appositive_subject(lex, masked)
    if m:
        np_start, np_end = m.start("np"), m.end("np")
        words = m.group("np").split(" ")
        while words and words[0] in lex.not_names:
            np_start += len(words[0]) + 1
            words = words[1:]
        if words and not _governed(lex, window, np_start) and (best is None or np_end > best[2]):
            best = (" ".join(words), "person", np_end, np_start)
    if best is None:
        return None
    text, kind, _, start = best
    gap = window[start + len(text):].split()
    if any(w.lower() in lex.passive for w in gap):
        return None
    if kind in ("institution", "group"):
        text = re.sub(r"^[Tt]he\s+", "", text)
        text = _GENERIC_TAIL.sub(lambda t: t.group()[: -len(t.group().split()[-1])].rstrip(), text)
        start = offset + start + (len(best[0]) - len(text))
        if kind == "institution":
            kind = "document" if _is_document(best[0]) else "institution"
        return text, kind, start
    return text, kind, offset + start


def _governed(lex: _Lexicon, window: str, start: int) -> bool:
    """True when the phrase at ``start`` follows a preposition ("in the People's Daily")."""
    before = window[:start].split()[-4:]
    while before and (before[-1].lower() in _DETERMINERS or (before[-1][0].isupper() and before[-1].endswith("'s"))):
        before.pop()
    return bool(before) and before[-1].lower() in lex.prepositions


def _appositive_subject(lex: _Lexicon, masked: str):
    """The name before one or two appositives: "Sergei Boyev, director general of Vympel, confirmed"."""
    cut = masked.rstrip().rstrip(",")
    for _ in range(MAX_APPOSITIVES):
        comma = cut.rfind(",")
        if comma < 0:
            return None
        appositive = cut[comma + 1:].lstrip()
        if not appositive or not (appositive[0].islower() or appositive[0] == "\x01" or "'s " in appositive):
            return None
        cut = cut[:comma]
        m = lex.name.search(cut + " ")
        if m and m.end("np") == len(cut) and not _governed(lex, cut, m.start("np")):
            return m
    return None


def _is_document(text: str) -> bool:
    return bool(re.search(r"(?i)\b(?:strategy|document|statement|communique|declaration|report|paper|doctrine|concept)$",
                          text))


def _cues(doc: Document, lex: _Lexicon, masked: str) -> list[_Cue]:
    """Every reporting cue outside quotations, with the subject found for it."""
    sents = tokenise.sentence_spans(doc)
    starts = [s for s, _, _ in sents]
    out: list[_Cue] = []
    for m in lex.phrase.finditer(masked):
        name = next(v for v in m.groupdict().values() if v)
        group = next(k for k, v in m.groupdict().items() if v)
        out.append(_Cue(m.start(), m.end(), doc.body[m.start():m.end()], name, "person", m.start(group)))
    for m in lex.cue.finditer(masked):
        k = bisect_right(starts, m.start()) - 1
        sent_start = starts[k] if k >= 0 else 0
        lo = max(sent_start, m.start() - SUBJECT_WINDOW_CHARS, masked.rfind("\x00", 0, m.start()) + 1)
        window = masked[lo:m.start()]
        found = _subject(lex, window, lo)
        if found is None:
            if re.fullmatch(r"[\s,]*(?:and\s+)?", window) and out and out[-1].speaker and out[-1].start >= sent_start:
                prev = out[-1]
                found = (prev.speaker, prev.kind, prev.subject_start)
            else:
                found = (None, None, m.start())
        out.append(_Cue(m.start(), m.end(), doc.body[m.start():m.end()], *found))
    out.sort(key=lambda c: c.start)
    return out


def _actors_module():
    try:
        from analysis import actors
    except ImportError:
        return None
    return actors if hasattr(actors, "resolve") else None


def _resolve(name: str | None) -> str | None:
    actors = _actors_module()
    if actors is None or not name:
        return None
    try:
        return actors.resolve(name)
    except Exception:  # a gazetteer in the making must not break quotation finding
        return None


def _slug(name: str) -> str:
    return _SLUG.sub("_", name.lower()).strip("_")


def _canonical_names(doc: Document, lex: _Lexicon, cues: list[_Cue], masked: str) -> dict[str, str]:
    """Map each short person name to the longest form of it used in the text."""
    persons = {c.speaker for c in cues if c.kind == "person" and c.speaker}
    full = {p for p in persons if " " in p}
    out = {}
    short = sorted(p for p in persons if " " not in p)
    if not short:
        return out
    pattern = re.compile(rf"(?<![\w.])(?:(?P<a>{_alternation(short)}) (?P<b>[A-Z][a-z][\w-]*)"
                         rf"|(?P<c>[A-Z][a-z][\w-]*) (?P<d>{_alternation(short)}))(?![\w-])")
    counts: Counter = Counter()
    blocked = lex.not_names
    for m in pattern.finditer(masked):
        key, other = (m.group("a"), m.group("b")) if m.group("a") else (m.group("d"), m.group("c"))
        if other in blocked or lex.titles.fullmatch(other + " "):
            continue
        counts[(key, m.group().strip())] += 1
    for name in short:
        known = [f for f in full if name in f.split(" ")[:1] + f.split(" ")[-1:]]
        if len(known) == 1:
            out[name] = known[0]
            continue
        seen = [(n, form) for (k, form), n in counts.items() if k == name]
        if seen:
            out[name] = max(seen)[1]
    return out


def _attribute(doc: Document, lex: _Lexicon) -> tuple[pd.DataFrame, pd.DataFrame]:
    norm = doc.normalised
    quotes, bad = _scan(doc)
    top = [q for q in quotes if q.depth == 0]
    masked = _mask(norm, [(q.start, q.end) for q in top])
    cues = _cues(doc, lex, masked)
    canon = _canonical_names(doc, lex, cues, masked)
    kinds = _speaker_kinds(cues, canon)
    mention_pos, mention_name = _mentions(masked, cues, canon)
    para_of = _paragraph_index(doc)

    def canonical(c: _Cue) -> tuple[str | None, str | None]:
        if c.speaker is None:
            return None, None
        if c.kind == "pronoun":
            kind = lex.pronoun_kind.get(c.speaker.lower())
            return _antecedent(c.subject_start, kind, mention_pos, mention_name, kinds, para_of)
        name = canon.get(c.speaker, c.speaker) if c.kind == "person" else c.speaker
        return name, c.kind

    resolved = [(c, *canonical(c)) for c in cues]
    events = [(c.start, name, kind) for c, name, kind in resolved if name]
    event_pos = [e[0] for e in events]
    sents = tokenise.sentence_spans(doc)
    s_starts = np.array([s for s, _, _ in sents], dtype="int64")
    s_ends = np.array([e for _, e, _ in sents], dtype="int64")
    cue_pos = [c.start for c, _, _ in resolved]
    cues_any = resolved
    paras = {p.index: p for p in doc.text_paragraphs}
    text_index = [p.index for p in doc.text_paragraphs]

    rows = []
    for q in quotes:
        n_words = len(_WORD.findall(norm[q.start:q.end]))
        speaker = kind = cue = None
        if q.depth > 0:
            qkind = "nested"
        elif _is_block(norm, q, paras):
            qkind = "block"
            k = text_index.index(q.para_start)
            intro = paras[text_index[k - 1]] if k > 0 else None
            if intro is not None:
                hit = _last_cue(resolved, cue_pos, max(intro.start, _sentence_start(s_starts, q.start - 1, intro)),
                                intro.end)
                if hit:
                    _, speaker, kind = hit
                    cue = hit[0].cue
                else:
                    speaker, kind = _recent(events, event_pos, intro.start, q.start)
        else:
            lo = int(s_starts[max(np.searchsorted(s_starts, q.start, "right") - 1, 0)])
            hi_k = max(np.searchsorted(s_starts, q.end - 1, "right") - 1, 0)
            hi = int(s_ends[hi_k])
            before = _last_cue(resolved, cue_pos, lo, q.start)
            after = _first_cue(resolved, cue_pos, q.end, max(hi, q.end))
            hit = before or after
            if hit:
                qkind, cue = "inline", hit[0].cue
                _, speaker, kind = hit
            elif n_words <= SCARE_MAX_WORDS:
                qkind = "scare"
            elif _first_cue(cues_any, cue_pos, lo, hi, any_speaker=True):
                qkind, cue = "inline", _first_cue(cues_any, cue_pos, lo, hi, any_speaker=True)[0].cue
            elif _reads_as_speech(norm, q, lo):
                qkind = "inline"
                prev = paras[text_index[max(text_index.index(q.para_start) - 1, 0)]]
                speaker, kind = _recent(events, event_pos, prev.start, q.start)
            else:
                qkind = "scare"
        rows.append((q, qkind, speaker, kind, cue, n_words))

    records = []
    for k, (q, qkind, speaker, kind, cue, n_words) in enumerate(rows):
        if qkind == "nested":
            parent = rows[q.parent]
            speaker, kind = parent[2], parent[3]
        actor = _resolve(speaker) if speaker and kind != "group" else None
        records.append({
            "quote_id": k, "start": q.start, "end": q.end, "text": doc.body[q.start:q.end],
            "speaker": speaker, "speaker_actor": actor, "kind": qkind, "cue": cue,
            "voice": None, "speaker_type": kind, "depth": q.depth, "parent": q.parent,
            "paragraph": q.para_start, "n_words": n_words,
        })
    for rec in records:
        rec["voice"] = _voice_label(rec, records)
    frame = pd.DataFrame.from_records(records, columns=list(QUOTATION_COLUMNS))
    if frame.empty:
        frame = frame.astype({"quote_id": "int64", "start": "int64", "end": "int64", "depth": "int64",
                              "paragraph": "int64", "n_words": "int64"})
    frame["parent"] = frame["parent"].astype("Int64")
    unmatched_frame = pd.DataFrame(
        [(o, o + 1, doc.body[o], role, p, note) for o, role, p, note in sorted(bad)],
        columns=list(UNMATCHED_COLUMNS),
    ).astype({"start": "int64", "end": "int64", "paragraph": "int64"})
    return frame, unmatched_frame


def _voice_label(rec: dict, records: list[dict]) -> str:
    if rec["kind"] == "nested":
        return _voice_label(records[rec["parent"]], records)
    if rec["kind"] == "scare":
        return AUTHOR
    if rec["speaker_actor"]:
        return rec["speaker_actor"]
    if rec["speaker"]:
        return _slug(rec["speaker"]) or UNATTRIBUTED
    return UNATTRIBUTED


def _is_block(norm: str, q: _Quote, paras: dict) -> bool:
    first, last = paras[q.para_start], paras[q.para_end]
    return q.start == first.start and not norm[q.end:last.end].strip(" .,;:\u2026\n")


def _reads_as_speech(norm: str, q: _Quote, sent_start: int) -> bool:
    inner = norm[q.start + 1:q.end - 1].rstrip("'\" ")
    return q.start == sent_start or q.unclosed or (bool(inner) and inner[-1] in _TERMINAL)


def _sentence_start(s_starts: np.ndarray, offset: int, para) -> int:
    k = np.searchsorted(s_starts, offset, "right") - 1
    return int(s_starts[k]) if k >= 0 else para.start


def _last_cue(resolved, cue_pos, lo: int, hi: int):
    k = bisect_right(cue_pos, hi) - 1
    while k >= 0 and resolved[k][0].start >= lo:
        if resolved[k][0].speaker and resolved[k][0].end <= hi:
            return resolved[k]
        k -= 1
    return None


def _first_cue(resolved, cue_pos, lo: int, hi: int, *, any_speaker: bool = False):
    k = bisect_right(cue_pos, lo - 1)
    while k < len(resolved) and resolved[k][0].start < hi:
        if resolved[k][0].speaker or any_speaker:
            return resolved[k]
        k += 1
    return None


def _recent(events, event_pos, lo: int, hi: int):
    k = bisect_right(event_pos, hi) - 1
    if k >= 0 and events[k][0] >= lo:
        return events[k][1], events[k][2]
    return None, None


def _speaker_kinds(cues: list[_Cue], canon: dict) -> dict[str, str]:
    kinds = {}
    for c in cues:
        if c.speaker and c.kind != "pronoun":
            kinds[canon.get(c.speaker, c.speaker) if c.kind == "person" else c.speaker] = c.kind
    return kinds


def _mentions(masked: str, cues: list[_Cue], canon: dict) -> tuple[list[int], list[str]]:
    """Offsets and canonical names of every mention, outside quotations, of a known speaker."""
    forms: dict[str, str] = {}
    for c in cues:
        if not c.speaker or c.kind in ("pronoun", "group"):
            continue
        name = canon.get(c.speaker, c.speaker) if c.kind == "person" else c.speaker
        forms[c.speaker] = name
        forms[name] = name
        if c.kind == "person":
            parts = name.split(" ")
            forms.setdefault(parts[0], name)
            forms.setdefault(parts[-1], name)
    if not forms:
        return [], []
    pattern = re.compile(rf"(?<![\w-])(?:{_alternation(forms)})(?![\w-])")
    pos, names = [], []
    for m in pattern.finditer(masked):
        pos.append(m.start())
        names.append(forms.get(re.sub(r"\s+", " ", m.group()), m.group()))
    return pos, names


def _paragraph_index(doc: Document):
    starts = [p.start for p in doc.paragraphs]
    return lambda offset: bisect_right(starts, offset) - 1


def _antecedent(offset, kind, mention_pos, mention_name, kinds, para_of):
    compatible = {"person": ("person",), "institution": ("institution", "document"),
                  "group": ("group", "institution")}.get(kind, ())
    k = bisect_right(mention_pos, offset - 1) - 1
    here = para_of(offset)
    while k >= 0 and here - para_of(mention_pos[k]) <= ANAPHORA_MAX_PARAGRAPHS:
        name = mention_name[k]
        if kinds.get(name) in compatible:
            return name, kinds[name]
        k -= 1
    return None, None


# --------------------------------------------------------------------------- public API


def _computed(doc: Document, reporting: lexicons.Source):
    if not isinstance(doc, Document):
        raise InputError(f"voices: expected a corpus.Document, got {type(doc).__name__}")
    if reporting is None:
        return doc.cached("voices.quotations", lambda: _attribute(doc, _packaged_lexicon()))
    return _attribute(doc, reporting_lexicon(reporting))


def quotations(doc: Document, *, reporting: lexicons.Source = None) -> pd.DataFrame:
    """Direct quotations of the body, with kind, cue, speaker and voice.

    Args:
        doc: the document.
        reporting: reporting-cue lexicon: ``None`` for the packaged
            ``lexicons/reporting.yml``, or a path or mapping with the same keys.

    Returns:
        DataFrame, one row per quotation in text order: ``quote_id``;
        ``start``, ``end`` (offsets into ``doc.body``, marks included);
        ``text``; ``speaker`` (name without titles, pronouns resolved; missing
        when unknown); ``speaker_actor`` (gazetteer id; missing when none); ``kind``
        (``block``, ``inline``, ``scare`` or ``nested``); ``cue`` (the
        reporting verb or phrase as written; missing when none); ``voice`` (see
        :func:`voice_at`); ``speaker_type`` (``person``, ``institution``,
        ``document``, ``group``; missing when unknown); ``depth`` (0 for outermost);
        ``parent`` (``quote_id`` of the enclosing quotation or <NA>);
        ``paragraph`` (index of the paragraph where it opens); ``n_words``.

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('Lavrov said, \u201cWe object.\u201d It is a \u201cplug-in\u201d alliance.')
        >>> voices.quotations(doc)[["text", "kind", "voice"]].values.tolist()
        [['\u201cWe object.\u201d', 'inline', 'lavrov'], ['\u201cplug-in\u201d', 'scare', 'author']]
    """
    return _computed(doc, reporting)[0].copy(deep=False)


def unmatched(doc: Document, *, reporting: lexicons.Source = None) -> pd.DataFrame:
    """Quotation marks that pair with nothing (an odd number of marks is not an error).

    Args:
        doc: the document.
        reporting: reporting-cue lexicon (as for :func:`quotations`).

    Returns:
        DataFrame with ``start``, ``end`` (offsets of the mark), ``mark`` (the
        character), ``role`` (``opening`` or ``closing``), ``paragraph`` and
        ``note``. An opening double mark that is never closed still opens a
        quotation that runs to the end of its paragraph.

    Example:
        >>> from analysis import corpus, voices
        >>> voices.unmatched(corpus.from_text('He said \u201cno. Then he left.'))[["mark", "role"]].values.tolist()
        [['\u201c', 'opening']]
    """
    return _computed(doc, reporting)[1].copy(deep=False)


def _intervals(doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    def build():
        q = quotations(doc)
        top = q.loc[(q["depth"] == 0) & (q["voice"] != AUTHOR)]
        return (top["start"].to_numpy("int64"), top["end"].to_numpy("int64"),
                top["voice"].to_numpy(object))
    return doc.cached("voices.intervals", build)


def voice_at(doc: Document, offsets) -> list[str]:
    """The voice speaking at each character offset of ``doc.body``.

    Args:
        doc: the document.
        offsets: character offsets into ``doc.body`` (any iterable of ints).

    Returns:
        One label per offset: ``"author"`` for the author's words and scare
        quotes; else the speaker's actor id, a lower-case slug of the
        speaker's name ("kong_jun"), or ``"unattributed"``.

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('Putin said, \u201cWe help.\u201d')
        >>> voices.voice_at(doc, [0, 14])[0]
        'author'
    """
    starts, ends, labels = _intervals(doc)
    pos = np.asarray(list(offsets) if not isinstance(offsets, np.ndarray) else offsets, dtype="int64")
    if pos.size == 0:
        return []
    k = np.searchsorted(starts, pos, side="right") - 1
    inside = (k >= 0) & (pos < ends[np.clip(k, 0, None)]) if starts.size else np.zeros(pos.size, bool)
    out = np.full(pos.size, AUTHOR, dtype=object)
    out[inside] = labels[k[inside]]
    return out.tolist()


def token_voices(doc: Document) -> pd.DataFrame:
    """The token table of :func:`analysis.tokenise.words` with a ``voice`` column.

    Returns:
        DataFrame with the columns of ``tokenise.words`` plus ``voice``.

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('Xi said, \u201cWe agree.\u201d')
        >>> voices.token_voices(doc)["voice"].tolist()[:3]
        ['author', 'author', 'author']
    """
    def build():
        w = tokenise.words(doc)
        w["voice"] = voice_at(doc, w["start"].to_numpy())
        return w
    return doc.cached("voices.tokens", build).copy(deep=False)


def sentence_voices(doc: Document) -> pd.DataFrame:
    """The sentence table of :func:`analysis.tokenise.sentences` with its voice.

    A sentence's voice is the voice of most of its words (the author's on a
    tie); ``share_quoted`` is the share of its words in another voice.

    Returns:
        DataFrame with the columns of ``tokenise.sentences`` plus ``voice``
        and ``share_quoted`` (0-1).

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('No quotation here. None at all.')
        >>> voices.sentence_voices(doc)["voice"].tolist()
        ['author', 'author']
    """
    def build():
        s = tokenise.sentences(doc)
        w = token_voices(doc)
        w = w.loc[w["kind"].isin(tokenise.WORD_KINDS), ["sentence_id", "voice"]]
        counts = w.groupby(["sentence_id", "voice"]).size().rename("n").reset_index()
        counts["is_author"] = counts["voice"] == AUTHOR
        counts = counts.sort_values(["sentence_id", "n", "is_author"], ascending=[True, False, False])
        top = counts.drop_duplicates("sentence_id").set_index("sentence_id")["voice"]
        quoted = counts.loc[~counts["is_author"]].groupby("sentence_id")["n"].sum()
        s["voice"] = top.reindex(s["sentence_id"]).fillna(AUTHOR).to_numpy()
        n = s["n_words"].to_numpy()
        q = quoted.reindex(s["sentence_id"]).fillna(0).to_numpy()
        s["share_quoted"] = np.divide(q, n, out=np.zeros(len(s)), where=n > 0)
        return s
    return doc.cached("voices.sentences", build).copy(deep=False)


def shares(doc: Document) -> pd.DataFrame:
    """Words spoken in each voice and their share of the article.

    Returns:
        DataFrame with ``voice``, ``speaker`` (display name, "author" for the
        author), ``n_words`` (word tokens, see ``tokenise.WORD_KINDS``),
        ``share`` (of all words, 0-1) and ``n_quotations`` (outermost
        quotations other than scare quotes), sorted by ``n_words``.

    Example:
        >>> from analysis import corpus, voices
        >>> voices.shares(corpus.from_text('Nobody is quoted here.'))[["voice", "share"]].values.tolist()
        [['author', 1.0]]
    """
    w = token_voices(doc)
    w = w.loc[w["kind"].isin(tokenise.WORD_KINDS)]
    total = len(w)
    counts = w.groupby("voice").size().rename("n_words").reset_index()
    q = quotations(doc)
    top = q.loc[(q["depth"] == 0) & (q["voice"] != AUTHOR)]
    n_quotes = top.groupby("voice").size()
    names = top.dropna(subset=["speaker"]).drop_duplicates("voice").set_index("voice")["speaker"]
    counts["speaker"] = [AUTHOR if v == AUTHOR else names.get(v, v) for v in counts["voice"]]
    counts["share"] = counts["n_words"] / total if total else 0.0
    counts["n_quotations"] = n_quotes.reindex(counts["voice"]).fillna(0).astype("int64").to_numpy()
    counts = counts.sort_values(["n_words", "voice"], ascending=[False, True], ignore_index=True)
    return counts[["voice", "speaker", "n_words", "share", "n_quotations"]]


def positions(doc: Document) -> pd.DataFrame:
    """Runs of consecutive words in one voice, placed along the article.

    Positions are word ranks divided by the number of words, so 0 is the first
    word of the body and 1 the end.

    Returns:
        DataFrame with ``voice``, ``section``, ``position_start``,
        ``position_end`` (0-1), ``n_words`` and ``start``, ``end`` (offsets
        into ``doc.body``), one row per run in text order.

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('He said, \u201cWe do.\u201d')
        >>> voices.positions(doc)[["voice", "position_start", "position_end"]].values.tolist()
        [['author', 0.0, 0.5], ['unattributed', 0.5, 1.0]]
    """
    w = token_voices(doc)
    w = w.loc[w["kind"].isin(tokenise.WORD_KINDS)].reset_index(drop=True)
    total = len(w)
    cols = ["voice", "section", "position_start", "position_end", "n_words", "start", "end"]
    if not total:
        return pd.DataFrame(columns=cols)
    sections = tokenise.sentences(doc).set_index("sentence_id")["section"]
    w["section"] = sections.reindex(w["sentence_id"]).to_numpy()
    change = (w["voice"] != w["voice"].shift()) | (w["section"] != w["section"].shift())
    w["run"] = change.cumsum()
    runs = w.groupby("run").agg(voice=("voice", "first"), section=("section", "first"),
                                first=("token_id", "size"), start=("start", "min"), end=("end", "max"))
    runs = runs.rename(columns={"first": "n_words"}).reset_index(drop=True)
    edges = np.concatenate([[0], np.cumsum(runs["n_words"].to_numpy())])
    runs["position_start"] = edges[:-1] / total
    runs["position_end"] = edges[1:] / total
    return runs[cols]


def section_bounds(doc: Document) -> pd.DataFrame:
    """Where each section starts and ends along the article (0-1, by words).

    Returns:
        DataFrame with ``section`` (label), ``position_start``, ``position_end``.

    Example:
        >>> from analysis import corpus, voices
        >>> voices.section_bounds(corpus.from_text('One text. No headings.')).values.tolist()
        [['(untitled)', 0.0, 1.0]]
    """
    runs = positions(doc)
    if runs.empty:
        return pd.DataFrame(columns=["section", "position_start", "position_end"])
    runs["block"] = (runs["section"] != runs["section"].shift()).cumsum()
    out = runs.groupby("block").agg(section=("section", "first"), position_start=("position_start", "min"),
                                    position_end=("position_end", "max"))
    return out.reset_index(drop=True)
