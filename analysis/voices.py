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
    quotations, whose subject is the nearest pronoun, institution or document,
    group, role ("a senior official") or name before it with at most
    :data:`SPEAKER_MAX_GAP` lower-case words in between ("Xi reportedly said",
    "“…,” he alleged"), skipping up to :data:`MAX_APPOSITIVES` appositives; a
    passive auxiliary ("was widely noted") leaves the cue without a speaker,
    and a name after a preposition is not a subject. An inline quotation takes
    the nearest cue with a speaker before it in its sentence, else the nearest
    after it; a cue right before it or a reporting clause right after it
    ("“…,” I'm told") makes it speech even without a speaker. A block takes
    the last such cue in the last sentence of the paragraph that introduces
    it. A quotation with no cue that is longer than :data:`SCARE_MAX_WORDS`
    words and reads as speech (it opens its sentence or ends with its own
    terminal punctuation) continues the most recent speaker of its paragraph
    or the one before (Quirk et al. 1985, 14.29-14.33); without one it is
    ``"unattributed"``. Pronouns ("He specified,", "It said,") refer to the
    most recent mention, outside quotations and within
    :data:`ANAPHORA_MAX_PARAGRAPHS` paragraphs, of a speaker of a compatible
    kind (person or role for he/she, institution or document for it): a
    salience rule in the manner of Lappin & Leass (1994). Titles ("Russian
    Foreign Minister") are removed; a surname alone is expanded to the full
    name used elsewhere in the text ("Lavrov" -> "Sergey Lavrov"); names are
    linked to the actor gazetteer with :func:`analysis.actors.resolve` when
    that module is present. See ``docs/voices.md`` for every rule.

Voices
    :func:`voice_at` gives the voice at character offsets (:func:`voice_codes`
    the same as integer codes into the document's voice labels); :func:`token_voices`
    and :func:`sentence_voices` add a ``voice`` column to the token and sentence
    tables; :func:`shares` counts words per voice; :func:`positions` gives the
    runs of each voice along the article for plotting. A voice is the speaker's
    actor id, else a lower-case slug of the speaker's name, else
    ``"unattributed"``; scare quotes are the author's voice.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import lexicons, tables, tokenise
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
#: Modifiers allowed between the article and a role noun ("the Cambodian
#: delegate", "a senior Chinese official"): two adjectives and a nationality
#: cover the noun phrases of news attribution (Bell 1991, *The Language of
#: News Media*, ch. 10).
ROLE_MAX_MODIFIERS = 3
#: Appositives skipped between a subject and its cue ("Sergei Boyev, director
#: general of Vympel, Russia's major weapons manufacturer, confirmed"): news
#: style stacks at most two (Quirk et al. 1985, 17.65-17.93).
MAX_APPOSITIVES = 2
#: Characters before a cue searched for its subject: one line of print, enough
#: for the longest subject in the seed with its titles and appositives
#: ("Sergei Boyev, director general of Vympel, Russia's major weapons
#: manufacturer," is 78 characters).
SUBJECT_WINDOW_CHARS = 120
#: Paragraphs back, besides the pronoun's own, searched for its antecedent:
#: "He specified," follows a block quotation that follows "Naryshkin said,".
ANAPHORA_MAX_PARAGRAPHS = 3
#: Characters after a quotation ending in a comma within which a cue makes it
#: direct speech ("“…,” a senior official told reporters"): a reporting clause
#: of up to about six words (Quirk et al. 1985, 14.29).
REPORTING_CLAUSE_CHARS = 40
#: Voice of the author's own words and of scare quotes.
AUTHOR = "author"
#: Voice of a quotation whose speaker cannot be found.
UNATTRIBUTED = "unattributed"

#: Columns of :func:`quotations`.
QUOTATION_COLUMNS = ("quote_id", "start", "end", "text", "speaker", "speaker_actor", "kind", "cue",
                     "voice", "speaker_type", "depth", "parent", "paragraph", "n_words")
_INT_COLUMNS = ("quote_id", "start", "end", "depth", "paragraph", "n_words")
#: Dtypes of the columns of :func:`quotations` (text columns are strings, missing when unknown).
QUOTATION_DTYPES = {c: "int64" if c in _INT_COLUMNS else "Int64" if c == "parent" else tables.STR
                    for c in QUOTATION_COLUMNS}
#: Columns of :func:`unmatched`.
UNMATCHED_COLUMNS = ("start", "end", "mark", "role", "paragraph", "note")
#: Dtypes of the columns of :func:`unmatched`.
UNMATCHED_DTYPES = {"start": "int64", "end": "int64", "mark": tables.STR, "role": tables.STR,
                    "paragraph": "int64", "note": tables.STR}

_OPENERS_BEFORE = set(" \t\n([{\u2014\u2013-/")
_CLOSERS_AFTER = set(" \t\n.,;:!?)]}\u2014\u2013-/\u2026")
_SLUG = re.compile(r"[^a-z0-9]+")
_TERMINAL = ".!?\u2026"
_DETERMINERS = frozenset({"the", "a", "an"})


# --------------------------------------------------------------------------- lexicon

#: Flags of a token in :attr:`_Lexicon.tokens`: the first word of a cue, a role noun.
_CUE_WORD, _ROLE_NOUN = 1, 2
#: Bits of the token hash of :func:`_token_keys`: a table of 65,536 slots, so
#: that the few hundred words of a lexicon leave almost every slot empty and
#: few tokens that are not lexicon words pass the sieve of :class:`_Lookup`.
_KEY_BITS = 16
#: Multipliers of the first, second and last character and of the length in
#: the token hash: distinct primes, so that words differing in one of them
#: (multiplicative hashing, Knuth, *TAOCP* vol. 3, 6.4) fall in different slots.
_KEY_FACTORS = (1_000_003, 8191, 131, 1)
#: The key given to tokens inside quotations: one slot past the hash range,
#: left empty in every sieve table, so that a look-up of the keys alone skips
#: quoted tokens without a separate mask.
_INSIDE = 1 << _KEY_BITS


def _token_keys(doc: Document, t: tokenise.TokenArrays) -> np.ndarray:
    """A hash of every token's first, second and last characters and length (see :func:`_word_key`)."""
    if not len(t.start):
        return np.zeros(0, dtype="int64")
    chars = np.frombuffer(doc.body.encode("utf-32-le"), dtype="<u4")
    length = t.end - t.start
    f1, f2, f3, f4 = (np.uint32(f) for f in _KEY_FACTORS)
    # in 32 bits: the low bits kept are those of the exact sum of :func:`_word_key`
    keys = chars[t.start] * f1
    keys += chars[t.start + (length > 1)] * f2
    keys += chars[t.end - 1] * f3
    keys += length.astype(np.uint32) * f4
    keys &= np.uint32((1 << _KEY_BITS) - 1)
    return keys


@lru_cache(maxsize=4096)
def _word_key(word: str) -> int:
    """The hash of :func:`_token_keys` for one word (cached: speaker names recur across documents)."""
    f1, f2, f3, f4 = _KEY_FACTORS
    return (ord(word[0]) * f1 + ord(word[min(1, len(word) - 1)]) * f2 + ord(word[-1]) * f3
            + len(word) * f4) & ((1 << _KEY_BITS) - 1)


class _Lookup:
    """Words to find among a document's tokens, each with bit flags.

    A sieve: the tokens whose hash (:func:`_token_keys`, for all tokens at
    once) is the hash of one of the words are compared as strings, the others
    never become Python strings.
    """

    __slots__ = ("words", "table")

    def __init__(self, words: dict[str, int]):
        self.words = words
        self.table = _sieve(words)

    def __call__(self, toks: _Tokens) -> list[tuple[int, int]]:
        """(index, flags) of every token outside quotations that is one of the words, in order."""
        words, body, starts, ends = self.words, toks.body, toks.start, toks.end
        hits = []
        for i in self.table[toks.keys].nonzero()[0].tolist():
            flags = words.get(body[starts[i]:ends[i]])
            if flags:
                hits.append((i, flags))
        return hits


def _sieve(words) -> np.ndarray:
    """A table of the hash slots of ``words``, with the slot :data:`_INSIDE` empty."""
    table = np.zeros(_INSIDE + 1, dtype=bool)
    table[[_word_key(w) for w in words if w]] = True
    return table


class _Tokens:
    """A document's tokens as the attribution reads them a few at a time.

    Attributes:
        body: ``doc.body``.
        start, end: token offsets, as memoryviews of the int64 arrays: indexed
            one by one as Python ints, without a copy.
        keys: the hash of every token (:func:`_token_keys`), :data:`_INSIDE`
            for the tokens inside quotations.
        key: ``keys`` as a memoryview, indexed one by one as Python ints.
    """

    __slots__ = ("body", "start", "end", "keys", "key")

    def __init__(self, doc: Document, t: tokenise.TokenArrays, top: list[_Quote]):
        self.body = doc.body
        self.start = memoryview(np.ascontiguousarray(t.start))
        self.end = memoryview(np.ascontiguousarray(t.end))
        keys = _token_keys(doc, t)
        bounds = np.searchsorted(t.start, [q.start for q in top] + [q.end for q in top]).tolist()
        for i, j in zip(bounds[:len(top)], bounds[len(top):]):  # outermost quotations do not overlap
            keys[i:j] = _INSIDE
        self.keys = keys
        self.key = memoryview(keys)

    def find(self, words, stop: int | None = None) -> list[tuple[int, str]]:
        """(index, text) of the tokens outside quotations whose text is one of ``words`` (a set or dict).

        Only tokens before token ``stop`` are searched when it is given.
        """
        body, starts, ends = self.body, self.start, self.end
        found = []
        for i in _sieve(words)[self.keys[:stop]].nonzero()[0].tolist():
            text = body[starts[i]:ends[i]]
            if text in words:
                found.append((i, text))
        return found

    def texts(self, i: int, j: int) -> list[str]:
        """The texts of tokens ``i`` to ``j - 1`` as in the body."""
        body = self.body
        return [body[a:b] for a, b in zip(self.start[i:j], self.end[i:j])]

    def follows(self, i: int, words: tuple[str, ...]) -> bool:
        """True when the tokens from ``i`` on read ``words`` (compared up to the first that differs)."""
        body, starts, ends = self.body, self.start, self.end
        for k, word in enumerate(words, i):
            if body[starts[k]:ends[k]] != word:
                return False
        return True


@dataclass(frozen=True)
class _Lexicon:
    cues: dict  # first word -> tuple of word sequences
    phrases: tuple  # (literal anchor, compiled pattern with group "speaker")
    title_words: frozenset
    heads: dict  # last word -> tuple of word sequences (institution or document heads)
    document_heads: frozenset
    group_heads: frozenset
    person_heads: frozenset
    pronoun_kind: dict
    not_names: frozenset
    prepositions: frozenset
    passive: frozenset
    label: str
    tokens: _Lookup  # cue first words (_CUE_WORD) and role nouns (_ROLE_NOUN) among the tokens
    # capitalised word -> whether it can be part of a name (see _is_name_word)
    name_words: dict = field(default_factory=dict, compare=False, repr=False)


def _sequences(items) -> dict:
    out: dict = {}
    for item in items:
        words = tuple(item.split())
        out.setdefault(words[0], set()).add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _last_word_sequences(items) -> dict:
    out: dict = {}
    for item in items:
        words = tuple(item.split())
        out.setdefault(words[-1], set()).add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _case_initial(text: str) -> str:
    """Regex for ``text`` with its first letter in either case, spaces as runs of white space."""
    head, rest = text[0], re.escape(text[1:]).replace(r"\ ", r"\s+")
    return (f"[{head.upper()}{head.lower()}]" if head.isalpha() else re.escape(head)) + rest


def _phrase(phrase: str, label: str) -> tuple[str, re.Pattern]:
    if phrase.count("{speaker}") != 1:
        raise LexiconError(f"{label}: 'speaker_phrases' item {phrase!r} needs exactly one {{speaker}} placeholder")
    head, tail = phrase.split("{speaker}")
    pieces = [w for w in (head[1:].strip(), tail.strip()) if w]
    if not pieces:
        raise LexiconError(f"{label}: 'speaker_phrases' item {phrase!r} has no words around {{speaker}}")
    anchor = max(pieces, key=len)
    pattern = ((_case_initial(head) if head.strip() else "") + f"(?P<speaker>{_NAME_BODY})"
               + re.escape(tail).replace(r"\ ", r"\s+"))
    return anchor, re.compile(pattern)


def _build_lexicon(source: lexicons.Source) -> _Lexicon:
    required = ("cues", "speaker_phrases", "titles", "nationalities", "institution_heads",
                "document_heads", "group_heads", "person_heads", "pronouns", "not_names", "prepositions",
                "passive")
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
    title_words = {w for item in lists["titles"] + lists["nationalities"] for w in item.split() if w[:1].isupper()}
    cues = _sequences(lists["cues"])
    person_heads = frozenset(w.lower() for w in lists["person_heads"])
    token_flags: dict[str, int] = {}
    for word in cues:
        token_flags[word] = token_flags.get(word, 0) | _CUE_WORD
    for word in person_heads:
        token_flags[word] = token_flags.get(word, 0) | _ROLE_NOUN
    return _Lexicon(
        cues=cues,
        phrases=tuple(_phrase(p, label) for p in lists["speaker_phrases"]),
        title_words=frozenset(title_words),
        heads=_last_word_sequences(lists["institution_heads"] + lists["document_heads"]),
        document_heads=frozenset(lists["document_heads"]),
        group_heads=frozenset(w.lower() for w in lists["group_heads"]),
        person_heads=person_heads,
        pronoun_kind={w.lower(): kind for kind, words in pronouns.items() for w in words},
        not_names=frozenset(lists["not_names"]),
        prepositions=frozenset(w.lower() for w in lists["prepositions"]),
        passive=frozenset(w.lower() for w in lists["passive"]),
        label=label,
        tokens=_Lookup(token_flags),
    )


_NAME_TOKEN = r"[A-Z][\w-]*(?:\.[A-Z]\.?)*(?:'[A-Z]\w*)?"
_NAME_BODY = rf"{_NAME_TOKEN}(?: {_NAME_TOKEN}){{0,{NAME_MAX_WORDS - 1}}}"


@lru_cache(maxsize=1)
def _packaged_lexicon() -> _Lexicon:
    return _build_lexicon(None)


@lru_cache(maxsize=8)
def _lexicon_file(path: str, mtime_ns: int) -> _Lexicon:
    del mtime_ns  # part of the cache key: an edited file is compiled again
    return _build_lexicon(path)


def reporting_lexicon(source: lexicons.Source = None) -> _Lexicon:
    """Load and compile the reporting-cue lexicon once per file.

    Args:
        source: ``None`` for the packaged ``lexicons/reporting.yml``, a path to
            a YAML file with the same keys, or a mapping (compiled each call).

    Returns:
        The compiled lexicon used by :func:`quotations`.

    Raises:
        LexiconError: a missing file, a missing key or a malformed list.

    Example:
        >>> "said" in reporting_lexicon().cues
        True
    """
    if source is None:
        return _packaged_lexicon()
    if isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        if path.is_file():
            return _lexicon_file(str(path.resolve()), path.stat().st_mtime_ns)
    return _build_lexicon(source)


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


def _role(norm: str, body: str, i: int, j: int, lo: int, hi: int) -> str:
    """'open', 'close', 'apostrophe', 'maybe_close' or 'toggle' for the mark at ``i:j``."""
    prev = norm[i - 1] if i > lo else "\n"
    nxt = norm[j] if j < hi else "\n"
    glyph = body[i:j]
    if glyph == "``":
        return "open"
    double = j - i == 2 or norm[i] == '"'
    other = "'" if double else '"'
    open_ctx = (prev in _OPENERS_BEFORE or prev == other) and not nxt.isspace()
    close_ctx = not prev.isspace() and (nxt in _CLOSERS_AFTER or nxt == other or nxt == "\n")
    if not double:
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


# Double marks (also typed as two apostrophes or two backticks), and single
# marks not standing between two word characters (apostrophes: Russia's, don't).
_MARK = re.compile(r"``|''|\"|'(?!(?<=\w')\w)")
#: The characters the marks of :data:`_MARK` are made of.
_MARK_CHARS = "\"'`"


def _mark_chars(norm: str) -> list[int]:
    """Offsets of every character of :data:`_MARK_CHARS` in ``norm``, in order.

    Found with ``str.find``, which runs through text about three times faster
    than a regular expression: most characters of a body are no mark.
    """
    found = []
    for c in _MARK_CHARS:
        i = norm.find(c)
        while i >= 0:
            found.append(i)
            i = norm.find(c, i + 1)
    found.sort()
    return found


def _is_word_char(c: str) -> bool:
    """``\\w`` of :mod:`re` for one character of a str."""
    return c.isalnum() or c == "_"


def _marks(norm: str, chars: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    """(start, end) of every mark in ``norm[lo:hi]``: the matches of ``_MARK.finditer(norm, lo, hi)``.

    ``chars`` are the offsets of :func:`_mark_chars`. As in the pattern, a
    match may not reach past ``hi`` but an apostrophe's letter before it may
    lie before ``lo``; matches do not overlap.
    """
    out = []
    after = lo  # where the next match may start
    for k in range(bisect_left(chars, lo), len(chars)):
        i = chars[k]
        if i >= hi:
            break
        if i < after:  # the second character of a double mark
            continue
        c = norm[i]
        if c != '"' and i + 1 < hi and norm[i + 1] == c:  # `` or ''
            j = i + 2
        elif c == "`":
            continue
        elif c == "'" and i + 1 < hi and i > 0 and _is_word_char(norm[i + 1]) and _is_word_char(norm[i - 1]):
            continue  # an apostrophe
        else:
            j = i + 1
        out.append((i, j))
        after = j
    return out


_LATER_SINGLE_CLOSE = re.compile(r"(?<=\S)'(?=[\s.,;:!?)\]\u2014\u2026]|$)")


def _possessive_inside(norm: str, j: int, end: int) -> bool:
    """True for a plural possessive inside a single quotation: ‘the peoples’ choice’.

    The mark ending at ``j`` is followed by a lower-case word, and a later
    single mark in the paragraph can close the quotation instead.
    """
    return (norm[j:j + 1] == " " and norm[j + 1:j + 2].islower()
            and _LATER_SINGLE_CLOSE.search(norm, j + 1, end) is not None)


def _mark_end(norm: str, i: int) -> int:
    return i + 2 if norm.startswith(("''", "``"), i) else i + 1


def _is_open(stack: list[tuple[int, str, int | None]], family: str) -> bool:
    """True when a quotation of the family is open (most often the innermost one, checked first)."""
    return bool(stack) and (stack[-1][1] == family or any(f == family for _, f, _ in stack))


def _scan(doc: Document) -> tuple[list[_Quote], list[tuple[int, int, str, int, str]]]:
    """Pair the quotation marks of every paragraph; return quotations and unmatched marks."""
    norm, body = doc.normalised, doc.body
    paras = doc.text_paragraphs
    chars = _mark_chars(norm)
    quotes: list[_Quote] = []
    bad: list[tuple[int, int, str, int, str]] = []
    carry: _Quote | None = None
    for k, para in enumerate(paras):
        stack: list[tuple[int, str, int | None]] = []  # (offset, family, carried quote index)
        reopen = carry is not None
        lo, hi, index = para.start, para.end, para.index
        for i, j in _marks(norm, chars, lo, hi):
            role = _role(norm, body, i, j, lo, hi)
            if role == "apostrophe":
                continue
            family = "double" if j - i == 2 or norm[i] == '"' else "single"
            if role == "toggle":
                role = "close" if _is_open(stack, family) else "open"
            elif role == "maybe_close" and _possessive_inside(norm, j, hi):
                continue
            if reopen:
                reopen = False
                if role == "open" and family == carry.family and i == lo:
                    stack.append((carry.start, family, len(quotes)))
                    quotes.append(carry)
                    carry = None
                    continue
            if role == "open":
                stack.append((i, family, None))
                continue
            if not _is_open(stack, family):
                if role == "close" and family == "double":
                    bad.append((i, j, "closing", index, "closing mark with no opening mark"))
                continue
            while stack[-1][1] != family:
                o, f, _ = stack.pop()
                bad.append((o, _mark_end(norm, o), "opening", index, "opening mark closed by an outer quotation"))
            start, _, carried = stack.pop()
            if carried is not None:
                q = quotes[carried]
                q.end, q.para_end = j, index
            else:
                quotes.append(_Quote(start, j, family, len(stack), None, index, index))
        if carry is not None:  # the next paragraph did not reopen the carried quotation
            carry.unclosed = True
            quotes.append(carry)
            bad.append((carry.start, _mark_end(norm, carry.start), "opening", carry.para_start,
                        "quotation not closed; taken to run to the end of the paragraph"))
            carry = None
        if not stack:
            continue
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        outer = next((s for s in stack if s[1] == "double"), None)
        continues = (outer is not None and nxt is not None and nxt.section == para.section
                     and norm.startswith(('"', "''", "``"), nxt.start))
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
                bad.append((q.start, _mark_end(norm, q.start), "opening", q.para_start,
                            "quotation not closed; taken to run to the end of the paragraph"))
            elif f == "double" and (o, f, carried) == outer:
                quotes.append(_Quote(o, para.end, f, 0, None, para.index, para.index, unclosed=True))
                bad.append((o, _mark_end(norm, o), "opening", para.index,
                            "quotation not closed; taken to run to the end of its paragraph"))
            else:
                bad.append((o, _mark_end(norm, o), "opening", para.index, "opening mark with no closing mark"))
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
    parts, pos = [], 0
    for s, e in spans:
        parts.append(norm[pos:s])
        parts.append("\x00" * (e - s))
        pos = e
    parts.append(norm[pos:])
    return "".join(parts)


_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = ",;:!?()[]\"'\x00"
# A capitalised word with a lower-case letter ("Lavrov", "McCain", "O'Brien"),
# not a contraction or possessive ("I'm", "Putin's"), or an initial ("K.").
_NAME_WORD = re.compile(r"^(?:(?=[^']*[a-z])[A-Z][\w-]*(?:'[A-Z][\w-]*)?|[A-Z]\.)$")


def _subject(lex: _Lexicon, window: str, offset: int):
    """(speaker text, kind, start offset) of the subject at the end of ``window``, or None.

    The window is the text between the start of the clause (sentence start or
    the end of a quotation) and the cue. Walking back from the cue over at most
    :data:`SPEAKER_MAX_GAP` lower-case words, the first pronoun, institution or
    document, group or name found is the subject; a passive auxiliary in the
    gap means there is none.
    """
    toks = window.split()
    if not toks:
        return None
    words = [t.strip(_EDGE_PUNCT) for t in toks]
    n = len(toks)
    found = None
    for gap in range(min(SPEAKER_MAX_GAP, n - 1) + 1):
        end = n - 1 - gap
        if gap and not (toks[end + 1].isalpha() and toks[end + 1].islower()):
            break
        if gap and toks[end + 1] in lex.passive:
            return None
        found = _subject_at(lex, toks, words, end)
        if found:
            break
    if not found and toks[-1].endswith(","):
        found = _appositive_subject(lex, toks)
    if not found:
        return None
    text, kind, k = found
    return text, kind, offset + _token_start(window, toks, k)


def _token_start(text: str, toks: list[str], k: int) -> int:
    """Offset in ``text`` of ``toks[k]``, where ``toks`` is ``text.split()``.

    Found from the end: a token holds no white space, so the last occurrence
    of a token before the start of the next one is the token itself.
    """
    at = len(text)
    for m in range(len(toks) - 1, k - 1, -1):
        at = text.rindex(toks[m], 0, at)
    return at


def _subject_at(lex: _Lexicon, toks, words, end: int):
    """A subject ending at token ``end``: (text, kind, index of its first token) or None.

    ``toks`` are the white-space separated tokens before the cue, ``words``
    the same without edge punctuation.
    """
    raw = toks[end]
    if raw.endswith((",", ";", ":", ")", "\x00")):  # punctuation between subject and verb
        return None
    word = words[end]
    lower = word.lower()
    if lower in lex.pronoun_kind and raw == word:
        return word, "pronoun", end
    if word in lex.heads or (len(word) == 4 and word.isdecimal()):  # what _institution_at starts from
        found = _institution_at(lex, toks, words, end)
        if found:
            return found
    if word in lex.person_heads:
        found = _role_at(lex, toks, end)
        if found:
            return found
    if lower in lex.group_heads and word.islower():
        k = end
        while k > 0 and end - k < 2 and toks[k - 1].isalpha() and toks[k - 1].islower() \
                and toks[k - 1] not in _DETERMINERS and toks[k - 1] not in lex.prepositions:
            k -= 1
        return " ".join(toks[k:end + 1]), "group", k
    return _name_at(lex, toks, end)


def _role_at(lex: _Lexicon, toks, end: int):
    """A role noun with its article and modifiers: "a senior official", "the Cambodian delegate"."""
    k = end
    while k > 0 and end - k < ROLE_MAX_MODIFIERS and toks[k - 1].lower() not in _DETERMINERS \
            and toks[k - 1].isalpha() and toks[k - 1].lower() not in lex.prepositions:
        k -= 1
    if k == 0 or toks[k - 1].lower() not in _DETERMINERS or _governed(lex, toks, k - 1):
        return None
    return " ".join(toks[k:end + 1]), "person", k - 1


#: Capitalised words whose :func:`_is_name_word` answer a lexicon remembers
#: before it starts afresh: the million-word benchmark corpus has about 12,000
#: distinct capitalised tokens, and 65,536 short words take about 6 MB.
_NAME_WORD_CACHE = 1 << 16


def _is_name_word(lex: _Lexicon, word: str) -> bool:
    if not "A" <= word[:1] <= "Z":
        return False
    known = lex.name_words.get(word)
    if known is None:  # names and sentence-initial words recur: the answer is kept
        if len(lex.name_words) >= _NAME_WORD_CACHE:
            lex.name_words.clear()
        known = lex.name_words[word] = (bool(_NAME_WORD.match(word)) and not word.endswith("'s")
                                        and word not in lex.not_names and word not in lex.title_words)
    return known


def _name_at(lex: _Lexicon, toks, end: int, *, strip_comma: bool = False):
    word = toks[end].rstrip(",") if strip_comma else toks[end]
    if not _is_name_word(lex, word):
        return None
    k = end
    while k > 0 and end - k < NAME_MAX_WORDS - 1 and _is_name_word(lex, toks[k - 1]):
        k -= 1
    if _governed(lex, toks, k):
        if k >= 2 and toks[k - 1] == "of" and _is_name_word(lex, toks[k - 2]):
            return _name_at(lex, toks, k - 2)  # "Senator Susan Collins of Maine"
        return None
    return " ".join(toks[k:end] + [word]), "person", k


def _subject_after(lex: _Lexicon, masked: str, end: int):
    """The subject of an inverted reporting clause, right after its cue.

    "“…,” said Jay Carney, the White House press secretary", "“…,” wrote
    Mother Jones's Tim Murphy", "“…,” said a senior official", "“…,” said
    the Kremlin": titles and possessors before the name are skipped.
    """
    text = masked[end:end + SUBJECT_WINDOW_CHARS]
    stop = min((i for i in (text.find("\x00"), text.find(". ")) if i >= 0), default=len(text))
    found_toks = list(_TOKEN.finditer(text[:stop]))
    if not found_toks:
        return None
    offsets, toks = [m.start() for m in found_toks], [m.group() for m in found_toks]
    if toks[-1].endswith("."):
        toks[-1] = toks[-1][:-1]
    words = [t.strip(_EDGE_PUNCT) for t in toks]
    if words[0].lower() in _DETERMINERS:
        for e in range(1, min(len(toks), ROLE_MAX_MODIFIERS + 2)):
            role = _role_at(lex, toks, e) if words[e] in lex.person_heads else None
            found = role or _institution_at(lex, toks, words, e)
            if found and found[2] <= 1:
                return found[0], found[1], end + offsets[found[2]]
        return None
    k = 0
    while True:
        while k < len(toks) and words[k] in lex.title_words:
            k += 1
        first = k
        while k < len(toks) and k - first < NAME_MAX_WORDS and _is_name_word(lex, words[k]):
            k += 1
            if toks[k - 1] != words[k - 1]:  # punctuation ends the name
                break
        if k < len(toks) and words[k].endswith("'s") and words[k][:1].isupper() and toks[k] == words[k]:
            k += 1  # a possessor ("Mother Jones's Tim Murphy"): the name follows
            continue
        break
    if k == first:
        return None
    return " ".join(words[first:k]), "person", end + offsets[first]


def _institution_at(lex: _Lexicon, toks, words, end: int):
    e = end
    # a year: "... document of December 2017", "... dated December 2017"
    if len(words[e]) == 4 and words[e].isdecimal() and e >= 2:
        j = e - 1
        if words[j][:1].isupper() and j >= 1:
            j -= 1
        if words[j] in ("of", "dated", "from") and j >= 1:
            e = j - 1
    for head in lex.heads.get(words[e], ()):
        h0 = e - len(head) + 1
        if h0 < 0 or tuple(words[h0:e + 1]) != head:
            continue
        if any(toks[i] != words[i] for i in range(h0, e)):
            continue
        k = h0
        while k > 0 and h0 - k < 6 and toks[k - 1] == words[k - 1] and words[k - 1][:1].isupper() \
                and words[k - 1] not in lex.not_names:
            k -= 1
        if k == h0 and not head[0][:1].isupper():
            continue
        if _governed(lex, toks, k):
            return None
        text = " ".join(words[k:e + 1])
        if head[-1] in ("document",) and k < h0:
            text = " ".join(words[k:e])
        kind = "document" if " ".join(head) in lex.document_heads else "institution"
        return text, kind, k
    return None


def _governed(lex: _Lexicon, toks, start: int) -> bool:
    """True when the phrase at token ``start`` follows a preposition ("in the People's Daily")."""
    k = start - 1
    while k >= 0 and (toks[k].lower() in _DETERMINERS or (toks[k][:1].isupper() and toks[k].endswith("'s"))):
        k -= 1
    return k >= 0 and toks[k].lower() in lex.prepositions


def _appositive_subject(lex: _Lexicon, toks):
    """The name before one or two appositives: "Sergei Boyev, director general of Vympel, confirmed".

    Returns (text, kind, index of its first token) or None.
    """
    commas = [i for i, t in enumerate(toks) if t.endswith(",")]
    for k in range(2, min(MAX_APPOSITIVES, len(commas)) + 2):
        if k > len(commas):
            return None
        i = commas[-k]
        first = toks[i + 1] if i + 1 < len(toks) else ""
        if not first or not (first[0].islower() or first.endswith("'s") or first in lex.title_words):
            return None
        found = _name_at(lex, toks, i, strip_comma=True)
        if found:
            return found
    return None


#: A name of letters and single spaces, whose tokens are its words.
_PLAIN_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


@lru_cache(maxsize=4096)
def _form_tokens(name: str) -> tuple[str, ...]:
    """The tokens of a name, as :func:`analysis.tokenise.tokenize_text` makes them."""
    if _PLAIN_NAME.fullmatch(name):
        return tuple(name.split(" "))
    return tuple(tokenise.tokenize_text(name))


@lru_cache(maxsize=4096)
def _mention_forms(speaker: str, name: str, person: bool) -> tuple[tuple[str, ...], ...]:
    """The token sequences that mention a speaker (cached: speakers recur across documents).

    The name as cued, its fuller form and, for a person, the first and last
    words of that form.
    """
    variants = {speaker, name}
    if person:
        variants |= {name.split(" ")[0], name.split(" ")[-1]}
    return tuple(_form_tokens(v) for v in variants)


def _cue_matches(toks: _Tokens, lex: _Lexicon, hits: list[int]):
    """(start, end) of every cue word sequence starting at a token of ``hits`` (cue words outside quotations)."""
    body, starts, ends = toks.body, toks.start, toks.end
    out = []
    for i in hits:
        start = starts[i]
        for seq in lex.cues[body[start:ends[i]]]:
            n = len(seq)
            if i + n <= len(starts) and (n == 1 or toks.follows(i + 1, seq[1:])):
                if i > 0 and ends[i - 1] == start and body[starts[i - 1]:start] == "-":
                    break
                out.append((start, ends[i + n - 1]))
                break
    return out


def _phrase_matches(lex: _Lexicon, masked: str):
    out = []
    for anchor, pattern in lex.phrases:
        pos = masked.find(anchor)
        while pos >= 0:
            lo = max(0, pos - SUBJECT_WINDOW_CHARS)
            for m in pattern.finditer(masked, lo, pos + len(anchor) + SUBJECT_WINDOW_CHARS):
                if m.start() <= pos < m.end() and (m.start() == 0 or not (masked[m.start() - 1].isalnum())):
                    out.append((m.start(), m.end(), m.group("speaker"), m.start("speaker")))
            pos = masked.find(anchor, pos + 1)
    return sorted(set(out))


def _cues(body: str, lex: _Lexicon, masked: str, matches, starts: list[int]) -> list[_Cue]:
    """Every reporting cue outside quotations, with the subject found for it.

    ``matches`` are the cue word sequences of :func:`_cue_matches`, ``starts``
    the sentence starts.
    """
    phrases = [_Cue(s, e, body[s:e], name, "person", at) for s, e, name, at in _phrase_matches(lex, masked)]
    verbs: list[_Cue] = []
    for start, end in matches:
        k = bisect_right(starts, start) - 1
        sent_start = starts[k] if k >= 0 else 0
        lo = max(sent_start, start - SUBJECT_WINDOW_CHARS)
        lo = max(lo, masked.rfind("\x00", lo, start) + 1)
        window = masked[lo:start]
        found = _subject(lex, window, lo)
        if found is None and lo > 0 and masked[lo - 1] == "\x00" and not window.strip(" \t\n,"):
            found = _subject_after(lex, masked, end)  # inverted: "“…,” said Jay Carney"
        if found is None:
            prev = verbs[-1] if verbs else None
            if prev and prev.speaker and prev.start >= sent_start and not window.strip(" \t\n,").replace("and", "", 1).strip():
                found = (prev.speaker, prev.kind, prev.subject_start)
            else:
                found = (None, None, start)
        verbs.append(_Cue(start, end, body[start:end], *found))
    return sorted(phrases + verbs, key=lambda c: c.start)


def _actors_module():
    try:
        from analysis import actors
    except ImportError:
        return None
    return actors if hasattr(actors, "resolve") else None


@lru_cache(maxsize=4096)
def _resolve(name: str | None) -> str | None:
    """The gazetteer id of a speaker's name (the packaged gazetteer is loaded once per process)."""
    actors = _actors_module()
    if actors is None or not name:
        return None
    try:
        return actors.resolve(name)
    except Exception:  # a gazetteer in the making must not break quotation finding
        return None


@lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    return _SLUG.sub("_", name.lower()).strip("_")


def _canonical_names(lex: _Lexicon, cues: list[_Cue], toks: _Tokens) -> dict[str, str]:
    """Map each one-word person name to the fuller form of it used in the text.

    A surname alone ("Lavrov") becomes the one longer speaker name that begins
    or ends with it ("Sergey Lavrov"); failing that, the most frequent
    two-word name around it outside quotations ("Xi Jinping").
    """
    persons = {c.speaker for c in cues if c.kind == "person" and c.speaker}
    short = sorted(p for p in persons if " " not in p)
    if not short:
        return {}
    fuller: dict[str, list[str]] = {}  # first or last word -> the longer names with it
    for p in persons:
        if " " in p:
            words = p.split(" ")
            for w in {words[0], words[-1]}:
                fuller.setdefault(w, []).append(p)
    out = {}
    for name in short:
        known = fuller.get(name, ())
        if len(known) == 1:
            out[name] = known[0]
    rest = {name for name in short if name not in out}
    if not rest:
        return out
    counts: dict[str, Counter] = {}  # name -> two-word form -> count
    body, starts, ends, key = toks.body, toks.start, toks.end, toks.key
    n = len(starts)
    for i, text_i in toks.find(rest):
        for j in (i - 1, i + 1):
            if 0 <= j < n and key[j] != _INSIDE:  # a neighbour outside quotations
                text_j = body[starts[j]:ends[j]]
                if _is_name_word(lex, text_j):
                    form = f"{text_j} {text_i}" if j < i else f"{text_i} {text_j}"
                    counts.setdefault(text_i, Counter())[form] += 1
    for name, forms in counts.items():  # the most frequent form, the greatest on a tie
        out[name] = max((c, form) for form, c in forms.items())[1]
    return out


def _mentions(cues: list[_Cue], canon: dict, toks: _Tokens, role_nouns: list[int],
              kinds: dict, lex: _Lexicon, until: int) -> tuple[list[int], list[str]]:
    """Offsets and names of every mention, outside quotations, of a known speaker or a role.

    A role is a role noun after an article ("The Cambodian delegate put the
    problem plainly."): a person that a later "she said" can refer to. Roles
    are added to ``kinds`` as persons. ``role_nouns`` are the tokens that are
    role nouns, outside quotations. Mentions are only ever looked up before
    a pronoun, so those starting at or after offset ``until`` (the last
    pronoun) may be left out: only the tokens that can end a mention starting
    before it are searched.
    """
    forms: dict[tuple, str] = {}
    for speaker, kind in dict.fromkeys((c.speaker, c.kind) for c in cues):
        if not speaker or kind in ("pronoun", "group"):
            continue
        name = canon.get(speaker, speaker) if kind == "person" else speaker
        for seq in _mention_forms(speaker, name, kind == "person"):
            forms.setdefault(seq, name)
    by_last: dict = {}
    for seq, name in forms.items():
        if seq:
            by_last.setdefault(seq[-1], []).append((seq, name))
    for v in by_last.values():
        v.sort(key=lambda item: len(item[0]), reverse=True)
    starts = toks.start
    before = bisect_left(starts, until)  # tokens starting before the last pronoun
    longest = max((len(seq) for seq in forms), default=1)
    found = []
    for i, text in toks.find(by_last, before + longest - 1):
        for seq, name in by_last[text]:
            k = i - len(seq) + 1
            if k >= 0 and (len(seq) == 1 or toks.follows(k, seq[:-1])):
                found.append((starts[k], name))
                break
    for i in role_nouns:
        if i >= before + ROLE_MAX_MODIFIERS + 1:  # its article, the start of the mention, is too late
            break
        lo = max(0, i - ROLE_MAX_MODIFIERS - 1)
        window = toks.texts(lo, i + 1)
        role = _role_at(lex, window, len(window) - 1)
        if role:
            kinds.setdefault(role[0], "person")
            found.append((starts[lo + role[2]], role[0]))
    found.sort()
    return [p for p, _ in found], [n for _, n in found]


@dataclass
class _Context:
    """What the attribution of one document's quotations looks things up in."""

    norm: str
    resolved: list  # (cue, speaker name or None, speaker kind or None), by cue start
    cue_pos: list[int]
    events: list  # (offset, speaker, kind) of every cue with a speaker
    event_pos: list[int]
    s_starts: list[int]
    s_ends: list[int]
    paras: dict
    text_index: list[int]
    rank: dict


def _context(doc: Document, lex: _Lexicon, quotes: list[_Quote]) -> _Context:
    norm, body = doc.normalised, doc.body
    top = [q for q in quotes if q.depth == 0]
    masked = _mask(norm, [(q.start, q.end) for q in top])
    toks = _Tokens(doc, tokenise.token_arrays(doc), top)
    hits = lex.tokens(toks)
    spans = tokenise.sentence_spans(doc)
    s_starts, s_ends = spans[:, 0].tolist(), spans[:, 1].tolist()
    matches = _cue_matches(toks, lex, [i for i, flags in hits if flags & _CUE_WORD])
    cues = _cues(body, lex, masked, matches, s_starts)
    canon = _canonical_names(lex, cues, toks)
    kinds = _speaker_kinds(cues, canon)
    role_nouns = [i for i, flags in hits if flags & _ROLE_NOUN]
    pronouns = [c.subject_start for c in cues if c.kind == "pronoun" and c.speaker]
    if pronouns:
        mention_pos, mention_name = _mentions(cues, canon, toks, role_nouns, kinds, lex, max(pronouns))
    else:  # no pronoun to resolve
        mention_pos, mention_name = [], []
    para_of = _paragraph_index(doc)

    def speaker_of(c: _Cue) -> tuple[str | None, str | None]:
        if c.speaker is None:
            return None, None
        if c.kind == "pronoun":
            kind = lex.pronoun_kind.get(c.speaker.lower())
            return _antecedent(c.subject_start, kind, mention_pos, mention_name, kinds, para_of)
        return (canon.get(c.speaker, c.speaker) if c.kind == "person" else c.speaker), c.kind

    resolved = [(c, *speaker_of(c)) for c in cues]
    events = [(c.start, name, kind) for c, name, kind in resolved if name]
    text_index = [p.index for p in doc.text_paragraphs]
    return _Context(
        norm=norm, resolved=resolved, cue_pos=[c.start for c, _, _ in resolved], events=events,
        event_pos=[e[0] for e in events], s_starts=s_starts, s_ends=s_ends,
        paras={p.index: p for p in doc.text_paragraphs}, text_index=text_index,
        rank={index: k for k, index in enumerate(text_index)},
    )


def _classify(q: _Quote, n_words: int, ctx: _Context) -> tuple[str, str | None, str | None, str | None]:
    """(kind, speaker, speaker kind, cue) of an outermost quotation (rules: module docstring)."""
    if _is_block(ctx.norm, q, ctx.paras):
        k = ctx.rank[q.para_start]
        if k == 0:
            return "block", None, None, None
        intro = ctx.paras[ctx.text_index[k - 1]]
        last_sentence = max(intro.start, _sentence_start(ctx.s_starts, q.start - 1, intro))
        hit = _last_cue(ctx.resolved, ctx.cue_pos, last_sentence, intro.end)
        if hit:
            return "block", hit[1], hit[2], hit[0].cue
        return ("block", *_recent(ctx.events, ctx.event_pos, intro.start, q.start), None)
    lo = ctx.s_starts[max(bisect_right(ctx.s_starts, q.start) - 1, 0)]
    hi = max(ctx.s_ends[max(bisect_right(ctx.s_starts, q.end - 1) - 1, 0)], q.end)
    hit = _last_cue(ctx.resolved, ctx.cue_pos, lo, q.start) or _first_cue(ctx.resolved, ctx.cue_pos, q.end, hi)
    if hit:
        return "inline", hit[1], hit[2], hit[0].cue
    clause = _reporting_clause(ctx.norm, q, ctx.resolved, ctx.cue_pos, lo, hi)
    if clause:
        return "inline", None, None, clause.cue
    if n_words <= SCARE_MAX_WORDS:
        return "scare", None, None, None
    any_cue = _first_cue(ctx.resolved, ctx.cue_pos, lo, hi, any_speaker=True)
    if any_cue:
        return "inline", None, None, any_cue[0].cue
    if _reads_as_speech(ctx.norm, q, lo):
        prev = ctx.paras[ctx.text_index[max(ctx.rank[q.para_start] - 1, 0)]]
        return ("inline", *_recent(ctx.events, ctx.event_pos, prev.start, q.start), None)
    return "scare", None, None, None


def _attribute(doc: Document, lex: _Lexicon) -> tuple[tables.Table, list[tuple]]:
    """The quotations of a document (a Table) and its unmatched marks (rows of :func:`_unmatched_table`).

    The unmatched marks stay tuples, and the voice spans are made from the
    table when asked for (:func:`_intervals`): a batch run of
    :func:`quotations` needs neither.
    """
    norm = doc.normalised
    if _MARK.search(norm) is None:  # no mark but apostrophes between letters
        return tables.Table.empty(QUOTATION_DTYPES), []
    quotes, bad = _scan(doc)
    ctx = _context(doc, lex, quotes)
    t = tokenise.token_arrays(doc)
    bounds = np.array([q.start for q in quotes] + [q.end for q in quotes], dtype="int64")
    starts, ends = bounds[:len(quotes)], bounds[len(quotes):]
    at = np.searchsorted(t.start[t.is_word], bounds)  # words before each start and each end
    n_words = at[len(quotes):] - at[:len(quotes)]
    body = doc.body
    rows = []  # (speaker, speaker_actor, kind, cue, voice, speaker_type) of each quotation
    for q, n in zip(quotes, n_words.tolist()):
        if q.depth > 0:  # in its parent's voice (a parent comes before what it contains)
            speaker, _, _, _, voice, kind = rows[q.parent]
            qkind, cue = "nested", None
        else:
            qkind, speaker, kind, cue = _classify(q, n, ctx)
        actor = _resolve(speaker) if speaker and kind != "group" else None
        if q.depth == 0:
            voice = AUTHOR if qkind == "scare" else actor or (_slug(speaker) if speaker else "") or UNATTRIBUTED
        rows.append((speaker, actor, qkind, cue, voice, kind))
    columns = {
        "quote_id": np.arange(len(quotes), dtype="int64"), "start": starts, "end": ends,
        "text": [body[q.start:q.end] for q in quotes],
        **dict(zip(QUOTATION_COLUMNS[4:10], map(list, zip(*rows)))),  # speaker ... speaker_type
        "depth": np.array([q.depth for q in quotes], dtype="int64"),
        # NaN for no parent: a float array is joined and made Int64 faster than a list holding None
        "parent": np.array([q.parent for q in quotes], dtype="float64"),
        "paragraph": np.array([q.para_start for q in quotes], dtype="int64"),
        "n_words": n_words.astype("int64", copy=False),
    }
    table = tables.Table(columns, QUOTATION_DTYPES) if quotes else tables.Table.empty(QUOTATION_DTYPES)
    return table, bad


def _voice_spans(table: tables.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    """Outermost non-author quotations: starts, ends, voice codes, voice labels and speaker names.

    ``table`` is the quotation table. Code 0 is always ``"author"``; the other
    labels follow in order of first appearance.
    """
    if not len(table):
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty, [AUTHOR], [AUTHOR]
    columns = table.columns
    voice, speaker = columns["voice"], columns["speaker"]
    top = [k for k, (d, v) in enumerate(zip(columns["depth"].tolist(), voice)) if d == 0 and v != AUTHOR]
    labels = [AUTHOR] + list(dict.fromkeys(voice[k] for k in top))
    code = {v: k for k, v in enumerate(labels)}
    names = {AUTHOR: AUTHOR}
    for k in top:
        if speaker[k] and voice[k] not in names:
            names[voice[k]] = speaker[k]
    rows = np.array(top, dtype="int64")
    return (columns["start"][rows], columns["end"][rows], np.array([code[voice[k]] for k in top], dtype="int64"),
            labels, [names.get(v, v) for v in labels])


def _unmatched_table(doc: Document, bad: list[tuple]) -> tables.Table:
    """The table of :func:`unmatched` from (start, end, role, paragraph, note) of each mark."""
    if not bad:
        return tables.Table.empty(UNMATCHED_DTYPES)
    bad = sorted(bad)
    return tables.Table({
        "start": np.array([o for o, _, _, _, _ in bad], dtype="int64"),
        "end": np.array([e for _, e, _, _, _ in bad], dtype="int64"),
        "mark": [doc.body[o:e] for o, e, _, _, _ in bad],
        "role": [r for _, _, r, _, _ in bad],
        "paragraph": np.array([p for _, _, _, p, _ in bad], dtype="int64"),
        "note": [n for _, _, _, _, n in bad],
    }, UNMATCHED_DTYPES)


def _is_block(norm: str, q: _Quote, paras: dict) -> bool:
    first, last = paras[q.para_start], paras[q.para_end]
    return q.start == first.start and not norm[q.end:last.end].strip(" .,;:\u2026\n")


def _reporting_clause(norm: str, q: _Quote, resolved, cue_pos, lo: int, hi: int):
    """A cue framing the quotation as direct speech even without a subject, or None.

    Either the cue ends right before it, followed only by a comma or colon
    ("I'm told: “...”"), or the quotation ends with a comma, question or
    exclamation mark inside its marks and a cue follows within
    :data:`REPORTING_CLAUSE_CHARS` characters ("“We will,” I'm told."): the
    reporting clauses of Quirk et al. (1985, 14.29).
    """
    before = _last_any_cue(resolved, cue_pos, lo, q.start)
    if before is not None and norm[before.end:q.start].strip() in ("", ",", ":"):
        return before
    inner = norm[q.start:q.end].strip("'\"` ")
    if inner and inner[-1] in ",?!":
        after = _first_cue(resolved, cue_pos, q.end, min(hi, q.end + REPORTING_CLAUSE_CHARS), any_speaker=True)
        if after is not None:
            return after[0]
    return None


def _last_any_cue(resolved, cue_pos, lo: int, hi: int):
    k = bisect_right(cue_pos, hi) - 1
    while k >= 0 and resolved[k][0].start >= lo:
        if resolved[k][0].end <= hi:
            return resolved[k][0]
        k -= 1
    return None


def _reads_as_speech(norm: str, q: _Quote, sent_start: int) -> bool:
    inner = norm[q.start:q.end].strip("'\"` ")
    return q.start == sent_start or q.unclosed or (bool(inner) and inner[-1] in _TERMINAL)


def _sentence_start(s_starts: list[int], offset: int, para) -> int:
    k = bisect_right(s_starts, offset) - 1
    return s_starts[k] if k >= 0 else para.start


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


@tables.tidy
def quotations(doc: Document, *, reporting: lexicons.Source = None) -> tables.Table:
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
    return _computed(doc, reporting)[0]


@tables.tidy
def unmatched(doc: Document, *, reporting: lexicons.Source = None) -> tables.Table:
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
    return _unmatched_table(doc, _computed(doc, reporting)[1])


def _intervals(doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    return doc.cached("voices.intervals", lambda: _voice_spans(_computed(doc, None)[0]))


def _codes(doc: Document, offsets: np.ndarray) -> np.ndarray:
    starts, ends, codes = _intervals(doc)[:3]
    out = np.zeros(offsets.size, dtype="int64")
    if starts.size and offsets.size:
        k = np.searchsorted(starts, offsets, side="right") - 1
        inside = (k >= 0) & (offsets < ends[np.clip(k, 0, None)])
        out[inside] = codes[k[inside]]
    return out


def _offsets(offsets, caller: str) -> np.ndarray:
    try:
        pos = np.asarray(offsets if isinstance(offsets, np.ndarray) else list(offsets), dtype="int64")
    except (TypeError, ValueError):
        raise InputError(f"{caller}: offsets must be integers (character offsets into doc.body)") from None
    if pos.ndim != 1:
        raise InputError(f"{caller}: offsets must be a flat sequence of integers")
    return pos


def voice_codes(doc: Document, offsets) -> tuple[np.ndarray, list[str]]:
    """The voice at each character offset of ``doc.body``, as codes into the document's voices.

    The array form of :func:`voice_at`, for callers that count or group by
    voice: ``labels[codes[i]]`` is ``voice_at(doc, offsets)[i]``. Code 0 is
    always ``"author"``; the other labels follow in order of first appearance.

    Args:
        doc: the document.
        offsets: character offsets into ``doc.body`` (an integer array, or any
            iterable of ints).

    Returns:
        ``(codes, labels)``: an int64 array with one code per offset, and the
        list of voice labels (a new list each call).

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('Putin said, \u201cWe help.\u201d')
        >>> codes, labels = voices.voice_codes(doc, [0, 14])
        >>> codes.tolist(), labels
        ([0, 1], ['author', 'putin'])
    """
    pos = _offsets(offsets, "voice_codes")
    return _codes(doc, pos), list(_intervals(doc)[3])


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
    pos = _offsets(offsets, "voice_at")
    labels = np.array(_intervals(doc)[3], dtype=object)
    return labels[_codes(doc, pos)].tolist()


def _word_codes(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """Voice codes of the word tokens and their sentence ids."""
    def build():
        t = tokenise.token_arrays(doc)
        return _codes(doc, t.start[t.is_word]), t.sentence_id[t.is_word]
    return doc.cached("voices.word_codes", build)


def token_voices(doc: Document) -> pd.DataFrame:
    """The token table of :func:`analysis.tokenise.words` with a ``voice`` column.

    Args:
        doc: the document.

    Returns:
        DataFrame with the columns of ``tokenise.words`` plus ``voice``
        (categorical; punctuation takes the voice of where it stands).

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('Xi said, \u201cWe agree.\u201d')
        >>> voices.token_voices(doc)["voice"].tolist()
        ['author', 'author', 'author', 'xi_jinping', 'xi_jinping', 'xi_jinping', 'xi_jinping', 'xi_jinping']
    """
    def build():
        w = tokenise.words(doc)
        labels = _intervals(doc)[3]
        w["voice"] = pd.Categorical.from_codes(_codes(doc, w["start"].to_numpy("int64")), categories=labels)
        return w
    return doc.cached("voices.tokens", build).copy(deep=False)


def sentence_voices(doc: Document) -> pd.DataFrame:
    """The sentence table of :func:`analysis.tokenise.sentences` with its voice.

    A sentence's voice is the voice of most of its words (the author's on a
    tie); ``share_quoted`` is the share of its words in another voice.

    Args:
        doc: the document.

    Returns:
        DataFrame with the columns of ``tokenise.sentences`` plus ``voice``
        (categorical) and ``share_quoted`` (0-1).

    Example:
        >>> from analysis import corpus, voices
        >>> doc = corpus.from_text('No quotation here. None at all.')
        >>> voices.sentence_voices(doc)["voice"].tolist()
        ['author', 'author']
    """
    def build():
        s = tokenise.sentences(doc)
        labels = _intervals(doc)[3]
        codes, sid = _word_codes(doc)
        n_sent, n_voice = len(s), len(labels)
        counts = np.bincount(sid * n_voice + codes, minlength=n_sent * n_voice).reshape(n_sent, n_voice)
        best = counts.argmax(axis=1)  # argmax keeps the first (author) on a tie
        best[counts[np.arange(n_sent), best] == counts[:, 0]] = 0
        n = counts.sum(axis=1)
        quoted = n - counts[:, 0]
        s["voice"] = pd.Categorical.from_codes(best, categories=labels)
        s["share_quoted"] = np.divide(quoted, n, out=np.zeros(n_sent), where=n > 0)
        return s
    return doc.cached("voices.sentences", build).copy(deep=False)


def shares(doc: Document) -> pd.DataFrame:
    """Words spoken in each voice and their share of the article.

    Args:
        doc: the document.

    Returns:
        DataFrame with ``voice``, ``speaker`` (display name; ``"author"`` for
        the author), ``n_words`` (word tokens, see ``tokenise.WORD_KINDS``),
        ``share`` (of all words, 0-1) and ``n_quotations`` (outermost
        quotations other than scare quotes), sorted by ``n_words``, largest
        first. Every voice is listed, the author's even at zero words.

    Example:
        >>> from analysis import corpus, voices
        >>> voices.shares(corpus.from_text('Nobody is quoted here.'))[["voice", "share"]].values.tolist()
        [['author', 1.0]]
    """
    _, _, quote_codes, labels, names = _intervals(doc)
    codes, _ = _word_codes(doc)
    n_words = np.bincount(codes, minlength=len(labels))
    total = int(n_words.sum())
    out = pd.DataFrame({
        "voice": np.array(labels, dtype=object),
        "speaker": np.array(names, dtype=object),
        "n_words": n_words.astype("int64"),
        "share": n_words / total if total else np.zeros(len(labels)),
        "n_quotations": np.bincount(quote_codes, minlength=len(labels)).astype("int64"),
    })
    order = np.lexsort((np.array(labels, dtype=str), -n_words))
    return out.iloc[order].reset_index(drop=True)


def positions(doc: Document) -> pd.DataFrame:
    """Runs of consecutive words in one voice, placed along the article.

    Positions are word ranks divided by the number of words, so 0 is the first
    word of the body and 1 the end; a run also ends at a section boundary.

    Args:
        doc: the document.

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
    cols = ["voice", "section", "position_start", "position_end", "n_words", "start", "end"]
    labels = _intervals(doc)[3]
    codes, sid = _word_codes(doc)
    total = codes.size
    if not total:
        return pd.DataFrame({c: [] for c in cols})
    section_labels = np.array(tokenise.sentence_arrays(doc).section, dtype=object)
    section_code = pd.factorize(section_labels)[0][sid]
    t = tokenise.token_arrays(doc)
    starts = t.start[t.is_word]
    ends = t.end[t.is_word]
    change = np.flatnonzero((np.diff(codes) != 0) | (np.diff(section_code) != 0)) + 1
    first = np.concatenate([[0], change])
    last = np.concatenate([change, [total]])
    return pd.DataFrame({
        "voice": np.array(labels, dtype=object)[codes[first]],
        "section": section_labels[sid[first]],
        "position_start": first / total,
        "position_end": last / total,
        "n_words": (last - first).astype("int64"),
        "start": starts[first],
        "end": ends[last - 1],
    })


def section_bounds(doc: Document) -> pd.DataFrame:
    """Where each section starts and ends along the article (0-1, by words).

    Args:
        doc: the document.

    Returns:
        DataFrame with ``section`` (label), ``position_start``, ``position_end``.

    Example:
        >>> from analysis import corpus, voices
        >>> voices.section_bounds(corpus.from_text('One text. No headings.')).values.tolist()
        [['(untitled)', 0.0, 1.0]]
    """
    runs = positions(doc)
    if runs.empty:
        return pd.DataFrame({"section": [], "position_start": [], "position_end": []})
    section = runs["section"].to_numpy(object)
    first = np.flatnonzero(np.concatenate([[True], section[1:] != section[:-1]]))
    last = np.concatenate([first[1:], [len(section)]]) - 1
    return pd.DataFrame({
        "section": section[first],
        "position_start": runs["position_start"].to_numpy()[first],
        "position_end": runs["position_end"].to_numpy()[last],
    })


#: Label of the pooled quoted voices in :func:`pool_quoted`.
QUOTED = "quoted"
#: Rates are per this many words (the suite's "per 1,000 words").
PER_WORDS = 1000


def pool_quoted(table: pd.DataFrame, *, by=(), count: str = "n", words: str = "words",
                rate: str = "per_1000") -> pd.DataFrame:
    """Pool every quoted voice of a rate table into one ``"quoted"`` voice.

    For tables with one row per voice (and per group in ``by``) holding a
    count and the number of words spoken in that voice, such as
    ``stance.density(doc, by=("voice", "category"))``: counts and words are
    summed over the quoted voices and the rate recomputed, so the quoted rate
    is per 1,000 quoted words. The author's rows are kept as they are.

    Args:
        table: the rate table, with a ``voice`` column.
        by: the other grouping columns (e.g. ``("category",)``).
        count, words, rate: names of the count, word and rate columns.

    Returns:
        DataFrame with ``voice`` (``"author"`` or ``"quoted"``), the ``by``
        columns, ``count``, ``words`` and ``rate`` (per 1,000 words; NaN when
        a voice has no words).

    Example:
        >>> t = pd.DataFrame({"voice": ["author", "lavrov", "xi_jinping"], "n": [4, 1, 2],
        ...                   "words": [2000, 500, 500]})
        >>> pool_quoted(t)[["voice", "n", "words", "per_1000"]].values.tolist()
        [['author', 4, 2000, 2.0], ['quoted', 3, 1000, 3.0]]
    """
    missing = [c for c in ("voice", count, words, *by) if c not in table.columns]
    if missing:
        raise InputError(f"pool_quoted: the table lacks column(s): {', '.join(missing)}")
    keys = ["voice", *by]
    pooled = table.assign(voice=np.where(table["voice"].astype(str) == AUTHOR, AUTHOR, QUOTED))
    out = pooled.groupby(keys, sort=False, observed=True)[[count, words]].sum().reset_index()
    total = out[words].to_numpy(dtype=float)
    out[rate] = np.divide(out[count].to_numpy(dtype=float) * PER_WORDS, total,
                          out=np.full(len(out), np.nan), where=total > 0)
    return out

