"""Benchmark corpora built from real, human-written sentences.

The sentences come from the validation data beside the project
(``../shared/benchmarks/``): every distinct sentence of NewsMTSC (train and
dev, political news) and of the VADER NYT editorial snippets. They are read by
path and never copied into the repository.

- :func:`real_text` gives those sentences as they are, five to a paragraph,
  in file order (about 260,000 words).
- :func:`million_word_text` recombines them into new paragraphs of 3–8
  sentences drawn in a seeded random order, pass after pass, until the text
  reaches the requested size; no paragraph repeats verbatim.
- :func:`articles` cuts a text into articles of 500–1,500 words at paragraph
  boundaries, for corpus-scale benchmarks.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchmarks"
#: Sentences per paragraph when recombining (news paragraphs run 1–8 sentences).
PARAGRAPH_SENTENCES = (3, 8)
#: Sentences per paragraph in :func:`real_text`.
REAL_PARAGRAPH_SENTENCES = 5
#: Size of the large benchmark text, in whitespace-separated words.
MILLION = 1_000_000


def data_dir(path: str | Path | None = None) -> Path:
    """The validation data folder, or exit with a clear message when it is absent."""
    folder = Path(path) if path else DEFAULT_DATA
    if not (folder / "newsmtsc").is_dir() or not (folder / "vader-nyt").is_dir():
        sys.exit(f"benchmark data not found in {folder}: expected newsmtsc/ and vader-nyt/ "
                 "(pass the folder as an argument)")
    return folder


def sentences(path: str | Path | None = None) -> list[str]:
    """Every distinct sentence of the benchmark data, in file order."""
    folder = data_dir(path)
    seen: dict[str, None] = {}
    for name in ("train.jsonl", "dev-mt.jsonl", "dev-rw.jsonl"):
        with open(folder / "newsmtsc" / name, encoding="utf-8") as fh:
            for line in fh:
                seen.setdefault(" ".join(json.loads(line)["sentence"].split()), None)
    with open(folder / "vader-nyt" / "nyt-editorial-snippets-dev.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                seen.setdefault(" ".join(parts[2].split()), None)
    return [s for s in seen if s]


def real_text(path: str | Path | None = None) -> str:
    """The benchmark sentences as they are, in paragraphs of five."""
    sents = sentences(path)
    n = REAL_PARAGRAPH_SENTENCES
    return "\n\n".join(" ".join(sents[i:i + n]) for i in range(0, len(sents), n)) + "\n"


def million_word_text(seed: int = 0, words: int = MILLION, path: str | Path | None = None) -> str:
    """About ``words`` words of recombined paragraphs; no paragraph repeats."""
    sents = sentences(path)
    rng = random.Random(seed)
    paragraphs: list[str] = []
    seen: set[str] = set()
    total = 0
    while total < words:
        order = sents[:]
        rng.shuffle(order)
        i = 0
        while i < len(order) and total < words:
            k = rng.randint(*PARAGRAPH_SENTENCES)
            para = " ".join(order[i:i + k])
            i += k
            if para in seen:
                continue
            seen.add(para)
            paragraphs.append(para)
            total += len(para.split())
    return "\n\n".join(paragraphs) + "\n"


def articles(text: str, min_words: int = 500, max_words: int = 1500, seed: int = 0) -> list[str]:
    """Cut ``text`` at paragraph boundaries into articles of ``min_words``–``max_words`` words."""
    rng = random.Random(seed)
    out, current, size = [], [], 0
    target = rng.randint(min_words, max_words)
    for para in text.split("\n\n"):
        n = len(para.split())
        if current and size + n > max_words:
            out.append("\n\n".join(current) + "\n")
            current, size, target = [], 0, rng.randint(min_words, max_words)
        current.append(para)
        size += n
        if size >= target:
            out.append("\n\n".join(current) + "\n")
            current, size, target = [], 0, rng.randint(min_words, max_words)
    if current:
        out.append("\n\n".join(current) + "\n")
    return out
