"""Command line: ``python -m analysis <command>``.

Commands:
    describe PATH        title, sections, paragraphs, sentences and tokens of an article
    figures              execute every notebook headless and write the figures
    study                execute the notebooks and export the written study to HTML
    corpus SOURCE        run the measures over many articles; write one table per measure

Errors in the input are printed as one line on standard error, with exit
status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import __version__, paths
from analysis.errors import AnalysisError


def _describe(args: argparse.Namespace) -> int:
    from analysis import corpus, tokenise

    doc = corpus.load(args.path, encoding=args.encoding)
    sents = tokenise.sentences(doc)
    print(f"title:      {doc.title}")
    print(f"source:     {doc.meta['source']}")
    print(f"sha256:     {doc.meta['sha256']}")
    if doc.meta.get("byline"):
        print(f"byline:     {doc.meta['byline']}")
    print(f"sections:   {len(doc.sections)}")
    for section in doc.sections:
        n = int(sents.loc[sents["section"] == section.label, "n_words"].sum())
        print(f"  {section.index}. {section.label} ({n} words)")
    print(f"paragraphs: {len(doc.text_paragraphs)}")
    print(f"sentences:  {len(sents)}")
    print(f"tokens:     {len(tokenise.words(doc))}")
    print(f"words:      {tokenise.word_count(doc)}")
    return 0


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _figures(args: argparse.Namespace) -> int:
    from analysis import pipeline

    try:
        done = pipeline.run(text=Path(args.text), out=Path(args.out), seed=args.seed, only=args.only,
                            build=args.build, log=_progress)
    except KeyboardInterrupt:
        print("error: interrupted; figures already written are intact", file=sys.stderr)
        return 130
    print(f"executed {len(done)} notebook(s); figures and manifest.json in {Path(args.out).resolve()}; "
          f"executed copies in {done[-1].parent if done else '-'}")
    return 0


def _study(args: argparse.Namespace) -> int:
    from analysis import pipeline

    try:
        html = pipeline.study(text=Path(args.text), out=Path(args.out), seed=args.seed, build=args.build,
                              html=args.html, with_figures=not args.no_figures, log=_progress)
    except KeyboardInterrupt:
        print("error: interrupted; figures already written are intact", file=sys.stderr)
        return 130
    print(f"study written to {html}")
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from analysis import batch, corpus

    source = args.source[0] if len(args.source) == 1 else args.source
    docs = corpus.load_corpus(source, skip_bad=args.skip_bad, text_column=args.text_column,
                              encoding=args.encoding, metadata=args.metadata)
    results = batch.analyse(docs, args.measures or batch.DEFAULT_MEASURES, workers=args.workers,
                            scheduler=args.scheduler, skip_bad=args.skip_bad)
    manifest = batch.write(results, args.out, fmt=args.format, source=docs.source)
    for name, entry in manifest["tables"].items():
        print(f"{entry['file']}: {entry['rows']} rows")
    if len(results.errors):
        print(f"skipped {results.errors['doc_id'].nunique()} bad document(s): see "
              f"{batch.table_file('errors', args.format)}", file=sys.stderr)
    print(f"{len(docs)} document(s) analysed; tables in {Path(args.out).resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands register here)."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("describe", help="describe a plain-text article")
    p.add_argument("path", help="a plain-text article file")
    p.add_argument("--encoding", default=None, help="text encoding (default UTF-8)")
    p.set_defaults(func=_describe)

    p = sub.add_parser("figures", help="execute the notebooks headless and write the figures")
    p.add_argument("--text", default=str(paths.SEED_TEXT), help="article to analyse (default: the seed)")
    p.add_argument("--out", default=str(paths.FIGURES), help="folder for figures and manifest")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the suite's)")
    p.add_argument("--only", nargs="*", default=None, help="notebook name prefixes to run, e.g. 01 04")
    p.add_argument("--build", default=None, help="folder for executed notebooks (default: build/ for "
                   "figures/, else OUT-build beside OUT)")
    p.set_defaults(func=_figures)

    p = sub.add_parser("study", help="execute the notebooks and export the written study to HTML")
    p.add_argument("--text", default=str(paths.SEED_TEXT), help="article to analyse (default: the seed)")
    p.add_argument("--out", default=str(paths.FIGURES), help="folder for figures and manifest")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the suite's)")
    p.add_argument("--build", default=None, help="folder for executed notebooks and study/07-study.html")
    p.add_argument("--html", default=None, help="HTML file to write (default: BUILD/study/07-study.html)")
    p.add_argument("--no-figures", action="store_true",
                   help="run the study notebook alone, citing the figures already in OUT")
    p.set_defaults(func=_study)

    p = sub.add_parser("corpus", help="run the measures over a corpus; write one table per measure")
    p.add_argument("source", nargs="+", help="folders of .txt files, text files, or a CSV/Parquet table")
    p.add_argument("--out", required=True, help="folder for the tables and manifest.json")
    p.add_argument("--measures", nargs="*", default=None, help="measures to run (default: all five)")
    p.add_argument("--workers", type=int, default=1, help="local worker processes (default 1: no Dask)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument("--skip-bad", action="store_true", help="skip bad documents and list them in errors")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="table format (default csv)")
    p.add_argument("--text-column", default="text", help="text column of a table source (default text)")
    p.add_argument("--encoding", default=None, help="encoding of the text files (default UTF-8)")
    p.add_argument("--metadata", default=None,
                   help="CSV/Parquet with a doc_id column (default: metadata.csv in a folder source)")
    p.set_defaults(func=_corpus)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "seed", 0) is None:
        from analysis.pipeline import DEFAULT_SEED

        args.seed = DEFAULT_SEED
    try:
        return args.func(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
