"""Stance and engagement markers in context, following Hyland's (2005) model.

Hyland, K. (2005). Stance and engagement: a model of interaction in academic
discourse. *Discourse Studies* 7(2), 173-192, describes how writers position
themselves (**stance**: hedges, boosters, attitude markers, self-mentions) and
their readers (**engagement**: reader pronouns, directives, questions, appeals
to shared knowledge, personal asides). The markers are listed as data in
``analysis/lexicons/stance.yml`` (adapted from the item lists in Hyland's
*Metadiscourse*, 2005, appendix, with items that opinion journalism needs
marked ``journalism:``); a user can pass a lexicon of the same shape.

Matching
    Each lexicon form is a sequence of word tokens (:func:`analysis.tokenise.words`,
    compared on the lower-cased ``norm`` column), so "in fact" never matches
    inside "infact" and "U.S." is never "us". Candidate positions are found
    vectorised (first token, or first two tokens for multi-word forms; tokens
    are looked up by a hash of their text, every hit then compared on its
    ``norm``), then each candidate is checked against the entry's context
    rules. A marker never crosses a sentence boundary. Forms may also be
    given as a regular expression (``pattern``) over the normalised body; a
    pattern match counts only when it starts and ends on token boundaries.

Precedence
    At one position, longer forms are tried first; among forms of the same
    length, the entry earlier in the file wins. When markers overlap, the one
    with more tokens is kept ("in actual fact", "to be sure", "it is an open
    secret", "one may call it", "we need to" take precedence over "fact",
    "sure", "may", "we"). A longer form rejected by its context rules leaves
    its parts free to match.

Context rules (all in the lexicon, each entry documents its own)
    - ``case_sensitive``: the form must appear as written (a capital is
      allowed on the first word of a sentence or of a quotation). "May" in mid-sentence is the
      month (or Theresa May), not the hedge; "US" is not "us"; "I" is upper case.
    - ``not_before`` / ``only_before``: regular expressions tested against the
      text right after the marker (to the end of its sentence): "May 2016"
      (a number follows: the month); "might" followed by "of"/"and"/punctuation
      is the noun ("military might" is also excluded by ``not_after``);
      "certain concerns" (a noun follows: the determiner, not the booster);
      "about"/"around" hedge only before a quantity; "suggest" only with a
      that-clause; "should the U.S. decide" (a subject follows: conditional
      inversion, not obligation).
    - ``not_after`` / ``only_after``: tested against the text right before the
      marker: "steer clear of" is not a booster; "matter of course" and
      "change of course" are not "of course" ("in the course of" never
      contains the form); "believe"/"think"/"know" boost only after "I"/"we";
      "than it first appears" is not a hedge.
    - ``position``: ``sentence_start`` (the first word of its sentence, after
      any opening quote or bracket) for imperatives: "Do not forget ..." is a
      directive, "so that we don't forget" is not; ``disjunct`` (first word and
      followed by a comma) for sentence adverbials whose stance reading needs
      that slot: "Critically, ..." is an attitude marker, "critically
      important" is not; "Naturally, ..." boosts, "comes naturally" does not.
      "Clearly,", "Probably,", "Admittedly," count in any position.
    - Modals ("will", "would", "should", "must"): only epistemic readings are
      hedges or boosters (Coates 1983; Palmer 2001). "will" is future or
      volition and counts only as the inferential "will have" + participle;
      "would" is a hedge only in "would have" + participle and "would
      seem/appear/suggest/say ...", never as a conditional consequence or the
      future in the past of reported speech; epistemic "should" ("should have
      arrived", "should be ready") is a hedge; deontic "should", "must",
      "need to", "have to" are attitude markers of obligation (Hyland 2000),
      or directives when "we", "you" or "one" is the subject.
    - ``quoted``: the category used when the marker is in a quoted speaker's
      voice. First-person plurals are reader pronouns (inclusive "we") in the
      writer's voice but the speaker's own side in a quotation (Lavrov's "we"
      is the Russian government): a self-mention, subtype ``speaker_we``.
      Second-person pronouns in a quotation address the speaker's hearer.

Voice
    The ``voice`` column comes from :func:`analysis.voices.voice_at` ("author"
    or the quoted speaker's label). Where that module is not available every
    marker has voice ``"all"`` and the ``quoted`` rule does not apply.

Rates are per 1,000 words, with words counted as in
:func:`analysis.tokenise.word_count` within the group (a section's words, a
voice's words). Precision was measured by hand on the seed article (all
markers found, each judged in context); see :func:`precision` and
``docs/stance.md``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import lexicons, paths, tables, tokenise
from analysis.corpus import Document
from analysis.errors import InputError, LexiconError
from analysis.normalise import TABLE
from analysis.tables import Table

#: Characters of context examined on each side of a marker (within its
#: sentence). The longest context rule in the packaged lexicon ("would not
#: have" + participle) needs about 35; a bound keeps the work per marker small.
CONTEXT_CHARS = 48
#: Multiplier of the polynomial hash that looks the document's tokens up among
#: the lexicon's: the 64-bit FNV prime (Fowler, Noll & Vo, FNV-1). Being odd,
#: it is invertible modulo 2**64, so the hash of any token is read off the
#: prefix sums of the text; every hit is then checked on the token itself.
HASH_BASE = 1099511628211
#: Characters for which the powers of HASH_BASE are computed once and kept
#: (1 MB); a longer text computes its own. An opinion article is shorter: the
#: seed article, of about 4,600 words, has about 30,000 characters.
HASH_POWERS_KEPT = 1 << 16
#: The one character whose lower case is longer than itself (dotted capital I):
#: in a text with it, :func:`analysis.tokenise.words` lower-cases token by token.
LONGER_LOWER = "\u0130"
#: The one character outside ASCII whose lower case is an ASCII letter (k).
KELVIN = "\u212a"
#: Rates are per this many words (the suite-wide basis, see tokenise.word_count).
PER_WORDS = 1000
#: Two-sided 95% standard-normal quantile, for Wilson score intervals of
#: precision (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it for small n).
Z_95 = 1.959963984540054
#: Rows of the "most heavily boosted sentences" table by default.
TOP_SENTENCES = 10
#: The hand-annotated precision sample of markers found in the seed article.
SAMPLE = paths.RESULTS / "stance_sample.csv"
#: Columns of the precision sample (one row per marker occurrence).
SAMPLE_COLUMNS = ("start", "end", "marker", "category", "subtype", "voice", "is_correct", "comment")

#: Positions an entry may be restricted to (see the module docstring).
POSITIONS = ("any", "sentence_start", "disjunct")
#: Columns of :func:`markers`.
MARKER_COLUMNS = ("category", "subtype", "marker", "start", "end", "sentence_id", "section", "voice")
#: Their dtypes.
MARKER_DTYPES = {"category": tables.STR, "subtype": tables.STR, "marker": tables.STR, "start": "int64",
                 "end": "int64", "sentence_id": "int64", "section": tables.STR, "voice": tables.STR}
#: Groupings accepted by :func:`density` and :func:`balance`.
GROUPINGS = ("category", "subtype", "section", "voice")
#: Voice label used when no voice attribution is available.
ALL_VOICES = "all"
#: Voice labels that mean the writer speaks.
WRITER_VOICES = ("author", ALL_VOICES)

_ENTRY_KEYS = frozenset({"forms", "pattern", "category", "subtype", "notes", "journalism", "case_sensitive",
                         "position", "not_before", "only_before", "not_after", "only_after", "quoted"})
_CONTEXT_KEYS = ("not_before", "only_before", "not_after", "only_after")
_HASH_MOD = 1 << 64
_FOLD = 0x20  # the bit that makes an ASCII capital lower-case
#: After these characters (normalised opening quotes and brackets) a capital
#: starts a quoted sentence, so a case-sensitive form may be capitalised.
_OPENERS = ('"', "'", "(", "[")


@dataclass(frozen=True)
class Entry:
    """One lexicon entry, compiled."""

    index: int
    written: tuple[str, ...]  # the forms as written in the lexicon
    forms: tuple[tuple[str, ...], ...]
    surfaces: tuple[tuple[str, ...], ...]
    pattern: str | None
    category: str
    subtype: str
    case_sensitive: bool
    position: str
    not_before: tuple[re.Pattern, ...]
    only_before: tuple[re.Pattern, ...]
    not_after: tuple[re.Pattern, ...]
    only_after: tuple[re.Pattern, ...]
    quoted: tuple[str, str] | None
    journalism: str
    notes: str


@dataclass(frozen=True)
class Lexicon:
    """A compiled stance lexicon: categories, entries and lookup tables.

    The tables after ``pattern`` are derived from ``by_first`` (and left out
    of comparisons and the repr). ``vocabulary`` gives each token of a form
    its code (any other token has code ``len(vocabulary)``); ``hashes`` are
    the tokens' hashes, sorted, and ``hash_codes`` their codes (``hashes`` is
    ``None`` unless all the tokens are ASCII, with distinct hashes).
    ``one_token`` tells, by code, whether a one-token form is that token, and
    ``two_tokens``, by ``code * (len(vocabulary) + 1) + code``, whether a
    longer form starts with those two tokens. ``by_pair`` (by the same
    combined code) and ``by_single`` (by the code of a one-token form) list
    the forms as ``(codes, tokens, surfaces, entry)`` in ``by_first`` order.
    """

    label: str
    meta: dict
    categories: dict
    entries: tuple[Entry, ...]
    by_first: dict  # first token -> [(tokens, surfaces, entry)], longest first, then file order
    pattern: re.Pattern | None
    vocabulary: dict = field(compare=False, repr=False)
    hashes: np.ndarray | None = field(compare=False, repr=False)
    hash_codes: np.ndarray = field(compare=False, repr=False)
    by_pair: dict = field(compare=False, repr=False)
    by_single: dict = field(compare=False, repr=False)
    one_token: np.ndarray = field(compare=False, repr=False)
    two_tokens: np.ndarray = field(compare=False, repr=False)

    @property
    def pairs(self) -> tuple[str, ...]:
        """(category, subtype) pairs declared, in file order, as "category/subtype"."""
        out = []
        for cat, spec in self.categories.items():
            subs = list((spec.get("subtypes") or {}).keys()) or [""]
            out.extend(f"{cat}/{s}" for s in subs)
        return tuple(out)


# --------------------------------------------------------------------------- lexicon
def _fail(label: str, where: str, message: str) -> LexiconError:
    return LexiconError(f"{label}: {where}: {message}")


def _context(raw, label: str, where: str, key: str, *, before: bool) -> tuple[re.Pattern, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(p, str) and p for p in raw):
        raise _fail(label, where, f"{key!r} must be a list of regular expressions")
    out = []
    for p in raw:
        try:
            out.append(re.compile(f"(?:{p})\\Z" if before else p, re.IGNORECASE))
        except re.error as exc:
            raise _fail(label, where, f"bad regular expression under {key!r}: {p!r} ({exc})") from None
    return tuple(out)


def _tokens(form: str) -> tuple[str, ...]:
    return tuple(tokenise.tokenize_text(form))


def _categories(data: Mapping, label: str) -> dict:
    cats = data.get("categories")
    if not isinstance(cats, Mapping) or not cats:
        raise LexiconError(f"{label}: 'categories' must be a non-empty mapping of category names")
    out = {}
    for name, spec in cats.items():
        rationale = spec.get("rationale") if isinstance(spec, Mapping) else None
        if not isinstance(rationale, str) or not rationale.strip():
            raise _fail(label, f"categories.{name}", "needs a one-line 'rationale'")
        subs = spec.get("subtypes") or {}
        if not isinstance(subs, Mapping):
            raise _fail(label, f"categories.{name}", "'subtypes' must map subtype names to descriptions")
        out[str(name)] = {"rationale": rationale,
                          "subtypes": {str(k): str(v) for k, v in subs.items()}}
    return out


def _entry(i: int, raw, cats: dict, label: str) -> Entry:
    where = f"markers[{i}]"
    if not isinstance(raw, Mapping):
        raise _fail(label, where, "each marker entry must be a mapping")
    forms = raw.get("forms")
    if isinstance(forms, list) and forms and isinstance(forms[0], str):
        where = f"markers[{i}] ({forms[0]!r})"
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_ENTRY_KEYS))
        raise _fail(label, where, f"unknown key(s) {', '.join(map(repr, unknown))} (allowed: {allowed})")
    if "category" not in raw:
        raise _fail(label, where, "missing key 'category'")
    if ("forms" in raw) == ("pattern" in raw):
        raise _fail(label, where,
                    "needs exactly one of 'forms' (list of strings) or 'pattern' (regular expression)")
    category = raw["category"]
    if category not in cats:
        raise _fail(label, where, f"unknown category {category!r} (declared: {', '.join(cats)})")
    subs = cats[category]["subtypes"]
    subtype = raw.get("subtype", "")
    if subs and "subtype" not in raw:
        raise _fail(label, where, f"missing key 'subtype' (category {category!r} has: {', '.join(subs)})")
    if subs and subtype not in subs:
        raise _fail(label, where, f"unknown subtype {subtype!r} for {category!r} (declared: {', '.join(subs)})")
    token_forms, surfaces, pattern, written = (), (), None, ()
    if "forms" in raw:
        if not isinstance(forms, list) or not forms or not all(isinstance(f, str) and f.strip() for f in forms):
            raise _fail(label, where, "'forms' must be a non-empty list of non-empty strings")
        written = tuple(forms)
        surfaces = tuple(_tokens(f.translate(TABLE)) for f in forms)
        token_forms = tuple(tuple(t.lower() for t in s) for s in surfaces)
    else:
        pattern = raw["pattern"]
        if not isinstance(pattern, str) or not pattern:
            raise _fail(label, where, "'pattern' must be a non-empty regular expression")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(label, where, f"bad regular expression under 'pattern': {pattern!r} ({exc})") from None
    position = raw.get("position", "any")
    if position not in POSITIONS:
        raise _fail(label, where, f"unknown position {position!r} (allowed: {', '.join(POSITIONS)})")
    case_sensitive = raw.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise _fail(label, where, "'case_sensitive' must be true or false")
    quoted = raw.get("quoted")
    if quoted is not None:
        if not isinstance(quoted, Mapping) or quoted.get("category") not in cats:
            raise _fail(label, where, "'quoted' must give a declared 'category' (and its 'subtype')")
        qsubs = cats[quoted["category"]]["subtypes"]
        if qsubs and quoted.get("subtype") not in qsubs:
            raise _fail(label, where, f"'quoted' has unknown subtype {quoted.get('subtype')!r} "
                                      f"for {quoted['category']!r}")
        quoted = (quoted["category"], quoted.get("subtype", ""))
    ctx = {k: _context(raw.get(k), label, where, k, before=k.endswith("_after")) for k in _CONTEXT_KEYS}
    return Entry(index=i, written=written, forms=token_forms, surfaces=surfaces, pattern=pattern,
                 category=category,
                 subtype=subtype, case_sensitive=case_sensitive, position=position, quoted=quoted,
                 journalism=str(raw.get("journalism") or ""), notes=str(raw.get("notes") or ""), **ctx)


def _compile(source: lexicons.Source) -> Lexicon:
    data = lexicons.load(source, name="stance", required=("categories", "markers"))
    label = data["meta"]["loaded_from"]
    cats = _categories(data, label)
    raw = data["markers"]
    if not isinstance(raw, list) or not raw:
        raise LexiconError(f"{label}: 'markers' must be a non-empty list of entries")
    entries = tuple(_entry(i, r, cats, label) for i, r in enumerate(raw))
    by_first: dict = {}
    for e in entries:
        for toks, surf in zip(e.forms, e.surfaces):
            by_first.setdefault(toks[0], []).append((toks, surf, e))
    for key in by_first:
        by_first[key].sort(key=lambda t: (-len(t[0]), t[2].index))
    patterns = [f"(?P<e{e.index}>{e.pattern})" for e in entries if e.pattern]
    pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    vocabulary: dict = {}
    for forms in by_first.values():
        for toks, _, _ in forms:
            for tok in toks:
                vocabulary.setdefault(tok, len(vocabulary))
    width = len(vocabulary) + 1  # the last code stands for every token outside the forms
    one_token = np.zeros(width, dtype=bool)
    two_tokens = np.zeros(width * width, dtype=bool)
    by_pair: dict = {}
    by_single: dict = {}
    for forms in by_first.values():
        for toks, surf, e in forms:
            codes = tuple(vocabulary[tok] for tok in toks)
            if len(codes) == 1:
                one_token[codes[0]] = True
                by_single[codes[0]] = (*by_single.get(codes[0], ()), (codes, toks, surf, e))
            else:
                key = codes[0] * width + codes[1]
                two_tokens[key] = True
                by_pair[key] = (*by_pair.get(key, ()), (codes, toks, surf, e))
    hashes = np.array([_hash(tok) for tok in vocabulary], dtype=np.uint64)
    order = np.argsort(hashes)
    hashable = len(np.unique(hashes)) == len(hashes) and all(tok.isascii() for tok in vocabulary)
    return Lexicon(label=label, meta=data["meta"], categories=cats, entries=entries, by_first=by_first,
                   pattern=pattern, vocabulary=vocabulary, hashes=hashes[order] if hashable else None,
                   hash_codes=order, by_pair=by_pair, by_single=by_single, one_token=one_token, two_tokens=two_tokens)


def _hash(token: str) -> int:
    """The hash :func:`_token_hashes` gives a token whose lower case is ``token`` (in ASCII)."""
    return sum((ord(c) | _FOLD) * pow(HASH_BASE, i, _HASH_MOD) for i, c in enumerate(token)) % _HASH_MOD


@lru_cache(maxsize=8)
def _compile_path(path: str, mtime_ns: int) -> Lexicon:
    del mtime_ns  # part of the cache key: an edited file is compiled again
    return _compile(None if path == "" else path)


def lexicon(source: lexicons.Source = None) -> Lexicon:
    """Load, validate and compile a stance lexicon (compiled once per file version).

    Args:
        source: ``None`` for the packaged ``analysis/lexicons/stance.yml``, a
            path to a YAML file of the same shape, or a mapping.

    Returns:
        The compiled :class:`Lexicon`.

    Raises:
        LexiconError: a malformed file, naming the file, the entry and the key
            (unknown category or subtype, bad regular expression, missing key).

    Example:
        >>> from analysis import stance
        >>> sorted(stance.lexicon().categories)
        ['attitude', 'booster', 'engagement', 'hedge', 'self_mention']
    """
    if isinstance(source, Mapping):
        return _compile(source)
    if source is None:
        path = lexicons.packaged("stance")
        return _compile_path("", path.stat().st_mtime_ns)
    if not isinstance(source, (str, Path)):
        lexicons.load(source, name="stance")  # raises: expected a path or a mapping
    path = Path(source).expanduser()
    if not path.is_file():
        lexicons.load(path, name="stance")  # raises the loader's one-line error
    return _compile_path(str(path.resolve()), path.stat().st_mtime_ns)


def entries(source: lexicons.Source = None) -> pd.DataFrame:
    """The lexicon as a table, one row per form.

    Args:
        source: as in :func:`lexicon`.

    Returns:
        DataFrame with columns ``category``, ``subtype``, ``form`` (the tokens
        joined by spaces, or the regular expression), ``position``,
        ``context_rules`` (number of context patterns), ``journalism`` (why
        opinion journalism needs the item; empty for Hyland's items) and ``notes``.

    Example:
        >>> from analysis import stance
        >>> table = stance.entries()
        >>> table.loc[table["form"] == "to be sure", "category"].item()
        'booster'
    """
    lex = lexicon(source)
    rows = []
    for e in lex.entries:
        n_ctx = sum(len(getattr(e, k)) for k in _CONTEXT_KEYS)
        for form in (e.written or (e.pattern,)):
            rows.append((e.category, e.subtype, form, e.position, n_ctx, e.journalism, e.notes))
    return pd.DataFrame(rows, columns=["category", "subtype", "form", "position", "context_rules",
                                       "journalism", "notes"])


# --------------------------------------------------------------------------- matching
def voices_at(doc: Document, offsets: Sequence[int]) -> list[str]:
    """Voice at each offset via :func:`analysis.voices.voice_at`, or ``"all"`` without it."""
    try:
        from analysis import voices
        voice_at = voices.voice_at
    except (ImportError, AttributeError):
        return [ALL_VOICES] * len(offsets)
    return [str(v) for v in voice_at(doc, [int(o) for o in offsets])]


@dataclass(frozen=True)
class _Tables:
    """The tokens and sentences of a document, indexed one at a time in the checks of each candidate.

    The integer columns are memory views of the arrays (an item is a Python int).
    """

    hashes: np.ndarray | None  # per token, see _token_hashes; None for a text with LONGER_LOWER or KELVIN
    starts: memoryview
    ends: memoryview
    sid: memoryview
    first_word: memoryview  # per sentence: token index of its first word token, or -1
    sent_start: memoryview
    sent_end: memoryview


def _token_hashes(text: str, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The polynomial hash (base :data:`HASH_BASE`, modulo 2**64) of each token ``text[start:end]``.

    Each character is read with bit 5 set, which makes an ASCII capital lower
    case (and may merge other characters, which only makes candidates), so a
    token whose lower case is an ASCII string has the hash :func:`_hash` gives
    that string, unless it has a :data:`KELVIN` sign. Over a stretch of text
    from offset ``a``, the hash of ``text[s:e]`` is ``(prefix[e - a] -
    prefix[s - a]) * HASH_BASE**-(s - a)``, where ``prefix[k]`` sums
    ``char(a + i) * HASH_BASE**i`` over ``i < k`` (numpy's unsigned arithmetic
    wraps modulo 2**64). The tokens are taken in stretches of half
    :data:`HASH_POWERS_KEPT` characters.
    """
    out = np.empty(len(start), dtype=np.uint64)
    step = HASH_POWERS_KEPT // 2  # a stretch then fits the kept powers unless it ends in a huge token
    cuts = np.searchsorted(start, np.arange(step, len(text), step)).tolist()
    for lo, hi in zip([0, *cuts], [*cuts, len(start)]):
        if lo == hi:
            continue
        a = int(start[lo])
        chars = np.frombuffer(text[a:int(end[hi - 1])].encode("utf-32-le", "surrogatepass"),
                              dtype=np.uint32) | np.uint32(_FOLD)
        up, down = _kept_powers() if len(chars) <= HASH_POWERS_KEPT else _powers(len(chars))
        prefix = np.zeros(len(chars) + 1, dtype=np.uint64)
        np.cumsum(chars * up[:len(chars)], out=prefix[1:])
        s, e = start[lo:hi] - a, end[lo:hi] - a
        out[lo:hi] = (prefix[e] - prefix[s]) * down[s]
    return out


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``HASH_BASE**i`` and ``HASH_BASE**-i`` modulo 2**64 for ``i < n``."""
    up = np.full(n, HASH_BASE, dtype=np.uint64)
    down = np.full(n, pow(HASH_BASE, -1, _HASH_MOD), dtype=np.uint64)
    if n:
        up[0] = down[0] = 1
    return np.cumprod(up, out=up), np.cumprod(down, out=down)


@lru_cache(maxsize=1)
def _kept_powers() -> tuple[np.ndarray, np.ndarray]:
    return _powers(HASH_POWERS_KEPT)


def _view(values: np.ndarray) -> memoryview:
    return memoryview(np.ascontiguousarray(values, dtype=np.int64))


def _tables(doc: Document) -> _Tables:
    def build() -> _Tables:
        tokens = tokenise.token_arrays(doc)
        sents = tokenise.sentence_arrays(doc)
        first = np.full(len(sents), -1, dtype="int64")
        idx = np.flatnonzero(tokens.is_word)
        sid = tokens.sentence_id[idx]  # in text order
        new = np.ones(len(idx), dtype=bool)
        new[1:] = sid[1:] != sid[:-1]
        first[sid[new]] = idx[new]
        text = doc.normalised
        hashed = LONGER_LOWER not in text and KELVIN not in text
        return _Tables(hashes=_token_hashes(text, tokens.start, tokens.end) if hashed else None,
                       starts=_view(tokens.start), ends=_view(tokens.end), sid=_view(tokens.sentence_id),
                       first_word=_view(first), sent_start=_view(sents.start), sent_end=_view(sents.end))

    return doc.cached("stance.tables", build)


def _codes(doc: Document, t: _Tables, lex: Lexicon) -> tuple[np.ndarray, Callable[[int], str]]:
    """The lexicon code of every token (``len(lex.vocabulary)`` for the others), and the norm of token k.

    The norm is the token normalised and lower-cased, as in
    :func:`analysis.tokenise.words`. Tokens are looked up by hash when the
    lexicon's tokens are ASCII and the text has neither :data:`LONGER_LOWER`
    nor :data:`KELVIN`: a token whose lower case is one of the lexicon's is
    then made of ASCII characters and has its hash, and its norm is its own
    lower case. A hash shared by another string only makes a candidate that
    its norm then rejects.
    """
    other = len(lex.vocabulary)
    if t.hashes is None or lex.hashes is None:
        norm = tokenise.token_arrays(doc).norm
        return np.fromiter(map(lex.vocabulary.get, norm, repeat(other)), dtype="int64", count=len(norm)), \
            norm.__getitem__
    if len(lex.hashes):
        at = np.searchsorted(lex.hashes, t.hashes)
        at[at == len(lex.hashes)] = 0
        codes = np.where(lex.hashes[at] == t.hashes, lex.hash_codes[at], other)
    else:  # a lexicon of patterns only
        codes = np.full(len(t.hashes), other, dtype="int64")
    text, starts, ends = doc.normalised, t.starts, t.ends
    return codes, lambda k: text[starts[k]:ends[k]].lower()


def _candidates(codes: np.ndarray, lex: Lexicon) -> zip:
    """Where a form can start, found vectorised: (token index, its code, its and the next token's codes).

    A one-token form's token, or the first two tokens of a longer form, must
    occur at the position; the two codes are combined as in ``lex.two_tokens``.
    """
    width = len(lex.vocabulary) + 1
    pair = codes * width
    pair[:-1] += codes[1:]
    pair[-1:] += width - 1  # no token follows the last
    at = np.flatnonzero(lex.one_token[codes] | lex.two_tokens[pair])
    return zip(at.tolist(), codes[at].tolist(), pair[at].tolist())


def _accepts(e: Entry, t: _Tables, text: str, i: int, j: int, surf: tuple | None) -> bool:
    """Whether entry ``e`` holds for tokens ``i`` to ``j`` (exclusive) in context."""
    s = t.sid[i]
    if surf is not None:
        got = tuple(text[t.starts[k]:t.ends[k]] for k in range(i, j))
        if got != surf:
            lead = text[max(0, t.starts[i] - 3):t.starts[i]].rstrip()
            opens = i == t.first_word[s] or lead.endswith(_OPENERS)
            if not (opens and got[0] == surf[0][:1].upper() + surf[0][1:] and got[1:] == surf[1:]):
                return False
    if e.position != "any":
        if i != t.first_word[s]:
            return False
        if e.position == "disjunct" and not (j < len(t.sid) and t.sid[j] == s
                                             and text[t.starts[j]:t.ends[j]] == ","):
            return False
    start, end = t.starts[i], t.ends[j - 1]
    if e.not_before or e.only_before:
        after = text[end:min(t.sent_end[s], end + CONTEXT_CHARS)]
        if any(p.match(after) for p in e.not_before):
            return False
        if e.only_before and not any(p.match(after) for p in e.only_before):
            return False
    if e.not_after or e.only_after:
        before = text[max(t.sent_start[s], start - CONTEXT_CHARS):start]
        if any(p.search(before) for p in e.not_after):
            return False
        if e.only_after and not any(p.search(before) for p in e.only_after):
            return False
    return True


def _find(doc: Document, lex: Lexicon) -> list[tuple[int, int, Entry]]:
    """(first token, end token, entry) of every accepted marker, overlaps resolved."""
    t = _tables(doc)
    text = doc.normalised
    codes, norm = _codes(doc, t, lex)
    code_list = codes.tolist()
    sid, n = t.sid, len(t.sid)
    found = []
    for i, first, pair in _candidates(codes, lex):
        # longer forms first (those starting with this token and the next), then one-token forms
        for form, toks, surf, e in lex.by_pair.get(pair, ()) + lex.by_single.get(first, ()):
            j = i + len(form)
            if j <= n and sid[j - 1] == sid[i] and tuple(code_list[i:j]) == form \
                    and _accepts(e, t, text, i, j, surf if e.case_sensitive else None) \
                    and all(norm(k) == tok for k, tok in zip(range(i, j), toks)):
                found.append((i, j, e))
                break
    if lex.pattern is not None:
        entry_of = {f"e{e.index}": e for e in lex.entries}
        for m in lex.pattern.finditer(text):
            i = bisect_left(t.starts, m.start())
            j = bisect_left(t.ends, m.end()) + 1
            if i < n and j <= n and t.starts[i] == m.start() and t.ends[j - 1] == m.end() \
                    and sid[i] == sid[j - 1] and _accepts(entry_of[m.lastgroup], t, text, i, j, None):
                found.append((i, j, entry_of[m.lastgroup]))
    found.sort(key=lambda f: (f[0] - f[1], f[0]))
    covered = bytearray(n)
    kept = []
    for i, j, e in found:
        if not any(covered[i:j]):
            covered[i:j] = b"\x01" * (j - i)
            kept.append((i, j, e))
    kept.sort(key=lambda f: f[0])
    return kept


def _markers(doc: Document, lex: Lexicon) -> Table:
    t = _tables(doc)
    found = _find(doc, lex)
    if not found:
        return Table.empty(MARKER_DTYPES)
    starts = [t.starts[i] for i, _, _ in found]
    ends = [t.ends[j - 1] for _, j, _ in found]
    sids = [t.sid[i] for i, _, _ in found]
    voice = voices_at(doc, starts)
    cats, subs = [], []
    for (_, _, e), v in zip(found, voice):
        use_quoted = e.quoted is not None and v not in WRITER_VOICES
        cats.append(e.quoted[0] if use_quoted else e.category)
        subs.append(e.quoted[1] if use_quoted else e.subtype)
    sections = tokenise.sentence_arrays(doc).section
    text = doc.normalised
    return Table({
        "category": cats,
        "subtype": subs,
        "marker": [" ".join(text[s:e].lower().split()) for s, e in zip(starts, ends)],
        "start": np.array(starts, dtype="int64"),
        "end": np.array(ends, dtype="int64"),
        "sentence_id": np.array(sids, dtype="int64"),
        "section": [sections[s] for s in sids],
        "voice": voice,
    }, MARKER_DTYPES)


@tables.tidy
def markers(doc: Document, lexicon_source: lexicons.Source = None) -> Table:
    """Stance and engagement markers in the body, disambiguated in context.

    Args:
        doc: the document.
        lexicon_source: ``None`` for the packaged lexicon, or a path or mapping
            (see :func:`lexicon`).

    Returns:
        DataFrame, one row per marker occurrence in text order, with columns
        ``category`` (hedge, booster, attitude, self_mention, engagement),
        ``subtype``, ``marker`` (the matched text, lower-cased, spaces
        collapsed), ``start``, ``end`` (offsets into ``doc.body``),
        ``sentence_id``, ``section`` (section label) and ``voice`` ("author",
        a quoted speaker's label, or "all" when voices are unavailable).

    Example:
        >>> from analysis import corpus, stance
        >>> doc = corpus.from_text("In fact, the talks may fail. As far back as May 2016 they met.")
        >>> stance.markers(doc)[["category", "marker"]].values.tolist()
        [['booster', 'in fact'], ['hedge', 'may']]
    """
    _check_doc(doc, "markers")
    return _cached_markers(doc, lexicon(lexicon_source), lexicon_source)


def _cached_markers(doc: Document, lex: Lexicon, lexicon_source: lexicons.Source) -> Table:
    """The markers of ``lex`` (compiled from ``lexicon_source``), computed once per document and lexicon."""
    if isinstance(lexicon_source, Mapping):  # compiled afresh each call: nothing to cache against
        return _markers(doc, lex)
    key = "stance.markers" if lexicon_source is None else f"stance.markers:{lex.label}:{id(lex)}"
    return doc.cached(key, lambda: _markers(doc, lex))


# --------------------------------------------------------------------------- rates
def _check_doc(doc, func: str) -> None:
    if not isinstance(doc, Document):
        raise InputError(f"{func}: expected a Document (corpus.load or corpus.from_text), "
                         f"got {type(doc).__name__}")


def _check_by(by: Iterable[str], allowed: Sequence[str], func: str) -> list[str]:
    if isinstance(by, str):
        by = (by,)
    by = list(by)
    bad = [b for b in by if b not in allowed]
    if bad or len(set(by)) != len(by):
        raise InputError(f"{func}: cannot group by {by!r}; choose distinct keys from {', '.join(allowed)}")
    return by


def _word_groups(doc: Document, keys: list[str]) -> tuple[list[tuple], list[int]]:
    """Words per group of ``keys`` (section and/or voice): the groups' labels and word counts.

    Each group is a tuple of labels in the order of ``keys``; one empty group
    (all the words) when ``keys`` is empty. Grouped by section alone, every
    section with a sentence appears, in text order; otherwise the groups with
    words, ordered by the first appearance of each key's label in turn.
    """
    if not keys:
        return [()], [tokenise.word_count(doc)]
    sents = tokenise.sentence_arrays(doc)
    if keys == ["section"]:
        words: dict = {}
        for section, n in zip(sents.section, sents.n_words.tolist()):
            words[(section,)] = words.get((section,), 0) + n
        return list(words), list(words.values())
    tokens = tokenise.token_arrays(doc)
    codes, labels = [], []
    for key in keys:
        if key == "section":
            lookup: dict = {}
            sec_codes = np.array([lookup.setdefault(x, len(lookup)) for x in sents.section], dtype="int64")
            codes.append(sec_codes[tokens.sentence_id[tokens.is_word]])
        else:
            voice = doc.cached("stance.word_voices", lambda: voices_at(doc, tokens.start[tokens.is_word].tolist()))
            lookup = {}
            codes.append(np.array([lookup.setdefault(v, len(lookup)) for v in voice], dtype="int64"))
        labels.append(list(lookup))
    combined = codes[0]
    for c, lab in zip(codes[1:], labels[1:]):
        combined = combined * len(lab) + c
    counts = np.bincount(combined)
    present = np.flatnonzero(counts).tolist()
    groups = []
    for code in present:
        group = []
        for lab in reversed(labels):
            group.append(lab[code % len(lab)])
            code //= len(lab)
        groups.append(tuple(reversed(group)))
    return groups, counts[present].tolist()


@tables.tidy
def density(doc: Document, by: Sequence[str] = ("category",), *,
            lexicon_source: lexicons.Source = None) -> Table:
    """Markers per 1,000 words, by category, subtype, section and/or voice.

    The denominator is the number of words (:data:`analysis.tokenise.WORD_KINDS`)
    in the group: the whole text when grouping by category or subtype only,
    the section's words by section, the words spoken in that voice by voice.
    Every declared category (and subtype) appears, with zero when absent.

    Args:
        doc: the document.
        by: grouping keys from :data:`GROUPINGS`.
        lexicon_source: as in :func:`markers`.

    Returns:
        DataFrame with the ``by`` columns, ``n`` (markers), ``words`` and
        ``per_1000`` (``n`` per 1,000 words).

    Raises:
        InputError: an unknown or repeated grouping key.

    Example:
        >>> from analysis import corpus, stance
        >>> doc = corpus.from_text("Clearly, it may rain. It clearly will.")
        >>> d = stance.density(doc)
        >>> d.loc[d["category"] == "booster", ["n", "words", "per_1000"]].values.tolist()
        [[2.0, 7.0, 285.7142857142857]]
    """
    _check_doc(doc, "density")
    by = _check_by(by, GROUPINGS, "density")
    lex = lexicon(lexicon_source)
    table = _cached_markers(doc, lex, lexicon_source)
    found = table.columns
    word_keys = [k for k in by if k in ("section", "voice")]
    groups, group_words = _word_groups(doc, word_keys)
    label_keys = [k for k in by if k in ("category", "subtype")]
    # the declared pairs, then any other pair found (e.g. quoted subtypes), each once
    pairs = [*(tuple(p.split("/", 1)) for p in lex.pairs), *zip(found["category"], found["subtype"])]
    at = [("category", "subtype").index(k) for k in label_keys]
    labels = list(dict.fromkeys(tuple(p[i] for i in at) for p in pairs)) if label_keys else [()]
    counts = Counter(zip(*(found[k] for k in by)))
    columns: dict = {k: [] for k in by}
    n, words = [], []
    for label in labels:
        for group, w in zip(groups, group_words):
            row = dict(zip(label_keys, label)) | dict(zip(word_keys, group))
            key = tuple(row[k] for k in by)
            for k, v in zip(by, key):
                columns[k].append(v)
            n.append(counts.get(key, 0) if by else len(table))
            words.append(w)
    n, words = np.array(n, dtype="float64"), np.array(words, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        per_1000 = np.where(words > 0, n / words * PER_WORDS, np.nan)
    return Table({**columns, "n": n, "words": words, "per_1000": per_1000},
                 {**dict.fromkeys(by, tables.STR), "n": "float64", "words": "float64", "per_1000": "float64"})


def balance(doc: Document, by: Sequence[str] = ("section",), *,
            lexicon_source: lexicons.Source = None) -> pd.DataFrame:
    """Boosters against hedges, per group: how committed the writing is.

    Args:
        doc: the document.
        by: grouping keys, ``section`` and/or ``voice`` (empty: the whole text).
        lexicon_source: as in :func:`markers`.

    Returns:
        DataFrame with the ``by`` columns, ``boosters``, ``hedges``, ``words``,
        ``boosters_per_1000``, ``hedges_per_1000`` and ``booster_share``
        (boosters / (boosters + hedges); NaN when there are neither), after
        Hyland (2005, p. 179), who reads the balance of the two as the
        writer's degree of commitment.

    Example:
        >>> from analysis import corpus, stance
        >>> doc = corpus.from_text("Clearly, it may rain. It clearly will.")
        >>> stance.balance(doc, by=())[["boosters", "hedges", "booster_share"]].values.tolist()
        [[2.0, 1.0, 0.6666666666666666]]
    """
    _check_doc(doc, "balance")
    by = _check_by(by, ("section", "voice"), "balance")
    d = density(doc, by=("category", *by), lexicon_source=lexicon_source)
    wide = {}
    for cat, name in (("booster", "boosters"), ("hedge", "hedges")):
        part = d.loc[d["category"] == cat, [*by, "n", "words"]].rename(columns={"n": name})
        wide[name] = part
    if by:
        groups, words = _word_groups(doc, by)
        out = pd.DataFrame({**{k: [g[i] for g in groups] for i, k in enumerate(by)},
                            "words": np.array(words, dtype="float64")})
        for name, part in wide.items():
            out = out.merge(part.drop(columns="words"), how="left", on=by)
    else:
        out = pd.DataFrame({"words": [float(tokenise.word_count(doc))]})
        for name, part in wide.items():
            out[name] = part[name].sum() if len(part) else 0.0
    for name in ("boosters", "hedges"):
        out[name] = out[name].fillna(0).astype("float64")
        out[f"{name}_per_1000"] = out[name] / out["words"].where(out["words"] > 0) * PER_WORDS
    total = out["boosters"] + out["hedges"]
    out["booster_share"] = out["boosters"] / total.where(total > 0)
    return out[[*by, "boosters", "hedges", "words", "boosters_per_1000", "hedges_per_1000", "booster_share"]]


def top_sentences(doc: Document, category: str = "booster", n: int = TOP_SENTENCES, *,
                  lexicon_source: lexicons.Source = None) -> pd.DataFrame:
    """The sentences with the most markers of one category (e.g. the most boosted claims).

    Args:
        doc: the document.
        category: a category of the lexicon.
        n: number of sentences to return. Ties in the number of markers are
            ranked by markers per word (a booster weighs more in a short
            sentence), then by text order.
        lexicon_source: as in :func:`markers`.

    Returns:
        DataFrame with columns ``sentence_id``, ``section``, ``voice`` (the
        voices of its markers, joined by ", "), ``n_markers``, ``n_words``,
        ``markers`` (joined by "; ") and ``text``, most markers first;
        sentences with none are left out.

    Raises:
        InputError: the category is not in the lexicon.

    Example:
        >>> from analysis import corpus, stance
        >>> doc = corpus.from_text("Clearly, it is in fact true. It may rain.")
        >>> stance.top_sentences(doc)[["sentence_id", "n_markers"]].values.tolist()
        [[0, 2]]
    """
    _check_doc(doc, "top_sentences")
    lex = lexicon(lexicon_source)
    if category not in lex.categories:
        known = ", ".join(lex.categories)
        raise InputError(f"top_sentences: unknown category {category!r}; choose from {known}")
    found = markers(doc, lexicon_source)
    found = found.loc[found["category"] == category]
    sents = tokenise.sentences(doc).set_index("sentence_id")
    cols = ["sentence_id", "section", "voice", "n_markers", "n_words", "markers", "text"]
    if found.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("sentence_id", "n_markers", "n_words")
                                          else object) for c in cols})
    grouped = found.groupby("sentence_id", sort=True).agg(
        n_markers=("marker", "size"),
        markers=("marker", "; ".join),
        voice=("voice", lambda v: ", ".join(dict.fromkeys(v))),
    )
    grouped = grouped.reset_index()
    grouped["n_words"] = sents.loc[grouped["sentence_id"], "n_words"].to_numpy().astype("int64")
    weight = grouped["n_markers"] / grouped["n_words"].clip(lower=1)
    order = np.lexsort((grouped["sentence_id"].to_numpy(), -weight.to_numpy(), -grouped["n_markers"].to_numpy()))
    grouped = grouped.iloc[order[:n]].reset_index(drop=True)
    grouped["section"] = sents.loc[grouped["sentence_id"], "section"].to_numpy()
    grouped["text"] = sents.loc[grouped["sentence_id"], "text"].to_numpy()
    grouped["n_markers"] = grouped["n_markers"].astype("int64")
    return grouped[cols]


# --------------------------------------------------------------------------- precision
def _wilson(k: float, n: float) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = k / n
    denom = 1 + Z_95 ** 2 / n
    centre = (p + Z_95 ** 2 / (2 * n)) / denom
    half = Z_95 * math.sqrt(p * (1 - p) / n + Z_95 ** 2 / (4 * n * n)) / denom
    # the bounds contain p exactly (rounding can put 1 - 1e-16 below p = 1)
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def read_sample(sample_path: str | Path | None = None) -> pd.DataFrame:
    """Read a hand-annotated precision sample (default: the packaged seed sample).

    Args:
        sample_path: a CSV file with the columns :data:`SAMPLE_COLUMNS`;
            ``None`` for :data:`SAMPLE`.

    Returns:
        The sample as a DataFrame, ``is_correct`` as bool.

    Raises:
        InputError: the file is missing or lacks columns, or ``is_correct`` is
            not 0/1.
    """
    path = Path(sample_path) if sample_path is not None else SAMPLE
    if not path.is_file():
        raise InputError(f"{path}: precision sample not found")
    sample = pd.read_csv(path, dtype={"comment": str}, keep_default_na=False)
    missing = [c for c in SAMPLE_COLUMNS if c not in sample.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    values = pd.to_numeric(sample["is_correct"], errors="coerce")
    if values.isna().any() or not values.isin((0, 1)).all():
        raise InputError(f"{path}: 'is_correct' must be 0 or 1 in every row")
    return sample.assign(is_correct=values.astype(bool))


def precision(sample_path: str | Path | None = None) -> pd.DataFrame:
    """Precision of the markers per category, from a hand-annotated sample.

    Args:
        sample_path: as in :func:`read_sample`.

    Returns:
        DataFrame with columns ``category`` (last row ``"all"``), ``n`` (markers
        judged), ``correct``, ``precision`` and ``ci_low``, ``ci_high`` (Wilson
        95% score interval).

    Example:
        >>> from analysis import stance
        >>> table = stance.precision()
        >>> table["category"].iloc[-1]
        'all'
    """
    sample = read_sample(sample_path)
    rows = [(cat, part["is_correct"]) for cat, part in sample.groupby("category", sort=True)]
    rows.append(("all", sample["is_correct"]))
    out = []
    for cat, ok in rows:
        n, k = len(ok), int(ok.sum())
        low, high = _wilson(k, n)
        out.append((cat, n, k, k / n if n else math.nan, low, high))
    return pd.DataFrame(out, columns=["category", "n", "correct", "precision", "ci_low", "ci_high"])
