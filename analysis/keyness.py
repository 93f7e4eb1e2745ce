"""Keywords and collocates: what a text says unusually often, and in what company.

Keyness compares each word's frequency in the target text with a reference:

- **Log-likelihood** (Dunning 1993) in the two-cell form of Rayson & Garside
  (2000): with a = frequency in the target, b = in the reference, c and d the
  sizes of target and reference, the expected frequencies are
  E1 = c (a + b) / (c + d) and E2 = d (a + b) / (c + d), and
  G² = 2 (a ln(a / E1) + b ln(b / E2)), a term with a zero frequency
  contributing 0. G² is compared with the chi-square distribution with one
  degree of freedom: 3.84 (p < 0.05), 6.63 (p < 0.01), 10.83 (p < 0.001),
  15.13 (p < 0.0001) (Rayson, Berridge & Francis 2004).
- **Log ratio** (Hardie 2014): the binary log of the ratio of relative
  frequencies, log2((a / c) / (b / d)); an effect size, +1 meaning twice as
  frequent in the target. A zero frequency is replaced by
  :data:`ZERO_CORRECTION` (0.5), Hardie's correction, so a word absent from
  one side still gets a finite value.

Words are the lower-cased ``norm`` of word and abbreviation tokens
(:mod:`analysis.tokenise`); tokens with a digit are left out, since wordfreq
folds digit sequences into number shapes. A hyphenated compound is one word.

**Reference.** By default, general English from ``wordfreq`` (Speer 2022;
its frequency lists ship inside the wheel, nothing is fetched). wordfreq
gives a *proportion* of tokens, not a count; it is turned into a count by
multiplying by a nominal reference size, :data:`REFERENCE_SIZE`
(10⁹ tokens, the order of magnitude of the sources wordfreq pools, and large
enough that wordfreq's smallest listed frequency, 10⁻⁸, is 10 tokens) and
rounding to the nearest integer. Tokenisation differs: wordfreq drops the
final period of "U.S." and splits hyphenated compounds, so each of our words
is looked up with :func:`wordfreq.word_frequency`, which applies wordfreq's
own tokeniser and, for a compound, its estimate for a multi-token phrase
(1/f = 1/f₁ + 1/f₂ + ...). A word wordfreq does not list gets frequency 0.
The reference may instead be another :class:`~analysis.corpus.Document` or a
list of them, counted exactly as the target.

**Collocates** of a node word are counted in a window of
:data:`WINDOW` words on each side within a sentence, and scored with NLTK's
:meth:`~nltk.metrics.association.BigramAssocMeasures.likelihood_ratio` on the
2×2 table of window positions against the rest of the text (Evert 2008's
surface co-occurrence), and with logDice (Rychlý 2008),
14 + log2(2 f_xy / (f_x + f_y)).

References:
    Dunning, T. (1993). Accurate methods for the statistics of surprise and
    coincidence. Computational Linguistics 19(1), 61-74.
    Rayson, P. & Garside, R. (2000). Comparing corpora using frequency
    profiling. Workshop on Comparing Corpora, ACL 2000, 1-6.
    Rayson, P., Berridge, D. & Francis, B. (2004). Extending the Cochran rule
    for the comparison of word frequencies between corpora. JADT 2004.
    Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for
    Corpus Approaches to Social Science (CASS).
    Rychlý, P. (2008). A lexicographer-friendly association score. RASLAN
    2008, 6-9.
    Evert, S. (2008). Corpora and collocations. In Lüdeling & Kytö (eds.),
    Corpus Linguistics: An International Handbook, ch. 58.
    Speer, R. (2022). wordfreq v3.0 (Zenodo, doi:10.5281/zenodo.7199437).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from nltk.metrics.association import BigramAssocMeasures

from analysis import tokenise
from analysis.corpus import Document
from analysis.errors import InputError
from analysis.normalise import TABLE

#: Nominal size, in tokens, of the wordfreq reference: frequencies are
#: multiplied by it and rounded to counts. 10**9 makes wordfreq's smallest
#: listed frequency (1e-8, its "large" English list) a count of 10.
REFERENCE_SIZE = 1_000_000_000
#: Language of the wordfreq reference list.
REFERENCE_LANGUAGE = "en"
#: Hardie's (2014) zero-frequency correction for the log ratio.
ZERO_CORRECTION = 0.5
#: Minimum frequency in the corpus where a word is over-represented (keywords)
#: or minimum co-occurrence (collocates) for a ranked result; rarer items are
#: flagged, not ranked. Chosen for single articles: a word used once or twice
#: is not a pattern, and G² is unreliable for very small counts (Rayson,
#: Berridge & Francis 2004); corpus tools such as WordSmith's KeyWords apply a
#: minimum frequency for the same reason.
MIN_FREQUENCY = 3
#: Chi-square critical values with 1 df and their labels, strictest first
#: (Rayson, Berridge & Francis 2004, Table 1; any chi-square table).
CRITICAL_VALUES = ((15.13, "p < 0.0001"), (10.83, "p < 0.001"), (6.63, "p < 0.01"), (3.84, "p < 0.05"))
#: Label of a G² below the smallest critical value.
NOT_SIGNIFICANT = "n.s."
#: Collocation window: words on each side of the node; AntConc's default span
#: (5L-5R; Anthony, AntConc manual), close to Sinclair's (1991) four words.
WINDOW = 5
#: Token kinds that count as words for keyness (numbers are left out).
KEYNESS_KINDS = ("word", "abbreviation")

_DIGIT = re.compile(r"\d")
_PLAIN = re.compile(r"^[a-z]+$")


def _term_counts(doc: Document) -> pd.Series:
    def build() -> pd.Series:
        w = tokenise.words(doc)
        counts = w.loc[w["kind"].isin(KEYNESS_KINDS), "norm"].value_counts(sort=False)
        counts.index = counts.index.astype(object)
        return counts[[not _DIGIT.search(t) for t in counts.index]]

    return doc.cached("keyness.counts", build)


@lru_cache(maxsize=1)
def _wordfreq_table() -> dict:
    import wordfreq

    return wordfreq.get_frequency_dict(REFERENCE_LANGUAGE)


def reference_frequencies(terms: Iterable[str]) -> np.ndarray:
    """wordfreq's frequency (proportion of tokens) of each term, as ``word_frequency`` gives it.

    Plain lower-case ASCII words are read from wordfreq's table directly and
    rounded to three significant digits as ``word_frequency`` does; all other
    terms go through :func:`wordfreq.word_frequency` and its tokeniser.

    Args:
        terms: lower-cased words.

    Returns:
        Array of frequencies (0.0 for a word wordfreq does not list).

    Example:
        >>> reference_frequencies(["alliance", "u.s."]).tolist()
        [2.51e-05, 0.000204]
    """
    import wordfreq

    terms = list(terms)
    table = _wordfreq_table()
    out = np.zeros(len(terms))
    for i, term in enumerate(terms):
        if _PLAIN.match(term):
            f = table.get(term, 0.0)
            out[i] = round(f, math.floor(-math.log10(f)) + 3) if f > 0 else 0.0
        else:
            out[i] = wordfreq.word_frequency(term, REFERENCE_LANGUAGE)
    return out


def log_likelihood(a, b, c, d) -> np.ndarray:
    """Dunning's G² for frequencies ``a``, ``b`` in corpora of sizes ``c``, ``d``.

    Args:
        a, b: frequencies in the target and the reference (arrays or scalars).
        c, d: sizes of the target and the reference in words.

    Returns:
        Array of G² values (0 where both frequencies are 0).

    Example:
        >>> round(float(log_likelihood(10, 20, 1000, 10000)), 4)
        13.5795
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


def log_ratio(a, b, c, d, *, zero: float = ZERO_CORRECTION) -> np.ndarray:
    """Hardie's log ratio, log2((a / c) / (b / d)), zero frequencies replaced by ``zero``.

    Args:
        a, b: frequencies in the target and the reference.
        c, d: sizes of the target and the reference in words.
        zero: the value substituted for a zero frequency (:data:`ZERO_CORRECTION`).

    Returns:
        Array of log ratios; positive when the term is relatively more
        frequent in the target.

    Example:
        >>> float(log_ratio(10, 20, 1000, 10000)).__round__(6)
        2.321928
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    a = np.where(a > 0, a, zero)
    b = np.where(b > 0, b, zero)
    return np.log2((a / c) / (b / d))


def significance(g2) -> np.ndarray:
    """Label each G² with the strictest level it passes.

    Args:
        g2: G² values.

    Returns:
        Array of labels from :data:`CRITICAL_VALUES`, or :data:`NOT_SIGNIFICANT`.

    Example:
        >>> significance([3.0, 7.0]).tolist()
        ['n.s.', 'p < 0.01']
    """
    g2 = np.asarray(g2, dtype=float)
    out = np.full(g2.shape, NOT_SIGNIFICANT, dtype=object)
    for value, label in reversed(CRITICAL_VALUES):
        out[g2 >= value] = label
    return out


def p_value(g2) -> np.ndarray:
    """Upper-tail probability of G² under chi-square with 1 df, erfc(sqrt(G²/2)).

    Args:
        g2: G² values.

    Returns:
        Array of p-values.

    Example:
        >>> round(float(p_value([3.841459])[0]), 4)
        0.05
    """
    g2 = np.clip(np.asarray(g2, dtype=float), 0, None)
    return np.frompyfunc(lambda x: math.erfc(math.sqrt(x / 2.0)), 1, 1)(g2).astype(float)


def _reference_counts(reference) -> tuple[pd.Series | None, int]:
    if reference is None:
        return None, REFERENCE_SIZE
    docs = [reference] if isinstance(reference, Document) else reference
    if isinstance(docs, (str, bytes)) or not isinstance(docs, Iterable):
        raise InputError("keywords: reference must be None, a Document or a list of them, "
                         f"got {type(reference).__name__}")
    docs = list(docs)
    if not docs or not all(isinstance(d, Document) for d in docs):
        raise InputError("keywords: reference must be None, a Document or a non-empty list of Documents")
    counts = pd.concat([_term_counts(d) for d in docs]).groupby(level=0).sum()
    return counts, int(counts.sum())


def keywords(doc: Document, reference: Document | Sequence[Document] | None = None, *,
             min_freq: int = MIN_FREQUENCY) -> pd.DataFrame:
    """Keywords of a document against a reference, by log-likelihood and log ratio.

    Args:
        doc: the target document.
        reference: ``None`` for general English (wordfreq, see the module
            docstring), or a Document or list of Documents whose word counts
            are pooled.
        min_freq: a word needs at least this frequency in the corpus where
            it is over-represented (the target when ``log_ratio >= 0``, else
            the reference) to be ranked; rarer words are flagged.

    Returns:
        DataFrame with columns ``term``, ``freq_target``, ``freq_reference``,
        ``size_target``, ``size_reference`` (words counted on each side),
        ``log_likelihood`` (G²), ``log_ratio``, ``p_value`` (chi-square 1
        df), ``significance`` (label, see :data:`CRITICAL_VALUES`),
        ``low_frequency`` (flag) and ``rank`` (1 = most key; missing for
        flagged words). Sorted by keyness: ranked words first, positive
        keywords by decreasing G², then negative keywords by increasing G²;
        flagged words last in the same order. With a wordfreq reference only
        the target's words are listed; with documents, the union.

    Example:
        >>> from analysis import corpus, keyness
        >>> doc = corpus.from_text("The alliance, the alliance, the alliance held.")
        >>> keyness.keywords(doc)["term"].iloc[0]
        'alliance'
    """
    if not isinstance(min_freq, int) or min_freq < 0:
        raise InputError(f"keywords: min_freq must be a non-negative integer, got {min_freq!r}")
    target = _term_counts(doc)
    ref_counts, size_ref = _reference_counts(reference)
    if ref_counts is None:
        terms = target.index
        freq_ref = np.rint(reference_frequencies(terms) * REFERENCE_SIZE).astype("int64")
    else:
        terms = target.index.union(ref_counts.index)
        freq_ref = ref_counts.reindex(terms, fill_value=0).to_numpy().astype("int64")
    a = target.reindex(terms, fill_value=0).to_numpy().astype("int64")
    size_t = int(target.sum())
    out = pd.DataFrame({"term": np.asarray(terms, dtype=object), "freq_target": a, "freq_reference": freq_ref,
                        "size_target": size_t, "size_reference": size_ref})
    out["log_likelihood"] = log_likelihood(a, freq_ref, size_t, size_ref) if size_t else 0.0
    out["log_ratio"] = log_ratio(a, freq_ref, max(size_t, 1), max(size_ref, 1))
    out["p_value"] = p_value(out["log_likelihood"])
    out["significance"] = significance(out["log_likelihood"])
    key_side = np.where(out["log_ratio"] >= 0, a, freq_ref)
    out["low_frequency"] = key_side < min_freq
    signed = np.where(out["log_ratio"] >= 0, out["log_likelihood"], -out["log_likelihood"])
    out = (out.assign(_signed=signed)
           .sort_values(["low_frequency", "_signed", "term"], ascending=[True, False, True],
                        kind="mergesort")
           .drop(columns="_signed").reset_index(drop=True))
    n_ranked = int((~out["low_frequency"]).sum())
    ranks = list(range(1, n_ranked + 1)) + [pd.NA] * (len(out) - n_ranked)
    out["rank"] = pd.array(ranks, dtype="Int64")
    return out


def _node_forms(node: str | Iterable[str]) -> set[str]:
    if isinstance(node, str):
        items = [node]
    elif isinstance(node, Iterable):
        items = list(node)
    else:
        raise InputError(f"collocates: node must be a word or a list of words, got {node!r}")
    forms = set()
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"collocates: node must be a word or a list of words, got {item!r}")
        tokens = tokenise.tokenize_text(item.strip())
        if len(tokens) != 1:
            raise InputError(f"collocates: node {item!r} must be a single word as the tokeniser sees it")
        forms.add(tokens[0].translate(TABLE).lower())
    if not forms:
        raise InputError("collocates: node is empty")
    return forms


def _word_stream(doc: Document) -> dict:
    def build() -> dict:
        w = tokenise.words(doc)
        w = w.loc[w["kind"].isin(tokenise.WORD_KINDS)]
        codes, uniques = pd.factorize(w["norm"])
        return {"codes": codes, "uniques": uniques, "sid": w["sentence_id"].to_numpy(),
                "freq": np.bincount(codes, minlength=len(uniques)) if len(uniques) else np.zeros(0, int)}

    return doc.cached("keyness.stream", build)


def collocates(doc: Document, node: str | Iterable[str], *, window: int = WINDOW,
               min_freq: int = MIN_FREQUENCY) -> pd.DataFrame:
    """Collocates of a node word within a window, scored by log-likelihood and logDice.

    Every word within ``window`` words left or right of an occurrence of the
    node, in the same sentence, is a co-occurrence; a word inside the windows
    of two node occurrences counts once (on the side of the nearer one), so
    the window positions never exceed the text. Log-likelihood is NLTK's
    ``BigramAssocMeasures.likelihood_ratio`` on the table: co-occurrences
    (n_ii), words in all node windows (n_ix), the collocate's frequency (n_xi)
    and the document's words (n_xx); logDice is 14 + log2(2 f_xy / (f_x + f_y)).

    Args:
        doc: the document.
        node: a word ("alliance", "U.S.") or a list of forms counted as one
            node (["alliance", "alliances"]); case is ignored.
        window: words on each side (:data:`WINDOW`).
        min_freq: co-occurrences needed to be ranked; rarer pairs are flagged.

    Returns:
        DataFrame with columns ``node`` (the forms, joined with "|"),
        ``collocate``, ``cooccurrences``, ``left``, ``right`` (co-occurrences
        on each side), ``freq_node``, ``freq_collocate``, ``window_words``,
        ``size``, ``expected``, ``log_likelihood``, ``log_dice`` and
        ``low_frequency``; sorted with ranked pairs first, attracted
        collocates (observed above expected) by decreasing log-likelihood.
        Empty when the node does not occur.

    Example:
        >>> from analysis import corpus, keyness
        >>> doc = corpus.from_text("A firm alliance grew. A firm alliance held.")
        >>> table = keyness.collocates(doc, "alliance", window=1, min_freq=1)
        >>> table[["collocate", "left", "right"]].values.tolist()
        [['firm', 2, 0], ['grew', 0, 1], ['held', 0, 1]]
    """
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise InputError(f"collocates: window must be a positive integer, got {window!r}")
    if not isinstance(min_freq, int) or min_freq < 0:
        raise InputError(f"collocates: min_freq must be a non-negative integer, got {min_freq!r}")
    forms = _node_forms(node)
    s = _word_stream(doc)
    codes, sid, uniques, freq = s["codes"], s["sid"], s["uniques"], s["freq"]
    node_codes = np.flatnonzero(pd.Index(uniques).isin(forms)) if len(uniques) else np.zeros(0, int)
    positions = np.flatnonzero(np.isin(codes, node_codes))
    n = len(codes)
    columns = ["node", "collocate", "cooccurrences", "left", "right", "freq_node", "freq_collocate",
               "window_words", "size", "expected", "log_likelihood", "log_dice", "low_frequency"]
    if not len(positions):
        dtypes = {"node": object, "collocate": object, "expected": float, "log_likelihood": float,
                  "log_dice": float, "low_frequency": bool}
        return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "int64")) for c in columns})
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    cand = (positions[:, None] + offsets[None, :]).ravel()
    home = np.repeat(positions, len(offsets))
    ok = (cand >= 0) & (cand < n)
    cand, home = cand[ok], home[ok]
    span = np.unique(cand[sid[cand] == sid[home]])
    span = span[~np.isin(codes[span], node_codes)]
    after = np.searchsorted(positions, span)
    prev = positions[np.clip(after - 1, 0, None)]
    is_right = (after > 0) & (sid[prev] == sid[span]) & (span - prev <= window)
    nxt = positions[np.clip(after, None, len(positions) - 1)]
    nearer_next = (after < len(positions)) & (nxt - span < span - prev) & (sid[nxt] == sid[span])
    is_right &= ~nearer_next
    left = np.bincount(codes[span[~is_right]], minlength=len(uniques))
    right = np.bincount(codes[span[is_right]], minlength=len(uniques))
    co = left + right
    window_words = int(co.sum())
    freq_node = int(freq[node_codes].sum())
    keep = np.flatnonzero(co)
    ll = [BigramAssocMeasures.likelihood_ratio(int(co[i]), (window_words, int(freq[i])), n)
          for i in keep]
    out = pd.DataFrame({
        "node": "|".join(sorted(forms)),
        "collocate": np.asarray(uniques, dtype=object)[keep],
        "cooccurrences": co[keep],
        "left": left[keep],
        "right": right[keep],
        "freq_node": freq_node,
        "freq_collocate": freq[keep].astype("int64"),
        "window_words": window_words,
        "size": n,
    })
    out["expected"] = window_words * out["freq_collocate"] / n
    out["log_likelihood"] = np.array(ll, dtype=float)
    out["log_dice"] = 14.0 + np.log2(2.0 * out["cooccurrences"] / (freq_node + out["freq_collocate"]))
    out["low_frequency"] = out["cooccurrences"] < min_freq
    attracted = out["cooccurrences"] >= out["expected"]
    signed = np.where(attracted, out["log_likelihood"], -out["log_likelihood"])
    return (out.assign(_signed=signed)
            .sort_values(["low_frequency", "_signed", "collocate"], ascending=[True, False, True],
                         kind="mergesort")
            .drop(columns="_signed").reset_index(drop=True))
