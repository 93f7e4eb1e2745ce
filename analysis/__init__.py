"""Discourse analysis of one political opinion article, as tidy tables.

Modules are named for the analysis they perform:

- :mod:`analysis.corpus` reads a saved page into a :class:`~analysis.corpus.Document`
  (article body, sections, paragraphs; page furniture kept apart as metadata);
- :mod:`analysis.tokenise` splits the body into sentences and word tokens with
  character offsets;
- :mod:`analysis.framing`, :mod:`analysis.keyness`, :mod:`analysis.actors`,
  :mod:`analysis.sentiment`, :mod:`analysis.stance` and :mod:`analysis.voices`
  turn a document into tidy :class:`pandas.DataFrame` tables;
- :mod:`analysis.figures` saves figures reproducibly, :mod:`analysis.paths`
  names every location, :mod:`analysis.lexicons` loads every data file.

Importing the package has no side effects.
"""

__version__ = "0.1.0"
