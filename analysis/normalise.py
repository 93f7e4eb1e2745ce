"""Length-preserving text normalisation for matching.

Every function here maps one character to exactly one character, so an offset
into the normalised text is the same offset into the original: matches found
on normalised text can always be shown in the original body.

Mappings (Unicode code points):

- apostrophes and single quotes ‘ ’ ‚ ‛ ′ ʼ → ``'``
- double quotes “ ” „ ‟ ″ « » → ``"``
- hyphens U+2010 and U+2011 → ``-`` (word-internal, as in "Sino‑Russian")
- dashes used as separators U+2012–U+2015 and the minus sign → ``—``
  (one canonical separator: "Russia–in March" stays two words)
- non-breaking, thin, figure and other spaces → ``" "``; zero-width
  characters → ``" "`` (their removal would shift offsets)
"""

from __future__ import annotations

import re

_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u02bc"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_HYPHENS = "\u2010\u2011"
_DASHES = "\u2012\u2013\u2014\u2015\u2212"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

_MAP = {
    **{c: "'" for c in _SINGLE},
    **{c: '"' for c in _DOUBLE},
    **{c: "-" for c in _HYPHENS},
    **{c: "\u2014" for c in _DASHES},
    **{c: " " for c in _SPACES + _ZERO_WIDTH},
}
TABLE = str.maketrans(_MAP)
# One pass of a compiled pattern is much faster than str.translate on long
# texts, where almost every character maps to itself.
_SPECIAL = re.compile("[" + re.escape("".join(_MAP)) + "]")


def normalise(text: str) -> str:
    """Return ``text`` with quotes, hyphens, dashes and spaces normalised.

    The result has the same length as ``text``.

    Example:
        >>> normalise("Russia\u2019s \u201cplug-in\u201d\u00a0alliance\u2013in")
        'Russia\\'s "plug-in" alliance—in'
    """
    if text.isascii():
        return text
    return _SPECIAL.sub(lambda m: _MAP[m.group()], text)


def fold(text: str) -> str:
    """Normalise and lower-case, as used for the ``norm`` column of tokens.

    Lower-casing can change the length of a few characters (for example
    "İ"); tokens are short, and ``norm`` is not used for offsets.
    """
    return normalise(text).lower()
