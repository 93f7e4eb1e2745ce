"""The one loader for every lexicon, codebook, gazetteer and rule file.

Data files live beside this module as YAML, each with a ``meta`` block giving
title, source, licence, date and version. A caller names a packaged file
(``"frames"``), passes a path to its own file, or passes an already loaded
mapping; all three go through :func:`load`, which reports malformed input as
:class:`analysis.errors.LexiconError` with the file and key at fault.

Example:
    >>> from analysis import lexicons
    >>> lexicons.load(None, name="abbreviations")["meta"]["title"]
    'Abbreviations and sentence starters for sentence splitting'
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.errors import LexiconError
from analysis.paths import LEXICONS

Source = str | Path | Mapping | None


def packaged(name: str) -> Path:
    """Path of the packaged data file called ``name`` (without extension)."""
    path = LEXICONS / f"{name}.yml"
    if not path.is_file():
        raise LexiconError(f"no packaged lexicon called {name!r} in {LEXICONS}")
    return path


@lru_cache(maxsize=64)
def _read_yaml(path: str, mtime_ns: int) -> object:
    del mtime_ns  # part of the cache key: an edited file is read again
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"{path}: not valid YAML{where}: {problem}") from None


def load(source: Source, *, name: str, required: Iterable[str] = ()) -> dict:
    """Load a data file and check its top level.

    Args:
        source: ``None`` for the packaged file ``name``; a path to a YAML file;
            or a mapping already in memory (checked the same way).
        name: the packaged file's name and the label used in error messages.
        required: top-level keys that must be present.

    Returns:
        A deep copy of the mapping, safe for the caller to modify.

    Raises:
        LexiconError: the file is missing, unreadable, not YAML, not a mapping,
            or lacks a required key.
    """
    if source is None:
        path = packaged(name)
        data, label = _read_yaml(str(path), path.stat().st_mtime_ns), str(path)
    elif isinstance(source, Mapping):
        data, label = source, f"{name} (in memory)"
    elif isinstance(source, (str, Path)):
        path = Path(source).expanduser()
        if not path.exists():
            raise LexiconError(f"{path}: {name} file not found")
        if not path.is_file():
            raise LexiconError(f"{path}: {name} path is not a file")
        data, label = _read_yaml(str(path.resolve()), path.stat().st_mtime_ns), str(path)
    else:
        raise LexiconError(f"{name}: expected a path or a mapping, got {type(source).__name__}")
    if not isinstance(data, Mapping):
        raise LexiconError(f"{label}: the top level must be a mapping of keys, not {type(data).__name__}")
    missing = [key for key in required if key not in data]
    if missing:
        raise LexiconError(f"{label}: missing required key(s): {', '.join(missing)}")
    out = copy.deepcopy(dict(data))
    out.setdefault("meta", {})
    out["meta"] = dict(out["meta"] or {}, loaded_from=label)
    return out


def string_list(data: Mapping, key: str, *, label: str) -> list[str]:
    """Return ``data[key]`` as a list of non-empty strings, or raise LexiconError."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{label}: {key!r} must be a list of non-empty strings")
    return value
