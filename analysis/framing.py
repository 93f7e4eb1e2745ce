"""Framing terms: which interpretive frames a text uses, how densely, and where.

A *frame* in Entman's (1993) sense selects aspects of a reality and makes them
salient so as to define a problem, diagnose its cause, judge it morally and
suggest a remedy. This module measures the lexical surface of frames with a
codebook of signal terms, in the dictionary tradition of content analysis
(quanteda's ``tokens_lookup``/``dfm_lookup``; the Policy Frames Codebook of
Boydstun et al. 2014 supplies the generic dimensions). The codebook is data:
``analysis/lexicons/frames.yml``, or a user's file with the same schema::

    frames:
      <frame_id>:
        label: ...
        definition: ...           # what counts and what does not
        terms: [...]              # word forms and multi-word expressions
        inflected: [...]          # optional: matched in every inflection
        rationale/notes/entman_function/boydstun_dimension/literature: ...
    exclude: [...]                # optional: phrases that signal no frame

Matching rules (each one tested in ``tests/test_framing.py``):

1. **Case and typography**: terms and text are compared lower-cased after the
   length-preserving normalisation of curly quotes and dashes; terms are
   tokenised with the same tokeniser as the text (:mod:`analysis.tokenise`).
2. **Inflections**: a term under ``inflected`` matches every word whose
   Snowball English stem (Porter 2001; NLTK's :class:`~nltk.stem.SnowballStemmer`,
   algorithmic, no data) equals the stem of the listed form, word by word in
   a multi-word expression: "encirclement" matches "encircle", "encircling",
   "encircled". Terms under ``terms`` match the listed forms only.
3. **Possessives**: the tokeniser splits "Russia’s" into "Russia" + "’s", so
   "Russia" matches; the clitic is a token of its own and breaks a
   multi-word expression.
4. **Hyphenated compounds** count as their parts: "Sino-Russian alliance"
   counts "alliance" and "anti-missile" counts "missile" (the compound's
   parts are words of the text; "anti-missile defence" is talk of missiles).
   A compound listed as a term ("non-interference") is matched whole first.
5. **Multi-word expressions and overlaps**: at each position the longest
   term wins, scanning left to right (the leftmost-longest rule of POSIX
   regular expressions); the words of a match are consumed, so a multi-word
   expression is counted once and its parts are not counted again, and no
   stretch of text counts for two terms. Punctuation between words breaks a
   multi-word expression, and so does a sentence boundary. Phrases under
   ``exclude`` take part in this competition and are then dropped, so
   "Chinese Communist Party" (a present-day institution) hides its word
   "communist" from the historical-memory frame.
6. **One frame per word form**: a term listed under two frames, or two
   inflected terms with the same stem in different frames, is a codebook
   error (:class:`analysis.errors.LexiconError`).

Rates are per 1,000 words, where words are tokens of a word kind
(:data:`analysis.tokenise.WORD_KINDS`) in the section concerned (or in the
document); a hyphenated compound is one word in the denominator.

Dispersion: :func:`dispersion` gives the normalised position (0-1, by word)
of every match, as quanteda's ``textplot_xray`` and AntConc's concordance
plot show it; :func:`deviation_of_proportions` gives Gries's (2008) DP and
its normalised form (Lijffijt & Gries 2012).

References:
    Entman, R.M. (1993). Framing: Toward clarification of a fractured
    paradigm. Journal of Communication 43(4), 51-58.
    Boydstun, A.E., Card, D., Gross, J.H., Resnik, P. & Smith, N.A. (2014).
    Tracking the development of media frames within and across policy issues.
    Gries, S.Th. (2008). Dispersions and adjusted frequencies in corpora.
    International Journal of Corpus Linguistics 13(4), 403-437.
    Lijffijt, J. & Gries, S.Th. (2012). Correction to Stefan Th. Gries'
    "Dispersions and adjusted frequencies in corpora". IJCL 17(1), 147-149.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
from nltk.stem.snowball import SnowballStemmer

from analysis import lexicons, tokenise
from analysis.corpus import Document
from analysis.errors import InputError, LexiconError
from analysis.normalise import TABLE, normalise
from analysis.tables import Table, tidy

#: Characters of context on each side of a keyword-in-context line: with the
#: match, about the 80-character line of a printed concordance.
KWIC_WIDTH = 40
#: KWIC lines shown per frame by :func:`kwic_frames`: enough to judge what a
#: frame's terms pick up without reproducing the article.
KWIC_PER_FRAME = 3
#: Keys a frame entry may have. ``label``, ``definition`` and at least one
#: non-empty term list are required.
FRAME_KEYS = ("label", "definition", "terms", "inflected", "rationale", "notes",
              "entman_function", "boydstun_dimension", "literature")
#: Top-level keys of a codebook file.
CODEBOOK_KEYS = ("meta", "frames", "exclude")
#: Frame id given internally to ``exclude`` phrases (never a valid frame id).
EXCLUDED = ""
#: Language of the Snowball stemmer used for inflected terms.
STEMMER_LANGUAGE = "english"

_FRAME_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Frame:
    """One frame of a codebook (see the module docstring for the schema)."""

    id: str
    label: str
    definition: str
    terms: tuple[str, ...]
    inflected: tuple[str, ...]
    rationale: str = ""


@dataclass(frozen=True, eq=False)
class Codebook:
    """A validated codebook, compiled for matching.

    Attributes:
        frames: the frames, in codebook order.
        meta: the ``meta`` block (with ``loaded_from``).
        key: sha256 of the frames' content: the cache key of every result.
        exact: word-form tuple -> (frame id, term) for ``terms``.
        stemmed: stem tuple -> (frame id, term) for ``inflected`` terms.
        lengths: term lengths in words, longest first.
    """

    frames: tuple[Frame, ...]
    meta: dict = field(repr=False)
    key: str
    exact: dict = field(repr=False)
    stemmed: dict = field(repr=False)
    lengths: tuple[int, ...]

    @property
    def frame_ids(self) -> list[str]:
        """Frame ids in codebook order."""
        return [f.id for f in self.frames]

    @property
    def labels(self) -> dict[str, str]:
        """Frame id -> label."""
        return {f.id: f.label for f in self.frames}


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer(STEMMER_LANGUAGE)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem of a lower-cased word form (cached).

    Args:
        word: a lower-cased word form.

    Returns:
        Its stem (Porter 2001, NLTK's SnowballStemmer for English).

    Example:
        >>> stem("encircling"), stem("encirclement")
        ('encircl', 'encircl')
    """
    return _stemmer().stem(word)


def _split_compound(text: str) -> list[tuple[str, int, int]]:
    """Parts of a hyphenated token with their offsets inside it."""
    out, pos = [], 0
    for part in text.split("-"):
        if part:
            out.append((part, pos, pos + len(part)))
        pos += len(part) + 1
    return out


def term_words(term: str) -> tuple[str, ...]:
    """The words a codebook term is matched as: tokenised, lower-cased, compounds split.

    Args:
        term: a term as written in a codebook.

    Returns:
        The tuple of words the term must match, in order.

    Example:
        >>> term_words("the Sino-Russian Alliance’s")
        ('the', 'sino', 'russian', 'alliance', "'s")
    """
    out: list[str] = []
    for token in tokenise.tokenize_text(term):
        norm = token.translate(TABLE).lower()
        if "-" in norm and any(ch.isalnum() for ch in norm):
            out.extend(part for part, _, _ in _split_compound(norm))
        else:
            out.append(norm)
    return tuple(out)


def _text(value, label: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(f"{label}: {where} must be a non-empty string")
    return value.strip()


def _validate(data: Mapping, label: str) -> tuple[tuple[Frame, ...], dict, dict]:
    unknown = [k for k in data if k not in CODEBOOK_KEYS]
    if unknown:
        raise LexiconError(f"{label}: unknown top-level key {unknown[0]!r} "
                           f"(allowed: {', '.join(CODEBOOK_KEYS)})")
    raw = data.get("frames")
    if not isinstance(raw, Mapping) or not raw:
        raise LexiconError(f"{label}: 'frames' must be a non-empty mapping of frame id to frame")
    frames: list[Frame] = []
    exact: dict[tuple[str, ...], tuple[str, str]] = {}
    stemmed: dict[tuple[str, ...], tuple[str, str]] = {}
    for fid, entry in raw.items():
        where = f"frames.{fid}"
        if not isinstance(fid, str) or not _FRAME_ID.match(fid):
            raise LexiconError(f"{label}: frame id {fid!r} must be a lower-case slug (letters, digits, _)")
        if not isinstance(entry, Mapping):
            raise LexiconError(f"{label}: {where} must be a mapping with label, definition and terms")
        bad = [k for k in entry if k not in FRAME_KEYS]
        if bad:
            raise LexiconError(f"{label}: {where}: unknown key {bad[0]!r} "
                               f"(allowed: {', '.join(FRAME_KEYS)})")
        for key in ("label", "definition"):
            if key not in entry:
                raise LexiconError(f"{label}: {where}: missing {key!r}")
        lists = {}
        for key in ("terms", "inflected"):
            value = entry.get(key) or []
            if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                raise LexiconError(f"{label}: {where}.{key} must be a list of non-empty strings")
            lists[key] = tuple(t.strip() for t in value)
        if not lists["terms"] and not lists["inflected"]:
            raise LexiconError(f"{label}: {where} is empty: list at least one term "
                               "under 'terms' or 'inflected'")
        for key, table in (("terms", exact), ("inflected", stemmed)):
            for term in lists[key]:
                words = term_words(term)
                if not any(ch.isalnum() for word in words for ch in word):
                    raise LexiconError(f"{label}: {where}.{key}: term {term!r} has no words")
                if key == "inflected":
                    words = tuple(stem(w) for w in words)
                if words in table:
                    other, first = table[words]
                    same = "twice in" if other == fid else f"under two frames: {other!r} and"
                    raise LexiconError(f"{label}: term {term!r} (same as {first!r}) "
                                       f"is listed {same} {fid!r}")
                table[words] = (fid, term)
        frames.append(Frame(fid, _text(entry["label"], label, f"{where}.label"),
                            _text(entry["definition"], label, f"{where}.definition"),
                            lists["terms"], lists["inflected"], str(entry.get("rationale") or "").strip()))
    excluded = data.get("exclude") or []
    if not isinstance(excluded, list) or not all(isinstance(t, str) and t.strip() for t in excluded):
        raise LexiconError(f"{label}: 'exclude' must be a list of non-empty strings")
    for phrase in excluded:
        words = term_words(phrase.strip())
        if words in exact:
            raise LexiconError(f"{label}: {phrase!r} is under 'exclude' and a term of {exact[words][0]!r}")
        exact[words] = (EXCLUDED, phrase.strip())
    for words, (fid, term) in exact.items():
        if fid == EXCLUDED:
            continue
        hit = stemmed.get(tuple(stem(w) for w in words))
        if hit and hit[0] != fid:
            raise LexiconError(f"{label}: term {term!r} of {fid!r} is also matched by inflected term "
                               f"{hit[1]!r} of {hit[0]!r}: a word form may signal only one frame")
    return tuple(frames), exact, stemmed


@lru_cache(maxsize=32)
def _compiled(content: str, label: str) -> Codebook:
    data = json.loads(content)
    frames, exact, stemmed = _validate(data, label)
    lengths = tuple(sorted({len(k) for k in (*exact, *stemmed)}, reverse=True))
    content_of = {"frames": data.get("frames"), "exclude": data.get("exclude")}
    key = hashlib.sha256(json.dumps(content_of, sort_keys=True).encode("utf-8")).hexdigest()
    return Codebook(frames, dict(data.get("meta") or {}, loaded_from=label), key, exact, stemmed, lengths)


def codebook(source: lexicons.Source | Codebook = None) -> Codebook:
    """Load, validate and compile a frame codebook (compiled once per content).

    Args:
        source: ``None`` for the packaged ``frames.yml``, a path to a YAML
            file with the same schema, a mapping, or a :class:`Codebook`
            (returned as is).

    Returns:
        The compiled :class:`Codebook`.

    Raises:
        LexiconError: missing or malformed file, unknown key, empty frame,
            a term under two frames; the message names the file and key.

    Example:
        >>> from analysis import framing
        >>> framing.codebook({"frames": {"war": {"label": "War", "definition": "Armed conflict.",
        ...                   "terms": ["war"]}}}).frame_ids
        ['war']
    """
    if isinstance(source, Codebook):
        return source
    if source is None:
        path = lexicons.packaged("frames")
        return _from_file(None, path.stat().st_mtime_ns)
    if isinstance(source, (str, Path)) and Path(source).expanduser().is_file():
        path = Path(source).expanduser()
        return _from_file(str(path), path.stat().st_mtime_ns)
    return _from_source(source)


@lru_cache(maxsize=32)
def _from_file(path: str | None, mtime_ns: int) -> Codebook:
    del mtime_ns  # part of the cache key: an edited file is compiled again
    return _from_source(path)


def _from_source(source) -> Codebook:
    data = lexicons.load(source, name="frames", required=("frames",))
    label = data["meta"]["loaded_from"]
    try:
        content = json.dumps(data, sort_keys=True, default=str)
    except (TypeError, ValueError) as exc:
        raise LexiconError(f"{label}: cannot be read as a codebook ({exc})") from None
    return _compiled(content, label)


@lru_cache(maxsize=200_000)
def _form_parts(form: str) -> tuple[tuple[str, int, int], ...]:
    """The parts a word form is matched as: a hyphenated compound's parts, else the form itself."""
    parts = _split_compound(form) if "-" in form and any(ch.isalnum() for ch in form) else []
    if len(parts) < 2:
        parts = [(form, 0, len(form))]
    return tuple(parts)


#: Word forms a :class:`_Matcher` remembers before it starts afresh (as many
#: as :func:`stem` caches).
_FORMS_MAX = 200_000
#: Code of a word form not coded yet (no code is this negative).
_UNSEEN = -(2 ** 62)
#: Longest form (in characters) looked up as a packed integer: seven 8-bit
#: characters and the length fill the 64 bits of a key (see :func:`_packed`).
_PACKED_CHARS = 7
#: :attr:`_Forms.packed` is rebuilt when the keys coded since exceed this
#: fraction of it (1/8: few keys are looked up one by one, and the rebuilds,
#: each a sort, took 0.5 % of a first pass over the 1M-word benchmark corpus,
#: whose time goes to stemming its 22,000 distinct forms).
_PENDING_SHARE = 8
#: Byte masks keeping the first 0-7 characters of a packed key.
_PACKED_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(_PACKED_CHARS + 1)], dtype=np.uint64)
#: ``str.lower`` of each character below U+0100 (each is one character below U+0100).
_LOWER_BYTES = np.array([ord(chr(c).lower()) for c in range(256)], dtype=np.uint8)
#: The one character whose lower case depends on its neighbours in ``str.lower``
#: (Final_Sigma): σ, or ς at the end of a word.
_CAPITAL_SIGMA = 0x3A3


class _Forms:
    """Word form -> code, and the coded parts of each hyphenated compound.

    A form's code is ``k >= 0``, the number of its (term word, term stem) pair
    in :class:`_Matcher` (0: the form is no word of any term and its stem no
    word of an inflected term), or ``-(j + 1)`` for a compound whose parts
    are ``compounds[j]``: (code, start, end) with offsets inside the form. A
    compound none of whose parts has a code above 0 has code 0: no match
    can include it, whether it is one unit or several.

    Short forms are also kept by packed key (:func:`_packed`): ``packed`` is
    (sorted keys, their codes), searched for a whole document at once, and
    ``pending`` the keys coded since ``packed`` was last rebuilt.
    """

    __slots__ = ("code", "compounds", "packed", "pending")

    def __init__(self):
        self.code: dict[str, int] = {}
        self.compounds: list[tuple[tuple[int, int, int], ...]] = []
        self.packed = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype="int64"))
        self.pending: dict[int, int] = {}


class _Matcher:
    """A codebook compiled for matching: terms as tuples of integer ids, word forms as codes.

    Term words get ids from 1 (``word_id``), the stems of inflected terms
    likewise (``stem_id``); each distinct (word id, stem id) pair a word form
    has is a *code*, with the term lengths a match may have from there
    (``options``: longest first, exact before inflected, as in the
    leftmost-longest rule). Forms are coded once and remembered across
    documents (:class:`_Forms`, renewed after :data:`_FORMS_MAX` forms), so a
    form is stemmed once. New codes are made under a lock: threads may share
    a matcher.

    Attributes:
        hits: (frame id, term) of every term, :data:`EXCLUDED` for phrases under ``exclude``.
        hit_row: for each hit, its distinct (frame id, term) row number (-1 when excluded).
        frames, terms: the rows of :func:`count`'s grid for one section, in codebook order.
        rows: for each grid row, its distinct (frame id, term) row number.
        n_distinct: number of distinct (frame id, term) rows.
    """

    def __init__(self, cb: Codebook):
        self.word_id: dict[str, int] = {}
        self.stem_id: dict[str, int] = {}
        for key in cb.exact:
            for w in key:
                self.word_id.setdefault(w, len(self.word_id) + 1)
        for key in cb.stemmed:
            for s in key:
                self.stem_id.setdefault(s, len(self.stem_id) + 1)
        self.hits = list(dict.fromkeys((*cb.exact.values(), *cb.stemmed.values())))
        hit_of = {hit: i for i, hit in enumerate(self.hits)}
        self.exact = {tuple(self.word_id[w] for w in key): hit_of[hit]
                      for key, hit in cb.exact.items()}
        self.stemmed = {tuple(self.stem_id[s] for s in key): hit_of[hit]
                        for key, hit in cb.stemmed.items()}
        self._lengths: tuple[dict, dict] = ({}, {})
        for table, lengths in zip((self.exact, self.stemmed), self._lengths):
            for key in table:
                lengths.setdefault(key[0], set()).add(len(key))
        self.frames = tuple(f.id for f in cb.frames for _ in (*f.terms, *f.inflected))
        self.terms = tuple(t for f in cb.frames for t in (*f.terms, *f.inflected))
        row_of: dict[tuple[str, str], int] = {}
        for pair in zip(self.frames, self.terms):
            row_of.setdefault(pair, len(row_of))
        self.rows = np.array([row_of[pair] for pair in zip(self.frames, self.terms)], dtype="int64")
        self.n_distinct = len(row_of)
        self.hit_row = np.array([row_of.get(hit, -1) for hit in self.hits], dtype="int64")
        self.hit_frame = [hit[0] for hit in self.hits]
        self.hit_term = [hit[1] for hit in self.hits]
        self.hit_frame_index = np.array([cb.frame_ids.index(f) if f != EXCLUDED else -1
                                         for f in self.hit_frame], dtype="int64")
        self.code_of: dict[tuple[int, int], int] = {(0, 0): 0}
        self.word, self.stem, self.options = [0], [0], [()]
        self.starts = np.zeros(1, dtype=bool)
        self.forms = _Forms()
        self._lock = threading.Lock()

    def _simple_code(self, form: str) -> int:
        pair = (self.word_id.get(form, 0), self.stem_id.get(stem(form), 0) if self.stem_id else 0)
        code = self.code_of.get(pair)
        if code is None:
            code = len(self.word)
            self.word.append(pair[0])
            self.stem.append(pair[1])
            self.options.append(tuple(sorted(
                [(n, 0) for n in self._lengths[0].get(pair[0], ())]
                + [(n, 1) for n in self._lengths[1].get(pair[1], ())],
                key=lambda option: (-option[0], option[1]))))
            self.code_of[pair] = code
        return code

    def code(self, forms: _Forms, new: list[str], keys: list[int] | None = None) -> list[int]:
        """Code the forms ``new`` into ``forms`` (their codes, in order), under ``keys`` if any."""
        with self._lock:
            out = self._code(forms, new)
            if keys is not None:
                forms.pending.update(zip(keys, out))
                if len(forms.pending) > len(forms.packed[0]) // _PENDING_SHARE:
                    pending = np.fromiter(forms.pending, dtype=np.uint64, count=len(forms.pending))
                    every = np.concatenate((forms.packed[0], pending))
                    order = np.argsort(every)
                    codes = np.concatenate((forms.packed[1], np.fromiter(
                        forms.pending.values(), dtype="int64", count=len(forms.pending))))
                    forms.packed = (every[order], codes[order])
                    forms.pending = {}
        return out

    def _code(self, forms: _Forms, new: list[str]) -> list[int]:
        out, made = [], {}
        n_codes = len(self.word)
        for form in new:
            code = made.get(form)
            if code is None:
                parts = _form_parts(form)
                if len(parts) == 1:
                    code = self._simple_code(form)
                else:
                    coded = tuple((self._simple_code(p), a, b) for p, a, b in parts)
                    if any(c for c, _, _ in coded):
                        forms.compounds.append(coded)
                        code = -len(forms.compounds)
                    else:  # no part can be in a match: one unit of code 0 blocks the same windows
                        code = 0
                made[form] = code
            out.append(code)
        if len(self.word) > n_codes:  # before the forms are published: a code never lacks its flag
            self.starts = np.fromiter(map(bool, self.options), dtype=bool, count=len(self.options))
        forms.code.update(made)
        return out

    def current_forms(self) -> _Forms:
        """The forms remembered, renewed when they reach :data:`_FORMS_MAX`."""
        with self._lock:
            if len(self.forms.code) > _FORMS_MAX:
                self.forms = _Forms()
            return self.forms


@lru_cache(maxsize=32)
def _matcher(cb: Codebook) -> _Matcher:
    return _Matcher(cb)


class _Found:
    """The matches of a codebook in a document, in text order (see :func:`matches`).

    Attributes:
        hit: number of each match's term in :attr:`_Matcher.hits` (int64).
        start, end: offsets into ``doc.body`` (int64).
        sentence_id, word_index: as in :func:`matches` (int64).
    """

    __slots__ = ("hit", "start", "end", "sentence_id", "word_index")

    def __init__(self, hit, start, end, sentence_id, word_index):
        self.hit, self.start, self.end = hit, start, end
        self.sentence_id, self.word_index = sentence_id, word_index


@lru_cache(maxsize=4096)
def _lowers_alone(code_point: int) -> bool:
    """Whether ``str.lower`` makes one character of this one, whatever surrounds it."""
    return code_point != _CAPITAL_SIGMA and len(chr(code_point).lower()) == 1


def _packed(doc: Document, t: tokenise.TokenArrays) -> tuple[np.ndarray, np.ndarray] | None:
    """Every token's lower-cased form as an integer key, where the form is short enough.

    The key of a form of at most :data:`_PACKED_CHARS` characters, all below
    U+0100, is its characters as bytes (the first in the lowest byte) and its
    length in the top byte, so equal keys are equal forms. Characters are
    lower-cased one by one, which is what lower-casing the text does when no
    character of it changes length or depends on its neighbours.

    Returns:
        Which of the tokens have a key (bool), and their keys (uint64); None
        when some character of the text does not lower-case alone.
    """
    norm = doc.normalised
    length = t.end - t.start
    short = length <= _PACKED_CHARS
    try:  # every character below U+0100: one byte each
        byte = np.frombuffer(norm.encode("latin-1") + bytes(8), dtype=np.uint8)
    except UnicodeEncodeError:
        chars = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
        wide = np.flatnonzero(chars > 0xFF)
        if not all(map(_lowers_alone, np.unique(chars[wide]).tolist())):
            return None
        short &= np.searchsorted(wide, t.start) == np.searchsorted(wide, t.end)
        byte = np.zeros(len(chars) + 8, dtype=np.uint8)
        byte[:len(chars)] = chars  # above U+00FF: in no short form, so its byte is never read
    # the 8 lower-cased bytes from every offset as one little-endian integer
    byte = _LOWER_BYTES[byte]
    at_offset = np.ndarray((len(byte) - 7,), dtype="<u8", buffer=byte, strides=(1,))
    size = length[short].astype(np.uint64)
    keys = (at_offset[t.start[short]] & _PACKED_MASKS[size]) | (size << np.uint64(56))
    return short, keys


def _string_codes(m: _Matcher, forms: _Forms, strings: list[str]) -> np.ndarray:
    """The codes of the forms ``strings``, looked up by string (new ones coded now)."""
    codes = np.fromiter(map(forms.code.get, strings, repeat(_UNSEEN)), dtype="int64",
                        count=len(strings))
    new = np.flatnonzero(codes == _UNSEEN)
    if len(new):
        codes[new] = m.code(forms, [strings[i] for i in new.tolist()])
    return codes


def _token_codes(doc: Document, t: tokenise.TokenArrays, m: _Matcher, forms: _Forms) -> np.ndarray:
    """The code of every token's lower-cased form (see :class:`_Forms`).

    Short forms are found by packed key (:func:`_packed`) with one binary
    search per document, the others by string.
    """
    packed = _packed(doc, t)
    if packed is None:
        return _string_codes(m, forms, t.norm)
    short, keys = packed
    norm = doc.normalised
    codes = np.empty(len(t), dtype="int64")
    known, known_codes = forms.packed
    pending = forms.pending
    if len(known):
        at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        hit = known[at] == keys
        short_codes = np.where(hit, known_codes[at], _UNSEEN)
        miss = np.flatnonzero(~hit)
    else:
        short_codes = np.full(len(keys), _UNSEEN, dtype="int64")
        miss = np.arange(len(keys))
    if len(miss):
        missed = keys[miss].tolist()
        short_codes[miss] = list(map(pending.get, missed, repeat(_UNSEEN)))
        new = miss[short_codes[miss] == _UNSEEN]
        if len(new):
            # each new key and a token of it
            first = dict(zip(keys[new].tolist(), np.flatnonzero(short)[new].tolist()))
            strings = [norm[t.start[i]:t.end[i]].lower() for i in first.values()]
            coded = dict(zip(first, m.code(forms, strings, list(first))))
            short_codes[new] = [coded[k] for k in keys[new].tolist()]
    codes[short] = short_codes
    long = np.flatnonzero(~short)
    if len(long):
        codes[long] = _string_codes(m, forms, [norm[a:b].lower() for a, b in
                                                zip(t.start[long].tolist(), t.end[long].tolist())])
    return codes


def _units(codes: np.ndarray, t: tokenise.TokenArrays, forms: _Forms) -> tuple:
    """The matching stream: the tokens, each compound with a code below 0 split into its parts.

    Returns:
        The units' codes, start and end offsets, and token numbers (None
        when the units are the tokens).
    """
    compound = np.flatnonzero(codes < 0)
    if not len(compound):
        return codes, t.start, t.end, None
    parts = [forms.compounds[-c - 1] for c in codes[compound].tolist()]
    n_parts = np.ones(len(codes), dtype="int64")
    n_parts[compound] = [len(p) for p in parts]
    src = np.repeat(np.arange(len(codes)), n_parts)
    first = (np.cumsum(n_parts) - n_parts)[compound].tolist()
    at, part_code, part_start, part_end = [], [], [], []
    for f, s, ps in zip(first, t.start[compound].tolist(), parts):
        for k, (c, a, b) in enumerate(ps):
            at.append(f + k)
            part_code.append(c)
            part_start.append(s + a)
            part_end.append(s + b)
    codes, start, end = codes[src], t.start[src], t.end[src]
    codes[at], start[at], end[at] = part_code, part_start, part_end
    return codes, start, end, src


def _match(doc: Document, cb: Codebook) -> _Found:
    """Leftmost-longest matching over the document's units (tokens, compounds split into parts)."""
    m = _matcher(cb)
    t = tokenise.token_arrays(doc)
    forms = m.current_forms()
    codes, start, end, src = _units(_token_codes(doc, t, m, forms), t, forms)
    sid = t.sentence_id if src is None else t.sentence_id[src]
    candidates = np.flatnonzero(m.starts[codes]).tolist()
    found_p, found_q, found_hit = [], [], []
    if candidates:
        code_list, sid_list, n_units = codes.tolist(), sid.tolist(), len(codes)
        options, word, stem_of, exact, stemmed = m.options, m.word, m.stem, m.exact, m.stemmed
        consumed = 0
        for p in candidates:
            if p < consumed:
                continue
            for length, inflected in options[code_list[p]]:
                q = p + length
                if q > n_units or sid_list[q - 1] != sid_list[p]:
                    continue
                window = code_list[p:q]
                hit = (stemmed.get(tuple([stem_of[c] for c in window])) if inflected
                       else exact.get(tuple([word[c] for c in window])))
                if hit is not None:
                    found_p.append(p)
                    found_q.append(q)
                    found_hit.append(hit)
                    consumed = q
                    break
    hit = np.array(found_hit, dtype="int64")
    kept = m.hit_row[hit] >= 0
    p = np.array(found_p, dtype="int64")[kept]
    last = np.array(found_q, dtype="int64")[kept] - 1
    token = p if src is None else src[p]
    word_index = (np.cumsum(t.is_word) - 1)[token] if len(token) else token
    return _Found(hit[kept], start[p], end[last], t.sentence_id[token], word_index.astype("int64"))


def _found(doc: Document, cb: Codebook) -> _Found:
    return doc.cached(f"framing.found:{cb.key}", lambda: _match(doc, cb))


class _Sections:
    """The document's section labels (distinct, in section order) and each sentence's.

    Attributes:
        labels: the labels.
        of_sentence: each sentence's label as a number into ``labels`` (int64).
        words: words per label (:data:`analysis.tokenise.WORD_KINDS`, int64).
    """

    __slots__ = ("labels", "of_sentence", "words")

    def __init__(self, doc: Document):
        s = tokenise.sentence_arrays(doc)
        self.labels = list(dict.fromkeys(sec.label for sec in doc.sections))
        number = {label: i for i, label in enumerate(self.labels)}
        self.of_sentence = np.fromiter(map(number.__getitem__, s.section), dtype="int64",
                                       count=len(s))
        self.words = np.bincount(self.of_sentence, weights=s.n_words,
                                 minlength=len(self.labels)).astype("int64")


def _sections(doc: Document) -> _Sections:
    return doc.cached("framing.sections", lambda: _Sections(doc))


def _matches_frame(doc: Document, cb: Codebook) -> pd.DataFrame:
    """The table of :func:`matches`."""
    found = _found(doc, cb)
    m = _matcher(cb)
    hits = found.hit.tolist()
    body = doc.body
    out = pd.DataFrame({
        "frame": [m.hit_frame[h] for h in hits],
        "term": [m.hit_term[h] for h in hits],
        "text": [body[s:e] for s, e in zip(found.start.tolist(), found.end.tolist())],
        "start": found.start,
        "end": found.end,
        "sentence_id": found.sentence_id,
        "word_index": found.word_index,
    })
    sents = tokenise.sentence_arrays(doc)
    at = found.sentence_id.tolist()
    out["section"] = np.array([sents.section[i] for i in at], dtype=object)
    out["sentence"] = np.array([sents.text[i] for i in at], dtype=object)
    return out


def matches(doc: Document, codebook: lexicons.Source | Codebook = None) -> pd.DataFrame:
    """Every frame-term match in the document, in text order, with its sentence as evidence.

    Args:
        doc: the document.
        codebook: ``None`` for the packaged codebook, a path, a mapping or a
            compiled :class:`Codebook`.

    Returns:
        DataFrame with columns ``frame`` (frame id), ``term`` (the codebook
        term as listed), ``text`` (the matched text as in the body),
        ``start``, ``end`` (offsets into ``doc.body``), ``sentence_id``,
        ``word_index`` (position of the first word among the document's
        words, 0-based), ``section`` (label) and ``sentence`` (its text).

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("The alliances grew. Russia’s military alliance held.")
        >>> framing.matches(doc)["text"].tolist()
        ['alliances', 'military', 'alliance']
    """
    return _matches_frame(doc, _resolve(codebook))


def _resolve(source) -> Codebook:
    return codebook(source)


#: Columns and dtypes of :func:`count`.
COUNT_DTYPES = {"frame": "str", "term": "str", "section": "str", "count": "int64",
                "per_1k_words": "float64"}


def _counts(doc: Document, cb: Codebook) -> np.ndarray:
    """Matches per row of the codebook's grid (see :class:`_Matcher`) and section label."""
    m = _matcher(cb)
    found = _found(doc, cb)
    sections = _sections(doc)
    n_sec = len(sections.labels)
    cells = m.hit_row[found.hit] * n_sec + sections.of_sentence[found.sentence_id]
    per_cell = np.bincount(cells, minlength=m.n_distinct * n_sec)
    return per_cell.reshape(m.n_distinct, n_sec)[m.rows].astype("int64")


def _per_1k(count: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Count per 1,000 words; 0.0 where there are no words."""
    return np.where(words > 0, 1000.0 * count / np.maximum(words, 1), 0.0)


@lru_cache(maxsize=128)
def _grid_columns(cb: Codebook, n_sec: int) -> tuple[list[str], list[str]]:
    """The ``frame`` and ``term`` columns of :func:`count` for ``n_sec`` section labels."""
    m = _matcher(cb)
    return [f for f in m.frames for _ in range(n_sec)], [t for t in m.terms for _ in range(n_sec)]


@tidy
def count(doc: Document, codebook: lexicons.Source | Codebook = None) -> Table:
    """Frequency of every codebook term by section, zeros included.

    Args:
        doc: the document.
        codebook: as for :func:`matches`.

    Returns:
        DataFrame with one row per frame, term and section (codebook order,
        then section order) and columns ``frame``, ``term``, ``section``,
        ``count`` and ``per_1k_words`` (count per 1,000 words of that
        section; words are tokens of :data:`analysis.tokenise.WORD_KINDS`;
        0.0 for a section without words).

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("The alliance held. The alliances grew.")
        >>> row = framing.count(doc).query("term == 'alliance'")
        >>> row[["count", "per_1k_words"]].values.tolist()
        [[2.0, 333.3333333333333]]
    """
    cb = _resolve(codebook)
    m = _matcher(cb)
    sections = _sections(doc)
    n_sec = len(sections.labels)
    count_ = _counts(doc, cb).ravel()
    frames, terms = _grid_columns(cb, n_sec)
    return Table({
        "frame": list(frames),
        "term": list(terms),
        "section": sections.labels * len(m.frames),
        "count": count_,
        "per_1k_words": _per_1k(count_, np.tile(sections.words, len(m.frames))),
    }, COUNT_DTYPES)


#: Dtypes of :func:`density`'s columns after the ``by`` columns (which are ``str``).
DENSITY_DTYPES = {"count": "int64", "words": "int64", "per_1k_words": "float64"}


@lru_cache(maxsize=128)
def _groups(cb: Codebook, by: tuple[str, ...]) -> tuple[np.ndarray, dict[str, list]]:
    """The grid rows' groups by the ``frame``/``term`` columns in ``by``, in order of first row.

    Returns:
        A (groups x rows) 0/1 matrix, and each column's value per group.
    """
    m = _matcher(cb)
    columns = {"frame": m.frames, "term": m.terms}
    keys = list(zip(*(columns[b] for b in by))) if by else [()] * len(m.frames)
    number: dict[tuple, int] = {}
    for key in keys:
        number.setdefault(key, len(number))
    member = np.zeros((len(number), len(keys)), dtype="int64")
    member[[number[key] for key in keys], np.arange(len(keys))] = 1
    return member, {b: [key[i] for key in number] for i, b in enumerate(by)}


@tidy
def density(doc: Document, codebook: lexicons.Source | Codebook = None, *,
            by: Sequence[str] = ("frame",)) -> Table:
    """Frame-term counts and rates per 1,000 words, grouped as asked.

    Args:
        doc: the document.
        codebook: as for :func:`matches`.
        by: any of ``"frame"``, ``"term"``, ``"section"``; without
            ``"section"`` the denominator is the document's word count
            (:func:`analysis.tokenise.word_count`), with it the section's.

    Returns:
        DataFrame with the ``by`` columns, ``count``, ``words`` (the
        denominator) and ``per_1k_words``; zero rows included.

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("The alliance held against encirclement.")
        >>> framing.density(doc).set_index("frame").loc["alliance_partnership", "per_1k_words"]
        np.float64(200.0)
    """
    by = tuple(by)
    allowed = ("frame", "term", "section")
    if not by or any(b not in allowed for b in by):
        raise InputError(f"density: 'by' must name some of {', '.join(allowed)}, got {list(by)!r}")
    cb = _resolve(codebook)
    dtypes = {**{b: "str" for b in by}, **DENSITY_DTYPES}
    sections = _sections(doc)
    n_sec = len(sections.labels)
    if not n_sec:  # no grid rows, no groups
        return Table.empty(dtypes)
    member, values = _groups(cb, tuple(b for b in by if b != "section"))
    per_group = member @ _counts(doc, cb)  # groups x sections
    n_groups = len(member)
    if "section" in by:
        columns = {b: sections.labels * n_groups if b == "section"
                   else [v for v in values[b] for _ in range(n_sec)] for b in by}
        count_, words = per_group.ravel(), np.tile(sections.words, n_groups)
    else:
        columns = {b: list(values[b]) for b in by}
        count_ = per_group.sum(axis=1)
        words = np.full(n_groups, tokenise.word_count(doc), dtype="int64")
    return Table({**columns, "count": count_, "words": words,
                  "per_1k_words": _per_1k(count_, words)}, dtypes)


def section_positions(doc: Document) -> pd.DataFrame:
    """Section boundaries as normalised positions (0-1, by word), for dispersion plots.

    Args:
        doc: the document.

    Returns:
        DataFrame with columns ``section_index``, ``section``, ``first_word``
        (index of its first word), ``words``, ``position_start`` and
        ``position_end``.

    Example:
        >>> from analysis import corpus, framing
        >>> framing.section_positions(corpus.from_text("One two. Three four."))["words"].tolist()
        [4]
    """
    sents = tokenise.sentence_arrays(doc)
    total = max(int(sents.n_words.sum()), 1)
    bounds = np.array([s.start for s in doc.sections])
    of = np.searchsorted(bounds, sents.start, side="right") - 1
    words = np.bincount(of, weights=sents.n_words, minlength=len(bounds)).astype("int64")
    first = np.cumsum(words) - words
    return pd.DataFrame({
        "section_index": [s.index for s in doc.sections],
        "section": [s.label for s in doc.sections],
        "first_word": first,
        "words": words,
        "position_start": first / total,
        "position_end": (first + words) / total,
    })


def dispersion(doc: Document, codebook: lexicons.Source | Codebook = None) -> pd.DataFrame:
    """Where each frame occurs along the text (a lexical dispersion or x-ray plot's data).

    Args:
        doc: the document.
        codebook: as for :func:`matches`.

    Returns:
        DataFrame with one row per match and columns ``frame``, ``term``,
        ``start``, ``end``, ``word_index``, ``position`` (``word_index``
        divided by the document's word count: 0 is the first word, just
        under 1 the last) and ``section``. Section boundaries on the same
        scale come from :func:`section_positions`.

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("One two three four alliance six seven eight nine ten.")
        >>> framing.dispersion(doc)["position"].tolist()
        [0.4]
    """
    found = _matches_frame(doc, _resolve(codebook))
    total = max(tokenise.word_count(doc), 1)
    out = found[["frame", "term", "start", "end", "word_index", "section"]].copy()
    out.insert(5, "position", out["word_index"] / total)
    return out


def deviation_of_proportions(doc: Document, codebook: lexicons.Source | Codebook = None, *,
                             parts: str | int = "sections") -> pd.DataFrame:
    """Gries's DP: how evenly each frame spreads over the parts of the text.

    DP = 0.5 * sum_i |o_i - e_i|, where o_i is the share of the frame's
    matches in part i and e_i the share of the document's words in part i
    (Gries 2008). 0 means the frame is spread exactly like the words, values
    near 1 that it is concentrated in one part. ``dp_norm`` divides by
    1 - min(e_i), the maximum DP for the given parts (Lijffijt & Gries 2012).

    Args:
        doc: the document.
        codebook: as for :func:`matches`.
        parts: ``"sections"`` (the document's sections) or an integer n for
            n parts of equal length in words.

    Returns:
        DataFrame with columns ``frame``, ``count``, ``parts``, ``dp`` and
        ``dp_norm`` (NaN when the frame has no match or there is one part).

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("Alliance one two three. Four five six seven.")
        >>> framing.deviation_of_proportions(doc, parts=2).set_index("frame").loc[
        ...     "alliance_partnership", "dp"]
        np.float64(0.5)
    """
    cb = _resolve(codebook)
    found = _found(doc, cb)
    frame_of = _matcher(cb).hit_frame_index[found.hit]
    total = tokenise.word_count(doc)
    if parts == "sections":
        bounds = section_positions(doc)
        edges = bounds["first_word"].to_numpy()
        expected = bounds["words"].to_numpy() / max(total, 1)
    elif isinstance(parts, int) and not isinstance(parts, bool) and parts >= 1:
        edges = np.floor(np.arange(parts) * total / parts).astype("int64")
        expected = np.diff(np.append(edges, total)) / max(total, 1)
    else:
        raise InputError("deviation_of_proportions: parts must be 'sections' or a positive "
                         f"integer, got {parts!r}")
    part_of = np.searchsorted(edges, found.word_index, side="right") - 1
    rows = []
    for i, fid in enumerate(cb.frame_ids):
        mine = part_of[frame_of == i]
        n = len(mine)
        if n == 0 or len(expected) < 2:
            rows.append({"frame": fid, "count": n, "parts": len(expected), "dp": np.nan, "dp_norm": np.nan})
            continue
        observed = np.bincount(mine, minlength=len(expected)) / n
        dp = 0.5 * float(np.abs(observed - expected).sum())
        rows.append({"frame": fid, "count": n, "parts": len(expected), "dp": dp,
                     "dp_norm": dp / (1.0 - float(expected.min()))})
    return pd.DataFrame(rows)


@lru_cache(maxsize=256)
def _kwic_pattern(pattern: str, regex: bool) -> re.Pattern:
    if not pattern.strip():
        raise InputError("kwic: the pattern is empty")
    if regex:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise InputError(f"kwic: bad regular expression {pattern!r} ({exc})") from None
    return re.compile(r"(?<!\w)" + re.escape(normalise(pattern.strip())) + r"(?!\w)", re.IGNORECASE)


def _context(doc: Document, starts: np.ndarray, ends: np.ndarray, width: int) -> pd.DataFrame:
    body = doc.body
    flat = str.maketrans("\n\t", "  ")
    sents = tokenise.sentence_arrays(doc)
    s_start, s_end = sents.start, sents.end
    k = np.searchsorted(s_start, starts, side="right") - 1
    inside = (k >= 0) & (ends <= s_end[np.clip(k, 0, None)]) if len(s_start) else np.zeros(len(starts), bool)
    sec_starts = np.array([s.start for s in doc.sections])
    sec_labels = [s.label for s in doc.sections]
    sec = np.searchsorted(sec_starts, starts, side="right") - 1
    return pd.DataFrame({
        "start": starts.astype("int64"),
        "end": ends.astype("int64"),
        "left": [body[max(0, s - width):s].translate(flat) for s in starts],
        "match": [body[s:e].translate(flat) for s, e in zip(starts, ends)],
        "right": [body[e:e + width].translate(flat) for e in ends],
        "sentence_id": np.where(inside, k, -1).astype("int64"),
        "section": [sec_labels[max(i, 0)] for i in sec],
    })


def kwic(doc: Document, pattern: str | re.Pattern, *, width: int = KWIC_WIDTH,
         regex: bool = False) -> pd.DataFrame:
    """Keyword in context for any term or regular expression.

    Args:
        doc: the document.
        pattern: a word or phrase (matched case-insensitively as whole words,
            curly quotes and dashes folded) or, with ``regex=True`` or a
            compiled pattern, a regular expression searched in
            ``doc.normalised`` (same offsets as ``doc.body``).
        width: characters of context on each side (:data:`KWIC_WIDTH`).
        regex: treat a string ``pattern`` as a regular expression.

    Returns:
        DataFrame with columns ``start``, ``end`` (offsets into
        ``doc.body``), ``left``, ``match``, ``right`` (text as in the body,
        line breaks shown as spaces), ``sentence_id`` (-1 outside a
        sentence, e.g. in a heading) and ``section``.

    Raises:
        InputError: an empty pattern, a bad regular expression or a
            negative width.

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("They built an alliance of equals.")
        >>> framing.kwic(doc, "Alliance", width=9)[["left", "match", "right"]].values.tolist()
        [['built an ', 'alliance', ' of equal']]
    """
    if not isinstance(width, int) or width < 0:
        raise InputError(f"kwic: width must be a non-negative integer, got {width!r}")
    if isinstance(pattern, re.Pattern):
        compiled = pattern
    elif isinstance(pattern, str):
        compiled = _kwic_pattern(pattern, regex)
    else:
        raise InputError("kwic: pattern must be a string or compiled regex, "
                         f"got {type(pattern).__name__}")
    spans = [(m.start(), m.end()) for m in compiled.finditer(doc.normalised) if m.end() > m.start()]
    starts = np.array([s for s, _ in spans], dtype="int64")
    ends = np.array([e for _, e in spans], dtype="int64")
    return _context(doc, starts, ends, width)


def kwic_frames(doc: Document, codebook: lexicons.Source | Codebook = None, *,
                per_frame: int = KWIC_PER_FRAME, width: int = KWIC_WIDTH) -> pd.DataFrame:
    """A keyword-in-context sample of each frame's matches.

    The sample is spread evenly over the frame's matches in text order
    (first, last and evenly spaced between), so it is the same on every run.

    Args:
        doc: the document.
        codebook: as for :func:`matches`.
        per_frame: lines per frame (:data:`KWIC_PER_FRAME`).
        width: characters of context on each side.

    Returns:
        DataFrame with columns ``frame``, ``term`` and those of :func:`kwic`.

    Example:
        >>> from analysis import corpus, framing
        >>> doc = corpus.from_text("The alliance held.")
        >>> framing.kwic_frames(doc, width=4)[["frame", "left", "match"]].values.tolist()
        [['alliance_partnership', 'The ', 'alliance']]
    """
    if not isinstance(per_frame, int) or per_frame < 1:
        raise InputError(f"kwic_frames: per_frame must be a positive integer, got {per_frame!r}")
    if not isinstance(width, int) or width < 0:
        raise InputError(f"kwic_frames: width must be a non-negative integer, got {width!r}")
    cb = _resolve(codebook)
    found = _matches_frame(doc, cb)
    picks = []
    for fid in cb.frame_ids:
        rows = np.flatnonzero((found["frame"] == fid).to_numpy())
        if len(rows):
            spread = np.linspace(0, len(rows) - 1, min(per_frame, len(rows))).round().astype(int)
            picks.extend(rows[np.unique(spread)])
    sample = found.iloc[picks]
    ctx = _context(doc, sample["start"].to_numpy(), sample["end"].to_numpy(), width)
    ctx.insert(0, "frame", sample["frame"].to_numpy())
    ctx.insert(1, "term", sample["term"].to_numpy())
    return ctx
