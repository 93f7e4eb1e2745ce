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
from analysis.tables import Table

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



#: Token kinds, in the order of their codes in :attr:`TokenArrays.kind`.
KINDS = ("word", "number", "abbreviation", "clitic", "punct")
_WORD_CODES = np.array([k in WORD_KINDS for k in KINDS])
_ASCII_WORD = np.array([chr(i).isalnum() or chr(i) == "_" for i in range(128)])
_ASCII_SPACE = np.array([chr(i).isspace() for i in range(128)])
#: Zeros on each side of the code points in the array pass (the widest look-around is 3).
_PAD = 3
_NUMBER_SEPARATORS = np.array([ord(c) for c in ".,:/"], dtype=np.uint32)


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


def _chunk_token_spans(norm: str, single_abbrevs: frozenset[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and kind code of every token of ``norm`` (see :data:`KINDS`)."""
    cp = np.frombuffer(norm.encode("utf-32-le"), dtype="<u4")
    n = len(cp)
    if n == 0:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty.astype("int8")
    # Masks are computed on arrays padded with _PAD zeros on each side, so that
    # at(m, k)[i] = m[i + k] is a view (False beyond the text).
    cpp = np.zeros(n + 2 * _PAD, dtype="<u4")
    cpp[_PAD:_PAD + n] = cp
    Wp, Sp = _classes(cpp)

    def at(mask: np.ndarray, k: int = 0) -> np.ndarray:
        return mask[_PAD + k:_PAD + k + n]

    def pad(mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n + 2 * _PAD, dtype=bool)
        out[_PAD:_PAD + n] = mask
        return out

    W, S = at(Wp), at(Sp)
    low = cpp | 32
    letter = at((low >= 97) & (low <= 122))
    digit = (cpp >= 48) & (cpp <= 57)
    dot_p = cpp == 46
    dot = at(dot_p)
    # Letter-period sequences of two or more units: U.S. M.K. U.S.S.R.
    unit = letter & at(dot_p, 1) & ~at(Wp, -1)
    pair = pad(unit & at(pad(unit), 2))
    abbr_dot = dot & (at(pair, -1) | at(pair, -3))  # the period after a member of a pair
    # Digits with internal separators: 128,000  3.5
    numsep = np.isin(cp, _NUMBER_SEPARATORS) & at(digit, -1) & at(digit, 1) & ~abbr_dot
    joined = W | abbr_dot | numsep
    hyphen = (cp == 45) & at(pad(joined), -1) & at(Wp, 1)
    # Apostrophes: joining a word (O'Brien), a clitic ('s 're 've 'll 'd 'm) or n't.
    apos = np.flatnonzero(cp == 39)
    q = apos + _PAD
    c1, c2 = cpp[q + 1], cpp[q + 2]
    after2, after3 = ~Wp[q + 2], ~Wp[q + 3]
    clitic_follows = (((c1 == ord("s")) | (c1 == ord("d")) | (c1 == ord("m"))) & after2) | (
        (((c1 == ord("r")) | (c1 == ord("v"))) & (c2 == ord("e")) | (c1 == ord("l")) & (c2 == ord("l")))
        & after3)
    t_follows = (c1 == ord("t")) & after2
    left_word = Wp[q - 1]
    apos_join = np.zeros(n, dtype=bool)
    apos_join[apos[left_word & Wp[q + 1] & ~clitic_follows & ~t_follows]] = True
    clitic = np.zeros(n, dtype=bool)
    clitic[apos[left_word & clitic_follows]] = True
    negation = np.zeros(n + 2 * _PAD, dtype=bool)
    negation[q[t_follows & (cpp[q - 1] == ord("n")) & Wp[q - 2]]] = True
    in_run = joined | hyphen | apos_join | clitic | at(negation)
    in_run_p = pad(in_run)
    forced = pad(clitic | at(negation, 1))
    run_start = in_run & (~at(in_run_p, -1) | at(forced))
    run_end = in_run & (~at(in_run_p, 1) | at(forced, 1))
    starts = np.flatnonzero(run_start)
    ends = np.flatnonzero(run_end) + 1
    kinds = np.zeros(len(starts), dtype="int8")
    kinds[np.searchsorted(starts, np.flatnonzero(numsep), side="right") - 1] = 1
    kinds[np.searchsorted(starts, np.flatnonzero(abbr_dot), side="right") - 1] = 2
    kinds[at(forced)[starts]] = 3
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
    period = pad(punct & dot)
    dot3 = pad(at(period) & at(period, 1) & at(period, 2) & ~at(period, -1))
    skip = at(dot3, -1) | at(dot3, -2)
    dot3 = at(dot3)
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


class _Spans:
    """Spans of ``doc.body`` (``start``, ``end``) whose ``text`` is cut when first used."""

    __slots__ = ("start", "end", "_doc", "_text")

    def __len__(self) -> int:
        return len(self.start)

    @property
    def text(self) -> list[str]:
        if self._text is None:
            body = self._doc.body
            self._text = [body[a:b] for a, b in zip(self.start.tolist(), self.end.tolist())]
        return self._text


class TokenArrays(_Spans):
    """The tokens of a document as arrays (what :func:`words` holds, without pandas).

    Attributes:
        start, end: offsets into ``doc.body`` (int64).
        sentence_id: the sentence of each token (int64).
        kind: code into :data:`KINDS` (int8).
        is_word: whether the kind is one of :data:`WORD_KINDS` (bool).
        text: the tokens as in the body (a list of str, made when first used).
        norm: the tokens normalised and lower-cased (a list of str, made when first used).
    """

    __slots__ = ("sentence_id", "kind", "is_word", "_norm", "_lower")

    def __init__(self, doc: Document, start, end, sentence_id, kind):
        self.start, self.end, self.sentence_id, self.kind = start, end, sentence_id, kind
        self.is_word = _WORD_CODES[kind]
        self._doc, self._text, self._norm, self._lower = doc, None, None, None

    @property
    def norm(self) -> list[str]:
        if self._norm is None:
            self._norm = self.norm_at(slice(None))
        return self._norm

    def norm_at(self, rows) -> list[str]:
        """``norm`` of the tokens at ``rows`` (positions or a slice), without making the whole list.

        Tokens are cut from the lower-cased normalised body when lower-casing
        keeps its length (almost always), else lower-cased one chunk at a time
        by Arrow, as :func:`words` makes its ``norm`` column.
        """
        if self._norm is None and self._lower is None:
            text = self._doc.normalised
            lowered = text.lower()
            if len(lowered) == len(text):
                self._lower = lowered
            else:  # lower-casing changes some character's length: Arrow lower-cases each token
                self._norm = _gather_lower(text, self.start, self.end).to_pylist()
        if self._norm is not None:
            return self._norm[rows] if isinstance(rows, slice) else [self._norm[i] for i in np.asarray(rows).tolist()]
        lowered = self._lower
        return [lowered[a:b] for a, b in zip(self.start[rows].tolist(), self.end[rows].tolist())]


def _gather_lower(norm: str, start: np.ndarray, end: np.ndarray) -> pa.Array:
    """The tokens of ``norm``, lower-cased, as an Arrow array (a chunk at a time)."""
    parts = []
    for a, b in _chunks(norm):
        i, j = np.searchsorted(start, [a, b])
        piece = norm[a:b]
        lowered = piece.lower()
        parts.append(_gather(lowered, start[i:j] - a, end[i:j] - a) if len(lowered) == len(piece)
                     else pc.utf8_lower(_gather(piece, start[i:j] - a, end[i:j] - a)))
    return pa.chunked_array(parts, type=pa.large_string()) if parts else pa.chunked_array([], pa.large_string())


def _gather_text(text: str, start: np.ndarray, end: np.ndarray) -> pa.ChunkedArray:
    parts = []
    for a, b in _chunks(text):
        i, j = np.searchsorted(start, [a, b])
        parts.append(_gather(text[a:b], start[i:j] - a, end[i:j] - a))
    return pa.chunked_array(parts, type=pa.large_string())


def _token_arrays(doc: Document) -> TokenArrays:
    spans = sentence_spans(doc)
    single = _single_abbreviations()
    norm = doc.normalised
    starts, ends, kinds, sids = [], [], [], []
    for a, b in _chunks(norm):
        tstart, tend, kind = _chunk_token_spans(norm[a:b], single)
        tstart += a
        tend += a
        sid = np.searchsorted(spans[:, 0], tstart, side="right") - 1
        keep = (sid >= 0) & (tend <= spans[np.clip(sid, 0, None), 1]) if len(spans) else sid < -1
        starts.append(tstart[keep])
        ends.append(tend[keep])
        kinds.append(kind[keep])
        sids.append(sid[keep].astype("int64"))
    if not starts:
        empty = np.zeros(0, dtype="int64")
        return TokenArrays(doc, empty, empty, empty, empty.astype("int8"))
    return TokenArrays(doc, *(x[0] if len(x) == 1 else np.concatenate(x) for x in (starts, ends, sids, kinds)))


@lru_cache(maxsize=1)
def _single_abbreviations() -> frozenset[str]:
    abbrevs, _ = _abbreviation_data()
    return frozenset(a for a in abbrevs if "." not in a)


def token_arrays(doc: Document) -> TokenArrays:
    """The document's tokens as :class:`TokenArrays`, computed once per document.

    The same tokens, in the same order, as the rows of :func:`words`.
    """
    return doc.cached("token_arrays", lambda: _token_arrays(doc))


def _words(doc: Document) -> pd.DataFrame:
    t = token_arrays(doc)
    return pd.DataFrame(
        {
            "token_id": np.arange(len(t), dtype="int64"),
            "sentence_id": t.sentence_id,
            "start": t.start,
            "end": t.end,
            "text": pd.array(_gather_text(doc.body, t.start, t.end), dtype="str"),
            "norm": pd.array(_gather_lower(doc.normalised, t.start, t.end), dtype="str"),
            "kind": pd.Categorical.from_codes(t.kind, categories=list(KINDS)),
        }
    )


class SentenceArrays(_Spans):
    """The sentences of a document as arrays (what :func:`sentences` holds, without pandas).

    Attributes:
        start, end: offsets into ``doc.body`` (int64).
        paragraph: 1-based paragraph index (int64).
        section: the section label of each sentence (list of str).
        n_words: tokens of a word kind (int64).
        text: the sentences as in the body (a list of str, made when first used).
    """

    __slots__ = ("paragraph", "section", "n_words")

    def __init__(self, doc: Document, spans: np.ndarray, section: list[str], n_words: np.ndarray):
        self.start, self.end, self.paragraph = spans[:, 0].copy(), spans[:, 1].copy(), spans[:, 2].copy()
        self.section, self.n_words = section, n_words
        self._doc, self._text = doc, None


def _sentence_arrays(doc: Document) -> SentenceArrays:
    spans = sentence_spans(doc)
    section_of = {p.index: p.section for p in doc.paragraphs}
    labels = {s.index: s.label for s in doc.sections}
    t = token_arrays(doc)
    counts = np.bincount(t.sentence_id[t.is_word], minlength=len(spans))
    return SentenceArrays(doc, spans, [labels[section_of[p]] for p in spans[:, 2].tolist()],
                          counts[: len(spans)].astype("int64"))


def sentence_arrays(doc: Document) -> SentenceArrays:
    """The document's sentences as :class:`SentenceArrays`, computed once per document."""
    return doc.cached("sentence_arrays", lambda: _sentence_arrays(doc))


#: Columns and dtypes of :func:`sentences`.
SENTENCE_DTYPES = {"sentence_id": "int64", "section": "str", "paragraph": "int64", "start": "int64",
                   "end": "int64", "text": "str", "n_words": "int64"}


def sentence_table(doc: Document) -> Table:
    """The rows of :func:`sentences` as a :class:`~analysis.tables.Table`."""
    s = sentence_arrays(doc)
    return Table({"sentence_id": np.arange(len(s), dtype="int64"), "section": s.section,
                  "paragraph": s.paragraph, "start": s.start, "end": s.end, "text": s.text,
                  "n_words": s.n_words}, SENTENCE_DTYPES)


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
    return doc.cached("sentences", lambda: sentence_table(doc).frame()).copy(deep=False)


#: :mod:`analysis.batch` joins the sentence tables of many documents before
#: building one DataFrame.
sentences.table = sentence_table


def words(doc: Document) -> pd.DataFrame:
    """Word and punctuation tokens of the body, one row each.

    Returns:
        DataFrame with columns ``token_id``, ``sentence_id``, ``start``,
        ``end`` (offsets into ``doc.body``), ``text`` (as in the body),
        ``norm`` (normalised, lower-cased) and ``kind`` (categorical:
        ``word``, ``number``, ``abbreviation``, ``clitic`` or ``punct``).
        :func:`token_arrays` gives the same columns as arrays.

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
    return int(np.count_nonzero(token_arrays(doc).is_word))


def tokenize_text(text: str) -> list[str]:
    """Tokenise a short string with NLTK's RegexpTokenizer and :func:`token_pattern`.

    This is the reference definition of the tokens; :func:`words` finds the same
    tokens with array operations (see the module docstring for the few
    documented differences).
    """
    return [text[s:e] for s, e in _tokenizer().span_tokenize(text.translate(TABLE))]
