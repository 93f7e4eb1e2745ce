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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from nltk.stem.snowball import SnowballStemmer

from analysis import lexicons, tokenise
from analysis.corpus import Document
from analysis.errors import InputError, LexiconError
from analysis.normalise import TABLE, normalise

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
_WORD_KINDS = frozenset(tokenise.WORD_KINDS)


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


def _word_mask(kind: pd.Series) -> np.ndarray:
    """Which tokens are words (kind in :data:`analysis.tokenise.WORD_KINDS`), via category codes."""
    if isinstance(kind.dtype, pd.CategoricalDtype):
        of_category = np.array([c in _WORD_KINDS for c in kind.cat.categories.tolist()] + [False])
        return of_category[kind.cat.codes.to_numpy()]  # code -1 (missing): not a word
    return kind.isin(tokenise.WORD_KINDS).to_numpy()


@lru_cache(maxsize=200_000)
def _form_parts(form: str) -> tuple[tuple[str, int, int], ...]:
    """The parts a word form is matched as: a hyphenated compound's parts, else the form itself."""
    parts = _split_compound(form) if "-" in form and any(ch.isalnum() for ch in form) else []
    if len(parts) < 2:
        parts = [(form, 0, len(form))]
    return tuple(parts)


#: Stems of the word forms seen so far (a plain dict in front of :func:`stem`;
#: cleared when it reaches the size of :func:`stem`'s cache).
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000


def _stems(forms: list[str]) -> list[str]:
    """:func:`stem` of each form, remembered across documents."""
    known = _STEMS
    if len(known) > _STEMS_MAX:
        known.clear()
    out = [known.get(f) for f in forms]
    for i, s in enumerate(out):
        if s is None:
            out[i] = known[forms[i]] = stem(forms[i])
    return out


def _units(doc: Document) -> dict:
    """The matching stream: every token, hyphenated words split into their parts.

    Word forms and stems are integer codes into ``vocab``/``stems``, so
    matching compares integers; computed once per document.
    """

    def build() -> dict:
        w = tokenise.words(doc)
        codes, uniques = pd.factorize(w["norm"])
        vocab = [str(u) for u in uniques.tolist()]
        start = w["start"].to_numpy()
        sid = w["sentence_id"].to_numpy()
        word_index = np.cumsum(_word_mask(w["kind"])) - 1
        index = dict(zip(vocab, range(len(vocab))))
        # Parts of each hyphenated word form: codes and offsets inside the form.
        # A form without a hyphen is its own one part (code i, offsets 0 to its length).
        n_forms = len(vocab)
        compounds = [(i, _form_parts(form)) for i, form in enumerate(vocab) if "-" in form]
        compounds = [(i, parts) for i, parts in compounds if len(parts) > 1]
        for _, parts in compounds:
            for part, _, _ in parts:
                if part not in index:
                    index[part] = len(vocab)
                    vocab.append(part)
        n_parts = np.ones(n_forms, dtype="int64")
        for i, parts in compounds:
            n_parts[i] = len(parts)
        part_first = np.cumsum(n_parts) - n_parts
        flat_code = np.repeat(np.arange(n_forms, dtype="int64"), n_parts)
        flat_start = np.zeros(len(flat_code), dtype="int64")
        flat_end = np.repeat(np.fromiter(map(len, vocab[:n_forms]), dtype="int64", count=n_forms), n_parts)
        for i, parts in compounds:
            at = part_first[i] + np.arange(len(parts))
            flat_code[at] = [index[part] for part, _, _ in parts]
            flat_start[at] = [s for _, s, _ in parts]
            flat_end[at] = [e for _, _, e in parts]
        # Only word tokens contain a hyphen between letters, so forms decide the split.
        end = w["end"].to_numpy()
        if (n_parts == 1).all():
            src, u_code, u_start, u_end = np.arange(len(w)), codes, start, end
        else:
            counts = n_parts[codes]
            src = np.repeat(np.arange(len(w)), counts)
            src_code = codes[src]
            flat = part_first[src_code] + np.arange(len(src)) - np.repeat(np.cumsum(counts) - counts, counts)
            u_code = flat_code[flat]
            u_start = start[src] + flat_start[flat]
            u_end = np.where(n_parts[src_code] == 1, end[src], start[src] + flat_end[flat])
        stem_codes, stem_uniques = pd.factorize(np.array(_stems(vocab), dtype=object))
        return {"code": u_code, "stem": stem_codes[u_code] if len(vocab) else u_code,
                "vocab": index, "stem_vocab": dict(zip(stem_uniques.tolist(), range(len(stem_uniques)))),
                "start": u_start, "end": u_end, "sentence_id": sid[src], "word_index": word_index[src]}

    return doc.cached("framing.units", build)


#: Multiplier of the polynomial hash of word-code n-grams (a prime). With codes
#: below it, the hash of up to three words is exact in 64 bits; longer hits
#: are checked word by word.
_HASH = np.uint64(1_000_003)
_HASH_EXACT_UP_TO = 3


def _ngram_hash(codes: np.ndarray, positions: np.ndarray, length: int) -> np.ndarray:
    h = np.zeros(len(positions), dtype="uint64")
    for k in range(length):
        h = h * _HASH + codes[positions + k].astype("uint64") + np.uint64(1)
    return h


def _term_codes(table: dict, vocab: dict, transform) -> dict:
    """Codebook keys as code tuples of this document's vocabulary (unknown words drop the term)."""
    out = {}
    for words, hit in table.items():
        codes = [vocab.get(transform(w)) for w in words]
        if None not in codes:
            out[tuple(codes)] = hit
    return out


def _match(doc: Document, cb: Codebook) -> pd.DataFrame:
    u = _units(doc)
    sid, n = u["sentence_id"], len(u["code"])
    tables = [
        (u["code"], _term_codes(cb.exact, u["vocab"], lambda w: w)),
        (u["stem"], _term_codes(cb.stemmed, u["stem_vocab"], lambda s: s)),
    ]
    found_pos, found_len, found_order, found_hit = [], [], [], []
    for order, (codes, table) in enumerate(tables):
        for length in sorted({len(k) for k in table}):
            items = [(k, hit) for k, hit in table.items() if len(k) == length]
            keys = _ngram_hash(np.array([k for k, _ in items], dtype="int64").ravel(),
                               np.arange(len(items)) * length, length)
            sort = np.argsort(keys)
            keys = keys[sort]
            pos = np.arange(max(n - length + 1, 0))
            pos = pos[np.isin(codes[pos], [k[0] for k, _ in items])]
            pos = pos[sid[pos + length - 1] == sid[pos]]
            h = _ngram_hash(codes, pos, length)
            at = np.clip(np.searchsorted(keys, h), 0, len(keys) - 1)
            ok = keys[at] == h
            pos, which = pos[ok], sort[at[ok]]
            if length > _HASH_EXACT_UP_TO or len(u["vocab"]) + 1 >= int(_HASH):  # may collide: check
                same = [tuple(codes[i:i + length].tolist()) == items[j][0] for i, j in zip(pos, which)]
                pos, which = pos[np.array(same, dtype=bool)], which[np.array(same, dtype=bool)]
            found_pos.append(pos)
            found_len.append(np.full(len(pos), length))
            found_order.append(np.full(len(pos), order))
            found_hit.extend(items[j][1] for j in which.tolist())
    if found_pos:
        pos, length, order = (np.concatenate(x) for x in (found_pos, found_len, found_order))
    else:
        pos = length = order = np.zeros(0, dtype="int64")
    # leftmost-longest: by position, then longest, then exact before inflected
    sequence = np.lexsort((order, -length, pos))
    rows_i, rows_n, rows_hit = [], [], []
    consumed = 0
    for k, i, m in zip(sequence.tolist(), pos[sequence].tolist(), length[sequence].tolist()):
        if i >= consumed:
            rows_i.append(i)
            rows_n.append(m)
            rows_hit.append(found_hit[k])
            consumed = i + m
    kept = [j for j, hit in enumerate(rows_hit) if hit[0] != EXCLUDED]
    rows_hit = [rows_hit[j] for j in kept]
    idx = np.array(rows_i, dtype="int64")[kept]
    last = idx + np.array(rows_n, dtype="int64")[kept] - 1
    starts, ends = u["start"][idx], u["end"][last]
    body = doc.body
    return pd.DataFrame({
        "frame": [h[0] for h in rows_hit],
        "term": [h[1] for h in rows_hit],
        "text": [body[s:e] for s, e in zip(starts.tolist(), ends.tolist())],
        "start": starts.astype("int64"),
        "end": ends.astype("int64"),
        "sentence_id": u["sentence_id"][idx].astype("int64"),
        "word_index": u["word_index"][idx].astype("int64"),
    })


def _matches(doc: Document, cb: Codebook) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        found = _match(doc, cb)
        sents = tokenise.sentences(doc)
        ids = sents["sentence_id"].to_numpy()
        if np.array_equal(ids, np.arange(len(ids))):  # sentence ids are row numbers: take by position
            at = found["sentence_id"].to_numpy()
            found["section"] = sents["section"].to_numpy()[at]
            found["sentence"] = sents["text"].to_numpy()[at]
        else:
            sents = sents.set_index("sentence_id")
            found["section"] = sents["section"].reindex(found["sentence_id"]).to_numpy()
            found["sentence"] = sents["text"].reindex(found["sentence_id"]).to_numpy()
        return found

    return doc.cached(f"framing.matches:{cb.key}", build)


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
    return _matches(doc, _resolve(codebook)).copy(deep=False)


def _resolve(source) -> Codebook:
    return codebook(source)


def _section_words(doc: Document) -> pd.Series:
    sents = tokenise.sentences(doc)
    labels = list(dict.fromkeys(s.label for s in doc.sections))
    return sents.groupby("section", sort=False)["n_words"].sum().reindex(labels, fill_value=0)


def count(doc: Document, codebook: lexicons.Source | Codebook = None) -> pd.DataFrame:
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
    found = _matches(doc, cb)
    labels, words = _section_word_counts(doc)
    frames, terms, pair_of = _pairs(cb)
    n_sec = len(labels)
    if not n_sec:  # no section: the general path (an empty grid)
        return _count_frame(found, cb, _section_words(doc))
    # matches per (distinct frame-term pair, section), then spread to the grid's rows
    section_of = {label: i for i, label in enumerate(labels)}
    n_pairs = max(pair_of.values(), default=-1) + 1
    cells = [pair_of[(f, t)] * n_sec + section_of[sec] if (f, t) in pair_of and sec in section_of else -1
             for f, t, sec in zip(found["frame"].tolist(), found["term"].tolist(), found["section"].tolist())]
    cells = np.asarray(cells, dtype="int64")
    per_cell = np.bincount(cells[cells >= 0], minlength=n_pairs * n_sec).astype("int64")
    rows = np.asarray([pair_of[(f, t)] for f, t in zip(frames, terms)], dtype="int64")
    count_ = per_cell.reshape(n_pairs, n_sec)[rows].ravel()
    denom = np.tile(words, len(frames))
    return pd.DataFrame({
        "frame": [f for f in frames for _ in range(n_sec)],
        "term": [t for t in terms for _ in range(n_sec)],
        "section": list(labels) * len(frames),
        "count": count_,
        "per_1k_words": np.where(denom > 0, 1000.0 * count_ / np.maximum(denom, 1), 0.0),
    })


def _count_frame(found: pd.DataFrame, cb: Codebook, words: pd.Series) -> pd.DataFrame:
    """:func:`count` with pandas grouping (used when the document has no section)."""
    pairs = [(f.id, t) for f in cb.frames for t in (*f.terms, *f.inflected)]
    index = pd.MultiIndex.from_tuples([(f, t, s) for f, t in pairs for s in words.index],
                                      names=["frame", "term", "section"])
    counts = found.groupby(["frame", "term", "section"]).size().reindex(index, fill_value=0)
    out = counts.rename("count").reset_index()
    denom = words.reindex(out["section"]).to_numpy()
    out["per_1k_words"] = np.where(denom > 0, 1000.0 * out["count"] / np.maximum(denom, 1), 0.0)
    out["count"] = out["count"].astype("int64")
    return out


@lru_cache(maxsize=32)
def _pairs(cb: Codebook) -> tuple[tuple[str, ...], tuple[str, ...], dict]:
    """The codebook's (frame, term) rows in codebook order, and each distinct pair's number."""
    frames, terms, pair_of = [], [], {}
    for f in cb.frames:
        for t in (*f.terms, *f.inflected):
            frames.append(f.id)
            terms.append(t)
            pair_of.setdefault((f.id, t), len(pair_of))
    return tuple(frames), tuple(terms), pair_of


def _section_word_counts(doc: Document) -> tuple[list, np.ndarray]:
    """Section labels in section order and their word counts (as :func:`_section_words`)."""
    def build():
        sents = tokenise.sentences(doc)
        labels = list(dict.fromkeys(s.label for s in doc.sections))
        codes, uniques = pd.factorize(sents["section"])
        sums = np.zeros(len(uniques), dtype="int64")
        ok = codes >= 0
        np.add.at(sums, codes[ok], sents["n_words"].to_numpy("int64")[ok])
        total = dict(zip(uniques.tolist(), sums.tolist()))
        return labels, np.asarray([total.get(label, 0) for label in labels], dtype="int64")

    return doc.cached("framing.section_words", build)


def density(doc: Document, codebook: lexicons.Source | Codebook = None, *,
            by: Sequence[str] = ("frame",)) -> pd.DataFrame:
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
    table = count(doc, codebook)
    out = table.groupby(list(by), sort=False)["count"].sum().reset_index()
    if "section" in by:
        out["words"] = _section_words(doc).reindex(out["section"]).to_numpy().astype("int64")
    else:
        out["words"] = tokenise.word_count(doc)
    out["per_1k_words"] = np.where(out["words"] > 0, 1000.0 * out["count"] / out["words"].clip(lower=1), 0.0)
    return out


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
    sents = tokenise.sentences(doc)
    total = max(int(sents["n_words"].sum()), 1)
    bounds = np.array([s.start for s in doc.sections])
    of = np.searchsorted(bounds, sents["start"].to_numpy(), side="right") - 1
    words = np.bincount(of, weights=sents["n_words"].to_numpy(), minlength=len(bounds)).astype("int64")
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
    found = _matches(doc, _resolve(codebook))
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
    found = _matches(doc, cb)
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
    part_of = np.searchsorted(edges, found["word_index"].to_numpy(), side="right") - 1
    rows = []
    for fid in cb.frame_ids:
        mine = part_of[(found["frame"] == fid).to_numpy()]
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
    sents = tokenise.sentences(doc)
    s_start, s_end = sents["start"].to_numpy(), sents["end"].to_numpy()
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
    found = _matches(doc, cb)
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
