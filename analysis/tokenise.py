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
    starter lists makes the same decisions on the seed (see the tests) but runs
    several times slower; one compiled pattern keeps tokenisation fast.

Word tokens
    NLTK's :class:`~nltk.tokenize.RegexpTokenizer` with :data:`TOKEN_PATTERN`,
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
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from nltk.tokenize import RegexpTokenizer

from analysis import lexicons
from analysis.corpus import Document
from analysis.normalise import TABLE

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


@lru_cache(maxsize=1)
def _compiled() -> re.Pattern:
    return re.compile(token_pattern(), re.UNICODE)


# Terminal punctuation, closing quotes/brackets, white space, then the next word.
_CANDIDATE = re.compile(
    r"(?P<prev>[\w.'-]*?)(?P<punct>[.!?…]+)(?P<close>[\"')\]]*)(?P<space>\s+)"
    r"(?P<next>[\"'(\[]*[\w]+)?"
)
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")


def _is_boundary(m: re.Match, abbrevs: frozenset[str], starters: frozenset[str]) -> bool:
    nxt = m.group("next")
    if not nxt:
        return False
    word = nxt.lstrip("\"'([")
    if not word or word[0].islower():
        return False
    prev = m.group("prev")
    if m.group("punct") == "." and not m.group("close") and (prev in abbrevs or _INITIALS.match(prev or "")):
        return word in starters
    return True


def _split(text: str, offset: int, abbrevs, starters) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CANDIDATE.finditer(text):
        if _is_boundary(m, abbrevs, starters):
            end = m.start("space")
            spans.append((offset + start, offset + end))
            start = m.end("space")
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def sentence_spans(doc: Document) -> list[tuple[int, int, int]]:
    """(start, end, paragraph index) of every sentence, in order."""
    abbrevs, starters = _abbreviation_data()
    norm = doc.normalised
    out = []
    for p in doc.text_paragraphs:
        out.extend((s, e, p.index) for s, e in _split(norm[p.start:p.end], p.start, abbrevs, starters))
    return out


def _sentences(doc: Document) -> pd.DataFrame:
    spans = sentence_spans(doc)
    section_of = {p.index: p.section for p in doc.paragraphs}
    labels = {s.index: s.label for s in doc.sections}
    frame = pd.DataFrame(
        {
            "sentence_id": np.arange(len(spans), dtype="int64"),
            "section": [labels[section_of[p]] for _, _, p in spans],
            "paragraph": np.array([p for _, _, p in spans], dtype="int64"),
            "start": np.array([s for s, _, _ in spans], dtype="int64"),
            "end": np.array([e for _, e, _ in spans], dtype="int64"),
            "text": [doc.body[s:e] for s, e, _ in spans],
        }
    )
    words = _words(doc)
    counts = words.loc[words["kind"].isin(WORD_KINDS)].groupby("sentence_id").size()
    frame["n_words"] = counts.reindex(frame["sentence_id"], fill_value=0).to_numpy()
    return frame


def _words(doc: Document) -> pd.DataFrame:
    spans = sentence_spans(doc)
    starts = np.fromiter((s for s, _, _ in spans), dtype="int64", count=len(spans))
    ends = np.fromiter((e for _, e, _ in spans), dtype="int64", count=len(spans))
    norm, body = doc.normalised, doc.body
    pattern = _compiled()
    tok_start, tok_end, kinds = [], [], []
    for m in pattern.finditer(norm):
        tok_start.append(m.start())
        tok_end.append(m.end())
        kinds.append(m.lastgroup)
    tstart = np.array(tok_start, dtype="int64")
    tend = np.array(tok_end, dtype="int64")
    sid = np.searchsorted(starts, tstart, side="right") - 1
    keep = (sid >= 0) & (tend <= ends[np.clip(sid, 0, None)]) if len(spans) else np.zeros(len(tstart), bool)
    idx = np.flatnonzero(keep)
    texts = [body[tok_start[i]:tok_end[i]] for i in idx]
    return pd.DataFrame(
        {
            "token_id": np.arange(len(idx), dtype="int64"),
            "sentence_id": sid[idx].astype("int64"),
            "start": tstart[idx],
            "end": tend[idx],
            "text": texts,
            "norm": [t.translate(TABLE).lower() for t in texts],
            "kind": [kinds[i] for i in idx],
        }
    )


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
        ``norm`` (normalised, lower-cased) and ``kind`` (``word``, ``number``,
        ``abbreviation``, ``clitic`` or ``punct``).

    Example:
        >>> from analysis import corpus, tokenise
        >>> doc = corpus.from_text("Russia\u2019s Sino-Russian turn.")
        >>> tokenise.words(doc)[["text", "kind"]].values.tolist()
        [['Russia', 'word'], ['\u2019s', 'clitic'], ['Sino-Russian', 'word'], ['turn', 'word'], ['.', 'punct']]
    """
    return doc.cached("words", lambda: _words(doc)).copy(deep=False)


def word_count(doc: Document) -> int:
    """Number of tokens of a word kind: the denominator of every per-1,000-words rate."""
    w = words(doc)
    return int(w["kind"].isin(WORD_KINDS).sum())


def tokenize_text(text: str) -> list[str]:
    """Tokenise a short string with the same rules (no sentence splitting)."""
    return [text[s:e] for s, e in _tokenizer().span_tokenize(text.translate(TABLE))]
