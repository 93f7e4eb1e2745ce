"""Sentences and word tokens with character offsets into ``Document.body``.

Sentence splitting
    A rule-based splitter in the manner of Punkt (Kiss & Strunk 2006) with its
    parameters shipped as data (``lexicons/abbreviations.yml``) instead of
    trained: a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
    brackets) followed by white space ends a sentence when the next word
    starts with a capital, a digit or an opening quote, except that

    - a single period after a listed abbreviation ("Mr.", "Sept."), a
      letter-period sequence ("U.S.", "M.K.") or a lone capital initial ("K.")
      ends a sentence only when the next word is a listed sentence starter
      ("... the U.S. But ..." splits; "the U.S. National Security" does not);
    - a sentence never crosses a paragraph, and headings are not sentences.

    NLTK's ``PunktSentenceTokenizer`` loaded with the same abbreviation and
    starter lists makes the same decisions on the seed, except that it does
    not treat "…" as sentence-final (the tests check this); one compiled
    pattern keeps the splitter several times faster.

Word tokens
    NLTK's :class:`~nltk.tokenize.RegexpTokenizer` with :func:`token_pattern`,
    applied to the normalised body (curly quotes folded, same offsets):

    - ``abbreviation``: letter-period sequences ("U.S.", "M.K.", also in a
      compound: "U.S.-led") and listed abbreviations with their period ("Mr.");
    - ``number``: digits with internal separators ("128,000", "3.5");
    - ``word``: letters and digits joined by word-internal hyphens or
      apostrophes ("Sino-Russian", "anti-missile", "S-500", "O'Brien");
    - ``clitic``: possessive and contracted endings split off in the Penn
      Treebank manner: "Russia’s" → "Russia" + "’s"; "don’t" → "do" + "n’t";
    - ``punct``: an ellipsis, or any other single non-space character.

    The ``norm`` column is the token normalised and lower-cased (``’s`` → ``'s``).

    :func:`tokenize_text` applies exactly this pattern with NLTK's
    ``RegexpTokenizer``; it is the reference definition. :func:`words` finds
    the same tokens with array operations over the whole text (about five times
    faster), and the tests require identical tokens on the seed. On other text
    the array pass differs in one documented way: a hyphenated compound whose
    parts are abbreviations or numbers stays one token ("anti-U.S.",
    "27.9-mile", "then-U.N.") and "n’t" is split off inside a hyphenated
    compound ("if-I-do" + "n’t"), where the pattern splits otherwise.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from nltk.tokenize import RegexpTokenizer

from analysis import lexicons
from analysis.corpus import Document
from analysis.normalise import TABLE

#: Integer type of byte offsets: pandas stores strings as Arrow large_string,
#: so building them with 64-bit offsets avoids a copy.
_OFFSET = np.int64
#: Characters tokenised at once; the array pass needs about 40 bytes per
#: character, so a chunk of 2**18 characters stays near 10 MB.
CHUNK_CHARS = 1 << 18
#: Token kinds that count as words in every "per 1,000 words" rate.
WORD_KINDS = ("word", "number", "abbreviation")


@lru_cache(maxsize=1)
def _abbreviation_data() -> tuple[frozenset[str], frozenset[str]]:
    data = lexicons.load(None, name="abbreviations", required=("abbreviations", "sentence_starters"))
    label = data["meta"]["loaded_from"]
    abbrevs = frozenset(lexicons.string_list(data, "abbreviations", label=label))
    starters = frozenset(lexicons.string_list(data, "sentence_starters", label=label))
    return abbrevs, starters


@lru_cache(maxsize=1)
def token_pattern() -> str:
    """The word-token pattern (see the module docstring); built from the abbreviation list."""
    abbrevs, _ = _abbreviation_data()
    single = sorted((a for a in abbrevs if "." not in a), key=len, reverse=True)
    return (
        r"(?P<abbreviation>(?:[A-Za-z]\.){2,}(?:-\w+)*|\b(?:" + "|".join(map(re.escape, single)) + r")\.(?=\s|$))"
        r"|(?P<number>\d+(?:[.,:/]\d+)+)"
        r"|(?P<clitic>(?<=\w)n't\b|(?<=\w)'(?:s|re|ve|ll|d|m)\b)"
        r"|(?P<word>\w+(?=n't\b)|\w+(?:(?:-|'(?!(?:s|re|ve|ll|d|m|t)\b))\w+)*)"
        r"|(?P<punct>\.\.\.|[^\w\s])"
    )


@lru_cache(maxsize=1)
def _tokenizer() -> RegexpTokenizer:
    return RegexpTokenizer(token_pattern(), gaps=False, discard_empty=True, flags=re.UNICODE)


# Terminal punctuation, closing quotes/brackets, white space, then the next word.
_CANDIDATE = re.compile(r"(?P<punct>[.!?…]+)(?P<close>[\"')\]]*)(?P<space>\s+)(?P<next>[\"'(\[]*\w+)?")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")
_OPENERS = "\"'(["


def _is_boundary(text: str, m: re.Match, abbrevs: frozenset[str], starters: frozenset[str]) -> bool:
    nxt = m.group("next")
    if not nxt:
        return False
    word = nxt.lstrip(_OPENERS)
    if not word or word[0].islower():
        return False
    if m.group("punct") == "." and not m.group("close"):
        start = m.start()
        prev = text[max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1:start].lstrip(_OPENERS)
        if prev in abbrevs or _INITIALS.match(prev):
            return word in starters
    return True


def _split(text: str, offset: int, abbrevs, starters) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CANDIDATE.finditer(text):
        if _is_boundary(text, m, abbrevs, starters):
            spans.append((offset + start, offset + m.start("space")))
            start = m.end("space")
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def sentence_spans(doc: Document) -> np.ndarray:
    """Array of (start, end, paragraph index) rows, one per sentence, in order."""

    def compute() -> np.ndarray:
        abbrevs, starters = _abbreviation_data()
        norm = doc.normalised
        rows = [(s, e, p.index) for p in doc.text_paragraphs
                for s, e in _split(norm[p.start:p.end], p.start, abbrevs, starters)]
        return np.array(rows, dtype="int64").reshape(-1, 3)

    return doc.cached("sentence_spans", compute)



_KINDS = ("word", "number", "abbreviation", "clitic", "punct")
_ASCII_WORD = np.array([chr(i).isalnum() or chr(i) == "_" for i in range(128)])
_ASCII_SPACE = np.array([chr(i).isspace() for i in range(128)])
_NUMBER_SEPARATORS = np.array([ord(c) for c in ".,:/"], dtype=np.uint32)


def _shift(mask: np.ndarray, k: int) -> np.ndarray:
    """``out[i] = mask[i + k]`` (False outside the array)."""
    out = np.zeros_like(mask)
    if k > 0:
        out[:-k] = mask[k:]
    elif k < 0:
        out[-k:] = mask[:k]
    else:
        out[:] = mask
    return out


def _classes(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Python's ``\\w`` and ``\\s`` for every code point."""
    small = cp < 128
    word = np.zeros(len(cp), bool)
    space = np.zeros(len(cp), bool)
    word[small] = _ASCII_WORD[cp[small]]
    space[small] = _ASCII_SPACE[cp[small]]
    if not small.all():
        big = ~small
        uniq, inverse = np.unique(cp[big], return_inverse=True)
        chars = [chr(c) for c in uniq]
        word[big] = np.array([c.isalnum() or c == "_" for c in chars])[inverse]
        space[big] = np.array([c.isspace() for c in chars])[inverse]
    return word, space


def _chunks(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` at white space into pieces of about :data:`CHUNK_CHARS` characters.

    Tokens never contain white space, so tokenising the pieces one by one gives
    the same tokens as the whole text while bounding the temporary arrays.
    """
    out, pos = [], 0
    while pos < len(text):
        cut = len(text) if len(text) - pos <= CHUNK_CHARS else text.rfind("\n", pos, pos + CHUNK_CHARS)
        if cut <= pos:
            cut = text.rfind(" ", pos, pos + CHUNK_CHARS)
        if cut <= pos:
            cut = min(len(text), pos + CHUNK_CHARS)
        out.append((pos, cut))
        pos = cut
    return out


def _token_spans(norm: str, single_abbrevs: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and kind code of every token of ``norm`` (see :data:`_KINDS`)."""
    parts = [_chunk_token_spans(norm[a:b], single_abbrevs) for a, b in _chunks(norm)] or [
        _chunk_token_spans("", single_abbrevs)]
    offsets = [a for a, _ in _chunks(norm)] or [0]
    return (np.concatenate([p[0] + o for p, o in zip(parts, offsets)]),
            np.concatenate([p[1] + o for p, o in zip(parts, offsets)]),
            np.concatenate([p[2] for p in parts]))


def _chunk_token_spans(norm: str, single_abbrevs: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and kind code of every token of ``norm`` (see :data:`_KINDS`)."""
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
    n = len(cp)
    if n == 0:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty.astype("int8")
    W, S = _classes(cp)

    def char(k: int, c: str) -> np.ndarray:
        return _shift(cp == ord(c), k)

    low = cp | 32
    letter = (low >= 97) & (low <= 122)
    digit = (cp >= 48) & (cp <= 57)
    dot = cp == 46
    # Letter-period sequences of two or more units: U.S. M.K. U.S.S.R.
    unit = letter & _shift(dot, 1) & ~_shift(W, -1)
    pair = unit & _shift(unit, 2)
    member = pair | _shift(pair, -2)
    abbr_dot = dot & _shift(member, -1)
    # Digits with internal separators: 128,000  3.5
    numsep = np.isin(cp, _NUMBER_SEPARATORS) & _shift(digit, -1) & _shift(digit, 1) & ~abbr_dot
    joined = W | abbr_dot | numsep
    hyphen = (cp == 45) & _shift(joined, -1) & _shift(W, 1)
    apos = cp == 39
    after2, after3 = ~_shift(W, 2), ~_shift(W, 3)
    clitic_follows = (
        (char(1, "s") & after2) | (char(1, "d") & after2) | (char(1, "m") & after2)
        | (char(1, "r") & char(2, "e") & after3) | (char(1, "v") & char(2, "e") & after3)
        | (char(1, "l") & char(2, "l") & after3)
    )
    t_follows = char(1, "t") & after2
    left_word = _shift(W, -1)
    apos_join = apos & left_word & _shift(W, 1) & ~clitic_follows & ~t_follows
    clitic = apos & left_word & clitic_follows
    negation = apos & t_follows & char(-1, "n") & _shift(W, -2)
    in_run = joined | hyphen | apos_join | clitic | negation
    forced = clitic | _shift(negation, 1)
    run_start = in_run & (~_shift(in_run, -1) | forced)
    run_end = in_run & (~_shift(in_run, 1) | _shift(forced, 1))
    starts = np.flatnonzero(run_start)
    ends = np.flatnonzero(run_end) + 1
    kinds = np.zeros(len(starts), dtype="int8")
    kinds[np.searchsorted(starts, np.flatnonzero(numsep), side="right") - 1] = 1
    kinds[np.searchsorted(starts, np.flatnonzero(abbr_dot), side="right") - 1] = 2
    kinds[forced[starts]] = 3
    # Listed abbreviations with their period: Mr. Sept. No.
    punct = ~in_run & ~S
    if single_abbrevs:
        nxt = np.minimum(ends, n - 1)
        cand = np.flatnonzero((kinds == 0) & (ends < n) & dot[nxt] & ((ends + 1 >= n) | S[np.minimum(ends + 1, n - 1)])
                              & ((ends - starts) <= max(map(len, single_abbrevs))))
        hits = [i for i in cand if norm[starts[i]:ends[i]] in single_abbrevs]
        if hits:
            hits = np.array(hits)
            punct[ends[hits]] = False
            ends[hits] += 1
            kinds[hits] = 2
    # Ellipsis: three periods as one token.
    dot3 = punct & dot & _shift(punct & dot, 1) & _shift(punct & dot, 2) & ~_shift(punct & dot, -1)
    skip = _shift(dot3, -1) | _shift(dot3, -2)
    p_starts = np.flatnonzero(punct & ~skip)
    p_ends = p_starts + 1 + 2 * dot3[p_starts]
    all_starts = np.concatenate((starts, p_starts))
    order = np.argsort(all_starts, kind="stable")
    return (all_starts[order].astype("int64"), np.concatenate((ends, p_ends))[order].astype("int64"),
            np.concatenate((kinds, np.full(len(p_starts), 4, dtype="int8")))[order])


def _utf8_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of ``text`` and the byte offset of every character (plus the end)."""
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if len(data) == len(text):
        return data, np.arange(len(text) + 1, dtype=_OFFSET)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    width = (1 + (cp >= 0x80).view(np.uint8) + (cp >= 0x800).view(np.uint8) + (cp >= 0x10000).view(np.uint8))
    offsets = np.zeros(len(text) + 1, dtype=_OFFSET)
    np.cumsum(width, dtype=_OFFSET, out=offsets[1:])
    return data, offsets


def _gather(text: str, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The substrings ``text[s:e]`` as an Arrow string array, without Python objects."""
    data, offsets = _utf8_offsets(text)
    b_start, b_end = offsets[starts], offsets[ends]
    del offsets
    lengths = b_end - b_start
    out_offsets = np.zeros(len(starts) + 1, dtype=_OFFSET)
    np.cumsum(lengths, dtype=_OFFSET, out=out_offsets[1:])
    index = np.repeat(b_start - out_offsets[:-1], lengths)
    index += np.arange(len(index), dtype=_OFFSET)
    return pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(out_offsets), pa.py_buffer(data[index]))


def _words(doc: Document) -> pd.DataFrame:
    spans = sentence_spans(doc)
    abbrevs, _ = _abbreviation_data()
    single = frozenset(a for a in abbrevs if "." not in a)
    body, norm = doc.body, doc.normalised
    columns: dict[str, list] = {k: [] for k in ("start", "end", "kind", "sid", "text", "norm")}
    for a, b in _chunks(norm):
        tstart, tend, kinds = _chunk_token_spans(norm[a:b], single)
        sid = np.searchsorted(spans[:, 0], tstart + a, side="right") - 1
        keep = (sid >= 0) & (tend + a <= spans[np.clip(sid, 0, None), 1]) if len(spans) else sid < -1
        tstart, tend = tstart[keep], tend[keep]
        piece = norm[a:b]
        lowered = piece.lower()
        columns["text"].append(_gather(body[a:b], tstart, tend))
        columns["norm"].append(_gather(lowered, tstart, tend) if len(lowered) == len(piece)
                               else pc.utf8_lower(_gather(piece, tstart, tend)))
        columns["start"].append(tstart + a)
        columns["end"].append(tend + a)
        columns["kind"].append(kinds[keep])
        columns["sid"].append(sid[keep])
    empty = np.zeros(0, dtype="int64")
    start = np.concatenate(columns["start"]) if columns["start"] else empty
    return pd.DataFrame(
        {
            "token_id": np.arange(len(start), dtype="int64"),
            "sentence_id": np.concatenate(columns["sid"]).astype("int64") if columns["sid"] else empty,
            "start": start,
            "end": np.concatenate(columns["end"]) if columns["end"] else empty,
            "text": pd.array(pa.chunked_array(columns["text"], type=pa.large_string()), dtype="str"),
            "norm": pd.array(pa.chunked_array(columns["norm"], type=pa.large_string()), dtype="str"),
            "kind": pd.Categorical.from_codes(
                np.concatenate(columns["kind"]) if columns["kind"] else empty.astype("int8"),
                categories=list(_KINDS)),
        }
    )


def _sentences(doc: Document) -> pd.DataFrame:
    spans = sentence_spans(doc)
    section_of = {p.index: p.section for p in doc.paragraphs}
    labels = {s.index: s.label for s in doc.sections}
    words = _cached_words(doc)
    is_word = words["kind"].isin(WORD_KINDS).to_numpy()
    counts = np.bincount(words["sentence_id"].to_numpy()[is_word], minlength=len(spans))
    return pd.DataFrame(
        {
            "sentence_id": np.arange(len(spans), dtype="int64"),
            "section": pd.array([labels[section_of[p]] for p in spans[:, 2]], dtype="str"),
            "paragraph": spans[:, 2].copy(),
            "start": spans[:, 0].copy(),
            "end": spans[:, 1].copy(),
            "text": pd.array([doc.body[a:b] for a, b in spans[:, :2].tolist()], dtype="str"),
            "n_words": counts[: len(spans)].astype("int64"),
        }
    )


def _cached_words(doc: Document) -> pd.DataFrame:
    return doc.cached("words", lambda: _words(doc))


def sentences(doc: Document) -> pd.DataFrame:
    """Sentences of the body, one row each.

    Returns:
        DataFrame with columns ``sentence_id`` (0-based, in order), ``section``
        (section label), ``paragraph`` (1-based paragraph index), ``start``,
        ``end`` (offsets into ``doc.body``), ``text`` and ``n_words`` (tokens
        of a word kind, see :data:`WORD_KINDS`).

    Example:
        >>> from analysis import corpus, tokenise
        >>> doc = corpus.from_text("They met the U.S. envoy. But nothing changed.")
        >>> tokenise.sentences(doc)["text"].tolist()
        ['They met the U.S. envoy.', 'But nothing changed.']
    """
    return doc.cached("sentences", lambda: _sentences(doc)).copy(deep=False)


def words(doc: Document) -> pd.DataFrame:
    """Word and punctuation tokens of the body, one row each.

    Returns:
        DataFrame with columns ``token_id``, ``sentence_id``, ``start``,
        ``end`` (offsets into ``doc.body``), ``text`` (as in the body),
        ``norm`` (normalised, lower-cased) and ``kind`` (categorical:
        ``word``, ``number``, ``abbreviation``, ``clitic`` or ``punct``).

    Example:
        >>> from analysis import corpus, tokenise
        >>> doc = corpus.from_text("Russia\u2019s Sino-Russian turn.")
        >>> tokenise.words(doc)[["text", "kind"]].astype(str).values.tolist()
        [['Russia', 'word'], ['\u2019s', 'clitic'], ['Sino-Russian', 'word'], ['turn', 'word'], ['.', 'punct']]
    """
    return _cached_words(doc).copy(deep=False)


def sentence_count(doc: Document) -> int:
    """Number of sentences of the body (the rows of :func:`sentences`)."""
    return len(sentence_spans(doc))


def word_count(doc: Document) -> int:
    """Number of tokens of a word kind: the denominator of every per-1,000-words rate."""
    return int(_cached_words(doc)["kind"].isin(WORD_KINDS).sum())


def tokenize_text(text: str) -> list[str]:
    """Tokenise a short string with NLTK's RegexpTokenizer and :func:`token_pattern`.

    This is the reference definition of the tokens; :func:`words` finds the same
    tokens with array operations (see the module docstring for the few
    documented differences).
    """
    return [text[s:e] for s, e in _tokenizer().span_tokenize(text.translate(TABLE))]
