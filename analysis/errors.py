"""Exceptions raised for bad input.

Every problem with user input is reported as one of two exception types with a
one-line message naming the file and what is wrong:

- :class:`InputError`: a text to analyse cannot be used (missing path, a
  directory, empty, binary, not decodable, no sentences).
- :class:`LexiconError`: a lexicon, codebook or gazetteer is malformed.

Both derive from :class:`AnalysisError`; the command line prints the message
and exits with status 2, without a traceback.
"""


class AnalysisError(Exception):
    """Base class for errors caused by the user's input."""


class InputError(AnalysisError, ValueError):
    """A text file or string cannot be analysed."""


class LexiconError(AnalysisError, ValueError):
    """A lexicon, codebook or gazetteer file is malformed."""
