"""Descriptive tables of a document: its sections and sentence lengths."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis import tables, tokenise
from analysis.corpus import Document

#: Columns of :func:`sections` and their dtypes.
SECTION_DTYPES = {"section_index": "int64", "section": "str", "paragraphs": "int64", "sentences": "int64",
                  "words": "int64", "start": "int64", "end": "int64"}


@tables.tidy
def sections(doc: Document) -> tables.Table:
    """One row per section.

    Sentences and words are counted by section label (sections with the same
    label share their counts).

    Returns:
        DataFrame with columns ``section_index``, ``section`` (label),
        ``paragraphs`` (running-text paragraphs), ``sentences``, ``words``,
        ``start``, ``end`` (offsets into ``doc.body``); dtypes as in
        :data:`SECTION_DTYPES`.
    """
    sents = tokenise.sentence_arrays(doc)
    n_sentences = Counter(sents.section)
    n_words: dict[str, int] = dict.fromkeys(n_sentences, 0)
    for label, n in zip(sents.section, sents.n_words.tolist()):
        n_words[label] += n
    paragraphs = Counter(p.section for p in doc.text_paragraphs)
    secs = doc.sections
    return tables.Table(
        {
            "section_index": [s.index for s in secs],
            "section": [s.label for s in secs],
            "paragraphs": [paragraphs[s.index] for s in secs],
            "sentences": [n_sentences[s.label] for s in secs],
            "words": [n_words.get(s.label, 0) for s in secs],
            "start": [s.start for s in secs],
            "end": [s.end for s in secs],
        },
        SECTION_DTYPES,
    )


def sentence_lengths(doc: Document) -> pd.DataFrame:
    """Sentence lengths in words, with section: columns ``sentence_id, section, n_words``."""
    return tokenise.sentences(doc)[["sentence_id", "section", "n_words"]]
