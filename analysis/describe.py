"""Descriptive tables of a document: its sections and sentence lengths."""

from __future__ import annotations

import pandas as pd

from analysis import tokenise
from analysis.corpus import Document


def sections(doc: Document) -> pd.DataFrame:
    """One row per section.

    Returns:
        DataFrame with columns ``section_index``, ``section`` (label),
        ``paragraphs`` (running-text paragraphs), ``sentences``, ``words``,
        ``start``, ``end`` (offsets into ``doc.body``).
    """
    sents = tokenise.sentences(doc)
    rows = []
    for s in doc.sections:
        mine = sents[sents["section"] == s.label]
        rows.append(
            {
                "section_index": s.index,
                "section": s.label,
                "paragraphs": sum(1 for p in doc.text_paragraphs if p.section == s.index),
                "sentences": len(mine),
                "words": int(mine["n_words"].sum()),
                "start": s.start,
                "end": s.end,
            }
        )
    return pd.DataFrame(rows)


def sentence_lengths(doc: Document) -> pd.DataFrame:
    """Sentence lengths in words, with section: columns ``sentence_id, section, n_words``."""
    return tokenise.sentences(doc)[["sentence_id", "section", "n_words"]]
