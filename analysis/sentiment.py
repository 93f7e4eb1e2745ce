"""Sentiment of sentences and sentiment toward a named target in a sentence.

Two estimators, both built on the VADER lexicon (Hutto & Gilbert 2014, "VADER:
A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text",
ICWSM; MIT licence), read offline from the file shipped in the
``vaderSentiment`` wheel; negators, boosters and their scalars are VADER's own,
read from :class:`nltk.sentiment.vader.VaderConstants`. Nothing is downloaded.

Sentence score (:func:`sentence_score`, :func:`sentence_scores`)
    VADER's rules on the suite's tokens: each word's lexicon valence, scaled
    by a preceding booster or dampener (:data:`BOOST_DECAY` by distance),
    multiplied by VADER's negation scalar when one of the
    :data:`NEGATION_SCOPE` preceding words is a negator, words before "but"
    weighted :data:`BUT_BEFORE` and after it :data:`BUT_AFTER`. Two changes
    from VADER, chosen on the NYT editorial development half (Pearson r 0.499
    with VADER's rules alone, 0.529 with both): each word also adds
    :data:`NEWS_WEIGHT` times its valence in a *news lexicon* learned from
    NewsMTSC (:func:`news_lexicon`), and the sum is divided by the square
    root of the number of words before it is squashed into [-1, 1] as
    ``x / sqrt(x^2 + alpha)`` with :data:`SENTENCE_ALPHA` (a sum of ``n``
    word scores grows like ``sqrt(n)``; VADER's raw sum saturates on long
    editorial sentences).

Sentiment toward a target (:func:`toward_target`, :func:`scores`)
    Target-dependent sentiment in the manner of Jiang et al. (2011),
    "Target-dependent Twitter Sentiment Classification", ACL: a multinomial
    logistic regression over features centred on the target mention,

    - VADER valences (negation- and booster-adjusted) of the words in the
      target's clause, weighted by token distance to the target, split into
      positive and negative mass, and split by the side of the target;
    - VADER's "but" rule, and the valence of the sentence as a whole;
    - lexical features: the words within :data:`WINDOW` tokens left and
      right of the target, marked for side and negation.

    The weights are trained only on the NewsMTSC training split (Hamborg &
    Donnay 2021, "NewsMTSC: A Dataset for (Multi-)Target-dependent Sentiment
    Classification in Political News Articles", EACL), by
    ``benchmarks/train_sentiment.py`` (deterministic), tuned on the two dev
    splits only, and shipped as plain JSON (``analysis/data/sentiment_model.json``).
    The score is ``P(positive) - P(negative)`` in [-1, 1]; the label is the most
    probable class. :func:`explain` lists what moved a score.

Validation figures are in ``analysis/data/sentiment_validation.json``
(:func:`validation`), written by ``benchmarks/validate_sentiment.py``.

Aggregation (:func:`toward_actors`)
    Mean target score per actor and voice, with a percentile bootstrap 95%
    interval over mentions (Efron & Tibshirani 1993, *An Introduction to the
    Bootstrap*, ch. 13), :data:`BOOTSTRAP_RESAMPLES` resamples, fixed seed.
"""

from __future__ import annotations

import json
import math
import re
import sys
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat

import numpy as np
import pandas as pd

from analysis import paths, tables
from analysis.corpus import Document
from analysis.errors import AnalysisError, InputError
from analysis.normalise import TABLE

# --- VADER's rules (Hutto & Gilbert 2014; values as in vaderSentiment 3.3.2) --
#: Words before a negator this far back are negated (VADER looks 3 words back).
NEGATION_SCOPE = 3
#: A booster's effect at distance 1, 2, 3 words (VADER: 1, 0.95, 0.9).
BOOST_DECAY = (1.0, 0.95, 0.9)
#: Weight of words before and after "but" (VADER's "but" rule).
BUT_BEFORE = 0.5
BUT_AFTER = 1.5
#: VADER's normalisation constant in ``s / sqrt(s^2 + alpha)``.
VADER_ALPHA = 15.0
#: The constant for :func:`sentence_score` after length normalisation, chosen
#: on the NYT editorial development half among 2, 3, 5, 15 (r varies < 0.001).
SENTENCE_ALPHA = 3.0
#: Exponent of the word count that divides the sentence sum (0.5: a sum of n
#: independent word scores has a spread that grows like sqrt(n)); chosen on
#: the NYT development half among 0, 0.25, 0.5, 0.75, 1.
LENGTH_EXPONENT = 0.5
#: Weight of the news lexicon relative to VADER's valences in sentence scores,
#: chosen on the NYT development half among 0.5, 0.75, 1, 1.25, 2, 4.
NEWS_WEIGHT = 1.0

# --- the target model (see benchmarks/train_sentiment.py) -------------------
#: Words within this many tokens of the target become lexical features
#: (chosen on the NewsMTSC dev splits among 3, 4, 6, 8, 10: best mean macro-F1).
WINDOW = 8
#: Distance scale of the 1 / (1 + d / scale) weight of context valence
#: (chosen on the NewsMTSC dev splits among 2, 4, 8: best mean macro-F1).
DISTANCE_SCALE = 2.0
#: Punctuation that closes a clause for the clause features.
CLAUSE_PUNCT = frozenset({",", ";", ":", "—", "(", ")", '"', "?", "!"})
#: Labels of the three classes, in model order.
LABELS = ("negative", "neutral", "positive")

# --- aggregation ------------------------------------------------------------
#: Bootstrap resamples for 95% percentile intervals: Efron & Tibshirani (1993,
#: ch. 13) advise at least 1,000 for percentile intervals; 2,000 keeps the
#: Monte Carlo error of the 2.5% and 97.5% quantiles small.
BOOTSTRAP_RESAMPLES = 2000
#: Two-sided coverage of the interval.
CONFIDENCE = 0.95
#: Default seed of the bootstrap (the project-wide seed of the notebooks).
SEED = 20201001

MODEL_FILE = paths.RESULTS / "sentiment_model.json"
VALIDATION_FILE = paths.RESULTS / "sentiment_validation.json"

#: Columns of :func:`scores` and their dtypes (those of :func:`analysis.actors.mentions` first).
SCORE_DTYPES = {"actor": "object", "surface": "object", "start": "int64", "end": "int64",
                "sentence_id": "int64", "section": "str", "kind": "object", "voice": "str",
                "score": "float64", "label": "str", "p_negative": "float64", "p_neutral": "float64",
                "p_positive": "float64"}
SCORE_COLUMNS = list(SCORE_DTYPES)
#: Columns of :func:`toward_actors` and their dtypes.
ACTOR_DTYPES = {"actor": "str", "voice": "str", "n_mentions": "int64", "mean": "float64",
                "ci_low": "float64", "ci_high": "float64", "share_negative": "float64",
                "share_neutral": "float64", "share_positive": "float64"}
ACTOR_COLUMNS = list(ACTOR_DTYPES)


class ModelError(AnalysisError):
    """The shipped sentiment model file is missing or malformed."""


# --- resources ---------------------------------------------------------------


def vader_lexicon_path():
    """Path of ``vader_lexicon.txt`` inside the installed ``vaderSentiment`` wheel."""
    return resources.files("vaderSentiment") / "vader_lexicon.txt"


@lru_cache(maxsize=1)
def vader_lexicon() -> dict[str, float]:
    """The VADER lexicon: token -> mean valence on the -4..+4 scale (read once)."""
    out = {}
    for line in vader_lexicon_path().read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return out


@lru_cache(maxsize=1)
def vader_rules() -> tuple[frozenset[str], dict[str, float], float]:
    """VADER's negators, booster weights and negation scalar, from NLTK's port."""
    from nltk.sentiment.vader import VaderConstants

    consts = VaderConstants()
    negators = frozenset(consts.NEGATE) | {"n't"}
    return negators, dict(consts.BOOSTER_DICT), float(consts.N_SCALAR)






def nltk_analyzer():
    """NLTK's VADER ``SentimentIntensityAnalyzer`` on the wheel's lexicon, offline.

    NLTK 3.10 loads a lexicon file only from a folder on ``nltk.data.path``;
    the wheel's folder is appended once. Used as the reference baseline in
    ``benchmarks/validate_sentiment.py``.
    """
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    path = vader_lexicon_path()
    folder = str(path.parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file=f"file:{path}")


@dataclass(frozen=True)
class Model:
    """The target model as loaded from JSON.

    Attributes:
        numeric: names of the numeric features, in column order.
        mean, scale: standardisation of the numeric features.
        w_numeric: weights, shape (n numeric, 3 classes).
        vocabulary: lexical feature key -> row of ``w_lexical``.
        w_lexical: weights, shape (n lexical, 3).
        bias: shape (3,).
        meta: training provenance.
        word_rows: word -> its rows of ``w_lexical`` as (right, right
            negated, left, left negated) feature, -1 when absent (the
            vocabulary read by word, as :func:`features` marks the words).
    """

    numeric: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    w_numeric: np.ndarray
    vocabulary: dict[str, int]
    lexical: tuple[str, ...]
    w_lexical: np.ndarray
    bias: np.ndarray
    meta: dict
    word_rows: dict[str, tuple[int, int, int, int]]


#: Prefix of a lexical feature key by side (right 0, left 2) plus negation (1).
_LEXICAL_PREFIX = ("R:", "R:~", "L:", "L:~")


def _word_rows(lexical: tuple[str, ...]) -> dict[str, tuple[int, int, int, int]]:
    """The vocabulary by word: each word's rows for the prefixes of :data:`_LEXICAL_PREFIX`."""
    code = {prefix: i for i, prefix in enumerate(_LEXICAL_PREFIX)}
    rows: dict[str, list[int]] = {}
    for i, key in enumerate(lexical):
        negated = key[2:3] == "~"
        prefix = key[:3] if negated else key[:2]
        if prefix in code:
            rows.setdefault(key[len(prefix):], [-1] * len(code))[code[prefix]] = i
    return {word: tuple(r) for word, r in rows.items()}


def model_from_dict(data: dict, label: str = "model") -> Model:
    """Build a :class:`Model` from its JSON mapping (checked)."""
    try:
        numeric = tuple(data["numeric_features"])
        lexical = tuple(data["lexical_features"])
        model = Model(
            numeric=numeric,
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            w_numeric=np.asarray(data["w_numeric"], dtype=float).reshape(len(numeric), 3),
            vocabulary={k: i for i, k in enumerate(lexical)},
            lexical=lexical,
            w_lexical=np.asarray(data["w_lexical"], dtype=float).reshape(len(lexical), 3),
            bias=np.asarray(data["bias"], dtype=float).reshape(3),
            meta=dict(data.get("meta", {})),
            word_rows=_word_rows(lexical),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{label}: malformed sentiment model ({exc})") from None
    if list(numeric) != list(NUMERIC_FEATURES):
        raise ModelError(f"{label}: numeric features {list(numeric)} do not match this version's")
    return model


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped target model (``analysis/data/sentiment_model.json``), read once."""
    if not MODEL_FILE.is_file():
        raise ModelError(f"{MODEL_FILE}: sentiment model missing; run benchmarks/train_sentiment.py")
    return model_from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")), str(MODEL_FILE))


# --- tokens ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _token_regex() -> re.Pattern:
    from analysis import tokenise

    return re.compile(tokenise.token_pattern(), re.UNICODE)


@dataclass
class Tokens:
    """Flat token arrays for a batch of sentences (offsets in one coordinate).

    Attributes:
        seg: sentence index of each token (non-decreasing).
        norm: lower-cased normalised token text.
        start, end: character offsets.
        n_seg: number of sentences (some may have no token).
    """

    seg: np.ndarray
    norm: np.ndarray
    start: np.ndarray
    end: np.ndarray
    n_seg: int


def tokens_of(texts: list[str]) -> tuple[Tokens, np.ndarray]:
    """Tokenise sentences with the suite's token pattern.

    Returns:
        The tokens, with offsets into the concatenation of ``texts`` (each
        followed by one space), and the offset at which each text starts.
    """
    pattern = _token_regex()
    base = np.zeros(len(texts), dtype="int64")
    seg, norm, start, end = [], [], [], []
    pos = 0
    for i, text in enumerate(texts):
        base[i] = pos
        folded = text.translate(TABLE)
        for m in pattern.finditer(folded):
            seg.append(i)
            norm.append(m.group().lower())
            start.append(pos + m.start())
            end.append(pos + m.end())
        pos += len(text) + 1
    return Tokens(np.asarray(seg, dtype="int64"), np.asarray(norm, dtype=object),
                  np.asarray(start, dtype="int64"), np.asarray(end, dtype="int64"), len(texts)), base


def doc_tokens(doc: Document) -> Tokens:
    """The document's tokens (from :func:`analysis.tokenise.token_arrays`) as :class:`Tokens`."""
    from analysis import tokenise

    t = tokenise.token_arrays(doc)
    return Tokens(t.sentence_id, np.asarray(t.norm, dtype=object), t.start, t.end, tokenise.sentence_count(doc))


def _doc_valences(doc: Document) -> tuple[Tokens, "Valences"]:
    """The document's tokens and their valences, computed once per document."""
    def compute():
        tok = doc_tokens(doc)
        return tok, valences(tok)

    return doc.cached("sentiment.valences", compute)


# --- VADER valences on tokens -------------------------------------------------


@dataclass
class Valences:
    """Per-token VADER quantities.

    Attributes:
        raw: lexicon valence (0 when not in the lexicon).
        value: valence after boosters and negation.
        negated: a negator is among the preceding :data:`NEGATION_SCOPE` tokens.
        but: weight from the "but" rule (1 when the sentence has no "but").
        clause: clause number within the whole batch (increasing).
        is_word: token starts with a letter or digit.
    """

    raw: np.ndarray
    value: np.ndarray
    negated: np.ndarray
    but: np.ndarray
    clause: np.ndarray
    is_word: np.ndarray


#: Word forms kept in :class:`_FormTable`; past this the table starts afresh
#: (bounds memory over a large corpus, as the per-form cache before it did).
FORMS_MAX = 200_000


class _FormTable:
    """VADER's per-form quantities of the word forms seen so far, one column per form.

    ``values`` holds the lexicon valence and the booster weight; ``flags``
    whether the form is a negator, is "but", breaks a clause and is a word;
    ``lexical`` the form's rows of the target model's lexical weights, one
    per prefix of :data:`_LEXICAL_PREFIX` (:attr:`Model.word_rows` of
    :func:`model`, -1 when absent). A batch of tokens reads its
    columns with one dictionary look-up per token (a quantity per row, so
    that the tokens' values of each are read as one contiguous array).
    Columns are only ever appended (a full table starts afresh in new arrays),
    so the arrays returned with a batch's columns stay valid for it, also
    when other threads add forms.
    """

    def __init__(self):
        self._empty()
        self.lock = threading.Lock()

    def _empty(self):
        """No form: a new dictionary and new arrays."""
        self.row: dict[str, int] = {}
        self.values = np.zeros((2, 0))
        self.flags = np.zeros((4, 0), dtype=bool)
        self.lexical = np.zeros((len(_LEXICAL_PREFIX), 0), dtype=np.intp)

    def lookup(self, norm) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The column of each lower-cased token (new forms added first), and the arrays they index."""
        with self.lock:
            try:
                found = np.fromiter(map(self.row.__getitem__, norm), dtype=np.intp, count=len(norm))
            except KeyError:
                found = np.fromiter(map(self._add(norm).__getitem__, norm), dtype=np.intp, count=len(norm))
            return found, self.values, self.flags, self.lexical

    def _add(self, norm) -> dict[str, int]:
        new = [t for t in dict.fromkeys(norm) if t not in self.row]
        if len(self.row) + len(new) > FORMS_MAX:
            self._empty()
            new = list(dict.fromkeys(norm))
        lex = vader_lexicon()
        negators, boosters, _ = vader_rules()
        word_rows, absent = model().word_rows, (-1,) * len(_LEXICAL_PREFIX)
        first = len(self.row)
        end = first + len(new)
        if end > self.values.shape[1]:
            size = max(end, 2 * self.values.shape[1])
            self.values, self.flags, self.lexical = (_widened(a, size) for a in (self.values, self.flags, self.lexical))
        for i, t in enumerate(new, start=first):
            self.values[:, i] = (lex.get(t, 0.0), boosters.get(t, 0.0))
            self.lexical[:, i] = word_rows.get(t, absent)
            self.flags[:, i] = (t in negators or t.endswith("n't"), t == "but", t in CLAUSE_PUNCT, t[:1].isalnum())
            self.row[t] = i
        return self.row


def _widened(columns: np.ndarray, size: int) -> np.ndarray:
    """A new array of ``size`` columns starting with ``columns``."""
    out = np.zeros((len(columns), size), dtype=columns.dtype)
    out[:, :columns.shape[1]] = columns
    return out


_FORMS = _FormTable()


def valences(tok: Tokens) -> Valences:
    """VADER valences for each token (see the module docstring for the rules)."""
    rows, form_values, form_flags, _ = _FORMS.lookup(tok.norm)
    return _valences(tok.seg, rows, form_values, form_flags)


def _valences(seg: np.ndarray, rows: np.ndarray, form_values: np.ndarray, form_flags: np.ndarray) -> Valences:
    """:func:`valences` of tokens given as columns of :class:`_FormTable`'s arrays."""
    _, _, n_scalar = vader_rules()
    n = len(seg)
    raw, boost = form_values.take(rows, axis=1)
    is_neg, is_but, is_break, is_word = form_flags.take(rows, axis=1)
    value = raw.copy()
    sign = np.sign(raw)
    negated = np.zeros(n, dtype=bool)
    # boosters and negators are a few tokens in a document: each reaches the
    # tokens up to NEGATION_SCOPE places after it in its sentence; a token
    # adds the boosts from 1, 2, then 3 places back, in that order
    boosters, negators = np.flatnonzero(boost).tolist(), np.flatnonzero(is_neg).tolist()
    for lag in range(1, NEGATION_SCOPE + 1):
        for at in boosters:
            if at + lag < n and seg[at + lag] == seg[at]:
                value[at + lag] += sign[at + lag] * boost[at] * BOOST_DECAY[lag - 1]
        for at in negators:
            if at + lag < n and seg[at + lag] == seg[at]:
                negated[at + lag] = True
    if negators:
        value[negated] *= n_scalar
    but = np.ones(n)
    if is_but.any():
        # each token against the first "but" of its sentence (n: the sentence has none):
        # before it BUT_BEFORE, after it BUT_AFTER unless a "but" itself
        at = np.flatnonzero(is_but)
        first = np.full(seg[-1] + 1, n)
        np.minimum.at(first, seg[at], at)
        first_but = first[seg]
        position = np.arange(n)
        but[(position < first_but) & (first_but < n)] = BUT_BEFORE
        but[(position > first_but) & ~is_but] = BUT_AFTER
    breaks = is_break | is_but
    breaks[1:] |= seg[1:] != seg[:-1]  # a new sentence opens a clause
    if n:
        breaks[0] = True
    clause = np.cumsum(breaks)
    return Valences(raw, value, negated, but, clause, is_word)


def _squash(total: np.ndarray, alpha: float) -> np.ndarray:
    return total / np.sqrt(total * total + alpha)


@lru_cache(maxsize=1)
def news_lexicon() -> dict[str, float]:
    """Word valences learned from NewsMTSC: the target model's lexical weights.

    For each word, the mean over its left- and right-of-target features
    (negated forms left out) of the positive-minus-negative weight of the
    shipped model (:func:`model`). It adds the evaluative vocabulary of
    political news ("accused", "hailed") that VADER lacks or weighs
    differently.

    Returns:
        word -> valence (logit units).
    """
    mdl = model()
    contrast = mdl.w_lexical[:, 2] - mdl.w_lexical[:, 0]
    sums: dict[str, list[float]] = {}
    for key, i in mdl.vocabulary.items():
        word = key.split(":", 1)[1]
        if not word.startswith("~"):
            sums.setdefault(word, []).append(float(contrast[i]))
    return {w: float(np.mean(v)) for w, v in sums.items()}


def segment_scores(tok: Tokens, val: Valences | None = None) -> np.ndarray:
    """Sentence score of every sentence in a token batch (see the module docstring)."""
    val = valences(tok) if val is None else val
    news = news_lexicon()
    _, _, n_scalar = vader_rules()
    learned = np.fromiter((news.get(t, 0.0) for t in tok.norm), dtype=float, count=len(tok.norm))
    learned = np.where(val.negated, learned * n_scalar, learned)
    total = np.bincount(tok.seg, weights=(val.value + NEWS_WEIGHT * learned) * val.but, minlength=tok.n_seg)
    n_words = np.bincount(tok.seg, weights=val.is_word.astype(float), minlength=tok.n_seg)
    return _squash(total / np.maximum(n_words, 1.0) ** LENGTH_EXPONENT, SENTENCE_ALPHA)


def sentence_score(text: str) -> float:
    """Sentiment of one sentence, in [-1, 1].

    Args:
        text: a sentence (or any short text, scored as one unit).

    Returns:
        The sentence score described in the module docstring.

    Example:
        >>> sentence_score("The talks were a great success.") > 0.5
        True
        >>> sentence_score("The talks were not a success.") < 0
        True
    """
    if not isinstance(text, str):
        raise InputError(f"sentence_score: expected a string, got {type(text).__name__}")
    tok, _ = tokens_of([text])
    return float(segment_scores(tok)[0])


def sentence_scores(doc: Document) -> pd.DataFrame:
    """The sentence score of every sentence of a document.

    Returns:
        :func:`analysis.tokenise.sentences` with an added ``score`` column.

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("A good plan. A bad plan.")
        >>> [round(s, 2) for s in sentence_scores(doc)["score"]]
        [0.6, -0.64]
    """
    from analysis import tokenise

    def compute():
        sents = tokenise.sentences(doc)
        sents["score"] = segment_scores(*_doc_valences(doc))
        return sents

    return doc.cached("sentiment.sentence_scores", compute).copy(deep=False)


# --- features centred on a target -----------------------------------------------

#: Names of the numeric features, in the model's column order.
NUMERIC_FEATURES = (
    "clause_left_pos", "clause_left_neg", "clause_right_pos", "clause_right_neg",
    "near_pos", "near_neg", "sentence_pos", "sentence_neg", "sentence_compound",
    "target_valence", "clause_negated", "target_first", "target_after_but",
    "target_before_but", "log_tokens",
)


def target_spans(tok: Tokens, seg: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last token index of each target (character span in ``seg``)."""
    return _token_spans(tok.start, tok.end, start, end)


def _token_spans(tok_start: np.ndarray, tok_end: np.ndarray, start: np.ndarray,
                 end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`target_spans` on the tokens' character offsets."""
    n_tokens = len(tok_start)
    ts = np.searchsorted(tok_end, start, side="right")
    te = np.searchsorted(tok_start, end, side="left")
    te = np.maximum(te, ts + 1)
    ts = np.minimum(ts, n_tokens - 1) if n_tokens else ts
    return ts, np.minimum(te, n_tokens)


def features(tok: Tokens, seg: np.ndarray, start: np.ndarray, end: np.ndarray,
             val: Valences | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target-centred features for each target (vectorised over targets).

    Args:
        tok: the tokens of the sentences.
        seg: sentence index of each target.
        start, end: character span of each target, in ``tok``'s coordinates.
        val: precomputed :func:`valences` (computed when omitted).

    Returns:
        ``(numeric, lex_target, lex_key)``: the numeric features (one row per
        target, columns :data:`NUMERIC_FEATURES`), and the lexical features as
        pairs (target index, key such as ``"L:accused"`` or ``"R:~support"``,
        ``~`` marking a negated word).
    """
    numeric, lex_target, code, token = _target_features(tok, seg, start, end, val)
    keys = [_LEXICAL_PREFIX[c] + w for c, w in zip(code.tolist(), tok.norm[token].tolist())]
    return numeric, lex_target, np.array(keys, dtype=object)


def _target_features(tok: Tokens, seg: np.ndarray, start: np.ndarray, end: np.ndarray,
                     val: Valences | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`features`, each lexical feature as (target, prefix code, token).

    The prefix code indexes :data:`_LEXICAL_PREFIX` (side and negation); the
    token is an index into ``tok``: the key is the prefix plus the token's text.
    """
    val = valences(tok) if val is None else val
    n = len(seg)
    numeric = np.zeros((n, len(NUMERIC_FEATURES)))
    if n == 0 or len(tok.seg) == 0:
        none = np.zeros(0, dtype="int64")
        return numeric, none, none, none
    ts, te = target_spans(tok, seg, start, end)
    counts = np.bincount(tok.seg, minlength=tok.n_seg)
    first = np.cumsum(counts) - counts
    lengths = counts[seg]
    # one pair (target, token) for every token of the target's sentence
    pm = np.repeat(np.arange(n), lengths)
    pt = np.arange(len(pm)) + np.repeat(first[seg] - (np.cumsum(lengths) - lengths), lengths)
    pts, pte = ts[pm], te[pm]
    left = pt < pts
    right = pt >= pte
    inside = ~left & ~right
    dist = np.where(left, pts - pt, np.where(right, pt - pte + 1, 0))
    v = val.value[pt]
    pos, neg = np.maximum(v, 0), np.minimum(v, 0)
    same_clause = (val.clause[pt] == val.clause[pts]) | (val.clause[pt] == val.clause[np.maximum(pte - 1, 0)])
    near = 1.0 / (1.0 + dist / DISTANCE_SCALE)
    but = val.but[pt]

    def total(weights):
        return np.bincount(pm, weights=weights, minlength=n)

    outside = ~inside
    numeric[:, 0] = total(pos * (same_clause & left))
    numeric[:, 1] = total(neg * (same_clause & left))
    numeric[:, 2] = total(pos * (same_clause & right))
    numeric[:, 3] = total(neg * (same_clause & right))
    numeric[:, 4] = total(pos * near * outside)
    numeric[:, 5] = total(neg * near * outside)
    numeric[:, 6] = total(pos * but * outside)
    numeric[:, 7] = total(neg * but * outside)
    numeric[:, 8] = _squash(total(v * but), VADER_ALPHA)
    numeric[:, 9] = total(v * inside)
    numeric[:, 10] = total((val.negated[pt] & same_clause & outside).astype(float)) > 0
    numeric[:, 11] = ts == first[seg]
    target_but = val.but[ts]
    numeric[:, 12] = target_but == BUT_AFTER
    numeric[:, 13] = target_but == BUT_BEFORE
    numeric[:, 14] = np.log1p(lengths)
    keep = np.flatnonzero(outside & (dist <= WINDOW) & val.is_word[pt])
    kept = pt[keep]
    return numeric, pm[keep], 2 * left[keep] + val.negated[kept], kept


def _predict(numeric: np.ndarray, lex_target: np.ndarray, lex_key: np.ndarray, mdl: Model) -> np.ndarray:
    """Class probabilities (n, 3) for feature rows."""
    rows = np.fromiter(map(mdl.vocabulary.get, lex_key, repeat(-1)), dtype="int64", count=len(lex_key))
    return _probabilities(numeric, lex_target, rows, mdl)


def _probabilities(numeric: np.ndarray, lex_target: np.ndarray, lex_row: np.ndarray, mdl: Model) -> np.ndarray:
    """Class probabilities (n, 3), the lexical features given as rows of ``w_lexical`` (-1: not in it)."""
    z = ((numeric - mdl.mean) / mdl.scale) @ mdl.w_numeric + mdl.bias
    ok = lex_row >= 0
    if ok.any():
        np.add.at(z, lex_target[ok], mdl.w_lexical[lex_row[ok]])
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class TargetScore:
    """Sentiment toward one target.

    Attributes:
        score: ``P(positive) - P(negative)``, in [-1, 1].
        label: "negative", "neutral" or "positive" (the most probable class).
        probabilities: (negative, neutral, positive).
    """

    score: float
    label: str
    probabilities: tuple[float, float, float]


def predict_batch(sentences: list[str], starts, ends) -> np.ndarray:
    """Class probabilities for many (sentence, start, end) targets at once.

    Returns:
        Array of shape (n, 3): P(negative), P(neutral), P(positive).
    """
    tok, base = tokens_of(list(sentences))
    seg = np.arange(len(sentences), dtype="int64")
    s = base + np.asarray(starts, dtype="int64")
    e = base + np.asarray(ends, dtype="int64")
    numeric, lt, lk = features(tok, seg, s, e)
    return _predict(numeric, lt, lk, model())


def _check_span(sentence: str, start: int, end: int) -> None:
    if not isinstance(sentence, str) or not sentence.strip():
        raise InputError("toward_target: the sentence must be a non-empty string")
    if not (isinstance(start, (int, np.integer)) and isinstance(end, (int, np.integer))
            and 0 <= start < end <= len(sentence)):
        raise InputError(f"toward_target: span {start}:{end} is not inside a sentence of {len(sentence)} characters")


def toward_target(sentence: str, start: int, end: int) -> TargetScore:
    """Sentiment toward the target at ``sentence[start:end]``.

    Args:
        sentence: one sentence.
        start, end: character offsets of the target mention (end exclusive).

    Returns:
        A :class:`TargetScore` with ``.score`` in [-1, 1] and ``.label``.

    Raises:
        InputError: the span is empty or outside the sentence.

    Example:
        >>> s = "Critics accused Moscow of lying."
        >>> toward_target(s, 16, 22).label
        'negative'
    """
    _check_span(sentence, start, end)
    p = predict_batch([sentence], [start], [end])[0]
    return TargetScore(float(p[2] - p[0]), LABELS[int(np.argmax(p))], tuple(float(x) for x in p))


def explain(sentence: str, start: int, end: int) -> pd.DataFrame:
    """What moved the score toward a target: each feature's contribution.

    Args:
        sentence, start, end: as for :func:`toward_target`.

    Returns:
        DataFrame with columns ``feature`` (numeric feature name or lexical
        key such as ``"L:accused"``), ``value`` (the feature's value) and
        ``contribution`` (its effect on the positive-minus-negative logit),
        sorted by absolute contribution, largest first; features with no
        effect are left out.

    Example:
        >>> explain("Critics accused Moscow of lying.", 16, 22)["feature"].iloc[0] != ""
        True
    """
    _check_span(sentence, start, end)
    mdl = model()
    tok, base = tokens_of([sentence])
    numeric, _, keys = features(tok, np.array([0]), np.array([start]) + base, np.array([end]) + base)
    contrast = lambda w: w[..., 2] - w[..., 0]  # noqa: E731
    rows = [(name, float(x), float(c)) for name, x, c in
            zip(NUMERIC_FEATURES, numeric[0], ((numeric[0] - mdl.mean) / mdl.scale) * contrast(mdl.w_numeric))]
    for key in keys:
        i = mdl.vocabulary.get(key)
        if i is not None:
            rows.append((key, 1.0, float(contrast(mdl.w_lexical[i]))))
    out = pd.DataFrame(rows, columns=["feature", "value", "contribution"])
    out = out.loc[out["contribution"].abs() > 1e-9]
    order = out["contribution"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


# --- documents ------------------------------------------------------------------


def _voices(doc: Document, starts: np.ndarray) -> list:
    """Voice at each mention start, or missing values when voices are unavailable."""
    try:
        from analysis import voices
    except ImportError:
        return [pd.NA] * len(starts)
    return list(voices.voice_at(doc, starts))


def _target_tokens(doc: Document, seg: np.ndarray, start: np.ndarray, end: np.ndarray) -> Tokens:
    """The tokens of a document that :func:`features` reads for these targets.

    For a target, :func:`features` reads the tokens of its sentence and its
    first and last token (in that sentence unless the span runs past its
    end). The sentences from the target's to those of its first and last
    token are taken whole, in order and with their sentence ids, so token
    distances, clauses and valences are those of the whole document and the
    features are the same as with every token; the other sentences are left out.
    """
    from analysis import tokenise

    t = tokenise.token_arrays(doc)
    n_seg = tokenise.sentence_count(doc)
    sid = t.sentence_id
    if len(sid) == 0:
        return Tokens(sid, np.zeros(0, dtype=object), t.start, t.end, n_seg)
    ts, te = _token_spans(t.start, t.end, start, end)
    first, last = sid[ts], sid[te - 1]
    lo = np.minimum(seg, np.minimum(first, last))
    hi = np.maximum(seg, np.maximum(first, last))
    # sentences inside some [lo, hi]: a running count of ranges opened minus ranges closed
    depth = np.cumsum(np.bincount(lo, minlength=n_seg + 1) - np.bincount(hi + 1, minlength=n_seg + 1))
    keep = np.flatnonzero(depth[sid] > 0)
    start, end = t.start[keep], t.end[keep]
    return Tokens(sid[keep], np.array(t.norm_at(keep), dtype=object), start, end, n_seg)


def _score_table(doc: Document, gazetteer) -> tables.Table:
    from analysis import actors

    ment = actors.mentions.table(doc, gazetteer)
    cols = ment.columns
    seg = np.asarray(cols["sentence_id"], dtype="int64")
    start = np.asarray(cols["start"], dtype="int64")
    end = np.asarray(cols["end"], dtype="int64")
    if len(ment):
        tok = _target_tokens(doc, seg, start, end)
        rows, form_values, form_flags, form_lexical = _FORMS.lookup(tok.norm)
        val = _valences(tok.seg, rows, form_values, form_flags)
        numeric, lex_target, code, token = _target_features(tok, seg, start, end, val)
        # the lexical features' rows of the model, read from the tokens' word forms
        p = _probabilities(numeric, lex_target, form_lexical[code, rows[token]], model())
    else:
        p = np.zeros((0, len(LABELS)))
    columns = {c: cols[c] for c in SCORE_COLUMNS[:SCORE_COLUMNS.index("voice")]}
    columns["voice"] = _voices(doc, start)
    columns["score"] = p[:, 2] - p[:, 0]
    columns["label"] = [LABELS[k] for k in p.argmax(axis=1).tolist()]
    columns["p_negative"], columns["p_neutral"], columns["p_positive"] = p[:, 0], p[:, 1], p[:, 2]
    return tables.Table(columns, SCORE_DTYPES)


@tables.tidy
def scores(doc: Document, gazetteer=None) -> tables.Table:
    """Sentiment toward every actor mention of a document.

    Args:
        doc: the document.
        gazetteer: the actor gazetteer (``None``: packaged; see :mod:`analysis.actors`).

    Returns:
        :func:`analysis.actors.mentions` with added columns ``voice`` (from
        :func:`analysis.voices.voice_at`: "author" or the speaker's label),
        ``score`` (in [-1, 1]), ``label`` and the class probabilities
        ``p_negative``, ``p_neutral``, ``p_positive``; dtypes as in
        :data:`SCORE_DTYPES`. ``scores.table(doc)`` gives the same columns
        as a :class:`~analysis.tables.Table`, computed once per document with
        the packaged gazetteer and shared by later calls (do not modify it in place).

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("Critics accused Moscow of lying.")
        >>> scores(doc)[["actor", "label"]].values.tolist()
        [['russia', 'negative']]
    """
    if gazetteer is not None:
        return _score_table(doc, gazetteer)
    return doc.cached("sentiment.scores", lambda: _score_table(doc, None))


#: Seeded generator states kept by :func:`_seed_state`: every (actor, voice)
#: group of the packaged gazetteer (59 actors, 3 voices) for a few seeds.
SEED_STATES_MAX = 1024


@lru_cache(maxsize=SEED_STATES_MAX)
def _seed_state(seed: int, actor: str, voice: str) -> dict:
    """The initial state of the group's generator (groups recur from document to document)."""
    return np.random.PCG64([seed, zlib.crc32(f"{actor}\x00{voice}".encode("utf-8"))]).state


_THREAD = threading.local()


def _seed_for(seed: int, actor: str, voice: str) -> np.random.Generator:
    """A generator that depends only on the seed and the group, not on other groups.

    The same draws as ``np.random.default_rng([seed, crc32(group)])``: one
    generator per thread is set to the group's initial state, so each one
    returned must be used up before the next call.
    """
    generator = getattr(_THREAD, "generator", None)
    if generator is None:
        generator = _THREAD.generator = np.random.Generator(np.random.PCG64(0))
    generator.bit_generator.state = _seed_state(int(seed), actor, voice)
    return generator


#: NumPy's PCG64 (``random/src/pcg64/pcg64.h``, ``pcg64_next32``) gives a 32-bit
#: draw as the low half of a 64-bit output, then the high half of the same output.
_LOW_HALF_FIRST = sys.byteorder == "little"


def _group_draws(state: dict, n: int, count: int) -> np.ndarray | None:
    """``Generator(PCG64)`` set to ``state``: ``integers(0, n, size=count)``, from its raw outputs.

    NumPy draws an integer below ``n < 2**32`` from a 32-bit draw ``x`` by
    Lemire's method (``buffered_bounded_lemire_uint32`` in
    ``random/src/distributions/distributions.c``; Lemire 2019, "Fast Random
    Integer Generation in an Interval", ACM TOMACS): ``(x * n) >> 32``,
    drawing again when the low 32 bits of ``x * n`` are below
    ``2**32 % n``. Here the 32-bit draws are the halves of ``count / 2`` raw
    64-bit outputs, turned into integers in a few whole-array operations
    instead of one call per draw. Returns ``None`` when some draw would be
    drawn again (a chance below ``n / 2**32`` per draw) or the draws cannot
    be read this way (an odd count, a half-used output, big-endian order):
    the caller then uses ``integers`` itself.
    """
    if count % 2 or state["has_uint32"] or not _LOW_HALF_FIRST or n >= 2**32:
        return None
    bits = getattr(_THREAD, "bits", None)
    if bits is None:
        bits = _THREAD.bits = np.random.PCG64(0)
    bits.state = state
    product = bits.random_raw(count // 2).view(np.uint32).astype(np.uint64)
    product *= np.uint64(n)
    threshold = (1 << 32) % n
    if threshold and product.view(np.uint32)[0::2].min() < threshold:  # low halves
        return None
    product >>= np.uint64(32)
    return product.view(np.int64)


#: Indices drawn at once in the bootstrap: bounds memory on large corpora to
#: 8 MB of indices. The generator yields the same stream however it is cut,
#: so the intervals do not depend on it.
BOOTSTRAP_DRAWS = 1_000_000


def _bootstrap_means(values: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """Means of ``resamples`` resamples of ``values`` with replacement.

    The same numbers as ``values[rng.integers(0, n, size=(resamples, n))].mean(axis=1)``:
    the draws are laid out one resample per column, and each column is
    summed in the order in which NumPy sums a row (:func:`_pairwise_rows`),
    adding whole rows instead of reducing many short ones.
    """
    n = len(values)
    step = max(1, BOOTSTRAP_DRAWS // n)
    sums = [_pairwise_rows(values[rng.integers(0, n, size=(min(step, resamples - lo), n)).T])
            for lo in range(0, resamples, step)]
    return (sums[0] if len(sums) == 1 else np.concatenate(sums)) / n


#: Block size and number of partial sums of NumPy's pairwise summation
#: (``PW_BLOCKSIZE`` and the unrolling of ``pairwise_sum`` in
#: ``numpy/_core/src/umath/loops_utils.h.src``).
_PAIRWISE_BLOCK = 128
_PAIRWISE_UNROLL = 8


def _pairwise_rows(rows: np.ndarray) -> np.ndarray:
    """The sum of the rows of a 2-D array, added in NumPy's pairwise order.

    ``np.add.reduce(x, axis=1)`` sums each row of ``x`` by pairwise
    summation; this gives the same numbers for ``x.T`` (so ``rows``), one
    whole row of ``rows`` at a time: fewer than :data:`_PAIRWISE_UNROLL`
    values in turn; up to :data:`_PAIRWISE_BLOCK` values in that many
    interleaved partial sums, combined as a tree, then the rest in turn;
    longer runs split in two at a multiple of :data:`_PAIRWISE_UNROLL`.
    """
    n = len(rows)
    if n < _PAIRWISE_UNROLL:
        total = rows[0].copy()
        for row in rows[1:]:
            total += row
        return total
    if n <= _PAIRWISE_BLOCK:
        whole = n - n % _PAIRWISE_UNROLL
        r = rows[:_PAIRWISE_UNROLL].copy()
        for i in range(_PAIRWISE_UNROLL, whole, _PAIRWISE_UNROLL):
            r += rows[i:i + _PAIRWISE_UNROLL]
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for row in rows[whole:]:
            total += row
        return total
    half = n // 2
    half -= half % _PAIRWISE_UNROLL
    return _pairwise_rows(rows[:half]) + _pairwise_rows(rows[half:])


def _tails(confidence: float) -> list[float]:
    tail = (1 - confidence) / 2
    return [tail, 1 - tail]


@lru_cache(maxsize=8)
def _quantile_positions(n: int, q: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For :func:`_row_quantiles` of rows of ``n`` values: the order statistics
    below and above each quantile, the interpolation weights, and all of them
    in order (the same for every document: kept, and never written)."""
    position = (n - 1) * np.asarray(q, dtype="float64")
    below = np.minimum(np.floor(position), n - 1).astype(np.intp)
    above = np.minimum(below + 1, n - 1)
    return below, above, position - below, np.unique(np.concatenate((below, above)))


def _row_quantiles(rows: np.ndarray, q: list[float]) -> np.ndarray:
    """``np.quantile(rows, q, axis=1)`` (the "linear" method), partitioning each row in place.

    The same order statistics and the same interpolation arithmetic as
    NumPy's (Hyndman & Fan 1996, definition 7: position ``(n - 1) q``);
    ``np.quantile`` first moves the axis and also partitions each row's ends.
    """
    below, above, gamma, kth = _quantile_positions(rows.shape[1], tuple(q))
    rows.partition(kth, axis=1)
    a, b = rows[:, below], rows[:, above]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma).T


def bootstrap_interval(values: np.ndarray, rng: np.random.Generator,
                       resamples: int = BOOTSTRAP_RESAMPLES, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (Efron & Tibshirani 1993, ch. 13).

    Args:
        values: the observations.
        rng: the random generator (seeded by the caller).
        resamples: number of bootstrap resamples.
        confidence: two-sided coverage.

    Returns:
        ``(low, high)``; both equal the value itself for one observation.

    Example:
        >>> bootstrap_interval(np.array([0.5]), np.random.default_rng(1))
        (0.5, 0.5)
    """
    n = len(values)
    if n == 0:
        return (math.nan, math.nan)
    if n == 1 or np.all(values == values[0]):
        return (float(values[0]), float(values[0]))
    low, high = np.quantile(_bootstrap_means(values, rng, resamples), _tails(confidence))
    return float(low), float(high)


def _group_means(values: np.ndarray, seed: int, actor: str, voice: str) -> np.ndarray:
    """:func:`_bootstrap_means` of a group with its own generator (:func:`_seed_for`), the same numbers.

    The draws are read by :func:`_group_draws` when they fit in one piece.
    """
    n = len(values)
    count = BOOTSTRAP_RESAMPLES * n
    draws = _group_draws(_seed_state(int(seed), actor, voice), n, count) if count <= BOOTSTRAP_DRAWS else None
    if draws is None:
        return _bootstrap_means(values, _seed_for(seed, actor, voice), BOOTSTRAP_RESAMPLES)
    # gathered in the order drawn (take: faster than indexing with the transposed draws)
    return _pairwise_rows(values.take(draws).reshape(BOOTSTRAP_RESAMPLES, n).T) / n


def _sum(values: list[float]) -> float:
    """``np.add.reduce(values)`` of a list of floats.

    NumPy's pairwise summation adds fewer than :data:`_PAIRWISE_UNROLL`
    values in turn, as this Python loop does (a group has a few mentions).
    """
    if len(values) >= _PAIRWISE_UNROLL:
        return float(np.add.reduce(np.array(values, dtype="float64")))
    total = values[0]
    for x in values[1:]:
        total += x
    return total


#: Voices of :func:`toward_actors`, in output order within an actor.
_VOICES = ("all", "author", "quoted")


def _actor_table(actor: list, voice: list, score: np.ndarray, label: list, seed: int) -> tables.Table:
    """The rows of :func:`toward_actors` from the mentions' actors, voices, scores and labels.

    A group is an actor with all its mentions, or with those in the author's
    voice or in a quoted voice (rows in table order; empty groups left out).
    A document has a few dozen mentions, so the groups are gathered in plain
    Python; a group's bootstrap draws come from its own generator
    (:func:`_seed_for`), as in :func:`bootstrap_interval`, and the
    percentiles of all groups are read in one pass.
    """
    if len(actor) == 0:
        return tables.Table.empty(ACTOR_DTYPES)
    score = np.asarray(score, dtype="float64").tolist()
    groups: dict[tuple[str, int], list[int]] = {}
    for i, (a, v) in enumerate(zip(actor, voice)):
        groups.setdefault((a, 0), []).append(i)
        if isinstance(v, str):  # voices known: 1 the author's, 2 quoted
            groups.setdefault((a, 1 if v == "author" else 2), []).append(i)
    # most mentions (all voices) first, then actor id, then all/author/quoted
    order = sorted(groups, key=lambda g: (-len(groups[g[0], 0]), g))
    label_code = {name: i for i, name in enumerate(LABELS)}
    codes = [label_code[x] for x in label]
    n_mentions, mean, low, high, shares, varies, draws = [], [], [], [], [], [], []
    for k, (a, v) in enumerate(order):
        rows = groups[a, v]
        n = len(rows)
        values = [score[i] for i in rows]
        n_mentions.append(n)
        mean.append(_sum(values) / n)
        counts = [0] * len(LABELS)
        for i in rows:
            counts[codes[i]] += 1
        shares.append([c / n for c in counts])
        first = values[0]
        low.append(first)
        high.append(first)
        # one value, or all equal: the interval is the value and no draw is made
        if n > 1 and not all(x == first for x in values):
            varies.append(k)
            draws.append(_group_means(np.array(values, dtype="float64"), seed, a, _VOICES[v]))
    if varies:
        for k, lo, hi in zip(varies, *_row_quantiles(np.stack(draws), _tails(CONFIDENCE)).tolist()):
            low[k], high[k] = lo, hi
    share = np.array(shares, dtype="float64")
    return tables.Table({
        "actor": [a for a, _ in order], "voice": [_VOICES[v] for _, v in order],
        "n_mentions": np.array(n_mentions, dtype="int64"), "mean": np.array(mean, dtype="float64"),
        "ci_low": np.array(low, dtype="float64"), "ci_high": np.array(high, dtype="float64"),
        "share_negative": share[:, 0], "share_neutral": share[:, 1], "share_positive": share[:, 2],
    }, ACTOR_DTYPES)


@tables.tidy
def toward_actors(doc: Document, *, rollup: bool = False, seed: int = SEED, gazetteer=None) -> tables.Table:
    """Sentiment toward each actor, overall and by voice, with 95% bootstrap intervals.

    Args:
        doc: the document.
        rollup: count persons, organisations and documents as their state
            (Lavrov as Russia); blocs keep their own id.
        seed: bootstrap seed; the same seed gives the same intervals.
        gazetteer: the actor gazetteer (``None``: packaged).

    Returns:
        DataFrame with columns ``actor``, ``voice`` ("all"; "author" and
        "quoted" when :mod:`analysis.voices` is available; a voice with no
        mentions of the actor is left out), ``n_mentions``, ``mean`` (mean
        target score), ``ci_low``, ``ci_high`` (percentile bootstrap
        interval of the mean over mentions, :data:`BOOTSTRAP_RESAMPLES`
        resamples) and ``share_negative``, ``share_neutral``,
        ``share_positive`` (shares of mention labels); dtypes as in
        :data:`ACTOR_DTYPES`. Sorted by the number of mentions (all
        voices), then actor id. ``toward_actors.table(doc)`` gives the same
        columns as a :class:`~analysis.tables.Table`.

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("Critics accused Moscow of lying. Moscow denied it.")
        >>> row = toward_actors(doc).iloc[0]
        >>> row["actor"], row["voice"], int(row["n_mentions"])
        ('russia', 'all', 2)
    """
    from analysis import actors

    cols = scores.table(doc, gazetteer).columns
    actor = cols["actor"]
    if rollup:
        gaz = actors.build(gazetteer)
        actor = [gaz.state_of(a) for a in actor]
    return _actor_table(actor, cols["voice"], cols["score"], cols["label"], seed)


def evidence(doc: Document, actor: str, *, rollup: bool = False, gazetteer=None) -> pd.DataFrame:
    """The mentions behind an actor's numbers, with their sentences and scores.

    Args:
        doc: the document.
        actor: an actor id ("russia"); with ``rollup`` also its members.
        rollup: include persons, organisations and documents of that state.
        gazetteer: the actor gazetteer (``None``: packaged).

    Returns:
        DataFrame with the columns of :func:`scores` plus ``member`` (the
        actor actually mentioned) and ``sentence`` (the sentence text), in
        text order.

    Example:
        >>> from analysis import corpus
        >>> doc = corpus.from_text("Critics accused Moscow of lying.")
        >>> evidence(doc, "russia")["sentence"].tolist()
        ['Critics accused Moscow of lying.']
    """
    from analysis import actors, tokenise

    table = scores(doc, gazetteer)
    table = actors.rollup(table, gazetteer=gazetteer) if rollup else table.assign(member=table["actor"])
    out = table.loc[table["actor"] == actor].copy()
    text = tokenise.sentences(doc).set_index("sentence_id")["text"]
    out["sentence"] = out["sentence_id"].map(text)
    return out.reset_index(drop=True)


def validation() -> dict:
    """The committed validation results (``analysis/data/sentiment_validation.json``).

    Returns:
        The parsed file: metrics per data set, the command, data hashes and
        package versions; an empty mapping when the file is absent.
    """
    if not VALIDATION_FILE.is_file():
        return {}
    return json.loads(VALIDATION_FILE.read_text(encoding="utf-8"))
