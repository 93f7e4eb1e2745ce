"""The source text as a document: article body, sections, paragraphs, metadata.

:func:`load` reads a saved article page (plain text, UTF-8 by default) and
separates the article from the page furniture around it, using the rules in
``analysis/lexicons/furniture.yml``:

1. The text is split into *blocks* at blank lines.
2. The first block is the **title** when it is title-like (at most
   ``title_max_words`` words, no sentence-final punctuation) and more follows.
3. Parenthesised **editorial notes** before the first running paragraph go to
   ``meta["editorial_note"]``.
4. The article ends before the **byline** (``meta["byline"]``) or, when there
   is none, before the first short paragraph (at most ``furniture_max_words``
   words) matching an ``end_of_article`` rule (share buttons, disclaimers,
   teasers, subscription appeals). Everything from
   there on is dropped and never analysed.
5. Inside the body, a **heading** is a short, single-line, title-like block
   (see :data:`HEADING_MAX_WORDS`) followed by running text. Each heading
   opens a section; text before the first heading forms an untitled section,
   and a text with no headings is one untitled section.

``Document.body`` is a verbatim slice of the source text (line endings
normalised to ``\\n``), so every offset in every table points into it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import lexicons
from analysis.errors import InputError
from analysis.normalise import normalise

#: A heading has at most this many words. The longest heading in the seed has
#: six; headlines in news style rarely exceed ten.
HEADING_MAX_WORDS = 10
#: Share of control characters (other than tab and newline) above which a
#: decoded file is taken to be binary rather than text.
BINARY_CONTROL_SHARE = 0.01
#: Bytes inspected for a NUL byte, the surest sign of a binary file.
BINARY_SNIFF_BYTES = 8192
#: Longest plausible word, in characters: a block longer than this many
#: characters per allowed word cannot be a title or a heading.
_MAX_WORD_CHARS = 30
#: Label of a section that has no heading.
UNTITLED = "(untitled)"

_BLOCK_SEP = re.compile(r"\n[ \t]*\n\s*")
_FINAL_PUNCT = tuple('.,;:!?"\'…)]')
_WORD = re.compile(r"\w")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Section:
    """A headed section of the body: ``body[start:end]`` includes its heading.

    Attributes:
        index: 1-based position in the document.
        heading: the heading text, or ``""`` for an untitled section.
        start, end: character offsets into ``Document.body``.
        text_start: offset where the running text after the heading begins.
    """

    index: int
    heading: str
    start: int
    end: int
    text_start: int

    @property
    def label(self) -> str:
        """The heading, or ``"(untitled)"``: the value used in ``section`` columns."""
        return self.heading or UNTITLED


@dataclass(frozen=True)
class Paragraph:
    """A block of the body between blank lines.

    Attributes:
        index: 1-based position in the document (headings included).
        start, end: character offsets into ``Document.body``.
        section: index of the section it belongs to.
        kind: ``"heading"`` or ``"text"``.
    """

    index: int
    start: int
    end: int
    section: int
    kind: str


@dataclass(eq=False)
class Document:
    """One article: its body, structure and metadata.

    Attributes:
        title: the title line, or the file stem when the text has none.
        body: the article text only, furniture removed.
        sections: headed sections, in order, covering the body.
        paragraphs: every paragraph, headings included.
        meta: ``source``, ``sha256`` (of the file's bytes), ``encoding``,
            ``byline``, ``editorial_note``, ``dropped_paragraphs`` and
            ``body_offset`` (where the body starts in the decoded text).
    """

    title: str
    body: str
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    meta: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def text_paragraphs(self) -> tuple[Paragraph, ...]:
        """Paragraphs of running text (headings left out)."""
        return tuple(p for p in self.paragraphs if p.kind == "text")

    @property
    def normalised(self) -> str:
        """``body`` after :func:`analysis.normalise.normalise` (same offsets)."""
        if "normalised" not in self._cache:
            self._cache["normalised"] = normalise(self.body)
        return self._cache["normalised"]

    def section_at(self, offset: int) -> Section:
        """The section containing character ``offset`` of the body."""
        for section in reversed(self.sections):
            if section.start <= offset:
                return section
        return self.sections[0]

    def cached(self, key: str, compute):
        """Return ``compute()`` once per document and key (used by the analyses)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state


@dataclass(frozen=True)
class _Rules:
    title_max_words: int
    furniture_max_words: int
    editorial_note: tuple[re.Pattern, ...]
    byline: tuple[re.Pattern, ...]
    end_of_article: tuple[re.Pattern, ...]


def _compile(data: Mapping, key: str, label: str) -> tuple[re.Pattern, ...]:
    out = []
    for pattern in lexicons.string_list(data, key, label=label):
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise lexicons.LexiconError(f"{label}: bad pattern under {key!r}: {pattern!r} ({exc})") from None
    return tuple(out)


@lru_cache(maxsize=8)
def _packaged_rules() -> _Rules:
    return rules(None)


def rules(source: lexicons.Source) -> _Rules:
    """Load and compile furniture rules (``None``: the packaged file)."""
    data = lexicons.load(source, name="furniture", required=("byline", "end_of_article"))
    label = data["meta"]["loaded_from"]
    limits = {}
    for key, default in (("title_max_words", 20), ("furniture_max_words", 60)):
        limits[key] = data.get(key, default)
        if not isinstance(limits[key], int) or isinstance(limits[key], bool) or limits[key] < 1:
            raise lexicons.LexiconError(f"{label}: {key!r} must be a positive integer")
    return _Rules(
        **limits,
        editorial_note=_compile(data, "editorial_note", label),
        byline=_compile(data, "byline", label),
        end_of_article=_compile(data, "end_of_article", label),
    )


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each blank-line-separated block, whitespace trimmed."""
    pos = 0
    for sep in _BLOCK_SEP.finditer(text):
        yield from _trimmed(text, pos, sep.start())
        pos = sep.end()
    yield from _trimmed(text, pos, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        yield start + lead, start + lead + len(stripped)


def _n_words(text: str) -> int:
    """Words separated by white space (the unit of the furniture and heading limits)."""
    return len(text.split())


def _title_like(norm: str, max_words: int) -> bool:
    """Whether a normalised block reads as a title or heading."""
    if "\n" in norm or len(norm) > max_words * _MAX_WORD_CHARS:
        return False
    return (
        0 < _n_words(norm) <= max_words
        and not norm.endswith(_FINAL_PUNCT)
        and not norm.startswith(("(", '"', "'"))
        and (norm[0].isupper() or norm[0].isdigit())
    )


def _short(text: str, max_words: int) -> bool:
    return len(text) <= max_words * _MAX_WORD_CHARS and _n_words(text) <= max_words


def _matches(patterns: tuple[re.Pattern, ...], norm: str) -> bool:
    """Whether any pattern occurs in a normalised block."""
    return any(p.search(norm) for p in patterns)


def from_text(text: str, *, source: str = "<string>", sha256: str | None = None,
              encoding: str = "utf-8", furniture: lexicons.Source = None) -> Document:
    """Build a :class:`Document` from a string (see the module docstring for the rules).

    Args:
        text: the whole saved page or article as text.
        source: where the text came from, kept in ``meta["source"]``.
        sha256: hash of the source bytes; computed from ``text`` when omitted.
        encoding: the encoding the text was decoded from, for the record.
        furniture: furniture rules: ``None`` for the packaged file, or a path
            or mapping with the same keys.

    Raises:
        InputError: the text is empty or has no sentences once furniture is removed.
    """
    rule = _packaged_rules() if furniture is None else rules(furniture)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    blocks = list(_blocks(text))
    if not blocks:
        raise InputError(f"{source}: the text is empty")

    # normalise() keeps every character's offset, so a block of the normalised
    # text is the normalised block: the text is normalised once, not per test.
    norm = normalise(text)

    def block(i: int) -> str:
        return text[blocks[i][0]:blocks[i][1]]

    def norm_block(i: int) -> str:
        return norm[blocks[i][0]:blocks[i][1]]

    meta: dict = {"source": source, "sha256": sha256, "encoding": encoding,
                  "byline": None, "editorial_note": None}
    first = 0
    title = Path(source).stem if source != "<string>" else ""
    if len(blocks) > 1 and _title_like(norm_block(0), rule.title_max_words):
        title, first = block(0), 1
    notes = []
    while first < len(blocks) and _matches(rule.editorial_note, norm_block(first)):
        notes.append(block(first))
        first += 1
    meta["editorial_note"] = "\n\n".join(notes) or None
    last = len(blocks)
    for i in range(first, len(blocks)):
        if _matches(rule.byline, norm_block(i)):
            meta["byline"], last = block(i), i
            break
        if _short(block(i), rule.furniture_max_words) and _matches(rule.end_of_article, norm_block(i)):
            last = i
            break
    meta["dropped_paragraphs"] = len(blocks) - last - (1 if meta["byline"] else 0)
    kept = blocks[first:last]
    if not kept or not any(_WORD.search(text[s:e]) for s, e in kept):
        raise InputError(f"{source}: no sentences found once page furniture is removed")
    offset = kept[0][0]
    body = text[offset:kept[-1][1]]
    meta["body_offset"] = offset
    spans = [(s - offset, e - offset) for s, e in kept]
    norm_body = norm[offset:kept[-1][1]]
    is_heading = [
        i + 1 < len(spans)
        and _title_like(norm_body[s:e], HEADING_MAX_WORDS)
        and _n_words(body[s:e]) <= HEADING_MAX_WORDS
        and not _title_like(norm_body[spans[i + 1][0]:spans[i + 1][1]], HEADING_MAX_WORDS)
        for i, (s, e) in enumerate(spans)
    ]
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    for i, (s, e) in enumerate(spans):
        if is_heading[i] or not sections:
            heading = body[s:e] if is_heading[i] else ""
            text_start = spans[i + 1][0] if is_heading[i] else s
            sections.append(Section(len(sections) + 1, heading, s, len(body), text_start))
            if len(sections) > 1:
                prev = sections[-2]
                sections[-2] = Section(prev.index, prev.heading, prev.start, spans[i - 1][1], prev.text_start)
        kind = "heading" if is_heading[i] else "text"
        paragraphs.append(Paragraph(i + 1, s, e, sections[-1].index, kind))
    return Document(title=title, body=body, sections=tuple(sections),
                    paragraphs=tuple(paragraphs), meta=meta, _cache={"normalised": norm_body})


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str, str, str]:
    """Read a text file with checks; return ``(text, sha256, encoding)``.

    Raises:
        InputError: the path is missing, a directory, empty, binary, or not
            decodable with ``encoding`` (default UTF-8).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(f"{path}: looks like a binary file, not text")
    enc = encoding or "utf-8"
    try:
        text = data.decode("utf-8-sig" if enc.lower().replace("_", "-") in ("utf-8", "utf8") else enc)
    except LookupError:
        raise InputError(f"{path}: unknown encoding {enc!r}") from None
    except UnicodeDecodeError as exc:
        hint = "" if encoding else "; pass encoding= (for example 'cp1252') if you know it"
        raise InputError(f"{path}: not {enc} text (byte 0x{data[exc.start]:02x} at offset {exc.start}){hint}") from None
    controls = len(_CONTROL.findall(text))
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise InputError(f"{path}: looks like a binary file, not text")
    return text, hashlib.sha256(data).hexdigest(), enc


def load(path: str | Path, *, encoding: str | None = None, furniture: lexicons.Source = None) -> Document:
    """Load a plain-text article page as a :class:`Document`.

    Args:
        path: the text file.
        encoding: its encoding; UTF-8 (with or without BOM) when omitted.
        furniture: furniture rules (``None``: packaged ``furniture.yml``).

    Returns:
        The document, with furniture moved to ``meta`` or dropped.

    Raises:
        InputError: with a one-line message, for a missing path, a directory,
            an empty, binary or undecodable file, or a text with no sentences.

    Example:
        >>> from analysis import corpus, paths
        >>> doc = corpus.load(paths.SEED_TEXT)
        >>> [s.heading for s in doc.sections][-1]
        'Conclusion'
    """
    text, digest, enc = read_text(path, encoding=encoding)
    return from_text(text, source=str(path), sha256=digest, encoding=enc, furniture=furniture)


# ---------------------------------------------------------------------------
# Many documents: a corpus
# ---------------------------------------------------------------------------
#
# A :class:`Corpus` holds *references* to documents (a path, or the text of a
# table row) and a metadata table; documents are read and parsed only when
# they are used, one at a time, so a corpus of thousands of articles costs
# little memory until it is analysed (see :mod:`analysis.batch`).

import pandas as pd  # noqa: E402

from analysis import paths as _paths  # noqa: E402

#: The small corpus shipped for the tests and examples (see :mod:`analysis.paths`).
SAMPLE_CORPUS = _paths.SAMPLE_CORPUS

#: File suffixes read as a table of documents (one row each) rather than as text.
TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
#: File, inside a corpus folder, whose rows give metadata per ``doc_id``.
CORPUS_METADATA = "metadata.csv"
#: Name pattern of the text files a corpus folder is made of.
CORPUS_PATTERN = "*.txt"


@dataclass(frozen=True)
class DocumentRef:
    """Where one document of a corpus comes from: a file, or a text from a table.

    Attributes:
        doc_id: the document's identifier in the corpus.
        path: the text file, or ``None`` when the text is given inline.
        text: the text itself (table sources), or ``None`` for a file.
        encoding: the file's encoding (``None``: UTF-8).
        furniture: furniture rules passed to :func:`from_text`.
    """

    doc_id: str
    path: str | None = None
    text: str | None = None
    encoding: str | None = None
    furniture: object = None

    def __dask_tokenize__(self):
        """Dask's key for this reference: its fields (quicker than pickling it, Dask's default)."""
        from dask.base import normalize_token

        return (type(self).__qualname__, self.doc_id, self.path, self.text, self.encoding,
                normalize_token(self.furniture))

    @property
    def origin(self) -> str:
        """The file path, or ``<table>#<doc_id>`` for a text from a table."""
        return self.path if self.path is not None else f"<table>#{self.doc_id}"

    def load(self) -> Document:
        """Read and parse the document (``meta["doc_id"]`` is set).

        Raises:
            InputError: the file or text cannot be used (one line, naming it).
        """
        if self.text is not None:
            doc = from_text(self.text, source=self.origin, furniture=self.furniture)
        else:
            doc = load(self.path, encoding=self.encoding, furniture=self.furniture)
        doc.meta["doc_id"] = self.doc_id
        return doc


class Corpus:
    """Documents plus a metadata table with one row per document.

    Build one with :func:`load_corpus`. Iterating yields :class:`Document`
    objects, read one at a time in ``doc_id`` order.

    Attributes:
        refs: a :class:`DocumentRef` per usable document, in ``doc_id`` order.
        metadata: DataFrame with ``doc_id`` first, then the metadata columns
            given with the corpus (title, author, outlet, date, ...), one row
            per usable document, in the same order.
        errors: DataFrame ``doc_id``, ``path``, ``error``: one row per bad
            document (missing, empty, binary, undecodable), what is wrong with it.
        source: a description of where the corpus came from.
    """

    def __init__(self, refs, metadata: pd.DataFrame, errors: pd.DataFrame | None = None,
                 source: str = "<corpus>"):
        self.refs = tuple(refs)
        self.metadata = metadata.reset_index(drop=True)
        self.errors = errors if errors is not None else _error_table([])
        self.source = source
        if list(self.metadata["doc_id"]) != [r.doc_id for r in self.refs]:
            raise ValueError("metadata rows must match the documents, in order")

    def __len__(self) -> int:
        return len(self.refs)

    def __iter__(self) -> Iterator[Document]:
        for ref in self.refs:
            yield ref.load()

    def __repr__(self) -> str:
        return f"Corpus({len(self)} documents, {len(self.errors)} bad, source={self.source!r})"

    @property
    def doc_ids(self) -> list[str]:
        """The document identifiers, in order."""
        return [r.doc_id for r in self.refs]

    def document(self, doc_id: str) -> Document:
        """Read one document by its identifier.

        Raises:
            KeyError: no document has that identifier.
        """
        for ref in self.refs:
            if ref.doc_id == doc_id:
                return ref.load()
        raise KeyError(doc_id)


def _error_table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "path", "error"]).astype(str)


def _what_is_wrong(message: str, origin: str) -> str:
    """The message of an InputError without its leading ``<path>: ``."""
    prefix = f"{origin}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _read_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path)
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot be read as a table ({first})") from None


def _metadata_table(source, label: str, id_column: str) -> pd.DataFrame:
    table = source.copy() if isinstance(source, pd.DataFrame) else _read_table(Path(source))
    if id_column not in table.columns:
        raise InputError(f"{label}: metadata has no {id_column!r} column")
    table = table.rename(columns={id_column: "doc_id"})
    table["doc_id"] = table["doc_id"].astype(str)
    dupes = table["doc_id"][table["doc_id"].duplicated()].unique().tolist()
    if dupes:
        raise InputError(f"{label}: doc_id {dupes[0]!r} appears more than once in the metadata")
    return table[["doc_id", *[c for c in table.columns if c != "doc_id"]]]


def _file_refs(files: list[Path], doc_ids: list[str], encoding, furniture):
    refs, errors = [], []
    for path, doc_id in zip(files, doc_ids):
        try:
            read_text(path, encoding=encoding)
        except InputError as exc:
            errors.append((doc_id, str(path), _what_is_wrong(str(exc), str(path))))
            continue
        refs.append(DocumentRef(doc_id, path=str(path), encoding=encoding, furniture=furniture))
    return refs, errors


def _table_refs(table: pd.DataFrame, label: str, text_column: str, furniture):
    if text_column not in table.columns:
        columns = ", ".join(map(str, table.columns))
        raise InputError(f"{label}: no text column {text_column!r} (columns: {columns})")
    refs, errors = [], []
    for doc_id, text in zip(table["doc_id"], table[text_column]):
        origin = f"{label}#{doc_id}"
        if not isinstance(text, str) or not text.strip():
            errors.append((doc_id, origin, "the text is empty"))
        elif "\x00" in text[:BINARY_SNIFF_BYTES]:
            errors.append((doc_id, origin, "looks like binary data, not text"))
        else:
            refs.append(DocumentRef(doc_id, text=text, furniture=furniture))
    return refs, errors


def load_corpus(source, *, skip_bad: bool = False, metadata=None, text_column: str = "text",
                id_column: str = "doc_id", pattern: str = CORPUS_PATTERN,
                encoding: str | None = None, furniture: lexicons.Source = None) -> Corpus:
    """Gather many documents and their metadata into a :class:`Corpus`.

    Args:
        source: one of

            - a folder: every file matching ``pattern`` (default ``*.txt``;
              ``**/*.txt`` to descend) is a document whose ``doc_id`` is its
              path relative to the folder, without suffix; a ``metadata.csv``
              in the folder, with a ``doc_id`` column, adds metadata columns
              (title, author, outlet, date, ...);
            - a list of text files or folders (``doc_id``: the file name
              without suffix; a folder stands for its files matching ``pattern``);
            - a CSV or Parquet file, or a DataFrame, with one row per document:
              the text in ``text_column``, an identifier in ``id_column`` (row
              numbers when absent), every other column kept as metadata.
        skip_bad: when False (the default), the first bad document raises
            :class:`InputError` naming it; when True, bad documents are left
            out and listed in :attr:`Corpus.errors`.
        metadata: a CSV/Parquet path or DataFrame with a ``doc_id`` column,
            used instead of the folder's ``metadata.csv``. A ``doc_id`` listed
            there with no file is reported as missing.
        text_column, id_column: column names in a table source.
        pattern: file-name pattern inside a folder.
        encoding: encoding of the text files (default UTF-8).
        furniture: furniture rules for every document (see :func:`from_text`).

    Returns:
        The corpus, documents in ``doc_id`` order. Files are checked here
        (present, non-empty, text, decodable) but parsed only when used.

    Raises:
        InputError: an unusable source, a duplicate ``doc_id``, or (unless
            ``skip_bad``) a bad document, with a one-line message naming it.

    Example:
        >>> from analysis import corpus
        >>> c = corpus.load_corpus(corpus.SAMPLE_CORPUS)
        >>> len(c), c.metadata.columns[0]
        (5, 'doc_id')
    """
    if isinstance(source, pd.DataFrame) or (
            isinstance(source, (str, Path)) and Path(source).suffix.lower() in TABLE_SUFFIXES):
        label, refs, meta, errors = _from_table(source, text_column, id_column, furniture)
    else:
        label, refs, meta, errors = _from_files(source, metadata, pattern, encoding, furniture)
    errors.sort()
    if errors and not skip_bad:
        doc_id, where, what = errors[0]
        more = f" (and {len(errors) - 1} more bad documents)" if len(errors) > 1 else ""
        raise InputError(f"{where}: {what}{more}; pass skip_bad=True to skip bad documents")
    if not refs:
        raise InputError(f"{label}: no usable documents")
    refs.sort(key=lambda r: r.doc_id)
    meta = meta.set_index("doc_id").loc[[r.doc_id for r in refs]].reset_index()
    return Corpus(refs, meta, _error_table(errors), source=label)


def _from_table(source, text_column: str, id_column: str, furniture):
    label = str(source) if not isinstance(source, pd.DataFrame) else "<table>"
    table = source.copy() if isinstance(source, pd.DataFrame) else _read_table(Path(source))
    if id_column not in table.columns:
        width = len(str(len(table)))
        table.insert(0, id_column, [f"{i + 1:0{width}d}" for i in range(len(table))])
    table = _metadata_table(table, label, id_column)
    refs, errors = _table_refs(table, label, text_column, furniture)
    return label, refs, table.drop(columns=[text_column]), errors


def _from_files(source, metadata, pattern: str, encoding, furniture):
    folder = None
    if isinstance(source, (str, Path)):
        label, path = str(source), Path(source)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            folder = path
            files = sorted(p for p in folder.glob(pattern) if p.is_file())
            doc_ids = [p.relative_to(folder).with_suffix("").as_posix() for p in files]
            if metadata is None and (folder / CORPUS_METADATA).is_file():
                metadata = folder / CORPUS_METADATA
        else:
            files, doc_ids = [path], [path.stem]
    else:
        files = []
        for item in map(Path, source):
            files.extend(sorted(f for f in item.glob(pattern) if f.is_file()) if item.is_dir() else [item])
        doc_ids = [p.stem for p in files]
        label = f"<{len(files)} paths>"
    if not files:
        raise InputError(f"{label}: no documents matching {pattern!r}")
    seen: set[str] = set()
    for doc_id, path in zip(doc_ids, files):
        if doc_id in seen:
            raise InputError(f"{path}: doc_id {doc_id!r} is used by two files; rename one")
        seen.add(doc_id)
    errors: list[tuple[str, str, str]] = []
    meta = pd.DataFrame({"doc_id": pd.Series(doc_ids, dtype=str)})
    if metadata is not None:
        where = str(metadata) if not isinstance(metadata, pd.DataFrame) else "<metadata>"
        extra = _metadata_table(metadata, where, "doc_id")
        suffix = Path(pattern).suffix or ".txt"
        for doc_id in extra.loc[~extra["doc_id"].isin(seen), "doc_id"]:
            expected = str(folder / f"{doc_id}{suffix}") if folder is not None else where
            what = f"listed in {Path(where).name} but there is no such file"
            errors.append((doc_id, expected, what))
        meta = meta.merge(extra, on="doc_id", how="left")
    refs, bad = _file_refs(files, doc_ids, encoding, furniture)
    return label, refs, meta, errors + bad
