"""Shared fixtures: the seed document and small documents built from strings."""

from __future__ import annotations

import pytest

from analysis import corpus, paths


@pytest.fixture(scope="session")
def seed_doc():
    """The seed article, loaded once per test session."""
    return corpus.load(paths.SEED_TEXT)


@pytest.fixture
def make_doc():
    """Build a Document from a string: ``make_doc("Text. More text.")``."""

    def _make(text: str, **kwargs):
        return corpus.from_text(text, **kwargs)

    return _make
